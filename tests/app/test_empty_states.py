"""With no data loaded (CONFLICTMAP_DATA_DIR names an empty folder) the Places and About pages say
plainly that there is none, where the app looked, and point to the Data page; they do not claim
that every place was located, nor that "0 events" were loaded "from ." (hostile pass)."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page, shown


@pytest.fixture
def empty_folder(tmp_path, monkeypatch):
    folder = tmp_path / "empty data"
    folder.mkdir()
    monkeypatch.setenv("CONFLICTMAP_DATA_DIR", str(folder))
    return folder


def _said(at) -> str:
    return shown(" ".join(element.value for kind in (at.info, at.success, at.caption) for element in kind))


def _links(at) -> list[tuple[str, str]]:
    return [(link.proto.label, link.proto.page) for link in at.get("page_link")]


@pytest.mark.parametrize("path", ["pages/3_Places.py", "pages/4_About.py"])
def test_no_data_is_said_with_the_folder_and_the_data_page(empty_folder, path):
    at = open_page(path)
    at.run()
    assert not at.exception
    said = _said(at)
    assert "No data is loaded" in said and str(empty_folder) in said and "CONFLICTMAP_DATA_DIR" in said
    assert "The Data page says why" in said
    assert any((label, page) == ("Open the Data page", "Data") for label, page in _links(at))
    assert "Every place name in the data was located" not in said
    assert "Loaded 0 events" not in said and "from ." not in said


def test_with_data_the_pages_say_what_was_loaded():
    at = open_page("pages/4_About.py")
    at.run()
    assert not at.exception and "No data is loaded" not in _said(at)
    assert "Loaded " in _said(at) and "rows read" in _said(at)
    at = open_page("pages/3_Places.py")
    at.run()
    assert not at.exception and "No data is loaded" not in _said(at)
