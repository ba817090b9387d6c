"""Data: bring a file (UCDP, ACLED, GDELT or any table), see what was read and set aside,
geocode it, and add it to this session's working data set."""

import streamlit as st

from conflictmap.app import import_form, page, session, widgets
from conflictmap.datasets import problem_table
from conflictmap.filters import apply_filters
from conflictmap.settings import events_dir

page.setup("Data")
loaded = session.working_set()
widgets.show_load_problems(loaded)
filters = widgets.sidebar_filters(loaded, page="data")

st.title("Data")
st.caption(
    "Files you add here stay in this browser session: nobody else using this app sees them, and they "
    "are gone when you close the tab. Nothing is sent anywhere."
)
if session.has_working_set():
    st.info(f"You are looking at your working data set: {len(loaded.events):,} events.", icon=":material/dataset:")
    if st.button("Go back to the shipped data only", key="data.back", icon=":material/undo:"):
        session.set_working(None)
        st.rerun()
if loaded.problems:
    st.subheader("What could not be loaded")
    st.caption(f"The data folder: {widgets.plain(events_dir())} (set by {widgets.plain('CONFLICTMAP_DATA_DIR')}).")
    st.dataframe(problem_table(loaded), hide_index=True, key="data.problems", column_config={
        "file": "File or folder", "problem": "Why it could not be loaded"})  # fmt: skip
import_form.downloads(loaded, apply_filters(loaded.events, filters), filters)

file = import_form.upload()
if file is None:
    st.stop()
imported = import_form.read(file)  # stops the page, saying why, when the file cannot be read
import_form.report(imported)
import_form.column_form(imported, file)
import_form.set_aside(imported, file)
if imported.events.empty:
    st.info(
        "No rows could be accepted, so there is nothing to add. The reasons are listed above.", icon=":material/info:"
    )
    st.stop()

st.subheader("Preview")
widgets.event_table(imported.events.head(50), key="data.preview")
import_form.add_form(imported, file)
