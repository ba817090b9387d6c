"""GDELT events exports: GDELT 2.0 (61 tab-separated fields) and GDELT 1.0 (57 or 58 fields),
without a header as GDELT publishes them, or with the column names as a header.

GDELT codes events with CAMEO (Conflict and Mediation Event Observations) and geocodes them
automatically from news text; it is machine-coded, not verified by people. Codebook terms
(GDELT Event Codebook 2.0; CAMEO Manual 1.1b3):

- EventRootCode: the CAMEO root category, 01 Make public statement ... 20 Use unconventional
  mass violence (`CAMEO_ROOTS`); EventCode the full CAMEO code (e.g. 190, 1823)
- QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict
- GoldsteinScale: -10 (most destabilising) to +10; AvgTone: tone of the articles, -100 to +100
- NumMentions / NumSources / NumArticles: how much coverage the event had in the first 15 minutes
- ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)
- ActionGeo_CountryCode and ActionGeo_ADM1Code are FIPS 10-4 codes, not ISO
- SQLDATE: the day of the event (YYYYMMDD); GDELT states no fatalities
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import pyarrow as pa

from conflictmap.readers.convert import blank_to_na, concat, join_notes, map_codes, parse_dates, to_number
from conflictmap.readers.table import RawTable, ReadError, ReadResult, find_columns, to_schema
from conflictmap.readers.validation import CountryBounds
from conflictmap.schema import DatePrecision, Format, GeoPrecision, LocatedBy

DATASET = "GDELT"

_ACTOR = [
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
]
_GEO = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]

#: The 61 columns of a GDELT 2.0 events export, in order.
GDELT2_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{part}" for part in _ACTOR),
    *(f"Actor2{part}" for part in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{part}" for part in _GEO),
    *(f"Actor2Geo_{part}" for part in _GEO),
    *(f"ActionGeo_{part}" for part in _GEO),
    "DATEADDED",
    "SOURCEURL",
)
#: GDELT 1.0 daily files since April 2013: no ADM2 codes (58 columns).
GDELT1_COLUMNS: tuple[str, ...] = tuple(c for c in GDELT2_COLUMNS if not c.endswith("ADM2Code"))
#: GDELT 1.0 before April 2013: no SOURCEURL either (57 columns).
GDELT1_BACKFILE_COLUMNS: tuple[str, ...] = GDELT1_COLUMNS[:-1]
#: Columns of a header-less file, by its number of fields.
LAYOUTS: dict[int, tuple[str, ...]] = {
    61: GDELT2_COLUMNS,
    58: GDELT1_COLUMNS,
    57: GDELT1_BACKFILE_COLUMNS,
}

#: CAMEO root event categories (CAMEO Manual 1.1b3).
CAMEO_ROOTS = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}

QUAD_CLASSES = {
    "1": "verbal cooperation",
    "2": "material cooperation",
    "3": "verbal conflict",
    "4": "material conflict",
}

#: ActionGeo_Type -> our GeoPrecision
GEO_TYPES = {
    "1": GeoPrecision.COUNTRY,
    "2": GeoPrecision.PROVINCE,
    "3": GeoPrecision.EXACT,
    "4": GeoPrecision.EXACT,
    "5": GeoPrecision.PROVINCE,
}

REQUIRED = ["GLOBALEVENTID", "SQLDATE", "EventRootCode", "ActionGeo_FullName", "ActionGeo_Lat", "ActionGeo_Long"]

USED = [
    *REQUIRED,
    "Actor1Name",
    "Actor2Name",
    "EventCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "ActionGeo_Type",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "SOURCEURL",
]

#: canonical column -> GDELT column, for messages about rejected rows
SOURCE_COLUMNS = {
    "event_id": "GLOBALEVENTID",
    "date_start": "SQLDATE",
    "latitude": "ActionGeo_Lat",
    "longitude": "ActionGeo_Long",
    "place": "ActionGeo_FullName",
}


def columns_to_read(header: Sequence[str]) -> list[str]:
    """The file's columns this reader uses, as the file spells them."""
    return list(find_columns(header, USED).values())


def cameo_root(code: str) -> str | None:
    """The CAMEO root category of a root code: "19" -> "Fight", "4" -> "Consult"."""
    code = code.strip()
    return CAMEO_ROOTS.get(code.zfill(2) if code.isdigit() else code)


def _quad(code: str) -> str | None:
    label = QUAD_CLASSES.get(code.strip())
    return f"Quad class {code.strip()}: {label}." if label else None


def _country(full_name: str) -> str | None:
    """FullName runs from the place to the country: "Sulaymaniyah, As Sulaymaniyah, Iraq" -> "Iraq"."""
    return full_name.rsplit(",", 1)[-1].strip() or None


def _admin1(full_name: str) -> str | None:
    """The part before the country: "Sulaymaniyah, As Sulaymaniyah, Iraq" -> "As Sulaymaniyah"."""
    parts = full_name.split(",")
    if len(parts) < 2:
        return None
    return parts[-2].strip() or None


def _two_decimals(series: pd.Series) -> pd.Series:
    """ "0.28735632183908" -> "0.29"; text that is not a number is left out."""
    numbers = to_number(series).round(2)
    return pd.Series(pa.array(numbers, from_pandas=True).cast(pa.large_string()), index=series.index).astype("str")


def _notes(column: Callable[[str], pd.Series]) -> pd.Series:
    index = column("GLOBALEVENTID").index
    parts = [
        map_codes(column("QuadClass"), _quad),
        concat("Goldstein scale: ", column("GoldsteinScale"), ".", index=index),
        concat("Average tone: ", _two_decimals(column("AvgTone")), ".", index=index),
        concat(
            "Coverage: mentions ",
            column("NumMentions"),
            ", sources ",
            column("NumSources"),
            ", articles ",
            column("NumArticles"),
            ".",
            index=index,
        ),
        concat(
            "Place codes (FIPS): country ",
            column("ActionGeo_CountryCode"),
            ", ADM1 ",
            column("ActionGeo_ADM1Code"),
            ".",
            index=index,
        ),
    ]
    return join_notes(parts, index)


def gdelt_events(table: RawTable, *, country_bounds: CountryBounds | None = None) -> ReadResult:
    """GDELT event rows as canonical events, rejecting rows that fail the checks.

    Rows without ActionGeo coordinates but with a place name are kept (they can be geocoded);
    rows with neither are rejected.
    """
    names = find_columns(table.columns, USED)
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise ReadError(table.name, "missing column(s): " + ", ".join(missing))
    raw = table.frame

    def column(name: str) -> pd.Series:
        return table.column(names.get(name))

    place = blank_to_na(column("ActionGeo_FullName"))
    geo_type = column("ActionGeo_Type").str.strip()
    events = pd.DataFrame(index=raw.index)
    events["event_id"] = "gdelt:" + column("GLOBALEVENTID").str.strip()
    events["date_start"] = parse_dates(column("SQLDATE"), ["%Y%m%d"])
    events["date_end"] = events["date_start"]
    events["date_precision"] = DatePrecision.DAY
    events["event_type"] = map_codes(column("EventRootCode"), cameo_root)
    code = column("EventCode").str.strip()
    events["sub_event_type"] = concat("CAMEO ", code, index=raw.index)
    events["actor1"] = blank_to_na(column("Actor1Name"))
    events["actor2"] = blank_to_na(column("Actor2Name"))
    events["place"] = place
    # FullName runs from the place to the country: "Sulaymaniyah, As Sulaymaniyah, Iraq".
    events["country"] = map_codes(column("ActionGeo_FullName"), _country)
    admin1 = map_codes(column("ActionGeo_FullName"), _admin1)
    events["admin1"] = admin1.where(geo_type.isin(["2", "3", "4", "5"]))
    events["latitude"] = to_number(column("ActionGeo_Lat"))
    events["longitude"] = to_number(column("ActionGeo_Long"))
    events["geo_precision"] = map_codes(geo_type, GEO_TYPES)
    has_point = events["latitude"].notna() & events["longitude"].notna()
    events["located_by"] = pd.Series(LocatedBy.SOURCE, index=raw.index).where(has_point)
    events["source"] = blank_to_na(column("SOURCEURL"))
    events["notes"] = _notes(column)
    events["dataset"] = DATASET
    events = to_schema(events)

    source_columns = {canonical: names.get(gdelt, gdelt) for canonical, gdelt in SOURCE_COLUMNS.items()}
    return table.checked(events, raw, source_columns, Format.GDELT, country_bounds)
