"""AppTest helpers: run pages in-process, read the map component's arguments."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.app.pages import PAGES
from tests.conftest import ROOT

ENTRY = "dashboard.py"  # the Map page, the app's entry file: every AppTest session starts there
#: Every page's file, as `AppTest.switch_page` takes it, from the one list of pages.
PAGE_PATHS = [page.path for page in PAGES]


def open_page(path: str, timeout: float = 120) -> AppTest:
    """A fresh app session on the page in `path` (not yet run)."""
    at = AppTest.from_file(str(ROOT / ENTRY), default_timeout=timeout)
    if path != ENTRY:
        at.switch_page(path)
    return at


@pytest.fixture
def app():
    """A fresh app session on the Map page (not yet run)."""
    return open_page(ENTRY)


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
