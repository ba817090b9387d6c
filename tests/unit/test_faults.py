"""Faults in the files the app keeps and reads: the geocoding cache and the gazetteer index damaged,
from another version, planted, unwritable or on a full disk; the overrides file saved atomically
and concurrent saves refused when stale; the data folder missing, empty or hostile. Each is rebuilt,
bypassed or said with a message, never a crash. A read-only folder and a full disk are simulated
(a monkeypatched write raising the OSError the system would), so the tests mean the same as root."""

from __future__ import annotations

import csv
import errno
import os
import pickle
import threading
from pathlib import Path

import pandas as pd
import pytest

from conflictmap.datasets import Loaded, load_events, problem_summary, problem_table, read_events, shipped
from conflictmap.geocode import gazetteer as gazetteer_module
from conflictmap.geocode import storage
from conflictmap.geocode.cache import CachedGeocoder
from conflictmap.geocode.compose import base_geocoder
from conflictmap.geocode.gazetteer import fingerprint, load_gazetteer
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.overrides import (
    OverridesError,
    StaleOverrides,
    load_overrides,
    read_overrides,
    save_overrides,
)
from conflictmap.geocode.records import TEXT_COLUMNS
from tests.conftest import ROOT

NAMES = ("Ramadi", "Tikrit", "Qqqzzzx")


@pytest.fixture(autouse=True)
def fresh_notices():
    storage.clear_notices()
    yield
    storage.clear_notices()


def _no_temporary_files(directory: Path) -> bool:
    return not [path for path in directory.iterdir() if path.name.endswith(".tmp")]


class _FailingFile:
    """A file opened for writing that raises OSError(code) once `after` bytes went in."""

    def __init__(self, handle, code: int, after: int) -> None:
        self.handle, self.code, self.after, self.written = handle, code, after, 0

    def write(self, data) -> int:
        if self.written + len(data) > self.after:
            self.handle.write(data[: max(0, self.after - self.written)])
            raise OSError(self.code, os.strerror(self.code))
        self.written += len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()


def _fail_writes(monkeypatch, code: int, after: int = 0) -> None:
    """Every file opened for writing raises OSError(code): at once (`after` 0, a read-only folder)
    or once `after` bytes went in (a disk that fills part-way)."""
    real_open = Path.open

    def opening(self, mode="r", *args, **kwargs):
        if "w" not in mode:
            return real_open(self, mode, *args, **kwargs)
        if not after:
            raise OSError(code, os.strerror(code), str(self))
        return _FailingFile(real_open(self, mode, *args, **kwargs), code, after)

    monkeypatch.setattr(Path, "open", opening)


# --- the geocoding cache (answers, JSON) ----------------------------------------------------------------


def _answers(cached: CachedGeocoder) -> list:
    return [cached.resolve(name, country="IQ") for name in NAMES]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: os.urandom(4000), id="garbage"),
        pytest.param(lambda text: text.replace(b'"version": 1', b'"version": 99'), id="another-version"),
        pytest.param(lambda text: pickle.dumps({("Ramadi", "IQ", None, None): "x"}), id="a-pickle"),
        pytest.param(lambda text: text.replace(b'"answers": [[', b'"answers": [[1], [', 1), id="wrong-shape"),
    ],
)
def test_a_damaged_geocoding_cache_is_rebuilt_with_a_notice(tmp_path, geocoder, damage):
    first = CachedGeocoder(geocoder, tmp_path)
    expected = _answers(first)
    first.save()
    first.path.write_bytes(damage(first.path.read_bytes()))

    second = CachedGeocoder(geocoder, tmp_path)  # no exception
    assert second.answers == {} and _answers(second) == expected and second.misses == len(NAMES)
    (said,) = storage.notices()
    assert "geocoding cache" in said and "damaged" in said and "rebuilt" in said
    second.save()
    third = CachedGeocoder(geocoder, tmp_path)
    assert _answers(third) == expected and third.misses == 0, "the rebuilt cache answers again"


def test_the_cache_is_json_and_never_unpickled(tmp_path, geocoder):
    """A pickle in the cache folder could run code when loaded: answers are kept as JSON, and the
    pickles of earlier versions are removed, never read."""
    planted = tmp_path / "geocode-0000000000000000.pickle"
    planted.write_bytes(b"cos\nsystem\n(S'touch " + str(tmp_path / "ran").encode() + b"'\ntR.")
    cached = CachedGeocoder(geocoder, tmp_path)
    _answers(cached)
    cached.save()
    assert cached.path.suffix == ".json" and cached.path.read_bytes().startswith(b'{"format"')
    assert not planted.exists() and not (tmp_path / "ran").exists()


@pytest.mark.parametrize(("code", "after", "words"), [(errno.EACCES, 0, "read-only"), (errno.ENOSPC, 100, "full")])
def test_an_unwritable_geocoding_cache_is_bypassed_with_a_notice(tmp_path, geocoder, monkeypatch, code, after, words):
    before = CachedGeocoder(geocoder, tmp_path)
    expected = _answers(before)
    before.save()
    kept = before.path.read_bytes()

    again = CachedGeocoder(geocoder, tmp_path)
    again.resolve("Baghdad", country="IQ")
    _fail_writes(monkeypatch, code, after)
    again.save()  # no exception
    monkeypatch.undo()
    (said,) = storage.notices()
    assert "could not be saved" in said and words in said
    assert before.path.read_bytes() == kept, "the old cache is left whole" and _no_temporary_files(tmp_path)
    assert _answers(CachedGeocoder(geocoder, tmp_path)) == expected


def test_a_notice_is_said_once_and_logged(caplog):
    for _ in range(3):
        storage.notice("The geocoding cache could not be saved")
    assert storage.notices() == ("The geocoding cache could not be saved",)
    assert [record.getMessage() for record in caplog.records].count(
        "conflictmap: The geocoding cache could not be saved"
    ) == 1


def test_temporary_files_of_a_killed_writer_are_removed(tmp_path):
    abandoned, fresh = tmp_path / ".geocode-x.json.1.2.tmp", tmp_path / ".geocode-y.json.3.4.tmp"
    abandoned.write_bytes(b"half")
    fresh.write_bytes(b"being written now")
    old = abandoned.stat().st_mtime - storage.ABANDONED_AFTER - 1
    os.utime(abandoned, (old, old))
    storage.remove_abandoned(tmp_path)
    assert not abandoned.exists() and fresh.exists()


# --- the gazetteer index ------------------------------------------------------------------------------


def _tiny_gazetteer() -> Gazetteer:
    entries: dict[str, list] = {column: ["x"] for column in TEXT_COLUMNS}
    entries.update(name=["Tinytown"], kind=["locality"], country=["IQ"], latitude=[33.0], longitude=[44.0])
    entries["population"] = [10]
    tiny = Gazetteer(entries, [["Tinytown"]], {}, {})
    tiny.version = fingerprint()
    return tiny


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Index builds made by `load_gazetteer` (a tiny index instead of the 30-second real one)."""
    made: list[int] = []

    def build(*args, **kwargs):
        made.append(1)
        return _tiny_gazetteer()

    monkeypatch.setattr(gazetteer_module, "build_gazetteer", build)
    return made


def _index_file(directory: Path) -> Path:
    return directory / f"gazetteer-{fingerprint()}.pickle"


def _loaded_fresh(directory: Path) -> Gazetteer:
    gazetteer_module._LOADED.pop(str(_index_file(directory)), None)  # as a new process would
    return load_gazetteer(directory)


def _planted(command_target: Path) -> bytes:
    """A pickle that would create `command_target` if it were unpickled without restriction."""

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {command_target}",))

    return pickle.dumps(Payload())


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text, _: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text, _: text[:60] + os.urandom(3000), id="garbage-after-the-header"),
        pytest.param(lambda text, _: os.urandom(3000), id="garbage"),
        pytest.param(lambda text, _: b"", id="empty"),
        pytest.param(lambda text, _: text.split(b"\n", 1)[1], id="older-format-without-header"),
        pytest.param(lambda text, _: text.replace(fingerprint().encode(), b"0" * 16, 1), id="another-version"),
        pytest.param(lambda text, _: text.split(b"\n", 1)[0] + b"\n" + pickle.dumps({"an": 1}), id="not-an-index"),
        pytest.param(lambda text, ran: text.split(b"\n", 1)[0] + b"\n" + _planted(ran), id="planted-code"),
    ],
)
def test_a_damaged_or_planted_index_is_rebuilt_and_never_runs_code(tmp_path, builds, damage):
    ran = tmp_path / "code-ran"
    assert len(_loaded_fresh(tmp_path)) == 1 and builds == [1]
    index = _index_file(tmp_path)
    assert _loaded_fresh(tmp_path).text["name"] == ["Tinytown"] and builds == [1], "read from disk"
    index.write_bytes(damage(index.read_bytes(), ran))

    rebuilt = _loaded_fresh(tmp_path)  # no exception
    assert rebuilt.text["name"] == ["Tinytown"] and builds == [1, 1] and not ran.exists()
    (said,) = storage.notices()
    assert "gazetteer index" in said and "built again" in said
    assert _loaded_fresh(tmp_path) is not None and builds == [1, 1], "the rebuilt index is on disk again"


@pytest.mark.parametrize(("code", "after", "words"), [(errno.EROFS, 0, "read-only"), (errno.ENOSPC, 100, "full")])
def test_an_index_that_cannot_be_saved_is_used_and_said(tmp_path, builds, monkeypatch, code, after, words):
    _fail_writes(monkeypatch, code, after)
    gazetteer = _loaded_fresh(tmp_path)
    monkeypatch.undo()
    assert gazetteer.text["name"] == ["Tinytown"]
    (said,) = storage.notices()
    assert "could not be saved" in said and words in said and "builds it again" in said
    assert list(tmp_path.iterdir()) == [], "no partial index, no temporary file"


def test_the_real_index_loads_through_the_restricted_unpickler(session_cache):
    """The allow-list of what an index may hold covers the index as built (a new class in the index
    would fail here rather than make every server start rebuild it)."""
    index = _index_file(session_cache)
    load_gazetteer()  # built or seeded by now
    with index.open("rb") as handle:
        assert handle.readline() == gazetteer_module.INDEX_HEADER + fingerprint().encode() + b"\n"
        loaded = gazetteer_module._IndexUnpickler(handle).load()
    assert isinstance(loaded, Gazetteer) and len(loaded) > 100_000


# --- the overrides file -------------------------------------------------------------------------------


def _table(*places: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"place": p, "country": "IQ", "latitude": "33.1", "longitude": "44.2", "precision": "", "note": ""}
         for p in places]
    )  # fmt: skip


def test_a_stale_save_is_refused_and_the_other_save_kept(tmp_path):
    path = tmp_path / "overrides.csv"
    save_overrides(_table("Ramadi"), path)
    mine, theirs = load_overrides(path), load_overrides(path)
    save_overrides(_table("Ramadi", "Hit"), path, expected=theirs.version)
    with pytest.raises(StaleOverrides, match=r"saved by someone else.*Reload"):
        save_overrides(_table("Ramadi", "Haditha"), path, expected=mine.version)
    assert read_overrides(path)["place"].tolist() == ["Ramadi", "Hit"], "their save is kept"
    reloaded = load_overrides(path)
    save_overrides(_table("Ramadi", "Hit", "Haditha"), path, expected=reloaded.version)
    assert read_overrides(path)["place"].tolist() == ["Ramadi", "Hit", "Haditha"]


def test_concurrent_saves_one_wins_the_others_are_refused(tmp_path):
    path = tmp_path / "overrides.csv"
    save_overrides(_table("Ramadi"), path)
    opened = load_overrides(path).version
    start, outcomes = threading.Barrier(8), []

    def session(number: int) -> None:
        start.wait()
        try:
            save_overrides(_table("Ramadi", f"Place {number}"), path, expected=opened)
            outcomes.append(number)
        except StaleOverrides:
            outcomes.append(-1)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winners = [n for n in outcomes if n >= 0]
    assert len(outcomes) == 8 and len(winners) == 1
    assert read_overrides(path)["place"].tolist() == ["Ramadi", f"Place {winners[0]}"]


@pytest.mark.parametrize(("code", "after", "words"), [(errno.EACCES, 0, "read-only"), (errno.ENOSPC, 10, "full")])
def test_a_failed_save_leaves_the_file_whole(tmp_path, monkeypatch, code, after, words):
    path = tmp_path / "overrides.csv"
    save_overrides(_table("Ramadi", "Hit"), path)
    kept = path.read_bytes()
    version = load_overrides(path).version
    _fail_writes(monkeypatch, code, after)
    with pytest.raises(OverridesError, match=words):
        save_overrides(_table("Ramadi", "Hit", "Haditha"), path, expected=version)
    monkeypatch.undo()
    assert path.read_bytes() == kept and _no_temporary_files(tmp_path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe\x00garbage\x81", "not UTF-8"),
        (b'place,latitude,longitude\n"Ramadi,33,44\n', "not a readable CSV"),
        (b"name,lat\nRamadi,33\n", "has no column place, latitude, longitude"),
        (b"place,country,latitude,longitude\nRamadi,IQ,33,44,extra,fields,here\n", "line 2 has 7 fields"),
        (b"place,place,latitude,longitude\nRamadi,Hit,33,44\n", "names the column place more than once"),
    ],
)
def test_a_malformed_overrides_file_is_said_and_the_geocoder_works_without_it(tmp_path, geocoder, content, words):
    path = tmp_path / "overrides.csv"
    path.write_bytes(content)
    found = load_overrides(path)
    assert found.problem and words in found.problem and found.table.empty
    working = base_geocoder(path, gazetteer=geocoder.gazetteer)  # no exception
    assert working.overrides == {} and working.resolve("Ramadi", country="IQ").resolved
    (said,) = storage.notices()
    assert "overrides are not used" in said and words in said


def test_an_unreadable_overrides_file_is_said(tmp_path, monkeypatch):
    path = tmp_path / "overrides.csv"
    save_overrides(_table("Ramadi"), path)

    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    found = load_overrides(path)
    assert found.problem == "overrides.csv could not be read (permission denied: a read-only folder or file)"
    assert found.table.empty


def test_a_file_damaged_after_it_was_opened_makes_the_save_stale(tmp_path):
    path = tmp_path / "overrides.csv"
    save_overrides(_table("Ramadi"), path)
    opened = load_overrides(path)
    path.write_bytes(b"\x00\x01 broken by hand")
    with pytest.raises(StaleOverrides):
        save_overrides(_table("Ramadi", "Hit"), path, expected=opened.version)
    assert path.read_bytes() == b"\x00\x01 broken by hand"


# --- the data folder ----------------------------------------------------------------------------------

REPORT = (ROOT / "data" / "report_events.csv").read_bytes()
HOSTILE = {
    "garbage": os.urandom(20_000),
    "zero-bytes": b"",
    "header-only": REPORT.split(b"\n", 1)[0] + b"\n",
    "huge-line": b"a" * 2_000_000,
    "nul-in-text": REPORT.replace(b",", b"\x00,", 3),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_file_in_the_data_folder_is_reported_and_the_other_loads(tmp_path, geocoder, kind):
    (tmp_path / "ucdp_ged_iraq.csv").write_bytes(HOSTILE[kind])
    (tmp_path / "report_events.csv").write_bytes(REPORT)
    loaded = load_events(shipped(tmp_path), geocoder)  # no exception
    assert len(loaded.events) == 9 and loaded.read == {"report_events.csv": 9}
    table = problem_table(loaded)
    assert table["file"].tolist() == ["ucdp_ged_iraq.csv"] and table["problem"].str.len().min() > 5
    assert problem_summary(loaded) and "other data sets are loaded (report_events.csv)" in problem_summary(loaded)


@pytest.mark.parametrize("kind", ["missing", "empty", "only-hostile"])
def test_with_nothing_loadable_the_load_says_so(tmp_path, geocoder, kind):
    folder = tmp_path / "data"
    if kind != "missing":
        folder.mkdir()
    if kind == "only-hostile":
        (folder / "ucdp_ged_iraq.csv").write_bytes(HOSTILE["zero-bytes"])
        (folder / "report_events.csv").write_bytes(HOSTILE["header-only"])
    loaded = load_events(shipped(folder), geocoder)
    assert loaded.events.empty and loaded.read == {}
    summary = problem_summary(loaded)
    assert summary and "No data set could be loaded" in summary and "other data sets" not in summary
    reasons = " ".join(loaded.problems)
    expected = {"missing": "does not exist", "empty": "holds none of the event files",
                "only-hostile": "the file is empty"}[kind]  # fmt: skip
    assert expected in reasons and (kind == "only-hostile" or str(folder) in reasons)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (RuntimeError("reader bug"), "report_events.csv: it could not be read (RuntimeError): reader bug"),
        (csv.Error("field larger than field limit (131072)"),
         "report_events.csv: it could not be read as a table: field larger than field limit (131072)"),
    ],
)  # fmt: skip
def test_a_reader_crash_is_one_problem_not_a_crash(tmp_path, monkeypatch, error, said):
    """(A header line over csv's field limit raised csv.Error out of the readers, depending on whether
    something in the process had raised the limit before.)"""
    (tmp_path / "report_events.csv").write_bytes(REPORT)

    def broken(self):
        raise error

    monkeypatch.setattr("conflictmap.datasets.Shipped.read", broken)
    events, problems, _, read = read_events(shipped(tmp_path))
    assert events.empty and read == {} and said in problems


def test_no_problems_no_summary():
    loaded = Loaded(pd.DataFrame(), pd.DataFrame(), problems=(), rejected={}, read={"report_events.csv": 9})
    assert problem_summary(loaded) is None and problem_table(loaded).empty
