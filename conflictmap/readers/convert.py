"""Vectorised conversions of text columns into numbers, dates and readable notes. pandas keeps these
columns in Arrow, so Arrow's kernels do the work in C++ instead of a Python loop per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def blank_to_na(series: pd.Series) -> pd.Series:
    """Strings with blanks as <NA>: `' '` -> <NA>, `'x '` -> `'x'`.

    >>> blank_to_na(pd.Series([" ", "x ", None])).tolist()
    [<NA>, 'x', <NA>]
    """
    return pd.Series(pd.array(_blank_to_null(_arrow(series)), dtype="string"), index=series.index)


# ---------------------------------------------------------------------------------------------
# Vectorised conversions. pandas keeps these text columns in Arrow, so Arrow's kernels do the
# work in C++ instead of a Python loop per row.

_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _arrow(series: pd.Series) -> pa.ChunkedArray | pa.Array:
    array = pa.array(series.astype("str"), from_pandas=True)
    return array.cast(pa.large_string()) if array.type != pa.large_string() else array


def _from_arrow(array: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(array, dtype="str"), index=index)


def to_number(series: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Text to float64; anything that is not a plain decimal number becomes NaN.

    >>> to_number(pd.Series([" 33.5", "east", "", "-1e2"])).tolist()
    [33.5, nan, nan, -100.0]
    >>> to_number(pd.Series(["33,5"]), decimal_comma=True).tolist()
    [33.5]
    """
    text = pc.utf8_trim_whitespace(_arrow(series))
    if decimal_comma:
        text = pc.replace_substring_regex(text, r"^([+-]?\d+),(\d+)$", r"\1.\2")
    valid = pc.match_substring_regex(text, _NUMBER)
    numbers = pc.cast(pc.if_else(valid, text, pa.scalar(None, pa.large_string())), pa.float64())
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=series.index, dtype="float64")


#: The largest whole number a float64 holds exactly; larger counts are typing errors, not counts.
_LARGEST_WHOLE = 2.0**53


def to_whole(series: pd.Series) -> pd.Series:
    """Text to Int64: whole numbers only ("3", "3.0"); anything else <NA>, too large ones included.

    >>> to_whole(pd.Series(["3", "3.0", "2.5", "1e400", "1e30", "-4"])).tolist()
    [3, 3, <NA>, <NA>, <NA>, -4]
    """
    numbers = to_number(series)
    return numbers.where((numbers == np.round(numbers)) & (numbers.abs() < _LARGEST_WHOLE)).astype("Int64")


def as_nanoseconds(parsed: pd.Series) -> pd.Series:
    """Parsed dates as the schema's datetime64[ns]; a date it cannot hold becomes NaT (so it is
    set aside as not a date) instead of raising: pandas parses 9999-12-31 at microseconds, but
    nanoseconds reach only from 1677-09-22 to 2262-04-11.

    >>> as_nanoseconds(pd.to_datetime(pd.Series(["9999-12-31", "2024-01-04", "1600-01-01"]))).tolist()
    [NaT, Timestamp('2024-01-04 00:00:00'), NaT]
    """
    return parsed.where(parsed.between(pd.Timestamp.min, pd.Timestamp.max)).astype("datetime64[ns]")


#: What a code maps to: text, or one of the schema's StrEnums.
_Label = TypeVar("_Label", bound=str)


def map_codes(
    series: pd.Series, mapping: Callable[[str], str | None] | dict[str, _Label], dtype: Literal["string"] = "string"
) -> pd.Series:
    """Apply `mapping` once per distinct value: fast for code columns with few values."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    lookup = mapping.get if isinstance(mapping, dict) else mapping
    mapped = pd.array([lookup(str(value).strip()) for value in uniques] + [None], dtype=dtype)
    return pd.Series(mapped.take(np.where(codes < 0, len(uniques), codes)), index=series.index, dtype=dtype)


def parse_dates(series: pd.Series, formats: Sequence[str]) -> pd.Series:
    """Text to datetime64[ns], trying each strftime format (or "ISO8601") on what is left.

    >>> parse_dates(pd.Series(["2024-01-04", "04-Jan-24", "4 January 2024", "soon"]),
    ...             ["ISO8601", "%d-%b-%y", "%d %B %Y"]).dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-04', '2024-01-04', '2024-01-04', nan]
    """
    text = series.astype("str").str.strip()
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    todo = text.ne("") & text.notna()
    for form in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=form, errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(None)
        parsed = as_nanoseconds(parsed)
        found = parsed.notna()
        result.loc[found[found].index] = parsed[found]
        todo &= result.isna()
    return result


def _blank_to_null(array: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    text = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)


def concat(*pieces: str | pd.Series, index: pd.Index) -> pd.Series:
    """Text pieces joined per row; <NA> (or a blank column value) in any piece gives <NA>.

    >>> concat("Mentions: ", pd.Series(["6", " ", None]), ".", index=pd.RangeIndex(3)).tolist()
    ['Mentions: 6.', nan, nan]
    """
    arrays = [
        pa.scalar(piece, pa.large_string()) if isinstance(piece, str) else _blank_to_null(_arrow(piece))
        for piece in pieces
    ]
    joined = pc.binary_join_element_wise(*arrays, pa.scalar("", pa.large_string()), null_handling="emit_null")
    if isinstance(joined, pa.Scalar):
        joined = pa.array([joined.as_py()] * len(index), pa.large_string())
    return _from_arrow(joined, index)


def sentence(series: pd.Series) -> pd.Series:
    """Free text made to end like a sentence, so more notes can follow it; blank -> <NA>.

    >>> sentence(pd.Series(["Vehicle hit", "Shelling.", " "])).tolist()
    ['Vehicle hit.', 'Shelling.', <NA>]
    """
    text = pc.replace_substring_regex(_blank_to_null(_arrow(series)), r"([^.!?…])$", r"\1.")
    return pd.Series(pd.array(text, dtype="string"), index=series.index)


def labelled(series: pd.Series, label: str, end: str = ".") -> pd.Series:
    """`label` + value + `end` where the value is not blank, else <NA> (left out of notes)."""
    return concat(label, series, end, index=series.index)


def join_notes(parts: Sequence[pd.Series], index: pd.Index, separator: str = " ") -> pd.Series:
    """Join the parts of each row with `separator`, skipping <NA> parts; all <NA> -> <NA>.

    >>> index = pd.RangeIndex(3)
    >>> join_notes([pd.Series(["a.", None, None]), pd.Series(["b.", "c.", None])], index).tolist()
    ['a. b.', 'c.', <NA>]
    """
    if not parts:
        return pd.Series(pd.NA, index=index, dtype="string")
    arrays = [_arrow(part) for part in parts]
    # Arrow drops the rows whose parts are all null (pyarrow 26): give those rows one empty part.
    nothing = arrays[0].is_null()
    for array in arrays[1:]:
        nothing = pc.and_(nothing, array.is_null())
    arrays.append(pc.if_else(nothing, pa.scalar("", pa.large_string()), pa.scalar(None, pa.large_string())))
    joined = pc.binary_join_element_wise(*arrays, pa.scalar(separator, pa.large_string()), null_handling="skip")
    notes = _from_arrow(joined, index).astype("string")
    return notes.mask(notes == "")


def excel_serial_dates(series: pd.Series) -> pd.Series:
    """Excel's day numbers (45295 = 2024-01-04) as dates; other text NaT."""
    numbers = to_number(series)
    plausible = numbers.where((numbers >= 1) & (numbers < 2958466) & (numbers == numbers.round()))
    return (pd.Timestamp("1899-12-30") + pd.to_timedelta(plausible, unit="D")).astype("datetime64[ns]")
