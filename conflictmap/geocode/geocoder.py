"""Offline geocoding: place names -> coordinates, with how precisely, from where, and why.

`OfflineGeocoder` is a geopy `Geocoder` (so it works wherever geopy geocoders do, e.g. under
`geopy.extra.rate_limiter.RateLimiter`); `resolve` is the richer call the project uses, returning a
`PlaceMatch` that keeps what was matched, its precision and admin areas, the evidence for it, and
the candidates of a name it could not decide.

Precision comes before recall: a wrong point is worse than none. A name is answered only when the
evidence holds:

- a name found at several places (farther apart than SAME_PLACE_KM) is unresolved, with its
  candidates, unless a hint (country, province, district) leaves one, or one is a city and the others
  villages;
- a place found once is answered according to the hints it agrees with: inside the district given,
  any place; inside the province given, a name that is not generic ("Al Madinah", "Hay Al Askari")
  and either notable (a town of NOTABLE_POPULATION, an admin area, a curated site) or not common in
  the region; with the country alone, a notable place only;
- a spelling variant ("Nassiriya" for "An Nāşirīyah", "الفلوجة" for "Fallujah") needs a country hint,
  a close spelling with the same -iya ending, one place only, and a district that agrees or a
  notable place;
- "village" in the name never lands on a city; "district", "sub-district", "governorate" (in Latin
  or Arabic) answer the admin area, at its precision, with its P-code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from statistics import median
from typing import Protocol

import numpy as np
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from conflictmap.geocode.gazetteer import KIND_PRECISION, PCODE, Area, Gazetteer, Place, distance_km
from conflictmap.geocode.learned import LearnedPlaces
from conflictmap.geocode.normalise import (
    alike,
    has_arabic,
    is_generic,
    kind_words,
    name_key,
    scripts,
    skeleton,
)
from conflictmap.schema import GeoPrecision

__all__ = ["Candidate", "OfflineGeocoder", "PlaceMatch", "Resolver", "choose_by_context", "distance_km"]

EXACT, NEAR, ADMIN2, ADMIN3, ADMIN1, REGION, COUNTRY = (
    GeoPrecision.EXACT.value,
    GeoPrecision.NEAR.value,
    GeoPrecision.DISTRICT.value,
    GeoPrecision.SUB_DISTRICT.value,
    GeoPrecision.PROVINCE.value,
    GeoPrecision.REGION.value,
    GeoPrecision.COUNTRY.value,
)
AREA_KINDS = frozenset({"governorate", "district", "sub-district"})
POPULATED = frozenset({"locality", "neighbourhood", "city"})
SITES = frozenset({"site", "airport"})
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
_SPLIT = re.compile(r",|،|;|؛|\s+\bnear\b\s+|\s+\bin\b\s+|\s+\bof\b\s+|\s+-\s+", re.I)
#: Control characters (Unicode category Cc: C0, DEL, C1).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Longest place name taken: anything longer is not a place name.
MAX_NAME = 200
#: Two places of one name closer than this are taken as one place.
SAME_PLACE_KM = 15.0
#: A town this big is notable: found once in the country, it is the place meant.
NOTABLE_POPULATION = 5_000
#: A place this big is a city, never a "village".
CITY_POPULATION = 50_000
#: A town this big, ten times the size of any other place of its name, is the one meant.
DOMINANT_POPULATION = 20_000
#: A name borne by this many places in the country, or in the region, is common: finding it once in
#: a province proves little.
COMMON_IN_COUNTRY = 6
COMMON_IN_REGION = 12
#: How alike spellings must be (`likeness`) to be one name: same script, across scripts.
VARIANT_SCORE = 0.85
CROSS_SCRIPT_SCORE = 0.75
#: The countries whose places count in how common a name is (Arabic-speaking and their neighbours).
REGION_COUNTRIES = frozenset({"IQ", "SY", "JO", "KW", "SA", "IR", "TR", "LB", "EG", "AE", "QA", "BH", "OM", "YE", "PS"})


class Resolver(Protocol):
    """Anything that resolves place names as `OfflineGeocoder.resolve` does (e.g. a cache)."""

    def resolve(
        self, query: str, country: str | None = None, admin1: str | None = None, admin2: str | None = None
    ) -> PlaceMatch: ...


@dataclass(frozen=True)
class Candidate:
    """A place a name could mean; `km` how far it is from the answer (a rival) or, when the name is
    unresolved, from the area the hints give."""

    name: str
    latitude: float
    longitude: float
    country_code: str
    kind: str
    admin1: str = ""
    admin2: str = ""
    pcode: str = ""
    population: int = 0
    status: str = ""
    km: float | None = None

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.country_code, self.admin1, self.admin2, self.pcode) if part)
        size = f", {self.population:,} people" if self.population else ""
        status = f", {self.status}" if self.status else ""
        away = f", {self.km:,.0f} km away" if self.km is not None else ""
        return f"{self.name} ({self.kind}{size}{status}; {where}; {self.latitude:.3f}, {self.longitude:.3f}{away})"


def _candidate(place: Place, origin: tuple[float, float] | None = None) -> Candidate:
    return Candidate(
        name=place.name,
        latitude=place.latitude,
        longitude=place.longitude,
        country_code=place.country_code,
        kind=place.kind,
        admin1=place.admin1 or "",
        admin2=place.admin2,
        pcode=place.pcode,
        population=place.population,
        status=place.status,
        km=round(distance_km(origin, place.point), 1) if origin else None,
    )


@dataclass(frozen=True)
class PlaceMatch:
    """The answer for one name. `latitude is None` means unresolved: `reason` says why in a few
    words ("ambiguous", "not found", "unknown province", "empty name"…), `evidence` in a sentence,
    and `candidates` lists the places it could be. Resolved, `evidence` says why this place and
    `candidates` its rivals, with their distance from it."""

    query: str
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None
    located_by: str = "unresolved"  # a LocatedBy: override, learned, gazetteer, supplement, online
    matched_name: str | None = None
    admin1: str | None = None
    country_code: str | None = None
    source: str | None = None
    candidates: tuple[Candidate, ...] = field(default=())
    name_ar: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    pcode: str = ""  # the area's own P-code, or the sub-district the place lies in
    status: str = ""  # "abandoned", "destroyed", "historical" when the gazetteer says so
    evidence: str = ""
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.latitude is not None

    def candidates_text(self) -> str:
        return "; ".join(str(candidate) for candidate in self.candidates)


def _answer(
    query: str,
    place: Place,
    precision: str,
    located_by: str,
    evidence: str,
    rivals: Iterable[Place] = (),
    source_note: str = "",
) -> PlaceMatch:
    pcode = place.pcode
    return PlaceMatch(
        query=query,
        latitude=place.latitude,
        longitude=place.longitude,
        precision=precision,
        located_by=located_by,
        matched_name=place.name,
        admin1=place.admin1,
        country_code=place.country_code or None,
        source=place.source + source_note,
        candidates=tuple(_candidate(r, place.point) for r in rivals),
        name_ar=place.name_ar,
        admin1_pcode=place.admin1_code if PCODE.match(place.admin1_code or "") else "",
        admin2=place.admin2,
        admin2_pcode=place.admin2_code if PCODE.match(place.admin2_code or "") else "",
        pcode=pcode,
        status=place.status,
        evidence=evidence,
    )


#: At most this many candidates are listed (an ambiguous name with more is never decided by context).
MAX_CANDIDATES = 20


def _refusal(
    query: str, reason: str, evidence: str, country: str | None = None, candidates: Iterable[Candidate] = ()
) -> PlaceMatch:
    return PlaceMatch(
        query=query,
        country_code=country,
        reason=reason,
        evidence=evidence,
        candidates=tuple(candidates)[:MAX_CANDIDATES],
    )


@dataclass(frozen=True)
class Hints:
    """The hints of one row, understood: the country, and the province and district as areas."""

    country: str | None = None
    province: Area | None = None
    district: Area | None = None
    notes: tuple[str, ...] = ()

    @property
    def area(self) -> Area | None:
        return self.district or self.province

    def describe(self) -> str:
        parts = []
        if self.district:
            parts.append(f"district {self.district.name} ({self.district.code})")
        if self.province:
            code = f" ({self.province.code})" if PCODE.match(self.province.code) else ""
            parts.append(f"province {self.province.name}{code}")
        return " in ".join(parts)


class _Unresolved(Exception):
    """A hint or a name that stops the resolution with a reason (caught in `resolve`)."""

    def __init__(self, match: PlaceMatch) -> None:
        super().__init__(match.reason)
        self.match = match


def check_name(query: object) -> tuple[str, str, str]:
    """(cleaned name, reason, evidence): reason "" when the name can be looked up.

    >>> check_name("  Ramadi\\t")[:2]
    ('Ramadi', '')
    >>> check_name("Ram\\x00adi")[1], check_name("")[1], check_name("x" * 201)[1]
    ('control characters', 'empty name', 'name too long')
    """
    if query is None or (isinstance(query, float) and query != query):
        return "", "empty name", "no place name given"
    text = str(query)
    if len(text) > MAX_NAME:
        return (
            text[:60] + "…",
            "name too long",
            f"a name of {len(text):,} characters is not a place name (at most {MAX_NAME})",
        )
    text = re.sub(r"[\t\r\n]+", " ", text)
    controls = sorted({f"U+{ord(ch):04X}" for ch in _CONTROL.findall(text)})
    if controls:
        return text, "control characters", f"the name holds control characters ({', '.join(controls[:3])})"
    text = " ".join(text.split())
    if not text:
        return "", "empty name", "no place name given"
    if not any(ch.isalpha() for ch in text):
        return text, "no letters", "the name has no letters"
    return text, "", ""


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

    def with_learned(self, learned: LearnedPlaces | None) -> OfflineGeocoder:
        """The same gazetteer and overrides, taught by `learned`."""
        return OfflineGeocoder(self.gazetteer, learned, self.overrides)

    # geopy's interface -------------------------------------------------------------
    def geocode(  # geopy's base is untyped
        self,
        query: object,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        country_codes: str | list[str] | tuple[str, ...] | None = None,
    ) -> Location | list[Location] | None:
        """geopy-style: a `Location` (or a list of one), or `None` when unresolved."""
        country = country_codes[0] if isinstance(country_codes, (list, tuple)) else country_codes
        match = self.resolve(str(query), country=country)
        if not match.resolved:
            return None
        location = Location(
            f"{match.matched_name}, {match.country_code}",
            (match.latitude, match.longitude),
            {
                "precision": match.precision,
                "located_by": match.located_by,
                "source": match.source,
                "pcode": match.pcode,
                "evidence": match.evidence,
            },
        )
        return location if exactly_one else [location]

    # the project's interface ---------------------------------------------------------
    def resolve(
        self, query: str, country: str | None = None, admin1: str | None = None, admin2: str | None = None
    ) -> PlaceMatch:
        """Resolve one place name, optionally hinted with a country (ISO-2, ISO-3 or name), a province
        (admin1) and a district (admin2), each in any spelling or script, or as a P-code.

        Tries the whole name, then its parts ("Dalil Air Base, near An Nasiriyah" tries "Dalil Air
        Base", then "An Nasiriyah" at "within 25 km"); a part that names a province or district ("…,
        Basra") is a hint for the others. Never raises for a bad name or hint: the answer is
        unresolved, with the reason.
        """
        text, reason, evidence = check_name(query)
        if reason:
            return _refusal(text, reason, evidence)
        try:
            hints = self._hints(country, admin1, admin2)
            return self._resolve(text, hints)
        except _Unresolved as stop:
            return stop.match

    def _resolve(self, query: str, hints: Hints) -> PlaceMatch:
        pinned = self._override(query, hints)
        if pinned is not None:
            return pinned
        if PCODE.match(query):
            area = self.gazetteer.areas.get(query.upper())
            if area is not None:
                return self._area_answer(query, area, "the name is the area's P-code", hints)
        found = scripts(query)
        if len(found) > 1:
            return self._mixed(query, hints, found)
        outcome = _Outcome(query, hints)
        parts = _parts(query)
        if len(parts) > 1:
            hints, parts = self._hints_in_name(query, parts, hints)
            outcome.hints = hints
        for part, near in parts:
            match = self._resolve_part(query, part, near, hints, outcome)
            if match is not None:
                return _with_notes(match, hints)
            if outcome.final:
                break
        if not outcome.final:
            for part, near in parts:  # nothing finer: a learned district or province of that name
                match = self._learned(query, part, hints, near, coarse=True)
                if match is not None:
                    return _with_notes(match, hints)
        return _with_notes(outcome.refusal(), hints)

    # hints ----------------------------------------------------------------------------
    def _hints(self, country: str | None, admin1: str | None, admin2: str | None) -> Hints:
        gazetteer = self.gazetteer
        notes: list[str] = []
        country = _clean_hint(country)
        admin1, admin2 = _clean_hint(admin1), _clean_hint(admin2)
        code = None
        if country:
            code = gazetteer.country_code(country)
            if code is None:
                raise _Unresolved(
                    _refusal("", "unknown country", f"country '{country}' is not a country name or ISO code")
                )
        province = district = None
        if admin1:
            hint = gazetteer.find_area(admin1, "governorate", code)
            if hint.area is not None:
                province = hint.area
                if code is None:
                    code = province.country
                    notes.append(f"country {code} from the province given")
            elif hint.how == "no areas known":
                notes.append(f"province '{admin1}' not used: no provinces known for {code or 'that country'}")
            else:
                where = f" of {gazetteer.countries[code].name}" if code in gazetteer.countries else ""
                alike = f" (alike: {', '.join(a.name for a in hint.areas)})" if hint.areas else ""
                raise _Unresolved(_refusal("", "unknown province", f"'{admin1}' is not a province{where}{alike}", code))
        if admin2:
            hint = gazetteer.find_area(admin2, "district", code, within=province.code if province else None)
            if hint.area is None and province is not None:
                anywhere = gazetteer.find_area(admin2, "district", code)
                if anywhere.area is not None:
                    raise _Unresolved(
                        _refusal(
                            "",
                            "district not in province",
                            f"district '{admin2}' ({anywhere.area.name}) is not in the province given "
                            f"({province.name})",
                            code,
                        )
                    )
            if hint.area is not None:
                district = hint.area
                if province is None:
                    province = gazetteer.areas.get(district.parent)
                    code = code or district.country
            else:
                notes.append(f"district '{admin2}' not recognised, not used")
        return Hints(code, province, district, tuple(notes))

    def _hints_in_name(
        self, query: str, parts: list[tuple[str, bool]], hints: Hints
    ) -> tuple[Hints, list[tuple[str, bool]]]:
        """ "Al-Hamdaniya, Basra": a later part naming the country, a province or a district of it
        is a hint for the first (unless it contradicts the row's own hints)."""
        pieces = [p.strip() for p in re.split(r",|،|;|؛", query) if p.strip()]
        if len(pieces) < 2:
            return hints, parts
        gazetteer = self.gazetteer
        province, district, country = hints.province, hints.district, hints.country
        used = []
        for piece in pieces[1:]:
            if _NEAR.match(piece):
                continue
            code = gazetteer.country_code(piece)
            if code is not None and country in (None, code):
                country = code
                used.append(piece)
                continue
            if country is None:
                continue
            area = gazetteer.find_area(piece, "governorate", country).area
            if area is not None and (province is None or area.code == province.code):
                province = area
                used.append(piece)
                continue
            area = gazetteer.find_area(piece, "district", country, within=province.code if province else None).area
            if area is not None and (district is None or area.code == district.code):
                district = area
                province = province or gazetteer.areas.get(area.parent)
                used.append(piece)
        if not used:
            return hints, parts
        notes = (*hints.notes, f"read {', '.join(repr(u) for u in used)} in the name as hints")
        first = (pieces[0], False)
        rest = [p for p in parts if p[0] not in used and p != first]
        return Hints(country, province, district, notes), [first, *rest]

    # answers in order ------------------------------------------------------------------
    def _override(self, query: str, hints: Hints) -> PlaceMatch | None:
        key = name_key(query)
        pinned = self.overrides.get((key, hints.country or "")) or self.overrides.get((key, ""))
        if pinned is None:
            return None
        return PlaceMatch(
            query=query,
            latitude=pinned.latitude,
            longitude=pinned.longitude,
            precision=pinned.precision,
            located_by="override",
            matched_name=pinned.name,
            country_code=pinned.country_code or hints.country,
            source=pinned.source,
            evidence="an analyst pinned this name to these coordinates",
        )

    def _mixed(self, query: str, hints: Hints, found: frozenset[str]) -> PlaceMatch:
        """A name in two scripts ("Fallujah الفلوجة") is answered when both halves name one place."""
        if found != {"latin", "arabic"}:
            return _refusal(
                query, "mixed scripts", f"the name mixes {' and '.join(sorted(found))} letters", hints.country
            )
        arabic = " ".join(w for w in query.split() if has_arabic(w))
        latin = " ".join(w for w in query.split() if not has_arabic(w))
        answers = [self._resolve(arabic, hints), self._resolve(latin, hints)]
        resolved = [a for a in answers if a.resolved]
        if len(resolved) == 2 and distance_km(_point(resolved[0]), _point(resolved[1])) <= SAME_PLACE_KM:
            return replace(resolved[0], query=query, evidence=resolved[0].evidence + "; the Latin name agrees")
        return _refusal(
            query,
            "mixed scripts",
            f"the Arabic ('{arabic}') and Latin ('{latin}') halves of the name do not name one place",
            hints.country,
            [c for a in answers for c in a.candidates],
        )

    def _resolve_part(self, query: str, part: str, near: bool, hints: Hints, outcome: _Outcome) -> PlaceMatch | None:
        key = name_key(part)
        if not key:
            return None
        region = self._region(query, part, hints.country)
        if region is not None:
            return region
        country = self.gazetteer.country_code(part)
        if country is not None and hints.country in (None, country) and hints.province is None:
            return self._country_point(query, country)
        learned = self._learned(query, part, hints, near)
        if learned is not None:
            return learned
        return _Decision(self, query, part, key, near, hints, outcome).decide()

    def _learned(self, query: str, part: str, hints: Hints, near: bool, coarse: bool = False) -> PlaceMatch | None:
        """The answer from learned places: the same name in the same country (and province, district,
        if hinted). Towns first: a district or province of the same name ("Hīt district", "Baghdād
        province") answers only when the name says so ("… province") or, with `coarse`, when nothing
        else did. A site word leaves sites to the curated supplement."""
        if self.learned is None:
            return None
        kinds = kind_words(part)
        if "site" in kinds:
            return None
        levels = {EXACT, NEAR}
        if "governorate" in kinds or coarse:
            levels.add(ADMIN1)
        if "district" in kinds or coarse:
            levels.add(ADMIN2)
        found = [
            p for p in self.learned.lookup(name_key(part)) if hints.country is None or p.country_code == hints.country
        ]
        if hints.province:
            found = [
                p for p in found if not p.admin1_code or self.gazetteer.contains(hints.province.code, p.admin1_code)
            ]
        if hints.district:
            found = [p for p in found if not p.admin2_code or p.admin2_code == hints.district.code]
        found = [p for p in found if p.precision in levels]
        if not found:
            return None
        order = [EXACT, NEAR, ADMIN2, ADMIN1]
        if "district" in kinds:  # "Qaḑā’ al Fallūjah" is the district, not the town
            order = [ADMIN2, ADMIN1, EXACT, NEAR]
        elif "governorate" in kinds:
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
            admin1_pcode=best.admin1_code if PCODE.match(best.admin1_code or "") else "",
            admin2=best.admin2,
            admin2_pcode=best.admin2_code if PCODE.match(best.admin2_code or "") else "",
            pcode=best.pcode,
            evidence=f"the data's own events place '{part}' here ({best.source})",
        )

    def _area_answer(self, query: str, area: Area, evidence: str, hints: Hints) -> PlaceMatch:
        place = self._area_place(area)
        return _answer(query, place, place.precision, "gazetteer", evidence)

    def _area_place(self, area: Area) -> Place:
        for number in self.gazetteer.index.get(name_key(area.name)):
            place = self.gazetteer.place(number)
            if place.kind == area.level and (place.pcode == area.code or place.admin1_code == area.code):
                return place
        return Place(
            name=area.name,
            latitude=area.latitude,
            longitude=area.longitude,
            country_code=area.country,
            admin1=area.name if area.level == "governorate" else None,
            population=0,
            kind=area.level,
            source=area.code,
            precision=ADMIN1 if area.level == "governorate" else ADMIN2,
        )

    def _region(self, query: str, part: str, hint: str | None) -> PlaceMatch | None:
        """ "northern Iraq" -> the median of the country's populated places in its northern third.

        The country's extent is cut in thirds each way; a direction picks a third on its axis
        and the middle third on the other ("western Iraq" is the west third, middle band).
        """
        words = part.casefold().split()
        if len(words) < 2 or words[0] not in DIRECTIONS:
            return None
        country = self.gazetteer.country_code(" ".join(words[1:]))
        if country is None or (hint and country != hint):
            return None
        north, east = DIRECTIONS[words[0]]
        lats, lons = self.gazetteer.points_in(country)
        if not len(lats):
            return None
        # a few records placed in another continent must not stretch the country's extent
        middle_lat, middle_lon = np.median(lats), np.median(lons)
        spread = np.hypot(lats - middle_lat, (lons - middle_lon) * np.cos(np.radians(middle_lat)))
        keep = spread <= 1.5 * np.quantile(spread, 0.99)
        lats, lons = lats[keep], lons[keep]

        def inside(values: np.ndarray, direction: int) -> np.ndarray:
            low, high = values.min(), values.max()
            first, second = low + (high - low) / 3, low + 2 * (high - low) / 3
            return {1: values >= second, -1: values <= first, 0: (first <= values) & (values <= second)}[direction]

        chosen = inside(lats, north) & inside(lons, east)
        if not chosen.any():
            return None
        name = f"{words[0]} {self.gazetteer.countries[country].name}"
        return PlaceMatch(
            query=query,
            latitude=float(median(lats[chosen].tolist())),
            longitude=float(median(lons[chosen].tolist())),
            precision=REGION,
            located_by="gazetteer",
            matched_name=name,
            country_code=country,
            source=f"median of the {int(chosen.sum()):,} populated places in that part of the country",
            evidence=f"'{part}' names a part of a country: the middle of its places there",
        )

    def _country_point(self, query: str, country: str) -> PlaceMatch | None:
        lats, lons = self.gazetteer.points_in(country)
        if not len(lats):
            return None
        return PlaceMatch(
            query=query,
            latitude=float(median(lats.tolist())),
            longitude=float(median(lons.tolist())),
            precision=COUNTRY,
            located_by="gazetteer",
            matched_name=self.gazetteer.countries[country].name,
            country_code=country,
            source=f"country {country}: median of its {len(lats):,} populated places",
            evidence="the name is a country's",
        )


#: How near the data set's other places must be to a candidate to count for it, and how many must.
CONTEXT_KM = 25.0
CONTEXT_PLACES = 2


def choose_by_context(match: PlaceMatch, others: np.ndarray) -> PlaceMatch:
    """An ambiguous name decided by the data set's other places: the one candidate with at least
    CONTEXT_PLACES of them within CONTEXT_KM, when no other candidate has any. `others` is an
    (n, 2) array of the latitudes and longitudes of the data set's other placed names (distinct
    places, the name itself left out). Any other match is returned as it is.

    >>> far = Candidate("Hamdan", 35.95, 42.32, "IQ", "locality")
    >>> near = Candidate("Hamdan", 34.13, 44.86, "IQ", "locality")
    >>> ambiguous = PlaceMatch("Hamdan", reason="ambiguous", candidates=(far, near))
    >>> chosen = choose_by_context(ambiguous, np.array([[34.10, 44.80], [34.20, 44.95], [30.5, 47.8]]))
    >>> (chosen.latitude, chosen.longitude, chosen.precision)
    (34.13, 44.86, 'exact place')
    """
    if match.resolved or match.reason != "ambiguous" or not len(others):
        return match
    if not 2 <= len(match.candidates) < MAX_CANDIDATES:  # a list cut short may lack the place meant
        return match
    lat = np.radians(others[:, 0])
    lon = np.radians(others[:, 1])
    support = []
    for candidate in match.candidates:
        clat, clon = np.radians(candidate.latitude), np.radians(candidate.longitude)
        h = np.sin((lat - clat) / 2) ** 2 + np.cos(clat) * np.cos(lat) * np.sin((lon - clon) / 2) ** 2
        support.append(int((2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(h, 1.0))) <= CONTEXT_KM).sum()))
    backed = [i for i, count in enumerate(support) if count]
    if len(backed) != 1 or support[backed[0]] < CONTEXT_PLACES:
        return match
    chosen = match.candidates[backed[0]]
    rivals = tuple(
        replace(c, km=round(distance_km((c.latitude, c.longitude), (chosen.latitude, chosen.longitude)), 1))
        for c in match.candidates
        if c is not chosen
    )
    pcode = chosen.pcode
    return replace(
        match,
        latitude=chosen.latitude,
        longitude=chosen.longitude,
        precision=KIND_PRECISION.get(chosen.kind, EXACT),
        located_by="gazetteer",
        matched_name=chosen.name,
        admin1=chosen.admin1 or None,
        country_code=chosen.country_code,
        source=f"{chosen.name}: of {len(match.candidates)} places of that name, the one the data set's others point to",
        candidates=rivals,
        admin1_pcode=pcode[:5] if pcode else "",
        admin2=chosen.admin2,
        admin2_pcode=pcode[:8] if len(pcode) >= 8 else "",
        pcode=pcode,
        status=chosen.status,
        evidence=(
            f"{match.evidence}; the data set's other places pick one: {support[backed[0]]} of them lie within "
            f"{CONTEXT_KM:.0f} km of {chosen.name}, none near the other {len(rivals)}"
        ),
        reason="",
    )


def _point(match: PlaceMatch) -> tuple[float, float]:
    assert match.latitude is not None and match.longitude is not None
    return (match.latitude, match.longitude)


def _clean_hint(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(str(value).split())
    if not text or len(text) > MAX_NAME or _CONTROL.search(text):
        return None if not text else text[:MAX_NAME]
    return text


def _with_notes(match: PlaceMatch, hints: Hints) -> PlaceMatch:
    if not hints.notes:
        return match
    return replace(match, evidence="; ".join(part for part in (match.evidence, *hints.notes) if part))


class _Outcome:
    """What the parts of one name found, for the refusal when none is answered."""

    def __init__(self, query: str, hints: Hints) -> None:
        self.query, self.hints = query, hints
        self.reason, self.evidence = "not found", "no place of that name in the gazetteer"
        self.candidates: list[Candidate] = []
        self.final = False  # a refusal the other parts must not overrule (e.g. only elsewhere)
        self.rank = 0

    def refuse(
        self, reason: str, evidence: str, candidates: Iterable[Candidate] = (), final: bool = False, rank: int = 1
    ) -> None:
        """Keep the strongest reason (the first part's, unless a later one found more)."""
        if rank > self.rank:
            self.reason, self.evidence, self.rank = reason, evidence, rank
        self.candidates.extend(candidates)
        self.final = self.final or final

    def refusal(self) -> PlaceMatch:
        where = f" in {self.hints.describe()}" if self.hints.area else ""
        evidence = self.evidence if self.reason != "not found" else f"no place of that name{where} in the gazetteer"
        unique = list({str(c): c for c in self.candidates}.values())
        return _refusal(self.query, self.reason, evidence, self.hints.country, unique)


class _Decision:
    """The decision for one part of a name: find its places, weigh the evidence, answer or refuse."""

    def __init__(
        self, geocoder: OfflineGeocoder, query: str, part: str, key: str, near: bool, hints: Hints, outcome: _Outcome
    ) -> None:
        self.geocoder, self.gazetteer = geocoder, geocoder.gazetteer
        self.query, self.part, self.key, self.near, self.hints, self.outcome = query, part, key, near, hints, outcome
        self.kinds = kind_words(part)
        self._variant_cache: list[tuple[Place, bool]] | None = None

    @property
    def generic(self) -> bool:
        return is_generic(self.part)

    # the steps ---------------------------------------------------------------------
    def decide(self) -> PlaceMatch | None:
        country = self.hints.country
        found = self.gazetteer.lookup(self.key, country)
        elsewhere = self.gazetteer.lookup(self.key) if country and not found else []
        exact = self._weigh(found, variant=False)
        if exact is not None or self.outcome.final:
            return exact
        if country and not any(p.kind not in AREA_KINDS for p in found):
            variants = self._variants()
            # the same spelling key (doubled letters, a silent h, e/a, q/k…) is the same name
            alike = [p for p, same in variants if same]
            match = self._weigh(alike, variant=False) if alike else self._weigh([p for p, _ in variants], variant=True)
            if match is not None or self.outcome.final:
                return match
        if elsewhere and not found:
            where = self.gazetteer.countries.get(country or "")
            self.outcome.refuse(
                "only elsewhere",
                f"'{self.part}' is only known outside {where.name if where else country}",
                [_candidate(p) for p in elsewhere[:5]],
                rank=1,
            )
        return None

    def _variants(self) -> list[tuple[Place, bool]]:
        """Places of the hinted country spelled like the part, the closest spellings only, each with
        whether its spelling key is the part's own (a difference of doubled letters or vowels)."""
        if self._variant_cache is not None:
            return self._variant_cache
        arabic = has_arabic(self.part)
        scored: list[tuple[float, Place, bool]] = []
        area = self.hints.area
        for key, place in self.gazetteer.lookup_variants(self.key, self.hints.country or ""):
            if area is not None and not self._within(place, area):
                continue  # a spelling variant is looked for inside the hints only
            same_script = has_arabic(key) == arabic
            score = alike(self.key, key, VARIANT_SCORE if same_script else CROSS_SCRIPT_SCORE)
            if score:
                scored.append((score, place, same_script and score >= 0.999))
        best: dict[int, tuple[Place, bool]] = {}
        if scored:
            top = max(score for score, _, _ in scored)
            for score, place, same in scored:
                if score >= top - 0.02:
                    best[place.number] = (place, same or best.get(place.number, (place, False))[1])
        self._variant_cache = list(best.values())
        return self._variant_cache

    def _in_hints(self, place: Place) -> bool:
        area = self.hints.area
        return area is None or self._within(place, area)

    def _within(self, place: Place, area: Area) -> bool:
        """Whether a place lies in an area: by its codes (P-codes nest: IQG15Q04N01 is in IQG15Q04,
        in IQG15), else, for a place without codes, by the area's bounding box."""
        code = place.admin3_code or place.admin2_code or place.admin1_code
        if code:
            return code.startswith(area.code) if PCODE.match(area.code) else place.admin1_code == area.code
        return area.holds(place.latitude, place.longitude)

    def _fits(self, place: Place) -> bool:
        """Whether a place is the kind the name says: a "village" is no city, a "district" a district."""
        kinds = self.kinds
        for level in ("governorate", "district", "sub-district"):
            if level in kinds:
                return place.kind == level
        if "site" in kinds:
            return place.kind in SITES
        if "village" in kinds:
            return place.kind in POPULATED and place.population < CITY_POPULATION
        if "neighbourhood" in kinds:
            return place.kind in ("neighbourhood", "locality")
        return place.kind not in SITES

    def _weigh(self, places: list[Place], variant: bool) -> PlaceMatch | None:
        if not places:
            return None
        fitting = [p for p in places if self._fits(p)]
        if not fitting and self.kinds & (AREA_KINDS | {"site"}):
            fitting = [p for p in places if p.kind in POPULATED]  # a town for the area or the site
        if not fitting and not self.kinds:
            fitting = [p for p in places if p.kind in SITES]  # a site's own name ("Q-West")
        if not fitting:
            big = [p for p in places if p.kind in POPULATED and p.population >= CITY_POPULATION]
            if "village" in self.kinds and big:
                self.outcome.refuse(
                    "not a village",
                    f"'{self.part}' is a village; the place of that name is a city of {big[0].population:,}",
                    [_candidate(big[0])],
                    rank=2,
                )
            return None
        if "town" in self.kinds:  # a town is a living place, not one a record calls a village
            living = [p for p in fitting if not p.status and "village" not in kind_words(p.name)]
            fitting = living or fitting
        inside = [p for p in fitting if self._in_hints(p)]
        outside = [p for p in fitting if not self._in_hints(p)]
        if not inside:
            if outside and self.hints.area:
                origin = self.hints.area.point
                self.outcome.refuse(
                    "only elsewhere",
                    f"'{self.part}' is not known in the {self.hints.describe()}; only elsewhere",
                    [_candidate(p, origin) for p in _representatives(outside, self.key)[:6]],
                    final=not variant,
                    rank=3,
                )
            return None
        areas = [p for p in inside if p.kind in AREA_KINDS]
        others = [p for p in inside if p.kind not in AREA_KINDS]
        if self.kinds & AREA_KINDS and areas:
            pool = areas
        elif others:
            # admin areas of the same name are the name at another level (mostly after their seat),
            # not rivals; a site word asks for the project's curated sites first
            curated = [p for p in others if p.source.startswith("supplement")]
            pool = curated if "site" in self.kinds and curated else others
        else:
            pool = areas
            if not variant and self.hints.country:
                seat = self._seat(areas)
                if seat is not None:
                    return seat
        clusters = self._rivals(_clusters(pool))
        if len(clusters) > 1:
            return self._ambiguous(clusters, outside, variant)
        best = _representative(clusters[0], self.key)
        return self._accept(best, clusters[0], outside, variant)

    def _rivals(self, clusters: list[list[Place]]) -> list[list[Place]]:
        """Clusters that are different places: a record named as an area ("Nāḩiyat al Karmah") in the
        same sub-district or district as a plain one ("Al Karmah") is that place at another level."""
        if len(clusters) < 2:
            return clusters
        plain = [c for c in clusters if not all(_named_as_area(p) for p in c)]
        if not plain:
            return clusters
        codes = {code for c in plain for p in c for code in (p.admin3_code, p.admin2_code) if code}
        return [
            c
            for c in clusters
            if c in plain or not any(code in codes for p in c for code in (p.admin3_code, p.admin2_code) if code)
        ]

    def _area(self, place: Place) -> Area:
        return self.gazetteer.areas.get(place.pcode) or Area(
            place.pcode,
            place.kind,
            place.name,
            "",
            "",
            place.country_code,
            place.latitude,
            place.longitude,
            frozenset(),
            (),
        )

    def _seat(self, areas: list[Place]) -> PlaceMatch | None:
        """Only admin areas have the exact name ("Muqdadiya" is district Al-Muqdadiya): a town spelled
        like it inside that area is its seat, and what a bare name means."""
        variants = [p for p, _ in self._variants() if p.kind in POPULATED]
        seats = [p for p in variants if any(self._within(p, self._area(a)) for a in areas)]
        clusters = self._rivals(_clusters(seats))
        if len(clusters) != 1:
            return None
        area = areas[0]
        best = _representative(clusters[0], self.key)
        precision = NEAR if self.near else EXACT
        evidence = (
            f"'{self.part}' is the name of {area.kind} {area.name} ({area.pcode}); {best.name}, spelled alike, "
            f"is the one town of that name inside it"
        )
        return _answer(
            self.query, best, precision, "gazetteer", evidence, source_note="; matched as a spelling variant"
        )

    def _ambiguous(self, clusters: list[list[Place]], outside: list[Place], variant: bool) -> PlaceMatch | None:
        """Several places: a town among villages is the one meant, so is the one the project's curated
        list names among places of no note; else the name stays unresolved."""
        every = clusters

        def size(cluster: list[Place], own: bool) -> int:
            """A town's population (not an area's, as "Qaḑā’ X" records carry), if its own name is the name."""
            towns = [p for p in cluster if not _named_as_area(p) and (not own or _own_name(p, self.key))]
            return max((p.population for p in towns), default=0)

        sizes = sorted(((size(c, True), i) for i, c in enumerate(every)), reverse=True)
        top, index = sizes[0]
        second = max((size(c, False) for i, c in enumerate(every) if i != index), default=0)
        curated = [i for i, c in enumerate(every) if any(p.source.startswith("supplement") for p in c)]
        others_plain = len(curated) == 1 and not any(
            _notable(p) for i, c in enumerate(every) if i != curated[0] for p in c
        )
        if not variant and "village" not in self.kinds:
            chosen, because = None, ""
            if top >= DOMINANT_POPULATION and top >= 10 * max(second, 1):
                chosen, because = index, f"a town of {top:,}; the other places of that name are far smaller"
            elif others_plain:
                chosen, because = curated[0], "the project's curated list names it; the others are places of no note"
            if chosen is not None:
                best = _representative(every[chosen], self.key)
                rivals = [_representative(c, self.key) for i, c in enumerate(every) if i != chosen]
                return self._accept(best, every[chosen], [*rivals, *outside], variant, because)
        origin = self.hints.area.point if self.hints.area else None
        reps = [_representative(c, self.key) for c in every]
        where = (
            f" in the {self.hints.describe()}"
            if self.hints.area
            else (f" in {self.hints.country}" if self.hints.country else "")
        )
        word = "spelled like" if variant else "named"
        self.outcome.refuse(
            "ambiguous",
            f"{len(every)} places {word} '{self.part}'{where}; no hint picks one",
            [_candidate(p, origin) for p in reps[:MAX_CANDIDATES]],
            rank=4,
        )
        return None

    def _namesakes(self) -> tuple[int, int]:
        """How many distinct populated places bear the name: in the hinted country, in the region
        (places of one name in one 0.1-degree cell, about 10 km, count once)."""
        country, region = set(), set()
        for code, latitude, longitude in self.gazetteer.count(self.key, REGION_COUNTRIES, POPULATED):
            cell = (code, round(latitude, 1), round(longitude, 1))
            region.add(cell)
            if code == self.hints.country:
                country.add(cell)
        return len(country), len(region)

    def _accept(
        self, best: Place, cluster: list[Place], outside: list[Place], variant: bool, chosen: str = ""
    ) -> PlaceMatch | None:
        """One place (or the one `chosen` among several, saying why): answer it if the evidence holds."""
        hints = self.hints
        level = "district" if hints.district else "province" if hints.province else "country" if hints.country else ""
        # an admin area the name names at its own level ("ناحية جرف الصخر", "Markaz Al-Ramadi") is as
        # good as a notable place: there are few of them
        notable = _notable(best) or bool(chosen) or (best.kind in AREA_KINDS and best.kind in self.kinds)
        short = len(skeleton(self.part)) < 4
        why_not = None
        if variant:
            if level == "province" and ((short and not notable) or self.generic):
                why_not = "a spelling variant of a short or generic name, with only the province given"
            elif level == "country" and not (notable and not self.generic):
                why_not = "a spelling variant of a small place, with only the country given"
            elif level == "":
                why_not = "a spelling variant, with no country given"
        elif self.generic and level != "district" and best.kind not in AREA_KINDS:
            why_not = f"'{self.part}' is a generic name: found once, it proves nothing without the district"
        elif level == "province" and not notable:
            in_country, in_region = self._namesakes()
            if in_country >= COMMON_IN_COUNTRY or in_region >= COMMON_IN_REGION:
                why_not = (
                    f"'{self.part}' is a common name ({in_country} places in {hints.country}, {in_region} in the "
                    "region): the district would decide"
                )
        elif level == "country" and not notable:
            why_not = (
                f"'{best.name}' is a small place and only the country is given: the province or district would decide"
            )
        elif level == "" and not notable:
            why_not = "a small place, and no country given"
        if why_not:
            self.outcome.refuse(
                "weak evidence", why_not, [_candidate(best, hints.area.point if hints.area else None)], rank=2
            )
            return None
        origin = best.point
        rivals = [p for p in _representatives(outside, self.key) if distance_km(origin, p.point) > SAME_PLACE_KM][:6]
        precision = best.precision
        if best.kind not in AREA_KINDS:
            if "governorate" in self.kinds:
                precision = ADMIN1  # a town matched for a province's name stands for the province
            elif "district" in self.kinds:
                precision = ADMIN2
            elif "sub-district" in self.kinds and best.kind in POPULATED and _named_as_area(best):
                precision = ADMIN3
            elif self.near or "area" in self.kinds:
                precision = NEAR
        located_by = "supplement" if best.source.startswith("supplement") else "gazetteer"
        return _answer(
            self.query,
            best,
            precision,
            located_by,
            self._evidence(best, cluster, rivals, variant, level, chosen, notable),
            rivals,
            "; matched as a spelling variant" if variant else "",
        )

    def _evidence(
        self,
        best: Place,
        cluster: list[Place],
        rivals: list[Place],
        variant: bool,
        level: str,
        chosen: str,
        notable: bool,
    ) -> str:
        kind = best.kind if best.kind != "city" else "town"
        size = f" of {best.population:,} people" if best.population else ""
        status = f" ({best.status})" if best.status else ""
        where = ", ".join(x for x in (best.admin2, best.admin1) if x)
        how = "spelled like" if variant else "named"
        said = [f"'{self.part}': the {kind}{status}{size} {how} it, {best.name}" + (f" in {where}" if where else "")]
        if level in ("district", "province"):
            said.append(f"inside the {self.hints.describe()} given")
        elif level == "country" and not chosen:
            said.append(f"the only place of that name in {best.country_code}")
        if chosen:
            said.append(chosen)
        elif notable and level == "country":
            said.append("a notable place")
        if len(cluster) > 1:
            said.append(f"{len(cluster)} records within {SAME_PLACE_KM:.0f} km taken as one place")
        if rivals:
            nearest = min(distance_km(best.point, r.point) for r in rivals)
            said.append(f"{len(rivals)} other place(s) of that name, nearest {nearest:,.0f} km away")
        return "; ".join(said)


def _own_name(place: Place, key: str) -> bool:
    """Whether `key` is the place's own name, not one of its alternates."""
    return name_key(place.name) == key or skeleton(place.name) == skeleton(key)


_AREA_NAMED: dict[int, bool] = {}


def _named_as_area(place: Place) -> bool:
    """Whether a populated place's own name says it is an area ("Nāḩiyat al Karmah", "Qaḑā’ …")."""
    found = _AREA_NAMED.get(place.number) if place.number >= 0 else None
    if found is None:
        found = bool(kind_words(place.name) & AREA_KINDS)
        if place.number >= 0 and len(_AREA_NAMED) < 500_000:
            _AREA_NAMED[place.number] = found
    return found


def _notable(place: Place) -> bool:
    """A town of NOTABLE_POPULATION, a province's or district's seat or area, a curated site: a place
    a list would name without saying more. (A sub-district's seat or area is not: "Bahar" is also a
    village.)"""
    return (
        place.population >= NOTABLE_POPULATION
        or place.kind in ("governorate", "district")
        or place.source.startswith("supplement")
        or place.feature_code in ("PPLA", "PPLA2", "PPLC")
    )


def _clusters(places: list[Place]) -> list[list[Place]]:
    """Places of one name grouped: closer than SAME_PLACE_KM (single linkage) is one place."""
    groups: list[list[Place]] = []
    for place in places[:300]:
        joined = [g for g in groups if any(distance_km(place.point, q.point) <= SAME_PLACE_KM for q in g)]
        if not joined:
            groups.append([place])
            continue
        first = joined[0]
        first.append(place)
        for other in joined[1:]:
            first.extend(other)
            groups.remove(other)
    return groups


def _representative(cluster: list[Place], key: str = "") -> Place:
    """The record that stands for a place: a curated site, else one whose own name is the name
    asked for, else the largest, else the first."""

    def rank(place: Place) -> tuple:
        own = bool(key) and (name_key(place.name) == key or skeleton(place.name) == skeleton(key))
        return (place.source.startswith("supplement"), own, place.population, place.kind in POPULATED, -place.number)

    return max(cluster, key=rank)


def _representatives(places: list[Place], key: str = "") -> list[Place]:
    return [_representative(c, key) for c in _clusters(places)]


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
        for piece in pieces[:6]:
            position = text.find(piece)
            before = text[:position] if position >= 0 else ""
            near = bool(re.search(r"\bnear\b|\boutside\b|\boutskirts\b", before, re.I)) or bool(_NEAR.match(piece))
            cleaned = _NEAR.sub("", piece).strip()
            parts.append((cleaned, near))
            text = text[position + len(piece) :] if position >= 0 else text
    return list(dict.fromkeys(parts))
