"""The answer for one name: `PlaceMatch` (where, how precisely, from what, on what evidence) and
the `Candidate` places of a name it could not decide, or the rivals of the one it chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from conflictmap.geocode.records import PCODE, Place, distance_km
from conflictmap.schema import GeoPrecision

EXACT, NEAR, ADMIN2, ADMIN3, ADMIN1, REGION, COUNTRY = (
    GeoPrecision.EXACT.value,
    GeoPrecision.NEAR.value,
    GeoPrecision.DISTRICT.value,
    GeoPrecision.SUB_DISTRICT.value,
    GeoPrecision.PROVINCE.value,
    GeoPrecision.REGION.value,
    GeoPrecision.COUNTRY.value,
)


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


def as_candidate(place: Place, origin: tuple[float, float] | None = None) -> Candidate:
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


def answer(
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
        candidates=tuple(as_candidate(r, place.point) for r in rivals),
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


def refusal(
    query: str, reason: str, evidence: str, country: str | None = None, candidates: Iterable[Candidate] = ()
) -> PlaceMatch:
    return PlaceMatch(
        query=query,
        country_code=country,
        reason=reason,
        evidence=evidence,
        candidates=tuple(candidates)[:MAX_CANDIDATES],
    )
