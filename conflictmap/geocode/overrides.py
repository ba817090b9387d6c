"""Analysts' overrides: a place name pinned to coordinates. Overrides win over every other
answer and are shown as such ("override"). Kept in data/place_overrides.csv, edited on the
Places page.

The file is shared by every session of a server (and by servers sharing the folder), so a save is
checked against the version read when the editor opened it (`OverridesFile.version`, the digest of
the file's bytes): a save over a file someone else saved since is refused (`StaleOverrides`), never
merged silently, and a save is written atomically (a temporary file renamed over the old one), so
the file is never half-written. A file that cannot be read or parsed is `OverridesFile.problem`:
the geocoder then works without overrides and the Places page says why.

A place (name and country) is pinned once: a second row for it is refused by `check_overrides`
and, in a file edited by hand, skipped (the first row wins). Text a spreadsheet would run as a
formula is written with a leading apostrophe (`conflictmap.exporting.neutralise_formulas`; an admin
may open the file in Excel) and read back without it; a value that itself begins with apostrophes
before such text gets one more, so every value reads back as it was saved.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from conflictmap.errors import ConflictmapError
from conflictmap.exporting import neutralise_formulas, table_to_csv
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.normalise import name_key
from conflictmap.geocode.records import Place
from conflictmap.geocode.storage import notice, why, write_atomically
from conflictmap.schema import GeoPrecision
from conflictmap.settings import DATA_DIR

OVERRIDES = DATA_DIR / "place_overrides.csv"
COLUMNS = ["place", "country", "latitude", "longitude", "precision", "note"]
REQUIRED = ("place", "latitude", "longitude")
#: The version of a file that does not exist (yet).
MISSING = "missing"
#: An overrides file larger than this is refused (a few thousand overrides are well under 1 MB).
MAX_BYTES = 20 * 1024 * 1024
#: The longest place name and note an override may have (the longest real place names are under 100).
MAX_NAME = 200
MAX_NOTE = 1000


class OverridesError(ConflictmapError):
    """The overrides file cannot be read, or a save was refused; the message says why and what to do."""


class StaleOverrides(OverridesError):
    """The file was saved by someone else after this editor read it."""


@dataclass(frozen=True)
class OverridesFile:
    """The overrides as read: the table (empty when unreadable), the version it was read at, and
    `problem`, why it could not be read (None: it was)."""

    table: pd.DataFrame
    version: str
    problem: str | None = None


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="string") for column in COLUMNS})


def _version(content: bytes | None) -> str:
    return MISSING if content is None else hashlib.sha256(content).hexdigest()[:16]


def _content(path: Path) -> bytes | None:
    """The file's bytes; None when it does not exist."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise OverridesError(f"{path.name} is larger than {MAX_BYTES // 2**20} MB: it cannot be an overrides file")
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OverridesError(f"{path.name} could not be read ({why(error)})") from error


def parse_overrides(content: bytes, name: str = "place_overrides.csv") -> pd.DataFrame:
    """The overrides table (COLUMNS) of a file's bytes; OverridesError naming the line or column."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OverridesError(f"{name} is not UTF-8 text (byte {error.start} is {content[error.start]:#04x})") from None
    if not text.strip():
        return _empty()
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise OverridesError(f"{name} is not a readable CSV table: {error}") from None
    header, body = [column.strip() for column in rows[0]], [row for row in rows[1:] if row]
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise OverridesError(
                f"{name} is not a readable CSV table: line {line} has {len(row)} fields, the header {len(header)}"
            )
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise OverridesError(f"{name} names the column {', '.join(repeated)} more than once in its header")
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        found = ", ".join(header[:8])
        raise OverridesError(f"{name} has no column {', '.join(missing)} (its header reads: {found})")
    table = pd.DataFrame(body, columns=header, dtype=str)
    table = table.reindex(columns=COLUMNS, fill_value="").fillna("")
    for column in COLUMNS:
        table[column] = unneutralise(table[column])
    return table


def _formula_tail(text: pd.Series) -> pd.Series:
    """Whether each value, with its leading apostrophes taken off, would be neutralised."""
    tail = text.str.lstrip("'")
    return (neutralise_formulas(tail) != tail).fillna(False)


def _requote(series: pd.Series) -> pd.Series:
    """One apostrophe more before values that already begin with apostrophes followed by
    formula-like text, so that after `neutralise_formulas` `unneutralise` gives them back as they were.

    >>> neutralise_formulas(_requote(pd.Series(["=1+2", "'=1+2", "'quoted", "-3.5"]))).tolist()
    ["'=1+2", "''=1+2", "'quoted", '-3.5']
    """
    text = series.astype("string").fillna("")
    return text.mask(text.str.startswith("'") & _formula_tail(text), "'" + text)


def unneutralise(series: pd.Series) -> pd.Series:
    """The values `save_overrides` wrote, as they were: one leading apostrophe taken off where it
    stands before formula-like text; every other value as it is.

    >>> unneutralise(pd.Series(["'=1+2", "''=1+2", "'quoted", "-3.5"], dtype="string")).tolist()
    ['=1+2', "'=1+2", "'quoted", '-3.5']
    """
    text = series.astype("string").fillna("")
    added = text.str.startswith("'") & _formula_tail(text)
    return text.mask(added, text.str.slice(1)).astype(object)


def load_overrides(path: Path | None = None) -> OverridesFile:
    """The overrides file read, never raising: its problem, if any, is in the result."""
    path = path or OVERRIDES
    try:
        content = _content(path)
        version = _version(content)
        if content is None:
            return OverridesFile(_empty(), version)
        return OverridesFile(parse_overrides(content, path.name), version)
    except OverridesError as error:
        try:
            version = _version(path.read_bytes())
        except OSError:
            version = "unreadable"
        return OverridesFile(_empty(), version, str(error))


def unwritable(path: Path | None = None) -> str | None:
    """Why a save to the overrides file would fail for lack of permission (None: it would not)."""
    path = path or OVERRIDES
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path.name} is read-only for this server"
    if not os.access(path.parent if path.parent.exists() else path.parent.parent, os.W_OK):
        return f"the folder {path.parent} is read-only for this server"
    return None


def read_overrides(path: Path | None = None) -> pd.DataFrame:
    """The overrides table (COLUMNS); empty when the file does not exist, and also when it cannot be
    read, which is then said once (the Places page shows why: `load_overrides`)."""
    found = load_overrides(path)
    if found.problem:
        notice(f"The place overrides are not used ({path or OVERRIDES}): {found.problem}.")
    return found.table


def _rows(table: pd.DataFrame) -> list[dict[str, str]]:
    """The table's rows as text, every column of COLUMNS present ("" when missing or empty)."""
    text = table.reindex(columns=COLUMNS).fillna("").astype(str)
    return [{str(column): str(value) for column, value in row.items()} for row in text.to_dict("records")]


def check_overrides(table: pd.DataFrame, gazetteer: Gazetteer) -> list[str]:
    """What is wrong with an edited table, one message per problem with its row (1 = first row)."""
    problems = []
    pinned: dict[tuple[str, str], int] = {}
    for number, row in enumerate(_rows(table), start=1):
        found = _row_problems(number, row, gazetteer)
        problems += found
        if found:
            continue
        key = _key(row, gazetteer)
        if key in pinned:
            country = f" ({key[1]})" if key[1] else " (no country)"
            problems.append(f"row {number}: '{row['place'].strip()}'{country} is already pinned in row {pinned[key]}")
        else:
            pinned[key] = number
    return problems


def _key(row: dict[str, str], gazetteer: Gazetteer) -> tuple[str, str]:
    return name_key(row["place"]), gazetteer.country_code(row["country"]) or ""


def _row_problems(number: int, row: dict[str, str], gazetteer: Gazetteer) -> list[str]:
    problems = []
    place = row["place"].strip()
    if not place:
        problems.append(f"row {number}: the place name is empty")
    elif len(place) > MAX_NAME:
        problems.append(
            f"row {number}: the place name is {len(place):,} characters long (at most {MAX_NAME}): '{place[:40]}…'"
        )
    if len(row["note"]) > MAX_NOTE:
        problems.append(f"row {number}: the note is {len(row['note']):,} characters long (at most {MAX_NOTE:,})")
    if row["country"].strip() and gazetteer.country_code(row["country"]) is None:
        problems.append(f"row {number}: country '{row['country']}' is not a country name or ISO code")
    for name, limit in (("latitude", 90), ("longitude", 180)):
        value = row[name].strip()
        try:
            number_value = float(value)
        except ValueError:
            problems.append(f"row {number}: {name} '{value}' is not a number")
            continue
        if not -limit <= number_value <= limit:
            problems.append(f"row {number}: {name} {value} is out of range (-{limit} to {limit})")
    precision = row["precision"].strip()
    if precision and precision not in {str(level) for level in GeoPrecision}:
        problems.append(f"row {number}: precision '{row['precision']}' is not one of: {', '.join(GeoPrecision)}")
    return problems


_SAVING = threading.Lock()  # sessions of one server are threads; other servers take the file lock


@contextmanager
def _saving(path: Path) -> Iterator[None]:
    """Held while a save compares versions and writes: one save at a time, in this process and
    (through an flock on a lock file beside it, where the folder allows one) in any other."""
    with _SAVING:
        try:
            descriptor = os.open(path.with_name(f".{path.name}.lock"), os.O_CREAT | os.O_RDWR, 0o644)
        except OSError:
            descriptor = -1  # a read-only folder: the write below says so
        try:
            if descriptor >= 0:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            if descriptor >= 0:
                os.close(descriptor)  # closing releases the lock


def save_overrides(table: pd.DataFrame, path: Path | None = None, expected: str | None = None) -> str:
    """Write `table` over the overrides file, atomically, and return the new version. With
    `expected` (the version the editor read), a file saved by someone else since is not
    overwritten: StaleOverrides says so. A read-only folder or a full disk raises OverridesError;
    the file is then as it was."""
    path = path or OVERRIDES
    out = table.reindex(columns=COLUMNS).fillna("").astype(str)
    for column in COLUMNS:
        out[column] = _requote(out[column])  # table_to_csv then neutralises formula-like text
    content = table_to_csv(out).encode("utf-8")
    with _saving(path):
        if expected is not None:
            try:
                current = _version(_content(path))
            except OverridesError:
                current = "unreadable"
            if current != expected:
                raise StaleOverrides(
                    f"{path.name} was saved by someone else after you opened it, so your changes were not saved "
                    "(theirs are kept). Reload the overrides to see theirs, then make your changes again."
                )
        try:
            write_atomically(path, lambda handle: handle.write(content))
        except OSError as error:
            raise OverridesError(f"{path.name} could not be saved in {path.parent} ({why(error)})") from error
    return _version(content)


def override_places(table: pd.DataFrame, gazetteer: Gazetteer) -> dict[tuple[str, str], Place]:
    """(name key, ISO-2 or "") -> the pinned place; rows `check_overrides` faults are skipped,
    and so is a second row for a place already pinned (the first wins, as its message says)."""
    pinned: dict[tuple[str, str], Place] = {}
    for row in _rows(table):
        if _row_problems(0, row, gazetteer) or _key(row, gazetteer) in pinned:
            continue
        code = gazetteer.country_code(row["country"]) or ""
        note = row["note"].strip()
        pinned[_key(row, gazetteer)] = Place(
            name=row["place"].strip(),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            country_code=code,
            admin1=None,
            population=0,
            kind="override",
            source="analyst's override" + (f": {note}" if note else ""),
            precision=row["precision"].strip() or "exact place",
        )
    return pinned
