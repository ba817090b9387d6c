"""Events counted in square cells (the cells mode): the cell size a view needs, the counts per
cell, and the events of a clicked cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictmap.maps.arrays import EventArrays, located_events
from conflictmap.maps.basemap import PALETTE
from conflictmap.maps.grid import CELL_SIZES, cell_corners, cell_keys, numbered

#: Cells are made coarser until at most this many remain (about 24 bytes each in the page).
CELL_LIMIT = 20_000


def cell_size_for(events: pd.DataFrame | EventArrays, limit: int = CELL_LIMIT) -> float:
    """The finest of CELL_SIZES that yields at most `limit` non-empty cells.

    The events are keyed once at the finest size; coarser sizes are counted from the distinct
    fine cells' corners, which is cheap (every CELL_SIZES entry is a multiple of the first).
    """
    if isinstance(events, pd.DataFrame):
        located = located_events(events)
        lat, lon = located["latitude"].to_numpy(dtype=float), located["longitude"].to_numpy(dtype=float)
    else:
        arrays = events.located()
        lat, lon = arrays.latitude, arrays.longitude
    finest = CELL_SIZES[0]
    if isinstance(events, EventArrays) and arrays.fine_cells is not None and arrays.fine_keys is not None:
        present = np.bincount(arrays.fine_cells, minlength=len(arrays.fine_keys)) > 0  # (located: no -1)
        keys = arrays.fine_keys[present]
    else:
        keys = pd.unique(cell_keys(lat, lon, finest))
    south, west = cell_corners(keys, finest)
    south, west = south + finest / 2, west + finest / 2
    for size in CELL_SIZES:
        if len(pd.unique(cell_keys(south, west, size))) <= limit:
            return size
    return CELL_SIZES[-1]


def cells(events: pd.DataFrame | EventArrays, size: float, colors: dict[str, str] | None = None) -> pd.DataFrame:
    """Events counted in square cells of `size` degrees, in the order of their keys (row, column).

    Columns: latitude, longitude (the cell's centre), south, west (its corner), events,
    fatalities, main_type (colour index of the most frequent type in the cell; of equally
    frequent ones, the first colour). `colors` is needed for a frame, not for EventArrays.
    Counted with bincount over each event's cell number: no groupby, no sort of the events.
    """
    if isinstance(events, pd.DataFrame):
        if colors is None:
            raise TypeError("cells of a frame need the type colours")
        events = EventArrays.of(located_events(events), colors)
    located = events.located()
    key = cell_keys(located.latitude, located.longitude, size)
    number, keys = numbered(key)
    count, palette = len(keys), len(PALETTE)
    style = located.style.astype(np.int64) % palette
    by_type = np.bincount(number * palette + style, minlength=count * palette).reshape(count, palette)
    fatalities = np.bincount(number, weights=located.fatalities, minlength=count)
    south, west = cell_corners(keys, size)
    return pd.DataFrame(
        {
            "latitude": south + size / 2,
            "longitude": west + size / 2,
            "south": south,
            "west": west,
            "events": np.bincount(number, minlength=count).astype(np.int64),
            "fatalities": np.rint(fatalities).astype(np.int64),
            "main_type": by_type.argmax(axis=1).astype(np.int64),
        }
    )


def in_cell(events: pd.DataFrame, latitude: float, longitude: float, size: float) -> pd.DataFrame:
    """The events of the cell whose centre is at (latitude, longitude)."""
    south, west = latitude - size / 2, longitude - size / 2
    lat, lon = events["latitude"], events["longitude"]
    return events[
        (lat >= south - 1e-9) & (lat < south + size - 1e-9) & (lon >= west - 1e-9) & (lon < west + size - 1e-9)
    ]


def nearest_cell(table: pd.DataFrame | None, latitude: float, longitude: float) -> pd.Series | None:
    """The cell whose centre is nearest a click (a circle may reach beyond its square)."""
    if table is None or table.empty:
        return None
    distance = np.hypot(table["latitude"].to_numpy() - latitude, table["longitude"].to_numpy() - longitude)
    return table.iloc[int(np.nanargmin(distance))]  # the first nearest, skipping NaN, as idxmin did
