"""The map's rendering modes switch by the payload budget, visibly, in the browser: one marker
with a popup per event, markers from binary arrays, and events counted in cells (with a heatmap)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def big_server(start_server):
    """The app with 60,000 synthetic events added (labelled SYNTHETIC in their data set)."""
    return start_server(env={"CONFLICTMAP_SYNTHETIC_EVENTS": "60000"})


def test_points_mode_draws_every_event_without_popups(open_app, big_server):
    app = open_app(big_server)
    app.goto("/?start=2020-01-01&end=2024-12-31")
    app.wait_for_map()
    expect(app.page.get_by_text("each is a marker, without a popup")).to_be_visible()
    shown = app.metric_number("Events")
    assert 2_000 < shown <= 50_000
    events = app.wait_for_map_events(lambda events: len(events) == shown)
    assert not any(title for title, _, _ in events[:50])  # no per-event text in the page
    app.assert_only_local_requests()


def test_cells_mode_counts_events_and_adds_a_heatmap_on_request(open_app, big_server):
    app = open_app(big_server)
    app.goto("/?start=1989-01-01&end=2024-12-31")
    # One canvas draws the cells; the map's container says how many are on screen.
    expect(app.map.locator("canvas.cm-cells")).to_be_attached(timeout=60_000)
    expect(app.map.locator(".leaflet-container[data-cells]")).to_be_attached()
    assert int(app.map.locator(".leaflet-container").get_attribute("data-cells")) > 0
    expect(app.page.get_by_text("counted in square cells")).to_be_visible()
    assert app.metric_number("Events") > 50_000
    assert app.map.locator(".leaflet-heatmap-layer").count() == 0
    app.page.get_by_text("Heatmap of counted cells").click()
    expect(app.map.locator(".leaflet-heatmap-layer")).to_have_count(1, timeout=60_000)
    app.wait_for_query("heat", "true")
    app.assert_only_local_requests()


def test_a_cell_shows_its_counts_on_hover_and_a_click_lists_its_events(open_app, big_server):
    """Cells are drawn on a canvas, so the hover and the click are the layer's own hit test."""
    app = open_app(big_server)
    app.goto("/?start=1989-01-01&end=2024-12-31")
    expect(app.map.locator("canvas.cm-cells")).to_be_attached(timeout=60_000)
    app.wait_for_run()
    app.show_iframe_whole()
    box = app.map_iframe.bounding_box()
    assert box
    # Baghdad: the synthetic events' busiest city, so a cell is drawn there
    x, y = app.map_frame().evaluate("() => { const p = map.latLngToContainerPoint([33.34, 44.4]); return [p.x, p.y]; }")
    app.page.mouse.move(box["x"] + x, box["y"] + y)
    tip = app.map.locator(".cm-cell-tip")
    expect(tip).to_contain_text(re.compile(r"^[\d,]+ events, [\d,]+ fatalities \(cell of [\d.]+°\)$"))
    events = int(tip.inner_text().split(" events")[0].replace(",", ""))
    app.page.mouse.click(box["x"] + x, box["y"] + y)
    expect(app.page.get_by_text(re.compile(rf"^{events:,} event\(s\) in the [\d.]+° cell around"))).to_be_visible()
    app.wait_for_run()
