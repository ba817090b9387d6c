"""Candidate events as tables: the page's editable table, the `extract` command's CSV (the canonical
schema plus `evidence`, `date_phrase`, `confidence`…), and the confirmed events as canonical events
and in the curated-CSV format of `data/report_events.csv`, with the report as their source."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import pandas as pd

from conflictmap.exporting import table_to_csv
from conflictmap.report.candidates import Candidate
from conflictmap.report.vocabulary import COUNTRY_LABELS
from conflictmap.schema import EVENT_COLUMNS, conform

#: The curated format's columns, in `data/report_events.csv`'s order.
CURATED_COLUMNS = [
    "event_id", "date_start", "date_end", "date_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "fatalities", "fatalities_low", "fatalities_high", "place", "place_identified_as", "country", "notes", "source",
]  # fmt: skip
#: What the `extract` command adds to the canonical schema.
EXTRA_COLUMNS = ["evidence", "date_phrase", "confidence", "is_event", "kind", "injuries", "reasons"]
#: The page's table, in the order an analyst reads it.
TABLE_COLUMNS = [
    "number", "keep", "date_start", "date_end", "date_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "fatalities", "injuries", "place", "place_identified_as", "country", "geo_precision", "matched_name",
    "latitude", "longitude", "confidence", "kind", "date_phrase", "evidence", "reasons", "event_id",
]  # fmt: skip
DATASET = "News report (pasted)"


def _slug(text: str) -> str:
    """ "Dalil Air Base, near An Nasiriyah" -> "dalil-air-base-near-an-nasiriyah" (ASCII)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")[:40] or "unplaced"


def candidates_frame(candidates: Sequence[Candidate]) -> pd.DataFrame:
    """One row per candidate: the page's table (TABLE_COLUMNS), events kept, not-events not; the
    events first, each group in the report's order, numbered (the numbers mark the text)."""
    rows = []
    used: set[str] = set()
    ordered = sorted(candidates, key=lambda c: (not c.is_event, c.evidence_start))
    for number, candidate in enumerate(ordered, start=1):
        day = candidate.date_start.isoformat() if candidate.date_start else "undated"
        base = f"report:{day}-{_slug(candidate.place)}"
        event_id, suffix = base, 2
        while event_id in used:
            event_id, suffix = f"{base}-{suffix}", suffix + 1
        used.add(event_id)
        rows.append(
            {
                "number": number,
                "keep": candidate.is_event,
                "date_start": pd.Timestamp(candidate.date_start) if candidate.date_start else pd.NaT,
                "date_end": pd.Timestamp(candidate.date_end) if candidate.date_end else pd.NaT,
                "date_precision": candidate.date_precision,
                "event_type": candidate.event_type,
                "sub_event_type": candidate.sub_event_type,
                "actor1": candidate.actor1,
                "actor2": candidate.actor2,
                "fatalities": candidate.fatalities,
                "fatalities_low": candidate.fatalities_low,
                "fatalities_high": candidate.fatalities_high,
                "injuries": candidate.injuries,
                "place": candidate.place,
                "place_identified_as": candidate.place_query if candidate.place_query != candidate.place else "",
                "country": COUNTRY_LABELS.get(candidate.country or "", candidate.country or ""),
                "geo_precision": candidate.geo_precision,
                "matched_name": candidate.matched_name,
                "latitude": candidate.latitude,
                "longitude": candidate.longitude,
                "admin1": candidate.admin1,
                "located_by": candidate.located_by,
                "confidence": candidate.confidence,
                "kind": candidate.kind,
                "is_event": candidate.is_event,
                "date_phrase": candidate.date_phrase,
                "evidence": candidate.evidence,
                "evidence_start": candidate.evidence_start,
                "evidence_end": candidate.evidence_end,
                "reasons": "; ".join(candidate.reasons),
                "event_id": event_id,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            *TABLE_COLUMNS,
            "fatalities_low",
            "fatalities_high",
            "admin1",
            "located_by",
            "is_event",
            "evidence_start",
            "evidence_end",
        ],
    )
    for column in ("fatalities", "fatalities_low", "fatalities_high", "injuries"):
        frame[column] = frame[column].astype("Int64")
    for column in ("latitude", "longitude", "confidence"):
        frame[column] = frame[column].astype("float64")
    frame["keep"] = frame["keep"].astype(bool)
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    frame["date_end"] = pd.to_datetime(frame["date_end"])
    return frame


def carry_edits(
    before: pd.DataFrame, edited: pd.DataFrame, after: pd.DataFrame, fields: Sequence[str]
) -> tuple[pd.DataFrame, int]:
    """`after`, the same report's candidates read again (another publication date or country), with
    the analyst's edits of `before` carried to them: `edited` is `before` as edited (its rows by
    `event_id`, a deleted one missing). A candidate is the same one when it comes from the same
    sentence, at the same rank among that sentence's candidates. Each of `fields` the analyst
    changed is set; a deleted candidate is dropped. Returns (table, candidates carried)."""

    def identity(table: pd.DataFrame) -> pd.Series:
        ordered = table.sort_values("number")
        rank = ordered.groupby("evidence_start").cumcount()
        return (ordered["evidence_start"].astype(str) + ":" + rank.astype(str)).reindex(table.index)

    old = before.assign(_same=identity(before)).set_index("event_id")
    out = after.assign(_same=identity(after))
    where = {same: index for index, same in zip(out.index, out["_same"], strict=True)}
    kept = set(edited["event_id"].dropna())
    carried, dropped = 0, []
    for event_id, row in old.iterrows():
        target = where.get(row["_same"])
        if target is None:
            continue
        if event_id not in kept:
            dropped.append(target)
            carried += 1
            continue
        now = edited.loc[edited["event_id"] == event_id].iloc[0]
        changed = [f for f in fields if f in now.index and not _same_value(now[f], row[f])]
        for field in changed:
            out.at[target, field] = now[field]
        carried += bool(changed)
    return out.drop(index=dropped).drop(columns="_same"), carried


def _same_value(a: Any, b: Any) -> bool:
    """Equal, or both missing (None, NaN, NaT, NA)."""
    missing_a, missing_b = a is None or bool(pd.isna(a)), b is None or bool(pd.isna(b))
    return (missing_a and missing_b) or (not missing_a and not missing_b and bool(a == b))


def output_frame(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """The `extract` command's rows: the canonical schema's columns, then EXTRA_COLUMNS."""
    events = conform(_with_source(table, source))
    extras = table[EXTRA_COLUMNS].reset_index(drop=True)
    return pd.concat([events.reset_index(drop=True), extras], axis=1)


def _with_source(table: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = table.copy()
    frame["place_identified_as"] = frame["place_identified_as"].replace("", pd.NA)
    frame["place"] = frame["place"].replace("", pd.NA)
    frame["notes"] = frame.apply(_note, axis=1)
    frame["source"] = source
    frame["dataset"] = DATASET
    for column in ("actor1", "actor2"):
        frame[column] = frame[column].replace("", pd.NA)
    return frame


def _note(row: pd.Series) -> str:
    """The evidence, then the date's phrase, as the curated notes read."""
    parts = [str(row["evidence"])]
    if isinstance(row.get("date_phrase"), str) and row["date_phrase"]:
        parts.append(f"Date from '{row['date_phrase']}'.")
    if pd.notna(row.get("injuries")):
        parts.append(f"{int(row['injuries'])} injured.")
    return " ".join(parts)


def _kept(table: pd.DataFrame) -> pd.Series:
    """The rows the analyst keeps that have a start date (an undated one cannot be an event)."""
    return table["keep"].fillna(False).astype(bool) & table["date_start"].notna()


def kept_count(table: pd.DataFrame) -> int:
    """How many events `confirmed_events(table, …)` makes."""
    return int(_kept(table).sum()) if len(table) else 0


def confirmed_events(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """The rows kept, as canonical events without coordinates: they are placed, as an uploaded
    file's are, when they join the working set (conflictmap.datasets.add_file), from `place`
    (or `place_identified_as`) and `country`."""
    kept = table[_kept(table)]
    events = conform(_with_source(kept, source))
    events["latitude"] = float("nan")
    events["longitude"] = float("nan")
    events["geo_precision"] = pd.NA
    events["located_by"] = pd.NA
    events["matched_name"] = pd.NA
    # an unplaced candidate keeps its name: the geocoder lists it under Places as unresolved
    events["place"] = events["place"].fillna(events["country"]).fillna("unknown place")
    return events.reset_index(drop=True)


def curated_csv(events: pd.DataFrame) -> str:
    """Confirmed events in the curated-CSV format (`data/report_events.csv`'s columns); text a
    spreadsheet would run as a formula is neutralised, as in every download."""
    frame = events.reindex(columns=CURATED_COLUMNS).copy()
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    return table_to_csv(frame)


def source_of(title: str, published: object, confirmed: bool = False) -> str:
    """ "'US, Iraq to Begin Talks…', news report, published 2024-01-25 (…)" from what is known."""
    title = " ".join(title.split())[:200] or "Pasted news report"
    day = f", published {published}" if published else ""
    how = "extracted with conflictmap, confirmed by an analyst" if confirmed else "candidate extracted by conflictmap"
    return f"'{title}', news report{day} ({how})"


assert set(CURATED_COLUMNS) <= set(EVENT_COLUMNS)
