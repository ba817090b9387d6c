"""The Map page's folium map through streamlit-folium, drawn the same way over the in-memory data
(`dashboard.py`) and over an event store (`conflictmap.app.store_view`): one call, so the two
cannot drift apart in what the map reports back or in how a share link's view is applied."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

from conflictmap.sharelink import MapView

#: The map's widget key (its last reply is st.session_state[MAP_KEY]).
MAP_KEY = "map"
#: Set once the map has reported its own view: a link's centre and zoom are no longer applied.
REPORTED = "map.reported"
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

    A link's centre and zoom (`view`) are applied once, until the map reports its own view: passing
    them on every run would pull the map back to a stale view while the analyst is moving it.
    `returned` adds to what the map reports (after the clicked object, centre and zoom); its bounds
    are reported when the layer follows the view.
    """
    from_link = not st.session_state.get(REPORTED) and view.latitude is not None
    reply: dict[str, Any] | None = st_folium(
        fmap,
        feature_group_to_add=layer,
        center=[view.latitude, view.longitude] if from_link else None,
        zoom=view.zoom if from_link else None,
        height=560,
        use_container_width=True,
        returned_objects=[*RETURNED, *returned, *(["bounds"] if follow_view else [])],
        key=MAP_KEY,
        on_change=on_change,
    )
    if reply and reply.get("center"):
        st.session_state[REPORTED] = True
    return reply
