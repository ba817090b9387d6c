"""The join of events with their places: events without coordinates are geocoded, and every
event keeps how it was placed. Unresolved places are listed, never dropped, never put at 0,0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from conflictmap.geocode.geocoder import Resolver

#: Columns of the places table, one row per distinct place name (and country) in the data.
PLACE_COLUMNS = [
    "place",
    "identified_as",
    "country",
    "events",
    "latitude",
    "longitude",
    "geo_precision",
    "located_by",
    "matched_name",
    "match_source",
    "candidates",
]


@dataclass(frozen=True)
class Placed:
    events: pd.DataFrame  # every event; unresolved ones have NaN coordinates
    places: pd.DataFrame  # PLACE_COLUMNS


def _query(events: pd.DataFrame) -> pd.Series:
    return events["place_identified_as"].fillna(events["place"]).fillna("")


def place_events(
    events: pd.DataFrame, geocoder: Resolver, progress: Callable[[int, int], None] | None = None
) -> Placed:
    """Geocode the events that lack coordinates and describe every place in the data.

    `progress(done, total)` is called as distinct place names are resolved (for a progress bar).
    """
    events = events.copy()
    needs = events["latitude"].isna() | events["longitude"].isna()
    queries = _query(events)
    pairs = pd.DataFrame({"query": queries[needs], "country": events.loc[needs, "country"].fillna("")})
    distinct = list(pairs.drop_duplicates().itertuples(index=False))
    matches = {}
    for number, (query, country) in enumerate(distinct, start=1):
        matches[(query, country)] = geocoder.resolve(query, country=country or None)
        if progress is not None and (number % 50 == 0 or number == len(distinct)):
            progress(number, len(distinct))
    for index in pairs.index:
        match = matches[(pairs.at[index, "query"], pairs.at[index, "country"])]
        events.at[index, "located_by"] = match.located_by
        if match.resolved:
            events.at[index, "latitude"] = match.latitude
            events.at[index, "longitude"] = match.longitude
            events.at[index, "geo_precision"] = match.precision
            events.at[index, "matched_name"] = match.matched_name
            if pd.isna(events.at[index, "admin1"]) and match.admin1:
                events.at[index, "admin1"] = match.admin1

    keys = ["place", "place_identified_as", "country"]
    grouped = events.assign(_n=1).groupby(keys, dropna=False, sort=False)
    places = (
        grouped.agg(
            events=("_n", "sum"),
            latitude=("latitude", "first"),
            longitude=("longitude", "first"),
            geo_precision=("geo_precision", "first"),
            located_by=("located_by", "first"),
            matched_name=("matched_name", "first"),
        )
        .reset_index()
        .rename(columns={"place_identified_as": "identified_as"})
    )
    sources, candidates = [], []
    for row in places.itertuples(index=False):
        query = row.identified_as if pd.notna(row.identified_as) else row.place
        match = matches.get((query if pd.notna(query) else "", row.country if pd.notna(row.country) else ""))
        sources.append(match.source if match else ("the data set's own coordinates"))
        candidates.append("; ".join(match.candidates) if match and not match.resolved else "")
    places["match_source"] = sources
    places["candidates"] = candidates
    places = places[PLACE_COLUMNS].sort_values(["located_by", "events"], ascending=[True, False])
    return Placed(events=events, places=places.reset_index(drop=True))
