"""conflictmap: the Map page (the app's entry file; run with `streamlit run dashboard.py`)."""

import streamlit as st
from streamlit_folium import st_folium

from conflictmap import ui
from conflictmap.filters import apply_filters, at_point, choices
from conflictmap.mapview import base_map, events_layer, type_colors
from conflictmap.summary import figures

ui.page_setup("Map")
loaded = ui.load()
ui.show_load_problems(loaded)
filters = ui.sidebar_filters(loaded, page="map")
online_tiles = st.sidebar.toggle(
    "Online map tiles (OpenStreetMap)",
    key="online_tiles",
    help="Off by default: the map then needs no internet. On, the browser loads street-map tiles "
    "from openstreetmap.org; without internet the country outlines still show.",
)

st.title("Conflict events")
shown = apply_filters(loaded.events, filters)
numbers = figures(shown)
cols = st.columns([2, 2, 2, 3])
cols[0].metric("Events", f"{numbers.events:,}")
cols[1].metric("Fatalities (best estimate)", f"{numbers.fatalities:,}")
cols[2].metric("Places", f"{numbers.places:,}")
cols[3].metric(
    "Period",
    f"{filters.start:%b %Y} – {filters.end:%b %Y}",
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

colors = type_colors(choices(loaded.events, "event_type"))
fmap = base_map(loaded.events, colors, ui.assets(), online_tiles=online_tiles)
clicked = st_folium(
    fmap,
    feature_group_to_add=events_layer(shown, colors, ui.assets()),
    height=620,
    use_container_width=True,
    returned_objects=["last_object_clicked"],
    key="map",
)

spot = (clicked or {}).get("last_object_clicked")
st.subheader("Selected place")
if spot:
    here = at_point(shown, spot["lat"], spot["lng"])
    st.caption(f"{len(here)} event(s) in this view at {spot['lat']:.4f}, {spot['lng']:.4f}")
    ui.event_table(here, key="selected_events")
else:
    st.caption(
        "Click a point on the map to list every event at that place here; click a numbered cluster to zoom into it."
    )
