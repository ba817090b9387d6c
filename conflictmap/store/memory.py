"""The in-memory store: today's pandas paths (filters.py, figures.py, maps/cells.py) behind the
store's interface, the default for the shipped data and an analyst's uploads."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import numpy as np
import pandas as pd

from conflictmap import filters as view
from conflictmap.figures import Figures, figures, over_time
from conflictmap.filters import Filters
from conflictmap.maps import cells, grid, layers
from conflictmap.schema import conform
from conflictmap.store.base import POINT_COLUMNS, Bounds, MapInput, TablePage, check_sort, padded

_VERSIONS = itertools.count(1)


class MemoryStore:
    """Events in a pandas frame sorted by `date_start` (sorted here if they are not)."""

    engine = "memory"

    def __init__(self, events: pd.DataFrame, version: str | None = None) -> None:
        if not events["date_start"].is_monotonic_increasing:
            events = events.sort_values("date_start", kind="stable").reset_index(drop=True)
        self.events = events
        self._version = version or f"memory-{next(_VERSIONS)}"
        self._choices: dict[str, list[str]] | None = None

    def version(self) -> str:
        return self._version

    def choices(self) -> dict[str, list[str]]:
        if self._choices is None:
            self._choices = view.filter_choices(self.events)
        return self._choices

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        return view.date_bounds(self.events)

    def _shown(self, filters: Filters) -> pd.DataFrame:
        return view.apply_filters(self.events, filters)

    def count(self, filters: Filters) -> int:
        return len(self._shown(filters))

    def figures(self, filters: Filters) -> Figures:
        return figures(self._shown(filters))

    def map_input(
        self,
        filters: Filters,
        bounds: Bounds | None = None,
        limits: tuple[int, int] = (layers.MARKER_LIMIT, layers.POINT_LIMIT),
    ) -> MapInput:
        shown = self._shown(filters)
        box = padded(bounds) if bounds else None
        if box is not None:
            shown = view.in_bounds(shown, dict(bounds or {}))
        located = shown[shown["latitude"].notna() & shown["longitude"].notna()]
        plan = layers.plan(len(located), limits)
        if plan.mode == layers.LayerMode.MARKERS:
            return MapInput(plan, len(located), events=located)
        if plan.mode == layers.LayerMode.POINTS:
            return MapInput(plan, len(located), events=located[list(POINT_COLUMNS)])
        size = cells.cell_size_for(located)
        return MapInput(plan, len(located), cells=cell_counts(located, size), cell_size=size)

    def over_time(self, filters: Filters, period: str) -> pd.DataFrame:
        return over_time(self._shown(filters), period)

    def table_page(
        self, filters: Filters, sort_by: str = "date_start", descending: bool = False, offset: int = 0, limit: int = 100
    ) -> TablePage:
        shown = self._shown(filters)
        check_sort(sort_by)
        # ties by event_id, then missing values last (as the SQL stores order them)
        ordered = shown.sort_values("event_id", kind="stable").sort_values(
            sort_by, ascending=not descending, kind="stable", na_position="last"
        )
        return TablePage(ordered.iloc[offset : offset + limit].reset_index(drop=True), len(shown), offset)

    def at_point(self, filters: Filters, latitude: float, longitude: float, within: float = 0.002) -> pd.DataFrame:
        return view.at_point(self._shown(filters), latitude, longitude, within)

    def in_cell(self, filters: Filters, latitude: float, longitude: float, size: float) -> pd.DataFrame:
        return cells.in_cell(self._shown(filters), latitude, longitude, size)

    def export(self, filters: Filters, batch_rows: int = 100_000) -> Iterator[pd.DataFrame]:
        shown = self._shown(filters)
        for start in range(0, len(shown), batch_rows):
            yield conform(shown.iloc[start : start + batch_rows])


def cell_counts(located: pd.DataFrame, size: float) -> pd.DataFrame:
    """Located events counted per cell of `size` degrees and event type, keyed as `maps.layers` keys
    cells: what the SQL stores count in the engine."""
    lat, lon = located["latitude"].to_numpy(dtype=float), located["longitude"].to_numpy(dtype=float)
    row, col = np.floor((lat + 90) / size).astype(np.int64), np.floor((lon + 180) / size).astype(np.int64)
    table = (
        pd.DataFrame(
            {
                "key": row * grid.CELL_KEY + col,
                "event_type": located["event_type"].astype("string").fillna(view.UNKNOWN).to_numpy(),
                "deaths": located["fatalities"].astype("Float64").fillna(0).to_numpy(dtype=np.int64),
            }
        )
        .groupby(["key", "event_type"], sort=True)
        .agg(events=("deaths", "size"), fatalities=("deaths", "sum"))
        .reset_index()
    )
    return with_centres(table.astype({"event_type": "string"}), size)


def with_centres(table: pd.DataFrame, size: float) -> pd.DataFrame:
    """Add south, west, latitude, longitude of each cell from its key."""
    keys = table["key"].to_numpy(dtype=np.int64)
    south, west = grid.cell_corners(keys, size)
    return table.assign(south=south, west=west, latitude=south + size / 2, longitude=west + size / 2)
