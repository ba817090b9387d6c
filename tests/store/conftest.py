"""The store suite: one set of events from tests/fixtures and the shipped data, written once per
session to each engine, and the same questions asked of every store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.readers.importing import import_file
from conflictmap.schema import conform
from conflictmap.store.memory import MemoryStore
from tests.conftest import FIXTURES, ROOT
from tests.store.servers import postgres_bin, postgres_server

#: Values with SQL's quotes, statement ends and comment markers, put into the data and the filters.
HOSTILE = ("O'Brien'; DROP TABLE events; --", 'say "hi" /* x */', "a\\'b", "%_ */ ;--")


def _events() -> pd.DataFrame:
    """UCDP (coordinates), GDELT and ACLED fixtures, the team's table (some rows unplaced) and
    three events whose type, actors and province are hostile text."""
    parts = [
        import_file(ROOT / "data" / "ucdp_ged_iraq.csv").events,
        import_file(FIXTURES / "gdelt_20191024143000_lines1-200.export.CSV").events,
        import_file(FIXTURES / "acled_invented.csv").events,
        import_file(FIXTURES / "team_events.csv").events,
    ]
    hostile = conform(
        pd.DataFrame(
            {
                "event_id": [f"hostile:{n}" for n in range(len(HOSTILE))],
                "date_start": pd.to_datetime(["2016-03-01"] * len(HOSTILE)),
                "event_type": list(HOSTILE),
                "actor1": list(HOSTILE),
                "actor2": list(reversed(HOSTILE)),
                "admin1": list(HOSTILE),
                "latitude": [33.0 + n / 10 for n in range(len(HOSTILE))],
                "longitude": [44.0] * len(HOSTILE),
                "fatalities": [1] * len(HOSTILE),
                "dataset": ["hostile"] * len(HOSTILE),
            }
        )
    )
    events = conform(pd.concat([*parts, hostile], ignore_index=True))
    return events.sort_values("date_start", kind="stable").reset_index(drop=True)


@pytest.fixture(scope="session")
def store_events() -> pd.DataFrame:
    return _events()


@pytest.fixture(scope="session")
def memory_store(store_events: pd.DataFrame) -> MemoryStore:
    return MemoryStore(store_events)


@pytest.fixture(scope="session")
def duckdb_dir(store_events: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conflictmap.store.parquet import StoreWriter

    directory = tmp_path_factory.mktemp("duckdb-store") / "store"
    writer = StoreWriter(directory)
    for start in range(0, len(store_events), 3000):  # in chunks, as an import writes
        writer.append(store_events.iloc[start : start + 3000])
    writer.finish("tests")
    return directory


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server is not installed: scripts/install.sh --dev installs it")
        pytest.skip("PostgreSQL's server is not installed (scripts/install.sh --dev installs it)")
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_store_url(postgres_url: str, store_events: pd.DataFrame) -> str:
    import psycopg

    from conflictmap.store import postgres

    with psycopg.connect(postgres_url) as connection:
        postgres.write(connection, store_events)
    return postgres_url


@pytest.fixture(params=["duckdb", "postgres"])
def sql_store(request: pytest.FixtureRequest) -> object:
    """Each SQL engine's store over the same events."""
    from conflictmap.store.engines import open_store

    if request.param == "duckdb":
        return open_store(f"duckdb://{request.getfixturevalue('duckdb_dir')}")
    return open_store(request.getfixturevalue("postgres_store_url"))
