"""The access gate of a private deployment (see `conflictmap.access` for the policy)."""

from __future__ import annotations

import secrets

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from conflictmap.access import Throttle, email_allowed, password_ok, policy_from_secrets


def _secrets() -> dict:
    """The app's secrets; none when no secrets file exists. An unreadable file stops the app
    (a private deployment must fail closed, not open)."""
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError as error:
        if "No secrets found" in str(error):
            return {}
        st.error("The app's secrets could not be read, so access cannot be checked. Ask its administrator.")
        st.stop()


@st.cache_resource
def _throttle() -> Throttle:
    """One per server process: wrong guesses count per session and per client address."""
    return Throttle()


def _guess_keys() -> tuple[str, ...]:
    keys = [f"session:{st.session_state.setdefault('access.session', secrets.token_hex(16))}"]
    if st.context.ip_address:  # None for a local visitor and in tests
        keys.append(f"address:{st.context.ip_address}")
    return tuple(keys)


def require_access() -> None:
    """Stop the page until the visitor may see it. The page's address, with its view, stays as
    it is, so a shared link opens its view once the visitor is let in."""
    policy = policy_from_secrets(_secrets())
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
