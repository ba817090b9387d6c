"""ACLED (Armed Conflict Location & Event Data) exports, CSV or Excel, as analysts download them
from their own ACLED account. The project never ships ACLED rows: ACLED's terms forbid
redistributing its data.

Layouts read:
- the 31-column layout in use since 2023: event_id_cnty, event_date, year, time_precision,
  disorder_type, event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2,
  assoc_actor_2, inter2, interaction, civilian_targeting, iso, region, country, admin1, admin2,
  admin3, location, latitude, longitude, geo_precision, source, source_scale, notes, fatalities,
  tags, timestamp;
- older and upper-case variants (EVENT_DATE as "04-Jan-24", ALLY_ACTOR_1 for assoc_actor_1,
  numeric inter codes), dates as "04 January 2024" or ISO;
- exports with columns removed: only a date, and coordinates or a location, are required.

Codebook terms (ACLED Codebook, 2023/2024):
- time_precision: 1 the exact day is known, 2 the week, 3 only the month (the date is then
  a day within that week or month) -> DatePrecision DAY, WEEK, MONTH
- geo_precision: 1 the exact place, 2 near it or a part of a region (within about 25 km),
  3 only a larger region, coded at its provincial capital -> GeoPrecision EXACT, NEAR, PROVINCE
- inter1/inter2: the actor's type, 1 State forces ... 8 External/other forces (text since 2024)
- interaction: the two inter codes together ("17": state forces against civilians)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from conflictmap.readers.convert import (
    blank_to_na,
    excel_serial_dates,
    join_notes,
    labelled,
    map_codes,
    parse_dates,
    sentence,
    to_number,
    to_whole,
)
from conflictmap.readers.table import RawTable, ReadError, ReadResult, find_columns, to_schema
from conflictmap.readers.validation import CountryBounds
from conflictmap.schema import DatePrecision, Format, GeoPrecision, LocatedBy

DATASET = "ACLED"

#: The 31 columns of ACLED's export layout since 2023, in order.
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

#: Older names of the same columns.
OLDER_NAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}

#: inter1 / inter2 codes before ACLED wrote them as text (2024).
ACTOR_TYPES = {
    "0": None,
    "1": "State forces",
    "2": "Rebel groups",
    "3": "Political militias",
    "4": "Identity militias",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}

TIME_PRECISIONS = {"1": DatePrecision.DAY, "2": DatePrecision.WEEK, "3": DatePrecision.MONTH}
GEO_PRECISIONS = {"1": GeoPrecision.EXACT, "2": GeoPrecision.NEAR, "3": GeoPrecision.PROVINCE}

#: How ACLED has written event_date over the years.
DATE_FORMATS = ["ISO8601", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d/%m/%Y", "%B %d, %Y"]

#: canonical column -> ACLED column, for messages about rejected rows
SOURCE_COLUMNS = {
    "event_id": "event_id_cnty",
    "date_start": "event_date",
    "latitude": "latitude",
    "longitude": "longitude",
    "fatalities": "fatalities",
    "place": "location",
}


def acled_names(header: Sequence[str]) -> dict[str, str]:
    """ACLED column name -> the file's column, for any case and the older names.

    >>> acled_names(["EVENT_DATE", "ALLY_ACTOR_1", "Location"])
    {'event_date': 'EVENT_DATE', 'location': 'Location', 'assoc_actor_1': 'ALLY_ACTOR_1'}
    """
    names = find_columns(header, ACLED_COLUMNS)
    for old, new in OLDER_NAMES.items():
        found = find_columns(header, [old])
        if old in found and new not in names:
            names[new] = found[old]
    return names


def actor_type(code: str) -> str | None:
    """An inter code as words: "1" -> "State forces"; text (2024 on) is kept."""
    code = code.strip().removesuffix(".0")
    return ACTOR_TYPES.get(code) if code.isdigit() else (code or None)


def interaction(code: str) -> str | None:
    """The pair of actor types, as ACLED words it since 2024: "17" -> "State forces-Civilians",
    "10" -> "State forces only"; text is kept."""
    code = code.strip().removesuffix(".0")
    if not code:
        return None
    if re.fullmatch(r"\d\d", code):
        first, second = ACTOR_TYPES.get(code[0]), ACTOR_TYPES.get(code[1])
        if first and second:
            return f"{first}-{second}"
        if first:
            return f"{first} only"
    return code


def _notes(column: Callable[[str], pd.Series], index: pd.Index) -> pd.Series:
    def types(name: str) -> pd.Series:
        return map_codes(column(name), actor_type)

    parts = [
        sentence(column("notes")),
        labelled(column("disorder_type"), "Disorder type: "),
        labelled(column("assoc_actor_1"), "Associated with actor 1: "),
        labelled(types("inter1"), "Actor 1 type: "),
        labelled(column("assoc_actor_2"), "Associated with actor 2: "),
        labelled(types("inter2"), "Actor 2 type: "),
        labelled(map_codes(column("interaction"), interaction), "Interaction: "),
        map_codes(column("civilian_targeting"), lambda value: "Civilians targeted." if value else None),
        labelled(column("admin3"), "Admin3: "),
        labelled(column("tags"), "Tags: "),
        labelled(column("source_scale"), "Source scale: "),
    ]
    return join_notes(parts, index)


def acled_events(table: RawTable, *, country_bounds: CountryBounds | None = None) -> ReadResult:
    """ACLED rows as canonical events, rejecting rows that fail the checks."""
    names = acled_names(table.columns)
    if "event_date" not in names:
        raise ReadError(table.name, "missing column(s): event_date")
    if not {"latitude", "longitude"} <= set(names) and "location" not in names:
        raise ReadError(table.name, "missing column(s): latitude and longitude, or location")
    raw = table.frame

    def column(name: str) -> pd.Series:
        return table.column(names.get(name))

    events = pd.DataFrame(index=raw.index)
    ids = column("event_id_cnty").str.strip()
    stem = Path(table.name).stem
    events["event_id"] = ("acled:" + ids).where(ids != "", f"acled:{stem}-line" + table.lines.astype("str"))
    dates = parse_dates(column("event_date"), DATE_FORMATS)
    if table.from_excel:
        dates = dates.fillna(excel_serial_dates(column("event_date")))
    events["date_start"] = dates
    events["date_end"] = dates
    events["date_precision"] = map_codes(column("time_precision"), lambda c: TIME_PRECISIONS.get(c.removesuffix(".0")))
    events["event_type"] = blank_to_na(column("event_type"))
    events["sub_event_type"] = blank_to_na(column("sub_event_type"))
    events["actor1"] = blank_to_na(column("actor1"))
    events["actor2"] = blank_to_na(column("actor2"))
    events["fatalities"] = to_whole(column("fatalities"))
    events["place"] = blank_to_na(column("location"))
    events["admin1"] = blank_to_na(column("admin1"))
    events["admin2"] = blank_to_na(column("admin2"))
    events["country"] = blank_to_na(column("country"))
    events["latitude"] = to_number(column("latitude"), decimal_comma=True)
    events["longitude"] = to_number(column("longitude"), decimal_comma=True)
    events["geo_precision"] = map_codes(column("geo_precision"), lambda c: GEO_PRECISIONS.get(c.removesuffix(".0")))
    has_point = events["latitude"].notna() & events["longitude"].notna()
    events["located_by"] = pd.Series(LocatedBy.SOURCE, index=raw.index).where(has_point)
    events["source"] = blank_to_na(column("source"))
    events["notes"] = _notes(column, raw.index)
    events["dataset"] = DATASET
    events = to_schema(events)

    source_columns = {canonical: names.get(acled, acled) for canonical, acled in SOURCE_COLUMNS.items()}
    if "event_id_cnty" not in names:
        del source_columns["event_id"]  # ids made from line numbers: look for repeated rows instead
    return table.checked(events, raw, source_columns, Format.ACLED, country_bounds)
