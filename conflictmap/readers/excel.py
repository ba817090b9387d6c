"""Excel workbooks (.xlsx) as text columns: the header is the first row with cells in it; formulas
stay text and are never run.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import pandas as pd

from conflictmap.readers.table import RawTable, ReadError, empty_malformed, unique_names

if TYPE_CHECKING:  # openpyxl itself is imported only when a workbook is read
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet  # read-only sheets are typed as Worksheet by the stubs

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


def _open_workbook(data: bytes, name: str) -> Workbook:
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


def _sheet_rows(worksheet: Worksheet) -> tuple[list[str] | None, int, list[list[str]], list[int]]:
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
        header: list[str] | None
        records: list[list[str]]
        numbers: list[int]
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
        name=name, frame=frame, lines=lines, columns=tuple(names), malformed=empty_malformed(names), from_excel=True
    )
