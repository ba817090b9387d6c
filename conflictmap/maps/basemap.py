"""Map builders: each returns a folium object.

The base map (offline basemap, legend, initial view) depends only on the whole data set, so it is
identical on every rerun and streamlit-folium keeps it mounted; the events, which change with
the filters, are one layer (see `conflictmap.maps.layers`) passed to
`st_folium(feature_group_to_add=...)`.
"""

from __future__ import annotations

import html

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from conflictmap.maps.assets import MapAssets
from conflictmap.schema import GeoPrecision
from conflictmap.settings import map_labels

#: Okabe-Ito colours (distinguishable with colour-blindness), then a few more.
PALETTE = ("#E69F00", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#7F6A00", "#000000", "#999999", "#882255")
#: Place precisions drawn as a filled dot; coarser ones are drawn as a ring.
FINE_PRECISIONS = frozenset({GeoPrecision.EXACT, GeoPrecision.NEAR})
WATER = "#d6e6f0"
LAND = "#f4f1ea"


def type_colors(event_types: list[str]) -> dict[str, str]:
    """A colour per event type, stable for a given list (the whole data set's, most frequent first)."""
    return {name: PALETTE[number % len(PALETTE)] for number, name in enumerate(event_types)}


def bounds_of(events: pd.DataFrame) -> list[list[float]]:
    """[[south, west], [north, east]] of the located events; the Middle East when there are none."""
    lat, lon = events["latitude"].to_numpy(dtype=float), events["longitude"].to_numpy(dtype=float)
    located = ~(np.isnan(lat) | np.isnan(lon))  # (no copy of the frame: this runs on every rerun)
    if not located.any():
        return [[12.0, 25.0], [42.0, 63.0]]
    if not located.all():
        lat, lon = lat[located], lon[located]
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]


#: The zoom each band of static/basemap/lines-*.json starts at (scripts/derive_basemap.py; a test checks).
BANDS = (("z0", 0), ("z7", 7), ("z10", 10))
#: Villages are labelled (and their file fetched) from this zoom.
VILLAGE_ZOOM = 12
#: [[south, west], [north, east]] of the 1:10m region; the world's borders are fetched outside it.
REGION = [[12.0, 24.0], [43.0, 64.0]]
#: Short, so it fits on one line; the About page and static/basemap/PROVENANCE.md give the full credits.
ATTRIBUTION = "COD-AB Iraq: CSO/OCHA (HDX) · Natural Earth, Elastic · Who's On First, GeoNames"


class Basemap(MacroElement):
    """An offline basemap with orientation, drawn by static/basemap/basemap.js from files the browser
    fetches and caches (only these options are in the map script): land, borders and coast; Iraq's
    governorate, district and, zoomed in, sub-district lines; the neighbours' provinces; rivers and
    lakes; place names by zoom, in English or Arabic; a layer control to switch them."""

    # basemap.js and topojson-client are loaded here, beside the map, not before it: streamlit-folium
    # loads the map's own scripts one after another before drawing anything, so these two would
    # delay the events by a round trip each.
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, options) {
            // The files the first view draws are fetched now, beside the two scripts, not after them:
            // that is one round trip less before the land and lines, and the events layer is built
            // (streamlit-folium runs it next) while they travel. basemap.js takes them from here.
            var prefetched = {}, zoom = map.getZoom();
            var band = options.bands.filter(function (b) { return b.url && b.min_zoom <= zoom; }).pop();
            [options.countries, band && band.url, options.labels !== "none" && options.places].forEach(function (url) {
                if (!url) { return; }
                prefetched[url] = fetch(url).then(function (response) {
                    if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
                    return response.json();
                });
                prefetched[url].catch(function () {});  // reported by basemap.js, which reads it
            });
            Promise.all(options.scripts.map(function (src) {
                return new Promise(function (loaded, failed) {
                    var script = document.createElement("script");
                    script.src = src; script.onload = loaded; script.onerror = failed;
                    document.head.appendChild(script);
                });
            })).then(function () { conflictmapBasemap(map, options, prefetched); }, function () {
                map.getContainer().setAttribute("data-basemap-failed", "scripts");
            });
        })({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, assets: MapAssets, labels: str, land: bool = True, full_detail: bool = True) -> None:
        super().__init__()
        self._name = "Basemap"
        self.options = {
            "scripts": [assets.url("topojson_js"), assets.url("basemap_js")],
            "countries": assets.url("countries") if land else None,
            "bands": [
                {
                    "name": name,
                    "min_zoom": zoom,
                    "url": assets.url(f"basemap_{name}") if full_detail or zoom < 10 else None,
                }
                for name, zoom in BANDS
            ],
            "world": assets.url("basemap_world"),
            "region": REGION,
            "places": assets.url("basemap_places"),
            "villages": assets.url("basemap_villages") if full_detail else None,
            "village_zoom": VILLAGE_ZOOM,
            "labels": labels,
            "attribution": ATTRIBUTION,
        }


class InitialView(MacroElement):
    """The map's first view, fitted to the data without animation, and not reported to the server.

    streamlit-folium reports the map's view once as it mounts (right after the map script), and
    that report always differs from `st_folium`'s default (which has no centre): the page would
    rerun for a view the server chose itself. An animated fitBounds would then report a second
    time when its pan ends (250 ms later), a third run. So the bounds are fitted at once (the
    view is final before the map reports anything) and the mount's report is held back; every
    later change of view, click or pause is reported as before. Outside Streamlit (the
    standalone export) there is nothing to hold back. `window.__cmHeldReport` keeps the held
    report, as JSON, for tests that wait on what reached the server.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            map.fitBounds({{ this.bounds|tojson }}, {padding: {{ this.padding|tojson }}, animate: false});
            var lib = window.Streamlit;
            if (!lib || typeof lib.setComponentValue !== "function") { return; }
            var send = lib.__cmSend || lib.setComponentValue, mounting = true;
            lib.__cmSend = send;
            lib.setComponentValue = function (value) {
                if (mounting) { window.__cmHeldReport = JSON.stringify(value); return; }
                return send.apply(lib, arguments);
            };
            // streamlit-folium reports the mount synchronously, in the script that runs this one;
            // a microtask runs only once that script is done.
            Promise.resolve().then(function () { mounting = false; });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], padding: tuple[int, int] = (20, 20)) -> None:
        super().__init__()
        self._name = "InitialView"
        self.bounds = bounds
        self.padding = list(padding)


class MapStyles(MacroElement):
    """The map's CSS: water colour, event dots and rings, legend and popups."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: {{ this.water }}; }
        .cm-dot { display: block; width: 14px; height: 14px; border-radius: 50%; box-sizing: border-box;
                  box-shadow: 0 0 0 1px #fff; }
        .cm-ring { background: rgba(255, 255, 255, .7) !important; border: 3px solid; }
        .cm-legend { background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 4px;
                     font: 12px/1.45 system-ui, sans-serif; color: #222; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
        .cm-legend b { display: block; margin-bottom: 2px; }
        .cm-legend i { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
                       margin-right: 6px; vertical-align: -1px; box-sizing: border-box; }
        .cm-key { display: none; }
        .leaflet-container:not([data-events]) .cm-key-clusters,
        .leaflet-container[data-events=clusters] .cm-key-clusters,
        .leaflet-container[data-events=dots] .cm-key-dots,
        .leaflet-container[data-events=cells] .cm-key-cells { display: block; }
        .leaflet-container[data-events=units] .cm-legend-events { display: none; }
        .leaflet-container[data-events=units] .cm-legend:not(.cm-units-legend) { display: none; }
        .cm-units-legend { max-width: 260px; }
        .cm-units-class { display: flex; align-items: center; gap: 0; }
        .cm-units-class i { border-radius: 2px !important; width: 16px !important; border: 1px solid rgba(0,0,0,.25); }
        .cm-units-class i.cm-units-zero { background: #eeeeee; }
        .cm-units-held { margin-left: auto; padding-left: 10px; color: #555; font-size: 11px; }
        .cm-units-note { margin-top: 4px; color: #555; font-size: 11px; line-height: 1.3; }
        .cm-units-hint { color: #666; font-size: 11px; }
        .cm-cluster-count { border-radius: 50%; background: rgba(38, 50, 72, .82); color: #fff;
                            font: 600 12px system-ui, sans-serif; text-align: center;
                            box-shadow: 0 0 0 3px rgba(38, 50, 72, .25); }
        .cm-popup { font: 13px/1.4 system-ui, sans-serif; }
        .cm-popup-title { font-weight: 600; margin-bottom: 4px; }
        .cm-popup b { font-weight: 600; color: #444; }
        </style>
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapStyles"
        self.water = WATER


#: The legend's last line, by what the events layer draws: it says so in `data-events` on the map's
#: container (`clusters` by default; `dots` while playback plays, `cells`, `units` for the choropleth,
#: which has its own legend and hides this one). MapStyles shows the matching line.
KEY_LINES = {
    "clusters": "numbered circles: clusters of events",
    "dots": "a number beside a dot: events at that place",
    "cells": "circles: events counted in cells, by area",
}


class Legend(MacroElement):
    """Event-type colours and the precision key, in the map's corner; its last line follows what the
    events layer draws (KEY_LINES)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "cm-legend");
                div.innerHTML = {{ this.markup|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, colors: dict[str, str]) -> None:
        super().__init__()
        self._name = "Legend"
        rows = "".join(
            f'<div><i style="background:{color}"></i>{html.escape(name)}</div>' for name, color in colors.items()
        )
        key = (
            '<div style="margin-top:4px"><i style="background:#666"></i>exact or within 25 km</div>'
            '<div><i style="border:2.5px solid #666"></i>district, province, region or country</div>'
            + "".join(f'<div class="cm-key cm-key-{name}">{text}</div>' for name, text in KEY_LINES.items())
        )
        self.markup = f'<div class="cm-legend-events"><b>Event type</b>{rows}{key}</div>'


def base_map(
    events: pd.DataFrame,
    colors: dict[str, str],
    assets: MapAssets,
    online_tiles: bool = False,
    labels: str | None = None,
    full_detail: bool = True,
) -> folium.Map:
    """The map without events: the offline basemap (with online tiles under its lines, if chosen),
    legend, view of the data. `labels` "en" or "ar" (default: the CONFLICTMAP_LABELS setting);
    `full_detail` False leaves out the sub-district lines and villages (a lighter standalone file)."""
    bounds = bounds_of(events)
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    fmap = folium.Map(
        location=center,
        zoom_start=6,
        tiles=None,
        maxZoom=18,
        minZoom=2,
        control_scale=True,
        width="100%",
        height="100%",
    )
    # Every plugin any events layer may use is declared here, on the base map: streamlit-folium loads
    # a map's scripts once, when it mounts, and only swaps the events layer afterwards.
    fmap.default_js = assets.map_js + assets.cluster_js + assets.heat_js
    fmap.default_css = assets.map_css + assets.cluster_css + [("conflictmap_basemap_css", assets.url("basemap_css"))]
    MapStyles().add_to(fmap)
    if online_tiles:
        folium.TileLayer("OpenStreetMap", max_zoom=18).add_to(fmap)
    # fitted first, so that the basemap's script knows the first view's zoom (it fetches its files)
    InitialView(bounds).add_to(fmap)
    Basemap(assets, labels or map_labels(), land=not online_tiles, full_detail=full_detail).add_to(fmap)
    Legend(colors).add_to(fmap)
    return fmap
