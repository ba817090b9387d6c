"""The view's state as URL query parameters, so a link reopens the same view.

Filters, on every page: `start`, `end` (YYYY-MM-DD), and repeatable `type`, `actor`, `admin1`.
The Map page adds `lat`, `lon`, `zoom`, `tiles=osm`, `heat=true` and `event=<id>`, time playback's
`play_at`, `play_window`, `play_mode`, `play_step` and `play_speed`, and the choropleth's `units`
(`governorate` or `district`) and `units_by` (`events` or `fatalities`); Streamlit's own `embed=true` shows
the map alone.
A link is input like any other: a bad value is dropped with a warning naming the parameter and
the value, and the rest of the link still applies. A single-valued parameter given twice with
different values (`zoom=3&zoom=9`) is ambiguous and ignored the same way (`single`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from conflictmap.filters import Filters
from conflictmap.labels import INVISIBLE

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
#: Time playback's parameters (any of them turns playback on), part of the Map page's.
PLAYBACK_PARAMETERS = ("play_at", "play_window", "play_mode", "play_step", "play_speed")
#: The choropleth's: the level of its units and what they are shaded by.
UNITS_PARAMETERS = ("units", "units_by")
MAP_PARAMETERS = ("lat", "lon", "zoom", "tiles", "heat", "event", *PLAYBACK_PARAMETERS, *UNITS_PARAMETERS)
UNIT_LEVELS = ("governorate", "district")
UNIT_MEASURES = ("events", "fatalities")
STREAMLIT_PARAMETERS = ("embed",)
LIST_PARAMETERS = {"type": "event_types", "actor": "actors", "admin1": "admin1"}


def _shown(value: str) -> str:
    """A link's value as a warning quotes it: cut to 40 characters, its invisible characters and
    bidi controls written as codes (shown as they are, "district\u202e" would read 'district').

    >>> print(_shown("district\\u202e"))
    district\\u202e
    """
    value = value if len(value) <= 40 else value[:40] + "…"
    return re.sub(INVISIBLE, lambda found: f"\\u{ord(found.group()):04x}", value)


def single(params: Mapping[str, Sequence[str]], name: str, warnings: list[str]) -> str | None:
    """The one value of a single-valued parameter, None when the link has none.

    A link that names it more than once with different values is ambiguous (which did the sender
    mean?): the parameter is ignored with a warning, and the default applies. The same value
    repeated is no doubt and is taken.

    >>> notes = []
    >>> single({"zoom": ["3", "9"]}, "zoom", notes), notes
    (None, ["Link parameter 'zoom' is given 2 times ('3', '9'); ignored: a link names it once."])
    >>> single({"zoom": ["9", "9"]}, "zoom", notes)
    '9'
    """
    values = list(params.get(name) or [])
    if not values:
        return None
    if any(value != values[0] for value in values[1:]):
        shown = ", ".join(f"'{_shown(value)}'" for value in values[:3]) + (", …" if len(values) > 3 else "")
        warnings.append(
            f"Link parameter '{name}' is given {len(values):,} times ({shown}); ignored: a link names it once."
        )
        return None
    return values[0]


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
        value = single(params, name, warnings)
        if value is None:
            continue
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


PLAY_MODES = ("moving", "cumulative")
PLAY_STEPS = ("day", "week", "month")
#: Window lengths in days (one day to ten years) and speeds in steps per second a link may ask for.
PLAY_WINDOW_RANGE = (1, 3660)
PLAY_SPEED_RANGE = (0.25, 60.0)


@dataclass(frozen=True)
class Playback:
    """Time playback on the Map page: where it stands and how it moves.

    The period on screen is `window` days from `at` ("moving"), or from the data's first day to
    the end of that window ("cumulative"); `at` None means no position yet (the whole data).
    Each step moves `at` by a day, a week or a calendar month, `speed` steps a second.
    """

    at: dt.date | None = None
    window: int = 30
    mode: str = "moving"  # one of PLAY_MODES
    step: str = "week"  # one of PLAY_STEPS
    speed: float = 4.0


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
    playback: Playback | None = None  # time playback, when on
    units: str | None = None  # the choropleth's level (one of UNIT_LEVELS), when on
    units_by: str = "events"  # what its units are shaded by (one of UNIT_MEASURES)


ZOOM_RANGE = (2, 18)
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _number(
    params: Mapping[str, Sequence[str]], name: str, low: float, high: float, warnings: list[str]
) -> float | None:
    value = single(params, name, warnings)
    if value is None:
        return None
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
    given = single(params, name, warnings)
    if given is None:
        return False
    value = given.strip().lower()
    if value in TRUE:
        return True
    if value not in FALSE:
        warnings.append(f"Link parameter '{name}': '{_shown(given)}' is not true or false; ignored.")
    return False


def _choice(params: Mapping[str, Sequence[str]], name: str, allowed: Sequence[str], warnings: list[str]) -> str | None:
    value = single(params, name, warnings)
    if value is None:
        return None
    if value not in allowed:
        warnings.append(f"Link parameter '{name}': '{_shown(value)}' is not {' or '.join(allowed)}; ignored.")
        return None
    return value


def playback_from_params(params: Mapping[str, Sequence[str]], warnings: list[str]) -> Playback | None:
    """Playback as a link asks for it, None when the link names none of PLAYBACK_PARAMETERS.

    A bad value is ignored with a warning and its default kept: `play_window=0` or `=36500`
    (100 years), `play_speed=-1` or `=1e9`. Whether `play_at` lies in the data is checked
    against the data by `playback_within`.
    """
    if not any(params.get(name) for name in PLAYBACK_PARAMETERS):
        return None
    playback = Playback()
    at_value = single(params, "play_at", warnings)
    if at_value is not None:
        try:
            playback = replace(playback, at=dt.date.fromisoformat(at_value[:MAX_VALUE_LENGTH]))
        except ValueError:
            warnings.append(f"Link parameter 'play_at': '{_shown(at_value)}' is not a date (YYYY-MM-DD); ignored.")
    window = _number(params, "play_window", *PLAY_WINDOW_RANGE, warnings)
    if window is not None and window != int(window):
        warnings.append(
            f"Link parameter 'play_window': '{_shown(params['play_window'][0])}' is not a whole number of days; "
            "ignored."
        )
        window = None
    speed = _number(params, "play_speed", *PLAY_SPEED_RANGE, warnings)
    mode = _choice(params, "play_mode", PLAY_MODES, warnings)
    step = _choice(params, "play_step", PLAY_STEPS, warnings)
    return replace(
        playback,
        window=int(window) if window is not None else playback.window,
        speed=speed if speed is not None else playback.speed,
        mode=mode or playback.mode,
        step=step or playback.step,
    )


def playback_within(playback: Playback | None, bounds: tuple[dt.date, dt.date]) -> tuple[Playback | None, list[str]]:
    """`playback` with a position outside the data's dates (`bounds`) dropped, with a warning."""
    if playback is None or playback.at is None or bounds[0] <= playback.at <= bounds[1]:
        return playback, []
    warning = (
        f"Link parameter 'play_at': {playback.at} is outside the data ({bounds[0]} to {bounds[1]}); "
        "playback starts at the sidebar's dates."
    )
    return replace(playback, at=None), [warning]


def params_from_playback(playback: Playback | None) -> dict[str, str]:
    """Query parameters for playback: always `play_at` (or `play_window`, so that the link turns
    playback on), the rest when not the default."""
    if playback is None:
        return {}
    default = Playback()
    params: dict[str, str] = {}
    if playback.at is not None:
        params["play_at"] = playback.at.isoformat()
    if playback.window != default.window or not params:
        params["play_window"] = str(playback.window)
    if playback.mode != default.mode:
        params["play_mode"] = playback.mode
    if playback.step != default.step:
        params["play_step"] = playback.step
    if playback.speed != default.speed:
        params["play_speed"] = f"{playback.speed:g}"
    return params


def map_view_from_params(
    params: Mapping[str, Sequence[str]], known_events: Callable[[str], bool]
) -> tuple[MapView, list[str]]:
    """Read the Map page's parameters `lat`, `lon`, `zoom`, `tiles`, `heat`, `event`, `units` and
    `units_by`, and playback's (`playback_from_params`).

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
        warnings.append(f"Link parameter 'zoom': '{_shown(params['zoom'][0])}' is not a whole number; ignored.")
        zoom = None
    tiles_value = single(params, "tiles", warnings)
    tiles = tiles_value == "osm"
    if tiles_value is not None and not tiles:
        warnings.append(f"Link parameter 'tiles': '{_shown(tiles_value)}' is not 'osm'; ignored.")
    event = single(params, "event", warnings)
    if event is not None and not known_events(event[:MAX_VALUE_LENGTH]):
        warnings.append(f"Link parameter 'event': '{_shown(event)}' is not in the data; ignored.")
        event = None
    playback = playback_from_params(params, warnings)
    units = _choice(params, "units", UNIT_LEVELS, warnings)
    units_by = _choice(params, "units_by", UNIT_MEASURES, warnings)
    if units and playback is not None:  # the Map page draws the events while playback is on
        warnings.append(
            f"Link parameter 'units': '{units}' is ignored while time playback is on (the link's play_… "
            "parameters); switch playback off in the sidebar for the choropleth."
        )
        units = None
    elif units_by and not units and playback is None:
        warnings.append(f"Link parameter 'units_by': '{units_by}' shades the choropleth, which the link does "
                        "not turn on (units=governorate or units=district); ignored.")  # fmt: skip
        units_by = None
    view = MapView(
        latitude=latitude,
        longitude=longitude,
        zoom=int(zoom) if zoom is not None else None,
        tiles=tiles,
        heat=_flag(params, "heat", warnings),
        event=event,
        playback=playback,
        units=units,
        units_by=units_by or "events",
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
    params.update(params_from_playback(view.playback))
    if view.units:
        params["units"] = view.units
        if view.units_by != "events":
            params["units_by"] = view.units_by
    return params
