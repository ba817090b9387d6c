"""Probe findings, each with its regression test (issue: hostile input, faults and load)."""

from streamlit.testing.v1 import AppTest

from tests.app.conftest import map_component
from tests.conftest import ROOT


def test_a_link_proposes_online_tiles_and_the_recipient_confirms():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["tiles"] = "osm"
    at.run()
    assert not at.exception
    assert "openstreetmap" not in map_component(at)["script"], "opening a link must not contact a tile server"
    assert at.toggle(key="online_tiles").value is False
    assert any("proposes online map tiles" in info.value for info in at.info)
    at.button(key="map.accept_tiles").click().run()
    assert at.toggle(key="online_tiles").value is True
    assert "tile.openstreetmap.org" in map_component(at)["script"]
    assert not any("proposes online map tiles" in info.value for info in at.info)


def test_the_data_page_offers_the_filtered_view_and_says_which_is_which():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["start"] = "2014-06-01"
    at.query_params["end"] = "2014-06-30"
    at.switch_page("pages/5_Data.py")
    at.run()
    assert not at.exception
    (expander,) = [e for e in at.expander if "Download events" in e.label]
    assert "the filtered view (" in expander.label and "the shipped data (7,482)" in expander.label
    view_rows = [m.value for m in at.markdown if "The filtered view:" in m.value]
    assert view_rows and "2014-06-01" in view_rows[0] and "2014-06-30" in view_rows[0]


def test_a_link_repeating_a_single_valued_parameter_warns_and_ignores_it():
    """F12: `?start=…&start=…&zoom=3&zoom=9` names no view: both are ignored with the usual link
    warning (never the last value silently); the link's other values apply."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["start"] = ["2014-01-01", "2015-01-01"]
    at.query_params["end"] = "2023-06-30"
    at.query_params["zoom"] = ["3", "9"]
    at.run()
    assert not at.exception
    shown = [w.value for w in at.warning]
    assert any("start" in w and "given 2 times" in w for w in shown), shown
    assert any("zoom" in w and "given 2 times" in w for w in shown), shown
    start, end = at.slider(key="map.dates").value
    assert end.isoformat() == "2023-06-30" and start.isoformat() != "2015-01-01"
    assert at.query_params["start"] != ["2014-01-01", "2015-01-01"]


def test_adding_a_file_keeps_the_window_the_analyst_set():
    """F20c: adding events (here the Report page's, from January 2024) keeps the dates the analyst
    was looking at (June 2014) and their choices; without dates of their own, the pages start from
    the new data's default window. (The session's view is what every page's sidebar is seeded from;
    AppTest cannot run the page again after the addition reset the widgets' keys.)"""
    import datetime as dt

    from tests.app.test_report_page import PAGE, SEED

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["start"] = "2014-06-01"
    at.query_params["end"] = "2014-06-30"
    at.query_params["type"] = "One-sided violence"
    at.run()
    at.switch_page(PAGE).run()
    at.text_area(key="report.text").set_value(SEED).run()
    at.button(key="report.add").click().run()
    assert not at.exception and "Added 9 event(s)" in at.success[0].value
    view = at.session_state["conflictmap.view"]
    assert (view.start, view.end) == (dt.date(2014, 6, 1), dt.date(2014, 6, 30))
    assert view.event_types == ("One-sided violence",)

    fresh = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    fresh.run()
    fresh.switch_page(PAGE).run()
    fresh.text_area(key="report.text").set_value(SEED).run()
    fresh.button(key="report.add").click().run()
    assert "Added 9 event(s)" in fresh.success[0].value
    assert "conflictmap.view" not in fresh.session_state  # the next page takes the new data's default


def test_the_map_is_built_at_the_links_view_not_fitted_to_the_data():
    """F10: streamlit-folium's first reply after a mount reports the map as built; built fitted to
    the data, it overwrote the link's view. Built at the view, the reply is the view (the browser
    test follows a reload and Back)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"lat": "35.5", "lon": "43.2", "zoom": "9"})
    at.run()
    assert not at.exception
    script = map_component(at)["script"]
    assert "fitBounds" not in script and "[35.5, 43.2]" in script and '"zoom": 9' in script
    plain = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    plain.run()
    assert "fitBounds" in map_component(plain)["script"]
