"""The Map page's folium map through streamlit-folium, drawn the same way over the in-memory data
(`dashboard.py`) and over an event store (`conflictmap.app.store_view`): one call, so the two
cannot drift apart in what the map reports back or in how a share link's view is applied."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import folium
from streamlit_folium import st_folium

from conflictmap.sharelink import MapView

#: The map's widget key (its last reply is st.session_state[MAP_KEY]).
MAP_KEY = "map"
#: What the map always reports back: the clicked object, its centre and zoom.
RETURNED = ("last_object_clicked", "center", "zoom")


def map_frame(
    fmap: folium.Map,
    layer: folium.FeatureGroup,
    view: MapView,
    *,
    follow_view: bool,
    returned: Sequence[str] = (),
    on_change: Callable[[], None] | None = None,
) -> dict[str, Any] | None:
    """Draw `fmap` with the events layer `layer` (sent apart from the base map, so a rerun redraws
    only the layer) and return the map's reply.

    `fmap` is built at the link's or the session's view (`session.map_start`, `base_map(start=…)`),
    not moved there by `st_folium`'s `center` and `zoom`: streamlit-folium's first reply after a
    mount reported the map as built, and a map built fitted to the data overwrote the link's view
    on a reload, Back or a page link (issue 14, F10). `view` is kept for what else it may need.
    `returned` adds to what the map reports (after the clicked object, centre and zoom); its bounds
    are reported when the layer follows the view.
    """
    reply: dict[str, Any] | None = st_folium(
        fmap,
        feature_group_to_add=layer,
        height=560,
        use_container_width=True,
        returned_objects=[*RETURNED, *returned, *(["bounds"] if follow_view else [])],
        key=MAP_KEY,
        on_change=on_change,
    )
    return reply
