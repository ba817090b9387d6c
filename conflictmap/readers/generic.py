"""Any other table of events, CSV or Excel: the analyst's own spreadsheet, a partner's list, an
export of this app. Which column holds the date, the place, the coordinates and so on is
guessed from the header (`guess_mapping`) and can be overridden (`resolve_mapping`).

Columns that are not mapped are not lost: their values go into the notes ("Weapon: RPG.").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictmap.errors import ConflictmapError
from conflictmap.readers.convert import (
    as_nanoseconds,
    blank_to_na,
    excel_serial_dates,
    join_notes,
    labelled,
    sentence,
    to_number,
    to_whole,
)
from conflictmap.readers.table import RawTable, ReadError, ReadResult, to_schema
from conflictmap.readers.validation import CountryBounds
from conflictmap.schema import EVENT_COLUMNS, DatePrecision, Format, LocatedBy

#: Field -> header names that mean it, compared without case, spaces, underscores, hyphens or
#: dots; the first that a file has wins. Includes the schema's own names, so an export of this
#: app reads back as it was written.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "id", "eventid", "incident_id", "event_id_cnty"),
    "date_start": ("date_start", "date", "event_date", "start_date", "day", "datum", "fecha", "التاريخ", "تاريخ"),
    "date_end": ("date_end", "end_date", "date_to"),
    "date_precision": ("date_precision",),
    "event_type": ("event_type", "type", "category", "incident_type", "النوع"),
    "sub_event_type": ("sub_event_type", "sub_type", "subtype", "subcategory"),
    "actor1": ("actor1", "actor", "actor_1", "perpetrator", "perpetrators", "side_a", "attacker", "الفاعل"),
    "actor2": ("actor2", "actor_2", "target", "victim", "victims", "side_b"),
    "fatalities": (
        "fatalities",
        "deaths",
        "killed",
        "casualties",
        "dead",
        "death_toll",
        "tote",
        "morts",
        "muertos",
        "القتلى",
        "عدد القتلى",
    ),
    "fatalities_low": ("fatalities_low",),
    "fatalities_high": ("fatalities_high",),
    "place": ("place", "location", "town", "city", "village", "locality", "place_name", "lieu", "ort", "المكان"),
    "place_identified_as": ("place_identified_as",),
    "admin1": ("admin1", "province", "governorate", "state", "region", "المحافظة"),
    "admin2": ("admin2", "district", "القضاء"),
    "country": ("country", "pays", "land", "البلد", "الدولة"),
    "latitude": ("latitude", "lat", "y", "breite", "خط العرض"),
    "longitude": ("longitude", "lon", "lng", "long", "x", "länge", "laenge", "خط الطول"),
    "geo_precision": ("geo_precision",),
    "located_by": ("located_by",),
    "matched_name": ("matched_name",),
    "source": ("source", "url", "link", "sources", "المصدر"),
    "notes": ("notes", "description", "summary", "details", "comments", "remarks", "الوصف", "ملاحظات"),
    "dataset": ("dataset",),
}

#: Field names an analyst may use in a mapping, besides the schema's own.
FIELD_ALIASES = {
    "date": "date_start",
    "start_date": "date_start",
    "end_date": "date_end",
    "type": "event_type",
    "sub_type": "sub_event_type",
    "subtype": "sub_event_type",
    "actor": "actor1",
    "target": "actor2",
    "deaths": "fatalities",
    "location": "place",
    "province": "admin1",
    "district": "admin2",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "id": "event_id",
    "description": "notes",
}

#: Fields a mapping can fill, with the words a page shows for them, in the order to ask.
FIELD_LABELS = {
    "date_start": "Date (or start date)",
    "date_end": "End date",
    "place": "Place name",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "country": "Country",
    "admin1": "Province / governorate",
    "admin2": "District",
    "event_type": "Event type",
    "sub_event_type": "Sub-type",
    "actor1": "Actor 1 (perpetrator)",
    "actor2": "Actor 2 (target)",
    "fatalities": "Fatalities",
    "notes": "Notes / description",
    "source": "Source",
    "event_id": "Event id",
    "fatalities_low": "Fatalities, low",
    "fatalities_high": "Fatalities, high",
    "date_precision": "Date precision",
    "geo_precision": "Place precision",
    "place_identified_as": "Place identified as",
    "located_by": "Located by",
    "matched_name": "Matched name",
    "dataset": "Data set",
}

#: Day-month-year dates written with month names, tried in this order.
NAMED_MONTH_FORMATS = [
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %B, %Y",
]

_NUMERIC_DATE = (
    r"^(?P<first>\d{1,2})[/.\-](?P<second>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)


def _key(name: str) -> str:
    """How headers and synonyms are compared: "Event Date" == "event_date" == "EVENTDATE"."""
    return re.sub(r"[\s_.\-]+", "", str(name).strip().casefold())


class UnknownField(ConflictmapError, ValueError):
    """A column mapping names a field the schema does not have."""


def field_name(name: str) -> str:
    """The schema field an analyst's field name means: "date" -> "date_start", "lat" -> "latitude"."""
    key = _key(name)
    for canonical in EVENT_COLUMNS:
        if _key(canonical) == key:
            return canonical
    for alias, canonical in FIELD_ALIASES.items():
        if _key(alias) == key:
            return canonical
    raise UnknownField(f"unknown field {name!r} (fields: {', '.join(FIELD_LABELS)}; or date, place, lat, lon, type)")


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """Field -> column, guessed from the header names.

    >>> guess_mapping(["Datum", "Location", "LAT", "lng", "Killed", "Description", "Weapon"])
    {'date_start': 'Datum', 'fatalities': 'Killed', 'place': 'Location', 'latitude': 'LAT', \
'longitude': 'lng', 'notes': 'Description'}
    """
    by_key: dict[str, str] = {}
    for header in columns:
        by_key.setdefault(_key(header), header)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for field, names in SYNONYMS.items():
        for name in names:
            column = by_key.get(_key(name))
            if column is not None and column not in used:
                mapping[field] = column
                used.add(column)
                break
    return mapping


def resolve_mapping(
    columns: Sequence[str], overrides: Mapping[str, str | None] | None = None, name: str = "file"
) -> dict[str, str]:
    """The guess from the header, with the analyst's `overrides` applied: {"date": "Datum"}
    maps a field, {"notes": None} unmaps one. A column the file lacks is a `ReadError`."""
    mapping = guess_mapping(columns)
    by_key = {_key(column): column for column in reversed(columns)}
    for field, column in (overrides or {}).items():
        try:
            canonical = field_name(field)
        except ValueError as error:
            raise ReadError(name, f"mapping: {error}") from None
        if column is None or str(column).strip() == "":
            mapping.pop(canonical, None)
            continue
        found = column if column in columns else by_key.get(_key(column))
        if found is None:
            raise ReadError(name, f"mapping: no column {column!r} in the file (columns: {', '.join(columns)})")
        for other, taken in list(mapping.items()):
            if taken == found and other != canonical and other not in {field_name(f) for f in overrides or {}}:
                del mapping[other]
        mapping[canonical] = found
    order = list(FIELD_LABELS)
    return dict(sorted(mapping.items(), key=lambda item: order.index(item[0])))


def _numeric_parts(series: pd.Series) -> pd.DataFrame:
    """The three numbers of dates like 04/01/2024 (first, second, year); NaN where the text
    is not such a date. Arrow's RE2 does the matching, not a Python loop per row."""
    array = pc.utf8_trim_whitespace(pa.array(series.astype("str"), from_pandas=True))
    found = pc.extract_regex(array, _NUMERIC_DATE)
    parts = {
        name: pc.cast(pc.struct_field(found, [number]), pa.float64()).to_numpy(zero_copy_only=False)
        for number, name in enumerate(("first", "second", "year"))
    }
    return pd.DataFrame(parts, index=series.index)


def date_order(series: pd.Series) -> str:
    """How to read numeric dates like 04/01/2024 in this column: "day-first" unless some value
    is only possible month-first (01/13/2024) and none only day-first.

    >>> date_order(pd.Series(["04/01/2024", "13/01/2024"])), date_order(pd.Series(["01/13/2024", "01/04/2024"]))
    ('day-first', 'month-first')
    """
    parts = _numeric_parts(series)
    first, second = parts["first"], parts["second"]
    only_month_first = ((second > 12) & (first <= 12)).any()
    only_day_first = ((first > 12) & (second <= 12)).any()
    return "month-first" if only_month_first and not only_day_first else "day-first"


def parse_any_dates(series: pd.Series, from_excel: bool = False) -> tuple[pd.Series, pd.Series]:
    """Dates as people write them, and how precise each is ("day", "month", "year or more").

    ISO (2024-01-04, 20240104), numeric day/month/year (see `date_order`; a value impossible
    day-first is read month-first), month names ("4 January 2024", "Jan 4, 2024", "04-Jan-24"),
    "2024-01" (month) and "2024" (year), and Excel's day numbers in spreadsheets.

    >>> dates, precision = parse_any_dates(pd.Series(["2024-01-04", "04/01/2024", "4 January 2024", "2024-01"]))
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), precision.tolist()
    (['2024-01-04', '2024-01-04', '2024-01-04', '2024-01-01'], ['day', 'day', 'day', 'month'])
    """
    text = series.astype("str").str.strip().fillna("")
    dates = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    precision = pd.Series(pd.NA, index=series.index, dtype="string")

    def fill(found: pd.Series, level: DatePrecision) -> None:
        found = found.dropna()
        found = found[found.notna()]
        found = as_nanoseconds(found).dropna()
        dates.loc[found.index] = found
        precision.loc[found.index] = level

    def todo() -> pd.Series:
        return dates.isna() & text.ne("")

    month_only = text.str.fullmatch(r"\d{4}-\d{1,2}")
    fill(pd.to_datetime(text[month_only], format="%Y-%m", errors="coerce"), DatePrecision.MONTH)
    year_only = text.str.fullmatch(r"\d{4}")
    fill(pd.to_datetime(text[year_only], format="%Y", errors="coerce"), DatePrecision.YEAR)
    iso = todo() & text.str.match(r"^\d{4}-?\d{2}-?\d{2}")
    if iso.any():
        parsed = pd.to_datetime(text[iso], format="ISO8601", errors="coerce", utc=True).dt.tz_convert(None)
        fill(parsed, DatePrecision.DAY)
    numeric = todo()
    if numeric.any():
        parts = _numeric_parts(text[numeric])
        first, second, year = parts["first"], parts["second"], parts["year"]
        year = year.where(year >= 100, year + 2000).where((year >= 100) | (year < 69), year + 1900)
        if date_order(text[numeric]) == "day-first":
            day_first = ~((first <= 12) & (second > 12))
        else:
            day_first = (first > 12) & (second <= 12)
        day, month = first.where(day_first, second), second.where(day_first, first)
        parsed = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")
        fill(parsed, DatePrecision.DAY)
    for form in NAMED_MONTH_FORMATS:
        left = todo()
        if not left.any():
            break
        fill(pd.to_datetime(text[left], format=form, errors="coerce"), DatePrecision.DAY)
    if from_excel and todo().any():
        fill(excel_serial_dates(text[todo()]), DatePrecision.DAY)
    return dates, precision


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def table_events(
    table: RawTable,
    dataset: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    *,
    country_bounds: CountryBounds | None = None,
) -> ReadResult:
    """Rows of any event table as canonical events. `mapping` overrides the guessed one
    (see `resolve_mapping`); `dataset` names the data set (default: the file's name)."""
    fields = resolve_mapping(table.columns, mapping, table.name)
    if "date_start" not in fields:
        raise ReadError(
            table.name,
            f"no date column: name it with a mapping such as date=<column> (columns: {', '.join(table.columns)})",
        )
    if "place" not in fields and not {"latitude", "longitude"} <= set(fields):
        raise ReadError(
            table.name,
            "no place or latitude/longitude columns: name them with a mapping such as place=<column> "
            f"(columns: {', '.join(table.columns)})",
        )
    stem = Path(table.name).stem
    dataset = dataset or stem
    raw = table.frame

    def column(field: str) -> pd.Series:
        return table.column(fields.get(field))

    events = pd.DataFrame(index=raw.index)
    for field, dtype in EVENT_COLUMNS.items():
        if dtype == "string" and field in fields:
            events[field] = blank_to_na(column(field))
    ids = column("event_id").str.strip()
    already = "event_id" in fields and bool(ids[ids != ""].str.contains(":").all())
    prefixed = ids if already else _slug(stem) + ":" + ids  # this app writes ids as "<dataset>:<id>"
    events["event_id"] = prefixed.where(ids != "", _slug(stem) + ":line" + table.lines.astype("str"))
    dates, precision = parse_any_dates(column("date_start"), table.from_excel)
    events["date_start"] = dates
    if "date_end" in fields:
        events["date_end"] = parse_any_dates(column("date_end"), table.from_excel)[0]
        given_end = column("date_end").str.strip() != ""
        events["date_end"] = events["date_end"].where(given_end, dates)
    else:
        events["date_end"] = dates
    if "date_precision" not in fields:
        events["date_precision"] = precision
    for field in ("fatalities", "fatalities_low", "fatalities_high"):
        if field in fields:
            events[field] = to_whole(column(field))
    for field in ("latitude", "longitude"):
        if field in fields:
            events[field] = to_number(column(field), decimal_comma=True)
    if "located_by" not in fields and {"latitude", "longitude"} <= set(fields):
        has_point = events["latitude"].notna() & events["longitude"].notna()
        events["located_by"] = pd.Series(LocatedBy.SOURCE, index=raw.index).where(has_point)
    used = set(fields.values())
    extra = [labelled(table.column(name), f"{name}: ") for name in table.columns if name not in used]
    if extra:
        base = [sentence(events["notes"])] if "notes" in events else []
        events["notes"] = join_notes([*base, *extra], raw.index)
    if "dataset" in fields:
        events["dataset"] = events["dataset"].fillna(dataset)
    else:
        events["dataset"] = dataset
    events = to_schema(events)

    source_columns = {field: column for field, column in fields.items()}
    if "event_id" not in fields:
        source_columns.pop("event_id", None)
    return table.checked(events, raw, source_columns, Format.CSV, country_bounds)
