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
