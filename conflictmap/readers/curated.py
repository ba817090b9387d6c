"""The project's own curated CSV: one row per event, columns named as in the canonical schema,
places as the source names them and no coordinates needed (they are geocoded at load time).

`data/report_events.csv`, curated by hand from a news report, is in this format.
"""

from __future__ import annotations

import pandas as pd

from conflictmap.readers.convert import blank_to_na, parse_dates, to_number, to_whole
from conflictmap.readers.table import RawTable, ReadError, ReadResult, to_schema
from conflictmap.readers.validation import CountryBounds
from conflictmap.schema import EVENT_COLUMNS, Format

REQUIRED = ("event_id", "date_start", "event_type", "place", "country", "source")
TEXT_COLUMNS = [c for c, dtype in EVENT_COLUMNS.items() if dtype == "string"]
WHOLE_COLUMNS = ("fatalities", "fatalities_low", "fatalities_high")


def is_curated(columns: tuple[str, ...]) -> bool:
    """Whether a header is the curated format's: every required column, named as in the schema."""
    return set(REQUIRED) <= set(columns)


def curated_events(table: RawTable, dataset: str, *, country_bounds: CountryBounds | None = None) -> ReadResult:
    """A curated events table as canonical events; `dataset` names it on the map and in tables."""
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        raise ReadError(table.name, "missing column(s): " + ", ".join(missing))
    raw = table.frame
    events = pd.DataFrame(index=raw.index)
    for column in TEXT_COLUMNS:
        if column in raw.columns:
            events[column] = blank_to_na(raw[column])
    for column in ("date_start", "date_end"):
        if column in raw.columns:
            events[column] = parse_dates(raw[column], ["ISO8601"])
    if "date_end" not in events.columns:
        events["date_end"] = events["date_start"]
    events["date_end"] = events["date_end"].fillna(events["date_start"])
    for column in WHOLE_COLUMNS:
        if column in raw.columns:
            events[column] = to_whole(raw[column])
    for column in ("latitude", "longitude"):
        if column in raw.columns:
            events[column] = to_number(raw[column])
    events["dataset"] = dataset
    return table.checked(to_schema(events), raw, {c: c for c in raw.columns}, Format.CURATED, country_bounds)
