"""The Data page's import form: the downloads of the data in view, a file read (its format, sheet
and columns as the analyst chose them), what was read and set aside, and adding the file's events
to this session's working set. Widget keys start with "data."; the choices made for one file are
kept under its content's digest, so they last over reruns and do not leak to another file."""

from __future__ import annotations

from typing import NoReturn

import pandas as pd
import streamlit as st

from conflictmap.app import loading, session, uploads, widgets
from conflictmap.app.uploads import Upload
from conflictmap.datasets import Loaded
from conflictmap.exporting import events_to_csv, events_to_geojson, table_to_csv
from conflictmap.filters import Filters
from conflictmap.places import unplaced_count, unresolved_of
from conflictmap.readers.excel import sheet_names
from conflictmap.readers.generic import FIELD_LABELS
from conflictmap.readers.importing import Imported, fix_swapped, import_file, swappable
from conflictmap.readers.table import ReadError

FORMATS = {
    "auto": "Detect it",
    "ucdp": "UCDP GED",
    "acled": "ACLED export",
    "gdelt": "GDELT 2.0 events",
    "csv": "Another table (map its columns)",
}
HOW = ("beside the shipped data", "instead of it")
NO_COLUMN = "(none)"


def _mapping_key(file: Upload) -> str:
    return f"data.mapping.{file.digest}"


def _swapped_key(file: Upload) -> str:
    return f"data.swapped.{file.digest}"


def downloads(loaded: Loaded, shown: pd.DataFrame, filters: Filters) -> None:
    """The events in view (the sidebar's filters) and the whole data set, each as CSV and GeoJSON."""
    whole = "your working data set" if session.has_working_set() else "the shipped data"
    label = f"Download events: the filtered view ({len(shown):,}) or {whole} ({len(loaded.events):,})"
    with st.expander(label, icon=":material/download:"):
        for events, title, name, key in (
            (shown, f"The filtered view: {len(shown):,} events from {filters.start} to {filters.end}", "view", "view"),
            (loaded.events, f"All of {whole}: {len(loaded.events):,} events", "all", "all"),
        ):
            st.markdown(f"**{title}**")
            cols = st.columns(2)
            cols[0].download_button(
                "Events as CSV",
                events_to_csv(events),
                file_name=f"conflictmap-events-{name}.csv",
                mime="text/csv",
                key=f"data.download.{key}.csv",
                icon=":material/download:",
            )
            cols[1].download_button(
                "Events as GeoJSON",
                events_to_geojson(events),
                file_name=f"conflictmap-events-{name}.geojson",
                mime="application/geo+json",
                key=f"data.download.{key}.geojson",
                icon=":material/download:",
            )


def upload() -> Upload | None:
    """The file uploader; None until a file is given."""
    limit = st.get_option("server.maxUploadSize")
    return uploads.upload(
        f"Add a file: CSV, TSV, text or Excel (.xlsx), up to {limit} MB",
        ["csv", "tsv", "txt", "tab", "xlsx", "zip"],
        key="data.upload",
        help="UCDP GED downloads, ACLED exports from your account, GDELT event files, or your own table.",
    )


def _refuse(error: ReadError) -> NoReturn:
    st.error(f"Could not read {widgets.plain(error)}", icon=":material/error:")
    st.stop()


def read(file: Upload) -> Imported:
    """The file read in the format (and sheet) chosen, with the columns and the swap chosen for it
    before; a file that cannot be read is refused with its name and the problem, and the page stops."""
    chosen = st.selectbox("Format", list(FORMATS), format_func=FORMATS.__getitem__, key="data.format")
    sheet = None
    if file.name.lower().endswith(".xlsx"):
        try:
            sheets = sheet_names(file.content, file.name)
        except ReadError as error:
            _refuse(error)
        sheet = st.selectbox("Sheet", sheets, key="data.sheet") if len(sheets) > 1 else None
    try:
        with st.spinner(f"Reading {widgets.plain(file.name)}…"):
            imported = import_file(
                file.content,
                file.name,
                format=chosen,
                mapping=st.session_state.get(_mapping_key(file)),
                sheet=sheet,
                country_bounds=loading.country_bounds(),
            )
    except ReadError as error:
        _refuse(error)
    if st.session_state.get(_swapped_key(file)):  # the analyst chose to swap: keep it on every later run
        imported = fix_swapped(imported)
    return imported


def report(imported: Imported) -> None:
    """How the file was read, and its rows: read = accepted + set aside."""
    counts = imported.report
    st.success(
        f"Read as **{FORMATS.get(counts['format'], counts['format'])}** — {widgets.plain(imported.detected.reason)}",
        icon=":material/check_circle:",
    )
    cols = st.columns(3)
    cols[0].metric("Rows read", f"{counts['read']:,}")
    cols[1].metric("Accepted", f"{counts['accepted']:,}")
    cols[2].metric("Set aside", f"{counts['rejected']:,}")


def column_form(imported: Imported, file: Upload) -> None:
    """For a table read by its headers: which column holds each field, to read it again."""
    if imported.mapping is None:
        return
    accepted_none = imported.report["accepted"] == 0
    with st.expander("Columns: which column holds what", expanded=accepted_none, icon=":material/table_view:"):
        columns = [NO_COLUMN, *imported.detected.columns]
        with st.form(f"data.mapping.form.{file.digest}"):
            chosen = {}
            for field, label in FIELD_LABELS.items():
                current = imported.mapping.get(field)
                index = columns.index(current) if current in columns else 0
                chosen[field] = st.selectbox(label, columns, index=index, key=f"data.map.{field}")
            if st.form_submit_button("Read again with these columns"):
                st.session_state[_mapping_key(file)] = {
                    field: (None if column == NO_COLUMN else column) for field, column in chosen.items()
                }
                st.rerun()


def set_aside(imported: Imported, file: Upload) -> None:
    """The rows set aside, why, a download of them, and the swap for swapped coordinates."""
    if not imported.report["rejected"]:
        return
    st.subheader("Set aside")
    reasons = pd.DataFrame(list(imported.report["reasons"].items()), columns=["Reason", "Rows"])
    st.dataframe(reasons, hide_index=True)
    st.dataframe(imported.rejected.head(1_000), hide_index=True, key="data.rejected")
    st.download_button(
        "Download the set-aside rows (CSV)",
        table_to_csv(imported.rejected),
        file_name=f"rejected-{file.name}.csv",
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
            st.session_state[_swapped_key(file)] = True
            st.rerun()


def add_form(imported: Imported, file: Upload) -> None:
    """Geocode the file's accepted rows and add them beside the data in view, or instead of it."""
    st.subheader("Place and add")
    st.caption(
        f"{unplaced_count(imported.events):,} accepted row(s) have a place name but no coordinates: they are "
        "geocoded offline from the gazetteer when you add the file."
    )
    how = st.radio("Add the file's events", list(HOW), horizontal=True, key="data.how")
    if st.button("Add to my working data set", type="primary", key="data.add", icon=":material/add_location_alt:"):
        bar = st.progress(0.0, text="Geocoding place names…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=f"Geocoding place names: {done:,} of {total:,}")

        working = session.add_to_working(
            imported.events,
            file.name,
            instead=how == HOW[1],
            progress=progress,
        )
        bar.progress(1.0, text="Placed.")
        unresolved = unresolved_of(working.events, imported.events)
        st.success(
            f"Added {len(imported.events):,} events"
            + (f"; {unresolved:,} could not be placed (see Places)." if unresolved else "."),
            icon=":material/check_circle:",
        )
