"""Place names learned from events that already carry coordinates: an analyst's own file (or the
shipped UCDP data) teaches the geocoder how its places are spelled and where they are.

Only events placed exactly or to within 25 km teach a place name; district (admin2) and province
(admin1) names are learned too, at their own precision, as the median of their events.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from conflictmap.geocode.gazetteer import Gazetteer, Place, distance_km
from conflictmap.geocode.normalise import name_key

FINE = ("exact place", "within 25 km")


class LearnedPlaces:
    """A small index of learned places, looked up like the gazetteer (by `name_key`)."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        index: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            index[name_key(place.name)].append(place)
        self.index = dict(index)

    def lookup(self, key: str) -> list[Place]:
        return list(self.index.get(key, ()))

    def __len__(self) -> int:
        return len(self.places)


#: Events of one name spread wider than this are several places, or vaguely placed: nothing learned.
SPREAD_KM = 25.0


def _points(frame: pd.DataFrame, column: str, precision: str, gazetteer: Gazetteer, label: str) -> list[Place]:
    rows = frame[frame[column].notna() & (frame[column].astype("string").str.strip() != "")]
    if rows.empty:
        return []
    places = []
    grouped = rows.groupby([rows[column].astype(str), rows["country"].fillna("").astype(str)], sort=False)
    for (name_value, country_value), group in grouped:
        name, country = str(name_value), str(country_value)
        code = gazetteer.country_code(country) or ""
        latitude, longitude = float(group["latitude"].median()), float(group["longitude"].median())
        if precision == "exact place":
            spread = max(
                distance_km((latitude, longitude), point)
                for point in zip(group["latitude"], group["longitude"], strict=True)
            )
            if spread > SPREAD_KM:
                continue  # one name, places far apart: no lesson
        admin1 = group["admin1"].dropna().astype(str)
        admin2 = group["admin2"].dropna().astype(str)
        province = admin1.mode().iloc[0] if len(admin1) else None
        district = admin2.mode().iloc[0] if len(admin2) else ""
        province_area = gazetteer.find_area(province, "governorate", code or None).area if province else None
        district_area = (
            gazetteer.find_area(district, "district", code or None, province_area.code if province_area else None).area
            if district
            else None
        )
        datasets = ", ".join(sorted(group["dataset"].dropna().astype(str).unique())) or "the data"
        places.append(
            Place(
                name=name,
                latitude=latitude,
                longitude=longitude,
                country_code=code,
                admin1=province,
                population=len(group),
                kind="learned",
                source=f"learned from {len(group):,} {label} in {datasets}",
                precision=precision,
                admin1_code=province_area.code if province_area else "",
                admin2=district,
                admin2_code=district_area.code if district_area else "",
            )
        )
    return places


def learn_places(events: pd.DataFrame, gazetteer: Gazetteer) -> LearnedPlaces:
    """Learn place, district and province names from `events` that have source coordinates."""
    located = events[
        (events["located_by"] == "source coordinates") & events["latitude"].notna() & events["longitude"].notna()
    ]
    fine = located[located["geo_precision"].isin(FINE)]
    places = _points(fine, "place", "exact place", gazetteer, "precisely placed events")
    places += _points(located, "admin2", "district (admin2)", gazetteer, "events in that district")
    places += _points(located, "admin1", "province (admin1)", gazetteer, "events in that province")
    return LearnedPlaces(places)
