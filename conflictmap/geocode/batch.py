"""Geocoding a file of place names: the body of `python -m conflictmap geocode`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from conflictmap.errors import ConflictmapError
from conflictmap.geocode.geocoder import PlaceMatch, Resolver

ADDED = ["latitude", "longitude", "precision", "matched_name", "match_source", "candidates"]


class InputError(ConflictmapError, ValueError):
    """An input file the geocode command cannot use; the message is one line for the analyst."""


def _progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\rgeocoding [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def geocode_file(
    path: Path,
    output: Path,
    geocoder: Resolver,
    country: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Add coordinates, precision and provenance to every row of a CSV with a `place` column.

    Every input row and column is kept, in order; unresolved rows get empty coordinates and their
    candidates. A row's own `country` wins over `country`.
    """
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{path.name}: file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path.name}: not a readable CSV file ({str(error).splitlines()[0]})") from None
    if "place" not in rows.columns:
        raise InputError(f"{path.name}: no 'place' column (columns: {', '.join(rows.columns) or 'none'})")
    countries = rows["country"] if "country" in rows.columns else pd.Series("", index=rows.index)
    hints = countries.where(countries.str.strip() != "", country or "")
    provinces = rows["admin1"] if "admin1" in rows.columns else pd.Series("", index=rows.index)
    keys = list(zip(rows["place"], hints, provinces, strict=True))
    pairs = list(dict.fromkeys(keys))
    answers: dict[tuple[str, str, str], PlaceMatch] = {}
    report = progress if progress is not None else (_progress if len(pairs) >= 1000 else None)
    for number, (place, hint, province) in enumerate(pairs, start=1):
        answers[(place, hint, province)] = geocoder.resolve(place, country=hint or None, admin1=province or None)
        if report is not None and (number % 500 == 0 or number == len(pairs)):
            report(number, len(pairs))
    matches = [answers[key] for key in keys]
    out = rows.copy()
    out["latitude"] = [m.latitude for m in matches]
    out["longitude"] = [m.longitude for m in matches]
    out["precision"] = [m.precision or "" for m in matches]
    out["matched_name"] = [m.matched_name or "" for m in matches]
    out["match_source"] = [m.located_by for m in matches]
    out["candidates"] = ["; ".join(m.candidates) if not m.resolved else "" for m in matches]
    out.to_csv(output, index=False)
    resolved = sum(m.resolved for m in matches)
    return {
        "rows": len(out),
        "distinct_places": len(pairs),
        "resolved": resolved,
        "unresolved": len(out) - resolved,
        "output": str(output),
    }
