"""`python -m conflictmap.app.serve` takes `streamlit run`'s options, typed as Streamlit declares them,
and refuses anything else with a one-line message."""

from __future__ import annotations

import pytest

from conflictmap.app.serve import config_from_args
from conflictmap.errors import ConflictmapError


def test_options_are_typed_as_streamlit_declares_them():
    options = config_from_args(
        ["--server.port", "8600", "--server.headless=true", "--server.baseUrlPath=/conflictmap",
         "--secrets.files", "/a.toml", "--secrets.files=/b.toml"]
    )  # fmt: skip
    assert options == {
        "server.port": 8600,
        "server.headless": True,
        "server.baseUrlPath": "/conflictmap",
        "secrets.files": ["/a.toml", "/b.toml"],
    }


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["dashboard.py"], "unexpected argument"),
        (["--server.port"], "needs a value"),
        (["--server.nonsense", "1"], "not a Streamlit option"),
        (["--server.port", "eighty"], "takes a number"),
        (["--server.headless", "maybe"], "true or false"),
    ],
)
def test_bad_options_are_refused_with_a_message(argv, says):
    with pytest.raises(ConflictmapError, match=says):
        config_from_args(argv)


def test_the_server_keeps_to_a_few_malloc_arenas(monkeypatch):
    from conflictmap.app.serve import limit_malloc_arenas

    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is True  # glibc on Linux, as here and in the container
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False  # the operator's own setting wins
