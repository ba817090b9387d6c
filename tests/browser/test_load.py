"""Several analysts at once, in one Chromium: each browser context is its own Streamlit session on
one freshly started server. Every session opens the Map and moves the date slider, every one draws;
the server's memory per extra session is measured (its RSS, from /proc); a file one session adds
on the Data page is seen by nobody else. Bounded: five sessions take well under a minute here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SESSIONS = 5
#: The target for the shipped data is under 30 MB of server memory per extra session (issue 14).
MB_PER_SESSION = 30
TEAM = ROOT / "tests" / "fixtures" / "team_events.csv"
WORKING = "You are looking at your working data set"


def rss_mb(pid: int) -> float:
    """The resident memory of a process, in MB (VmRSS from /proc/PID/status)."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert match, status
    return int(match.group(1)) / 1024


@pytest.fixture(scope="module")
def load_server(start_server):
    """A server of its own, so that its memory counts only this test's sessions."""
    return start_server()


def test_concurrent_sessions_all_draw_move_the_slider_and_stay_apart(load_server, open_app, reference):
    sessions = [open_app(load_server) for _ in range(SESSIONS)]
    first, *others = sessions

    # One session first: it warms the server (the shared data, every module); then the memory is read.
    first.goto("/")
    first.wait_for_map()
    first.wait_for_run()
    before = rss_mb(load_server.process.pid)

    # The others arrive together: each navigation starts without waiting for the one before.
    for app in others:
        app.page.goto(load_server.url + "/", wait_until="commit")
    window = reference.default_window
    expected = len(reference.shown(*window))
    for app in others:
        app.wait_for_map()
        app.wait_for_run()
        assert app.slider_dates("map.dates") == window
        assert app.metric_number("Events") == expected

    # Every session moves its date slider at once; every map redraws with the later start.
    counts = {id(app): len(app.map_events()) for app in sessions}
    for app in sessions:
        app.slider_thumbs("map.dates").first.focus()
        app.page.keyboard.press("PageUp")
    for app in sessions:
        app.wait_for_map_events(lambda events, app=app: len(events) != counts[id(app)])
        app.wait_for_run()
        start, end = app.slider_dates("map.dates")
        assert start > window[0]
        assert app.metric_number("Events") == len(reference.shown(start, end))
        expect(app.page.locator('[data-testid="stException"]')).to_have_count(0)
    after = rss_mb(load_server.process.pid)
    per_session = (after - before) / (SESSIONS - 1)
    print(f"server RSS {before:.0f} MB with one session, {after:.0f} MB with {SESSIONS}: {per_session:.1f} MB each")
    assert per_session < MB_PER_SESSION, (before, after)

    # One analyst adds a small file on the Data page; another's Map and Data pages do not show it.
    uploader, other = sessions[1], sessions[2]
    uploader.page_link("Data").click()
    uploader.wait_for_run()
    uploader.page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(TEAM))
    uploader.wait_for_run()
    added = uploader.metric_number("Accepted")
    assert added > 0
    uploader.page.get_by_role("button", name="Add to my working data set").click()
    expect(uploader.page.get_by_text(f"Added {added:,} events")).to_be_visible(timeout=60_000)
    uploader.page_link("Map").click()
    uploader.wait_for_run()
    uploader.page_link("Data").click()
    uploader.wait_for_run()
    expect(uploader.page.get_by_text(WORKING)).to_be_visible()

    other.page_link("Map").click()
    other.wait_for_run()
    other.wait_for_map()
    start, end = other.slider_dates("map.dates")
    assert other.metric_number("Events") == len(reference.shown(start, end))
    other.page_link("Data").click()
    other.wait_for_run()
    expect(other.page.get_by_text(WORKING)).to_have_count(0)
    expect(other.page.get_by_text(TEAM.name)).to_have_count(0)
    for app in sessions:
        app.assert_only_local_requests()
