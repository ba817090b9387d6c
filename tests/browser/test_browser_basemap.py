"""The offline basemap in the browser: boundary lines, rivers and place names drawn from the app's own
files with no request leaving the machine, names that change with the zoom, and the layer control's
switches (lines, Arabic names)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

JUNE_2014 = "/?start=2014-06-01&end=2014-06-30"
DRAWN = "() => window.map.conflictmapBasemap.drawn()"
#: [r, g, b, alpha] of the lines canvas at up to 8 of a layer's vertices that are in view (away from the
#: map's edges and controls): what was actually painted there.
PAINTED = """(name) => {
    const map = window.map, layer = map.conflictmapBasemap.layer(name);
    if (!layer) return [];
    const renderer = layer._renderer, size = map.getSize(), ratio = window.devicePixelRatio || 1, found = [];
    const inner = L.bounds([60, 60], [size.x - 300, size.y - 60]);  // not under the legend or controls
    layer.getLatLngs().flat(2).forEach((latlng) => {
        if (found.length >= 8 || !inner.contains(map.latLngToContainerPoint(latlng))) return;
        const at = map.latLngToLayerPoint(latlng).subtract(renderer._bounds.min).multiplyBy(ratio);
        const data = renderer._ctx.getImageData(Math.round(at.x) - 1, Math.round(at.y) - 1, 3, 3).data;
        let best = [0, 0, 0, 0];
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > best[3]) best = Array.from(data.slice(i, i + 4));
        found.push(best);
    });
    return found;
}"""


def _container(app):
    return app.map.locator(".leaflet-container")


def _labels(app) -> set[str]:
    return set(app.map.locator(".cm-labels .cm-label").all_inner_texts())


def _set_view(app, lat: float, lon: float, zoom: int) -> None:
    app.map_frame().evaluate(f"() => {{ window.map.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}")


def test_boundaries_rivers_and_place_names_are_drawn_with_no_request_leaving_the_machine(app):
    app.goto(JUNE_2014)
    app.wait_for_map()
    expect(_container(app)).to_have_attribute("data-basemap", "z0")  # the country-zoom band
    expect(app.map.locator(".cm-label", has_text="Baghdad").first).to_be_visible()
    drawn = app.map_frame().evaluate(DRAWN)
    assert {"borders", "coast", "governorates", "provinces", "rivers", "lakes"} <= set(drawn), drawn
    for name in ("governorates", "borders", "rivers"):
        painted = app.map_frame().evaluate(PAINTED, name)
        assert sum(alpha > 0 for *_, alpha in painted) >= 3, (name, painted)
    rivers = app.map_frame().evaluate(PAINTED, "rivers")
    assert sum(b > r for r, _, b, alpha in rivers if alpha) >= 3, rivers  # drawn in blue
    expect(app.map.locator(".leaflet-control-attribution")).to_contain_text("COD-AB")
    assert _container(app).get_attribute("data-basemap-failed") is None
    # Lines and names never take a click from what lies under them (the choropleth's units): the
    # choropleth's clicks were lost whenever its script ran before this one.
    takes_clicks = """() => ["cm-lines", "cm-labels"].map(name =>
        getComputedStyle(window.map.getPane(name).firstElementChild || window.map.getPane(name)).pointerEvents)"""
    assert app.map_frame().evaluate(takes_clicks) == ["none", "none"]
    fetched = [url.rsplit("/", 1)[-1] for url in app.requests if "/app/static/basemap/" in url]
    assert {"basemap.js", "lines-z0.json", "places.json"} <= set(fetched), fetched
    app.assert_only_local_requests()
    assert app.failed == []


def test_place_names_and_lines_follow_the_zoom(app):
    app.goto(JUNE_2014)
    app.wait_for_map()
    expect(app.map.locator(".cm-label", has_text="Baghdad").first).to_be_visible()
    country = _labels(app)
    assert "Sadr City" not in country and "subdistricts" not in app.map_frame().evaluate(DRAWN)

    _set_view(app, 33.36, 44.43, 11)  # Baghdad at city zoom: its neighbourhoods, sub-district lines
    expect(_container(app)).to_have_attribute("data-basemap", "z10")
    expect(app.map.locator(".cm-label", has_text="Sadr City")).to_be_visible()
    city = _labels(app)
    assert len(city - country) >= 10, city
    assert "subdistricts" in app.map_frame().evaluate(DRAWN)

    _set_view(app, 33.3, 44.2, 8)  # province zoom: towns, districts, no neighbourhoods
    expect(_container(app)).to_have_attribute("data-basemap", "z7")
    expect(app.map.locator(".cm-label", has_text="Sadr City")).to_have_count(0)
    province = _labels(app)
    assert province and province != city and province != country
    assert "districts" in app.map_frame().evaluate(DRAWN)
    app.assert_only_local_requests()


def test_the_layer_control_switches_lines_off_and_names_to_arabic(app):
    app.goto(JUNE_2014)
    app.wait_for_map()
    expect(app.map.locator(".cm-label", has_text="Baghdad").first).to_be_visible()
    app.map.locator(".leaflet-control-layers").hover()  # it opens on hover
    app.map.get_by_label("Names in Arabic").check()
    expect(app.map.locator(".cm-label", has_text="بغداد").first).to_be_visible()
    expect(app.map.locator(".cm-label", has_text="Baghdad")).to_have_count(0)
    app.map.get_by_label("Province and district lines").uncheck()
    drawn = app.map_frame().evaluate(DRAWN)
    assert "governorates" not in drawn and "borders" in drawn  # borders and coast stay
    app.map.get_by_label("Place names").uncheck()
    expect(app.map.locator(".cm-labels .cm-label")).to_have_count(0)
