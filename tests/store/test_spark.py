"""The distributed path for real: Spark in local mode (PyPI's pyspark on Debian's Java) answers
through the same Ibis code as DuckDB, over the same Parquet store, with the same answers. One Spark
session serves every test here."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.filters import Filters
from conflictmap.store.engines import open_store
from conflictmap.store.memory import MemoryStore
from conflictmap.store.parquet import StoreWriter
from tests.store.conftest import HOSTILE

YEAR = Filters(dt.date(2016, 1, 1), dt.date(2016, 12, 31))


@pytest.fixture(scope="module")
def year_events(store_events: pd.DataFrame) -> pd.DataFrame:
    """One year of the suite's events (few files: Spark's cost is per file and per stage)."""
    chosen = store_events[store_events["date_start"].dt.year == 2016]
    return chosen.reset_index(drop=True)


@pytest.fixture(scope="module")
def spark_store(year_events: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("no Java: scripts/install.sh --dev installs default-jre-headless")
        pytest.skip("no Java (scripts/install.sh --dev installs default-jre-headless)")
    directory = tmp_path_factory.mktemp("spark-store") / "store"
    writer = StoreWriter(Path(directory))
    writer.append(year_events)
    writer.finish("tests")
    store = open_store(f"spark://local{directory}")
    yield store
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def test_spark_gives_the_memory_stores_answers(spark_store, year_events: pd.DataFrame) -> None:
    memory = MemoryStore(year_events)
    assert spark_store.engine == "pyspark"
    hostile = Filters(YEAR.start, YEAR.end, event_types=(HOSTILE[0], "x' OR '1'='1"), actors=(HOSTILE[0],))
    # every Spark question is a job (seconds each on a busy machine): a few, each checking much
    assert spark_store.figures(hostile) == memory.figures(hostile) and memory.figures(hostile).events == 1
    pd.testing.assert_frame_equal(
        spark_store.over_time(YEAR, "month"), memory.over_time(YEAR, "month"), check_dtype=False
    )
    cells, expected = spark_store.map_input(YEAR, limits=(10, 100)), memory.map_input(YEAR, limits=(10, 100))
    assert cells.cell_size == expected.cell_size
    pd.testing.assert_frame_equal(cells.cells, expected.cells, check_dtype=False)
    page, wanted = (
        spark_store.table_page(YEAR, "fatalities", True, 5, 20),
        memory.table_page(YEAR, "fatalities", True, 5, 20),
    )
    assert page.total == wanted.total and page.rows["event_id"].tolist() == wanted.rows["event_id"].tolist()
