"""A store whose questions are answered by a SQL engine, through Ibis: the same expressions
compile to DuckDB, PostgreSQL and Spark SQL (and Trino, ClickHouse, BigQuery…), so every engine
shares this one code path.

Values from the analyst (filter choices, dates, a clicked point) enter only as Ibis literals in the
expression tree; SQLGlot renders each as a typed, quoted literal of the engine's dialect. No value is
ever formatted into SQL text by this code (tests send quotes, semicolons and comment markers through
every filter).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any

import ibis
import numpy as np
import pandas as pd

from conflictmap.figures import PERIODS, Figures
from conflictmap.filters import UNKNOWN, Filters
from conflictmap.maps import cells, grid, layers
from conflictmap.schema import EVENT_COLUMNS, LayerMode, conform
from conflictmap.store.base import POINT_COLUMNS, Bounds, MapInput, StoreError, TablePage, check_sort, padded
from conflictmap.store.memory import with_centres

#: Ibis's period units for the timeline's periods.
_TRUNCATE = {"W": "W", "M": "M", "Y": "Y"}


def _float(value: float) -> Any:
    return ibis.literal(float(value), type="float64")


class SqlStore:
    """Events in a table of the schema's columns (plus, optionally, `year` and `month` partition
    columns, used to prune partitions) reached through an Ibis backend.

    `table` returns the Ibis table expression (called per question, so a store that reconnects or
    whose files changed is seen anew); `version` returns the store's version; `name` says in
    messages which store this is.
    """

    def __init__(self, engine: str, table: Callable[[], Any], version: Callable[[], str], name: str) -> None:
        self.engine = engine
        self._table = table
        self._version = version
        self.name = name
        self.last_ms = 0.0  # how long the last question took

    def version(self) -> str:
        return self._run(self._version)

    def _run(self, ask: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        try:
            return ask()
        except StoreError:
            raise
        except Exception as error:  # the engine's own errors: driver, I/O, SQL
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise StoreError(f"the event store {self.name} cannot answer: {first}") from error
        finally:
            self.last_ms = (time.perf_counter() - started) * 1000

    # -- the view as an expression -------------------------------------------------------------

    def _events(self) -> Any:
        return self._table()

    def _shown(self, filters: Filters) -> Any:
        t = self._events()
        start = pd.Timestamp(filters.start)
        end = pd.Timestamp(filters.end) + pd.Timedelta(days=1)
        predicates = [
            t.date_start >= ibis.literal(start.to_pydatetime(), type="timestamp"),
            t.date_start < ibis.literal(end.to_pydatetime(), type="timestamp"),
        ]
        if "year" in t.columns:  # prunes the partitions of other years before any file is opened
            predicates.append(t.year.between(ibis.literal(start.year), ibis.literal(filters.end.year)))
        if filters.event_types:
            predicates.append(_is_in(t.event_type, filters.event_types))
        if filters.actors:
            predicates.append(_is_in(t.actor1, filters.actors) | _is_in(t.actor2, filters.actors))
        if filters.admin1:
            predicates.append(_is_in(t.admin1, filters.admin1))
        return t.filter(*predicates)

    def _located(self, filters: Filters, bounds: Bounds | None = None) -> Any:
        s = self._shown(filters)
        located = s.filter(s.latitude.notnull(), s.longitude.notnull())
        box = padded(bounds) if bounds else None
        if box is not None:
            south, west, north, east = (_float(v) for v in box)
            located = located.filter(
                located.latitude >= south,
                located.latitude <= north,
                located.longitude >= west,
                located.longitude <= east,
            )
        return located

    @staticmethod
    def _frame(expression: Any) -> pd.DataFrame:
        """Rows in the schema's columns and dtypes (partition columns dropped)."""
        frame = expression.select(*EVENT_COLUMNS).to_pandas()
        return conform(frame)

    @staticmethod
    def _ordered(expression: Any) -> Any:
        return expression.order_by([expression.date_start.asc(), expression.event_id.asc()])

    # -- the questions ---------------------------------------------------------------------------

    def choices(self) -> dict[str, list[str]]:
        def ask() -> dict[str, list[str]]:
            t = self._events()
            found = {"type": _counted(t, "event_type", True), "admin1": _counted(t, "admin1", True)}
            both = t.select(actor=t.actor1).union(t.select(actor=t.actor2), distinct=False)
            both = both.filter(both.actor.notnull())
            actors = both.group_by("actor").aggregate(n=both.count()).to_pandas()
            actors = actors.sort_values(["n", "actor"], ascending=[False, True], kind="stable")
            return {"type": found["type"], "actor": actors["actor"].astype(str).tolist(), "admin1": found["admin1"]}

        result: dict[str, list[str]] = self._run(ask)
        return result

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        def ask() -> tuple[dt.date, dt.date]:
            t = self._events()
            row = t.aggregate(first=t.date_start.min(), last=t.date_start.max()).to_pandas().iloc[0]
            if pd.isna(row["first"]):
                today = dt.date.today()
                return today, today
            return pd.Timestamp(row["first"]).date(), pd.Timestamp(row["last"]).date()

        result: tuple[dt.date, dt.date] = self._run(ask)
        return result

    def count(self, filters: Filters) -> int:
        return int(self._run(lambda: self._shown(filters).count().execute()))

    def figures(self, filters: Filters) -> Figures:
        def ask() -> Figures:
            s = self._shown(filters)
            located = s.latitude.notnull() & s.longitude.notnull()
            point = (s.latitude * 1e5).round().cast("int64") * 100_000_000 + (s.longitude * 1e5).round().cast("int64")
            row = (
                s.aggregate(
                    events=s.count(),
                    fatalities=s.fatalities.fill_null(0).sum(),
                    places=point.nunique(),
                    first=s.date_start.min(),
                    last=s.date_start.max(),
                    located=located.ifelse(1, 0).sum(),
                )
                .to_pandas()
                .iloc[0]
            )
            events = int(row["events"])
            return Figures(
                events=events,
                fatalities=int(row["fatalities"]) if pd.notna(row["fatalities"]) else 0,
                places=int(row["places"]) if pd.notna(row["places"]) else 0,
                first=pd.Timestamp(row["first"]).as_unit("ns") if events else None,
                last=pd.Timestamp(row["last"]).as_unit("ns") if events else None,
                not_on_map=events - (int(row["located"]) if pd.notna(row["located"]) else 0),
            )

        result: Figures = self._run(ask)
        return result

    def map_input(
        self,
        filters: Filters,
        bounds: Bounds | None = None,
        limits: tuple[int, int] = (layers.MARKER_LIMIT, layers.POINT_LIMIT),
    ) -> MapInput:
        def ask() -> MapInput:
            located = self._located(filters, bounds)
            # one aggregation counts the view's events in the finest cells, which also counts them
            # all and chooses the cell size; a view small enough for points or markers is read again
            # row by row, and only a cell size of 0.5 degrees or more is counted again
            fine = _cell_counts(located, grid.CELL_SIZES[0], centres=False)
            count = int(fine["events"].sum())
            plan = layers.plan(count, limits)
            if plan.mode == LayerMode.MARKERS:
                return MapInput(plan, count, events=self._frame(self._ordered(located)))
            if plan.mode == LayerMode.POINTS:
                points = located.select(*POINT_COLUMNS).to_pandas()
                return MapInput(plan, count, events=points.astype({"event_type": "string", "geo_precision": "string"}))
            size = _size_of(fine)
            summed = _coarser(fine, size)
            table = _cell_counts(located, size) if summed is None else summed
            return MapInput(plan, count, cells=table, cell_size=size)

        result: MapInput = self._run(ask)
        return result

    def over_time(self, filters: Filters, period: str) -> pd.DataFrame:
        def ask() -> pd.DataFrame:
            s = self._shown(filters)
            unit = _TRUNCATE[PERIODS[period]]
            table = (
                s.mutate(period_start=s.date_start.truncate(unit), kind=s.event_type.fill_null(UNKNOWN))
                .group_by(["period_start", "kind"])
                .aggregate(events=lambda g: g.count(), fatalities=lambda g: g.fatalities.fill_null(0).sum())
                .to_pandas()
            )
            out = pd.DataFrame(
                {
                    "period_start": pd.to_datetime(table["period_start"]).astype("datetime64[ns]"),
                    "event_type": table["kind"].astype("string"),
                    "events": table["events"].astype("int64"),
                    "fatalities": table["fatalities"].fillna(0).astype("int64"),
                }
            )
            return out.sort_values(["period_start", "event_type"], kind="stable").reset_index(drop=True)

        result: pd.DataFrame = self._run(ask)
        return result

    def table_page(
        self, filters: Filters, sort_by: str = "date_start", descending: bool = False, offset: int = 0, limit: int = 100
    ) -> TablePage:
        column = check_sort(sort_by)

        def ask() -> TablePage:
            s = self._shown(filters)
            key = s[column].desc(nulls_first=False) if descending else s[column].asc(nulls_first=False)
            rows = s.order_by([key, s.event_id.asc()]).limit(int(limit), offset=int(offset))
            return TablePage(self._frame(rows), int(s.count().execute()), int(offset))

        result: TablePage = self._run(ask)
        return result

    def at_point(self, filters: Filters, latitude: float, longitude: float, within: float = 0.002) -> pd.DataFrame:
        def ask() -> pd.DataFrame:
            located = self._located(filters)
            lat, lon, near = _float(latitude), _float(longitude), _float(within)
            box = located.filter(
                located.latitude.between(lat - near, lat + near), located.longitude.between(lon - near, lon + near)
            )
            distance = ((box.latitude - lat) ** 2 + (box.longitude - lon) ** 2).sqrt()
            nearest = (
                box.mutate(distance=distance)
                .order_by(["distance", "date_start", "event_id"])
                .select("latitude", "longitude", "distance")
                .limit(1)
                .to_pandas()
            )
            if nearest.empty or float(nearest["distance"].iloc[0]) > within:
                return conform(pd.DataFrame(columns=list(EVENT_COLUMNS)))
            point_lat, point_lon = float(nearest["latitude"].iloc[0]), float(nearest["longitude"].iloc[0])
            here = located.filter(located.latitude == _float(point_lat), located.longitude == _float(point_lon))
            return self._frame(self._ordered(here))

        result: pd.DataFrame = self._run(ask)
        return result

    def in_cell(self, filters: Filters, latitude: float, longitude: float, size: float) -> pd.DataFrame:
        def ask() -> pd.DataFrame:
            s = self._shown(filters)
            south, west = latitude - size / 2, longitude - size / 2
            cell = s.filter(
                s.latitude >= _float(south - 1e-9),
                s.latitude < _float(south + size - 1e-9),
                s.longitude >= _float(west - 1e-9),
                s.longitude < _float(west + size - 1e-9),
            )
            return self._frame(self._ordered(cell))

        result: pd.DataFrame = self._run(ask)
        return result

    def export(self, filters: Filters, batch_rows: int = 100_000) -> Iterator[pd.DataFrame]:
        ordered = self._ordered(self._shown(filters)).select(*EVENT_COLUMNS)
        batches = self._run(lambda: ordered.to_pyarrow_batches(chunk_size=batch_rows))
        for batch in batches:
            yield conform(batch.to_pandas())


def _is_in(column: Any, chosen: tuple[str, ...]) -> Any:
    """The column's value (missing counted as UNKNOWN, as the filters offer it) is one of `chosen`."""
    return column.fill_null(UNKNOWN).isin([str(value) for value in chosen])


def _counted(t: Any, column: str, with_unknown: bool) -> list[str]:
    """Distinct values of a column, most frequent first (ties by name), missing as UNKNOWN at the end."""
    counts = t.group_by(column).aggregate(n=t.count()).to_pandas()
    known = counts[counts[column].notna()].sort_values(["n", column], ascending=[False, True], kind="stable")
    names = known[column].astype(str).tolist()
    return names + ([UNKNOWN] if with_unknown and counts[column].isna().any() else [])


def _keys(lat: Any, lon: Any, size: float) -> Any:
    """A cell's key as `maps.layers` computes it: row * 100,000 + column, rows and columns counted
    in cells of `size` degrees from (-90, -180)."""
    cell = _float(size)
    return ((lat + 90) / cell).floor().cast("int64") * grid.CELL_KEY + ((lon + 180) / cell).floor().cast("int64")


#: Cell sizes whose cells are exactly unions of the finest cells, keyed from the finest keys:
#: 0.1 and 0.2 are 0.05 times 2 and 4 in binary too (the same mantissa), so floor(x / 0.1) is
#: floor(floor(x / 0.05) / 2) for every double x; 0.5, 1 and 2 are not (an event at exactly 33.5°
#: lies in the fine cell below but in the half-degree cell above): those are counted again.
_FROM_FINEST = {0.05: 1, 0.1: 2, 0.2: 4}


def _size_of(fine: pd.DataFrame) -> float:
    """The finest cell size with at most CELL_LIMIT cells, chosen as `maps.cells.cell_size_for`
    chooses it: it counts coarser cells from the distinct fine cells' centres, so given those
    centres it is that very function."""
    finest = grid.CELL_SIZES[0]
    south, west = grid.cell_corners(pd.unique(fine["key"].to_numpy()), finest)
    return cells.cell_size_for(pd.DataFrame({"latitude": south + finest / 2, "longitude": west + finest / 2}))


def _coarser(fine: pd.DataFrame, size: float) -> pd.DataFrame | None:
    """The cells of `size` summed from the finest cells' counts where that is exact (_FROM_FINEST);
    None where they must be counted from the events."""
    factor = _FROM_FINEST.get(size)
    if factor is None:
        return None
    keys = fine["key"].to_numpy(dtype=np.int64)
    rows, columns = keys // grid.CELL_KEY // factor, keys % grid.CELL_KEY // factor
    table = (
        fine.assign(key=rows * grid.CELL_KEY + columns)
        .groupby(["key", "event_type"], sort=True)[["events", "fatalities"]]
        .sum()
        .reset_index()
    )
    table = pd.DataFrame(
        {
            "key": table["key"].to_numpy(dtype=np.int64),
            "event_type": table["event_type"].astype("string"),
            "events": table["events"].to_numpy(dtype=np.int64),
            "fatalities": table["fatalities"].to_numpy(dtype=np.int64),
        }
    ).sort_values(["key", "event_type"], kind="stable", ignore_index=True)
    return with_centres(table, size)


def _cell_counts(located: Any, size: float, centres: bool = True) -> pd.DataFrame:
    """Events and fatalities per cell and event type, counted in the engine (with each cell's
    centre and corner unless `centres` is false)."""
    keyed = located.mutate(
        key=_keys(located.latitude, located.longitude, size), kind=located.event_type.fill_null(UNKNOWN)
    )
    table = (
        keyed.group_by(["key", "kind"])
        .aggregate(events=lambda g: g.count(), fatalities=lambda g: g.fatalities.fill_null(0).sum())
        .to_pandas()
    )
    table = pd.DataFrame(
        {
            "key": table["key"].to_numpy(dtype=np.int64),
            "event_type": table["kind"].astype("string"),
            "events": table["events"].to_numpy(dtype=np.int64),
            "fatalities": table["fatalities"].fillna(0).to_numpy(dtype=np.int64),
        }
    ).sort_values(["key", "event_type"], kind="stable", ignore_index=True)
    return with_centres(table, size) if centres else table
