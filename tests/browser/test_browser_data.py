"""The Data page in the browser: an analyst's file is read, reported, geocoded and added to their
own session only; a broken file is refused with a clear message."""

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
TEAM = ROOT / "tests" / "fixtures" / "team_events.csv"
ACLED = ROOT / "tests" / "fixtures" / "acled_invented.csv"


def _upload(app, path):
    app.page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    app.wait_for_run()


def test_an_acled_file_is_detected_and_added_to_this_session_only(app, open_app):
    app.goto("/Data")
    _upload(app, ACLED)
    expect(app.page.get_by_text("ACLED export", exact=False).first).to_be_visible()
    read = app.metric_number("Rows read")
    accepted = app.metric_number("Accepted")
    assert read == accepted + app.metric_number("Set aside") and accepted > 0
    app.page.get_by_role("button", name="Add to my working data set").click()
    expect(app.page.get_by_text(f"Added {accepted:,} events")).to_be_visible(timeout=60_000)

    app.page_link("Events").click()
    app.wait_for_run()
    app.page.locator(".st-key-events-search input").fill("acled")
    app.page.keyboard.press("Enter")
    expect(app.page.get_by_text("events in the filtered view")).to_be_visible()

    # back on the Data page (after a file was added) the analyst can return to the shipped data
    app.page_link("Data").click()
    app.wait_for_run()
    expect(app.page.get_by_text("You are looking at your working data set")).to_be_visible()
    app.page.get_by_role("button", name="Go back to the shipped data only").click()
    expect(app.page.get_by_text("You are looking at your working data set")).to_have_count(0)
    expect(app.page.locator('[data-testid="stException"]')).to_have_count(0)

    # another analyst on the same server does not see the file
    other = open_app(app.server)
    other.goto("/Data")
    expect(other.page.get_by_text("You are looking at your working data set")).to_have_count(0)
    app.assert_only_local_requests()


def test_a_team_spreadsheet_is_mapped_by_its_headers(app):
    app.goto("/Data")
    _upload(app, TEAM)
    expect(app.page.get_by_text("Another table", exact=False).first).to_be_visible()
    assert app.metric_number("Accepted") > 0
    expect(app.page.get_by_text("Columns: which column holds what")).to_be_visible()


def test_a_broken_file_is_refused_with_its_name_and_the_problem(app, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook")
    app.goto("/Data")
    _upload(app, broken)
    expect(app.page.locator('[data-testid="stAlertContentError"]')).to_contain_text("broken.xlsx")
    expect(app.page.locator('[data-testid="stException"]')).to_have_count(0)
