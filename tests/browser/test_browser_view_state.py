"""The view (dates, event types) kept across pages and in share links, as a user sees it in Chromium."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

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


#: Every address the page's scripts wrote (Streamlit writes the query string with the History API).
RECORD_URLS_JS = """
(() => {
    window.__urls = [];
    for (const name of ["pushState", "replaceState"]) {
        const original = history[name].bind(history);
        history[name] = (state, title, url) => {
            if (url !== undefined && url !== null) window.__urls.push(String(url));
            return original(state, title, url);
        };
    }
})();
"""
MAP_VIEW_JS = "() => window.map ? [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()] : null"
VIEW = {"lat": "35.50000", "lon": "43.20000", "zoom": "9"}  # Shirqat, on the Tigris: far from the default view


def _map_at_view(app) -> None:
    """Wait until the map shows VIEW and the page's runs have settled; then no address the page
    wrote on the way held another view (the bug: the map's first reply wrote its default one)."""
    app.map_iframe.wait_for()
    app.map_frame().wait_for_function(
        """() => window.map && window.map.getZoom() === 9 && Math.abs(window.map.getCenter().lat - 35.5) < 0.01
            && Math.abs(window.map.getCenter().lng - 43.2) < 0.01"""
    )
    app.wait_for_run()
    for name, value in VIEW.items():
        app.wait_for_query(name, value)
    app.wait_for_run()
    written = [parse_qs(urlsplit(url).query) for url in app.page.evaluate("() => window.__urls")]
    # (Streamlit writes one parameter at a time: a written address may lack some of them.)
    held = {(name, value) for query in written for name in VIEW for value in query.get(name, [])}
    assert held <= set(VIEW.items()), f"the address held another view on the way: {sorted(held)}"


def test_reload_and_back_restore_the_view_the_link_says(app):
    """F10: the map's view (centre, zoom) survives opening a link, reloading it, and Back."""
    app.page.add_init_script(RECORD_URLS_JS)
    app.goto("/?" + "&".join(f"{name}={value}" for name, value in VIEW.items()))
    app.wait_for_map()
    _map_at_view(app)

    app.page.reload()
    app.wait_for_run(timeout=120_000)
    _map_at_view(app)

    app.page_link("Timeline").click()
    expect(app.heading()).to_have_text("Timeline")
    app.wait_for_run()
    # The link carried the filters: the page was written no address after it, so one Back leaves it
    # (a page written its parameters after arriving added history entries Back stepped through).
    timeline = [url for url in app.page.evaluate("() => window.__urls") if "Timeline" in url]
    assert len(timeline) == 1, timeline
    app.page.go_back()
    expect(app.heading()).to_have_text("Conflict events")
    _map_at_view(app)
    assert app.map_frame().evaluate(MAP_VIEW_JS)[2] == 9
    app.assert_only_local_requests()


def filter_params(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filter parameters of a URL (the Map page adds its centre and zoom once the map reports them)."""
    return {name: values for name, values in query.items() if name in ("start", "end", "type", "actor", "admin1")}
