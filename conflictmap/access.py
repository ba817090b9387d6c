"""Who may open a private deployment. Off (open) for local use.

Configured in Streamlit secrets (`.streamlit/secrets.toml`, or the host's secrets settings):

    [access]
    password_hash = "scrypt$16384$8$1$…"                      # a shared password (hash-password), or
    allowed_emails = ["analyst@example.org"]                  # with [auth] below: who may sign in
    allowed_domains = ["example.org"]

    [auth]                                                    # Streamlit's OpenID Connect sign-in
    redirect_uri = "https://maps.example.org/oauth2callback"
    cookie_secret = "..."
    client_id = "..."
    client_secret = "..."
    server_metadata_url = "https://accounts.example.org/.well-known/openid-configuration"

With `[auth]`, visitors sign in with `st.login` and must be on the allow-list (an empty
allow-list admits every signed-in user). With only a password, visitors type it once per
session; wrong guesses are slowed down (`Throttle`). Without either, the app is open.

The password is kept as a salted scrypt key (`hashlib.scrypt`, n=2**14, r=8, p=1: about 50 ms and
16 MB per guess), so a leaked secrets file is slow to brute-force. A hash from before (the unsalted
SHA-256 of `password_sha256`) still opens the app, and a warning in the server's log asks to
replace it: run `python -m conflictmap hash-password` and put its output in `password_hash`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from conflictmap.errors import ConflictmapError

log = logging.getLogger(__name__)

#: scrypt's cost: n (CPU and memory), r (block size), p (parallelism); 16 MB and ~50 ms a guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class AccessPolicy:
    mode: str  # "open", "password" or "oidc"
    password_hash: str | None = None  # "scrypt$n$r$p$salt$key", or a legacy SHA-256 hex digest
    allowed_emails: frozenset[str] = field(default=frozenset())
    allowed_domains: frozenset[str] = field(default=frozenset())


#: What an `[access]` table may hold.
ACCESS_KEYS = frozenset({"password_hash", "password_sha256", "allowed_emails", "allowed_domains"})


class AccessMisconfigured(ConflictmapError):
    """Secrets that mean to make the deployment private but do not say how: the app must not open."""


def policy_from_secrets(secrets: Mapping) -> AccessPolicy:
    """The policy the secrets describe; `open` when they say nothing of access.

    Secrets that try to say something and fail (an empty hash, a mistyped key or table, an
    allow-list without `[auth]`) raise `AccessMisconfigured`: a typo must close the deployment,
    not silently open it.

    >>> policy_from_secrets({"access": {"passwordhash": "scrypt$…"}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    conflictmap.access.AccessMisconfigured: the access settings are incomplete: [access] has unknown key(s) ...
    """
    near_misses = sorted(name for name in secrets if name != "access" and _looks_like("access", name))
    if near_misses:
        raise AccessMisconfigured(
            f"the access settings are incomplete: a table [{near_misses[0]}] in the secrets: did you mean [access]?"
        )
    access = secrets.get("access", {}) or {}
    if "access" in secrets and not isinstance(access, Mapping):
        raise AccessMisconfigured("the access settings are incomplete: `access` in the secrets is not a table")
    unknown = sorted(set(access) - ACCESS_KEYS)
    if unknown:
        raise AccessMisconfigured(
            f"the access settings are incomplete: [access] has unknown key(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(ACCESS_KEYS))})"
        )
    emails = frozenset(str(e).strip().casefold() for e in access.get("allowed_emails", []) or [])
    domains = frozenset(str(d).strip().casefold().lstrip("@") for d in access.get("allowed_domains", []) or [])
    digest = str(access.get("password_hash") or access.get("password_sha256") or "").strip()
    if "auth" in secrets:
        return AccessPolicy("oidc", None, emails, domains)
    if emails or domains:
        raise AccessMisconfigured(
            "the access settings are incomplete: allowed_emails and allowed_domains need an [auth] table "
            "(OpenID Connect sign-in); for a shared password, set password_hash"
        )
    if "access" in secrets and not digest:
        raise AccessMisconfigured(
            "the access settings are incomplete: [access] gives no password_hash "
            "(run `python -m conflictmap hash-password`), or remove the [access] table to run the app open"
        )
    if digest:
        if not digest.startswith("scrypt$"):
            log.warning("the shared password is kept as an unsalted SHA-256: run `python -m conflictmap hash-password`")
            digest = digest.lower()
        return AccessPolicy("password", digest, emails, domains)
    return AccessPolicy("open")


def _looks_like(word: str, name: str) -> bool:
    """Whether `name` is `word` mistyped: one letter dropped, added, changed or swapped, or cased."""
    name = str(name).casefold()
    if name == word:
        return True
    if abs(len(name) - len(word)) > 1:
        return False
    return SequenceMatcher(None, name, word).ratio() >= 0.8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """What to put in `password_hash` (`python -m conflictmap hash-password` prints it): a salted
    scrypt key, "scrypt$n$r$p$<salt>$<key>" in base64. A new random salt each time, so two hashes
    of one password differ."""
    salt = os.urandom(16) if salt is None else salt
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def password_ok(policy: AccessPolicy, given: str) -> bool:
    """Whether `given` is the configured password, compared in constant time. A hash that cannot
    be read (edited by hand, cut short) admits nobody."""
    stored = policy.password_hash
    if not stored:
        return False
    if not stored.startswith("scrypt$"):  # legacy: unsalted SHA-256
        return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).hexdigest(), stored)
    try:
        _, n, r, p, salt, key = stored.split("$")
        expected = base64.b64decode(key, validate=True)
        if len(expected) != 32:  # a key cut short would match the prefix of the right one
            return False
        derived = hashlib.scrypt(
            given.encode("utf-8"), salt=base64.b64decode(salt, validate=True), n=int(n), r=int(r), p=int(p),
            dklen=len(expected), maxmem=256 * 1024 * 1024,
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, expected)


#: The throttle's key for every guess made on this server, whoever makes it: a guesser who opens a
#: new session for each few guesses (and has no address Streamlit can see) is still slowed.
SERVER_KEY = "server"


@dataclass
class Throttle:
    """Slows repeated wrong passwords: after `free` wrong guesses from one key (a session, or a
    client address), each next guess must wait twice as long as the last, up to `longest` seconds.
    A right password clears the key. Nothing sleeps: the gate refuses a guess made too early and
    says how long to wait, so a guesser cannot tie up the server's threads.

    `SERVER_KEY` counts the whole server's wrong guesses with a larger budget (`server_free`), is
    not cleared by someone else's right password, and is forgotten after `server_quiet` seconds
    without a wrong guess: new sessions cannot reset it, and analysts' own typos rarely reach it.

    >>> now = [0.0]
    >>> throttle = Throttle(clock=lambda: now[0])
    >>> for _ in range(3):
    ...     throttle.failed("s")
    >>> throttle.wait("s")
    0.0
    >>> throttle.failed("s"); throttle.wait("s")
    1.0
    """

    free: int = 3
    server_free: int = 20
    server_quiet: float = 600.0
    first: float = 1.0
    longest: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)

    def wait(self, *keys: str) -> float:
        """Seconds until the next guess is allowed for all of `keys` (0 when it is allowed now)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            failures, last = self._count(key, now)
            free = self.server_free if key == SERVER_KEY else self.free
            if failures > free:
                delay = min(self.first * 2 ** (failures - free - 1), self.longest)
                waits.append(max(0.0, last + delay - now))
        return round(max(waits), 1)

    def _count(self, key: str, now: float) -> tuple[int, float]:
        failures, last = self._failures.get(key, (0, 0.0))
        if key == SERVER_KEY and now - last > self.server_quiet:
            return 0, last
        return failures, last

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            failures, _ = self._count(key, now)
            self._failures[key] = (failures + 1, now)
        if len(self._failures) > 100_000:  # a flood of addresses: forget the oldest
            for key in sorted(self._failures, key=lambda k: self._failures[k][1])[:50_000]:
                del self._failures[key]

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            if key != SERVER_KEY:
                self._failures.pop(key, None)


def email_allowed(policy: AccessPolicy, email: str | None) -> bool:
    """Whether a signed-in user's e-mail is on the allow-list (any user when the list is empty)."""
    if not email:
        return False
    email = email.strip().casefold()
    if not policy.allowed_emails and not policy.allowed_domains:
        return True
    domain = email.rpartition("@")[2]
    return email in policy.allowed_emails or domain in policy.allowed_domains
