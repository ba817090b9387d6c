"""The map's events layer, its mode chosen by a payload budget.

- markers, up to MARKER_LIMIT located events: one clustered marker per event with a full popup
  (text rows as JSON);
- points, up to POINT_LIMIT: one clustered marker per event from binary arrays (base64); a click
  lists the event's details under the map;
- cells, beyond: events counted in pandas into square cells, one circle per cell (count,
  fatalities, main type), with an optional heatmap.

Every mode is one Leaflet layer fed by data, never one folium object per event: `markers` draws
the first two, `cell_layer` the third, from `arrays` and `cells` (counted on `grid`'s cells). Data reach the
page as JSON escaped for a `<script>` element (`<`, `>`, `&` as \\u escapes) or as base64, and text
is put on the page with `textContent`.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd

from conflictmap.maps.arrays import EventArrays, located_events, point_arrays, rows_of
from conflictmap.maps.cell_layer import EventCells
from conflictmap.maps.cells import cell_size_for, cells
from conflictmap.maps.markers import EventMarkers, marker_rows
from conflictmap.schema import LayerMode

#: Thresholds, from benchmarks/map (see README): full popups cost ~0.4 KB per event in the page;
#: binary points 12 bytes; above POINT_LIMIT the browser's clustering itself gets slow.
MARKER_LIMIT = 2_000
POINT_LIMIT = 50_000


@dataclass(frozen=True)
class Plan:
    mode: LayerMode
    reason: str


def plan(located: int, limits: tuple[int, int] = (MARKER_LIMIT, POINT_LIMIT)) -> Plan:
    """Which mode draws `located` events within the page budget, and why, in words for the page."""
    markers, points = limits
    if located <= markers:
        return Plan(LayerMode.MARKERS, f"{located:,} events: each is a marker with its popup (up to {markers:,}).")
    if located <= points:
        return Plan(
            LayerMode.POINTS,
            f"{located:,} events: each is a marker, without a popup to keep the page light "
            f"(over {markers:,}); click one to list its details under the map.",
        )
    return Plan(
        LayerMode.CELLS,
        f"{located:,} events: too many to draw one by one (over {points:,}), so they are counted in "
        "square cells; zoom in or narrow the filters to see single events, or click a cell to list its events.",
    )


@dataclass(frozen=True)
class Layer:
    """What the events layer drew: the folium group for `st_folium(feature_group_to_add=...)`, the
    plan, and the cell size in cells mode (for listing a clicked cell's events)."""

    group: folium.FeatureGroup
    plan: Plan
    cell_size: float | None = None
    cells: pd.DataFrame | None = None


def events_layer(
    events: pd.DataFrame,
    colors: dict[str, str],
    heat: bool = False,
    limits: tuple[int, int] = (MARKER_LIMIT, POINT_LIMIT),
    data_set: EventArrays | None = None,
) -> Layer:
    """The located events as one layer, in the mode the payload budget allows.

    `data_set`: the arrays of the whole data set `events` was cut from (`data_set_arrays`); the
    layer then reads the rows it needs from them (`rows_of`) instead of from the frame.
    """
    group = folium.FeatureGroup(name="Events")
    arrays = (data_set.take(rows_of(events)) if data_set is not None else EventArrays.of(events, colors)).located()
    chosen = plan(len(arrays), limits)
    size = table = None
    if chosen.mode == LayerMode.CELLS:
        size = cell_size_for(arrays)
        table = cells(arrays, size)
        EventCells(table, size, heat).add_to(group)
    elif chosen.mode == LayerMode.MARKERS:
        EventMarkers(rows=marker_rows(located_events(events), colors)).add_to(group)
    else:
        EventMarkers(points=point_arrays(events, colors, arrays)).add_to(group)
    return Layer(group=group, plan=chosen, cell_size=size, cells=table)
