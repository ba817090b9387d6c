"""UCDP Georeferenced Event Dataset (GED) CSV files.

Reads both the HDX export (45 columns, GED 19.1, with an HXL hashtag row under the header)
and the current release layout (49 columns: adds relid, code_status, where_description and
the *_dset_id columns). Codebook terms (Högbladh 2019, UCDP GED Codebook 19.1):

- type_of_violence: 1 state-based conflict, 2 non-state conflict, 3 one-sided violence
- where_prec: 1 exact place ... 7 international waters or airspace (WHERE_PRECISIONS)
- date_prec: 1 exact day, 2 two to six days, 3 about a week, 4 about a month, 5 a year or more
- best / low / high: fatality estimates
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from conflictmap.readers.convert import (
    blank_to_na,
    concat,
    join_notes,
    labelled,
    map_codes,
    parse_dates,
    to_number,
    to_whole,
)
from conflictmap.readers.table import RawTable, ReadError, ReadResult, find_columns, to_schema
from conflictmap.readers.validation import CountryBounds
from conflictmap.schema import DatePrecision, Format, GeoPrecision, LocatedBy

DATASET = "UCDP GED"

VIOLENCE_TYPES = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}

REQUIRED = [
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "best",
]

#: Columns the reader uses; the others are read only for rejected rows.
USED = [
    *REQUIRED,
    "conflict_name",
    "dyad_name",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "country",
    "date_prec",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "low",
    "high",
    "source_article",
    "source_office",
    "source_headline",
]

#: canonical column -> UCDP column, for messages about rejected rows
SOURCE_COLUMNS = {
    "date_start": "date_start",
    "date_end": "date_end",
    "latitude": "latitude",
    "longitude": "longitude",
    "fatalities": "best",
    "fatalities_low": "low",
    "fatalities_high": "high",
    "place": "where_coordinates",
    "event_id": "id",
}


def is_hxl_row(row: pd.Series) -> bool:
    """HDX puts a row of HXL hashtags (`#date+year`, `#geo+lat`, ...) under the header."""
    cells = [cell.strip() for cell in row if cell.strip()]
    return bool(cells) and all(cell.startswith("#") for cell in cells)


def columns_to_read(header: Sequence[str]) -> list[str]:
    """The file's columns this reader uses, as the file spells them."""
    return list(find_columns(header, USED).values())


#: UCDP's codes, spelled out: the codebook's numbering, not the order of our enums (which have
#: levels UCDP does not, such as a sub-district).
DATE_PRECISIONS = (DatePrecision.DAY, DatePrecision.DAYS, DatePrecision.WEEK, DatePrecision.MONTH, DatePrecision.YEAR)
WHERE_PRECISIONS = (
    GeoPrecision.EXACT,
    GeoPrecision.NEAR,
    GeoPrecision.DISTRICT,
    GeoPrecision.PROVINCE,
    GeoPrecision.REGION,
    GeoPrecision.COUNTRY,
    GeoPrecision.WATERS,
)


def _code_label(codes: pd.Series, labels: tuple[str, ...]) -> pd.Series:
    mapping = {str(i + 1): label for i, label in enumerate(labels)}
    return map_codes(codes, lambda code: mapping.get(code.removesuffix(".0")))


def _notes(raw: RawTable, names: dict[str, str]) -> pd.Series:
    def text(column: str, missing: str = "") -> pd.Series:
        if column in names:
            return raw.column(names[column]).str.strip()
        return pd.Series(missing, index=raw.frame.index, dtype="str")

    deaths = (
        "Deaths: side A "
        + text("deaths_a", "?")
        + ", side B "
        + text("deaths_b", "?")
        + ", civilians "
        + text("deaths_civilians", "?")
        + ", unknown "
        + text("deaths_unknown", "?")
        + "."
    )
    parts = [
        labelled(text("conflict_name"), "Conflict: "),
        labelled(text("dyad_name"), "Dyad: "),
        deaths,
        labelled(text("where_description"), "Where: ", end=""),
    ]
    return join_notes(parts, raw.frame.index)


def _source(raw: RawTable, names: dict[str, str]) -> pd.Series:
    def text(column: str) -> pd.Series:
        return raw.column(names.get(column)).str.strip()

    article = blank_to_na(text("source_article").str.strip('"'))
    office, headline = blank_to_na(text("source_office")), blank_to_na(text("source_headline"))
    return article.fillna(concat(office, ": ", headline, index=office.index)).fillna(office).fillna(headline)


def ucdp_events(table: RawTable, *, country_bounds: CountryBounds | None = None) -> ReadResult:
    """UCDP GED rows as canonical events, rejecting rows that fail the checks."""
    names = find_columns(table.columns, USED)
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise ReadError(table.name, "missing column(s): " + ", ".join(missing))
    frame, lines = table.frame, table.lines
    if len(frame) and is_hxl_row(frame.iloc[0]):
        table = replace(table, frame=frame.iloc[1:], lines=lines.iloc[1:])
    raw = table.frame

    def column(name: str) -> pd.Series:
        return table.column(names.get(name))

    events = pd.DataFrame(index=raw.index)
    events["event_id"] = "ucdp:" + column("id").str.strip()
    events["date_start"] = parse_dates(column("date_start"), ["ISO8601", "mixed"])
    events["date_end"] = parse_dates(column("date_end"), ["ISO8601", "mixed"])
    events["date_precision"] = _code_label(column("date_prec"), DATE_PRECISIONS)
    events["event_type"] = map_codes(column("type_of_violence"), VIOLENCE_TYPES)
    events["sub_event_type"] = blank_to_na(column("conflict_name"))
    events["actor1"] = blank_to_na(column("side_a"))
    events["actor2"] = blank_to_na(column("side_b"))
    events["fatalities"] = to_whole(column("best"))
    events["fatalities_low"] = to_whole(column("low"))
    events["fatalities_high"] = to_whole(column("high"))
    events["place"] = blank_to_na(column("where_coordinates"))
    events["admin1"] = map_codes(column("adm_1"), lambda name: " ".join(name.split()) or None)
    events["admin2"] = blank_to_na(column("adm_2"))
    events["country"] = blank_to_na(column("country"))
    events["latitude"] = to_number(column("latitude"))
    events["longitude"] = to_number(column("longitude"))
    events["geo_precision"] = _code_label(column("where_prec"), WHERE_PRECISIONS)
    events["located_by"] = LocatedBy.SOURCE
    events["source"] = _source(table, names)
    events["notes"] = _notes(table, names)
    events["dataset"] = DATASET
    events = to_schema(events)

    source_columns = {canonical: names.get(ucdp, ucdp) for canonical, ucdp in SOURCE_COLUMNS.items()}
    return table.checked(events, raw, source_columns, Format.UCDP, country_bounds)
