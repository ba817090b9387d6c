"""AppTest helpers: run pages in-process, read the map component's arguments."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = [
    "dashboard.py",
    "pages/1_Timeline.py",
    "pages/2_Events.py",
    "pages/3_Places.py",
    "pages/4_About.py",
    "pages/5_Data.py",
]


@pytest.fixture
def app():
    """A fresh app session on the Map page (not yet run)."""
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)


def map_component(at: AppTest) -> dict:
    """The st_folium component's JSON arguments (script, feature_group, js_links, css_links, ...)."""
    found = [el for el in at.get("component_instance")]
    assert len(found) == 1, f"expected one map component, found {len(found)}"
    return json.loads(found[0].proto.json_args)


def marker_data(args: dict) -> list[list]:
    """The marker rows fed to the events layer (see conflictmap.maps.basemap.marker_rows)."""
    match = re.search(r"var rows = (\[.*?\]);\n", args["feature_group"], re.S)
    assert match, "no marker data in the feature group"
    return json.loads(match.group(1))


def shown(markdown: str) -> str:
    """Markdown source as the page shows it: backslash escapes removed ("a\\_b" -> "a_b")."""
    return re.sub(r"\\(.)", r"\1", markdown)
