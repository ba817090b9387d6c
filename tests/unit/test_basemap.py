"""Map builders: markers from data, escaping, and assets that never leave the server by default."""

import json
import re

import folium
import pandas as pd
import pytest
from folium.plugins import MarkerCluster

from conflictmap.maps.assets import LOCAL_BASE, PACKAGES, MapAssets, missing_files
from conflictmap.maps.basemap import PALETTE, base_map, bounds_of, type_colors
from conflictmap.maps.layers import events_layer
from conflictmap.maps.markers import marker_rows
from conflictmap.schema import conform

LOCAL = MapAssets()
HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def _events(**overrides) -> pd.DataFrame:
    row = {
        "event_id": "e1",
        "date_start": pd.Timestamp("2024-01-04"),
        "date_end": pd.Timestamp("2024-01-04"),
        "date_precision": "day",
        "event_type": "Air strike",
        "actor1": "A",
        "actor2": "B",
        "fatalities": 1,
        "place": "Baghdad",
        "country": "Iraq",
        "latitude": 33.34,
        "longitude": 44.40,
        "geo_precision": "exact place",
        "located_by": "gazetteer",
        "matched_name": "Baghdad",
        "notes": "n",
        "source": "s",
        "dataset": "d",
    }
    row.update(overrides)
    return conform(pd.DataFrame([row]))


def _render(events: pd.DataFrame, assets: MapAssets = LOCAL) -> str:
    colors = type_colors(list(events["event_type"].dropna().unique()))
    fmap = base_map(events, colors, assets)
    events_layer(events, colors).group.add_to(fmap)
    return fmap.get_root().render()


def test_one_row_per_located_event_with_its_details():
    events = pd.concat([_events(), _events(event_id="e2", latitude=float("nan"), longitude=float("nan"))])
    rows = marker_rows(events, type_colors(["Air strike"]))
    assert len(rows) == 1
    lat, lon, style, title, date, kind, actors, deaths, place, placed, notes, source, dataset = rows[0]
    assert (lat, lon, style) == (33.34, 44.40, 0)
    assert title == "2024-01-04 · Air strike · Baghdad" and actors == "A vs B" and deaths == "1"
    assert (date, kind, place, notes, source, dataset) == ("2024-01-04", "Air strike", "Baghdad, Iraq", "n", "s", "d")
    assert placed == "exact place, geocoded (gazetteer) as Baghdad"


def test_an_event_with_no_located_by_is_drawn_without_a_geocoding_note():
    row = marker_rows(_events(located_by=pd.NA), type_colors(["Air strike"]))[0]  # a store's row
    assert row[9] == "exact place"


def test_coarse_places_are_drawn_as_rings_and_identifications_shown():
    event = _events(geo_precision="region of a country", place="a base in western Iraq", place_identified_as="Al Asad")
    row = marker_rows(event, type_colors(["Air strike"]))[0]
    assert row[2] == len(PALETTE)  # colour 0, ring
    assert row[8].startswith("a base in western Iraq (identified as Al Asad)")


def test_fatality_estimates_and_date_ranges_are_spelled_out():
    event = _events(
        fatalities=8,
        fatalities_low=5,
        fatalities_high=12,
        date_end=pd.Timestamp("2024-01-06"),
        date_precision="2-6 days",
    )
    row = marker_rows(event, type_colors(["Air strike"]))[0]
    assert row[7] == "8 (estimates 5 to 12)"
    assert row[4] == "2024-01-04 to 2024-01-06 (known to: 2-6 days)"


def test_text_from_data_cannot_break_out_of_the_script():
    html = _render(_events(notes=HOSTILE, actor1=HOSTILE, source=HOSTILE, event_type="<b>bold</b>"))
    assert "alert(" in html  # the text is there ...
    assert '<script>alert("x")' not in html and "<img src=x" not in html  # ... but never as markup
    assert "\\u003c/script\\u003e" in html
    assert "\\u0026lt;b\\u0026gt;bold" in html  # the legend escapes type names (then tojson escapes the &)
    assert ".innerHTML" not in html.split("function popup")[1].split("function clusterIcon")[0]  # text nodes only


def test_local_assets_only_in_the_rendered_map():
    html = _render(_events())
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links and all(link.startswith(LOCAL_BASE) for link in links)
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_the_base_map_declares_every_plugin_under_folium_names():
    # streamlit-folium loads a map's scripts once, when it mounts, so the base map declares every
    # plugin an events layer may need; under the names folium's own plugin classes use, so a folium
    # plugin on the same map cannot add a second (CDN) copy.
    fmap = base_map(_events(), type_colors(["Air strike"]), LOCAL)
    names = [name for name, _ in fmap.default_js]
    assert {name for name, _ in MarkerCluster.default_js} <= set(names)
    assert {name for name, _ in MarkerCluster.default_css} <= {name for name, _ in fmap.default_css}
    assert any(url.endswith("leaflet-heat.js") for _, url in fmap.default_js)
    assert all(url.startswith(LOCAL_BASE) for _, url in fmap.default_js + fmap.default_css)
    # and the class declarations themselves are left untouched for other users of folium
    assert all(url.startswith("https://") for _, url in MarkerCluster.default_js)
    assert all(url.startswith("https://") for _, url in folium.Map.default_js)


def test_packages_match_the_npm_manifest():
    from tests.conftest import ROOT

    manifest = json.loads((ROOT / "static" / "package.json").read_text())
    assert manifest["dependencies"] == PACKAGES


def test_every_map_file_is_in_the_repository():
    assert missing_files() == [], "the vendored map files are incomplete: run scripts/vendor_assets.py"


@pytest.mark.parametrize(
    ("lats", "expected"), [([], [[12.0, 25.0], [42.0, 63.0]]), ([33.0], [[33.0, 44.0], [33.0, 44.0]])]
)
def test_bounds(lats, expected):
    events = conform(pd.DataFrame({"latitude": lats, "longitude": [44.0] * len(lats)}))
    assert bounds_of(events) == expected


def test_the_first_view_is_fitted_at_once_and_its_report_held_before_the_basemap_fetches():
    # streamlit-folium reports a mounting map's view, and an animated fit reports again when its pan
    # ends: two reruns for a view the server chose. The fit is immediate, the mount's report held,
    # and the basemap's script (which fetches the first view's files) runs after the fit.
    script = base_map(_events(), type_colors(["Air strike"]), LOCAL).get_root().render()
    fit, basemap = script.index(".fitBounds("), script.index("conflictmapBasemap(")
    assert fit < basemap
    assert "animate: false" in script[fit : fit + 200]
    assert "window.__cmHeldReport" in script
    assert script.count(".fitBounds(") == 1
