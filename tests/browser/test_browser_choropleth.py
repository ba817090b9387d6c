"""The choropleth in the browser: the units drawn as filled polygons in the Leaflet map (colours
from the legend's classes, none grey), its legend instead of the events' one, and a click on a unit
listing that unit's events under the map with its timeline; no request leaves the machine."""

from __future__ import annotations

from playwright.sync_api import expect

from conflictmap.maps.choropleth import CLASS_COLORS, ZERO_COLOR

LINK = "/?units=district&start=2014-06-01&end=2014-06-30"
MOSUL = (36.345, 43.145)  # in Al-Mosul district (IQG15Q05), away from its label
#: Each drawn unit's P-code, fill and class, as the SVG paths carry them.
UNITS_JS = """() => Array.from(document.querySelectorAll("path.cm-unit")).map(path =>
    [path.getAttribute("data-pcode"), path.getAttribute("fill"), path.getAttribute("data-class"),
     path.getAttribute("stroke")])"""


def _open(app, link: str = LINK) -> None:
    app.goto(link)
    expect(app.map.locator(".leaflet-container")).to_have_attribute("data-units", "district:101", timeout=60_000)


def test_the_choropleth_draws_every_district_filled_by_its_class(app):
    _open(app)
    units = app.map_frame().evaluate(UNITS_JS)
    assert len(units) == 101 and len({pcode for pcode, *_ in units}) == 101
    fills = {fill.lower() for _, fill, _, _ in units}
    assert fills <= {color.lower() for color in (*CLASS_COLORS, ZERO_COLOR)} and len(fills) >= 3
    legend = app.map.locator(".cm-units-legend")
    expect(legend).to_be_visible()
    expect(legend.locator("b")).to_have_text("Events per district")
    expect(legend.locator(".cm-units-class").first).to_contain_text("0 events")
    expect(app.map.locator(".cm-legend-events")).to_be_hidden()  # the events' legend gives way
    app.assert_only_local_requests()


def test_a_click_on_a_district_lists_its_events_with_its_timeline(app, reference):
    _open(app)
    app.show_iframe_whole()
    point = "(at) => { const p = window.map.latLngToContainerPoint(at); return [p.x, p.y]; }"
    x, y = app.map_frame().evaluate(point, list(MOSUL))
    frame = app.map_iframe.bounding_box()
    assert frame
    app.page.mouse.click(frame["x"] + x, frame["y"] + y)
    caption = app.page.get_by_text("event(s) in Al-Mosul district (Ninewa)")
    expect(caption).to_be_visible(timeout=30_000)
    app.wait_for_run()
    listed = int(caption.inner_text().split(" ", 1)[0].replace(",", ""))
    assert listed > 0
    expect(app.page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    expect(app.page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible()  # the unit's own timeline
    # the district is outlined after the rerun, and the map was not mounted again
    app.map_frame().wait_for_function(
        """() => { const p = document.querySelector('path.cm-unit[data-pcode="IQG15Q05"]');
                   return p && p.getAttribute("stroke") === "#1d2433"; }"""
    )
    app.assert_only_local_requests()


def test_the_standalone_export_draws_the_choropleth_from_a_file(open_file, reference, tmp_path):
    from urllib.parse import urlsplit

    from conflictmap.maps.standalone import standalone_map

    path = tmp_path / "units.html"
    path.write_text(standalone_map(reference.events, "choropleth", units=("governorate", "events")), encoding="utf-8")
    opened = open_file(path)
    page = opened.page
    expect(page.locator(".leaflet-container")).to_have_attribute("data-units", "governorate:18")
    assert len(page.evaluate(UNITS_JS)) == 18
    expect(page.locator(".cm-units-legend b")).to_have_text("Events per governorate")
    assert all(urlsplit(url).scheme in ("file", "data", "blob", "about") for url in opened.requests), opened.requests
