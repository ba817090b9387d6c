"""The password gate slows repeated wrong guesses: after three, a guess made too early is refused
(even the right password) and the page says how long to wait; nothing of the data shows."""

from streamlit.testing.v1 import AppTest

from conflictmap.access import hash_password
from tests.conftest import ROOT


def _guess(at: AppTest, password: str) -> list[str]:
    at.text_input(key="access.password").input(password)
    at.button[0].click().run()
    return [e.value for e in at.error]


def test_wrong_guesses_are_slowed_and_nothing_shows():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets["access"] = {"password_hash": hash_password("open sesame")}
    at.run()
    for _ in range(4):
        assert any("not right" in error for error in _guess(at, "wrong"))
    errors = _guess(at, "open sesame")  # the right one, but too soon after the fourth wrong guess
    assert any("Too many wrong passwords. Try again in" in error for error in errors), errors
    assert not at.metric and not at.get("component_instance") and not at.dataframe


def test_the_right_password_opens_the_dashboard():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets["access"] = {"password_hash": hash_password("open sesame")}
    at.run()
    assert not _guess(at, "open sesame") and not at.exception
    assert at.metric, "the dashboard's figures show once let in"
