"""Files into a Parquet store in chunks: the same events and rejected rows as reading the file
whole, each event once however often a file is imported, a folder of GDELT files ingested."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.cli import main
from conflictmap.filters import Filters
from conflictmap.readers.importing import import_file
from conflictmap.store.engines import duckdb_store
from conflictmap.store.ingest import import_to_store, ingest_folder
from conflictmap.store.parquet import manifest
from tests.conftest import FIXTURES

GDELT = FIXTURES / "gdelt_20191024143000_lines1-200.export.CSV"
MIDEAST = FIXTURES / "gdelt_20191024143000_mideast_lines1-151.tsv"
TEAM = FIXTURES / "team_events.csv"
ALL = Filters(pd.Timestamp("1900-01-01").date(), pd.Timestamp("2100-01-01").date())


def _stored(directory: Path) -> pd.DataFrame:
    exported = pd.concat(list(duckdb_store(directory).export(ALL)), ignore_index=True)
    return exported.sort_values("event_id", ignore_index=True)


@pytest.mark.parametrize("path", [GDELT, TEAM, FIXTURES / "acled_invented.csv"], ids=["gdelt", "team", "acled"])
def test_chunks_give_what_the_whole_file_gives(path: Path, tmp_path: Path) -> None:
    whole = import_file(path)
    report = import_to_store(path, tmp_path / "store", chunk_lines=60)
    assert (report["read"], report["accepted"], report["rejected"]) == (
        whole.report["read"],
        whole.report["accepted"],
        whole.report["rejected"],
    )
    assert report["reasons"] == whole.report["reasons"]
    expected = whole.events.sort_values("event_id", ignore_index=True)
    pd.testing.assert_frame_equal(_stored(tmp_path / "store"), expected, check_dtype=False)
    rejected = pd.read_csv(report["rejected_output"], dtype=str) if whole.report["rejected"] else None
    if rejected is not None:
        assert rejected["line"].astype(int).tolist() == whole.rejected["line"].astype(int).tolist()


def test_the_same_file_twice_does_not_double_its_events(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = import_to_store(GDELT, store, chunk_lines=80)
    version = duckdb_store(store).version()
    again = import_to_store(GDELT, store, chunk_lines=120)
    assert first["added"] == first["accepted"] > 0 and first["held"] == 0
    assert again["added"] == 0 and again["held"] == first["accepted"]
    assert duckdb_store(store).count(ALL) == first["accepted"] == manifest(store)["events"]
    assert duckdb_store(store).version() == version  # nothing added: caches stay valid
    import_to_store(MIDEAST, store)
    assert duckdb_store(store).version() != version


def test_a_folder_of_gdelt_files(tmp_path: Path) -> None:
    folder = tmp_path / "gdelt"
    folder.mkdir()
    shutil.copy(GDELT, folder / GDELT.name)
    shutil.copy(MIDEAST, folder / MIDEAST.name)
    (folder / "broken.CSV").write_bytes(b"")
    store = tmp_path / "store"
    report = ingest_folder(folder, store)
    assert report["files"] == 2 and len(report["problems"]) == 1 and "empty" in report["problems"][0]
    assert report["added"] == duckdb_store(store).count(ALL) > 0
    again = ingest_folder(folder, store)
    assert again["skipped_unchanged"] == 2 and again["added"] == 0


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["import", str(GDELT), "-o", f"{store}/"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["added"] == report["accepted"] and "100%" in err  # the progress bar, on stderr
    assert Path(report["rejected_output"]).is_file()
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(MIDEAST, folder / MIDEAST.name)
    assert main(["ingest", str(folder), "-o", str(store)]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == 1
    assert main(["import", str(tmp_path / "missing.csv"), "-o", f"{store}/"]) == 1
    assert "missing.csv" in capsys.readouterr().err
