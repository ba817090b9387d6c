"""The project's own curated CSV: one row per event, columns named as in the canonical schema,
places as the source names them and no coordinates needed (they are geocoded at load time).

`data/report_events.csv`, curated by hand from a news report, is in this format.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conflictmap.readers import ReadResult, blank_to_na, read_text_table, require_columns
from conflictmap.schema import EVENT_COLUMNS, conform
from conflictmap.validation import split_valid

REQUIRED = ["event_id", "date_start", "event_type", "place", "country", "source"]
TEXT_COLUMNS = [c for c, dtype in EVENT_COLUMNS.items() if dtype == "string"]
WHOLE_COLUMNS = ["fatalities", "fatalities_low", "fatalities_high"]


def read_curated(path: Path | str, dataset: str) -> ReadResult:
    """Read a curated events CSV; `dataset` names it on the map and in tables."""
    path = Path(path)
    raw = read_text_table(path)
    require_columns(path, raw, REQUIRED)
    lines = pd.Series(raw.index + 2, index=raw.index)
    events = pd.DataFrame(index=raw.index)
    for column in TEXT_COLUMNS:
        if column in raw.columns:
            events[column] = blank_to_na(raw[column])
    for column in ("date_start", "date_end"):
        if column in raw.columns:
            events[column] = pd.to_datetime(raw[column].str.strip(), errors="coerce", format="ISO8601")
    if "date_end" not in raw.columns or events["date_end"].isna().all():
        events["date_end"] = events["date_start"]
    events["date_end"] = events["date_end"].fillna(events["date_start"])
    for column in WHOLE_COLUMNS:
        if column in raw.columns:
            numbers = pd.to_numeric(raw[column], errors="coerce")
            events[column] = numbers.where(numbers == numbers.round()).astype("Int64")
    for column in ("latitude", "longitude"):
        if column in raw.columns:
            events[column] = pd.to_numeric(raw[column], errors="coerce")
    events["dataset"] = dataset
    events = conform(events)
    checked = split_valid(events, raw, {c: c for c in raw.columns}, lines)
    return ReadResult(
        path=path,
        format="curated",
        events=checked.accepted.reset_index(drop=True),
        rejected=checked.rejected,
        read=checked.read,
    )
