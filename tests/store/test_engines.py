"""CONFLICTMAP_STORE names the store: its forms, and a clear message for one that cannot be used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conflictmap.errors import ConflictmapError
from conflictmap.filters import Filters
from conflictmap.settings import store_url
from conflictmap.store import StoreError
from conflictmap.store.engines import describe, open_store


def test_the_setting() -> None:
    assert store_url({}) is None and store_url({"CONFLICTMAP_STORE": "  "}) is None
    assert store_url({"CONFLICTMAP_STORE": "duckdb:///srv/events/"}) == "duckdb:///srv/events/"


def test_a_password_is_never_shown() -> None:
    assert describe("postgresql://ana:s3cret@db:5432/events") == "postgresql://ana:***@db:5432/events"


def test_unknown_and_unreachable_stores(tmp_path: Path) -> None:
    with pytest.raises(ConflictmapError, match="not a store"):
        open_store("mysql://db/events")
    missing = open_store(f"duckdb://{tmp_path}/nowhere")
    with pytest.raises(StoreError, match="cannot be reached"):
        missing.version()
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="holds no events yet"):
        open_store(f"duckdb://{tmp_path}/empty").count(Filters(dt.date(2020, 1, 1), dt.date(2020, 1, 2)))
    with pytest.raises(StoreError, match="cannot be reached"):
        open_store(f"postgresql://nobody@/events?host={tmp_path}&port=1").version()
