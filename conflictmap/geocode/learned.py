"""Place names learned from events that already carry coordinates: an analyst's own file (or the
shipped UCDP data) teaches the geocoder how its places are spelled and where they are.

Only events placed exactly or to within 25 km teach a place name; district (admin2) and province
(admin1) names are learned too, at their own precision, as the median of their events.
`LearnedPlaces.answer` is the answer they give a name.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from conflictmap.geocode.answers import ADMIN1, ADMIN2, EXACT, NEAR, PlaceMatch
from conflictmap.geocode.hints import Hints
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.normalise import kind_words, name_key
from conflictmap.geocode.records import PCODE, Place, distance_km

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

    def answer(
        self, gazetteer: Gazetteer, query: str, part: str, hints: Hints, near: bool, coarse: bool = False
    ) -> PlaceMatch | None:
        """The answer from learned places: the same name in the same country (and province, district,
        if hinted). Towns first: a district or province of the same name ("Hīt district", "Baghdād
        province") answers only when the name says so ("… province") or, with `coarse`, when nothing
        else did. A site word leaves sites to the curated supplement."""
        kinds = kind_words(part)
        if "site" in kinds:
            return None
        levels = {EXACT, NEAR}
        if "governorate" in kinds or coarse:
            levels.add(ADMIN1)
        if "district" in kinds or coarse:
            levels.add(ADMIN2)
        found = [p for p in self.lookup(name_key(part)) if hints.country is None or p.country_code == hints.country]
        if hints.province:
            found = [p for p in found if not p.admin1_code or gazetteer.contains(hints.province.code, p.admin1_code)]
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
