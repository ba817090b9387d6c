"""The map's events layer drawn from a store's answer (`MapInput`), with the same layers as
`conflictmap.maps.layers.events_layer` draws from a frame."""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd

from conflictmap.maps import arrays, cell_layer, grid, layers, markers
from conflictmap.maps.basemap import PALETTE
from conflictmap.schema import LayerMode
from conflictmap.store.base import MapInput


def cell_table(counts: pd.DataFrame, size: float, colors: dict[str, str]) -> pd.DataFrame:
    """Per-cell-and-type counts to the map's cell table (as `maps.cells.cells` returns it): events,
    fatalities and main_type, the colour index of the most frequent type's colour in the cell
    (events of types sharing a colour counted together, a tie going to the lower colour index)."""
    index = {name: PALETTE.index(color) for name, color in colors.items()}
    colour = np.array([index.get(str(name), len(PALETTE) - 1) for name in counts["event_type"]], dtype=np.int64)
    per_colour = (
        pd.DataFrame({"key": counts["key"].to_numpy(), "colour": colour, "events": counts["events"].to_numpy()})
        .groupby(["key", "colour"], sort=True)["events"]
        .sum()
        .reset_index()
        .sort_values(["key", "events", "colour"], ascending=[True, False, True], kind="stable")
        .drop_duplicates("key")
        .set_index("key")["colour"]
    )
    totals = counts.groupby("key", sort=True).agg(events=("events", "sum"), fatalities=("fatalities", "sum"))
    keys = totals.index.to_numpy(dtype=np.int64)
    south, west = grid.cell_corners(keys, size)
    return pd.DataFrame(
        {
            "latitude": south + size / 2,
            "longitude": west + size / 2,
            "south": south,
            "west": west,
            "events": totals["events"].to_numpy(dtype=np.int64),
            "fatalities": totals["fatalities"].to_numpy(dtype=np.int64),
            "main_type": per_colour.reindex(totals.index).to_numpy(),
        }
    )


def map_layer(answer: MapInput, colors: dict[str, str], heat: bool = False) -> layers.Layer:
    """The events layer for `st_folium(feature_group_to_add=...)` from a store's answer."""
    group = folium.FeatureGroup(name="Events")
    if answer.plan.mode == LayerMode.CELLS:
        assert answer.cells is not None and answer.cell_size is not None
        table = cell_table(answer.cells, answer.cell_size, colors)
        cell_layer.EventCells(table, answer.cell_size, heat).add_to(group)
        return layers.Layer(group=group, plan=answer.plan, cell_size=answer.cell_size, cells=table)
    assert answer.events is not None
    if answer.plan.mode == LayerMode.MARKERS:
        markers.EventMarkers(rows=markers.marker_rows(answer.events, colors)).add_to(group)
    else:
        markers.EventMarkers(points=arrays.point_arrays(answer.events, colors)).add_to(group)
    return layers.Layer(group=group, plan=answer.plan)
