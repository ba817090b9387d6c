"""conflictmap: the Map page (the app's entry file; run with `streamlit run dashboard.py`)."""

from dataclasses import replace

import streamlit as st

from conflictmap.app import loading, mapframe, page, session, store_view, widgets
from conflictmap.charts import unit_timeline
from conflictmap.figures import figures
from conflictmap.filters import apply_filters, in_bounds
from conflictmap.maps.arrays import data_set_arrays, rows_of
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.choropleth import units_layer
from conflictmap.maps.layers import POINT_LIMIT, events_layer
from conflictmap.maps.playback import playback_layer
from conflictmap.maps.state import clicked_event, clicked_unit, listed_events, redraw_needed, view_after

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
units, units_by = widgets.unit_options(view)
played = widgets.playback_options(loaded, view, filters, page="map")

colors = type_colors(loaded.choices["type"])
# The data set's numbers for the map and figures, computed once per data set (a slider change then
# reads slices of them: at a million events, milliseconds instead of a quarter of a second).
data_set = data_set_arrays(loaded.events, colors)
shown = apply_filters(loaded.events, filters)
if not view.embed:
    st.title("Conflict events")
    places = data_set.places[rows_of(shown)] if data_set is not None and data_set.places is not None else None
    widgets.view_figures(figures(shown, places), filters)

# Playback plays every date of the data (the sidebar's dates are then the period on screen).
domain = widgets.data_dates(loaded)
mapped = apply_filters(loaded.events, replace(filters, start=domain[0], end=domain[1])) if played else shown
# Beyond POINT_LIMIT the map follows the view: zooming in draws the events in view one by one.
follow_view = len(mapped) > POINT_LIMIT and not units
bounds = st.session_state.get("map.bounds") if follow_view else None
drawn = in_bounds(mapped, bounds) if bounds else mapped
if played:
    layer = playback_layer(drawn, colors, played.playback, domain, seek=played.seek, heat=heat)
elif units:  # the clicked unit (the map's last reply) is outlined
    outlined = clicked_unit(st.session_state.get("map"), units)
    layer = units_layer(drawn, units, units_by, loading.assets(), everything=loaded.events, selected=outlined)
else:
    layer = events_layer(drawn, colors, heat=heat, data_set=data_set)
reply = mapframe.map_frame(
    base_map(loaded.events, colors, loading.assets(), online_tiles=online_tiles),
    layer.group,
    view,
    follow_view=follow_view,
    # "selected_tags" carries a paused playback's period (conflictmap.maps.playback); listed always, as
    # the map reads this list once, when it mounts.
    returned=["selected_tags"],
    on_change=lambda: widgets.hand_back(loaded, page="map", map_key=mapframe.MAP_KEY),
)
selected = clicked_event(reply, layer.plan.mode, mapped, view.event)
view = replace(view, playback=played.playback if played else None, units=units, units_by=units_by)
session.set_map_view(view_after(view, reply, tiles=online_tiles, heat=heat, event=selected))
if follow_view and reply and reply.get("bounds") and reply["bounds"] != bounds:
    st.session_state["map.bounds"] = reply["bounds"]
    if redraw_needed(mapped, bounds, reply["bounds"]):
        st.rerun()

if not view.embed:
    st.caption(layer.plan.reason + (" Only the events in and around the current view are drawn." if bounds else ""))
    widgets.share_link_button()
    st.subheader(f"Selected {units}" if units else "Selected place")
    listed = listed_events(reply, layer, drawn, mapped, loaded.events, selected)
    if listed is None:
        st.caption(
            f"Click a {units} on the map to list its events here, with its timeline." if units else
            "Click a point on the map to list every event at that place here; click a numbered cluster to zoom into it."
        )  # fmt: skip
    else:
        st.caption(listed.caption)
        if listed.timeline is not None:
            st.altair_chart(unit_timeline(listed.timeline, colors, units_by), width="stretch")
        widgets.event_table(listed.events, key="selected_events")
