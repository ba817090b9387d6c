"""conflictmap: the Map page (the app's entry file; run with `streamlit run dashboard.py`)."""

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from conflictmap import ui
from conflictmap.filters import apply_filters, at_point, in_bounds
from conflictmap.layers import POINT_LIMIT, events_layer, in_cell, nearest_cell
from conflictmap.mapview import base_map, type_colors
from conflictmap.summary import figures

ui.page_setup("Map")
loaded = ui.data()
view = ui.map_view(loaded)
if view.embed:  # the map and its legend alone, for intranet pages and reports
    ui.embed_page()
else:
    ui.show_load_problems(loaded)
filters = ui.sidebar_filters(loaded, page="map")
for name, value in (("online_tiles", view.tiles), ("heatmap", view.heat)):
    st.session_state.setdefault(name, value)
with st.sidebar:
    st.markdown("#### Map")
    online_tiles = st.toggle(
        "Online map tiles (OpenStreetMap)",
        key="online_tiles",
        help="Off by default: the map then needs no internet. On, the browser loads street-map tiles "
        "from openstreetmap.org; without internet the country outlines still show.",
    )
    heat = st.toggle(
        "Heatmap of counted cells", key="heatmap", help="Shown when there are too many events to draw one by one."
    )

shown = apply_filters(loaded.events, filters)
if not view.embed:
    st.title("Conflict events")
    numbers = figures(shown)
    cols = st.columns([2, 2, 2, 3])
    cols[0].metric("Events", f"{numbers.events:,}")
    cols[1].metric("Fatalities (best estimate)", f"{numbers.fatalities:,}")
    cols[2].metric("Places", f"{numbers.places:,}")
    cols[3].metric(
        "Period",
        f"{filters.start:%Y-%m} – {filters.end:%Y-%m}",
        help=f"Events starting from {filters.start:%d %B %Y} to {filters.end:%d %B %Y}",
    )
    if numbers.not_on_map:
        st.info(
            f"{numbers.not_on_map} event(s) in this view have a place that could not be located and are "
            "not on the map; the Places page lists them.",
            icon=":material/location_off:",
        )
    if shown.empty:
        st.info(
            "No events match these filters. Widen the date range or clear a filter in the sidebar.",
            icon=":material/filter_alt_off:",
        )

# Beyond POINT_LIMIT the map follows the view: zooming in draws the events in view one by one.
follow_view = len(shown) > POINT_LIMIT
bounds = st.session_state.get("map.bounds") if follow_view else None
drawn = in_bounds(shown, bounds) if bounds else shown
colors = type_colors(loaded.choices["type"])
layer = events_layer(drawn, colors, heat=heat)
fmap = base_map(loaded.events, colors, ui.assets(), online_tiles=online_tiles)
# A link's centre and zoom are applied once, until the map reports its own view: passing them on
# every run would pull the map back to a stale view while the analyst is moving it.
from_link = not st.session_state.get("map.reported") and view.latitude is not None
returned = st_folium(
    fmap,
    feature_group_to_add=layer.group,
    center=[view.latitude, view.longitude] if from_link else None,
    zoom=view.zoom if from_link else None,
    height=560,
    use_container_width=True,
    returned_objects=["last_object_clicked", "center", "zoom", *(["bounds"] if follow_view else [])],
    key="map",
)
returned = returned or {}

spot = returned.get("last_object_clicked")
selected = None
if spot and layer.plan.mode != "cells":
    here = at_point(shown, spot["lat"], spot["lng"])
    selected = str(here["event_id"].iloc[0]) if len(here) else None
elif not spot and view.event:
    selected = view.event
center, zoom = returned.get("center"), returned.get("zoom")
if center:
    st.session_state["map.reported"] = True
latest = replace(
    view,
    latitude=round(center["lat"], 5) if center else view.latitude,
    longitude=round(center["lng"], 5) if center else view.longitude,
    zoom=int(zoom) if center and zoom else view.zoom,  # before the browser reports, zoom is folium's default
    tiles=online_tiles,
    heat=heat,
    event=selected,
)
ui.set_map_view(latest)
if follow_view and returned.get("bounds") and returned["bounds"] != bounds:
    st.session_state["map.bounds"] = returned["bounds"]
    st.rerun()

if not view.embed:
    st.caption(layer.plan.reason + (" Only the events in and around the current view are drawn." if bounds else ""))
    ui.share_link_button()
    st.subheader("Selected place")
    if spot and layer.plan.mode == "cells":
        cell = nearest_cell(layer.cells, spot["lat"], spot["lng"])
        here = (
            in_cell(drawn, cell["latitude"], cell["longitude"], layer.cell_size)
            if cell is not None
            else drawn.iloc[0:0]
        )
        st.caption(f"{len(here):,} event(s) in the {layer.cell_size}° cell around {spot['lat']:.4f}, {spot['lng']:.4f}")
        ui.event_table(here.head(5_000), key="selected_events")
    elif selected and (loaded.events["event_id"] == selected).any():  # (a link's event may be gone)
        event = loaded.events[loaded.events["event_id"] == selected].iloc[0]
        here = at_point(shown, event["latitude"], event["longitude"], within=1e-9)
        st.caption(f"{len(here)} event(s) in this view at {event['latitude']:.4f}, {event['longitude']:.4f}")
        ui.event_table(here, key="selected_events")
    else:
        st.caption(
            "Click a point on the map to list every event at that place here; click a numbered cluster to zoom into it."
        )
