"""The Map page over an event store (CONFLICTMAP_STORE): a DuckDB store built from tests/fixtures,
the same figures as the memory store, a store that disappears mid-session shown as stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.filters import Filters
from conflictmap.readers.importing import import_file
from conflictmap.store.ingest import import_to_store
from conflictmap.store.memory import MemoryStore
from tests.app.conftest import map_component, open_page
from tests.conftest import FIXTURES

FILES = ("gdelt_20191024143000_lines1-200.export.CSV", "acled_invented.csv", "team_events.csv")


@pytest.fixture
def duckdb_store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "store"
    for name in FILES:
        import_to_store(FIXTURES / name, directory)
    monkeypatch.setenv("CONFLICTMAP_STORE", f"duckdb://{directory}")
    return directory


def test_the_map_page_asks_the_store(duckdb_store_dir: Path) -> None:
    at = open_page("dashboard.py").run()
    assert not at.exception, at.exception
    metrics = {metric.label: metric.value for metric in at.metric}
    events = [
        import_file(FIXTURES / name).events
        for name in ("gdelt_20191024143000_lines1-200.export.CSV", "acled_invented.csv", "team_events.csv")
    ]

    memory = MemoryStore(pd.concat(events, ignore_index=True))
    first, last = at.sidebar.slider[0].value
    expected = memory.figures(Filters(first, last))
    assert metrics["Events"] == f"{expected.events:,}" and metrics["Places"] == f"{expected.places:,}"
    args = map_component(at)
    assert "EventMarkers" in args["feature_group"] or "cm-event" in args["feature_group"]
    # the store disappears: the page says so and keeps the last answer
    shutil.move(duckdb_store_dir, duckdb_store_dir.with_name("moved"))
    at.sidebar.slider[0].set_value((first, last)).run()
    assert not at.exception, at.exception
    assert any("cannot be reached" in warning.value for warning in at.warning)
    assert {metric.label: metric.value for metric in at.metric}["Events"] == f"{expected.events:,}"


@pytest.mark.parametrize("path", ["pages/1_Timeline.py", "pages/2_Events.py"])
def test_timeline_and_events_ask_the_store(duckdb_store_dir: Path, path: str) -> None:
    at = open_page(path).run()
    assert not at.exception, at.exception
    memory = MemoryStore(pd.concat([import_file(FIXTURES / name).events for name in FILES], ignore_index=True))
    first, last = at.sidebar.slider[0].value
    expected = memory.figures(Filters(first, last))
    if path.endswith("Timeline.py"):
        assert any(f"{expected.events:,} events" in caption.value for caption in at.caption)
    else:
        assert any(f"of {expected.events:,} events" in caption.value for caption in at.caption)
