"""Every SQL store gives the memory store's answers (today's pandas paths) on the same events,
and a hostile value in any filter is data, never SQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conflictmap.filters import UNKNOWN, Filters
from conflictmap.maps.basemap import type_colors
from conflictmap.schema import LayerMode
from conflictmap.store import EventStore, MemoryStore
from conflictmap.store.layer import map_layer
from tests.store.conftest import HOSTILE

EVERYTHING = Filters(dt.date(1980, 1, 1), dt.date(2030, 1, 1))
VIEWS = [
    EVERYTHING,
    Filters(dt.date(2014, 6, 1), dt.date(2014, 6, 30)),
    Filters(dt.date(2003, 1, 1), dt.date(2008, 12, 31), event_types=("One-sided violence",)),
    Filters(
        dt.date(1989, 1, 1), dt.date(2019, 12, 31), actors=("IS", "Civilians"), admin1=("Nīnawá province", UNKNOWN)
    ),
]


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("event_id").reset_index(drop=True)


def test_the_stores_follow_the_interface(memory_store: MemoryStore, sql_store: EventStore) -> None:
    assert isinstance(memory_store, EventStore) and isinstance(sql_store, EventStore)


def test_choices_and_bounds(memory_store: MemoryStore, sql_store: EventStore) -> None:
    assert sql_store.date_bounds() == memory_store.date_bounds()
    mine, theirs = memory_store.choices(), sql_store.choices()
    for name in ("type", "actor", "admin1"):
        assert sorted(theirs[name]) == sorted(mine[name])  # the same values; ties may be ordered apart
    counts = memory_store.events["event_type"].fillna(UNKNOWN).value_counts()
    known = [name for name in theirs["type"] if name != UNKNOWN]
    assert [counts[name] for name in known] == sorted((counts[name] for name in known), reverse=True)
    assert theirs["admin1"][-1] == UNKNOWN  # missing offered last, as today


@pytest.mark.parametrize("view", VIEWS, ids=["all", "month", "type", "actors+province"])
def test_figures_timeline_table(memory_store: MemoryStore, sql_store: EventStore, view: Filters) -> None:
    assert sql_store.figures(view) == memory_store.figures(view)
    assert sql_store.count(view) == memory_store.count(view)
    for period in ("week", "month", "year"):
        pd.testing.assert_frame_equal(
            sql_store.over_time(view, period), memory_store.over_time(view, period), check_dtype=False
        )
    for column, descending in (("date_start", False), ("fatalities", True), ("place", False)):
        mine, theirs = (
            memory_store.table_page(view, column, descending, 3, 25),
            sql_store.table_page(view, column, descending, 3, 25),
        )
        assert theirs.total == mine.total
        assert theirs.rows["event_id"].tolist() == mine.rows["event_id"].tolist()
    first = sql_store.table_page(view, limit=10)
    pd.testing.assert_frame_equal(first.rows, memory_store.table_page(view, limit=10).rows, check_dtype=False)


@pytest.mark.parametrize("limits", [(10_000, 50_000), (100, 10_000), (10, 100)], ids=["markers", "points", "cells"])
def test_map_input(memory_store: MemoryStore, sql_store: EventStore, limits: tuple[int, int]) -> None:
    mine, theirs = memory_store.map_input(EVERYTHING, limits=limits), sql_store.map_input(EVERYTHING, limits=limits)
    assert theirs.plan == mine.plan and theirs.located == mine.located
    if mine.plan.mode == LayerMode.CELLS:
        assert theirs.cell_size == mine.cell_size
        assert mine.cells is not None and theirs.cells is not None
        pd.testing.assert_frame_equal(theirs.cells, mine.cells, check_dtype=False)
    else:
        assert mine.events is not None and theirs.events is not None
        columns = ["latitude", "longitude", "event_type", "geo_precision", "fatalities"]
        key = columns
        pd.testing.assert_frame_equal(
            theirs.events[columns].sort_values(key, ignore_index=True),
            mine.events[columns].sort_values(key, ignore_index=True),
            check_dtype=False,
        )
    # the map layer is drawn from either answer (points need each event's fatalities for their size;
    # markers take rows whose located_by is missing)
    colors = type_colors(memory_store.choices()["type"])
    assert map_layer(theirs, colors).plan == map_layer(mine, colors).plan == mine.plan


def test_map_input_follows_the_view(memory_store: MemoryStore, sql_store: EventStore) -> None:
    bounds = {"_southWest": {"lat": 33.0, "lng": 44.0}, "_northEast": {"lat": 33.6, "lng": 44.8}}
    mine, theirs = memory_store.map_input(EVERYTHING, bounds), sql_store.map_input(EVERYTHING, bounds)
    assert theirs.located == mine.located and 0 < mine.located < memory_store.count(EVERYTHING)


def test_clicks_and_export(memory_store: MemoryStore, sql_store: EventStore) -> None:
    baghdad = memory_store.events.dropna(subset=["latitude"]).iloc[100]
    lat, lon = float(baghdad["latitude"]) + 0.0005, float(baghdad["longitude"])
    mine, theirs = memory_store.at_point(EVERYTHING, lat, lon), sql_store.at_point(EVERYTHING, lat, lon)
    assert len(mine) > 0
    pd.testing.assert_frame_equal(_by_id(theirs), _by_id(mine), check_dtype=False)
    assert sql_store.at_point(EVERYTHING, -60.0, 0.0).empty
    centre = [round(float(baghdad[axis]) // 0.5 * 0.5 + 0.25, 6) for axis in ("latitude", "longitude")]
    mine, theirs = memory_store.in_cell(EVERYTHING, *centre, 0.5), sql_store.in_cell(EVERYTHING, *centre, 0.5)
    assert len(mine) > 1
    pd.testing.assert_frame_equal(_by_id(theirs), _by_id(mine), check_dtype=False)
    batches = list(sql_store.export(EVERYTHING, batch_rows=2000))
    assert len(batches) > 1 and all(len(b) <= 2000 for b in batches)
    exported = pd.concat(batches, ignore_index=True)
    pd.testing.assert_frame_equal(_by_id(exported), _by_id(memory_store.events), check_dtype=False)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_filter_are_data(memory_store: MemoryStore, sql_store: EventStore, value: str) -> None:
    """Quotes, semicolons and comment markers reach the engine as values: they match exactly the
    event that holds them, and the table is still there afterwards."""
    everything = sql_store.count(EVERYTHING)
    for view in (
        Filters(EVERYTHING.start, EVERYTHING.end, event_types=(value,)),
        Filters(EVERYTHING.start, EVERYTHING.end, actors=(value,)),
        Filters(EVERYTHING.start, EVERYTHING.end, admin1=(value,)),
        Filters(
            EVERYTHING.start, EVERYTHING.end, event_types=(value, "x' OR '1'='1"), actors=(value, "--"), admin1=(value,)
        ),
    ):
        assert sql_store.count(view) == memory_store.count(view) >= 1
        assert sql_store.figures(view) == memory_store.figures(view)
        assert set(sql_store.table_page(view).rows["event_id"]) == set(memory_store.table_page(view).rows["event_id"])
    assert sql_store.count(Filters(EVERYTHING.start, EVERYTHING.end, event_types=("x' OR '1'='1",))) == 0
    assert sql_store.count(EVERYTHING) == everything
    with pytest.raises(Exception, match="cannot sort"):
        sql_store.table_page(EVERYTHING, sort_by="date_start; DROP TABLE events")


@pytest.mark.parametrize("size", [0.1, 0.2, 0.5])
def test_coarser_cells_from_the_finest_are_those_counted_from_the_events(sql_store: EventStore, size: float) -> None:
    from conflictmap.maps.grid import CELL_SIZES
    from conflictmap.store.sql import SqlStore, _cell_counts, _coarser

    assert isinstance(sql_store, SqlStore)
    located = sql_store._located(EVERYTHING)
    fine = _cell_counts(located, CELL_SIZES[0], centres=False)
    summed = _coarser(fine, size)
    if size == 0.5:
        assert summed is None  # not a binary multiple of 0.05: counted from the events
        return
    assert summed is not None
    pd.testing.assert_frame_equal(summed, _cell_counts(located, size), check_dtype=False)
