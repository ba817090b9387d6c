"""conflictmap: the Map page (the app's entry file; run with `streamlit run dashboard.py`)."""

import streamlit as st
from streamlit_folium import st_folium

from conflictmap.app import loading, page, session, widgets
from conflictmap.figures import figures
from conflictmap.filters import apply_filters, in_bounds
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.layers import POINT_LIMIT, events_layer
from conflictmap.maps.state import clicked_event, listed_events, view_after

page.setup("Map")
loaded = session.working_set()
view = session.map_view(loaded)
if view.embed:  # the map and its legend alone, for intranet pages and reports
    widgets.embed_page()
else:
    widgets.show_load_problems(loaded)
filters = widgets.sidebar_filters(loaded, page="map")
online_tiles, heat = widgets.map_options(view)

shown = apply_filters(loaded.events, filters)
if not view.embed:
    st.title("Conflict events")
    widgets.view_figures(figures(shown), filters)

# Beyond POINT_LIMIT the map follows the view: zooming in draws the events in view one by one.
follow_view = len(shown) > POINT_LIMIT
bounds = st.session_state.get("map.bounds") if follow_view else None
drawn = in_bounds(shown, bounds) if bounds else shown
colors = type_colors(loaded.choices["type"])
layer = events_layer(drawn, colors, heat=heat)
# A link's centre and zoom are applied once, until the map reports its own view: passing them on
# every run would pull the map back to a stale view while the analyst is moving it.
from_link = not st.session_state.get("map.reported") and view.latitude is not None
reply = st_folium(
    base_map(loaded.events, colors, loading.assets(), online_tiles=online_tiles),
    feature_group_to_add=layer.group,
    center=[view.latitude, view.longitude] if from_link else None,
    zoom=view.zoom if from_link else None,
    height=560,
    use_container_width=True,
    returned_objects=["last_object_clicked", "center", "zoom", *(["bounds"] if follow_view else [])],
    key="map",
)
if reply and reply.get("center"):
    st.session_state["map.reported"] = True
selected = clicked_event(reply, layer.plan.mode, shown, view.event)
session.set_map_view(view_after(view, reply, tiles=online_tiles, heat=heat, event=selected))
if follow_view and reply and reply.get("bounds") and reply["bounds"] != bounds:
    st.session_state["map.bounds"] = reply["bounds"]
    st.rerun()

if not view.embed:
    st.caption(layer.plan.reason + (" Only the events in and around the current view are drawn." if bounds else ""))
    widgets.share_link_button()
    st.subheader("Selected place")
    listed = listed_events(reply, layer, drawn, shown, loaded.events, selected)
    if listed is None:
        st.caption(
            "Click a point on the map to list every event at that place here; click a numbered cluster to zoom into it."
        )
    else:
        st.caption(listed.caption)
        widgets.event_table(listed.events, key="selected_events")
