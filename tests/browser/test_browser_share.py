"""Share links in the browser: the copy button, the map's own view in the link, embed mode, and
the app under a path prefix drawing its map from local assets."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _map_view(app) -> tuple[float, float, int]:
    centre = app.map_frame().evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"
    )
    return round(centre[0], 2), round(centre[1], 2), int(centre[2])


def test_the_copied_link_reopens_the_view_on_a_fresh_page(app, open_app, reference):
    app.goto("/?start=2014-06-01&end=2014-06-30&type=One-sided+violence")
    app.wait_for_map()
    app.map_frame().evaluate("() => { window.map.setView([36.34, 43.13], 9); }")  # Mosul
    app.wait_for_query("zoom", "9")
    app.wait_for_run()
    app.page.locator("#cm-copy-link").click()
    expect(app.page.locator("#cm-copy-done")).to_contain_text("copied")
    link = app.page.locator("body").get_attribute("data-copied-link")
    assert link and link.startswith(app.server.url)
    assert "start=2014-06-01" in link and "type=One-sided+violence" in link and "zoom=9" in link

    other = open_app(app.server)  # a new browser context: nothing shared but the link
    other.page.goto(link)
    other.wait_for_run(timeout=60_000)
    other.wait_for_map()
    assert other.slider_dates("map.dates") == app.slider_dates("map.dates")
    assert other.selected("map.types") == ["One-sided violence"]
    lat, lng, zoom = _map_view(other)
    assert zoom == 9 and abs(lat - 36.34) < 0.05 and abs(lng - 43.13) < 0.05
    expected = len(reference.shown(*other.slider_dates("map.dates"), ("One-sided violence",)))
    assert other.metric_number("Events") == expected
    other.assert_only_local_requests()


def test_a_link_to_an_event_lists_it_under_the_map(app):
    app.goto("/?start=2024-01-01&end=2024-01-23&event=report:2024-01-04-baghdad")
    app.wait_for_map()
    expect(app.page.get_by_text("event(s) in this view at 33.3406, 44.4009")).to_be_visible()
    expect(app.page.locator('[data-testid="stDataFrame"] table')).to_contain_text("Harakat al-Nujaba")


def test_embed_mode_shows_the_map_and_legend_alone(app):
    app.goto("/?embed=true&start=2024-01-01&end=2024-01-23")
    app.wait_for_map()
    expect(app.map.locator(".cm-legend")).to_be_visible()
    expect(app.page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(app.page.locator("h1")).to_have_count(0)
    expect(app.page.locator('[data-testid="stMetric"]')).to_have_count(0)
    app.assert_only_local_requests()


def test_the_app_under_a_path_prefix_draws_its_map_offline(start_server, open_app):
    prefixed = start_server(base_path="/conflictmap")
    app = open_app(prefixed)
    app.goto("/")
    app.wait_for_map()
    assert app.page.url.startswith(prefixed.url)
    asset_requests = [url for url in app.requests if "/app/static/vendor/leaflet@" in url]
    assert asset_requests and all(url.startswith(prefixed.url + "/app/static/") for url in asset_requests)
    app.assert_only_local_requests()


def test_an_exported_map_opens_offline_from_a_file(open_file, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    page_file = tmp_path / "map.html"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "conflictmap",
            "export",
            "--start",
            "2014-06-01",
            "--end",
            "2014-06-30",
            "-o",
            str(page_file),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    opened = open_file(page_file, viewport={"width": 1280, "height": 720})  # Playwright's default
    page = opened.page
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    expect(page.locator(".leaflet-container")).to_have_attribute("data-outlines", "drawn")
    expect(page.locator(".cm-legend")).to_be_visible()
    assert all(url.startswith(("file:", "data:")) for url in opened.requests), opened.requests
