"""Offline geocoding: place names -> coordinates, with how precisely and from where.

`OfflineGeocoder` is a geopy `Geocoder` (so it works wherever geopy geocoders do, e.g. under
`geopy.extra.rate_limiter.RateLimiter`); `resolve` is the richer call the project uses, returning a
`PlaceMatch` that keeps what was matched, its precision, and the candidates of an ambiguous name.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from statistics import median
from typing import Protocol

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from conflictmap.geocode.gazetteer import Gazetteer, Place
from conflictmap.geocode.learned import LearnedPlaces
from conflictmap.geocode.normalise import SITE_WORDS, feature_words, fold, name_key, spelling_key

#: GEO_PRECISIONS labels (see conflictmap.schema) used by the geocoder.
EXACT, NEAR, ADMIN2, ADMIN1, REGION, COUNTRY = (
    "exact place",
    "within 25 km",
    "district (admin2)",
    "province (admin1)",
    "region of a country",
    "country",
)
ADMIN1_WORDS = frozenset({"province", "governorate"})
ADMIN2_WORDS = frozenset({"district", "qada", "qadaa"})
DIRECTIONS = {
    "north": (1, 0),
    "northern": (1, 0),
    "south": (-1, 0),
    "southern": (-1, 0),
    "east": (0, 1),
    "eastern": (0, 1),
    "west": (0, -1),
    "western": (0, -1),
    "northeast": (1, 1),
    "northeastern": (1, 1),
    "northwest": (1, -1),
    "northwestern": (1, -1),
    "southeast": (-1, 1),
    "southeastern": (-1, 1),
    "southwest": (-1, -1),
    "southwestern": (-1, -1),
    "central": (0, 0),
    "centre of": (0, 0),
}
_NEAR = re.compile(r"^(?:near|outside|outskirts of|close to|north of|south of|east of|west of)\s+", re.I)
_SPLIT = re.compile(r",|;|\s+\bnear\b\s+|\s+\bin\b\s+|\s+\bof\b\s+|\s+-\s+", re.I)
#: How alike two spellings must be (difflib ratio of their spelling keys) to be taken as one name.
VARIANT_SCORE = 0.8
#: Two towns of similar size further apart than this make a name ambiguous.
AMBIGUOUS_KM = 25.0


class Resolver(Protocol):
    """Anything that resolves place names as `OfflineGeocoder.resolve` does (e.g. a cache)."""

    def resolve(self, query: str, country: str | None = None, admin1: str | None = None) -> PlaceMatch: ...


@dataclass(frozen=True)
class PlaceMatch:
    """The answer for one name. `latitude is None` means unresolved; `candidates` then says why."""

    query: str
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None
    located_by: str = "unresolved"  # "gazetteer" or "supplement" when resolved
    matched_name: str | None = None
    admin1: str | None = None
    country_code: str | None = None
    source: str | None = None
    candidates: tuple[str, ...] = field(default=())

    @property
    def resolved(self) -> bool:
        return self.latitude is not None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance: `distance_km((33.34, 44.40), (33.42, 43.31))` is about 101 km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _describe(place: Place) -> str:
    return f"{place.name} ({place.country_code}, {place.latitude:.3f}, {place.longitude:.3f})"


class OfflineGeocoder(Geocoder):
    """A geopy geocoder over the offline `Gazetteer`; never touches the network."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        learned: LearnedPlaces | None = None,
        overrides: dict[tuple[str, str], Place] | None = None,
    ) -> None:
        """`learned`: place names learned from events with coordinates (see conflictmap.geocode.learned);
        they win over the gazetteer for the very same name, in the same country. `overrides`:
        names analysts pinned to coordinates (see conflictmap.geocode.overrides); they win over everything."""
        super().__init__(user_agent="conflictmap-offline")
        self.gazetteer = gazetteer
        self.learned = learned
        self.overrides = overrides or {}

    def with_learned(self, learned: LearnedPlaces) -> OfflineGeocoder:
        """The same gazetteer and overrides, taught by `learned`."""
        return OfflineGeocoder(self.gazetteer, learned, self.overrides)

    # geopy's interface -------------------------------------------------------------
    def geocode(self, query, *, exactly_one=True, timeout=None, country_codes=None):
        """geopy-style: a `Location` (or a list of one), or `None` when unresolved."""
        country = country_codes[0] if isinstance(country_codes, (list, tuple)) else country_codes
        match = self.resolve(str(query), country=country)
        if not match.resolved:
            return None
        location = Location(
            f"{match.matched_name}, {match.country_code}",
            (match.latitude, match.longitude),
            {"precision": match.precision, "located_by": match.located_by, "source": match.source},
        )
        return location if exactly_one else [location]

    # the project's interface ---------------------------------------------------------
    def resolve(self, query: str, country: str | None = None, admin1: str | None = None) -> PlaceMatch:
        """Resolve one place name, optionally hinted with a country (ISO-2, ISO-3 or name) and a
        province (admin1, in any of its spellings: "Nīnawá province", "Ninawa", "Nineveh"…).

        Tries the whole name, then its parts ("Dalil Air Base, near An Nasiriyah" tries
        "Dalil Air Base", then "An Nasiriyah" at "within 25 km"). A country hint restricts the
        answer to that country: a name found only elsewhere stays unresolved. A province hint
        does the same within the country (Iraq has two Al-Hamdaniyahs); a province the gazetteer
        does not know is ignored.
        """
        query = (query or "").strip()
        hint = self.gazetteer.country_code(country) if country else None
        if not name_key(query):
            return PlaceMatch(query=query, candidates=())
        pinned = self.overrides.get((name_key(query), hint or "")) or self.overrides.get((name_key(query), ""))
        if pinned is not None:
            return PlaceMatch(
                query=query,
                latitude=pinned.latitude,
                longitude=pinned.longitude,
                precision=pinned.precision,
                located_by="override",
                matched_name=pinned.name,
                country_code=pinned.country_code or hint,
                source=pinned.source,
            )
        seen_candidates: list[str] = []
        # a province known under any of its spellings; an unknown one is no hint at all
        province = self.gazetteer.provinces.get(name_key(admin1)) if admin1 else None
        for part, near in _parts(query):
            match = self._resolve_part(query, part, hint, near, seen_candidates, province)
            if match is not None:
                return match
        for part, near in _parts(query):  # nothing finer: a learned district or province of that name
            match = self._learned(query, part, hint, near, province, coarse=True)
            if match is not None:
                return match
        return PlaceMatch(query=query, country_code=hint, candidates=tuple(dict.fromkeys(seen_candidates)))

    def _resolve_part(
        self, query: str, part: str, hint: str | None, near: bool, seen: list[str], province: str | None = None
    ) -> PlaceMatch | None:
        region = self._region(query, part, hint)
        if region is not None:
            return region
        country = self.gazetteer.country_code(part)
        if country is not None and hint in (None, country):
            return self._country_point(query, country, COUNTRY, f"country {country}")
        learned = self._learned(query, part, hint, near, province)
        if learned is not None:
            return learned
        candidates = self.gazetteer.lookup(name_key(part))
        if hint:
            elsewhere = [p for p in candidates if p.country_code != hint]
            seen.extend(_describe(p) for p in elsewhere[:5])
            candidates = [p for p in candidates if p.country_code == hint]
        variant = False
        if not candidates and hint:
            candidates, variant = self._variants(part, hint), True
        if province and candidates:
            elsewhere = [p for p in candidates if p.admin1 and p.admin1 != province]
            candidates = [p for p in candidates if not p.admin1 or p.admin1 == province]
            if not candidates:  # only in other provinces: listed, not guessed
                seen.extend(f"{_describe(p)} in {p.admin1}" for p in elsewhere[:5])
                return None
        if not candidates:
            return None
        wants_site = bool(feature_words(part) & SITE_WORDS)
        candidates.sort(key=lambda p: (p.kind == "site") == wants_site and p.kind == "site", reverse=True)
        best = candidates[0]
        if best.kind != "site" or not wants_site:
            towns = sorted(candidates, key=lambda p: p.population, reverse=True)
            best = towns[0]
            rivals = [
                p
                for p in towns[1:]
                if p.population >= 0.5 * best.population
                and distance_km((p.latitude, p.longitude), (best.latitude, best.longitude)) > AMBIGUOUS_KM
            ]
            if rivals:
                seen.extend(_describe(p) for p in [best, *rivals][:5])
                return PlaceMatch(query=query, country_code=hint, candidates=tuple(dict.fromkeys(seen)))
        return PlaceMatch(
            query=query,
            latitude=best.latitude,
            longitude=best.longitude,
            precision=_level(part, NEAR if near else EXACT),
            located_by="supplement" if best.source.startswith("supplement") else "gazetteer",
            matched_name=best.name,
            admin1=best.admin1,
            country_code=best.country_code,
            source=best.source + ("; matched as a spelling variant" if variant else ""),
        )

    def _learned(
        self, query: str, part: str, hint: str | None, near: bool, province: str | None, coarse: bool = False
    ) -> PlaceMatch | None:
        """The answer from learned places: the same name in the same country (and province, if
        hinted). Towns first: a district or province of the same name ("Hīt district", "Baghdād
        province") answers only when the name says so ("… province") or, with `coarse`, when nothing
        else did. A site word leaves sites to the curated supplement."""
        words = feature_words(part)
        if self.learned is None or words & SITE_WORDS:
            return None
        levels = {EXACT, NEAR}
        if words & ADMIN1_WORDS or coarse:
            levels.add(ADMIN1)
        if words & ADMIN2_WORDS or coarse:
            levels.add(ADMIN2)
        found = [p for p in self.learned.lookup(name_key(part)) if hint is None or p.country_code == hint]
        if province:
            found = [p for p in found if p.admin1 is None or p.admin1 == province]
        found = [p for p in found if p.precision in levels]
        if not found:
            return None
        order = [EXACT, NEAR, ADMIN2, ADMIN1]
        if words & ADMIN2_WORDS:  # "Qaḑā’ al Fallūjah" is the district, not the town
            order = [ADMIN2, ADMIN1, EXACT, NEAR]
        elif words & ADMIN1_WORDS:
            order = [ADMIN1, ADMIN2, EXACT, NEAR]
        best = min(found, key=lambda p: (order.index(p.precision), -p.population))
        return PlaceMatch(
            query=query,
            latitude=best.latitude,
            longitude=best.longitude,
            precision=NEAR if near and best.precision == EXACT else best.precision,
            located_by="learned",
            matched_name=best.name,
            admin1=best.admin1,
            country_code=best.country_code or None,
            source=best.source,
        )

    def _variants(self, part: str, hint: str) -> list[Place]:
        """Places in the hinted country spelled like `part` ("Nassiriya" for "An Nāşirīyah"): same
        consonant skeleton and a close spelling; the closest ones only, so a weak match is no match."""
        wanted = spelling_key(part)
        scored = []
        for place in self.gazetteer.lookup_variants(part):
            if place.country_code != hint:
                continue
            score = SequenceMatcher(None, wanted, spelling_key(place.name)).ratio()
            if score >= VARIANT_SCORE:
                scored.append((score, place))
        if not scored:
            return []
        top = max(score for score, _ in scored)
        return [place for score, place in scored if score >= top - 0.02]

    def _region(self, query: str, part: str, hint: str | None) -> PlaceMatch | None:
        """ "northern Iraq" -> the median of the GeoNames places in the country's northern third.

        The country's extent is cut in thirds each way; a direction picks a third on its axis
        and the middle third on the other ("western Iraq" is the west third, middle band).
        """
        words = fold(part).split()
        if len(words) < 2 or words[0] not in DIRECTIONS:
            return None
        country = self.gazetteer.country_code(" ".join(words[1:]))
        if country is None or (hint and country != hint):
            return None
        north, east = DIRECTIONS[words[0]]
        places = self.gazetteer.places_in(country)
        if not places:
            return None
        lat_low, lat_high = min(p.latitude for p in places), max(p.latitude for p in places)
        lon_low, lon_high = min(p.longitude for p in places), max(p.longitude for p in places)

        def inside(value: float, low: float, high: float, direction: int) -> bool:
            """In the country's extent split in thirds: -1 the low third, 1 the high, 0 the middle."""
            first, second = low + (high - low) / 3, low + 2 * (high - low) / 3
            return {1: value >= second, -1: value <= first, 0: first <= value <= second}[direction]

        chosen = [
            p
            for p in places
            if inside(p.latitude, lat_low, lat_high, north) and inside(p.longitude, lon_low, lon_high, east)
        ]
        if not chosen:
            return None
        return PlaceMatch(
            query=query,
            latitude=median(p.latitude for p in chosen),
            longitude=median(p.longitude for p in chosen),
            precision=REGION,
            located_by="gazetteer",
            matched_name=f"{words[0]} {self.gazetteer.countries[country].name}",
            country_code=country,
            source=f"median of the {len(chosen)} GeoNames places in that part of the country",
        )

    def _country_point(self, query: str, country: str, precision: str, label: str) -> PlaceMatch | None:
        places = self.gazetteer.places_in(country)
        if not places:
            return None
        return PlaceMatch(
            query=query,
            latitude=median(p.latitude for p in places),
            longitude=median(p.longitude for p in places),
            precision=precision,
            located_by="gazetteer",
            matched_name=self.gazetteer.countries[country].name,
            country_code=country,
            source=f"{label}: median of its {len(places)} GeoNames places",
        )


def _level(part: str, precision: str) -> str:
    """A town matched for a district's or province's name stands for that area: say so.

    >>> _level("Qaḑā’ al Fallūjah", "exact place")
    'district (admin2)'
    """
    words = feature_words(part)
    if words & ADMIN1_WORDS:
        return ADMIN1
    if words & ADMIN2_WORDS:
        return ADMIN2
    return precision


def _parts(query: str) -> list[tuple[str, bool]]:
    """The names to try, most specific first, each with whether it is only "near" the event.

    >>> _parts("Dalil Air Base, near An Nasiriyah")
    [('Dalil Air Base, near An Nasiriyah', False), ('Dalil Air Base', False), ('An Nasiriyah', True)]
    """
    parts: list[tuple[str, bool]] = [(query, False)]
    near_whole = _NEAR.match(query)
    if near_whole:
        parts.append((query[near_whole.end() :], True))
    pieces = [piece.strip() for piece in _SPLIT.split(query) if piece and piece.strip()]
    if len(pieces) > 1:
        text = query
        for piece in pieces:
            position = text.find(piece)
            before = text[:position] if position >= 0 else ""
            near = bool(re.search(r"\bnear\b|\boutside\b|\boutskirts\b", before, re.I)) or bool(_NEAR.match(piece))
            cleaned = _NEAR.sub("", piece).strip()
            parts.append((cleaned, near))
            text = text[position + len(piece) :] if position >= 0 else text
    return list(dict.fromkeys(parts))
