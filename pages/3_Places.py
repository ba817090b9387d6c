"""Places: every place name in the data and how it was located; unresolved names first."""

import streamlit as st

from conflictmap.app import loading, page, session, widgets
from conflictmap.geocode.overrides import check_overrides, read_overrides, save_overrides
from conflictmap.schema import GeoPrecision

page.setup("Places")
loaded = session.working_set()
widgets.show_load_problems(loaded)
widgets.sidebar_filters(loaded, page="places")
places = loaded.places

st.title("Places")
unresolved = places[places["located_by"] == "unresolved"]
geocoded = places[places["located_by"].isin(["override", "learned", "gazetteer", "supplement"])]
cols = st.columns(3)
cols[0].metric("Place names", f"{len(places):,}")
cols[1].metric("Geocoded offline", f"{len(geocoded):,}")
cols[2].metric("Unresolved", f"{len(unresolved):,}")
st.caption(
    "Place names in the whole data set (the filters do not apply here). Events with source "
    "coordinates keep them; the others were geocoded offline: first from place names the data "
    "itself places precisely (learned), then from GeoNames and the project's curated supplement."
)

columns = {
    "place": "Place (as the source names it)",
    "identified_as": "Identified as",
    "country": "Country",
    "events": "Events",
    "matched_name": "Matched",
    "geo_precision": "Precision",
    "located_by": "Located by",
    "latitude": st.column_config.NumberColumn("Latitude", format="%.4f"),
    "longitude": st.column_config.NumberColumn("Longitude", format="%.4f"),
    "match_source": "Source of the coordinates",
    "candidates": "Candidates (unresolved)",
}
st.subheader("Unresolved")
if unresolved.empty:
    st.success("Every place name in the data was located.", icon=":material/check_circle:")
else:
    st.dataframe(unresolved, hide_index=True, column_config=columns, key="places.unresolved")
st.subheader("Geocoded")
st.dataframe(geocoded, hide_index=True, column_config=columns, key="places.geocoded")
st.subheader("With the data set's own coordinates")
st.dataframe(
    places[places["located_by"] == "source coordinates"],
    hide_index=True,
    column_config=columns,
    height=400,
    key="places.source",
)

st.subheader("Overrides")
st.caption(
    "Pin a place name to coordinates: an override wins over every other answer, for this server and "
    "everyone using it, and the events are placed again when you save. Country is optional (a name or "
    "ISO code); precision is one of the map's levels, 'exact place' when left empty."
)
edited = st.data_editor(
    read_overrides(),
    num_rows="dynamic",
    hide_index=True,
    key="places.overrides",
    width="stretch",
    column_config={"precision": st.column_config.SelectboxColumn("precision", options=list(GeoPrecision))},
)
if st.button("Save overrides and place the events again", key="places.save", icon=":material/save:"):
    problems = check_overrides(edited, loading.geocoder().gazetteer)
    if problems:
        listed = "\n".join(f"- {widgets.plain(problem)}" for problem in problems)
        st.error(f"Not saved:\n\n{listed}", icon=":material/error:")
    else:
        save_overrides(edited)
        loading.reload_geocoding()
        session.rebuild_working()  # this session's own files are placed again too
        st.success(f"Saved {len(edited)} override(s); the events were placed again.", icon=":material/check_circle:")
