"""What every reader shares: a file split into text columns (`RawTable`), the rows read from it
(`ReadResult`), the error for a file that cannot be read at all (`ReadError`), and header matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from conflictmap.errors import ConflictmapError
from conflictmap.readers.validation import LINE, CountryBounds, problem_table, split_valid
from conflictmap.schema import EVENT_COLUMNS, Format, conform


class ReadError(ConflictmapError, ValueError):
    """A file that cannot be read at all. The message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


@dataclass(frozen=True)
class ReadResult:
    """Rows read from one file: `read == len(events) + len(rejected)`."""

    path: Path
    format: Format
    events: pd.DataFrame
    rejected: pd.DataFrame
    read: int
    #: The rejected rows as far as they parsed, as canonical events with the same index as
    #: `rejected` (all <NA> for rows that could not be split into columns). Lets a page offer
    #: fixes such as swapping latitude and longitude without reading the file again.
    rejected_events: pd.DataFrame | None = None
    #: What is wrong with the rejected rows, one row per problem, by line
    #: (see `conflictmap.readers.validation.PROBLEM_COLUMNS`).
    problems: pd.DataFrame = field(default_factory=problem_table)


def to_schema(events: pd.DataFrame) -> pd.DataFrame:
    """`conflictmap.schema.conform`, with the columns a reader left out made empty directly in
    their dtype (conform builds them from <NA> objects: slow on a million rows)."""
    count = len(events)
    for column, dtype in EVENT_COLUMNS.items():
        if column in events.columns:
            continue
        if dtype == "Int64":
            events[column] = pd.arrays.IntegerArray(np.zeros(count, dtype="int64"), np.ones(count, dtype=bool))
        elif dtype == "string":
            events[column] = pd.array(pa.nulls(count, pa.large_string()), dtype="string")
        elif dtype == "float64":
            events[column] = np.full(count, np.nan)
        elif dtype.startswith("datetime64"):
            events[column] = np.full(count, np.datetime64("NaT"), dtype=dtype)
    return conform(events)


# ---------------------------------------------------------------------------------------------
# Raw tables: a file split into text columns, every row accounted for.


@dataclass(frozen=True)
class RawTable:
    """A file's rows as text, one column per header name, before any reader interprets them.

    `frame` holds every column, or only those a reader asked for (a 61-column GDELT file is
    read faster that way); `full_rows` always returns every column of chosen rows, so rejected
    rows keep all their original columns. `malformed` holds the rows that could not be split
    into the header's columns (with LINE), `problems` what is wrong with them: they count as
    read and rejected.
    """

    name: str
    frame: pd.DataFrame
    lines: pd.Series
    columns: tuple[str, ...]
    malformed: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: pd.DataFrame = field(default_factory=problem_table)
    fetch: Callable[[pd.Index], pd.DataFrame] | None = None
    from_excel: bool = False

    def checked(
        self,
        events: pd.DataFrame,
        raw: pd.DataFrame,
        source_columns: dict[str, str],
        format: Format,
        country_bounds: CountryBounds | None = None,
    ) -> ReadResult:
        """Every reader's last step: check the parsed `events` against this table's rows
        (see `conflictmap.readers.validation.split_valid`) and report them as a `ReadResult`."""
        checked = split_valid(
            events,
            raw,
            source_columns,
            self.lines,
            malformed=self.malformed,
            malformed_problems=self.problems,
            full_rows=self.full_rows,
            country_bounds=country_bounds,
        )
        return ReadResult(
            path=Path(self.name),
            format=format,
            events=checked.accepted.reset_index(drop=True),
            rejected=checked.rejected,
            read=checked.read,
            rejected_events=checked.rejected_events,
            problems=checked.problems,
        )

    def column(self, name: str | None) -> pd.Series:
        """The column's text, or empty strings when the file has no such column."""
        if name is not None and name in self.frame.columns:
            return self.frame[name]
        return pd.Series("", index=self.frame.index, dtype="str")

    def full_rows(self, index: pd.Index | Sequence[Hashable]) -> pd.DataFrame:
        """Every original column of the rows at `index` (labels of `frame`)."""
        labels = pd.Index(index)
        if not len(labels):
            return pd.DataFrame({column: pd.Series(dtype="str") for column in self.columns}, index=labels)
        if self.fetch is None:
            if len(labels) == len(self.frame) and labels.equals(self.frame.index):
                return self.frame  # every row: no copy
            return self.frame.loc[labels, list(self.columns)]
        return self.fetch(labels)


def header_key(name: str) -> str:
    """How a header is compared: case, spaces, dots and hyphens do not matter.

    >>> header_key(" Event Date ")
    'event_date'
    >>> header_key("ACTOR1")
    'actor1'
    """
    return re.sub(r"[\s.\-]+", "_", str(name).strip().lower()).strip("_")


def find_columns(columns: Iterable[str], wanted: Iterable[str]) -> dict[str, str]:
    """Map each wanted name to the file's column of that name, ignoring case and spacing.

    >>> find_columns(["EVENT_DATE", "Latitude"], ["event_date", "latitude", "notes"])
    {'event_date': 'EVENT_DATE', 'latitude': 'Latitude'}
    """
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(header_key(column), column)
    return {name: by_key[header_key(name)] for name in wanted if header_key(name) in by_key}


def unique_names(names: Sequence[str]) -> list[str]:
    """Header names made unique and non-empty, as a spreadsheet shows them.

    >>> unique_names(["date", "", "date", "place"])
    ['date', 'column 2', 'date (2)', 'place']
    """
    out: list[str] = []
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        name = str(name).strip() or f"column {number}"
        candidate, copy = name, 1
        while candidate in seen:
            copy += 1
            candidate = f"{name} ({copy})"
        seen.add(candidate)
        out.append(candidate)
    return out


def empty_malformed(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({LINE: pd.Series(dtype="Int64"), **{c: pd.Series(dtype="str") for c in columns}})
