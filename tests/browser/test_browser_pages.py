"""Every page loads in Chromium without an exception and shows what it is for."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conflictmap.app.pages import PAGES

pytestmark = pytest.mark.browser

#: Page title -> (its heading, an element the page must draw); every listed page must say.
SHOWS = {
    "Map": ("Conflict events", '[data-testid="stCustomComponentV1"]'),
    "Timeline": ("Timeline", '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'),
    "Events": ("Events", '[data-testid="stDataFrame"]'),
    "Places": ("Places", '[data-testid="stDataFrame"]'),
    "About": ("About conflictmap", '[data-testid="stAlertContentSuccess"]'),
    "Data": ("Data", '[data-testid="stFileUploader"]'),
    "Report": ("Report", '[data-testid="stTextArea"] textarea'),
}


def test_every_listed_page_says_what_it_shows():
    assert set(SHOWS) == {page.title for page in PAGES}


@pytest.mark.parametrize("listed", PAGES, ids=lambda page: page.title)
def test_page_loads(app, listed):
    heading, content = SHOWS[listed.title]
    app.goto(listed.url)  # returns once the script run is over
    expect(app.page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(app.page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    expect(app.page.locator('[data-testid="stAlertContentWarning"]')).to_have_count(0)
    expect(app.heading()).to_have_text(heading)
    expect(app.page.locator('[data-testid="stMain"]').locator(content).first).to_be_visible()
    # A deep link keeps its page and gets the view's dates written into its address.
    assert app.page.url.split("?")[0] == app.server.url + listed.url
    # (the Map page adds its centre and zoom once the map has reported them)
    assert {"start", "end"} <= set(app.query()) <= {"start", "end", "lat", "lon", "zoom"}
    app.assert_only_local_requests()
