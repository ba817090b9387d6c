"""The README documents what users can type, in the manner of sqlite-utils' tests/test_docs.py:
every command-line command and option, every share-link parameter, every CONFLICTMAP_* setting
the code or the scripts read, and every benchmark. Found from the code, so a new one that is not
documented fails here."""

from __future__ import annotations

import argparse
import re

import pytest

from conflictmap.cli import benchmark_names, build_parser
from conflictmap.sharelink import FILTER_PARAMETERS, MAP_PARAMETERS, STREAMLIT_PARAMETERS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(sub.choices)


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_is_documented(command):
    assert f"python -m conflictmap {command}" in README


@pytest.mark.parametrize(
    ("command", "options"),
    sorted(
        (name, tuple(action.option_strings))
        for name, parser in _commands().items()
        for action in parser._actions
        if action.option_strings and "--help" not in action.option_strings
    ),
)
def test_every_option_is_documented(command, options):
    (row,) = [line for line in README.splitlines() if f"`python -m conflictmap {command}" in line]
    assert any(re.search(rf"{re.escape(option)}\b", row) for option in options), (
        f"{command} {'/'.join(options)} is not in the README's command table"
    )


@pytest.mark.parametrize("parameter", [*FILTER_PARAMETERS, *MAP_PARAMETERS, *STREAMLIT_PARAMETERS])
def test_every_share_link_parameter_is_documented(parameter):
    assert re.search(rf"^\|[^|\n]*`{parameter}`", README, re.M), f"no row for `{parameter}` in the share-link table"


def _settings() -> set[str]:
    names = set()
    for path in [*ROOT.joinpath("conflictmap").rglob("*.py"), *ROOT.joinpath("scripts").glob("*")]:
        names |= set(re.findall(r"\bCONFLICTMAP_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    return names


def test_settings_are_found():
    assert {"CONFLICTMAP_DATA_DIR", "CONFLICTMAP_CACHE_DIR", "CONFLICTMAP_ADDRESS"} <= _settings()


@pytest.mark.parametrize("setting", sorted(_settings()))
def test_every_setting_is_documented(setting):
    assert re.search(rf"^\| `{setting}`", README, re.M), f"no row for `{setting}` in the configuration table"


def test_benchmarks_are_found():
    assert {"browser", "geocode", "playback"} <= set(benchmark_names())


@pytest.mark.parametrize("benchmark", benchmark_names())
def test_every_benchmark_is_documented(benchmark):
    assert f"python -m conflictmap bench {benchmark}" in README
