"""Readers: each turns one source format into canonical events (see `conflictmap.schema`).

This module also holds what the readers share: `ReadError` and `ReadResult`; `load_delimited`
and `load_excel`, which split a file into text columns, keep the line each row came from and set
aside the rows that do not fit the header (so nothing read is lost); and fast, vectorised helpers
for turning text columns into numbers, dates and readable notes.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from conflictmap.schema import EVENT_COLUMNS, conform
from conflictmap.validation import LINE, REASONS, CountryBounds, split_valid


def use_system_allocator() -> None:
    """Let Arrow allocate with the C library's malloc, for batch imports (the CLI, benchmarks).

    With pyarrow 26's default allocator (mimalloc) a 1,000,000-row import took about 30% longer on
    this project's 2-core machines (benchmarks/import_throughput.py; mostly system time, page faults
    on fresh memory). It is a process-wide switch, so the library never makes it on import; set
    ARROW_DEFAULT_MEMORY_POOL to choose another allocator.
    """
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())


class ReadError(ValueError):
    """A file that cannot be read at all. The message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


@dataclass(frozen=True)
class ReadResult:
    """Rows read from one file: `read == len(events) + len(rejected)`."""

    path: Path
    format: str
    events: pd.DataFrame
    rejected: pd.DataFrame
    read: int
    #: The rejected rows as far as they parsed, as canonical events with the same index as
    #: `rejected` (all <NA> for rows that could not be split into columns). Lets a page offer
    #: fixes such as swapping latitude and longitude without reading the file again.
    rejected_events: pd.DataFrame | None = None


def read_text_table(path: Path, **options) -> pd.DataFrame:
    """Read a delimited text file as strings, raising `ReadError` with the reason on failure."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, **options)
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    except UnicodeDecodeError as error:
        raise ReadError(path, f"not valid {error.encoding} text at byte {error.start}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise ReadError(path, f"not a readable CSV file ({error})") from None


def require_columns(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ReadError(path, "missing column(s): " + ", ".join(missing))


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


def blank_to_na(series: pd.Series) -> pd.Series:
    """Strings with blanks as <NA>: `' '` -> <NA>, `'x '` -> `'x'`.

    >>> blank_to_na(pd.Series([" ", "x ", None])).tolist()
    [<NA>, 'x', <NA>]
    """
    return pd.Series(pd.array(_blank_to_null(_arrow(series)), dtype="string"), index=series.index)


# ---------------------------------------------------------------------------------------------
# Raw tables: a file split into text columns, every row accounted for.


@dataclass(frozen=True)
class RawTable:
    """A file's rows as text, one column per header name, before any reader interprets them.

    `frame` holds every column, or only those a reader asked for (a 61-column GDELT file is
    read faster that way); `full_rows` always returns every column of chosen rows, so rejected
    rows keep all their original columns. `malformed` holds the rows that could not be split
    into the header's columns (with LINE and REASONS): they count as read and rejected.
    """

    name: str
    frame: pd.DataFrame
    lines: pd.Series
    columns: tuple[str, ...]
    malformed: pd.DataFrame = field(default_factory=pd.DataFrame)
    fetch: Callable[[pd.Index], pd.DataFrame] | None = None
    from_excel: bool = False

    def checked(
        self,
        events: pd.DataFrame,
        raw: pd.DataFrame,
        source_columns: dict[str, str],
        format: str,
        country_bounds: CountryBounds | None = None,
    ) -> ReadResult:
        """Every reader's last step: check the parsed `events` against this table's rows
        (see `conflictmap.validation.split_valid`) and report them as a `ReadResult`."""
        checked = split_valid(
            events,
            raw,
            source_columns,
            self.lines,
            malformed=self.malformed,
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
        )

    def column(self, name: str | None) -> pd.Series:
        """The column's text, or empty strings when the file has no such column."""
        if name is not None and name in self.frame.columns:
            return self.frame[name]
        return pd.Series("", index=self.frame.index, dtype="str")

    def full_rows(self, index: pd.Index | Sequence) -> pd.DataFrame:
        """Every original column of the rows at `index` (labels of `frame`)."""
        index = pd.Index(index)
        if not len(index):
            return pd.DataFrame({column: pd.Series(dtype="str") for column in self.columns}, index=index)
        if self.fetch is None:
            if len(index) == len(self.frame) and index.equals(self.frame.index):
                return self.frame  # every row: no copy
            return self.frame.loc[index, list(self.columns)]
        return self.fetch(index)


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


def _empty_malformed(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({LINE: pd.Series(dtype="Int64"), **{c: pd.Series(dtype="str") for c in columns}})


def _malformed_frame(rows: list[tuple[int, list[str], str]], columns: Sequence[str], delimiter: str) -> pd.DataFrame:
    """Rows that do not fit the header, with their fields in the header's columns, in order.

    Surplus fields are kept in the last column, joined by the delimiter, so the row's text is
    all there.
    """
    if not rows:
        return _empty_malformed(columns)
    width = len(columns)
    records = []
    for line, fields, reason in rows:
        cells = list(fields[:width]) + [""] * max(0, width - len(fields))
        if len(fields) > width and width:
            cells[-1] = delimiter.join(fields[width - 1 :])
        records.append([line, *cells, reason])
    frame = pd.DataFrame(records, columns=[LINE, *columns, REASONS])
    frame[LINE] = frame[LINE].astype("Int64")
    return frame


def _wrong_width(found: int, expected: int, last: bool) -> str:
    cut = ", at the end of the file: is it cut short?" if last and found < expected else ""
    return f"row: wrong number of fields ({found}, the header has {expected}{cut})"


def _arrow_read(
    buffer: pa.Buffer,
    delimiter: str,
    names: list[str],
    skip_rows: int,
    quoting: bool,
    wanted: list[str],
    multiline: bool,
    misfit: Callable[[object], str],
) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(buffer),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip_rows, use_threads=True, block_size=1 << 22),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"' if quoting else False,
            double_quote=True,
            newlines_in_values=multiline,
            ignore_empty_lines=True,
            invalid_row_handler=misfit,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in wanted},
            include_columns=wanted,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


@dataclass(frozen=True)
class _Records:
    """Where each record (a row, with any line breaks inside quoted values) starts."""

    starts: np.ndarray  # byte offset of each record
    lines: np.ndarray  # line number (1-based) of each record
    multiline: bool  # some quoted value holds a line break
    quotes: np.ndarray  # byte offset of each quote character (empty without quoting)


def _records(view: memoryview, quoting: bool) -> _Records:
    """Record boundaries without parsing: a line break ends a record when an even number of
    quotes come before it (doubled quotes inside values count two, so they do not matter)."""
    octets = np.frombuffer(view, dtype=np.uint8)
    breaks = _positions(octets, 10)
    ends = breaks
    quotes = _positions(octets, 34) if quoting else np.zeros(0, dtype=np.int64)
    if len(quotes):
        ends = breaks[(np.searchsorted(quotes, breaks) & 1) == 0]
    starts = np.concatenate(([0], ends + 1))
    lines = np.concatenate(([1], np.searchsorted(breaks, ends) + 2))
    return _Records(starts=starts, lines=lines, multiline=len(ends) < len(breaks), quotes=quotes)


def _field_counts(view: memoryview, records: _Records, delimiter: str, step: int = 1 << 24) -> np.ndarray:
    """The number of fields of each record: delimiters outside quotes, plus one. The file is
    scanned in slices, counting the delimiters before each record start, so memory stays small
    even for a million rows."""
    octets = np.frombuffer(view, dtype=np.uint8)
    code = ord(delimiter)
    before = np.zeros(len(records.starts) + 1, dtype=np.int64)  # delimiters before each start
    seen = 0
    for start in range(0, len(octets), step):
        found = np.flatnonzero(octets[start : start + step] == code) + start
        if len(records.quotes):
            found = found[(np.searchsorted(records.quotes, found) & 1) == 0]
        first, last = np.searchsorted(records.starts, [start, start + step])
        before[first:last] = seen + np.searchsorted(found, records.starts[first:last])
        seen += len(found)
    before[-1] = seen
    return np.diff(before) + 1


def _positions(octets: np.ndarray, value: int, step: int = 1 << 24) -> np.ndarray:
    """Offsets of every `value` byte, found in slices so the temporary masks stay small."""
    found = [np.flatnonzero(octets[start : start + step] == value) + start for start in range(0, len(octets), step)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _split_record(text: str, delimiter: str, quoting: bool) -> list[str]:
    rows = list(
        csv.reader(
            io.StringIO(text.rstrip("\r\n"), newline=""),
            delimiter=delimiter,
            quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
            strict=False,
        )
    )
    return rows[0] if rows else []


def load_delimited(
    data: bytes,
    name: str,
    *,
    delimiter: str,
    column_names: Sequence[str] | None = None,
    skip_lines: int = 0,
    quoting: bool = True,
    columns: Iterable[str] | None = None,
) -> RawTable:
    """Split UTF-8 `data` (no BOM) into text columns, the first row being the header unless
    `column_names` are given. `columns` limits the columns parsed into `frame` (the others are
    still there for `full_rows`).

    Fast path: pyarrow, on both cores, when every record fits the header. Any other file (rows
    with too few or too many fields, blank lines) takes the careful path, Python's csv module,
    which knows each row's line and keeps the misfits as rejected rows.
    """
    view = memoryview(data)
    end = len(view)
    while end and view[end - 1] in (10, 13):  # trailing line breaks are not rows
        end -= 1
    view = view[:end]
    if not end:
        raise ReadError(name, "the file is empty")
    header_records = skip_lines + (0 if column_names is not None else 1)
    if column_names is None:
        names = unique_names(_split_record(_line_text(view, skip_lines + 1), delimiter, quoting))
    else:
        names = list(column_names)
    chosen = None if columns is None else set(columns)
    wanted = [c for c in names if chosen is None or c in chosen]
    records = _records(view, quoting)
    misfits = 0

    def misfit(row: object) -> str:
        nonlocal misfits
        misfits += 1
        return "skip" if misfits <= MAX_MISFITS else "error"

    try:
        table = _arrow_read(
            pa.py_buffer(view), delimiter, names, header_records, quoting, wanted, records.multiline, misfit
        )
    except pa.ArrowInvalid:
        return _careful(view, name, delimiter, names, header_records, quoting)
    rows = table.num_rows
    bounds = np.concatenate((records.starts, [len(view) + 1]))
    body = np.arange(header_records, len(records.starts))
    malformed = _empty_malformed(names)
    if misfits or len(body) != rows:  # rows that do not fit the header, or blank lines
        lengths = bounds[body + 1] - 1 - bounds[body]
        blank = (lengths == 0) | (
            (lengths == 1) & (np.frombuffer(view, np.uint8)[bounds[body].clip(max=end - 1)] == 13)
        )
        wrong = (_field_counts(view, records, delimiter)[body] != len(names)) & ~blank
        if int((~blank & ~wrong).sum()) != rows:  # the two counts disagree: let Python decide
            return _careful(view, name, delimiter, names, header_records, quoting)
        texts = [bytes(view[bounds[r] : bounds[r + 1] - 1]).decode("utf-8", "replace") for r in body[wrong]]
        last = len(body) - 1 - int(np.argmax((~blank)[::-1]))
        misfit_rows = [
            (int(records.lines[r]), fields, _wrong_width(len(fields), len(names), r == body[last]))
            for r, fields in zip(body[wrong], (_split_record(t, delimiter, quoting) for t in texts), strict=True)
        ]
        _check_misfits(name, len(misfit_rows), rows, len(names), delimiter)
        malformed = _malformed_frame(misfit_rows, names, delimiter)
        body = body[~blank & ~wrong]
    if rows == 0 and not len(malformed):
        raise ReadError(name, "no rows under the header")
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(rows)
    lines = pd.Series(records.lines[body], index=frame.index, dtype="int64")

    def fetch(index: pd.Index) -> pd.DataFrame:
        chosen = body[index.to_numpy(dtype="int64")]
        text = b"\n".join(bytes(view[bounds[r] : bounds[r + 1] - 1]).rstrip(b"\r") for r in chosen)
        rows = list(
            csv.reader(
                io.StringIO(text.decode("utf-8", errors="replace"), newline=""),
                delimiter=delimiter,
                quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
                strict=False,
            )
        )
        if len(rows) != len(chosen):  # a record the joined text does not give back alone
            rows = [
                _split_record(bytes(view[bounds[r] : bounds[r + 1] - 1]).decode("utf-8", "replace"), delimiter, quoting)
                for r in chosen
            ]
        cells = [fields[: len(names)] + [""] * (len(names) - len(fields)) for fields in rows]
        return pd.DataFrame(cells, index=index, columns=names, dtype="str")

    return RawTable(
        name=name,
        frame=frame,
        lines=lines,
        columns=tuple(names),
        malformed=malformed,
        fetch=None if len(wanted) == len(names) else fetch,
    )


#: Rows that do not fit the header beyond which a file is not taken for a table at all.
MAX_MISFITS = 100_000


def _check_misfits(name: str, misfits: int, fits: int, width: int, delimiter: str) -> None:
    """More misfits than rows that fit (and more than a handful): the delimiter or the file is wrong."""
    if misfits > max(10, fits):
        raise ReadError(
            name,
            f"{misfits} of {misfits + fits} rows do not have the header's {width} fields "
            f"(delimiter {delimiter!r}): not a table this reader can split",
        )


def _line_text(view: memoryview, number: int) -> str:
    """Line `number` (1-based) of UTF-8 `view`, without its line break."""
    raw = bytes(view[: 1 << 20]) if len(view) > 1 << 20 else bytes(view)
    lines = raw.split(b"\n", number)
    return lines[number - 1].decode("utf-8", errors="replace") if len(lines) >= number else ""


def _careful(
    view: memoryview, name: str, delimiter: str, names: list[str], header_lines: int, quoting: bool
) -> RawTable:
    text = bytes(view).decode("utf-8", errors="replace")
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
        strict=False,
    )
    width = len(names)
    good: list[list[str]] = []
    good_lines: list[int] = []
    bad: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for fields in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start <= header_lines:
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line is not a row
            if len(fields) == width:
                good.append(fields)
                good_lines.append(start)
            else:
                bad.append((start, fields))
    except csv.Error as error:
        raise ReadError(name, f"cannot split line {reader.line_num} into fields ({error})") from None
    if not good and not bad:
        raise ReadError(name, "no rows under the header")
    _check_misfits(name, len(bad), len(good), width, delimiter)
    last_line = max([*good_lines, *(line for line, _ in bad)])
    malformed = _malformed_frame(
        [(line, fields, _wrong_width(len(fields), width, line == last_line)) for line, fields in bad],
        names,
        delimiter,
    )
    frame = pd.DataFrame(good, columns=names, dtype="str") if good else pd.DataFrame(columns=names, dtype="str")
    lines = pd.Series(good_lines, index=frame.index, dtype="int64")
    return RawTable(name=name, frame=frame, lines=lines, columns=tuple(names), malformed=malformed)


# ---------------------------------------------------------------------------------------------
# Spreadsheets


#: Uncompressed size above which a spreadsheet is refused (a zip bomb, or far beyond the app).
MAX_SHEET_BYTES = 1 << 30


def _cell_text(value: object) -> str:
    """A cell as the text an analyst sees. Formulas stay text: they are never run.

    >>> [_cell_text(v) for v in (None, 3, 3.0, 2.5, "=SUM(A1:A3)", datetime(2024, 1, 4))]
    ['', '3', '3', '2.5', '=SUM(A1:A3)', '2024-01-04']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(getattr(value, "text", None) or value)  # array formulas and other cell objects


def sheet_names(data: bytes, name: str) -> list[str]:
    """The worksheets of an .xlsx file, in order."""
    return list(_open_workbook(data, name).sheetnames)


def _open_workbook(data: bytes, name: str):
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a requirement
        raise ReadError(name, "reading Excel files needs the openpyxl package") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_SHEET_BYTES:
                raise ReadError(name, "the spreadsheet unpacks to more than 1 GB: refused")
        # data_only=False: a formula cell gives its formula as text, which is kept, never run.
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ReadError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ReadError(name, f"not a readable Excel workbook ({type(error).__name__}: {error})") from None


def _sheet_rows(worksheet) -> tuple[list[str] | None, int, list[list[str]], list[int]]:
    """A worksheet's header (its first row with cells in it), that row's number, and the rows
    under it with their numbers; blank rows hold nothing and are left out."""
    header: list[str] | None = None
    header_row = 0
    records: list[list[str]] = []
    numbers: list[int] = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        if header is None:
            header, header_row = cells, number
            continue
        records.append(cells)
        numbers.append(number)
    return header, header_row, records, numbers


def load_excel(data: bytes, name: str, *, sheet: str | None = None) -> RawTable:
    """The named worksheet, or the first that has cells, as text columns. The header is the
    first row with cells in it; `lines` are the sheet's row numbers; columns without a header
    get one ("column 3")."""
    workbook = _open_workbook(data, name)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ReadError(name, f"no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
        header, header_row, records, numbers = None, 0, [], []
        for worksheet in [workbook[sheet]] if sheet is not None else workbook.worksheets:
            header, header_row, records, numbers = _sheet_rows(worksheet)
            if header is not None:
                break
    except ReadError:
        raise
    except Exception as error:
        raise ReadError(name, f"not a readable Excel workbook ({type(error).__name__}: {error})") from None
    finally:
        workbook.close()
    if header is None:
        raise ReadError(name, "the workbook has no cells" if sheet is None else f"the sheet {sheet!r} is empty")
    if not records:
        raise ReadError(name, f"no rows under the header (row {header_row})")
    width = max(len(header), *(len(cells) for cells in records))
    names = unique_names(header + [""] * (width - len(header)))
    frame = pd.DataFrame([cells + [""] * (width - len(cells)) for cells in records], columns=names, dtype="str")
    lines = pd.Series(numbers, index=frame.index, dtype="int64")
    return RawTable(
        name=name, frame=frame, lines=lines, columns=tuple(names), malformed=_empty_malformed(names), from_excel=True
    )


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


def to_whole(series: pd.Series) -> pd.Series:
    """Text to Int64: whole numbers only ("3", "3.0"); anything else <NA>."""
    numbers = to_number(series)
    return numbers.where(numbers == np.round(numbers)).astype("Int64")


def map_codes(series: pd.Series, mapping: Callable[[str], object] | dict, dtype: str = "string") -> pd.Series:
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
        parsed = parsed.astype("datetime64[ns]")
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
