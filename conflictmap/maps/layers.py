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
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

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


def point_arrays(events: pd.DataFrame, colors: dict[str, str]) -> dict[str, str | int]:
    """Located events as base64 arrays: int32 lat/lon in 1e-5 degrees (about 1 m) and int8 styles."""
    located = _located(events)
    coordinates = np.column_stack(
        [
            np.round(located["latitude"].to_numpy(dtype=float) * 1e5),
            np.round(located["longitude"].to_numpy(dtype=float) * 1e5),
        ]
    ).astype("<i4")
    return {"count": len(located), "coordinates": _b64(coordinates), "styles": _b64(styles(located, colors))}


def _cell_keys(lat: np.ndarray, lon: np.ndarray, size: float) -> np.ndarray:
    return np.floor((lat + 90) / size).astype(np.int64) * 100_000 + np.floor((lon + 180) / size).astype(np.int64)


def cell_size_for(events: pd.DataFrame, limit: int = CELL_LIMIT) -> float:
    """The finest of CELL_SIZES that yields at most `limit` non-empty cells.

    The events are keyed once at the finest size; coarser sizes are counted from the distinct
    fine cells' corners, which is cheap (every CELL_SIZES entry is a multiple of the first).
    """
    located = _located(events)
    lat, lon = located["latitude"].to_numpy(dtype=float), located["longitude"].to_numpy(dtype=float)
    finest = CELL_SIZES[0]
    keys = pd.unique(_cell_keys(lat, lon, finest))
    south = (keys // 100_000) * finest - 90 + finest / 2
    west = (keys % 100_000) * finest - 180 + finest / 2
    for size in CELL_SIZES:
        if len(pd.unique(_cell_keys(south, west, size))) <= limit:
            return size
    return CELL_SIZES[-1]


def cells(events: pd.DataFrame, size: float, colors: dict[str, str]) -> pd.DataFrame:
    """Events counted in square cells of `size` degrees.

    Columns: latitude, longitude (the cell's centre), south, west (its corner), events,
    fatalities, main_type (colour index of the most frequent type in the cell).
    """
    located = _located(events)
    lat, lon = located["latitude"].to_numpy(dtype=float), located["longitude"].to_numpy(dtype=float)
    key = _cell_keys(lat, lon, size)
    style = styles(located, colors).astype(np.int64) % len(PALETTE)
    deaths = located["fatalities"].fillna(0).to_numpy(dtype=np.int64)
    totals = (
        pd.DataFrame({"key": key, "deaths": deaths})
        .groupby("key", sort=True)
        .agg(events=("deaths", "size"), fatalities=("deaths", "sum"))
    )
    by_type = pd.Series(key * 16 + style).value_counts(sort=False)
    keys, types, counts = by_type.index.to_numpy() // 16, by_type.index.to_numpy() % 16, by_type.to_numpy()
    order = np.lexsort((-counts, keys))
    first = np.r_[True, keys[order][1:] != keys[order][:-1]]
    main = pd.Series(types[order][first], index=keys[order][first])
    cell_rows, cell_cols = totals.index.to_numpy() // 100_000, totals.index.to_numpy() % 100_000
    south, west = cell_rows * size - 90, cell_cols * size - 180
    return pd.DataFrame(
        {
            "latitude": south + size / 2,
            "longitude": west + size / 2,
            "south": south,
            "west": west,
            "events": totals["events"].to_numpy(),
            "fatalities": totals["fatalities"].to_numpy(),
            "main_type": main.reindex(totals.index).to_numpy(),
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
function eventMarker(lat, lon, style, title) {
    var dot = document.createElement("span");
    dot.className = style < colors.length ? "cm-dot" : "cm-dot cm-ring";
    dot.style.background = dot.style.borderColor = colors[style % colors.length];
    var icon = L.divIcon({className: "cm-event", iconSize: [14, 14], html: dot});
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


class EventCells(MacroElement):
    """Counted cells as circles (area grows with the count), with an optional heatmap."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var colors = {{ this.colors }};
            function decode(text, Type) {
                var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
                return new Type(bytes.buffer);
            }
            var xy = decode({{ this.coordinates|tojson }}, Int32Array);
            var counts = decode({{ this.counts|tojson }}, Int32Array);
            var deaths = decode({{ this.deaths|tojson }}, Int32Array);
            var main = decode({{ this.main|tojson }}, Int8Array);
            var layer = L.featureGroup();
            var largest = Math.max.apply(null, counts.length ? Array.from(counts) : [1]);
            for (var i = 0; i < counts.length; i++) {
                var radius = 4 + 22 * Math.sqrt(counts[i] / largest);
                var circle = L.circleMarker([xy[2 * i] / 1e5, xy[2 * i + 1] / 1e5], {
                    radius: radius, color: "#263248", weight: 1, fillColor: colors[main[i]], fillOpacity: 0.7,
                    className: "cm-cell"});
                circle.bindTooltip(counts[i].toLocaleString("en") + " events, " + deaths[i].toLocaleString("en")
                    + " fatalities (cell of {{ this.size }}°)");
                layer.addLayer(circle);
            }
            {% if this.heat %}
            var heat = [];
            for (var k = 0; k < counts.length; k++) { heat.push([xy[2 * k] / 1e5, xy[2 * k + 1] / 1e5, counts[k]]); }
            L.heatLayer(heat, {radius: 25, blur: 20, max: largest}).addTo(layer);
            {% endif %}
            layer.on("add", function () { layer._map.getContainer().setAttribute("data-events", "cells"); });
            layer.addTo({{ this._parent.get_name() }});
            return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, table: pd.DataFrame, size: float, heat: bool) -> None:
        super().__init__()
        self._name = "EventCells"
        self.colors = script_json(list(PALETTE))
        centre = np.column_stack([np.round(table["latitude"] * 1e5), np.round(table["longitude"] * 1e5)])
        self.coordinates = _b64(centre.astype("<i4"))
        self.counts = _b64(table["events"].to_numpy().astype("<i4"))
        self.deaths = _b64(table["fatalities"].to_numpy().astype("<i4"))
        self.main = _b64(table["main_type"].to_numpy().astype(np.int8))
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
) -> Layer:
    """The located events as one layer, in the mode the payload budget allows."""
    group = folium.FeatureGroup(name="Events")
    located = _located(events)
    chosen = plan(len(located), limits)
    size = table = None
    if chosen.mode == LayerMode.CELLS:
        size = cell_size_for(located)
        table = cells(located, size, colors)
        EventCells(table, size, heat).add_to(group)
    elif chosen.mode == LayerMode.MARKERS:
        EventMarkers(rows=marker_rows(located, colors)).add_to(group)
    else:
        EventMarkers(points=point_arrays(located, colors)).add_to(group)
    return Layer(group=group, plan=chosen, cell_size=size, cells=table)


def nearest_cell(table: pd.DataFrame | None, latitude: float, longitude: float) -> pd.Series | None:
    """The cell whose centre is nearest a click (a circle may reach beyond its square)."""
    if table is None or table.empty:
        return None
    distance = np.hypot(table["latitude"].to_numpy() - latitude, table["longitude"].to_numpy() - longitude)
    return table.iloc[int(np.nanargmin(distance))]  # the first nearest, skipping NaN, as idxmin did
