"""Events: the filtered events as a searchable table, downloadable as CSV."""

import streamlit as st

from conflictmap.app import page, session, store_view, widgets
from conflictmap.exporting import events_to_csv
from conflictmap.filters import apply_filters
from conflictmap.search import search_events

page.setup("Events")
store = store_view.configured()  # CONFLICTMAP_STORE: the table's rows come from the store, a page at a time
loaded = store_view.digest() if store else session.working_set()
widgets.show_load_problems(loaded)
filters = widgets.sidebar_filters(loaded, page="events")
shown = store_view.table_rows(filters) if store else apply_filters(loaded.events, filters)

st.title("Events")
text = st.text_input(
    "Search notes, actors, places and sources", key="events.search", placeholder="e.g. Fallujah, drone, Reuters"
)
found = search_events(shown, text)
st.caption(
    f"{len(found):,} of {len(shown):,} events in the filtered view"
    + (f" contain “{widgets.plain(text)}”" if text.strip() else "")
)
widgets.event_table(found, key="events.table", height=560)
st.download_button(
    "Download these events (CSV)",
    events_to_csv(found),
    file_name="conflictmap-events.csv",
    mime="text/csv",
    icon=":material/download:",
    key="events.download",
)
