"""conflictmap: the Map page (the app's entry file; run with `streamlit run dashboard.py`)."""

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from conflictmap.app import loading, page, session, store_view, widgets
from conflictmap.figures import figures
from conflictmap.filters import apply_filters, date_bounds, in_bounds
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.layers import POINT_LIMIT, events_layer
from conflictmap.maps.playback import playback_layer
from conflictmap.maps.state import clicked_event, listed_events, view_after

page.setup("Map")
if store_view.configured():  # CONFLICTMAP_STORE: the page asks the event store instead
    store_view.map_page()
    st.stop()
loaded = session.working_set()
view = widgets.checked_playback(loaded, session.map_view(loaded))
if view.embed:  # the map and its legend alone, for intranet pages and reports
    widgets.embed_page()
else:
    widgets.show_load_problems(loaded)
filters = widgets.sidebar_filters(loaded, page="map")
online_tiles, heat = widgets.map_options(view)
played = widgets.playback_options(loaded, view, filters, page="map")

shown = apply_filters(loaded.events, filters)
if not view.embed:
    st.title("Conflict events")
    widgets.view_figures(figures(shown), filters)

# Playback plays every date of the data (the sidebar's dates are then the period on screen).
domain = date_bounds(loaded.events)
mapped = apply_filters(loaded.events, replace(filters, start=domain[0], end=domain[1])) if played else shown
# Beyond POINT_LIMIT the map follows the view: zooming in draws the events in view one by one.
follow_view = len(mapped) > POINT_LIMIT
bounds = st.session_state.get("map.bounds") if follow_view else None
drawn = in_bounds(mapped, bounds) if bounds else mapped
colors = type_colors(loaded.choices["type"])
if played:
    layer = playback_layer(drawn, colors, played.playback, domain, seek=played.seek, heat=heat)
else:
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
    # "selected_tags" carries a paused playback's period (conflictmap.maps.playback); listed always, as
    # the map reads this list once, when it mounts.
    returned_objects=["last_object_clicked", "center", "zoom", "selected_tags", *(["bounds"] if follow_view else [])],
    key="map",
    on_change=lambda: widgets.hand_back(loaded, page="map", map_key="map"),
)
if reply and reply.get("center"):
    st.session_state["map.reported"] = True
selected = clicked_event(reply, layer.plan.mode, mapped, view.event)
view = replace(view, playback=played.playback if played else None)
session.set_map_view(view_after(view, reply, tiles=online_tiles, heat=heat, event=selected))
if follow_view and reply and reply.get("bounds") and reply["bounds"] != bounds:
    st.session_state["map.bounds"] = reply["bounds"]
    st.rerun()

if not view.embed:
    st.caption(layer.plan.reason + (" Only the events in and around the current view are drawn." if bounds else ""))
    widgets.share_link_button()
    st.subheader("Selected place")
    listed = listed_events(reply, layer, drawn, mapped, loaded.events, selected)
    if listed is None:
        st.caption(
            "Click a point on the map to list every event at that place here; click a numbered cluster to zoom into it."
        )
    else:
        st.caption(listed.caption)
        widgets.event_table(listed.events, key="selected_events")
