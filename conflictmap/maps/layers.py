"""Event layers for the map, chosen by a payload budget.

- markers, up to MARKER_LIMIT located events: one clustered marker per event with a full popup
  (text rows as JSON);
- points, up to POINT_LIMIT: one clustered marker per event from binary arrays (base64); a click
  lists the event's details under the map;
- cells, beyond: events counted in pandas into square cells, one circle per cell (count,
  fatalities, main type), with an optional heatmap.

Every mode is one Leaflet layer fed by data, never one folium object per event. Data reach the
page as JSON escaped for a `<script>` element (`<`, `>`, `&` as \\u escapes) or as base64, and text
is put on the page with `textContent`.
"""

from __future__ import annotations

import base64
import json
import weakref
from dataclasses import dataclass, replace
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from conflictmap.figures import place_numbers
from conflictmap.maps.basemap import FINE_PRECISIONS, PALETTE
from conflictmap.schema import DatePrecision, LayerMode, LocatedBy

#: Thresholds, from benchmarks/map (see README): full popups cost ~0.4 KB per event in the page;
#: binary points 12 bytes; above POINT_LIMIT the browser's clustering itself gets slow.
MARKER_LIMIT = 2_000
POINT_LIMIT = 50_000
#: Cells are made coarser until at most this many remain (about 24 bytes each in the page).
CELL_LIMIT = 20_000
CELL_SIZES = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)


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


def script_json(value: object) -> str:
    """JSON that is safe inside a `<script>` element: `"</script>"` -> `"\\u003c/script\\u003e"`."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _located(events: pd.DataFrame) -> pd.DataFrame:
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


def _text(value: object) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else str(value)


def marker_rows(events: pd.DataFrame, colors: dict[str, str]) -> list[list]:
    """One row per located event: [lat, lon, style, title, date, type, actors, fatalities,
    place, placed, notes, source, dataset]."""
    located = _located(events)
    rows = []
    event: Any  # a row of the schema's columns, whose types the stubs' itertuples cannot know
    for event, style in zip(located.itertuples(index=False), styles(located, colors).tolist(), strict=True):
        start = event.date_start.date().isoformat()
        end = event.date_end.date().isoformat() if pd.notna(event.date_end) else start
        date = start if end == start else f"{start} to {end}"
        if pd.notna(event.date_precision) and event.date_precision != DatePrecision.DAY:
            date += f" (known to: {event.date_precision})"
        actors = " vs ".join(a for a in (_text(event.actor1), _text(event.actor2)) if a)
        fatalities = None
        if pd.notna(event.fatalities):
            fatalities = str(event.fatalities)
            low, high = event.fatalities_low, event.fatalities_high
            if pd.notna(low) and pd.notna(high) and low != high:
                fatalities += f" (estimates {low} to {high})"
        named = _text(event.place)
        if pd.notna(event.place_identified_as) and event.place_identified_as != event.place:
            named = f"{named} (identified as {event.place_identified_as})"
        place = ", ".join(p for p in (named, _text(event.admin1), _text(event.country)) if p)
        placed = _text(event.geo_precision) or "unknown precision"
        if event.located_by != LocatedBy.SOURCE:
            placed += f", geocoded ({event.located_by}) as {_text(event.matched_name)}"
        kind = _text(event.sub_event_type) or _text(event.event_type) or "Event"
        title = f"{start} · {kind} · {_text(event.place) or _text(event.country) or ''}"
        rows.append(
            [
                float(event.latitude),
                float(event.longitude),
                style,
                title,
                date,
                _text(event.event_type),
                actors or None,
                fatalities,
                place,
                placed,
                _text(event.notes),
                _text(event.source),
                _text(event.dataset),
            ]
        )
    return rows


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
    fine, fine_keys = _numbered(_cell_keys(arrays.latitude, arrays.longitude, CELL_SIZES[0]))
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
    return {"count": len(located), "coordinates": _b64(coordinates), "styles": _b64(located.style)}


#: A cell's key: its row (from 90° S) times this, plus its column (from 180° W); the stores count
#: cells under the same keys.
CELL_KEY = 100_000


def _cell_keys(lat: np.ndarray, lon: np.ndarray, size: float) -> np.ndarray:
    return np.floor((lat + 90) / size).astype(np.int64) * CELL_KEY + np.floor((lon + 180) / size).astype(np.int64)


def cell_corners(keys: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """The south-west corner (south, west) of each cell of `size` degrees, from its key."""
    return (keys // CELL_KEY) * size - 90, (keys % CELL_KEY) * size - 180


def _numbered(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each key's number among the distinct keys, and those keys, in ascending order:
    `pd.factorize(keys, sort=True)`, three times faster (the distinct keys are sorted, not the events).

    >>> _numbered(np.array([30, 10, 30, 20]))
    (array([2, 0, 2, 1]), array([10, 20, 30]))
    """
    number, distinct = pd.factorize(keys)
    distinct = np.asarray(distinct, dtype=np.int64)
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[number], distinct[order]


def cell_size_for(events: pd.DataFrame | EventArrays, limit: int = CELL_LIMIT) -> float:
    """The finest of CELL_SIZES that yields at most `limit` non-empty cells.

    The events are keyed once at the finest size; coarser sizes are counted from the distinct
    fine cells' corners, which is cheap (every CELL_SIZES entry is a multiple of the first).
    """
    if isinstance(events, pd.DataFrame):
        located = _located(events)
        lat, lon = located["latitude"].to_numpy(dtype=float), located["longitude"].to_numpy(dtype=float)
    else:
        arrays = events.located()
        lat, lon = arrays.latitude, arrays.longitude
    finest = CELL_SIZES[0]
    if isinstance(events, EventArrays) and arrays.fine_cells is not None and arrays.fine_keys is not None:
        present = np.bincount(arrays.fine_cells, minlength=len(arrays.fine_keys)) > 0  # (located: no -1)
        keys = arrays.fine_keys[present]
    else:
        keys = pd.unique(_cell_keys(lat, lon, finest))
    south, west = cell_corners(keys, finest)
    south, west = south + finest / 2, west + finest / 2
    for size in CELL_SIZES:
        if len(pd.unique(_cell_keys(south, west, size))) <= limit:
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
        events = EventArrays.of(_located(events), colors)
    located = events.located()
    key = _cell_keys(located.latitude, located.longitude, size)
    number, keys = _numbered(key)
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


_POPUP_JS = """
var labels = ["Date", "Type", "Actors", "Fatalities", "Place", "Placed", "Notes", "Source", "Data set"];
function popup(row) {
    var box = document.createElement("div");
    box.className = "cm-popup";
    var title = document.createElement("div");
    title.className = "cm-popup-title";
    title.textContent = row[3];
    box.appendChild(title);
    for (var i = 0; i < labels.length; i++) {
        var value = row[4 + i];
        if (value === null || value === "") { continue; }
        var line = document.createElement("div");
        var label = document.createElement("b");
        label.textContent = labels[i] + ": ";
        line.appendChild(label);
        if (labels[i] === "Source" && /^https?:\\/\\//.test(value)) {
            var link = document.createElement("a");
            link.href = value; link.target = "_blank"; link.rel = "noopener noreferrer";
            link.textContent = value;
            line.appendChild(link);
        } else {
            line.appendChild(document.createTextNode(value));
        }
        box.appendChild(line);
    }
    return box;
}
"""

_CLUSTER_JS = """
function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? 28 : count < 100 ? 34 : count < 1000 ? 42 : 50;
    var div = document.createElement("div");
    div.className = "cm-cluster-count";
    div.style.width = div.style.height = div.style.lineHeight = size + "px";
    div.textContent = count;
    return L.divIcon({html: div, className: "cm-cluster", iconSize: L.point(size, size)});
}
var eventIcons = {};
function eventIcon(style) {  // one icon per style, shared: its element is made only when a marker shows
    if (!eventIcons[style]) {
        var colour = colors[style % colors.length];  // from the fixed palette, never from the data
        eventIcons[style] = L.divIcon({className: "cm-event", iconSize: [14, 14],
            html: '<span class="' + (style < colors.length ? "cm-dot" : "cm-dot cm-ring") + '" style="background:'
                + colour + ";border-color:" + colour + '"></span>'});
    }
    return eventIcons[style];
}
function eventMarker(lat, lon, style, title) {
    var icon = eventIcon(style);
    return L.marker([lat, lon], title ? {icon: icon, title: title, alt: title} : {icon: icon});
}
function decode(text, Type) {
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    return new Type(bytes.buffer);
}
"""


class EventMarkers(MacroElement):
    """Events as clustered markers: with popups (`rows`) or from binary arrays (`points`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var colors = {{ this.colors }};
            """
        + _POPUP_JS
        + _CLUSTER_JS
        + """
            var cluster = L.markerClusterGroup({maxClusterRadius: 40, spiderfyOnMaxZoom: true,
                showCoverageOnHover: false, chunkedLoading: true, iconCreateFunction: clusterIcon});
            var markers = [];
            {% if this.rows is not none %}
            var rows = {{ this.rows }};
            for (var i = 0; i < rows.length; i++) {
                var row = rows[i];
                var marker = eventMarker(row[0], row[1], row[2], row[3]);
                marker.bindPopup((function (r) { return function () { return popup(r); }; })(row), {maxWidth: 360});
                markers.push(marker);
            }
            {% else %}
            var xy = decode({{ this.points.coordinates|tojson }}, Int32Array);
            var style = decode({{ this.points.styles|tojson }}, Int8Array);
            for (var j = 0; j < {{ this.points.count }}; j++) {
                markers.push(eventMarker(xy[2 * j] / 1e5, xy[2 * j + 1] / 1e5, style[j], null));
            }
            {% endif %}
            cluster.addLayers(markers);
            cluster.on("add", function () { cluster._map.getContainer().setAttribute("data-events", "clusters"); });
            cluster.addTo({{ this._parent.get_name() }});
            return cluster;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list] | None = None, points: dict | None = None) -> None:
        super().__init__()
        self._name = "EventMarkers"
        self.colors = script_json(list(PALETTE))
        self.rows = script_json(rows) if rows is not None else None
        self.points = points


def compact(values: np.ndarray) -> dict[str, str]:
    """Whole numbers >= 0 as base64 in the smallest of uint8, uint16 and int32 that holds them,
    with the name of the JavaScript array type to read them with.

    >>> compact(np.array([1, 300]))
    {'type': 'Uint16Array', 'data': 'AQAsAQ=='}
    """
    top = int(values.max()) if len(values) else 0
    kind, dtype = ("Uint8Array", "<u1") if top < 2**8 else ("Uint16Array", "<u2")
    if top >= 2**16:
        kind, dtype = "Int32Array", "<i4"
    return {"type": kind, "data": _b64(values.astype(dtype))}


class EventCells(MacroElement):
    """Counted cells as circles (area grows with the count), drawn on one canvas, with an optional
    heatmap. Hovering a cell shows its counts; a click on it is the layer's click (at the cell's
    centre), which streamlit-folium reports.

    One canvas, one path per colour: 20,000 cells draw in a few milliseconds, where one Leaflet
    circle (an SVG element with its tooltip) per cell took 0.4-1 s at every redraw. Cells are sent
    as their row and column from a corner (`compact`: usually 2 bytes each), counts, fatalities and
    main type, about 8 bytes a cell.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (group) {
            var o = {{ this.options }};
            function decode(text, Type) {
                var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
                return new Type(bytes.buffer);
            }
            function compact(packed) {
                var types = {Uint8Array: Uint8Array, Uint16Array: Uint16Array};
                return decode(packed.data, types[packed.type] || Int32Array);
            }
            var rows = compact(o.rows), cols = compact(o.cols), counts = compact(o.counts);
            var deaths = compact(o.deaths), main = compact(o.main), count = counts.length, largest = 1;
            for (var i = 0; i < count; i++) { if (counts[i] > largest) { largest = counts[i]; } }
            var lat = new Float64Array(count), lng = new Float64Array(count), radius = new Float32Array(count);
            var mx = new Float64Array(count), my = new Float64Array(count), px = new Float64Array(count);
            var py = new Float64Array(count), byColour = o.colors.map(function () { return []; });
            for (var j = 0; j < count; j++) {
                lat[j] = (o.origin[0] + rows[j]) * o.size - 90 + o.size / 2;
                lng[j] = (o.origin[1] + cols[j]) * o.size - 180 + o.size / 2;
                var sin = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat[j])) * Math.PI / 180);
                mx[j] = (lng[j] + 180) / 360;  // web mercator at zoom 0, in tiles
                my[j] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
                radius[j] = 4 + 22 * Math.sqrt(counts[j] / largest);
                byColour[main[j] % o.colors.length].push(j);
            }
            var ratio = window.devicePixelRatio || 1, map = null, canvas = null, ctx = null, width = 0, height = 0;
            // the cell's counts on hover, above the place names (their pane is at the tooltips' height)
            var tip = L.tooltip({direction: "top", offset: [0, -8], className: "cm-cell-tip", pane: "popupPane"});
            var hovered = -1;
            var heat = null;
            {% if this.heat %}
            var points = [];
            for (var k = 0; k < count; k++) { points.push([lat[k], lng[k], counts[k]]); }
            heat = L.heatLayer(points, {radius: 25, blur: 20, max: largest});
            {% endif %}
            var Cells = L.Layer.extend({
                onAdd: function (m) {
                    map = m;
                    m.getContainer().setAttribute("data-events", "cells");
                    if (!map.getPane("cm-cells")) { map.createPane("cm-cells").style.zIndex = 410; }
                    map.getPane("cm-cells").style.pointerEvents = "none";
                    var animated = map._zoomAnimated ? " leaflet-zoom-animated" : "";
                    canvas = L.DomUtil.create("canvas", "cm-cells" + animated, map.getPane("cm-cells"));
                    canvas.style.position = "absolute";
                    ctx = canvas.getContext("2d");
                    map.on("moveend viewreset resize", reset);
                    map.on("click", onClick);
                    map.on("mousemove", onMove);
                    map.on("mouseout", unhover);
                    if (map._zoomAnimated) { map.on("zoomanim", animateZoom); }
                    if (heat) { heat.addTo(map); }
                    reset();
                },
                onRemove: function (m) {
                    m.off("moveend viewreset resize", reset);
                    m.off("click", onClick);
                    m.off("mousemove", onMove);
                    m.off("mouseout", unhover);
                    m.off("zoomanim", animateZoom);
                    unhover();
                    if (heat) { m.removeLayer(heat); }
                    L.DomUtil.remove(canvas);
                    m.getContainer().removeAttribute("data-cells");
                    map = null;
                }
            });
            function animateZoom(e) {
                var scale = map.getZoomScale(e.zoom);
                var offset = map._getCenterOffset(e.center)._multiplyBy(-scale).subtract(map._getMapPanePos());
                L.DomUtil.setTransform(canvas, offset, scale);
            }
            function reset() {
                if (!map) { return; }
                var size = map.getSize(), topLeft = map.containerPointToLayerPoint([0, 0]);
                L.DomUtil.setPosition(canvas, topLeft);
                width = size.x; height = size.y;
                canvas.width = width * ratio; canvas.height = height * ratio;
                canvas.style.width = width + "px"; canvas.style.height = height + "px";
                var scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
                var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
                for (var i = 0; i < count; i++) { px[i] = mx[i] * scale - ox; py[i] = my[i] * scale - oy; }
                draw();
            }
            function draw() {
                ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
                ctx.clearRect(0, 0, width, height);
                ctx.lineWidth = 1;
                ctx.strokeStyle = "#263248";
                var drawn = 0;
                for (var colour = 0; colour < byColour.length; colour++) {
                    var list = byColour[colour];
                    if (!list.length) { continue; }
                    ctx.beginPath();
                    for (var k = 0; k < list.length; k++) {
                        var c = list[k], x = px[c], y = py[c], r = radius[c];
                        if (x < -r || y < -r || x > width + r || y > height + r) { continue; }
                        ctx.moveTo(x + r, y);
                        ctx.arc(x, y, r, 0, 2 * Math.PI);
                        drawn++;
                    }
                    ctx.fillStyle = o.colors[colour];
                    ctx.globalAlpha = 0.7; ctx.fill();
                    ctx.globalAlpha = 1; ctx.stroke();
                }
                map.getContainer().setAttribute("data-cells", String(drawn));
            }
            function cellAt(point) {  // the cell under a point: of those whose circle holds it, the nearest
                var best = -1, bestDistance = Infinity;
                for (var c = 0; c < count; c++) {
                    var d = Math.hypot(px[c] - point.x, py[c] - point.y);
                    if (d <= radius[c] && d < bestDistance) { best = c; bestDistance = d; }
                }
                return best;
            }
            function onClick(e) {
                var c = cellAt(e.containerPoint);
                if (c < 0) { return; }
                layer.fire("click", {latlng: L.latLng(lat[c], lng[c]), sourceTarget: layer,
                    originalEvent: e.originalEvent});
            }
            function onMove(e) {
                var c = cellAt(e.containerPoint);
                if (c === hovered) { return; }
                hovered = c;
                map.getContainer().style.cursor = c < 0 ? "" : "pointer";
                if (c < 0) { tip.remove(); return; }
                tip.setLatLng([lat[c], lng[c]]).setContent(counts[c].toLocaleString("en") + " events, "
                    + deaths[c].toLocaleString("en") + " fatalities (cell of " + o.size + "\\u00b0)");
                if (!map.hasLayer(tip)) { tip.addTo(map); }
            }
            function unhover() {
                hovered = -1;
                tip.remove();
                if (map) { map.getContainer().style.cursor = ""; }
            }
            var layer = new Cells();
            layer.addTo(group);
            return layer;
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, table: pd.DataFrame, size: float, heat: bool) -> None:
        super().__init__()
        self._name = "EventCells"
        # the cells' row and column (as `cells` numbers them, from the south-west at -90, -180)
        rows = np.rint((table["south"].to_numpy(dtype=float) + 90) / size).astype(np.int64)
        cols = np.rint((table["west"].to_numpy(dtype=float) + 180) / size).astype(np.int64)
        origin = [int(rows.min()), int(cols.min())] if len(table) else [0, 0]
        self.options = script_json(
            {
                "colors": list(PALETTE),
                "size": size,
                "origin": origin,
                "rows": compact(rows - origin[0]),
                "cols": compact(cols - origin[1]),
                "counts": compact(table["events"].to_numpy()),
                "deaths": compact(table["fatalities"].to_numpy()),
                "main": compact(table["main_type"].to_numpy()),
            }
        )
        self.size = size
        self.heat = heat


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
        EventMarkers(rows=marker_rows(_located(events), colors)).add_to(group)
    else:
        EventMarkers(points=point_arrays(events, colors, arrays)).add_to(group)
    return Layer(group=group, plan=chosen, cell_size=size, cells=table)


def nearest_cell(table: pd.DataFrame | None, latitude: float, longitude: float) -> pd.Series | None:
    """The cell whose centre is nearest a click (a circle may reach beyond its square)."""
    if table is None or table.empty:
        return None
    distance = np.hypot(table["latitude"].to_numpy() - latitude, table["longitude"].to_numpy() - longitude)
    return table.iloc[int(np.nanargmin(distance))]  # the first nearest, skipping NaN, as idxmin did
