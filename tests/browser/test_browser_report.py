"""The Report page in the browser: the seed article pasted, a candidate edited in the table (the
edit kept when a new publication date reads the report again), the kept candidates confirmed, and
the events on the Map page with their evidence in the popup."""

import pytest
from playwright.sync_api import expect

from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser
SEED = (FIXTURES / "seed_report_000_a92851d7e98dfb02.txt").read_text(encoding="utf-8")
#: Where the geocoder puts "southeastern Iran" (region level): the Kerman bombing's candidate.
SOUTHEASTERN_IRAN = (27.65139, 58.5776)
ROW, HEADER = 35, 35  # the data editor's row and header heights (Streamlit's defaults), in pixels
FATALITIES = 9  # the editor's column of fatalities, counted from its first ("#")
#: Resolves once the page has rendered two frames: the grid's cell editor has drawn what was typed.
RENDERED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def test_paste_edit_confirm_and_see_the_events_on_the_map(app):
    app.goto("/Report")
    app.page.locator(".st-key-report-text textarea").fill(SEED)
    app.heading().click()  # the text area sends its text when it loses focus
    app.wait_for_run()
    expect(app.page.get_by_text("20 candidate(s)")).to_be_visible()
    expect(app.page.locator('[data-testid="stException"]')).to_have_count(0)
    # the text with the evidence marked, escaped: the article's quotation marks are text
    expect(app.page.locator(".report-text mark").first).to_be_visible()
    expect(app.page.locator(".report-text")).to_contain_text("“blatant violations”")

    # edit: the Kerman bombing (the second candidate, "in early January") gets its death toll
    editor = app.page.locator('[data-testid="stDataFrame"]').first
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    assert box

    # The grid takes each key against the selection and the value it last drew: a key sent before
    # it has drawn the previous one acts on the old state (an Enter right after typing commits the
    # old value, an arrow right after a click moves from the old cell; logged: no rerun, no widget
    # state sent, about one run in three). So each step waits until the page has drawn it, as a
    # person sees each step before the next.
    def press(key: str) -> None:
        app.page.keyboard.press(key)
        app.page.evaluate(RENDERED)

    # a cell of the second row well inside the grid, then its first column ("#"): a click near the
    # grid's left edge may land on the row markers, which select the row, not a cell
    app.page.mouse.click(box["x"] + 250, box["y"] + HEADER + ROW * 1 + ROW / 2)
    app.page.evaluate(RENDERED)
    press("Home")
    for _ in range(FATALITIES):
        press("ArrowRight")
    press("Enter")  # opens the cell's editor
    cell_editor = app.page.locator("#portal input, #portal textarea")
    expect(cell_editor).to_be_visible()
    app.page.keyboard.press("Control+A")
    app.page.keyboard.type("90")
    expect(cell_editor).to_have_value("90")
    app.page.evaluate(RENDERED)
    app.page.keyboard.press("Enter")  # commits it: the page runs again with the edit
    expect(app.page.get_by_text("You edited 1 candidate(s) and deleted 0")).to_be_visible()
    app.wait_for_run()
    # a new publication date reads the report again: the edit is carried to it, not dropped
    app.page.locator('[class*="st-key-report-published"] input[type="date"]').fill("2024-01-26")
    app.heading().click()  # the date is sent when its field loses focus
    expect(app.page.get_by_text("Your edits of 1 candidate(s) were kept")).to_be_visible()
    app.wait_for_run()

    app.page.get_by_role("button", name="Add the 9 kept event(s) to my working data set").click()
    expect(app.page.get_by_text("Added 9 event(s) to your working data set")).to_be_visible(timeout=180_000)
    app.page.get_by_text("See them on the Map").click()
    app.wait_for_run()
    app.wait_for_map()
    titles = [
        title for title, _, _ in app.wait_for_map_events(lambda events: any("western Iraq" in e[0] for e in events))
    ]
    assert any("northern Iraq" in title for title in titles) and any("Camp Taji" in t or "Taji" in t for t in titles)

    app.show_iframe_whole()
    app.map_frame().evaluate(
        "([lat, lng]) => { window.map.setView([lat, lng], 9, {animate: false}); }", list(SOUTHEASTERN_IRAN)
    )
    marker = app.map.locator(".cm-event")
    expect(marker).to_have_count(1)
    app.click_marker(marker)
    popup = app.map.locator(".cm-popup")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("ISIS emerged from the shadows to claim responsibility")  # the evidence
    expect(popup).to_contain_text("Fatalities: 90")  # the analyst's edit
    expect(popup).to_contain_text("confirmed by an analyst")
    expect(app.page.locator('[data-testid="stException"]')).to_have_count(0)
    app.assert_only_local_requests()
