"""The access gate of a private deployment (see `conflictmap.access` for the policy).

The gate runs in each session's script, so it guards every page; but Streamlit's web server
serves the files a page hands out (st.download_button's and st.image's `/media/` URLs) and takes
uploads (`/_stcore/upload_file/`) without asking which session, or whether it passed the gate:
a download URL copied out of an analyst's browser opens anywhere while that session lives.
`python -m conflictmap.app.serve` closes that with `GateMiddleware`, in front of Streamlit's own
routes: once a session passes the gate, the page hands its browser a one-time ticket, which the
browser exchanges (POST to `<base>/_conflictmap/access`) for a signed, HttpOnly cookie; those
routes then answer only a request carrying a valid cookie (403 otherwise). Under a plain
`streamlit run dashboard.py` there is no place for a middleware, so there such URLs stay what
Streamlit makes them: unguessable, valid only while the session that made them keeps them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from conflictmap.access import (
    SERVER_KEY,
    AccessMisconfigured,
    Throttle,
    email_allowed,
    password_ok,
    policy_from_secrets,
)

log = logging.getLogger(__name__)

GRANT_COOKIE = "conflictmap_access"
GRANT_PATH = "/_conflictmap/access"  # under the server's base URL path
#: What a page hands out or takes in through the web server rather than its session: refused to a
#: browser without the cookie (media files and downloads, uploads, the agent API, cache metrics).
GATED_PATHS = ("/media/", "/_stcore/upload_file/", "/_stcore/agent/interact", "/_stcore/agent/mcp", "/_stcore/metrics")
TICKET_SECONDS = 300  # a ticket not exchanged within this is void
COOKIE_SECONDS = 12 * 3600


class Grants:
    """Proof, for the web server, that a browser passed the gate: one-time tickets (handed to a
    session that passed) exchanged for cookies signed with a key of this process (HMAC-SHA256,
    compared in constant time); a server restart voids them, as it ends every session."""

    def __init__(self, key: bytes | None = None, clock: Callable[[], float] = time.time) -> None:
        self._key = key or secrets.token_bytes(32)
        self._clock = clock
        self._tickets: dict[str, float] = {}  # ticket -> when it expires
        self._redeemed: dict[str, float] = {}
        self._lock = threading.Lock()
        #: Set by the server that puts `GateMiddleware` in front (`conflictmap.app.serve`).
        self.enforced = False

    def _forget_expired(self, now: float) -> None:
        for table in (self._tickets, self._redeemed):
            for ticket in [t for t, until in table.items() if until < now]:
                del table[ticket]

    def ticket(self) -> str:
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            self._tickets[ticket] = now + TICKET_SECONDS
        return ticket

    def redeem(self, ticket: str) -> str | None:
        """The cookie's value for a valid ticket, once; None for any other text."""
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            if self._tickets.pop(ticket, None) is None:
                return None
            self._redeemed[ticket] = now + TICKET_SECONDS
        return self._sign(f"{int(now + COOKIE_SECONDS)}.{secrets.token_urlsafe(16)}")

    def redeemed(self, ticket: str) -> bool:
        with self._lock:
            return ticket in self._redeemed

    def pending(self, ticket: str) -> bool:
        with self._lock:
            return self._tickets.get(ticket, 0.0) >= self._clock()

    def _sign(self, payload: str) -> str:
        return f"{payload}.{hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()}"

    def cookie_ok(self, value: str | None) -> bool:
        if not value or value.count(".") != 2:
            return False
        payload, _, mac = value.rpartition(".")
        expected = self._sign(payload).rpartition(".")[2]
        if not hmac.compare_digest(mac.encode(), expected.encode()):
            return False
        expires = payload.partition(".")[0]
        return expires.isdigit() and int(expires) >= self._clock()


GRANTS = Grants()


def _read_secrets() -> dict | None:
    """The app's secrets: {} when no secrets file exists, None when they cannot be read."""
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError as error:
        return {} if "No secrets found" in str(error) else None
    except Exception:  # a malformed file: fail closed
        return None


def _secrets() -> dict:
    """The app's secrets; none when no secrets file exists. An unreadable file stops the app
    (a private deployment must fail closed, not open)."""
    found = _read_secrets()
    if found is None:
        st.error("The app's secrets could not be read, so access cannot be checked. Ask its administrator.")
        st.stop()
    return found


def _private(found: dict | None) -> bool:
    """Whether these secrets make the deployment private (as `policy_from_secrets` reads them);
    unreadable secrets count as private."""
    if found is None:
        return True
    try:
        return policy_from_secrets(found).mode != "open"
    except AccessMisconfigured:
        return True


def _base_path() -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _hand_over_cookie() -> None:
    """Once per session, after the gate: a ticket for this browser, exchanged for the cookie by a
    few lines of fixed script (until the server has seen it exchanged)."""
    if not GRANTS.enforced:
        return
    ticket = st.session_state.get("access.ticket")
    if isinstance(ticket, str) and GRANTS.redeemed(ticket):
        return
    if not (isinstance(ticket, str) and GRANTS.pending(ticket)):
        ticket = st.session_state["access.ticket"] = GRANTS.ticket()
    url = json.dumps(_base_path() + GRANT_PATH)
    with st.sidebar:
        st.html(
            f"""<script>
            fetch(new URL({url}, window.location.origin), {{method: "POST", body: {json.dumps(ticket)},
                  credentials: "same-origin", cache: "no-store"}})
              .then(reply => document.body.setAttribute("data-conflictmap-access", reply.ok ? "granted" : "refused"));
            </script>""",
            unsafe_allow_javascript=True,
        )


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class GateMiddleware:
    """ASGI middleware in front of Streamlit's routes (see the module's docstring): exchanges a
    ticket for the cookie at `GRANT_PATH`, and refuses `GATED_PATHS` to a browser without it
    while the deployment is private. An open deployment passes everything through."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], grants: Grants = GRANTS) -> None:
        self.app = app
        self.grants = grants
        grants.enforced = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse, Response

        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base = _base_path()
        path = str(scope.get("path", ""))
        path = path[len(base) :] if base and path.startswith(base + "/") else path
        if path == GRANT_PATH:
            request = Request(scope, receive)
            if request.method != "POST":
                response: Response = PlainTextResponse("Method not allowed", status_code=405)
            elif (cookie := self.grants.redeem((await request.body()).decode("ascii", "replace").strip())) is None:
                response = PlainTextResponse("This ticket is not valid.", status_code=403)
            else:
                response = Response(status_code=204)
                response.set_cookie(
                    GRANT_COOKIE, cookie, max_age=COOKIE_SECONDS, path=base or "/", httponly=True,
                    samesite="strict", secure=request.url.scheme == "https",
                )  # fmt: skip
            response.headers["Cache-Control"] = "no-store"
            await response(scope, receive, send)
            return
        if (
            path.startswith(GATED_PATHS)
            and _private(_read_secrets())
            and not self.grants.cookie_ok(Request(scope).cookies.get(GRANT_COOKIE))
        ):
            refused = PlainTextResponse(
                "conflictmap: open the dashboard and sign in first; this address is not served without it.",
                status_code=403,
            )
            refused.headers["Cache-Control"] = "no-store"
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


@st.cache_resource
def _throttle() -> Throttle:
    """One per server process: wrong guesses count per session and per client address."""
    return Throttle()


def _guess_keys() -> tuple[str, ...]:
    keys = [SERVER_KEY, f"session:{st.session_state.setdefault('access.session', secrets.token_hex(16))}"]
    if st.context.ip_address:  # None for a local visitor and in tests
        keys.append(f"address:{st.context.ip_address}")
    return tuple(keys)


def require_access() -> None:
    """Stop the page until the visitor may see it. The page's address, with its view, stays as
    it is, so a shared link opens its view once the visitor is let in."""
    try:
        policy = policy_from_secrets(_secrets())
    except AccessMisconfigured as error:
        log.error("conflictmap: %s", error)
        st.error(f"This dashboard cannot open: {error}. Ask its administrator.", icon=":material/lock:")
        st.stop()
    if policy.mode == "password" and not st.session_state.get("access.granted"):
        st.title("conflictmap")
        with st.form("access.form"):
            given = st.text_input("Password", type="password", key="access.password")
            if st.form_submit_button("Open the dashboard"):
                keys = _guess_keys()
                wait = _throttle().wait(*keys)
                if wait:
                    st.error(f"Too many wrong passwords. Try again in {wait:.0f} s.")
                elif password_ok(policy, given):
                    _throttle().succeeded(*keys)
                    st.session_state["access.granted"] = True
                    st.rerun()
                else:
                    _throttle().failed(*keys)
                    st.error("That password is not right.")
        st.stop()
    if policy.mode == "oidc":
        if not st.user.get("is_logged_in", False):
            st.title("conflictmap")
            st.info("This dashboard is private. Sign in to open it.", icon=":material/lock:")
            st.button("Sign in", on_click=st.login, key="access.login")
            st.stop()
        email = st.user.get("email")  # text from the identity provider, typed as any claim
        if not email_allowed(policy, email if isinstance(email, str) else None):
            st.error(f"{st.user.get('email') or 'This account'} may not open this dashboard.")
            st.button("Sign out", on_click=st.logout, key="access.logout")
            st.stop()
    if policy.mode != "open":
        _hand_over_cookie()
