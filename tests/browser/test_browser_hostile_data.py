"""Hostile and broken data files, served by their own app server (CONFLICTMAP_DATA_DIR)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conflictmap.labels import short

pytestmark = pytest.mark.browser

SHIPPED = Path(__file__).resolve().parents[2] / "data"
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
HOSTILE_DATE = "2024-01-05"


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped news-report events plus one whose text is markup, and a UCDP file missing columns."""
    folder = tmp_path_factory.mktemp("hostile-data")
    shutil.copy(SHIPPED / "report_events.csv", folder / "report_events.csv")
    with (folder / "report_events.csv").open(newline="", encoding="utf-8") as file:
        fields = next(csv.reader(file))
    hostile = dict.fromkeys(fields, "")
    hostile.update(
        event_id="report:hostile",
        date_start=HOSTILE_DATE,
        date_end=HOSTILE_DATE,
        date_precision="day",
        event_type="Violence against civilians",
        sub_event_type="Attack",
        actor1=f"{IMG} {SCRIPT}",
        fatalities="0",
        place="Baghdad",
        country="Iraq",
        notes=f"{SCRIPT} {IMG}",
        source=f"{IMG}{SCRIPT}",
    )
    with (folder / "report_events.csv").open("a", newline="", encoding="utf-8") as file:
        csv.DictWriter(file, fieldnames=fields).writerow(hostile)
    (folder / "ucdp_ged_iraq.csv").write_text("id,year,latitude\n1,2014,33.3\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_server(start_server, hostile_dir):
    return start_server(hostile_dir)


def test_broken_file_is_reported_and_hostile_text_stays_text(open_app, hostile_server, hostile_dir, load_reference):
    expected = load_reference(hostile_dir)
    app = open_app(hostile_server)
    app.goto("/")
    app.wait_for_map()

    errors = app.page.locator('[data-testid="stAlertContentError"]')
    expect(errors).to_have_count(1)
    expect(errors).to_contain_text("ucdp_ged_iraq.csv")
    expect(errors).to_contain_text("missing column")
    # The other file still loads: its events (the hostile one among them) are counted and drawn.
    start, end = app.slider_dates("map.dates")
    shown = expected.shown(start, end)
    assert (shown["event_id"] == "report:hostile").sum() == 1
    assert app.metric_number("Events") == len(shown)
    events = app.map_events()
    assert len(events) == len(shown.dropna(subset=["latitude", "longitude"]))

    # Show the hostile event's marker (fanned out if it shares its point) and click it.
    app.show_iframe_whole()  # before moving the map: scrolling later would disturb it
    app.map_frame().evaluate(
        """(title) => new Promise(done => window.map.eachLayer(layer => {
            if (!(layer instanceof L.MarkerClusterGroup)) return;
            const marker = layer.getLayers().find(m => m.options.title === title);
            layer.zoomToShowLayer(marker, () => { marker._icon.setAttribute("data-test-clicked", ""); done(); });
        }))""",
        f"{HOSTILE_DATE} · Attack · Baghdad",
    )
    app.click_marker(app.map.locator(".cm-event[data-test-clicked]"))
    popup = app.map.locator(".cm-popup")
    expect(popup).to_be_visible()
    text = popup.text_content()
    assert f"Actors: {IMG} {SCRIPT}" in text
    assert f"Notes: {SCRIPT} {IMG}" in text
    assert f"Source: {IMG}{SCRIPT}" in text
    expect(popup.locator("img, script")).to_have_count(0)
    assert app.xss_markers() == (None, None)
    expect(app.page.get_by_text("event(s) in this view at")).to_be_visible()
    app.wait_for_run()

    # The payload in the sidebar's actor list and in the Events page's table is text too.
    app.choose("map.actors", short(f"{IMG} {SCRIPT}"))  # (a long option is shown cut: conflictmap.labels)
    app.wait_for_query("actor", f"{IMG} {SCRIPT}")
    app.wait_for_run()
    assert app.selected("map.actors") == [short(f"{IMG} {SCRIPT}")]
    expect(app.metric("Events")).to_have_text("1")
    assert app.xss_markers() == (None, None)

    app.page_link("Events").click()
    expect(app.heading()).to_have_text("Events")
    table = app.page.locator('[data-testid="stMain"] [data-testid="stDataFrame"] table')
    expect(table).to_contain_text(SCRIPT)
    app.wait_for_run()
    assert app.page.evaluate("() => window.__xss === undefined")
    assert app.dialogs == []
    app.assert_only_local_requests()


LONG_TYPE = "Remote violence " + "x" * 4_984  # 5,000 characters
MANY_TYPES = [LONG_TYPE, *(f"Type {n:02d}" for n in range(1, 13))]  # 13: beyond the ten colours


@pytest.fixture(scope="module")
def labels_server(start_server, tmp_path_factory: pytest.TempPathFactory):
    """The shipped news-report events plus one event of each of 13 types, the first 5,000 characters
    long, with a right-to-left override in its actor."""
    folder = tmp_path_factory.mktemp("label-data")
    shutil.copy(SHIPPED / "report_events.csv", folder / "report_events.csv")
    with (folder / "report_events.csv").open(newline="", encoding="utf-8") as file:
        fields = next(csv.reader(file))
    with (folder / "report_events.csv").open("a", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        for number, kind in enumerate(MANY_TYPES):
            row = dict.fromkeys(fields, "")
            row.update(event_id=f"report:type-{number}", date_start="2024-01-06", date_end="2024-01-06",
                       date_precision="day", event_type=kind, actor1="IS\u202e 21 killed", fatalities="0",
                       place="Baghdad" if number else "Mosul", country="Iraq")  # fmt: skip
            writer.writerow(row)
    return start_server(folder)


def test_long_and_many_event_types_keep_the_legend_readable(open_app, labels_server):
    """F6 and F20b: a 5,000-character type is cut in the legend (whole in its tooltip) and the legend
    stays narrow; beyond ten types the rest are one grey "Other types" row, no colour reused; the
    popup of the long type's event scrolls instead of covering the map."""
    app = open_app(labels_server)
    app.goto("/")
    app.wait_for_map()
    legend = app.map.locator(".cm-legend-events")
    expect(legend).to_be_visible()
    box, whole = legend.bounding_box(), app.map.locator(".leaflet-container").bounding_box()
    assert box["width"] <= 260 and box["width"] < whole["width"] / 3, (box, whole)
    rows = app.map.locator(".cm-legend-events > div[title]")
    titles = [rows.nth(n).get_attribute("title") for n in range(rows.count())]
    assert LONG_TYPE in titles
    texts = [rows.nth(n).inner_text() for n in range(rows.count())]
    assert max(len(text) for text in texts) <= 48 and any(text.startswith("Remote violence x") for text in texts)
    colours = [rows.nth(n).locator("i").evaluate("i => getComputedStyle(i).backgroundColor") for n in range(10)]
    assert len(set(colours)) == 10
    expect(app.map.locator(".cm-legend-other")).to_contain_text("Other types (")

    app.show_iframe_whole()
    height = app.map_frame().evaluate(
        """(kind) => new Promise(done => window.map.eachLayer(layer => {
            if (!(layer instanceof L.MarkerClusterGroup)) return;
            const marker = layer.getLayers().find(m => m.options.title.indexOf(kind) >= 0);
            layer.zoomToShowLayer(marker, () => {
                marker.openPopup();
                const popup = document.querySelector(".cm-popup");
                const title = popup.querySelector(".cm-popup-title").getBoundingClientRect().height;
                done([popup.getBoundingClientRect().height, popup.innerText.indexOf("\\u202e"), title]);
            });
        }))""",
        "Remote violence x",
    )
    assert height[0] <= 330 and height[1] == -1 and height[2] <= 60, height  # the title: three lines at most
    # The sidebar's choice is cut too; choosing it still filters on the whole type.
    app.choose("map.types", short(LONG_TYPE))
    expect(app.metric("Events")).to_have_text("1")  # (waits for the run the choice starts)
