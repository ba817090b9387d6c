"""What the map's reply means: which event a click selects, which events are listed under the
map, and the view (centre, zoom) to keep in the share link. Pure functions of the reply that
`st_folium` returns (`{"last_object_clicked": {"lat": …, "lng": …}, "center": {…}, "zoom": …}`),
so they are unit-tested with literal replies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from conflictmap.filters import at_point, inside_bounds
from conflictmap.maps.cells import in_cell, nearest_cell
from conflictmap.maps.choropleth import UnitsLayer, unit_at, unit_name
from conflictmap.maps.layers import Layer
from conflictmap.schema import LayerMode
from conflictmap.sharelink import MapView

#: The most events listed under the map for a clicked cell.
LISTED_LIMIT = 5_000


def clicked_event(reply: Mapping | None, mode: LayerMode, shown: pd.DataFrame, linked: str | None) -> str | None:
    """The event a click selects (the first of those at the clicked point), or the link's event
    when nothing was clicked. A click on a cell selects no single event."""
    spot = (reply or {}).get("last_object_clicked")
    if not spot:
        return linked
    if mode in (LayerMode.CELLS, LayerMode.UNITS):
        return None
    here = at_point(shown, spot["lat"], spot["lng"])
    return str(here["event_id"].iloc[0]) if len(here) else None


def view_after(view: MapView, reply: Mapping | None, *, tiles: bool, heat: bool, event: str | None) -> MapView:
    """The view to keep after the map replied: its reported centre and zoom (rounded to 5 decimals,
    about 1 m), else the view as it was (before the browser reports, zoom is folium's default)."""
    reply = reply or {}
    center, zoom = reply.get("center"), reply.get("zoom")
    return replace(
        view,
        latitude=round(center["lat"], 5) if center else view.latitude,
        longitude=round(center["lng"], 5) if center else view.longitude,
        zoom=int(zoom) if center and zoom else view.zoom,
        tiles=tiles,
        heat=heat,
        event=event,
    )


def redraw_needed(events: pd.DataFrame, drawn_for: Mapping | None, reported: Mapping | None) -> bool:
    """Whether the view the map reported (`reported` bounds) draws other events than the view the
    layer was drawn for (`drawn_for`, None: every event): `filters.inside_bounds` of both differ.
    The map's first report of its view, holding every event, then costs no second drawing."""
    located = events["latitude"].notna().to_numpy() & events["longitude"].notna().to_numpy()
    return not np.array_equal(inside_bounds(events, drawn_for) & located, inside_bounds(events, reported) & located)


@dataclass(frozen=True)
class Listed:
    """The events listed under the map, and a line that says which they are."""

    events: pd.DataFrame
    caption: str
    unit: str | None = None  # a clicked unit's P-code (the choropleth)
    timeline: pd.DataFrame | None = None  # then all its events, for its timeline (`events` may be cut short)


def listed_events(
    reply: Mapping | None, layer: Layer, drawn: pd.DataFrame, shown: pd.DataFrame, everything: pd.DataFrame,
    selected: str | None,
) -> Listed | None:  # fmt: skip
    """In cells mode, the clicked cell's events (at most LISTED_LIMIT); otherwise every event in
    the view at the selected event's place; None when nothing is selected (or a link's event is
    no longer in the data)."""
    spot = (reply or {}).get("last_object_clicked")
    if isinstance(layer, UnitsLayer):
        return unit_events(spot, layer, drawn)
    if spot and layer.plan.mode == LayerMode.CELLS:
        cell = nearest_cell(layer.cells, spot["lat"], spot["lng"])
        size = layer.cell_size or 0.0
        here = in_cell(drawn, cell["latitude"], cell["longitude"], size) if cell is not None else drawn.iloc[0:0]
        return Listed(
            here.head(LISTED_LIMIT),
            f"{len(here):,} event(s) in the {size}° cell around {spot['lat']:.4f}, {spot['lng']:.4f}",
        )
    if selected is None:
        return None
    chosen = everything[everything["event_id"] == selected]
    if chosen.empty:
        return None
    event = chosen.iloc[0]
    here = at_point(shown, event["latitude"], event["longitude"], within=1e-9)
    return Listed(here, f"{len(here)} event(s) in this view at {event['latitude']:.4f}, {event['longitude']:.4f}")


def clicked_unit(reply: Mapping | None, level: str) -> str | None:
    """The P-code of the unit of `level` a click on the choropleth fell in (None: no click, or
    outside every unit)."""
    spot = (reply or {}).get("last_object_clicked")
    return unit_at(spot["lat"], spot["lng"], level) if spot else None


def unit_events(spot: Mapping | None, layer: UnitsLayer, drawn: pd.DataFrame) -> Listed | None:
    """The drawn events counted in the clicked unit (at most LISTED_LIMIT listed), None when no unit
    was clicked."""
    pcode = unit_at(spot["lat"], spot["lng"], layer.level) if spot else None
    if pcode is None or layer.codes is None:
        return None
    here = drawn[(layer.codes == pcode).to_numpy(dtype=bool)]
    killed = int(here["fatalities"].fillna(0).sum())
    shown = f" (the first {LISTED_LIMIT:,} listed)" if len(here) > LISTED_LIMIT else ""
    caption = f"{len(here):,} event(s) in {unit_name(pcode, layer.level)}, {killed:,} killed (best estimates){shown}"
    return Listed(here.head(LISTED_LIMIT), caption, unit=pcode, timeline=here)
