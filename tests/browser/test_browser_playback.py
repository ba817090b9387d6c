"""Time playback in the browser: the period on the map advances with no Streamlit rerun, a pause
becomes the sidebar's dates, the map keeps its zoom and position, and the standalone export plays
in every drawing mode. Waits are on the control's state (`data-*` attributes the layer keeps) and
on Streamlit's script-run state, never on fixed sleeps."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from conflictmap.maps.standalone import standalone_map
from conflictmap.sharelink import Playback

CONTROL = ".cm-playback"
#: Records every script-run state Streamlit's app element passes through from now on, in `window.__runs`
#: (old and new value of each change, so that a run too short to see between two polls still shows).
WATCH_RUNS_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__runs = [];
    new MutationObserver(records => records.forEach(record => window.__runs.push(record.oldValue,
        app.getAttribute("data-test-script-state")))).observe(app, {attributes: true, attributeOldValue: true,
        attributeFilter: ["data-test-script-state"]});
}"""
RUNS_JS = "() => window.__runs.filter(state => state !== 'notRunning')"
LINK = "/?play_at=2014-06-01&play_window=30&play_step=week&play_speed=8&start=2014-06-01&end=2014-06-30"


#: The map's view as the frontend last sent it to the server, when that is the map's view now (no
#: report pending): streamlit-folium sends a view 250 ms after the map moves. "held": the view is
#: still the one the map mounted with, whose report is held back (maps.basemap.InitialView).
SENT_VIEW_JS = """() => {
    const data = window.__GLOBAL_DATA__, map = window.map;
    if (!data || !map || !data.previous_data || !data.previous_data.center) return null;
    const sent = data.previous_data.center, now = map.getCenter();
    if (sent.lat !== now.lat || sent.lng !== now.lng || data.previous_data.zoom !== map.getZoom()) return null;
    return JSON.stringify(data.previous_data) === window.__cmHeldReport ? "held" : sent.lat;
}"""


def _settle(app) -> None:
    """Wait until the server has run on the map's latest view, so that nothing reruns afterwards
    unless something sends a new value."""
    latitude = None
    while True:
        sent = app.map_frame().wait_for_function(SENT_VIEW_JS).json_value()
        if sent == "held":  # the mount's view: the server knows it, nothing was sent
            app.wait_for_run()
            return
        if sent == latitude:
            return
        latitude = sent
        app.wait_for_query("lat", f"{sent:.5f}")
        app.wait_for_run()


def _open_playing_map(app) -> None:
    """The Map page from a link that turns playback on, once the map's view has reached the server."""
    app.goto(LINK)
    expect(app.map.locator(CONTROL)).to_have_attribute("data-period", "2014-06-01/2014-06-30", timeout=90_000)
    _settle(app)


def _control(app):
    return app.map.locator(CONTROL)


def test_playback_advances_the_period_on_the_map_without_a_rerun(app):
    _open_playing_map(app)
    control = _control(app)
    shown_before = control.locator(".cm-playback-period").inner_text()
    app.page.evaluate(WATCH_RUNS_JS)
    sent_before = app.map_frame().evaluate("() => JSON.stringify(window.__GLOBAL_DATA__.previous_data)")
    control.focus()
    app.page.keyboard.press("Space")
    expect(control).to_have_attribute("data-playing", "true")
    # Three weekly steps at least, read off the control the analyst sees.
    app.map_frame().wait_for_function(
        "() => document.querySelector('.cm-playback').dataset.at >= '2014-06-22'", timeout=20_000
    )
    assert control.locator(".cm-playback-period").inner_text() != shown_before
    # the legend's last line says what is drawn now: dots with their number, not clusters
    expect(app.map.locator(".cm-key-dots")).to_be_visible()
    expect(app.map.locator(".cm-key-clusters")).to_be_hidden()
    sent = app.map_frame().evaluate("() => JSON.stringify(window.__GLOBAL_DATA__.previous_data)")
    assert app.page.evaluate(RUNS_JS) == [], f"the script ran while playback played: {sent_before} -> {sent}"
    expect(app.page.locator('[data-testid="stApp"]')).to_have_attribute("data-test-script-state", "notRunning")
    at, period = app.map_frame().evaluate(
        "() => [document.querySelector('.cm-playback').dataset.at, "
        "document.querySelector('.cm-playback').dataset.period]"
    )
    start, end = (dt.date.fromisoformat(day) for day in period.split("/"))
    assert (end - start).days == 29 and start.isoformat() == at
    app.assert_only_local_requests()


def test_pausing_sets_the_sidebars_dates_and_the_link_and_arrows_step(app):
    _open_playing_map(app)
    control = _control(app)
    control.focus()
    app.page.keyboard.press("Space")
    app.map_frame().wait_for_function(
        "() => document.querySelector('.cm-playback').dataset.at >= '2014-06-15'", timeout=20_000
    )
    app.page.keyboard.press("Space")
    expect(control).to_have_attribute("data-playing", "false")
    start, end = control.get_attribute("data-period").split("/")
    thumbs = app.slider_thumbs("map.dates")
    expect(thumbs.first).to_have_attribute("aria-valuetext", start)
    expect(thumbs.last).to_have_attribute("aria-valuetext", end)
    app.wait_for_query("play_at", start)
    app.wait_for_query("start", start)
    app.wait_for_run()
    assert control.get_attribute("data-period") == f"{start}/{end}", "the rerun moved playback"
    # The keyboard focus survives the rerun: the arrow keys step at once, and the dates follow.
    app.page.keyboard.press("ArrowRight")
    stepped = (dt.date.fromisoformat(start) + dt.timedelta(days=7)).isoformat()
    expect(control).to_have_attribute("data-at", stepped)
    expect(thumbs.first).to_have_attribute("aria-valuetext", stepped)
    app.wait_for_run()


def test_playback_keeps_the_maps_zoom_and_position(app):
    _open_playing_map(app)
    frame = app.map_frame()
    frame.evaluate("() => { window.__mounted = true; window.map.setView([33.34, 44.4], 9, {animate: false}); }")
    app.wait_for_query("zoom", "9")
    _settle(app)
    control = _control(app)
    control.focus()
    app.page.keyboard.press("Space")
    expect(control).to_have_attribute("data-playing", "true")
    app.page.keyboard.press("Space")
    expect(control).to_have_attribute("data-playing", "false")
    start = control.get_attribute("data-period").split("/")[0]
    expect(app.slider_thumbs("map.dates").first).to_have_attribute("aria-valuetext", start)
    app.wait_for_run()
    frame = app.map_frame()
    view = frame.evaluate("() => [window.__mounted, window.map.getZoom(), window.map.getCenter()]")
    assert view[0] is True, "the map was mounted again (its iframe replaced)"
    assert view[1] == 9 and view[2]["lat"] == pytest.approx(33.34, abs=1e-3) and view[2]["lng"] == pytest.approx(44.4)


@pytest.mark.parametrize(
    ("mode", "limits", "count"),
    [("markers", (2_000, 50_000), 1_500), ("points", (0, 50_000), None), ("cells", (0, 0), None)],
)
def test_the_standalone_export_plays_from_a_file(open_file, reference, tmp_path, mode, limits, count):
    events = reference.events if count is None else reference.events.tail(count)
    path = tmp_path / "map.html"
    playback = Playback(step="month", speed=30.0, window=30)
    path.write_text(standalone_map(events, "playback test", playback=playback, limits=limits), encoding="utf-8")
    opened = open_file(path)
    page = opened.page
    control = page.locator(CONTROL)
    expect(control).to_have_attribute("data-at", "")  # every date on screen until play is pressed
    expect(control.locator(".cm-playback-period")).to_have_text("All dates")
    state = "() => Object.values(window).find(v => v && v.conflictmapPlayback).conflictmapPlayback.state()"
    assert page.evaluate(state)["mode"] == mode
    assert int(control.get_attribute("data-events")) == pytest.approx(
        len(events.dropna(subset=["latitude"])), abs=1
    )
    control.focus()
    page.keyboard.press("Space")
    expect(control).to_have_attribute("data-playing", "true")
    later = (events["date_start"].min() + pd.DateOffset(months=6)).strftime("%Y-%m-%d")
    page.wait_for_function(f"() => ({state})().at >= '{later}'")
    page.keyboard.press("Space")
    expect(control).to_have_attribute("data-playing", "false")
    first_month = control.get_attribute("data-at")
    page.keyboard.press("ArrowLeft")
    expect(control).not_to_have_attribute("data-at", first_month)
    assert all(urlsplit(url).scheme in ("file", "data", "blob", "about") for url in opened.requests), opened.requests
