"""Offline geocoding: place names -> coordinates, with how precisely, from where, and why.

`OfflineGeocoder` is a geopy `Geocoder` (so it works wherever geopy geocoders do, e.g. under
`geopy.extra.rate_limiter.RateLimiter`); `resolve` is the richer call the project uses, returning a
`PlaceMatch` (conflictmap.geocode.answers) that keeps what was matched, its precision and admin
areas, the evidence for it, and the candidates of a name it could not decide.

It asks, in order: the analysts' overrides, an admin area's P-code, the two halves of a name in two
scripts, then each part of the name (conflictmap.geocode.query) under the row's hints
(conflictmap.geocode.hints): a region or country, a place learned from the data's own events
(conflictmap.geocode.learned), the gazetteer under the rules of conflictmap.geocode.rules.
"""

from __future__ import annotations

from dataclasses import replace

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from conflictmap.geocode.answers import ADMIN1, ADMIN2, PlaceMatch, answer, refusal
from conflictmap.geocode.hints import Hints, Unresolved, hints_in_name, read_hints, with_notes
from conflictmap.geocode.learned import LearnedPlaces
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.normalise import has_arabic, name_key, scripts
from conflictmap.geocode.query import check_name, name_parts
from conflictmap.geocode.ranking import SAME_PLACE_KM
from conflictmap.geocode.records import PCODE, Area, Place, distance_km
from conflictmap.geocode.regions import country_answer, region_answer
from conflictmap.geocode.rules import Decision, Outcome


class _NoNetwork(BaseSyncAdapter):
    """geopy's transport for a geocoder that never asks the network: no HTTP client, no TLS context
    (geopy's default adapter loads the system's certificates, a quarter of a second per geocoder)."""

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> object:
        raise GeocoderServiceError(f"the offline geocoder makes no requests ({url})")

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        raise GeocoderServiceError(f"the offline geocoder makes no requests ({url})")


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
        super().__init__(user_agent="conflictmap-offline", adapter_factory=_NoNetwork)
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
            return refusal(text, reason, evidence)
        try:
            hints = read_hints(self.gazetteer, country, admin1, admin2)
            return self._resolve(text, hints)
        except Unresolved as stop:
            return stop.match

    def _resolve(self, query: str, hints: Hints) -> PlaceMatch:
        pinned = self._override(query, hints)
        if pinned is not None:
            return pinned
        if PCODE.match(query):
            area = self.gazetteer.areas.get(query.upper())
            if area is not None:
                return self._area_answer(query, area, "the name is the area's P-code")
        found = scripts(query)
        if len(found) > 1:
            return self._mixed(query, hints, found)
        return self._resolve_parts(query, hints)

    def _resolve_parts(self, query: str, hints: Hints) -> PlaceMatch:
        """The whole name, then its parts, under `hints`; the strongest refusal when none answers."""
        outcome = Outcome(query, hints)
        parts = name_parts(query)
        if len(parts) > 1:
            hints, parts = hints_in_name(self.gazetteer, query, parts, hints)
            outcome.hints = hints
        for part, near in parts:
            match = self._resolve_part(query, part, near, hints, outcome)
            if match is not None:
                return with_notes(match, hints)
            if outcome.final:
                break
        if not outcome.final:
            for part, near in parts:  # nothing finer: a learned district or province of that name
                match = self._learned(query, part, hints, near, coarse=True)
                if match is not None:
                    return with_notes(match, hints)
        return with_notes(outcome.refusal(), hints)

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
            return refusal(
                query, "mixed scripts", f"the name mixes {' and '.join(sorted(found))} letters", hints.country
            )
        arabic = " ".join(w for w in query.split() if has_arabic(w))
        latin = " ".join(w for w in query.split() if not has_arabic(w))
        answers = [self._resolve(arabic, hints), self._resolve(latin, hints)]
        resolved = [a for a in answers if a.resolved]
        if len(resolved) == 2 and distance_km(_point(resolved[0]), _point(resolved[1])) <= SAME_PLACE_KM:
            return replace(resolved[0], query=query, evidence=resolved[0].evidence + "; the Latin name agrees")
        return refusal(
            query,
            "mixed scripts",
            f"the Arabic ('{arabic}') and Latin ('{latin}') halves of the name do not name one place",
            hints.country,
            [c for a in answers for c in a.candidates],
        )

    def _resolve_part(self, query: str, part: str, near: bool, hints: Hints, outcome: Outcome) -> PlaceMatch | None:
        key = name_key(part)
        if not key:
            return None
        region = region_answer(self.gazetteer, query, part, hints.country)
        if region is not None:
            return region
        country = self.gazetteer.country_code(part)
        if country is not None and hints.country in (None, country) and hints.province is None:
            return country_answer(self.gazetteer, query, country)
        learned = self._learned(query, part, hints, near)
        if learned is not None:
            return learned
        return Decision(self.gazetteer, query, part, key, near, hints, outcome).decide()

    def _learned(self, query: str, part: str, hints: Hints, near: bool, coarse: bool = False) -> PlaceMatch | None:
        if self.learned is None:
            return None
        return self.learned.answer(self.gazetteer, query, part, hints, near, coarse)

    def _area_answer(self, query: str, area: Area, evidence: str) -> PlaceMatch:
        place = self._area_place(area)
        return answer(query, place, place.precision, "gazetteer", evidence)

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


def _point(match: PlaceMatch) -> tuple[float, float]:
    assert match.latitude is not None and match.longitude is not None
    return (match.latitude, match.longitude)
