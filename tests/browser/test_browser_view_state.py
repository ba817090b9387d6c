"""The view (dates, event types) kept across pages and in share links, as a user sees it in Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EVENT_TYPE = "Explosions/Remote violence"


def test_filters_persist_across_pages(app, reference):
    app.goto("/")
    app.wait_for_map()
    start_thumb = app.slider_thumbs("map.dates").first
    start_thumb.focus()
    app.page.keyboard.press("PageUp")
    expect(start_thumb).not_to_have_attribute("aria-valuetext", reference.default_window[0].isoformat())
    app.wait_for_query("start", start_thumb.get_attribute("aria-valuetext"))
    app.wait_for_run()
    app.choose("map.types", EVENT_TYPE)
    app.wait_for_query("type", EVENT_TYPE)
    app.wait_for_run()
    start, end = app.slider_dates("map.dates")
    assert start > reference.default_window[0]
    assert app.selected("map.types") == [EVENT_TYPE]
    assert app.metric_number("Events") == len(reference.shown(start, end, (EVENT_TYPE,)))

    app.page_link("Timeline").click()
    expect(app.heading()).to_have_text("Timeline")
    expect(app.slider_thumbs("timeline.dates")).to_have_count(2)
    app.wait_for_run()
    assert app.slider_dates("timeline.dates") == (start, end)
    assert app.selected("timeline.types") == [EVENT_TYPE]
    assert app.page.url.split("?")[0].endswith("/Timeline")
    assert filter_params(app.query()) == {"start": [start.isoformat()], "end": [end.isoformat()], "type": [EVENT_TYPE]}

    app.page_link("Map").click()
    expect(app.heading()).to_have_text("Conflict events")
    app.wait_for_map()
    app.wait_for_run()
    assert app.slider_dates("map.dates") == (start, end)
    assert app.selected("map.types") == [EVENT_TYPE]
    assert filter_params(app.query()) == {"start": [start.isoformat()], "end": [end.isoformat()], "type": [EVENT_TYPE]}
    located = reference.shown(start, end, (EVENT_TYPE,)).dropna(subset=["latitude", "longitude"])
    assert len(app.map_events()) == len(located)
    app.assert_only_local_requests()


def test_share_link_opens_the_same_view(app, reference):
    start, end = dt.date(2014, 6, 1), dt.date(2014, 6, 30)
    app.goto(f"/?start={start}&end={end}")
    app.wait_for_map()

    assert app.slider_dates("map.dates") == (start, end)
    shown = reference.shown(start, end)
    assert len(shown) > 0
    assert app.metric_number("Events") == len(shown)
    assert len(app.map_events()) == len(shown.dropna(subset=["latitude", "longitude"]))
    expect(app.page.locator('[data-testid="stAlertContentWarning"]')).to_have_count(0)
    assert filter_params(app.query()) == {"start": [str(start)], "end": [str(end)]}
    app.assert_only_local_requests()


def test_tampered_share_link_warns_and_runs_nothing(app, reference):
    app.goto("/?start=2014-02-30&type=<script>alert(1)</script>")
    app.wait_for_map()

    warnings = app.page.locator('[data-testid="stAlertContentWarning"]')
    expect(warnings.filter(has_text="'start'")).to_have_count(1)
    expect(warnings.filter(has_text="2014-02-30")).to_have_count(1)
    # The bad type is named as text, not run.
    expect(warnings.filter(has_text="<script>alert(1)</script>")).to_have_count(1)
    # The rest falls back to the default view, and the URL is rewritten to it.
    assert app.slider_dates("map.dates") == reference.default_window
    assert app.selected("map.types") == []
    assert filter_params(app.query()) == {
        "start": [str(reference.default_window[0])],
        "end": [str(reference.default_window[1])],
    }
    assert app.metric_number("Events") == len(reference.shown(*reference.default_window))
    assert app.dialogs == []
    assert app.xss_markers() == (None, None)
    app.assert_only_local_requests()


def filter_params(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filter parameters of a URL (the Map page adds its centre and zoom once the map reports them)."""
    return {name: values for name, values in query.items() if name in ("start", "end", "type", "actor", "admin1")}
