"""Time playback of the current filters, run in the browser: no Streamlit rerun per frame.

The browser's half is static/maps/playback.js, which the layer's script loads beside the map the first
time and the browser caches (the standalone export inlines it); each rerun sends only the options and
arrays below and a short wrapper.

The events layer (`playback_layer`, passed to `st_folium(feature_group_to_add=...)` like
`conflictmap.maps.layers.events_layer`, so the base map stays identical and keeps its zoom and
position) carries everything playback needs, sent once per rerun:

- markers and points: per located event its coordinates (int32, 1e-5 degrees) and style (int8),
  as `layers.point_arrays` sends them, plus its first day and its length in days as compact
  base64 arrays (uint8 or uint16 offsets from the data's first day when they fit, else int32; an event
  without an end date lasts one day). Each frame draws the events whose days overlap the period
  on one canvas (binary search on the sorted first days, then a scan): unclustered dots, as
  clusters would re-form on every frame. Markers mode keeps its popups: a click opens the event's.
- cells: the cells of the whole playback (`layers.cells`) and, per time bin (day, week or
  calendar month, the finest whose entries fit ENTRY_LIMIT), the events starting in each cell as
  a sparse bin -> (cell, count) table (CSR: offsets per bin), plus the few events that span bins.
  A frame sums the bins its period covers (edge bins in proportion to the days covered) and
  redraws the circles, area by count, against a fixed reference (the largest count any cell
  reaches in one window), so sizes compare across frames.
- a histogram of events by first day (about 160 bars) for the control, the window marked on it.

With no position yet (the standalone export, until play is pressed) every event is on screen as
the usual clustered markers (with popups in markers mode), as `layers.EventMarkers` draws them.

The control (a Leaflet control the layer adds and removes with itself) shows the period large,
play/pause and step buttons and the histogram (a click there seeks); focused, space plays or
pauses and the arrow keys step (Home/End: first/last position). Options come from the sidebar
and are in the layer's script; the layer keeps its position and play state in the map's window
(`window.conflictmapPlaybackMemory`) when streamlit-folium replaces it on a rerun, unless the app asks
for a new position (a higher `seek` number: the sidebar's dates were moved, a link, playback
switched on).

How a pause reaches the sidebar: streamlit-folium's frontend sends back, 250 ms after a map
event (click, `moveend`, ...), the fields of `window.__GLOBAL_DATA__` named in
`returned_objects`, and only when they changed. One of them, `selected_tags`, is written only
by folium's TagFilterButton plugin, which this app does not use, and is passed through as is.
On pause (or a step while paused) the layer writes `["playback", start, end, at]` (ISO days)
there and fires `moveend` on the map; the app lists `selected_tags` in `returned_objects`
(always: that list is read once, when the map mounts) and reads it with `paused`, in
st_folium's `on_change` callback, which may still set the date slider's state. Calling
`Streamlit.setComponentValue` ourselves would send a value without the map's centre and zoom
and leave the frontend's copy of the last value stale. The standalone export has no Streamlit:
there the layer only plays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from conflictmap.maps.arrays import located_events, point_arrays
from conflictmap.maps.assets import MapAssets
from conflictmap.maps.basemap import PALETTE
from conflictmap.maps.cells import cell_size_for, cells
from conflictmap.maps.grid import cell_keys
from conflictmap.maps.layers import MARKER_LIMIT, POINT_LIMIT, Layer, Plan, plan
from conflictmap.maps.markers import CLUSTER_JS, POPUP_JS, marker_rows
from conflictmap.maps.payload import b64, script_json
from conflictmap.schema import LayerMode
from conflictmap.sharelink import Playback

EPOCH = dt.date(1970, 1, 1)
#: Bars of the control's histogram (at most; a bar is a whole number of days).
HISTOGRAM_BARS = 160
#: At most this many (bin, cell) entries are sent for cells mode: about 4 bytes each.
ENTRY_LIMIT = 200_000
BIN_UNITS = ("day", "week", "month")
#: The tag a paused layer writes first in `selected_tags`.
TAG = "playback"
#: The speeds (steps per second) and windows (days) the sidebar offers.
SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
WINDOWS = (1, 7, 14, 30, 91, 182, 365)
#: Where the app's map finds static/maps/playback.js (the standalone export passes its own).
LOCAL_ASSETS = MapAssets()


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: 2024-01-01 -> 19723."""
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def event_days(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each event's first and last day as day numbers (int64); no end date, or one before the
    start, means a one-day event."""
    start = events["date_start"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    end_dates = events["date_end"].to_numpy(dtype="datetime64[D]")
    end = np.where(np.isnat(end_dates), start, end_dates.astype(np.int64))
    return start, np.maximum(start, end)


def period(playback: Playback, domain: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The dates on screen at `playback.at` (the layer's JavaScript computes the same).

    >>> period(Playback(at=dt.date(2024, 3, 1), window=7), (dt.date(2020, 1, 1), dt.date(2024, 12, 31)))
    (datetime.date(2024, 3, 1), datetime.date(2024, 3, 7))
    """
    first, last = domain
    if playback.at is None:
        return first, last
    at = min(max(playback.at, first), last)
    end = min(at + dt.timedelta(days=playback.window - 1), last)
    return (first if playback.mode == "cumulative" else at), end


def seek_to(chosen: tuple[dt.date, dt.date], playback: Playback, domain: tuple[dt.date, dt.date]) -> Playback:
    """Playback put where the analyst set the sidebar's dates: a moving window takes their start
    and length; a cumulative one ends where they end (keeping its window when it can)."""
    first, _ = domain
    start, end = chosen
    if playback.mode != "cumulative":
        return Playback(start, max((end - start).days + 1, 1), playback.mode, playback.step, playback.speed)
    at = max(end - dt.timedelta(days=playback.window - 1), first)
    return Playback(at, (end - at).days + 1, playback.mode, playback.step, playback.speed)


@dataclass(frozen=True)
class Paused:
    """Where the layer was paused: the period on screen and the position."""

    start: dt.date
    end: dt.date
    at: dt.date


def paused(reply: Mapping | None) -> Paused | None:
    """The paused period the map reported (`reply["selected_tags"]`), None if there is none or it
    is not what the layer writes (the reply comes from the browser)."""
    tags = (reply or {}).get("selected_tags")
    if not isinstance(tags, Sequence) or isinstance(tags, str) or len(tags) != 4 or tags[0] != TAG:
        return None
    try:
        start, end, at = (dt.date.fromisoformat(str(tag)[:10]) for tag in tags[1:])
    except ValueError:
        return None
    return Paused(start, end, at) if start <= end else None


def histogram(start: np.ndarray, first: int, last: int, bars: int = HISTOGRAM_BARS) -> dict[str, object]:
    """Events by first day in at most `bars` bars of whole days: {"bar": days, "counts": [...]}."""
    span = last - first + 1
    bar = max(1, -(-span // bars))
    counts = np.bincount(np.clip((start - first) // bar, 0, None), minlength=-(-span // bar))
    return {"bar": int(bar), "counts": counts.tolist()}


def bin_edges(unit: str, first: int, last: int) -> np.ndarray:
    """Day numbers where each bin starts, and the day after the last bin ends (int64).

    Weeks count from the data's first day; months are calendar months.
    """
    if unit == "day":
        return np.arange(first, last + 2, dtype=np.int64)
    if unit == "week":
        return np.arange(first, last + 8, 7, dtype=np.int64)
    months = np.arange(
        np.datetime64(from_day_number(first), "M"), np.datetime64(from_day_number(last), "M") + 2, dtype="datetime64[M]"
    )
    return months.astype("datetime64[D]").astype(np.int64)


def _compact(values: np.ndarray) -> dict[str, str]:
    """Whole numbers as base64 of the smallest of uint8 / uint16 / int32 that holds them."""
    low, high = (int(values.min()), int(values.max())) if values.size else (0, 0)
    kind, dtype = ("Int32Array", "<i4")
    if low >= 0 and high < 2**16:
        kind, dtype = ("Uint8Array", "u1") if high < 2**8 else ("Uint16Array", "<u2")
    return {"type": kind, "data": b64(values.astype(dtype))}


def _sliding_max(cell: np.ndarray, bins: np.ndarray, counts: np.ndarray, width: int) -> int:
    """The largest sum of `counts` over `width` consecutive bins of one cell (entries sorted by
    cell, then bin)."""
    if not len(counts):
        return 0
    span = int(bins.max()) + width + 1
    keys = cell.astype(np.int64) * span + bins
    total = np.concatenate([[0], np.cumsum(counts)])
    upto = np.searchsorted(keys, keys + width, side="left")
    return int((total[upto] - total[np.arange(len(keys))]).max())


def cell_series(
    located: pd.DataFrame, size: float, start: np.ndarray, end: np.ndarray, first: int, last: int, window: int,
    cumulative: bool, limit: int = ENTRY_LIMIT,
) -> dict[str, object]:  # fmt: skip
    """Counts per cell and time bin, for cells mode (see the module's docstring).

    Cells are numbered as `layers.cells` orders them. Returns the unit, bin edges (days from
    `first`), the CSR table of events by first bin (offsets, cell, count), the events spanning
    bins (first bin, last bin, cell, count) and the reference count for the circles' size.
    """
    keys = cell_keys(located["latitude"].to_numpy(dtype=float), located["longitude"].to_numpy(dtype=float), size)
    _, cell = np.unique(keys, return_inverse=True)
    cell = cell.astype(np.int64)
    count_cells = int(cell.max()) + 1 if len(cell) else 1
    for unit in BIN_UNITS:
        edges = bin_edges(unit, first, last)
        first_bin = np.searchsorted(edges, start, side="right") - 1
        if unit == BIN_UNITS[-1] or len(pd.unique(first_bin * count_cells + cell)) <= limit:
            break
    last_bin = np.searchsorted(edges, end, side="right") - 1
    bins = len(edges) - 1
    by_start = pd.Series(first_bin * count_cells + cell).value_counts(sort=False).sort_index()
    entry_bin, entry_cell = by_start.index.to_numpy() // count_cells, by_start.index.to_numpy() % count_cells
    offsets = np.searchsorted(entry_bin, np.arange(bins + 1), side="left")
    spanning = last_bin > first_bin
    long = (
        pd.DataFrame({"first": first_bin[spanning], "last": last_bin[spanning], "cell": cell[spanning]})
        .value_counts(sort=False)
        .sort_index()
    )
    long_index = long.index.to_frame(index=False) if len(long) else pd.DataFrame({"first": [], "last": [], "cell": []})
    whole = int(np.bincount(cell, minlength=count_cells).max())
    if cumulative:
        reference = whole
    else:
        days = np.diff(edges).min() if bins else 1
        width = max(1, -(-window // int(days)))
        order = np.lexsort((entry_bin, entry_cell))
        reference = _sliding_max(entry_cell[order], entry_bin[order], by_start.to_numpy()[order], width)
    return {
        "unit": unit,
        "edges": _compact(edges - first),
        "offsets": b64(offsets.astype("<i4")),
        "cell": _compact(entry_cell),
        "count": _compact(by_start.to_numpy()),
        "long_first": _compact(long_index["first"].to_numpy(dtype=np.int64)),
        "long_last": _compact(long_index["last"].to_numpy(dtype=np.int64)),
        "long_cell": _compact(long_index["cell"].to_numpy(dtype=np.int64)),
        "long_count": _compact(long.to_numpy()),
        "reference": max(reference, 1),
        "whole": max(whole, 1),  # the reference with every date on screen
    }


def _reason(count: int, mode: LayerMode) -> str:
    what = {
        LayerMode.MARKERS: "each is a dot; click one for its details",
        LayerMode.POINTS: "each is a dot; click one to list its details under the map",
        LayerMode.CELLS: "counted in square cells that grow and shrink with the period; click a cell to list "
        "its events",
    }[mode]
    return (
        f"{count:,} events play through time ({what}). The control at the bottom left plays and pauses "
        "(space), steps (arrow keys) and seeks (click the histogram); pausing sets the sidebar's dates."
    )


def playback_layer(
    events: pd.DataFrame,
    colors: dict[str, str],
    playback: Playback,
    domain: tuple[dt.date, dt.date],
    seek: int = 0,
    heat: bool = False,
    limits: tuple[int, int] = (MARKER_LIMIT, POINT_LIMIT),
    assets: MapAssets = LOCAL_ASSETS,
) -> Layer:
    """The located events as one playback layer over `domain` (the data's first and last day),
    in the mode the payload budget allows, starting at `playback.at` (None: the whole domain on
    screen until play is pressed). `seek` numbers the app's explicit position changes."""
    group = folium.FeatureGroup(name="Events")
    located = located_events(events)
    chosen = plan(len(located), limits)
    first, last = day_number(domain[0]), day_number(domain[1])
    start, end = event_days(located)
    start, end = np.clip(start, first, last), np.clip(end, first, last)
    options: dict[str, object] = {
        "mode": str(chosen.mode),
        "domain": [first, last],
        "at": day_number(playback.at) if playback.at is not None else None,
        "seek": seek,
        "window": playback.window,
        "cumulative": playback.mode == "cumulative",
        "step": playback.step,
        "speed": playback.speed,
        "heat": heat,
        "colors": list(PALETTE),
        "histogram": histogram(start, first, last),
        "tag": TAG,
        "script": assets.url("playback_js"),
    }
    size = table = None
    data: dict[str, object]
    if chosen.mode == LayerMode.CELLS:
        size = cell_size_for(located)
        table = cells(located, size, colors)
        centre = np.column_stack([np.round(table["latitude"] * 1e5), np.round(table["longitude"] * 1e5)])
        data = {
            "size": size,
            "coordinates": b64(centre.astype("<i4")),
            "main": b64(table["main_type"].to_numpy().astype(np.int8)),
            "series": cell_series(
                located, size, start, end, first, last, playback.window, playback.mode == "cumulative"
            ),
        }
    else:
        order = np.argsort(start, kind="stable")  # the data are sorted by start already; kept so if not
        located, start, end = located.iloc[order], start[order], end[order]
        data = {**point_arrays(located, colors), "start": _compact(start - first), "length": _compact(end - start)}
        data["longest"] = int((end - start).max()) if len(start) else 0
        if chosen.mode == LayerMode.MARKERS:
            data["rows"] = marker_rows(located, colors)
    PlaybackControl(options, data).add_to(group)
    return Layer(group=group, plan=Plan(chosen.mode, _reason(len(located), chosen.mode)), cell_size=size, cells=table)


class PlaybackControl(MacroElement):
    """The playback layer (one canvas) and its control, fed by arrays (see the module's docstring),
    drawn by static/maps/playback.js, which this script loads beside the map the first time (the
    browser caches it; the standalone export inlines it). Only this rerun's options and arrays are
    in the map script, with the popup and cluster helpers the events layers share."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (group) {  // the cm-playback layer: static/maps/playback.js draws it
    var o = {{ this.options }};
    var data = {{ this.data }};
            var colors = o.colors;
        """
        + POPUP_JS
        + CLUSTER_JS
        + """
            var helpers = {popup: popup, clusterIcon: clusterIcon, eventMarker: eventMarker};
            function start() { window.conflictmapPlaybackLayer(group, o, data, helpers); }
            if (window.conflictmapPlaybackLayer) { start(); return group; }
            window.conflictmapPlaybackScript = window.conflictmapPlaybackScript || new Promise(function (ok, no) {
                var script = document.createElement("script");
                script.src = o.script; script.onload = ok; script.onerror = no;
                document.head.appendChild(script);
            });
            window.conflictmapPlaybackScript.then(start, function () {
                if (group._map) { group._map.getContainer().setAttribute("data-playback-failed", "script"); }
            });
            return group;
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, options: dict[str, object], data: dict[str, object]) -> None:
        super().__init__()
        self._name = "PlaybackControl"
        self.options = script_json(options)
        self.data = script_json(data)
