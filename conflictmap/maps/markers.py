"""Events as clustered markers (the markers and points modes): the popups' rows and the layer's
script. Text reaches the page as JSON escaped for a `<script>` element and is put on it with
`textContent`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from conflictmap.maps.arrays import located_events, styles
from conflictmap.maps.basemap import PALETTE
from conflictmap.maps.payload import script_json
from conflictmap.schema import DatePrecision, LocatedBy


def _text(value: object) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else str(value)


def marker_rows(events: pd.DataFrame, colors: dict[str, str]) -> list[list]:
    """One row per located event: [lat, lon, style, title, date, type, actors, fatalities,
    place, placed, notes, source, dataset]."""
    located = located_events(events)
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
        located_by = _text(event.located_by)  # missing in a store's rows written by another tool
        if located_by is not None and located_by != LocatedBy.SOURCE:
            placed += f", geocoded ({located_by}) as {_text(event.matched_name)}"
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


POPUP_JS = """
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

CLUSTER_JS = """
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
        + POPUP_JS
        + CLUSTER_JS
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
