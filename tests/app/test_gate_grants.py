"""The proof a browser carries to the web server that it passed the gate (`conflictmap.app.gate.Grants`):
a ticket opens one cookie, once, within its time; a cookie is refused when forged, altered, from
another server process or out of date."""

from __future__ import annotations

from conflictmap.app.gate import COOKIE_SECONDS, TICKET_SECONDS, Grants


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_ticket_opens_one_cookie_once():
    grants = Grants(clock=Clock())
    ticket = grants.ticket()
    assert grants.pending(ticket) and not grants.redeemed(ticket)
    cookie = grants.redeem(ticket)
    assert cookie and grants.cookie_ok(cookie)
    assert grants.redeemed(ticket) and not grants.pending(ticket)
    assert grants.redeem(ticket) is None  # single use
    assert grants.redeem("made-up") is None and grants.redeem("") is None


def test_a_ticket_not_exchanged_in_time_is_void():
    clock = Clock()
    grants = Grants(clock=clock)
    ticket = grants.ticket()
    clock.now += TICKET_SECONDS + 1
    assert not grants.pending(ticket)
    assert grants.redeem(ticket) is None


def test_forged_altered_foreign_or_old_cookies_are_refused():
    clock = Clock()
    grants = Grants(clock=clock)
    cookie = grants.redeem(grants.ticket())
    assert cookie is not None
    expires, nonce, mac = cookie.split(".")
    assert not grants.cookie_ok(f"{int(expires) + 10**6}.{nonce}.{mac}")  # a later expiry, same signature
    assert not grants.cookie_ok(f"{expires}.{nonce}.{'0' * len(mac)}")
    assert not grants.cookie_ok(f"{expires}.{nonce}")
    assert not grants.cookie_ok(None) and not grants.cookie_ok("") and not grants.cookie_ok("a.b.c.d")
    assert not Grants(clock=clock).cookie_ok(cookie)  # another process's key (a restarted server)
    clock.now += COOKIE_SECONDS + 1
    assert not grants.cookie_ok(cookie)
