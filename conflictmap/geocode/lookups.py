"""The gazetteer as the geocoder asks it: the places bearing a name (by `name_key`, or spelled alike,
by consonant skeleton), how many places bear it per country, a country's populated places, and the
administrative areas a province or district hint names, in any spelling or script or as a P-code.

A `Gazetteer` holds its entries as a few columns (text lists and number arrays) and its name index as
`Postings` (conflictmap.geocode.name_index); `Place` objects are made when asked for. It is built by
conflictmap.geocode.gazetteer from the sources read by conflictmap.geocode.sources.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Collection

import numpy as np

from conflictmap.geocode.name_index import name_postings, variant_postings
from conflictmap.geocode.normalise import likeness, name_key, skeleton, spelling_key
from conflictmap.geocode.records import (
    KIND_PRECISION,
    PCODE,
    POPULATED,
    TEXT_COLUMNS,
    Area,
    AreaHint,
    Country,
    Place,
)
from conflictmap.schema import GeoPrecision

_SOURCE_LABELS = {
    "wof": "Who's On First {}",
    "cod": "OCHA COD-AB {}",
    "geonames": "GeoNames cities500, geonameid {}",
}


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
        self.index = name_postings(names)
        # spelling variants: (country, consonant skeleton) -> rows of `index` (Latin and Arabic keys)
        self.variants = variant_postings(self.index, self.text["country"])
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
