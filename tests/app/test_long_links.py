"""A link with 998 repeated values opens the page with a handful of warnings, not a thousand
(AppTest passes at most 1,000 query parameters; tests/unit/test_sharelink.py reads 10,000)."""

from streamlit.testing.v1 import AppTest

from conflictmap.sharelink import MAX_WARNINGS
from tests.conftest import ROOT


def test_a_flood_of_link_values_gives_a_few_warnings_and_the_map():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["type"] = [f"junk {n}" for n in range(998)]
    at.query_params["start"] = "2014-06-01"
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert 2 <= len(warnings) <= MAX_WARNINGS + 2, len(warnings)
    assert at.get("component_instance"), "the map is drawn"
