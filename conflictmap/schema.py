"""The one canonical event schema.

Every reader maps its source into these columns and dtypes; everything downstream
(geocoding, filters, maps, tables, exports) reads only these columns.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

import pandas as pd

#: The pandas dtypes the schema's columns have.
ColumnDtype = Literal["string", "datetime64[ns]", "Int64", "float64"]

#: Column name -> pandas dtype, in display order.
EVENT_COLUMNS: dict[str, ColumnDtype] = {
    "event_id": "string",  # unique across data sets: "<dataset prefix>:<source id>"
    "date_start": "datetime64[ns]",
    "date_end": "datetime64[ns]",
    "date_precision": "string",  # a DatePrecision
    "event_type": "string",
    "sub_event_type": "string",
    "actor1": "string",
    "actor2": "string",
    "fatalities": "Int64",  # best estimate; <NA> where the source states none
    "fatalities_low": "Int64",
    "fatalities_high": "Int64",
    "place": "string",  # the place as the source names it
    "place_identified_as": "string",  # an analyst's identification, geocoded instead of `place`
    "admin1": "string",
    "admin2": "string",
    "country": "string",
    "latitude": "float64",
    "longitude": "float64",
    "geo_precision": "string",  # a GeoPrecision
    "located_by": "string",  # a LocatedBy
    "matched_name": "string",  # what the geocoder matched, when it placed the event
    "source": "string",
    "notes": "string",
    "dataset": "string",
}


#: ACLED's event types: the vocabulary the curated data, the Report page and the synthetic events use.
ACLED_EVENT_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)


class DatePrecision(StrEnum):
    """How precisely an event's date is known, finest first (UCDP's date_prec 1-5)."""

    DAY = "day"
    DAYS = "2-6 days"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year or more"


class GeoPrecision(StrEnum):
    """How precisely an event's place is known, finest first (UCDP's where_prec 1-7)."""

    EXACT = "exact place"
    NEAR = "within 25 km"
    DISTRICT = "district (admin2)"
    SUB_DISTRICT = "sub-district (admin3)"  # an Iraqi nahiya: an area inside a district
    PROVINCE = "province (admin1)"
    REGION = "region of a country"
    COUNTRY = "country"
    WATERS = "international waters or airspace"


class LocatedBy(StrEnum):
    """How an event got its coordinates."""

    SOURCE = "source coordinates"
    OVERRIDE = "override"
    LEARNED = "learned"
    GAZETTEER = "gazetteer"
    SUPPLEMENT = "supplement"
    ONLINE = "online"
    UNRESOLVED = "unresolved"


class Format(StrEnum):
    """The file formats read (`conflictmap.readers`); AUTO detects which."""

    AUTO = "auto"
    UCDP = "ucdp"
    ACLED = "acled"
    GDELT = "gdelt"
    CSV = "csv"  # any other table, read by its headers
    CURATED = "curated"  # the project's own CSV, columns named as in EVENT_COLUMNS


class LayerMode(StrEnum):
    """How the map draws the events in view (`conflictmap.maps.layers`)."""

    MARKERS = "markers"  # one marker per event, with its popup
    POINTS = "points"  # one point per event from binary arrays, no popups
    CELLS = "cells"  # events counted in square cells
    UNITS = "units"  # events or fatalities per admin unit, a choropleth (the analyst's choice, not the budget's)


class RejectionKind(StrEnum):
    """Why a row read from a file is rejected (`conflictmap.readers.validation`), as the
    rejection reasons word it."""

    BAD_DATE = "not a valid date"
    ENDS_BEFORE_START = "ends before it starts"
    NOT_A_NUMBER = "not a number"
    OUT_OF_RANGE = "out of range"
    ONE_COORDINATE = "latitude and longitude must both be given"
    PLACEHOLDER_POINT = "0, 0 is the usual placeholder for an unknown place (a point in the Gulf of Guinea)"
    SWAPPED = "latitude and longitude look swapped"
    NOWHERE = "neither coordinates nor a place name"
    NOT_WHOLE = "not a whole number"
    NEGATIVE = "negative"
    ID_CONFLICT = "same event id with different content"
    DUPLICATE = "exact duplicate"
    WRONG_WIDTH = "wrong number of fields"
    UNCLOSED_QUOTE = "a quote that never closes"


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with exactly the schema's columns, in order, with their dtypes.

    Missing columns are added empty; extra columns are dropped.
    """
    out = pd.DataFrame(index=frame.index)
    for column, dtype in EVENT_COLUMNS.items():
        if column in frame.columns:
            out[column] = frame[column].astype(dtype)
        else:
            out[column] = pd.Series(pd.NA if dtype != "float64" else float("nan"), index=frame.index).astype(dtype)
    return out
