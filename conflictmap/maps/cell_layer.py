"""Counted cells drawn on the map (the cells mode): one canvas, with an optional heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from conflictmap.maps.basemap import PALETTE
from conflictmap.maps.payload import compact, script_json


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
