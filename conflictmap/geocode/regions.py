"""A country, or a part of one ("northern Iraq"), as a point: the middle of its populated places."""

from __future__ import annotations

import numpy as np

from conflictmap.geocode.answers import COUNTRY, REGION, PlaceMatch
from conflictmap.geocode.lookups import Gazetteer

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


def region_answer(gazetteer: Gazetteer, query: str, part: str, hint: str | None) -> PlaceMatch | None:
    """ "northern Iraq" -> the median of the country's populated places in its northern third.

    The country's extent is cut in thirds each way; a direction picks a third on its axis
    and the middle third on the other ("western Iraq" is the west third, middle band).
    """
    words = part.casefold().split()
    if len(words) < 2 or words[0] not in DIRECTIONS:
        return None
    country = gazetteer.country_code(" ".join(words[1:]))
    if country is None or (hint and country != hint):
        return None
    north, east = DIRECTIONS[words[0]]
    lats, lons = gazetteer.points_in(country)
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
    name = f"{words[0]} {gazetteer.countries[country].name}"
    return PlaceMatch(
        query=query,
        latitude=float(np.median(lats[chosen])),
        longitude=float(np.median(lons[chosen])),
        precision=REGION,
        located_by="gazetteer",
        matched_name=name,
        country_code=country,
        source=f"median of the {int(chosen.sum()):,} populated places in that part of the country",
        evidence=f"'{part}' names a part of a country: the middle of its places there",
    )


def country_answer(gazetteer: Gazetteer, query: str, country: str) -> PlaceMatch | None:
    """The country's answer: the median of its populated places, at country precision."""
    lats, lons = gazetteer.points_in(country)
    if not len(lats):
        return None
    return PlaceMatch(
        query=query,
        latitude=float(np.median(lats)),
        longitude=float(np.median(lons)),
        precision=COUNTRY,
        located_by="gazetteer",
        matched_name=gazetteer.countries[country].name,
        country_code=country,
        source=f"country {country}: median of its {len(lats):,} populated places",
        evidence="the name is a country's",
    )
