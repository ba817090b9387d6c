"""The Report page's parts: the report pasted or uploaded, its publication date and country (guessed,
confirmed by the analyst), the candidate events in an editable table beside a map of them, the text
with each event's evidence highlighted (escaped: a report is the most hostile input the app takes),
and the kept events added to this session's working set or downloaded as curated CSV. Widget keys
start with "report."; what was extracted from one text is kept under its digest."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from conflictmap.app import loading, session, uploads, widgets
from conflictmap.geocode.compose import Geocoding, build_geocoder
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.layers import events_layer
from conflictmap.report.candidates import Extraction
from conflictmap.report.dates import publication_date
from conflictmap.report.extract import extract_events
from conflictmap.report.places import main_country
from conflictmap.report.segment import Kind, pieces
from conflictmap.report.table import (
    DATASET,
    candidates_frame,
    carry_edits,
    confirmed_events,
    curated_csv,
    kept_count,
    source_of,
)
from conflictmap.report.text import MAX_CHARACTERS, SUFFIXES, ReportError, check_text, file_text
from conflictmap.report.vocabulary import COUNTRY_LABELS
from conflictmap.schema import ACLED_EVENT_TYPES, DatePrecision, conform

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

#: Characters of the report shown with its highlights (the rest is read, not shown).
SHOWN = 200_000
TYPES = list(ACLED_EVENT_TYPES)
#: The table's columns: the analyst's words, and which the analyst may edit.
COLUMNS: dict[str, ColumnConfig] = {
    "number": st.column_config.NumberColumn("#", help="The candidate's number, as marked in the text", disabled=True),
    "keep": st.column_config.CheckboxColumn("Keep", help="Confirm this candidate as an event"),
    "date_start": st.column_config.DateColumn("Start", format="YYYY-MM-DD"),
    "date_end": st.column_config.DateColumn("End", format="YYYY-MM-DD"),
    "date_precision": st.column_config.SelectboxColumn("Date known to", options=[p.value for p in DatePrecision]),
    "event_type": st.column_config.SelectboxColumn("Type", options=TYPES),
    "sub_event_type": st.column_config.TextColumn("Sub-type"),
    "actor1": st.column_config.TextColumn("Actor 1"),
    "actor2": st.column_config.TextColumn("Actor 2"),
    "fatalities": st.column_config.NumberColumn("Fatalities", min_value=0, step=1),
    "injuries": st.column_config.NumberColumn("Injured", min_value=0, step=1),
    "place": st.column_config.TextColumn("Place (as reported)"),
    "place_identified_as": st.column_config.TextColumn("Identified as", help="Geocoded instead of the place"),
    "country": st.column_config.TextColumn("Country"),
    "geo_precision": st.column_config.TextColumn("Place known to", disabled=True),
    "matched_name": st.column_config.TextColumn("Geocoded as", disabled=True),
    "confidence": st.column_config.ProgressColumn("Confidence", min_value=0.0, max_value=1.0, format="%.2f"),
    "kind": st.column_config.TextColumn("Read as", disabled=True),
    "date_phrase": st.column_config.TextColumn("Date phrase", disabled=True),
    "evidence": st.column_config.TextColumn("Evidence", width="large", disabled=True),
    "reasons": st.column_config.TextColumn("Why", width="large", disabled=True),
    "event_id": st.column_config.TextColumn("Event id", disabled=True),
}
EDITABLE = [
    "keep", "date_start", "date_end", "date_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "fatalities", "injuries", "place", "place_identified_as", "country",
]  # fmt: skip


@dataclass(frozen=True)
class Given:
    """The report as given: its text (checked), where it came from, and its digest."""

    text: str
    name: str

    @cached_property
    def digest(self) -> str:
        return uploads.digest(self.text.encode("utf-8"))

    @cached_property
    def title(self) -> str:
        """The report's headline: its first line, shortened."""
        first = next((p.text for p in pieces(self.text) if p.kind == Kind.HEADLINE), "") or self.text.split("\n")[0]
        return first[:150]


def report_input() -> Given | None:
    """The text area and the uploader; None until a report is given. A file or text that cannot
    be read is said so, with why, and the page stops."""
    st.text_area(
        "Paste a news report",
        key="report.text",
        height=220,
        help=f"Up to {MAX_CHARACTERS:,} characters: one report (the command line reads many).",
        placeholder="On Jan. 20, a U.S. airbase in western Iraq was hit by multiple rockets, injuring four…",
    )
    upload = uploads.upload("…or upload it: " + ", ".join(SUFFIXES), SUFFIXES, key="report.upload")
    pasted = st.session_state.get("report.text") or ""
    try:
        if upload is not None:
            return Given(file_text(upload.content, upload.name), upload.name)
        if not pasted.strip():
            st.info("Paste a report above, or upload one, to see its candidate events.", icon=":material/article:")
            return None
        return Given(check_text(pasted, "the pasted text"), "pasted text")
    except ReportError as error:
        st.error(widgets.plain(error), icon=":material/error:")
        st.stop()
    return None


@dataclass(frozen=True)
class Context:
    """The publication date and country the analyst confirmed."""

    published: dt.date | None
    country: str | None


@st.cache_data(max_entries=32, show_spinner=False)
def _guesses(text: str) -> tuple[tuple[dt.date | None, str], tuple[str | None, str]]:
    """The publication date and main country a text suggests (read once a text, not every rerun)."""
    return publication_date(text), main_country(text)


def context(given: Given) -> Context:
    """Publication date and main country, guessed from the text, for the analyst to confirm."""
    (guessed_day, why_day), (guessed_country, why_country) = _guesses(given.text)
    cols = st.columns(2)
    day_key, country_key = f"report.published.{given.digest}", f"report.country.{given.digest}"
    published = cols[0].date_input(
        "Publication date",
        value=st.session_state.get(day_key, guessed_day),
        min_value=dt.date(1900, 1, 1),
        max_value=dt.date(2100, 12, 31),
        key=day_key,
        help="Dates without a year and phrases such as 'earlier this week' are counted from it.",
    )
    cols[0].caption(f"Guessed: {widgets.plain(why_day)}")
    codes = list(COUNTRY_LABELS)
    country = cols[1].selectbox(
        "Main country",
        codes,
        index=codes.index(guessed_country) if guessed_country in codes else None,
        format_func=lambda code: f"{COUNTRY_LABELS[code]} ({code})",
        key=country_key,
        help="The geocoder's hint for the places the report names.",
    )
    cols[1].caption(f"Guessed: {widgets.plain(why_country)}")
    if not isinstance(published, dt.date):
        st.warning(
            "Give the publication date: without it, dates without a year, phrases such as 'yesterday' and "
            "undated events (a headline's) cannot be dated, and undated candidates are not mapped.",
            icon=":material/event:",
        )
    return Context(published if isinstance(published, dt.date) else None, country)


@st.cache_resource(show_spinner=False)
def _geocoding(_base: object, base_id: int) -> Geocoding:
    """The one composition over the app's geocoder (kept per geocoder: the overrides may change it)."""
    return build_geocoder(loading.geocoder(), cache=True)


def geocoding() -> Geocoding:
    base = loading.geocoder()
    return _geocoding(base, id(base))


def extract(given: Given, where: Context) -> Extraction:
    """The report's candidates, extracted once per text, date and country in this session (the
    page's reruns, an edit in the table, a click, reuse it and its table)."""
    key = f"report.extraction.{given.digest}.{where.published}.{where.country}"
    if key not in st.session_state:
        for old in [k for k in st.session_state if str(k).startswith("report.extraction.")]:
            del st.session_state[old]
        known = session.working_set().choices.get("actor", [])
        with st.spinner("Reading the report…"):
            extraction = extract_events(given.text, where.published, where.country, geocoding(), known)
            table = candidates_frame(extraction.candidates)
        st.session_state.pop("report.carried", None)
        edits = st.session_state.pop("report.edits", None)
        if edits is not None and edits[0] == given.digest:  # read again (a new date or country): keep the edits
            table, carried = carry_edits(edits[1], edits[2], table, EDITABLE)
            st.session_state["report.carried"] = (key, carried)
        st.session_state[key] = (extraction, table)
    return st.session_state[key][0]


def _table(extraction: Extraction) -> pd.DataFrame:
    """The candidates' table made once with the extraction (a copy: the page may change its own)."""
    for key, value in st.session_state.items():
        if str(key).startswith("report.extraction.") and value[0] is extraction:
            return value[1].copy()
    return candidates_frame(extraction.candidates)


def candidates_editor(extraction: Extraction, given: Given) -> pd.DataFrame:
    """The candidates in an editable table; returns the table as edited, its places geocoded again
    where the analyst changed them."""
    table = _table(extraction)
    events = int(table["keep"].sum())
    st.markdown(
        f"**{len(table)} candidate(s)**: {events} read as events (kept), {len(table) - events} as aggregates, "
        "statements, background or general remarks (not kept). Tick **Keep** on the events to confirm, untick "
        "or delete the false ones, and edit any field."
    )
    if table.empty:
        st.info("No event words (attack, strike, killed, protest…) were found in this text.", icon=":material/info:")
        return table
    edited = st.data_editor(
        table[list(COLUMNS)],
        column_config=COLUMNS,
        disabled=[c for c in COLUMNS if c not in EDITABLE],
        hide_index=True,
        num_rows="delete",
        key=f"report.editor.{given.digest}",
        width="stretch",
    )
    changes = st.session_state.get(f"report.editor.{given.digest}") or {}
    carried = st.session_state.get("report.carried")
    if carried and carried[0].startswith(f"report.extraction.{given.digest}.") and carried[1]:
        st.caption(
            f"Your edits of {carried[1]} candidate(s) were kept when the report was read again with the new "
            "publication date or country."
        )
    edited = edited.dropna(subset=["event_id"]).copy() if "event_id" in edited else edited
    if changes.get("edited_rows") or changes.get("deleted_rows"):
        st.caption(
            f"You edited {len(changes.get('edited_rows', {}))} candidate(s) and deleted "
            f"{len(changes.get('deleted_rows', []))}; the map and the download follow your edits."
        )
        # a new date or country reads the report again (a new table, which Streamlit's editor takes
        # for a new one, dropping its edits): what is kept here is carried to it (extract)
        st.session_state["report.edits"] = (given.digest, table, edited)
    else:
        st.session_state.pop("report.edits", None)
    rest = table.set_index("event_id").drop(columns=[c for c in COLUMNS if c != "event_id"], errors="ignore")
    merged = edited.join(rest, on="event_id")
    return _placed_again(merged, table)


def _placed_again(edited: pd.DataFrame, original: pd.DataFrame) -> pd.DataFrame:
    """Rows whose place or country the analyst changed, geocoded again (the others as extracted)."""
    before = original.set_index("event_id")
    changed = []
    for index, row in edited.iterrows():
        was = before.loc[row["event_id"]] if row["event_id"] in before.index else None
        fields = ("place", "place_identified_as", "country")
        if was is None or any(_text(row[c]) != _text(was[c]) for c in fields):
            changed.append(index)
    if not changed:
        return edited
    geocoder = geocoding()
    codes = {label.casefold(): code for code, label in COUNTRY_LABELS.items()}
    for index in changed:
        query = _text(edited.at[index, "place_identified_as"]) or _text(edited.at[index, "place"])
        country = _text(edited.at[index, "country"])
        answer = geocoder.resolve(query, country=codes.get(country.casefold(), country) or None)
        edited.at[index, "latitude"] = answer.latitude if answer.resolved else float("nan")
        edited.at[index, "longitude"] = answer.longitude if answer.resolved else float("nan")
        edited.at[index, "geo_precision"] = answer.precision
        edited.at[index, "matched_name"] = answer.matched_name
    return edited


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def candidates_map(table: pd.DataFrame, source: str) -> None:
    """The kept candidates on the map, with their evidence in the popups."""
    kept = table[table["keep"].fillna(False).astype(bool) & table["latitude"].notna() & table["date_start"].notna()]
    events = conform(
        kept.assign(
            notes=kept["evidence"],
            source=source,
            dataset=DATASET,
            located_by="gazetteer",
            date_end=kept["date_end"].fillna(kept["date_start"]),
        )
    )
    if events.empty:
        st.caption("No kept candidate has a place the geocoder found: nothing to map yet.")
        return
    colors = type_colors(sorted(events["event_type"].dropna().unique().tolist()))
    st_folium(
        base_map(events, colors, loading.assets(), full_detail=False),  # a preview: no village layer
        feature_group_to_add=events_layer(events, colors).group,
        height=460,
        use_container_width=True,
        returned_objects=[],
        key="report.map",
    )
    st.caption(f"{len(events)} kept candidate(s) with a place; click one for its evidence.")


def highlighted(extraction: Extraction, table: pd.DataFrame) -> None:
    """The report with each candidate's evidence marked: kept ones yellow, the others grey. Every
    character of the report is escaped before it is shown."""
    text = extraction.text[:SHOWN]
    marks: dict[tuple[int, int], tuple[bool, list[str]]] = {}
    spans = zip(
        table["number"].tolist(),
        table["evidence_start"].tolist(),
        table["evidence_end"].tolist(),
        table["keep"].tolist(),
        strict=True,
    )
    for number, start, end, kept in spans:
        if int(end) > SHOWN:
            continue
        keep, labels = marks.get((int(start), int(end)), (False, []))
        marks[(int(start), int(end))] = (keep or bool(kept), [*labels, str(number)])
    parts, position = [], 0
    for (start, end), (keep, labels) in sorted(marks.items()):
        if start < position:
            continue
        parts.append(html.escape(text[position:start]))
        color = "#fde68a" if keep else "#e5e7eb"
        parts.append(
            f'<mark style="background:{color}" title="candidate {html.escape(", ".join(labels))}">'
            f"<sup>[{html.escape(', '.join(labels))}]</sup> {html.escape(text[start:end])}</mark>"
        )
        position = end
    parts.append(html.escape(text[position:]))
    body = "".join(parts).replace("\n", "<br>")
    more = (
        f"<p><em>Only the first {SHOWN:,} of {len(extraction.text):,} characters are shown.</em></p>"
        if len(extraction.text) > SHOWN
        else ""
    )
    st.html(
        f'<div class="report-text" style="max-height:520px;overflow:auto;line-height:1.6;border:1px solid #ddd;'
        f'padding:0.8em;border-radius:6px">{body}{more}</div>'
    )


def confirm(table: pd.DataFrame, given: Given, where: Context) -> None:
    """Add the kept candidates to this session's working set, as an uploaded file's events are
    added, or download them in the curated-CSV format."""
    source = source_of(given.title, where.published, confirmed=True)
    count = kept_count(table)
    undated = int((table["keep"].fillna(False).astype(bool) & table["date_start"].isna()).sum()) if len(table) else 0
    st.subheader("Confirm")
    if undated:
        st.warning(f"{undated} kept candidate(s) have no start date: give one, or they are left out.")
    cols = st.columns(2)
    cols[1].download_button(
        f"Download the {count} kept event(s) as curated CSV",
        lambda: curated_csv(confirmed_events(table, source)),  # made when downloaded, not every rerun
        file_name=f"report-events-{given.digest}.csv",
        mime="text/csv",
        key="report.download",
        icon=":material/download:",
        disabled=not count,
    )
    if cols[0].button(
        f"Add the {count} kept event(s) to my working data set",
        type="primary",
        key="report.add",
        icon=":material/add_location_alt:",
        disabled=not count,
    ):
        events = confirmed_events(table, source)
        with st.spinner("Placing the events and adding them…"):
            session.add_to_working(events, f"Report: {given.title[:80]}", instead=False)
        st.session_state["report.added"] = (given.digest, len(events))
    added = st.session_state.get("report.added")
    if added and added[0] == given.digest:
        st.success(
            f"Added {added[1]} event(s) to your working data set (this browser session only).",
            icon=":material/check_circle:",
        )
        st.page_link("dashboard.py", label="See them on the Map", icon=":material/map:")
