"""What the events layers draw from, as numpy arrays aligned with a frame's rows (coordinates,
style, fatalities), computed once per data set; and the binary points of the points mode."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from conflictmap.figures import place_numbers
from conflictmap.maps.basemap import FINE_PRECISIONS, PALETTE
from conflictmap.maps.grid import CELL_SIZES, cell_keys, numbered
from conflictmap.maps.payload import b64


def located_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with coordinates (the same frame, not a copy, when all have them)."""
    mask = events["latitude"].notna().to_numpy() & events["longitude"].notna().to_numpy()
    return events if mask.all() else events[mask]


def styles(events: pd.DataFrame, colors: dict[str, str]) -> np.ndarray:
    """Per event: its type's colour index, plus len(PALETTE) when its place is coarse (a ring).

    Works on codes, not strings: a million events take milliseconds.
    """
    index = {name: PALETTE.index(color) for name, color in colors.items()}
    codes, names = pd.factorize(events["event_type"], use_na_sentinel=True)
    lookup = np.array([index.get(str(name), len(PALETTE) - 1) for name in names] + [len(PALETTE) - 1], dtype=np.int16)
    color = lookup[codes]  # the sentinel -1 picks the last entry
    precision_codes, precisions = pd.factorize(events["geo_precision"], use_na_sentinel=True)
    fine = np.array([str(p) in FINE_PRECISIONS for p in precisions] + [False], dtype=bool)
    coarse = ~fine[precision_codes]
    return (color + coarse * len(PALETTE)).astype(np.int8)


@dataclass(frozen=True, eq=False)
class EventArrays:
    """What the layers draw from, as arrays aligned with a frame's rows: coordinates (NaN where
    not located), style (`styles`) and fatalities (missing as 0).

    Built once per data set (`data_set_arrays`), a redraw takes the rows it needs (`take`): at a
    million events that is a slice of each array, not a copy of the frame's two dozen columns.
    """

    latitude: np.ndarray
    longitude: np.ndarray
    style: np.ndarray
    fatalities: np.ndarray
    #: in a data set's arrays only: each event's place number (`figures.place_numbers`), and its
    #: cell of the finest size as a number into `fine_keys` (the distinct cells' keys)
    places: np.ndarray | None = None
    fine_cells: np.ndarray | None = None
    fine_keys: np.ndarray | None = None

    @classmethod
    def of(cls, events: pd.DataFrame, colors: dict[str, str]) -> EventArrays:
        return cls(
            events["latitude"].to_numpy(dtype=float),
            events["longitude"].to_numpy(dtype=float),
            styles(events, colors),
            events["fatalities"].fillna(0).to_numpy(dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.latitude)

    def take(self, rows: slice | np.ndarray) -> EventArrays:
        """These rows (a slice, positions or a boolean mask)."""
        places = self.places[rows] if self.places is not None else None
        fine = self.fine_cells[rows] if self.fine_cells is not None else None
        return EventArrays(
            self.latitude[rows], self.longitude[rows], self.style[rows], self.fatalities[rows], places, fine,
            self.fine_keys,
        )  # fmt: skip

    def located(self) -> EventArrays:
        """The rows with coordinates (these arrays, not a copy, when all have them)."""
        mask = ~(np.isnan(self.latitude) | np.isnan(self.longitude))
        return self if mask.all() else self.take(mask)


#: One EventArrays per data set frame alive, by id (with a weak reference to tell a new frame at the
#: same address from the old one).
_DATA_SETS: dict[int, tuple[weakref.ref, tuple[tuple[str, str], ...], EventArrays]] = {}


def data_set_arrays(events: pd.DataFrame, colors: dict[str, str]) -> EventArrays | None:
    """`EventArrays.of(events, colors)`, computed once while the frame lives, for frames whose rows
    are numbered 0, 1, … (a loaded data set): a subset's index then says its rows (`rows_of`).
    None for other frames. A data set is read-only once loaded; a frame changed in place would
    keep its old arrays."""
    index = events.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        return None
    key, palette = id(events), tuple(colors.items())
    kept = _DATA_SETS.get(key)
    if kept is not None and kept[0]() is events and kept[1] == palette:
        return kept[2]
    arrays = EventArrays.of(events, colors)
    located = ~(np.isnan(arrays.latitude) | np.isnan(arrays.longitude))
    fine, fine_keys = numbered(cell_keys(arrays.latitude, arrays.longitude, CELL_SIZES[0]))
    arrays = replace(
        arrays, places=place_numbers(events), fine_cells=np.where(located, fine, -1).astype(np.int32),
        fine_keys=fine_keys,
    )  # fmt: skip
    _DATA_SETS[key] = (weakref.ref(events, lambda _: _DATA_SETS.pop(key, None)), palette, arrays)
    return arrays


def rows_of(events: pd.DataFrame) -> slice | np.ndarray:
    """The positions of `events`' rows in the data set it was cut from (by its index labels): a
    slice for a date window (`filters.window`), positions otherwise."""
    index = events.index
    if isinstance(index, pd.RangeIndex) and index.step == 1:
        return slice(index.start, index.stop)
    return index.to_numpy()


def point_arrays(
    events: pd.DataFrame, colors: dict[str, str], arrays: EventArrays | None = None
) -> dict[str, str | int]:
    """Located events as base64 arrays: int32 lat/lon in 1e-5 degrees (about 1 m) and int8 styles.
    `arrays`: the events' own (`EventArrays`), when already at hand."""
    located = (arrays or EventArrays.of(events, colors)).located()
    coordinates = np.column_stack([np.round(located.latitude * 1e5), np.round(located.longitude * 1e5)]).astype("<i4")
    return {"count": len(located), "coordinates": b64(coordinates), "styles": b64(located.style)}
