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


def check_overrides(table: pd.DataFrame, gazetteer: Gazetteer) -> list[str]:
    """What is wrong with an edited table, one message per problem with its row (1 = first row)."""
    problems = []
    for number, row in enumerate(table.fillna("").astype(str).itertuples(index=False), start=1):
        if not row.place.strip():
            problems.append(f"row {number}: the place name is empty")
        if row.country.strip() and gazetteer.country_code(row.country) is None:
            problems.append(f"row {number}: country '{row.country}' is not a country name or ISO code")
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = getattr(row, name).strip()
            try:
                number_value = float(value)
            except ValueError:
                problems.append(f"row {number}: {name} '{value}' is not a number")
                continue
            if not -limit <= number_value <= limit:
                problems.append(f"row {number}: {name} {value} is out of range (-{limit} to {limit})")
        if row.precision.strip() and row.precision.strip() not in set(GeoPrecision):
            problems.append(f"row {number}: precision '{row.precision}' is not one of: {', '.join(GeoPrecision)}")
    return problems


def save_overrides(table: pd.DataFrame, path: Path = OVERRIDES) -> None:
    table.reindex(columns=COLUMNS).fillna("").to_csv(path, index=False)


def override_places(table: pd.DataFrame, gazetteer: Gazetteer) -> dict[tuple[str, str], Place]:
    """(name key, ISO-2 or "") -> the pinned place; rows `check_overrides` faults are skipped."""
    pinned = {}
    for row in table.fillna("").astype(str).itertuples(index=False):
        if check_overrides(pd.DataFrame([row._asdict()]), gazetteer):
            continue
        code = gazetteer.country_code(row.country) or ""
        pinned[(name_key(row.place), code)] = Place(
            name=row.place.strip(),
            latitude=float(row.latitude),
            longitude=float(row.longitude),
            country_code=code,
            admin1=None,
            population=0,
            kind="override",
            source="analyst's override" + (f": {row.note.strip()}" if row.note.strip() else ""),
            precision=row.precision.strip() or "exact place",
        )
    return pinned
