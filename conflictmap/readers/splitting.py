"""Delimited text split into text columns, fast: Arrow's multi-threaded CSV reader when every row
fits the header, Python's csv module otherwise, keeping each row's line and setting aside the rows
that do not fit (so nothing read is lost).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from conflictmap.readers.table import RawTable, ReadError, empty_malformed, unique_names
from conflictmap.readers.validation import LINE, problem_table
from conflictmap.schema import RejectionKind

#: More columns than any event table has; a wider header is a wrong delimiter or a hostile file.
MAX_COLUMNS = 5_000


def use_system_allocator() -> None:
    """Let Arrow allocate with the C library's malloc, for batch imports (the CLI, benchmarks).

    With pyarrow 26's default allocator (mimalloc) a 1,000,000-row import took about 30% longer on
    this project's 2-core machines (benchmarks/import_throughput.py; mostly system time, page faults
    on fresh memory). It is a process-wide switch, so the library never makes it on import; set
    ARROW_DEFAULT_MEMORY_POOL to choose another allocator.
    """
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())


def _malformed_frame(rows: list[tuple[int, list[str]]], columns: Sequence[str], delimiter: str) -> pd.DataFrame:
    """Rows that do not fit the header, with their fields in the header's columns, in order.

    Surplus fields are kept in the last column, joined by the delimiter, so the row's text is
    all there.
    """
    if not rows:
        return empty_malformed(columns)
    width = len(columns)
    records = []
    for line, fields in rows:
        cells = list(fields[:width]) + [""] * max(0, width - len(fields))
        if len(fields) > width and width:
            cells[-1] = delimiter.join(fields[width - 1 :])
        records.append([line, *cells])
    frame = pd.DataFrame(records, columns=[LINE, *columns])
    frame[LINE] = frame[LINE].astype("Int64")
    return frame


def _wrong_width(rows: list[tuple[int, list[str]]], expected: int, last_line: int) -> pd.DataFrame:
    """The problems of rows that do not fit the header: one each, with the whole row."""
    records = []
    for line, fields in rows:
        cut = ", at the end of the file: is it cut short?" if line == last_line and len(fields) < expected else ""
        detail = f"{len(fields)}, the header has {expected}{cut}"
        records.append((line, "", "", RejectionKind.WRONG_WIDTH, detail))
    return problem_table(records)


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
    if len(names) > MAX_COLUMNS:
        raise ReadError(name, f"the header has {len(names):,} columns; the most this reads is {MAX_COLUMNS:,}")
    chosen = None if columns is None else set(columns)
    wanted = [c for c in names if chosen is None or c in chosen]
    records = _records(view, quoting)
    if len(records.quotes) % 2 or records.multiline:
        strays = _stray_quotes(bytes(view).decode("utf-8", "replace"), delimiter, len(names), header_records)
        if strays:
            return _without_lines(view, name, strays, delimiter, column_names, skip_lines, columns)
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
    malformed, problems = empty_malformed(names), problem_table()
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
            (int(records.lines[r]), fields)
            for r, fields in zip(body[wrong], (_split_record(t, delimiter, quoting) for t in texts), strict=True)
        ]
        _check_misfits(name, len(misfit_rows), rows, len(names), delimiter)
        malformed = _malformed_frame(misfit_rows, names, delimiter)
        problems = _wrong_width(misfit_rows, len(names), int(records.lines[body[last]]))
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
        problems=problems,
        fetch=None if len(wanted) == len(names) else fetch,
    )


#: Rows that do not fit the header beyond which a file is not taken for a table at all.
MAX_MISFITS = 100_000


def _stray_quotes(text: str, delimiter: str, width: int, header_lines: int) -> list[int]:
    r"""The lines (1-based) whose quote opens a value that never closes properly.

    A line with an odd number of quotes opens (or closes) a value that holds a line break. Taken
    in order, an opening line and the next such line make one record; when that record does not
    have the header's `width` fields, or no line closes it, the opening line's quote is a stray
    one that would swallow the rows after it into one cell.

    >>> _stray_quotes('a,b,c\n1,2,"x\n3,4,5\n6,7,"two\nlines"\n', ",", 3, 1)
    [2]
    """
    lines = text.split("\n")
    odd = [i for i, line in enumerate(lines) if line.count('"') % 2 and i >= header_lines]
    strays: list[int] = []
    k = 0
    while k < len(odd):
        opening = odd[k]
        closing = odd[k + 1] if k + 1 < len(odd) else None
        record = None if closing is None else "\n".join(lines[opening : closing + 1])
        if record is not None and _one_record_of(record, delimiter, width):
            k += 2
        else:
            strays.append(opening + 1)
            k += 1
    return strays


def _one_record_of(text: str, delimiter: str, width: int) -> bool:
    """Whether `text` is one well-formed record of `width` fields: every closing quote followed
    by a delimiter or the record's end (csv's strict mode), so a stray quote that happens to pair
    with a later one across whole rows is not taken for a value with line breaks."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return len(rows) == 1 and len(rows[0]) == width


def _without_lines(
    view: memoryview,
    name: str,
    strays: list[int],
    delimiter: str,
    column_names: Sequence[str] | None,
    skip_lines: int,
    columns: Iterable[str] | None,
) -> RawTable:
    """The file read without the lines holding a stray quote, each set aside with why, so the
    rows after it are kept instead of disappearing into one cell."""
    lines = bytes(view).split(b"\n")
    header_lines = skip_lines + (0 if column_names is not None else 1)
    if strays[0] <= header_lines:
        raise ReadError(name, f'line {strays[0]}, the header, has a quote (") that never closes')
    drop = set(strays)
    rest = b"\n".join(line for number, line in enumerate(lines, start=1) if number not in drop)
    table = load_delimited(
        rest, name, delimiter=delimiter, column_names=column_names, skip_lines=skip_lines, columns=columns
    )
    # line numbers in the shortened file, back to the file's own
    kept = np.array([n for n in range(1, len(lines) + 1) if n not in drop], dtype="int64")

    def original(numbers: pd.Series) -> pd.Series:
        return pd.Series(kept[numbers.to_numpy(dtype="int64") - 1], index=numbers.index, dtype=numbers.dtype)

    set_aside = []
    reasons = []
    for number in strays:
        text = lines[number - 1].decode("utf-8", "replace").rstrip("\r")
        set_aside.append((number, _split_record(text, delimiter, quoting=False)))
        detail = (
            f"the quote at character {text.rfind(chr(34)) + 1} opens a value no later quote closes; fix or remove it"
        )
        reasons.append((number, "", "", RejectionKind.UNCLOSED_QUOTE, detail))
    malformed = table.malformed.copy()
    if len(malformed):
        malformed[LINE] = original(malformed[LINE])
    problems = table.problems.copy()
    problems[LINE] = original(problems[LINE])
    strays_frame = _malformed_frame(set_aside, list(table.columns), delimiter)
    return replace(
        table,
        lines=original(table.lines),
        malformed=pd.concat([malformed, strays_frame], ignore_index=True) if len(malformed) else strays_frame,
        problems=pd.concat([problems, problem_table(reasons)], ignore_index=True),
    )


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
    malformed = _malformed_frame(bad, names, delimiter)
    frame = pd.DataFrame(good, columns=names, dtype="str") if good else pd.DataFrame(columns=names, dtype="str")
    lines = pd.Series(good_lines, index=frame.index, dtype="int64")
    return RawTable(
        name=name,
        frame=frame,
        lines=lines,
        columns=tuple(names),
        malformed=malformed,
        problems=_wrong_width(bad, width, last_line),
    )
