"""Geocoding a file of place names: the body of `python -m conflictmap geocode`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from conflictmap.errors import ConflictmapError
from conflictmap.geocode.answers import PlaceMatch, Resolver
from conflictmap.geocode.placing import context_points, decide_by_context

ADDED = [
    "latitude",
    "longitude",
    "precision",
    "matched_name",
    "admin1",
    "admin2",
    "pcode",
    "evidence",
    "match_source",
    "candidates",
]


class InputError(ConflictmapError, ValueError):
    """An input file the geocode command cannot use; the message is one line for the analyst."""


def _progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\rgeocoding [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def decided_by_the_list(answers: dict[tuple[str, str, str, str], PlaceMatch]) -> dict[tuple, PlaceMatch]:
    """`answers` (keyed by name and hints) with the ambiguous names the list's other places decide,
    as when the file is added on the Data page (see `choose_by_context`)."""
    keys = list(answers)
    placed = context_points([key[0] for key in keys], [answers[key] for key in keys], [(None, None)] * len(keys))
    return {**answers, **decide_by_context(answers, placed)}


def geocode_file(
    path: Path,
    output: Path,
    geocoder: Resolver,
    country: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Add coordinates, precision, admin areas, P-code, evidence and provenance to every row of a CSV
    with a `place` column.

    Optional input columns `country`, `admin1` (province) and `admin2` (district) are hints, in any
    spelling or script or as P-codes; a row's own `country` wins over `country`. Every input row and
    column is kept, in order; the output adds ADDED. `admin1` and `admin2` say where the answer lies
    (when the input has those columns already, they are kept and the answer's go into
    `matched_admin1` and `matched_admin2`). Unresolved rows get empty coordinates, the reason in
    `evidence` and their candidates.
    """
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{path.name}: file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path.name}: not a readable CSV file ({str(error).splitlines()[0]})") from None
    if "place" not in rows.columns:
        raise InputError(f"{path.name}: no 'place' column (columns: {', '.join(rows.columns) or 'none'})")

    def column(name: str) -> pd.Series:
        return rows[name] if name in rows.columns else pd.Series("", index=rows.index)

    countries = column("country")
    hints = countries.where(countries.str.strip() != "", country or "")
    keys = list(zip(rows["place"], hints, column("admin1"), column("admin2"), strict=True))
    distinct = list(dict.fromkeys(keys))
    answers: dict[tuple[str, str, str, str], PlaceMatch] = {}
    report = progress if progress is not None else (_progress if len(distinct) >= 1000 else None)
    for number, (place, hint, province, district) in enumerate(distinct, start=1):
        answers[(place, hint, province, district)] = geocoder.resolve(
            place, country=hint or None, admin1=province or None, admin2=district or None
        )
        if report is not None and (number % 500 == 0 or number == len(distinct)):
            report(number, len(distinct))
    answers = decided_by_the_list(answers)
    matches = [answers[key] for key in keys]
    out = rows.copy()
    out["latitude"] = [m.latitude for m in matches]
    out["longitude"] = [m.longitude for m in matches]
    out["precision"] = [m.precision or "" for m in matches]
    out["matched_name"] = [m.matched_name or "" for m in matches]
    out["matched_admin1" if "admin1" in rows.columns else "admin1"] = [m.admin1 or "" for m in matches]
    out["matched_admin2" if "admin2" in rows.columns else "admin2"] = [m.admin2 or "" for m in matches]
    out["pcode"] = [m.pcode for m in matches]
    out["evidence"] = [m.evidence if m.resolved else f"{m.reason}: {m.evidence}" for m in matches]
    out["match_source"] = [m.located_by for m in matches]
    out["candidates"] = [m.candidates_text() if not m.resolved else "" for m in matches]
    out.to_csv(output, index=False)
    resolved = sum(m.resolved for m in matches)
    return {
        "rows": len(out),
        "distinct_places": len(distinct),
        "resolved": resolved,
        "unresolved": len(out) - resolved,
        "output": str(output),
    }
