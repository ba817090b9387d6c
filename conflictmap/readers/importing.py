"""One entry point for every file an analyst brings: `import_file` detects what the file is
(spreadsheet or text, encoding, delimiter, format), reads it with the right reader and reports
what happened: read = accepted + rejected, and how many rows were rejected for each reason.

>>> imported = import_file(b"Date,Town,Killed\\n04/01/2024,Baghdad,1\\n31/02/2024,Basra,2\\n", "team.csv")
>>> imported.report["format"], imported.report["read"], imported.report["accepted"], imported.report["rejected"]
('csv', 2, 1, 1)
>>> imported.report["reasons"]
{"column 'Date': not a valid date": 1}
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from conflictmap.readers import acled, curated, gdelt, generic, ucdp
from conflictmap.readers.detect import Detected, choose_format, describe_delimiter, detect_text, unpack
from conflictmap.readers.excel import load_excel
from conflictmap.readers.splitting import load_delimited
from conflictmap.readers.table import RawTable, ReadError, ReadResult
from conflictmap.readers.validation import KIND, LINE, CountryBounds, reason_counts, swap_coordinates
from conflictmap.schema import Format, RejectionKind, conform

#: The largest file read, in bytes (a 1,000,000-row GDELT file is about 400 MB).
MAX_BYTES = 2 << 30


@dataclass(frozen=True)
class Imported:
    """A file read: how it was detected, the rows accepted and rejected, and a report."""

    detected: Detected
    result: ReadResult
    report: dict[str, Any]  # JSON-ready values
    mapping: dict[str, str] | None = None  # field -> column, for tables read by header names

    @property
    def events(self) -> pd.DataFrame:
        return self.result.events

    @property
    def rejected(self) -> pd.DataFrame:
        return self.result.rejected


def _bytes(source: Path | str | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), name or "upload"
    path = Path(source)
    label = name or path.name
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(status.st_mode):  # /dev/zero, a pipe: no end to read to
            raise ReadError(label, "not a regular file (a device or a pipe): save it as a file first")
        if status.st_size > MAX_BYTES:
            raise ReadError(label, f"the file is {status.st_size / 1e9:.1f} GB, more than the 2 GB this app reads")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)  # the file may grow while it is read
        if len(data) > MAX_BYTES:
            raise ReadError(label, "the file grew past the 2 GB this app reads while it was read")
        return data, label
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    except IsADirectoryError:
        raise ReadError(path, "a folder, not a file") from None
    except PermissionError:
        raise ReadError(path, "not allowed to read the file") from None


#: The columns each format's reader needs parsed; the others stay text for the rejected rows
#: (a 61-column GDELT file is read faster that way). ACLED and other tables use nearly every column.
_COLUMNS_TO_READ: dict[Format, Callable[[tuple[str, ...]], list[str]]] = {
    Format.UCDP: ucdp.columns_to_read,
    Format.GDELT: gdelt.columns_to_read,
}


@dataclass(frozen=True)
class _Options:
    mapping: Mapping[str, str | None] | None
    dataset: str | None
    country_bounds: CountryBounds | None


#: Each format's reader: a pure function of the table read from the file.
_READERS: dict[Format, Callable[[RawTable, _Options], ReadResult]] = {
    Format.UCDP: lambda table, o: ucdp.ucdp_events(table, country_bounds=o.country_bounds),
    Format.ACLED: lambda table, o: acled.acled_events(table, country_bounds=o.country_bounds),
    Format.GDELT: lambda table, o: gdelt.gdelt_events(table, country_bounds=o.country_bounds),
    Format.CSV: lambda table, o: generic.table_events(table, o.dataset, o.mapping, country_bounds=o.country_bounds),
    Format.CURATED: lambda table, o: curated.curated_events(
        table, o.dataset or table.name, country_bounds=o.country_bounds
    ),
}


def import_file(
    source: Path | str | bytes,
    name: str | None = None,
    format: Format | str = Format.AUTO,
    mapping: Mapping[str, str | None] | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    dataset: str | None = None,
    country_bounds: CountryBounds | None = None,
) -> Imported:
    """Read a file of events: a path, or its bytes (an upload) with its `name`.

    `format` is a `Format`: AUTO (detect), UCDP, ACLED, GDELT, CSV (any other table) or CURATED;
    `mapping` overrides the guessed columns of such a table ({"date": "Datum", "notes": None});
    `encoding`, `delimiter` and `sheet` override what is detected; `dataset` names a table's
    events (default: the file's name). Pass `country_bounds`
    (`validation.bounds_from_gazetteer(gazetteer)`) to reject swapped coordinates.
    A file that cannot be read at all raises `ReadError` with a one-line message.
    """
    data, label = _bytes(source, name)
    data, label, container = unpack(data, label)
    if container == "excel":
        table = load_excel(data, label, sheet=sheet)
        found, reason = choose_format(table.columns, format, label)
        detected = Detected(found, reason, "excel", columns=table.columns, name=label)
    else:
        detected, text = detect_text(data, label, format=format, encoding=encoding, delimiter=delimiter)
        table = load_delimited(
            text,
            label,
            delimiter=detected.delimiter or ",",
            column_names=None if detected.header else detected.columns,
            skip_lines=detected.skip_lines,
            quoting=not (detected.format == Format.GDELT and detected.delimiter == "\t"),  # GDELT does not quote
            columns=_COLUMNS_TO_READ[detected.format](detected.columns)
            if detected.format in _COLUMNS_TO_READ
            else None,
        )
    used = generic.resolve_mapping(table.columns, mapping, label) if detected.format == Format.CSV else None
    result = _READERS[detected.format](table, _Options(mapping, dataset, country_bounds))
    report = build_report(detected, result, used)
    if used and "date_start" in used:
        dates = table.column(used["date_start"])
        if dates.str.contains(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d", regex=True).any():
            report["date_order"] = generic.date_order(dates)  # how 04/01/2024 was read
    return Imported(detected=detected, result=result, report=report, mapping=used)


def build_report(detected: Detected, result: ReadResult, mapping: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What happened to a file, as plain JSON-ready values."""
    events = result.events
    report: dict[str, Any] = {
        "file": detected.name or result.path.name,
        "format": str(detected.format),
        "reason": detected.reason,
        "container": detected.container,
        "encoding": detected.encoding,
        "delimiter": describe_delimiter(detected.delimiter),
        "read": result.read,
        "accepted": len(events),
        "rejected": len(result.rejected),
        "reasons": reason_counts(result.problems),
        "without_coordinates": int((events["latitude"].isna() | events["longitude"].isna()).sum()),
    }
    if mapping is not None:
        report["mapping"] = dict(mapping)
    return report


def swappable(result: ReadResult) -> pd.Series:
    """Which rejected rows were rejected only because latitude and longitude look swapped
    (a boolean per row of `result.rejected`)."""
    problems = result.problems
    alone = ~problems[LINE].duplicated(keep=False)
    lines = problems.loc[alone & (problems[KIND] == RejectionKind.SWAPPED), LINE]
    return result.rejected[LINE].isin(lines)


def fix_swapped(imported: Imported, lines: Iterable[int] | None = None) -> Imported:
    """Accept the rows rejected only for swapped coordinates, with latitude and longitude
    swapped back; `lines` limits the fix to the rows the analyst chose. Nothing is re-read:
    read = accepted + rejected still holds."""
    result = imported.result
    if result.rejected_events is None:
        return imported
    chosen = swappable(result)
    if lines is not None:
        chosen &= result.rejected[LINE].isin(list(lines))
    if not chosen.any():
        return imported
    rows = result.rejected_events.loc[chosen.to_numpy()]
    events = conform(pd.concat([result.events, swap_coordinates(rows, rows.index)], ignore_index=True))
    keep = ~chosen.to_numpy()
    fixed = result.rejected.loc[chosen.to_numpy(), LINE]
    new = replace(
        result,
        events=events,
        rejected=result.rejected.loc[keep].reset_index(drop=True),
        rejected_events=result.rejected_events.loc[keep].reset_index(drop=True),
        problems=result.problems[~result.problems[LINE].isin(fixed)].reset_index(drop=True),
    )
    return replace(imported, result=new, report=build_report(imported.detected, new, imported.mapping))
