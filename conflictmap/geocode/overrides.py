"""Analysts' overrides: a place name pinned to coordinates. Overrides win over every other
answer and are shown as such ("override"). Kept in data/place_overrides.csv, edited on the
Places page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conflictmap.geocode.gazetteer import Gazetteer, Place
from conflictmap.geocode.normalise import name_key
from conflictmap.schema import GeoPrecision
from conflictmap.settings import DATA_DIR

OVERRIDES = DATA_DIR / "place_overrides.csv"
COLUMNS = ["place", "country", "latitude", "longitude", "precision", "note"]


def read_overrides(path: Path = OVERRIDES) -> pd.DataFrame:
    """The overrides table (COLUMNS); empty when the file does not exist."""
    if not path.exists():
        return pd.DataFrame({column: pd.Series(dtype="string") for column in COLUMNS})
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return table.reindex(columns=COLUMNS, fill_value="")


def _rows(table: pd.DataFrame) -> list[dict[str, str]]:
    """The table's rows as text, every column of COLUMNS present ("" when missing or empty)."""
    text = table.reindex(columns=COLUMNS).fillna("").astype(str)
    return [{str(column): str(value) for column, value in row.items()} for row in text.to_dict("records")]


def check_overrides(table: pd.DataFrame, gazetteer: Gazetteer) -> list[str]:
    """What is wrong with an edited table, one message per problem with its row (1 = first row)."""
    problems = []
    for number, row in enumerate(_rows(table), start=1):
        problems += _row_problems(number, row, gazetteer)
    return problems


def _row_problems(number: int, row: dict[str, str], gazetteer: Gazetteer) -> list[str]:
    problems = []
    if not row["place"].strip():
        problems.append(f"row {number}: the place name is empty")
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


def save_overrides(table: pd.DataFrame, path: Path = OVERRIDES) -> None:
    table.reindex(columns=COLUMNS).fillna("").to_csv(path, index=False)


def override_places(table: pd.DataFrame, gazetteer: Gazetteer) -> dict[tuple[str, str], Place]:
    """(name key, ISO-2 or "") -> the pinned place; rows `check_overrides` faults are skipped."""
    pinned = {}
    for row in _rows(table):
        if _row_problems(0, row, gazetteer):
            continue
        code = gazetteer.country_code(row["country"]) or ""
        note = row["note"].strip()
        pinned[(name_key(row["place"]), code)] = Place(
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
