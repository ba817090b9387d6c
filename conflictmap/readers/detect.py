"""What a file is before it is read: a spreadsheet or text, its encoding and delimiter, and which
reader it needs (UCDP GED, ACLED, GDELT, or any other table), each with the reason in words.

Everything here is a pure function of the file's bytes and name.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa

from conflictmap.readers.acled import acled_names
from conflictmap.readers.gdelt import LAYOUTS
from conflictmap.readers.table import ReadError, find_columns, header_key, unique_names
from conflictmap.schema import Format

#: The formats a file can be asked to be read as (besides AUTO).
FORMATS = tuple(format for format in Format if format is not Format.AUTO)
DELIMITERS = (",", ";", "\t", "|")
#: Unpacked size above which a zip or gzip file is refused.
MAX_UNPACKED = 2 << 30

UCDP_MARKERS = ("type_of_violence", "where_prec", "date_prec", "side_a", "side_b", "best", "where_coordinates")
ACLED_MARKERS = (
    "event_id_cnty",
    "time_precision",
    "disorder_type",
    "sub_event_type",
    "assoc_actor_1",
    "inter1",
    "inter2",
    "interaction",
    "civilian_targeting",
    "geo_precision",
    "source_scale",
    "admin3",
)
GDELT_MARKERS = ("GLOBALEVENTID", "SQLDATE", "EventRootCode", "EventCode", "QuadClass", "ActionGeo_FullName")


@dataclass(frozen=True)
class Detected:
    """How to read a file, and why that format was picked."""

    format: Format
    reason: str  # one line, in words
    container: str  # "text" or "excel"
    encoding: str | None = None  # "utf-8", "utf-8-sig", "utf-16", "cp1256", "cp1252", "latin-1"; None for Excel
    delimiter: str | None = None  # one of DELIMITERS; None for Excel
    header: bool = True  # False for GDELT files as GDELT publishes them
    skip_lines: int = 0  # lines before the header ("sep=;" written by Excel)
    columns: tuple[str, ...] = ()  # the header (GDELT's column names when the file has none)
    name: str = ""  # the file's name (of the file inside a .zip or .gz)


# ---------------------------------------------------------------------------------------------
# Container: spreadsheet, text, or something that is not a table


def unpack(data: bytes, name: str) -> tuple[bytes, str, str]:
    """The bytes to read, their name, and "excel" or "text". A .zip holding one file (as GDELT
    publishes its exports) and a .gz file are unpacked; anything that is not a table is a
    `ReadError` that says what it looks like."""
    if not data:
        raise ReadError(name, "the file is empty")
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise ReadError(name, "a damaged zip or Excel file (is it complete?)") from None
        with archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            names = {info.filename for info in members}
            if "xl/workbook.xml" in names:
                return data, name, "excel"
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise ReadError(name, "an OpenDocument spreadsheet: save it as .xlsx or CSV")
            if "word/document.xml" in names:
                raise ReadError(name, "a Word document, not a table")
            if len(members) != 1:
                raise ReadError(name, f"a zip archive of {len(members)} files: unzip it and choose one")
            if members[0].file_size > MAX_UNPACKED:
                raise ReadError(name, "the file inside the zip is larger than 2 GB: refused")
            try:
                inner = archive.read(members[0])
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
                raise ReadError(name, f"a damaged zip archive ({error})") from None
        return unpack(inner, members[0].filename.rsplit("/", 1)[-1])
    if data.startswith(b"\x1f\x8b"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
                inner = packed.read(MAX_UNPACKED + 1)
        except (OSError, EOFError) as error:
            raise ReadError(name, f"a damaged gzip file ({error})") from None
        if len(inner) > MAX_UNPACKED:
            raise ReadError(name, "the file inside the gzip is larger than 2 GB: refused")
        return unpack(inner, name.removesuffix(".gz"))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(name, "an old-style Excel (.xls) workbook: save it as .xlsx or CSV")
    if data.startswith(b"%PDF"):
        raise ReadError(name, "a PDF document, not a table")
    return data, name, "text"


# ---------------------------------------------------------------------------------------------
# Encoding


def is_utf8(data: bytes | memoryview) -> bool:
    """Whether `data` is valid UTF-8, checked by Arrow in C++ (a 400 MB file in about 0.05 s)."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    array = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        array.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _utf16(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" for UTF-16 text without a byte-order mark, else None."""
    head = data[:4000]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def detect_encoding(data: bytes, name: str = "file") -> str:
    """The encoding that decodes `data` and looks right.

    UTF-8 (with or without BOM) when it decodes; UTF-16 with a BOM or by its zero bytes;
    otherwise Windows-1256 when the non-ASCII bytes read as runs of Arabic letters, else
    Windows-1252 (when it uses its punctuation block) or Latin-1. A file that is UTF-8 but for
    a few bytes mixes encodings: a `ReadError`, since any single choice would garble part of it.

    >>> detect_encoding("Fallūjah".encode()), detect_encoding("الفلوجة".encode("cp1256"))
    ('utf-8', 'cp1256')
    >>> detect_encoding("Réunion".encode("latin-1")), detect_encoding("“Mosul”".encode("cp1252"))
    ('latin-1', 'cp1252')
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data[:4000]:
        wide = _utf16(data)
        if wide:
            return wide
        raise ReadError(name, f"not a text table: it holds binary data (a zero byte at byte {data.index(0)})")
    if is_utf8(data):
        return "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            return "utf-8"  # cut short inside the last character: the loader drops that part
        first_bad = error.start
    else:  # pragma: no cover - is_utf8 and Python disagree
        return "utf-8"
    runs = _HIGH_RUN.findall(data)
    high = sum(len(run) for run in runs)
    sequences = sum(len(match) for match in _UTF8_SEQUENCE.findall(data))
    if sequences >= 0.8 * high:
        raise ReadError(
            name,
            f"mostly UTF-8 but not at byte {first_bad} (line {_line_of(data, first_bad)}): the file mixes "
            "encodings; save it again as UTF-8",
        )
    in_words = sum(len(run) for run in runs if len(run) >= 2)
    arabic = len(re.findall("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]", b"".join(runs).decode("cp1256")))
    if high and arabic >= 0.6 * high and in_words >= 0.5 * high:
        return "cp1256"
    if re.search(rb"[\x80-\x9f]", data):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


def to_utf8(data: bytes, encoding: str, name: str = "file") -> bytes:
    """`data` as UTF-8 without a BOM, ready for the parser. UTF-8 input is not copied when it
    needs no change; a character cut short at the very end is dropped."""
    try:
        if encoding in ("utf-8", "utf8"):
            if is_utf8(data):
                return data
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as error:
                if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
                    return data[: error.start]
                raise
        if encoding in ("utf-8-sig",):
            body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
            return to_utf8(body, "utf-8", name)
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(
            name, f"not valid {encoding} text at byte {error.start} (line {_line_of(data, error.start)})"
        ) from None
    except LookupError:
        raise ReadError(name, f"unknown encoding {encoding!r}") from None


# ---------------------------------------------------------------------------------------------
# Delimiter and header


def _sample_lines(text: str, limit: int = 50) -> list[str]:
    lines = text.splitlines()
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line short
    return [line for line in lines if line.strip()][:limit]


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the header and the first lines into the same number of
    fields (two or more), preferring the most consistent, then the most fields.

    >>> detect_delimiter("date;place;lat\\n04.01.2024;Bagdad;33,31\\n")
    ';'
    >>> detect_delimiter('date,notes\\n2024-01-04,"a; b | c"\\n')
    ','
    """
    lines = _sample_lines(sample)
    if lines and re.fullmatch(r"sep=.", lines[0].strip()):
        return lines[0].strip()[4]
    best: tuple[float, int, str] | None = None
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:  # a line this delimiter does not split is longer than csv's field limit
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(count == counts[0] for count in counts) / len(counts)
        score = (consistent, counts[0], delimiter)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else ","


def _first_row(sample: str, delimiter: str, skip: int) -> list[str]:
    lines = _sample_lines(sample, limit=skip + 1)
    if len(lines) <= skip:
        return []
    quoting: Literal[0, 3] = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL  # csv's constants, as typed
    try:
        return next(csv.reader([lines[skip]], delimiter=delimiter, quoting=quoting), [])
    except csv.Error:  # one field longer than csv's limit: not a row of a table this reads
        return []


def _gdelt_width(row: Sequence[str]) -> int | None:
    """The GDELT layout of a header-less first row: its field count, when it looks like one."""
    if len(row) in LAYOUTS and row[0].strip().isdigit() and re.fullmatch(r"\d{8}", row[1].strip()):
        return len(row)
    return None


# ---------------------------------------------------------------------------------------------
# Format


def detect_format(columns: Sequence[str]) -> tuple[Format, str]:
    """Which reader a header needs, and why, in one line.

    >>> detect_format(["GLOBALEVENTID", "SQLDATE", "EventRootCode", "ActionGeo_FullName"])[0]
    <Format.GDELT: 'gdelt'>
    >>> found, reason = detect_format(["Date", "Town", "Killed"])
    >>> found, reason.split(":")[0]
    (<Format.CSV: 'csv'>, 'no UCDP, ACLED or GDELT columns in the header')
    """
    ucdp = list(find_columns(columns, UCDP_MARKERS))
    if "type_of_violence" in ucdp and len(ucdp) >= 4:
        return Format.UCDP, f"UCDP GED: the header has UCDP's columns {', '.join(ucdp)}"
    acled = list(find_columns(columns, ACLED_MARKERS))
    names = acled_names(columns)
    if "event_date" in names and (("event_id_cnty" in acled and len(acled) >= 2) or len(acled) >= 3):
        return Format.ACLED, f"ACLED: the header has ACLED's columns event_date, {', '.join(acled)}"
    gdelt = list(find_columns(columns, GDELT_MARKERS))
    if "GLOBALEVENTID" in gdelt and len(gdelt) >= 3:
        return Format.GDELT, f"GDELT events: the header has GDELT's columns {', '.join(gdelt)}"
    keys = {header_key(column) for column in columns}
    if {"event_id", "date_start", "place", "dataset"} <= keys:
        return Format.CSV, "this app's event columns (event_id, date_start, place, dataset ...): read as they are named"
    return Format.CSV, "no UCDP, ACLED or GDELT columns in the header: read as a table, columns mapped by their names"


def detect_text(
    data: bytes,
    name: str,
    *,
    format: Format | str = Format.AUTO,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[Detected, bytes]:
    """Detect a text file's encoding, delimiter, header and format; return them with the
    file's text as UTF-8 bytes for the parser."""
    if encoding is None:
        encoding = detect_encoding(data, name)
        # detect_encoding has checked the whole file; UTF-8 that ends in ASCII is not cut short
        text = data if encoding == "utf-8" and data[-1:] < b"\x80" else to_utf8(data, encoding, name)
    else:
        text = to_utf8(data, encoding, name)
    sample = text[: 1 << 18].decode("utf-8", errors="ignore")
    if not sample.strip():
        raise ReadError(name, "the file is empty")
    lines = _sample_lines(sample, limit=1)
    skip = 1 if lines and re.fullmatch(r"sep=.", lines[0].strip()) else 0
    delimiter = delimiter or detect_delimiter(sample)
    first = _first_row(sample, delimiter, skip)
    width = _gdelt_width(first) if delimiter == "\t" else None
    if width is not None and format in (Format.AUTO, Format.GDELT):
        reason = (
            f"GDELT {'2.0' if width == 61 else '1.0'} events export: no header, {width} tab-separated fields "
            "with a numeric event id and a YYYYMMDD date"
        )
        detected = Detected(Format.GDELT, reason, "text", encoding, delimiter, False, skip, LAYOUTS[width], name)
        return detected, text
    columns = tuple(unique_names(first))
    if len(columns) < 2:
        raise ReadError(
            name,
            "found no delimiter (, ; tab |) that splits the header into columns"
            + (f": it reads {first[0][:60]!r}" if first else ""),
        )
    found, reason = choose_format(columns, format, name)
    return Detected(found, reason, "text", encoding, delimiter, True, skip, columns, name), text


def choose_format(columns: Sequence[str], asked: Format | str, name: str = "file") -> tuple[Format, str]:
    """The format to read a header with, and why: detected, or the one asked for (the reason
    then says when the header looked like another)."""
    found, reason = detect_format(columns)
    if asked == Format.AUTO:
        return found, reason
    if asked not in FORMATS:
        raise ReadError(name, f"unknown format {asked!r} (formats: auto, {', '.join(FORMATS)})")
    return Format(asked), f"read as {asked}, as asked" + (
        "" if found == asked else f" (the header looked like {found})"
    )


def describe_delimiter(delimiter: str | None) -> str | None:
    """A delimiter as a report shows it: "\\t" -> "tab"."""
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter or "", delimiter)
