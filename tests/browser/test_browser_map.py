"""The Map page in Chromium: what is drawn, how the date slider changes it, what a click shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: The one news-report event at Kerman, Iran (the bombing of 3 January 2024), where it is geocoded.
KERMAN = (30.28321, 57.07879)


def _date_of(title: str) -> dt.date:
    """Marker titles read "2024-01-03 · Suicide bomb · southeastern Iran"."""
    return dt.date.fromisoformat(title.split(" · ", 1)[0])


def test_map_page_draws_markers_outlines_and_legend_offline(app, reference):
    app.goto("/")
    app.wait_for_map()

    expect(app.heading()).to_have_text("Conflict events")
    start, end = app.slider_dates("map.dates")
    assert (start, end) == reference.default_window
    shown = reference.shown(start, end)
    assert app.metric_number("Events") == len(shown)

    # Every located event of the window is in the cluster layer; some are drawn as icons in view.
    located = shown.dropna(subset=["latitude", "longitude"])
    assert len(app.map_events()) == len(located)
    assert app.map.locator(".leaflet-marker-icon").count() > 0

    # The country outlines are fetched from this server and drawn in their own pane: those reaching
    # into the region at once, the rest of the world once the view leaves the region.
    near = app.map.locator(".leaflet-outlines-pane path").count()
    assert near > 30
    app.map_frame().evaluate("() => { window.map.setView([30, 45], 3, {animate: false}); }")
    expect(app.map.locator(".leaflet-outlines-pane path")).to_have_count(241)
    app.map_frame().evaluate("() => { window.map.setView([33.3, 44.4], 6, {animate: false}); }")

    legend = app.map.locator(".cm-legend")
    expect(legend).to_be_visible()
    for event_type in reference.event_types:
        expect(legend).to_contain_text(event_type)

    app.wait_for_run()
    app.assert_only_local_requests()
    assert app.failed == []


def test_date_slider_changes_the_markers_without_remounting_the_map(app, reference):
    app.goto("/")
    app.wait_for_map()
    before_metric = app.metric("Events").inner_text()
    before = app.map_events()
    app.map_frame().evaluate("() => { window.__probe = 1; }")

    start_thumb = app.slider_thumbs("map.dates").first
    start_thumb.focus()
    app.page.keyboard.press("PageUp")  # moves the start a tenth of the range later

    expect(app.metric("Events")).not_to_have_text(before_metric)
    app.wait_for_run()
    app.wait_for_map_events(lambda events: len(events) != len(before))

    start, end = app.slider_dates("map.dates")
    assert start > reference.default_window[0]
    shown = reference.shown(start, end)
    assert app.metric_number("Events") == len(shown)
    after = app.map_events()
    assert len(after) == len(shown.dropna(subset=["latitude", "longitude"]))
    assert len(after) < len(before)
    # A later start only takes events away, and what is left is inside the new window.
    assert not Counter(after) - Counter(before)
    assert all(start <= _date_of(title) <= end for title, _, _ in after)

    # The base map stayed mounted: the same iframe window, only the events layer was replaced.
    assert app.map_frame().evaluate("() => window.__probe") == 1
    assert app.query()["start"] == [start.isoformat()]
    app.assert_only_local_requests()


def test_clicking_an_event_shows_its_popup_and_lists_it_below_the_map(app):
    app.goto("/")
    app.wait_for_map()
    selected = app.page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    expect(selected).to_have_count(0)

    app.show_iframe_whole()  # before moving the map: scrolling later would disturb it
    # (The braces matter: returning the Leaflet map would make Playwright serialize it, for seconds.)
    app.map_frame().evaluate("([lat, lng]) => { window.map.setView([lat, lng], 9, {animate: false}); }", list(KERMAN))
    marker = app.map.locator(".cm-event")
    expect(marker).to_have_count(1)
    app.click_marker(marker)

    popup = app.map.locator(".cm-popup")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Date: 2024-01-03")
    expect(popup).to_contain_text("Kerman")
    expect(popup).to_contain_text("Source: Adam Morrow, 'US, Iraq to Begin Talks")

    expect(app.page.get_by_text("1 event(s) in this view at 30.2832, 57.0788")).to_be_visible()
    expect(selected).to_have_count(1)
    # The grid is drawn on a canvas; its accessible table holds the cells' text.
    expect(selected.locator("table")).to_contain_text("Suicide bomb")
    app.wait_for_run()
    app.assert_only_local_requests()


def test_clicking_a_fanned_out_event_lists_the_events_at_its_place(app, reference):
    app.goto("/")
    app.wait_for_map()
    start, end = app.slider_dates("map.dates")
    located = reference.shown(start, end).dropna(subset=["latitude", "longitude"])
    per_place = located.groupby(["latitude", "longitude"]).size()
    (lat, lng), count = next((place, n) for place, n in per_place.items() if n == 2)

    app.show_iframe_whole()  # before moving the map: scrolling later would disturb it
    # Zoom until the marker shows; two events at the very same point fan out (spiderfy).
    app.map_frame().evaluate(
        """([lat, lng]) => new Promise(done => window.map.eachLayer(layer => {
            if (!(layer instanceof L.MarkerClusterGroup)) return;
            const marker = layer.getLayers().find(m => m.getLatLng().lat === lat && m.getLatLng().lng === lng);
            layer.zoomToShowLayer(marker, () => { marker._icon.setAttribute("data-test-clicked", ""); done(); });
        }))""",
        [lat, lng],
    )
    app.click_marker(app.map.locator(".cm-event[data-test-clicked]"))
    expect(app.map.locator(".cm-popup")).to_be_visible()
    caption = app.page.get_by_text("event(s) in this view at")
    expect(caption).to_be_visible()
    assert caption.inner_text() == f"{count} event(s) in this view at {lat:.4f}, {lng:.4f}"
