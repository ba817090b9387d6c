"""Every table the app offers for download is written by conflictmap.exporting, which neutralises
spreadsheet formulas (a cell or header like `=cmd|' /C calc'!A0` from a hostile file): a page or a
widget that calls pandas' own `to_csv` would let them through (found in the hostile pass)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted(
    [ROOT / "dashboard.py", *ROOT.joinpath("pages").glob("*.py"), *ROOT.joinpath("conflictmap/app").rglob("*.py")]
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_downloads_go_through_exporting(script):
    text = script.read_text(encoding="utf-8")
    assert not re.search(r"\.to_csv\(", text), f"{script.name} writes CSV itself: use conflictmap.exporting"
