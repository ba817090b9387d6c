"""The join of events with their places: events without coordinates are geocoded with their
country, province (admin1) and district (admin2) as hints, and every event keeps how it was placed.
Unresolved places are listed with the reason and their candidates, never dropped, never put at 0,0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflictmap.geocode.answers import PlaceMatch, Resolver
from conflictmap.geocode.ranking import choose_by_context
from conflictmap.schema import GeoPrecision

#: Columns of the places table, one row per distinct place name and hints in the data.
#: The columns that say how a place was found (from its geocoding answer).
DESCRIBED = [
    "matched_name_ar",
    "pcode",
    "admin1_pcode",
    "admin2_pcode",
    "status",
    "evidence",
    "reason",
    "match_source",
    "candidates",
]
PLACE_COLUMNS = [
    "place",
    "identified_as",
    "country",
    "admin1",
    "admin2",
    "events",
    "latitude",
    "longitude",
    "geo_precision",
    "located_by",
    "matched_name",
    *DESCRIBED,
]
HINTS = ["country", "admin1", "admin2"]
#: Answers this precise count as the data set's places, for deciding its ambiguous names.
FINE = frozenset({GeoPrecision.EXACT.value, GeoPrecision.NEAR.value})


@dataclass(frozen=True)
class Placed:
    events: pd.DataFrame  # every event; unresolved ones have NaN coordinates
    places: pd.DataFrame  # PLACE_COLUMNS


def _query(events: pd.DataFrame) -> pd.Series:
    return events["place_identified_as"].fillna(events["place"]).fillna("")


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def needs_geocoding(events: pd.DataFrame) -> pd.Series:
    """The events without source coordinates: the only ones `place_events` sends to the geocoder."""
    return events["latitude"].isna() | events["longitude"].isna()


def place_events(
    events: pd.DataFrame, geocoder: Resolver, progress: Callable[[int, int], None] | None = None
) -> Placed:
    """Geocode the events that lack coordinates and describe every place in the data. Events with
    source coordinates keep them and their names are not resolved (a file whose every row has
    coordinates asks the geocoder nothing); they are listed as "the data set's own coordinates".

    `progress(done, total)` is called as distinct place names are resolved (for a progress bar).
    """
    events = events.copy()
    needs = needs_geocoding(events)
    hints = {column: events[column].astype("string").fillna("") for column in HINTS}
    keys = pd.DataFrame({"query": _query(events), **hints})
    distinct = list(keys[needs].drop_duplicates().itertuples(index=False, name=None))
    matches: dict[tuple[str, str, str, str], PlaceMatch] = {}
    for number, (query, country, admin1, admin2) in enumerate(distinct, start=1):
        matches[(query, country, admin1, admin2)] = geocoder.resolve(
            query, country=country or None, admin1=admin1 or None, admin2=admin2 or None
        )
        if progress is not None and (number % 50 == 0 or number == len(distinct)):
            progress(number, len(distinct))
    datasets = events["dataset"].astype("string").fillna("")
    decided = _by_context(events, keys, datasets, needs, matches)
    for index in keys.index[needs.to_numpy()]:
        key = tuple(keys.loc[index])
        match = decided.get((datasets.at[index], *key)) or matches[key]
        events.at[index, "located_by"] = match.located_by
        if match.resolved:
            events.at[index, "latitude"] = match.latitude
            events.at[index, "longitude"] = match.longitude
            events.at[index, "geo_precision"] = match.precision
            events.at[index, "matched_name"] = match.matched_name
            if not _text(events.at[index, "admin1"]) and match.admin1:
                events.at[index, "admin1"] = match.admin1
            if not _text(events.at[index, "admin2"]) and match.admin2:
                events.at[index, "admin2"] = match.admin2
    return Placed(events=events, places=_places(events, keys, matches, decided, datasets))


def context_points(
    names: list[str],
    matches: list[PlaceMatch | None],
    points: list[tuple[float | None, float | None]] | None = None,
) -> dict[str, set[tuple[float, float]]]:
    """name -> the points placed for it: its finely placed answers (`matches`), or, where there is no
    match (None), the data's own coordinates (`points`)."""
    points = points if points is not None else [(None, None)] * len(names)
    out: dict[str, set[tuple[float, float]]] = {}
    for name, match, point in zip(names, matches, points, strict=True):
        if match is not None and not (match.resolved and match.precision in FINE):
            continue
        where = (match.latitude, match.longitude) if match is not None else point
        if where[0] is None or where[1] is None:
            continue
        out.setdefault(name, set()).add((round(float(where[0]), 3), round(float(where[1]), 3)))
    return out


def decide_by_context(
    matches: dict[tuple, PlaceMatch], placed: dict[str, set[tuple[float, float]]]
) -> dict[tuple, PlaceMatch]:
    """The ambiguous answers among `matches` (keyed by tuples whose first item is the name) that the
    other names' places decide (`choose_by_context`), by key."""
    decided = {}
    for key, match in matches.items():
        if match.resolved or match.reason != "ambiguous":
            continue
        others = {point for name, points in placed.items() if name != key[0] for point in points}
        chosen = choose_by_context(match, np.array(sorted(others), dtype=float).reshape(-1, 2))
        if chosen.resolved:
            decided[key] = chosen
    return decided


def _by_context(
    events: pd.DataFrame, keys: pd.DataFrame, datasets: pd.Series, needs: pd.Series, matches: dict
) -> dict[tuple, PlaceMatch]:
    """(data set, name, hints) -> the answer the data set's other places give an ambiguous name."""
    if not any(m.reason == "ambiguous" for m in matches.values()):
        return {}
    decided: dict[tuple, PlaceMatch] = {}
    for dataset in datasets.unique():
        mine = datasets == dataset
        rows = keys[mine]
        found = [
            matches.get(tuple(row)) if need else None
            for row, need in zip(rows.itertuples(index=False, name=None), needs[mine], strict=True)
        ]
        placed = context_points(
            rows["query"].tolist(),
            found,
            list(zip(events.loc[mine, "latitude"], events.loc[mine, "longitude"], strict=True)),
        )
        asked = {
            tuple(row): matches[tuple(row)]
            for row in rows[needs[mine]].drop_duplicates().itertuples(index=False, name=None)
        }
        for key, match in decide_by_context(asked, placed).items():
            decided[(dataset, *key)] = match
    return decided


def _places(
    events: pd.DataFrame, keys: pd.DataFrame, matches: dict, decided: dict, datasets: pd.Series
) -> pd.DataFrame:
    """One row per place name and hints, with how it was placed and why."""
    asked = ["asked_query", "asked_country", "asked_admin1", "asked_admin2"]
    frame = events.assign(
        _n=1,
        asked_dataset=datasets,
        **{name: keys[column] for name, column in zip(asked, keys.columns, strict=True)},
    )
    group_keys = ["place", "place_identified_as", *asked]
    places = (
        frame.groupby(group_keys, dropna=False, sort=False)
        .agg(
            country=("country", "first"),
            admin1=("admin1", "first"),
            admin2=("admin2", "first"),
            events=("_n", "sum"),
            latitude=("latitude", "first"),
            longitude=("longitude", "first"),
            geo_precision=("geo_precision", "first"),
            located_by=("located_by", "first"),
            matched_name=("matched_name", "first"),
            asked_dataset=("asked_dataset", "first"),
        )
        .reset_index()
        .rename(columns={"place_identified_as": "identified_as"})
    )
    described: list[dict[str, str]] = []
    for row in places.itertuples(index=False):
        key = tuple(_text(getattr(row, name)) for name in asked)
        match = decided.get((_text(row.asked_dataset), *key)) or matches.get(key)
        if match is None:  # the data set's own coordinates
            described.append({**dict.fromkeys(DESCRIBED, ""), "match_source": "the data set's own coordinates"})
            continue
        described.append(
            {
                "matched_name_ar": match.name_ar,
                "pcode": match.pcode,
                "admin1_pcode": match.admin1_pcode,
                "admin2_pcode": match.admin2_pcode,
                "status": match.status,
                "evidence": match.evidence,
                "reason": match.reason,
                "match_source": match.source or "",
                "candidates": match.candidates_text(),
            }
        )
    for column in DESCRIBED:
        places[column] = [values[column] for values in described]
    places = places[PLACE_COLUMNS].sort_values(["located_by", "events"], ascending=[True, False])
    return places.reset_index(drop=True)
