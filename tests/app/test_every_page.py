"""Every page is guarded by construction: the files on disk are the pages listed in
`conflictmap.app.pages.PAGES`, each page's first call is `page.setup("<its title>")` (which sets up
the access gate), and behind a password every page, found on disk rather than in the list, shows
the password form and nothing of the data."""

from __future__ import annotations

import ast
import hashlib

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.access import hash_password
from conflictmap.app.pages import PAGES, page_titled
from conflictmap.datasets import shipped
from tests.app.conftest import ENTRY, open_page
from tests.conftest import ROOT

#: The pages as files on disk (not from PAGES, so a page left out of the list is still tested).
ON_DISK = sorted([ENTRY, *(path.relative_to(ROOT).as_posix() for path in (ROOT / "pages").glob("*.py"))])
PASSWORD = "open sesame"
SECRETS = {
    "salted scrypt": {"password_hash": hash_password(PASSWORD)},
    "legacy SHA-256": {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()},
}
#: All a page may draw before the password is given: its title and the password form.
GATE_ELEMENTS = {"title", "form", "text_input", "button"}


def test_the_files_on_disk_are_the_listed_pages():
    assert set(ON_DISK) == {page.path for page in PAGES}, "a page file must be listed in conflictmap.app.pages.PAGES"
    assert PAGES[0].path == ENTRY and PAGES[0].url == "/"
    assert all(page.file.is_file() for page in PAGES)


def test_an_unlisted_title_is_refused():
    assert page_titled("Places").path == "pages/3_Places.py"
    with pytest.raises(LookupError, match="Secret"):
        page_titled("Secret")


def _first_call(path: str) -> ast.Call | None:
    """The first call in the page's source, after its docstring and imports."""
    for statement in ast.parse((ROOT / path).read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        calls = sorted(
            (node for node in ast.walk(statement) if isinstance(node, ast.Call)),
            key=lambda node: (node.lineno, node.col_offset),
        )
        if calls:
            return calls[0]
    return None


@pytest.mark.parametrize("path", ON_DISK)
def test_each_page_first_sets_itself_up_by_its_listed_title(path):
    call = _first_call(path)
    listed = {page.path: page.title for page in PAGES}
    assert call is not None, f"{path} calls nothing"
    assert ast.unparse(call) == f"page.setup({listed.get(path, '<not listed>')!r})", ast.unparse(call)
    imported = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    assert any(
        isinstance(node, ast.ImportFrom) and node.module == "conflictmap.app" and "page" in {a.name for a in node.names}
        for node in imported.body
    ), f"{path}: `page` is not conflictmap.app.page"


def _elements(node) -> list:
    """Every element and block under `node` (AppTest's tree), depth first."""
    found = []
    for child in getattr(node, "children", {}).values():
        found.append(child)
        found.extend(_elements(child))
    return found


def _texts(at: AppTest) -> list[str]:
    texts = []
    for element in _elements(at._tree):
        for name in ("value", "label", "body", "placeholder", "help"):
            value = getattr(element, name, None)
            if isinstance(value, str) and value:
                texts.append(value)
    return texts


@pytest.fixture(scope="module")
def event_words() -> set[str]:
    """Text only the data holds: event ids, actors and place names (longer than 3 characters),
    read from the shipped files (not geocoded: the gate must not depend on the geocoder)."""
    events = pd.concat([item.read().events for item in shipped(ROOT / "data")])
    words = set(events["event_id"]) | set(events["actor1"].dropna()) | set(events["place"].dropna())
    return {word for word in words if len(word) > 3}


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
@pytest.mark.parametrize("path", ON_DISK)
def test_behind_a_password_every_page_shows_the_form_and_no_data(path, secret, event_words):
    at = open_page(path)
    at.secrets["access"] = secret
    at.query_params["start"] = "2014-06-01"  # a shared link's view is not shown either
    at.query_params["event"] = "ucdp:114064"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    password = at.text_input(key="access.password")
    assert password.form_id == "access.form" and password.label == "Password"
    assert password.proto.type == password.proto.PASSWORD
    assert [title.value for title in at.title] == ["conflictmap"]
    drawn = {element.type for element in _elements(at._tree)} - {"main", "sidebar", "event"}
    assert drawn == GATE_ELEMENTS, drawn
    assert not at.dataframe and not at.get("component_instance") and not at.metric and not at.slider
    charts = ("arrow_vega_lite_chart", "vega_lite_chart", "plotly_chart", "deck_gl_json_chart", "arrow_data_frame")
    assert not any(at.get(kind) for kind in charts)
    text = " ".join(_texts(at))
    assert not [word for word in event_words if word in text], text
    assert "event" not in text.casefold(), text
