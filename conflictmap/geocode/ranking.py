"""Places of one name grouped and ranked: records closer than SAME_PLACE_KM are one place, the record
that stands for a place, and the one place of an ambiguous name that the data set's other places
point to (`choose_by_context`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from conflictmap.geocode.answers import EXACT, MAX_CANDIDATES, PlaceMatch
from conflictmap.geocode.normalise import name_key, skeleton
from conflictmap.geocode.records import KIND_PRECISION, POPULATED, Place, distance_km

SAME_PLACE_KM = 15.0
#: A town this big is notable: found once in the country, it is the place meant.

CONTEXT_KM = 25.0
CONTEXT_PLACES = 2


def choose_by_context(match: PlaceMatch, others: np.ndarray) -> PlaceMatch:
    """An ambiguous name decided by the data set's other places: the one candidate with at least
    CONTEXT_PLACES of them within CONTEXT_KM, when no other candidate has any. `others` is an
    (n, 2) array of the latitudes and longitudes of the data set's other placed names (distinct
    places, the name itself left out). Any other match is returned as it is.

    >>> from conflictmap.geocode.answers import Candidate
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


def cluster_places(places: list[Place]) -> list[list[Place]]:
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


def representative(cluster: list[Place], key: str = "") -> Place:
    """The record that stands for a place: a curated site, else one whose own name is the name
    asked for, else the largest, else the first."""

    def rank(place: Place) -> tuple:
        own = bool(key) and (name_key(place.name) == key or skeleton(place.name) == skeleton(key))
        return (place.source.startswith("supplement"), own, place.population, place.kind in POPULATED, -place.number)

    return max(cluster, key=rank)


def representatives(places: list[Place], key: str = "") -> list[Place]:
    return [representative(c, key) for c in cluster_places(places)]
