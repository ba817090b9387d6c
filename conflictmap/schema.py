"""The one canonical event schema.

Every reader maps its source into these columns and dtypes; everything downstream
(geocoding, filters, maps, tables, exports) reads only these columns.
"""

from __future__ import annotations

import pandas as pd

#: Column name -> pandas dtype, in display order.
EVENT_COLUMNS: dict[str, str] = {
    "event_id": "string",  # unique across data sets: "<dataset prefix>:<source id>"
    "date_start": "datetime64[ns]",
    "date_end": "datetime64[ns]",
    "date_precision": "string",  # see DATE_PRECISIONS
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
    "geo_precision": "string",  # see GEO_PRECISIONS
    "located_by": "string",  # see LOCATED_BY
    "matched_name": "string",  # what the geocoder matched, when it placed the event
    "source": "string",
    "notes": "string",
    "dataset": "string",
}

#: How precisely an event's date is known, finest first.
DATE_PRECISIONS = ("day", "2-6 days", "week", "month", "year or more")

#: How precisely an event's place is known, finest first. Matches UCDP's where_prec 1-7.
GEO_PRECISIONS = (
    "exact place",
    "within 25 km",
    "district (admin2)",
    "province (admin1)",
    "region of a country",
    "country",
    "international waters or airspace",
)

#: How an event got its coordinates.
LOCATED_BY = ("source coordinates", "override", "learned", "gazetteer", "supplement", "online", "unresolved")


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


def empty_events() -> pd.DataFrame:
    """An events table with no rows and the schema's columns."""
    return conform(pd.DataFrame())
