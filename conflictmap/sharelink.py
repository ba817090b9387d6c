"""The view's state as URL query parameters, so a link reopens the same view.

Filters, on every page: `start`, `end` (YYYY-MM-DD), and repeatable `type`, `actor`, `admin1`.
The Map page adds `lat`, `lon`, `zoom`, `tiles=osm`, `heat=true` and `event=<id>`; Streamlit's own
`embed=true` shows the map alone.
A link is input like any other: a bad value is dropped with a warning naming the parameter and
the value, and the rest of the link still applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from conflictmap.filters import Filters

MAX_VALUE_LENGTH = 200
#: Values read per list parameter; a link with more is cut there, with one warning.
MAX_VALUES = 50
#: Warnings listed per parameter; the rest are counted in one line.
MAX_WARNINGS = 5
#: The longest link the app writes and promises to open: well under what browsers, proxies and
#: the app's own web server accept (README, "Share links").
MAX_LINK_LENGTH = 8_000
#: The filters' parameters (every page) and the Map page's own; `embed` is Streamlit's.
FILTER_PARAMETERS = ("start", "end", "type", "actor", "admin1")
MAP_PARAMETERS = ("lat", "lon", "zoom", "tiles", "heat", "event")
STREAMLIT_PARAMETERS = ("embed",)
LIST_PARAMETERS = {"type": "event_types", "actor": "actors", "admin1": "admin1"}


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def filters_from_params(
    params: Mapping[str, Sequence[str]],
    default: Filters,
    bounds: tuple[dt.date, dt.date],
    known: Mapping[str, Sequence[str]],
) -> tuple[Filters, list[str]]:
    """Read filters from query parameters (each name -> its values), falling back to `default`.

    `known` gives the valid choices for "type", "actor" and "admin1". Returns the filters and a
    warning per value that was ignored.
    """
    warnings: list[str] = []
    filters = default
    dates = {}
    for name in ("start", "end"):
        values = params.get(name) or []
        if not values:
            continue
        value = values[-1]
        try:
            day = dt.date.fromisoformat(value[:MAX_VALUE_LENGTH])
        except ValueError:
            warnings.append(
                f"Link parameter '{name}': '{_shown(value)}' is not a date (YYYY-MM-DD); using the default."
            )
            continue
        if not bounds[0] <= day <= bounds[1]:
            warnings.append(
                f"Link parameter '{name}': {day} is outside the data ({bounds[0]} to {bounds[1]}); "
                "using the nearest date."
            )
            day = min(max(day, bounds[0]), bounds[1])
        dates[name] = day
    start, end = dates.get("start", filters.start), dates.get("end", filters.end)
    if start > end:
        warnings.append(f"Link parameters 'start' ({start}) and 'end' ({end}) are reversed; using the default dates.")
        start, end = default.start, default.end
    filters = replace(filters, start=start, end=end)
    for name, field_name in LIST_PARAMETERS.items():
        values = list(params.get(name) or [])
        if not values:
            continue
        valid = set(known.get(name, ()))
        kept: list[str] = []
        unknown = 0
        for value in values[:MAX_VALUES]:
            if value in valid and value not in kept:
                kept.append(value)
            elif value not in valid:
                unknown += 1
                if unknown <= MAX_WARNINGS:
                    warnings.append(f"Link parameter '{name}': '{_shown(value)}' is not in the data; ignored.")
        if unknown > MAX_WARNINGS:
            warnings.append(
                f"Link parameter '{name}': {unknown - MAX_WARNINGS:,} more values not in the data; ignored."
            )
        if len(values) > MAX_VALUES:
            warnings.append(
                f"Link parameter '{name}': {len(values) - MAX_VALUES:,} values beyond the first {MAX_VALUES} ignored."
            )
        chosen: dict[str, Any] = {field_name: tuple(kept)}  # a tuple for whichever field `name` sets
        filters = replace(filters, **chosen)
    return filters, warnings


def link_length(params: Mapping[str, str | Sequence[str]]) -> int:
    """The length of the query string `params` make, as a browser's address bar holds it.

    >>> link_length({"start": "2024-01-01", "type": ["Air strike", "Shelling"]})
    46
    """
    pairs = [
        (name, value) for name, values in params.items() for value in ([values] if isinstance(values, str) else values)
    ]
    return len(urlencode(pairs))


def params_from_filters(filters: Filters) -> dict[str, str | list[str]]:
    """Query parameters for `filters`; dates are always written, empty choices are left out."""
    params: dict[str, str | list[str]] = {"start": filters.start.isoformat(), "end": filters.end.isoformat()}
    for name, field_name in LIST_PARAMETERS.items():
        values = list(getattr(filters, field_name))
        if values:
            params[name] = values
    return params


@dataclass(frozen=True)
class MapView:
    """The Map page's own state: where the map looks, its layers, the selected event, embedding."""

    latitude: float | None = None
    longitude: float | None = None
    zoom: int | None = None
    tiles: bool = False  # online OpenStreetMap tiles
    heat: bool = False  # heatmap of counted cells
    event: str | None = None  # a selected event id
    embed: bool = False  # the map and its legend alone (Streamlit's own `embed=true` parameter)


ZOOM_RANGE = (2, 18)
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _number(
    params: Mapping[str, Sequence[str]], name: str, low: float, high: float, warnings: list[str]
) -> float | None:
    values = params.get(name) or []
    if not values:
        return None
    value = values[-1]
    try:
        number = float(value[:MAX_VALUE_LENGTH])
    except ValueError:
        number = float("nan")
    if not low <= number <= high:  # also rejects nan and inf
        warnings.append(
            f"Link parameter '{name}': '{_shown(value)}' is not a number from {low:g} to {high:g}; ignored."
        )
        return None
    return number


def _flag(params: Mapping[str, Sequence[str]], name: str, warnings: list[str]) -> bool:
    values = params.get(name) or []
    if not values:
        return False
    value = values[-1].strip().lower()
    if value in TRUE:
        return True
    if value not in FALSE:
        warnings.append(f"Link parameter '{name}': '{_shown(values[-1])}' is not true or false; ignored.")
    return False


def map_view_from_params(
    params: Mapping[str, Sequence[str]], known_events: Callable[[str], bool]
) -> tuple[MapView, list[str]]:
    """Read the Map page's parameters `lat`, `lon`, `zoom`, `tiles`, `heat` and `event`.

    (`embed=true` is Streamlit's own parameter: Streamlit keeps it and the UI reads it from
    `st.context.is_embedded`.)

    `known_events(id)` says whether an event id exists. A bad value is ignored with a warning.
    """
    warnings: list[str] = []
    latitude = _number(params, "lat", -90, 90, warnings)
    longitude = _number(params, "lon", -180, 180, warnings)
    if (latitude is None) != (longitude is None):
        if not any("'lat'" in w or "'lon'" in w for w in warnings):
            warnings.append("Link parameters 'lat' and 'lon' go together; the map's centre is ignored.")
        latitude = longitude = None
    zoom = _number(params, "zoom", *ZOOM_RANGE, warnings)
    if zoom is not None and zoom != int(zoom):
        warnings.append(f"Link parameter 'zoom': '{_shown(params['zoom'][-1])}' is not a whole number; ignored.")
        zoom = None
    tiles_values = params.get("tiles") or []
    tiles = bool(tiles_values) and tiles_values[-1] == "osm"
    if tiles_values and not tiles:
        warnings.append(f"Link parameter 'tiles': '{_shown(tiles_values[-1])}' is not 'osm'; ignored.")
    events = params.get("event") or ()
    event = events[-1] if events else None
    if event is not None and not known_events(event[:MAX_VALUE_LENGTH]):
        warnings.append(f"Link parameter 'event': '{_shown(event)}' is not in the data; ignored.")
        event = None
    view = MapView(
        latitude=latitude,
        longitude=longitude,
        zoom=int(zoom) if zoom is not None else None,
        tiles=tiles,
        heat=_flag(params, "heat", warnings),
        event=event,
    )
    return view, warnings


def params_from_map_view(view: MapView) -> dict[str, str]:
    """Query parameters for the Map page's state; defaults are left out."""
    params: dict[str, str] = {}
    if view.latitude is not None and view.longitude is not None:
        params["lat"], params["lon"] = f"{view.latitude:.5f}", f"{view.longitude:.5f}"
    if view.zoom is not None:
        params["zoom"] = str(view.zoom)
    if view.tiles:
        params["tiles"] = "osm"
    if view.heat:
        params["heat"] = "true"
    if view.event:
        params["event"] = view.event
    return params
