"""Events out of the app: CSV (which reads back in as it was written) and GeoJSON.

CSV cells that a spreadsheet would run as a formula (text starting with =, +, -, @, a tab or a
carriage return, and not a number) are written with a leading apostrophe, so Excel shows them
as text instead of running them. GeoJSON keeps every schema column as a property, dates as ISO
text and missing values as null; events without coordinates have a null geometry.

>>> events = conform(pd.DataFrame({"event_id": ["x:1"], "date_start": [pd.Timestamp("2024-01-04")],
...     "place": ["Baghdad"], "notes": ["=HYPERLINK(\\"http://x\\")"], "latitude": [33.3], "longitude": [44.4]}))
>>> print(events_to_csv(events).splitlines()[1])
x:1,2024-01-04,,,,,,,,,,Baghdad,,,,,33.3,44.4,,,,,"'=HYPERLINK(""http://x"")",
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from conflictmap.schema import EVENT_COLUMNS, conform

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def neutralise_formulas(series: pd.Series) -> pd.Series:
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe.

    >>> neutralise_formulas(pd.Series(["=1+2", "-3.5", "@SUM(A1)", "- east", "Baghdad", None])).tolist()
    ["'=1+2", '-3.5', "'@SUM(A1)", "'- east", 'Baghdad', <NA>]
    """
    text = series.astype("string")
    risky = text.str.startswith(FORMULA_STARTS).fillna(False) & ~text.str.strip().str.match(_NUMBER).fillna(False)
    return text.mask(risky, "'" + text)


def _iso_dates(series: pd.Series) -> pd.Series:
    """Dates as ISO text: "2024-01-04", with the time only when there is one."""
    dates = pd.to_datetime(series)
    has_time = dates.notna() & (dates != dates.dt.normalize())
    form = "%Y-%m-%dT%H:%M:%S" if has_time.any() else "%Y-%m-%d"
    return dates.dt.strftime(form).astype("string")


def _text_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The schema's columns with dates as ISO text and text cells safe for spreadsheets."""
    out = conform(events)
    for column, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            out[column] = _iso_dates(out[column])
        elif dtype == "string":
            out[column] = neutralise_formulas(out[column])
    return out


def events_to_csv(events: pd.DataFrame) -> str:
    """Events as CSV text with the schema's columns in order; it reads back through
    `conflictmap.readers.importing.import_file` as the same events."""
    return _text_frame(events).to_csv(index=False, lineterminator="\n", float_format=None)


def table_to_csv(frame: pd.DataFrame) -> str:
    """Any table (rejected rows with their reasons, say) as CSV, with formulas neutralised, in
    the header too (a rejected file's own column names come from its sender).

    >>> print(table_to_csv(pd.DataFrame({"=cmd|' /C calc'!A0": ["@SUM(1)"], "n": [-5]})), end="")
    '=cmd|' /C calc'!A0,n
    '@SUM(1),-5
    """
    out = frame.copy()
    out.columns = neutralise_formulas(pd.Series([str(name) for name in out.columns], dtype="string")).tolist()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column]):
            if pd.api.types.is_datetime64_any_dtype(out[column]):
                out[column] = _iso_dates(out[column])
            else:
                out[column] = neutralise_formulas(out[column].astype("string"))
    return out.to_csv(index=False, lineterminator="\n")


def _plain(value: object) -> object:
    """A cell as a JSON value: missing -> None, numpy numbers -> Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def events_to_geojson(events: pd.DataFrame) -> str:
    """Events as a GeoJSON FeatureCollection (RFC 7946): a Point at [longitude, latitude] per
    event, or a null geometry when it has no coordinates; every schema column as a property."""
    out = conform(events)
    for column, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            out[column] = _iso_dates(out[column])
    columns = list(EVENT_COLUMNS)
    features = []
    for row in out.itertuples(index=False, name=None):
        properties = {column: _plain(value) for column, value in zip(columns, row, strict=True)}
        latitude, longitude = properties["latitude"], properties["longitude"]
        geometry = (
            {"type": "Point", "coordinates": [longitude, latitude]}
            if latitude is not None and longitude is not None
            else None
        )
        feature = {"type": "Feature", "id": properties["event_id"], "geometry": geometry, "properties": properties}
        features.append(feature)
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, allow_nan=False)
