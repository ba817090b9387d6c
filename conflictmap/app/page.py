"""Every page's first call: the page's configuration, the access gate, the sidebar's navigation."""

from __future__ import annotations

import streamlit as st

from conflictmap.app import session
from conflictmap.app.gate import require_access
from conflictmap.app.pages import PAGES, page_titled
from conflictmap.settings import STATIC_DIR

FAVICON = STATIC_DIR / "favicon.png"


def setup(title: str) -> None:
    """Set up the page titled `title` (one of `PAGES`) and stop it unless the visitor may see it."""
    page = page_titled(title)
    if st.session_state.get(session.LAST_PAGE) != title:  # the page's elements are new: the map mounts afresh
        st.session_state[session.LAST_PAGE] = title
        st.session_state[session.MAP_ENTERED] = True
    # A local file: a Material icon as page_icon makes the browser fetch it from Google's servers.
    st.set_page_config(page_title=f"{page.title} · conflictmap", page_icon=str(FAVICON), layout="wide")
    require_access()
    with st.sidebar:
        st.markdown("### conflictmap")
        st.session_state[session.NAVIGATION] = st.empty()
    navigation()


def navigation() -> None:
    """The sidebar's page links, each carrying the view's parameters (`session.page_params`), so that
    following one opens the page at its final address in one history entry: Streamlit's page adds an
    entry for every address a script writes, and a page written its parameters after arriving left
    Back on the same page. Drawn again by `widgets.sidebar_filters` once the run's filters are known."""
    placeholder = st.session_state.get(session.NAVIGATION)
    if placeholder is None:
        return
    with placeholder.container():
        for listed in PAGES:
            params = session.page_params(listed.path)
            st.page_link(listed.path, label=listed.title, icon=listed.icon, query_params=params)
