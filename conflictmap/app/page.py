"""Every page's first call: the page's configuration, the access gate, the sidebar's navigation."""

from __future__ import annotations

import streamlit as st

from conflictmap.app.gate import require_access
from conflictmap.app.pages import PAGES, page_titled
from conflictmap.settings import STATIC_DIR

FAVICON = STATIC_DIR / "favicon.png"


#: Session keys: the page the session ran last, and whether the Map page was entered since its map
#: last mounted (a reload, a link, Back, a page link: `session.map_start` takes it).
LAST_PAGE, MAP_ENTERED = "conflictmap.page", "conflictmap.map_entered"


def setup(title: str) -> None:
    """Set up the page titled `title` (one of `PAGES`) and stop it unless the visitor may see it."""
    page = page_titled(title)
    if st.session_state.get(LAST_PAGE) != title:  # the page's elements are new: the map mounts afresh
        st.session_state[LAST_PAGE] = title
        st.session_state[MAP_ENTERED] = True
    # A local file: a Material icon as page_icon makes the browser fetch it from Google's servers.
    st.set_page_config(page_title=f"{page.title} · conflictmap", page_icon=str(FAVICON), layout="wide")
    require_access()
    with st.sidebar:
        st.markdown("### conflictmap")
        for listed in PAGES:
            st.page_link(listed.path, label=listed.title, icon=listed.icon)
