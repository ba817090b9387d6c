"""Places: every place name in the data and how it was located; unresolved names first."""

import streamlit as st

from conflictmap.app import page, session, widgets
from conflictmap.app.nodata import no_data_loaded, say_no_data
from conflictmap.app.overrides import overrides_editor
from conflictmap.places import place_tables

page.setup("Places")
loaded = session.working_set()
widgets.show_load_problems(loaded)
widgets.sidebar_filters(loaded, page="places")
places = loaded.places
tables = place_tables(places)  # every place name in exactly one of the three tables

st.title("Places")
cols = st.columns(3)
cols[0].metric("Place names", f"{len(places):,}")
cols[1].metric("Geocoded", f"{len(tables.geocoded):,}")
cols[2].metric("Unresolved", f"{len(tables.unresolved):,}")
st.caption(
    "Place names in the whole data set (the filters do not apply here). Events with source "
    "coordinates keep them; the others were geocoded: first from place names the data itself "
    "places precisely (learned), then from the offline gazetteers (villages and admin areas of Iraq "
    "and its neighbours, GeoNames cities elsewhere, the curated supplement of bases), and online only "
    "where that is switched on. Each answer says why (Evidence); a name found at several places stays "
    "unresolved with its candidates."
)

if no_data_loaded(loaded):
    say_no_data("place names to list")
else:
    st.subheader("Unresolved")
    if places.empty:
        st.info("The data names no places.", icon=":material/info:")
    elif tables.unresolved.empty:
        st.success("Every place name in the data was located.", icon=":material/check_circle:")
    else:
        widgets.place_table(tables.unresolved, key="places.unresolved")
    st.subheader("Geocoded")
    widgets.place_table(tables.geocoded, key="places.geocoded")
    st.subheader("With the data set's own coordinates")
    widgets.place_table(tables.with_coordinates, key="places.source", height=400)

overrides_editor()
