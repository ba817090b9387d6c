"""Who may open a private deployment. Off (open) for local use.

Configured in Streamlit secrets (`.streamlit/secrets.toml`, or the host's secrets settings):

    [access]
    password_sha256 = "<sha256 hex of the shared password>"   # a shared password, or
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
session. Without either, the app is open.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AccessPolicy:
    mode: str  # "open", "password" or "oidc"
    password_sha256: str | None = None
    allowed_emails: frozenset[str] = field(default=frozenset())
    allowed_domains: frozenset[str] = field(default=frozenset())


def policy_from_secrets(secrets: Mapping) -> AccessPolicy:
    """The policy the secrets describe; `open` when there are none."""
    access = secrets.get("access", {}) or {}
    emails = frozenset(str(e).strip().casefold() for e in access.get("allowed_emails", []) or [])
    domains = frozenset(str(d).strip().casefold().lstrip("@") for d in access.get("allowed_domains", []) or [])
    digest = access.get("password_sha256")
    if "auth" in secrets:
        return AccessPolicy("oidc", None, emails, domains)
    if digest:
        return AccessPolicy("password", str(digest).strip().lower(), emails, domains)
    return AccessPolicy("open")


def hash_password(password: str) -> str:
    """What to put in `password_sha256` (`python -m conflictmap hash-password` prints it)."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def password_ok(policy: AccessPolicy, given: str) -> bool:
    """Constant-time comparison of the given password with the configured hash."""
    if policy.password_sha256 is None:
        return False
    return hmac.compare_digest(hash_password(given), policy.password_sha256)


def email_allowed(policy: AccessPolicy, email: str | None) -> bool:
    """Whether a signed-in user's e-mail is on the allow-list (any user when the list is empty)."""
    if not email:
        return False
    email = email.strip().casefold()
    if not policy.allowed_emails and not policy.allowed_domains:
        return True
    domain = email.rpartition("@")[2]
    return email in policy.allowed_emails or domain in policy.allowed_domains
