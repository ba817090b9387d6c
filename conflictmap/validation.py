"""Row checks shared by every reader: each row read is either accepted or rejected with reasons.

Readers parse leniently (a bad value becomes <NA>), then `split_valid` compares the parsed
events with the raw text to say what is wrong and where: row, column and value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Column added to rejected rows: one line per problem, "column 'x': value 'y': reason".
REASONS = "rejection_reasons"
#: Column added to rejected rows: the row's line number in the file (header = line 1).
LINE = "line"


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a file's rows. `read == len(accepted) + len(rejected)`."""

    accepted: pd.DataFrame  # canonical events
    rejected: pd.DataFrame  # the raw rows, all original columns, plus LINE and REASONS
    read: int


def split_valid(
    events: pd.DataFrame,
    raw: pd.DataFrame,
    source_columns: dict[str, str],
    lines: pd.Series,
) -> Checked:
    """Check parsed `events` against the `raw` text they came from (same index).

    `source_columns` maps a canonical column to the raw column it was read from, so a
    message names the column the analyst knows. `lines` gives each row's line number.

    >>> # a row whose date_start did not parse is rejected with
    >>> # "column 'date_start': value '2019-02-30': not a valid date"
    """
    problems: dict[object, list[str]] = {}

    def flag(mask: pd.Series, column: str, reason: str) -> None:
        source = source_columns.get(column, column)
        values = raw[source] if source in raw.columns else pd.Series("", index=raw.index)
        for index in mask[mask.fillna(False)].index:
            value = str(values.at[index])[:80]
            problems.setdefault(index, []).append(f"column '{source}': value '{value}': {reason}")

    def given(column: str) -> pd.Series:
        source = source_columns.get(column)
        if source is None or source not in raw.columns:
            return pd.Series(False, index=raw.index)
        text = raw[source].astype("string").str.strip()
        return text.notna() & (text != "")

    flag(events["date_start"].isna(), "date_start", "not a valid date")
    flag(given("date_end") & events["date_end"].isna(), "date_end", "not a valid date")
    flag(events["date_end"] < events["date_start"], "date_end", "ends before it starts")
    for column, limit in (("latitude", 90), ("longitude", 180)):
        flag(given(column) & events[column].isna(), column, "not a number")
        flag(events[column].abs() > limit, column, f"out of range (-{limit} to {limit})")
    has_coordinates = events["latitude"].notna() & events["longitude"].notna()
    unparsed = (given("latitude") & events["latitude"].isna()) | (given("longitude") & events["longitude"].isna())
    only_one = (events["latitude"].notna() ^ events["longitude"].notna()) & ~unparsed
    flag(only_one, "latitude", "latitude and longitude must both be given")
    has_place = events["place"].fillna("").str.strip().ne("") | events["place_identified_as"].fillna("").str.strip().ne(
        ""
    )
    flag(~has_coordinates & ~only_one & ~unparsed & ~has_place, "place", "neither coordinates nor a place name")
    for column in ("fatalities", "fatalities_low", "fatalities_high"):
        flag(given(column) & events[column].isna(), column, "not a whole number")
        flag(events[column] < 0, column, "negative")

    bad = events.index.isin(list(problems))
    rejected = raw.loc[bad].copy()
    rejected.insert(0, LINE, lines.loc[bad].astype("Int64"))
    rejected[REASONS] = ["; ".join(problems[index]) for index in rejected.index]
    return Checked(accepted=events.loc[~bad], rejected=rejected.reset_index(drop=True), read=len(events))
