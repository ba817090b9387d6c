"""The Places page's tables (conflictmap.places): every place lands in exactly one table, whatever
way of locating it the schema knows, now or later."""

from __future__ import annotations

import pandas as pd
import pytest

from conflictmap.places import GEOCODED, place_tables, unplaced_count, unresolved_of
from conflictmap.schema import LocatedBy


def _places(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["place", "located_by", "latitude", "longitude"]).astype({"located_by": "string"})


def _table_of(places: pd.DataFrame) -> dict[str, list[str]]:
    """Place name -> the tables it is in."""
    tables = place_tables(places)
    found: dict[str, list[str]] = {name: [] for name in places["place"]}
    for table in ("unresolved", "geocoded", "with_coordinates"):
        for name in getattr(tables, table)["place"]:
            found[name].append(table)
    return found


@pytest.mark.parametrize("way", list(LocatedBy), ids=[str(way) for way in LocatedBy])
def test_every_way_of_locating_lands_in_exactly_one_table(way):
    placed = way != LocatedBy.UNRESOLVED
    places = _places([("here", str(way), 33.3 if placed else None, 44.4 if placed else None)])
    (tables,) = _table_of(places).values()
    expected = {LocatedBy.UNRESOLVED: "unresolved", LocatedBy.SOURCE: "with_coordinates"}.get(way, "geocoded")
    assert tables == [expected]


def test_a_place_found_online_is_geocoded():
    assert LocatedBy.ONLINE in GEOCODED
    assert _table_of(_places([("Taji", "online", 33.53, 44.26)])) == {"Taji": ["geocoded"]}


def test_labels_outside_the_schema_and_missing_ones_still_land_once():
    places = _places(
        [
            ("gps", "GPS fix", 33.0, 44.0),  # a file's own "located by" column: its own coordinates
            ("blank", None, 33.1, 44.1),
            ("nowhere", None, None, None),
            ("half", "gazetteer", 33.2, None),  # one coordinate is no place
        ]
    )
    assert _table_of(places) == {
        "gps": ["with_coordinates"],
        "blank": ["with_coordinates"],
        "nowhere": ["unresolved"],
        "half": ["unresolved"],
    }


def test_the_shipped_places_split_without_loss(loaded):
    tables = place_tables(loaded.places)
    parts = [tables.unresolved, tables.geocoded, tables.with_coordinates]
    assert sum(len(part) for part in parts) == len(loaded.places)
    assert pd.concat(parts).index.sort_values().equals(loaded.places.index.sort_values())
    assert set(tables.geocoded["located_by"]) <= {str(way) for way in GEOCODED}


def test_a_files_unplaced_rows_are_counted():
    events = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "latitude": [33.0, None, 33.0, None],
            "longitude": [44.0, 44.0, None, None],
            "located_by": ["source coordinates", "unresolved", "unresolved", "learned"],
        }
    )
    assert unplaced_count(events) == 3
    assert unresolved_of(events, events[events["event_id"].isin(["b", "d"])]) == 1
    assert unresolved_of(events, events.iloc[0:0]) == 0
