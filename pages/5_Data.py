"""Data: bring a file (UCDP, ACLED, GDELT or any table), see what was read and set aside,
geocode it, and add it to this session's working data set."""

import hashlib

import pandas as pd
import streamlit as st

from conflictmap.app import loading, page, session, widgets
from conflictmap.exporting import events_to_csv, events_to_geojson, table_to_csv
from conflictmap.readers.excel import sheet_names
from conflictmap.readers.generic import FIELD_LABELS
from conflictmap.readers.importing import fix_swapped, import_file, swappable
from conflictmap.readers.table import ReadError

FORMATS = {
    "auto": "Detect it",
    "ucdp": "UCDP GED",
    "acled": "ACLED export",
    "gdelt": "GDELT 2.0 events",
    "csv": "Another table (map its columns)",
}

page.setup("Data")
loaded = session.working_set()
widgets.sidebar_filters(loaded, page="data")

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

with st.expander(f"Download the data you are looking at ({len(loaded.events):,} events)", icon=":material/download:"):
    cols = st.columns(2)
    cols[0].download_button(
        "Events as CSV",
        events_to_csv(loaded.events),
        file_name="conflictmap-events.csv",
        mime="text/csv",
        key="data.download.csv",
        icon=":material/download:",
    )
    cols[1].download_button(
        "Events as GeoJSON",
        events_to_geojson(loaded.events),
        file_name="conflictmap-events.geojson",
        mime="application/geo+json",
        key="data.download.geojson",
        icon=":material/download:",
    )

limit = st.get_option("server.maxUploadSize")
upload = st.file_uploader(
    f"Add a file: CSV, TSV, text or Excel (.xlsx), up to {limit} MB",
    type=["csv", "tsv", "txt", "tab", "xlsx", "zip"],
    key="data.upload",
    help="UCDP GED downloads, ACLED exports from your account, GDELT event files, or your own table.",
)
if upload is None:
    st.stop()

content = upload.getvalue()
digest = hashlib.sha256(content).hexdigest()[:16]
chosen = st.selectbox("Format", list(FORMATS), format_func=FORMATS.get, key="data.format")
sheet = None
if upload.name.lower().endswith(".xlsx"):
    try:
        sheets = sheet_names(content, upload.name)
    except ReadError as error:
        st.error(f"Could not read {widgets.plain(error)}", icon=":material/error:")
        st.stop()
    sheet = st.selectbox("Sheet", sheets, key="data.sheet") if len(sheets) > 1 else None

mapping_overrides = st.session_state.get(f"data.mapping.{digest}")
try:
    with st.spinner(f"Reading {widgets.plain(upload.name)}…"):
        imported = import_file(
            content,
            upload.name,
            format=chosen,
            mapping=mapping_overrides,
            sheet=sheet,
            country_bounds=loading.country_bounds(),
        )
except ReadError as error:
    st.error(f"Could not read {widgets.plain(error)}", icon=":material/error:")
    st.stop()
swapped_key = f"data.swapped.{digest}"
if st.session_state.get(swapped_key):  # the analyst chose to swap: keep it on every later run
    imported = fix_swapped(imported)

report = imported.report
st.success(
    f"Read as **{FORMATS.get(report['format'], report['format'])}** — {widgets.plain(imported.detected.reason)}",
    icon=":material/check_circle:",
)
cols = st.columns(3)
cols[0].metric("Rows read", f"{report['read']:,}")
cols[1].metric("Accepted", f"{report['accepted']:,}")
cols[2].metric("Set aside", f"{report['rejected']:,}")

if imported.mapping is not None:
    with st.expander(
        "Columns: which column holds what", expanded=report["accepted"] == 0, icon=":material/table_view:"
    ):
        columns = ["(none)", *imported.detected.columns]
        with st.form(f"data.mapping.form.{digest}"):
            chosen_columns = {}
            for field, label in FIELD_LABELS.items():
                current = imported.mapping.get(field)
                chosen_columns[field] = st.selectbox(
                    label, columns, index=columns.index(current) if current in columns else 0, key=f"data.map.{field}"
                )
            if st.form_submit_button("Read again with these columns"):
                st.session_state[f"data.mapping.{digest}"] = {
                    field: (None if column == "(none)" else column) for field, column in chosen_columns.items()
                }
                st.rerun()

if report["rejected"]:
    st.subheader("Set aside")
    st.dataframe(pd.DataFrame(list(report["reasons"].items()), columns=["Reason", "Rows"]), hide_index=True)
    st.dataframe(imported.rejected.head(1_000), hide_index=True, key="data.rejected")
    st.download_button(
        "Download the set-aside rows (CSV)",
        table_to_csv(imported.rejected),
        file_name=f"rejected-{upload.name}.csv",
        mime="text/csv",
        key="data.rejected.download",
        icon=":material/download:",
    )
    fixable = swappable(imported.result)
    if fixable.any():
        st.warning(
            f"{int(fixable.sum())} row(s) look like they have latitude and longitude swapped.",
            icon=":material/swap_horiz:",
        )
        if st.button("Swap them and accept those rows", key="data.swap"):
            st.session_state[swapped_key] = True
            st.rerun()

if imported.events.empty:
    st.info(
        "No rows could be accepted, so there is nothing to add. The reasons are listed above.", icon=":material/info:"
    )
    st.stop()

st.subheader("Preview")
widgets.event_table(imported.events.head(50), key="data.preview")

st.subheader("Place and add")
missing = int((imported.events["latitude"].isna() | imported.events["longitude"].isna()).sum())
st.caption(
    f"{missing:,} accepted row(s) have a place name but no coordinates: they are geocoded offline "
    "from the gazetteer when you add the file."
)
how = st.radio("Add the file's events", ["beside the shipped data", "instead of it"], horizontal=True, key="data.how")
if st.button("Add to my working data set", type="primary", key="data.add", icon=":material/add_location_alt:"):
    bar = st.progress(0.0, text="Geocoding place names…")
    added = session.add_to_working(
        imported.events,
        upload.name,
        instead=how == "instead of it",
        progress=lambda done, total: bar.progress(done / total, text=f"Geocoding place names: {done:,} of {total:,}"),
    )
    bar.progress(1.0, text="Placed.")
    file_events = added.events[added.events["event_id"].isin(imported.events["event_id"])]
    unresolved = int((file_events["located_by"] == "unresolved").sum())
    st.success(
        f"Added {len(imported.events):,} events"
        + (f"; {unresolved:,} could not be placed (see Places)." if unresolved else "."),
        icon=":material/check_circle:",
    )
