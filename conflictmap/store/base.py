"""The one question interface every page, the command line and the exports ask of an event store.

A store answers a view's questions — a date window and filters, reduced to what the map, the
timeline and the table show — and hands back only the answer, so a page never holds the whole data
set. `MemoryStore` answers from a pandas frame (today's paths, the default); `SqlStore` pushes the
same questions down to DuckDB, PostgreSQL or Spark through Ibis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pandas as pd

from conflictmap.errors import ConflictmapError
from conflictmap.figures import Figures
from conflictmap.filters import Filters
from conflictmap.maps.layers import MARKER_LIMIT, POINT_LIMIT, Plan
from conflictmap.schema import EVENT_COLUMNS

#: The columns the map needs per event in points mode (markers mode takes every column).
POINT_COLUMNS = ("latitude", "longitude", "event_type", "geo_precision", "fatalities")

#: Bounds as streamlit-folium reports them: {"_southWest": {"lat":, "lng":}, "_northEast": {...}}.
Bounds = Mapping[str, Mapping[str, float | None]]


class StoreError(ConflictmapError, ConnectionError):
    """The store cannot be reached or cannot answer: the message names the store and the cause."""


@dataclass(frozen=True)
class MapInput:
    """What the map's events layer is drawn from: at most the payload budget's events, or cells.

    `events` holds the located events (every column in markers mode, POINT_COLUMNS in points
    mode); `cells` holds per cell and event type: key, latitude, longitude (the cell's centre),
    south, west, event_type, events, fatalities (turned into the map's cell table by
    `conflictmap.store.layer`).
    """

    plan: Plan
    located: int
    events: pd.DataFrame | None = None
    cells: pd.DataFrame | None = None
    cell_size: float | None = None


@dataclass(frozen=True)
class TablePage:
    """One page of the events table: its rows in order and how many rows the whole table has."""

    rows: pd.DataFrame
    total: int
    offset: int


#: The columns a table may be sorted by.
SORTABLE = tuple(EVENT_COLUMNS)


def check_sort(sort_by: str) -> str:
    if sort_by not in SORTABLE:
        raise ConflictmapError(f"cannot sort by {sort_by!r}: not a column of the events ({', '.join(SORTABLE)})")
    return sort_by


@runtime_checkable
class EventStore(Protocol):
    """What every page asks. Filters with empty choices mean "all"; dates are whole days."""

    #: "memory", "duckdb", "postgres", "pyspark": which engine answers.
    engine: str

    def version(self) -> str:
        """Changes whenever the events change (an import): caches are keyed by it."""
        ...

    def choices(self) -> dict[str, list[str]]:
        """The filters' choices by URL parameter name ("type", "actor", "admin1"), most frequent first."""
        ...

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        """First and last start date (today for an empty store)."""
        ...

    def count(self, filters: Filters) -> int:
        """How many events the filters keep."""
        ...

    def figures(self, filters: Filters) -> Figures:
        """The headline figures of the view (as `conflictmap.figures.figures` computes them)."""
        ...

    def map_input(
        self,
        filters: Filters,
        bounds: Bounds | None = None,
        limits: tuple[int, int] = (MARKER_LIMIT, POINT_LIMIT),
    ) -> MapInput:
        """The map layer's input for the view (inside `bounds`, padded as `filters.in_bounds` pads)."""
        ...

    def over_time(self, filters: Filters, period: str) -> pd.DataFrame:
        """Events and fatalities per period and type (as `conflictmap.figures.over_time`)."""
        ...

    def table_page(
        self, filters: Filters, sort_by: str = "date_start", descending: bool = False, offset: int = 0, limit: int = 100
    ) -> TablePage:
        """Rows offset..offset+limit of the view sorted by a column (missing values last, ties by event_id)."""
        ...

    def at_point(self, filters: Filters, latitude: float, longitude: float, within: float = 0.002) -> pd.DataFrame:
        """Every event at the located point nearest a click, if within `within` degrees (as `filters.at_point`)."""
        ...

    def in_cell(self, filters: Filters, latitude: float, longitude: float, size: float) -> pd.DataFrame:
        """The events of the cell centred at (latitude, longitude) (as `maps.cells.in_cell`)."""
        ...

    def export(self, filters: Filters, batch_rows: int = 100_000) -> Iterator[pd.DataFrame]:
        """The view's events in date order, in the schema's columns, a batch at a time."""
        ...


def padded(bounds: Bounds, pad: float = 0.1) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) padded by a share of the view, as `filters.in_bounds` pads;
    None when the map has not been laid out yet."""
    south, west = bounds["_southWest"]["lat"], bounds["_southWest"]["lng"]
    north, east = bounds["_northEast"]["lat"], bounds["_northEast"]["lng"]
    if south is None or west is None or north is None or east is None:
        return None
    dlat, dlon = (north - south) * pad, (east - west) * pad
    return south - dlat, west - dlon, north + dlat, east + dlon
