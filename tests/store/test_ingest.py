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


@pytest.mark.parametrize("block", [1, 3, 7, 64, 1 << 20])
def test_chunks_are_whole_lines_whatever_the_block(block: int) -> None:
    import io

    from conflictmap.store.ingest import _chunks

    rows = [f'{n},"a ""quoted"" value"\n' if n % 3 else f'{n},"two\nlines"\n' for n in range(50)]
    text = ("id,text\n" + "".join(rows)).encode()
    chunks = list(_chunks(io.BytesIO(text), 4, block=block))
    assert b"".join(data for data, _, _ in chunks) == text
    assert [done for _, _, done in chunks][-1] == len(text)
    for data, lines, _ in chunks:
        assert data.count(b'"') % 2 == 0 and data.endswith(b"\n")  # never inside a quoted value
        assert lines == data.count(b"\n") >= 4


def test_one_file_per_month_an_id_once_and_no_staging_left(tmp_path: Path) -> None:
    from conflictmap.schema import conform
    from conflictmap.store.parquet import StoreWriter, files

    store = tmp_path / "store"
    events = conform(
        pd.DataFrame(
            {
                "event_id": ["a:1", "a:2", "a:3", "a:1"],
                "date_start": pd.to_datetime(["2024-01-09", "2024-01-02", "2024-02-01", "2024-01-09"]),
                "latitude": [33.3, 33.4, 33.5, 33.3],
                "longitude": [44.4, 44.4, 44.5, 44.4],
            }
        )
    )
    writer = StoreWriter(store)
    for start in range(4):  # four chunks, as an import appends them
        writer.append(events.iloc[start : start + 1])
    writer.finish("test")
    assert (writer.offered, writer.added) == (4, 3)
    assert [Path(p).parent.name for p in files(store)] == ["month=1", "month=2"]
    assert _stored(store)["event_id"].tolist() == ["a:1", "a:2", "a:3"]
    dates = duckdb_store(store).table_page(ALL).rows["date_start"].tolist()
    assert dates == sorted(dates)
    assert not list(store.glob(".staging-*"))
    abandoned = StoreWriter(store)
    abandoned.append(events)
    abandoned.close()
    assert not list(store.glob(".staging-*")) and len(files(store)) == 2


def test_a_failed_import_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import conflictmap.store.ingest as ingest

    store = tmp_path / "store"
    import_to_store(GDELT, store)
    before = manifest(store)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ingest, "import_file", broken)
    with pytest.raises(OSError):
        import_to_store(MIDEAST, store)
    assert manifest(store) == before and not list(store.glob(".staging-*"))
