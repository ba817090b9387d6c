"""Faults as an analyst meets them in the app: a data folder that is missing or holds hostile files,
a cache that cannot be written, an overrides file that is malformed, read-only or saved meanwhile by
someone else. The app starts, every page runs, and each fault is said where it matters, once."""

from __future__ import annotations

import errno
import os
import shutil
import uuid

import pandas as pd
import pytest

from conflictmap.app import loading
from conflictmap.geocode import overrides as overrides_module
from conflictmap.geocode import storage
from conflictmap.geocode.overrides import load_overrides, read_overrides, save_overrides
from tests.app.conftest import PAGE_PATHS, open_page, shown
from tests.conftest import ROOT

REPORT = ROOT / "data" / "report_events.csv"


@pytest.fixture(autouse=True)
def fresh_notices():
    storage.clear_notices()
    yield
    storage.clear_notices()


@pytest.fixture
def small_data(tmp_path, monkeypatch):
    """A data folder with the nine news-report events only (cheap to place again)."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(REPORT, folder / "report_events.csv")
    monkeypatch.setenv("CONFLICTMAP_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def overrides_file(tmp_path, monkeypatch, small_data):
    """The overrides file moved to a temporary one for the test; the server's geocoder reads it afresh."""
    path = tmp_path / "place_overrides.csv"
    monkeypatch.setattr(overrides_module, "OVERRIDES", path)
    loading.reload_geocoding()
    yield path
    monkeypatch.undo()
    loading.reload_geocoding()  # back to the shipped overrides for the tests after


def _problems(at) -> pd.DataFrame:
    """The Data page's table of what could not be loaded."""
    (table,) = [frame.value for frame in at.dataframe if list(frame.value.columns) == ["file", "problem"]]
    return table


def _errors(at) -> str:
    return shown(" ".join(error.value for error in at.error))


def _warnings(at) -> str:
    return shown(" ".join(warning.value for warning in at.warning))


# --- the data folder ----------------------------------------------------------------------------------


def test_every_page_runs_on_a_folder_of_hostile_files_and_the_data_page_lists_them(tmp_path, monkeypatch):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "ucdp_ged_iraq.csv").write_bytes(os.urandom(4096) + b"\x00")
    (folder / "report_events.csv").write_bytes(b"")
    monkeypatch.setenv("CONFLICTMAP_DATA_DIR", str(folder))
    for path in PAGE_PATHS:
        at = open_page(path)
        at.run()
        assert not at.exception, f"{path}: {at.exception}"
        errors = _errors(at)
        assert "Could not read ucdp_ged_iraq.csv: not a text table" in errors, path
        assert "Could not read report_events.csv: the file is empty" in errors, path
        captions = shown(" ".join(caption.value for caption in at.caption))
        assert "No data set could be loaded" in captions and "other data sets are loaded" not in captions, path
    data = open_page("pages/5_Data.py")
    data.run()
    table = _problems(data)
    assert table["file"].tolist() == ["ucdp_ged_iraq.csv", "report_events.csv"]
    assert table["problem"].tolist()[1] == "the file is empty"


def test_a_missing_data_folder_is_named_and_the_shipped_file_beside_a_bad_one_still_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_DATA_DIR", str(tmp_path / "nowhere"))
    at = open_page("pages/5_Data.py")
    at.run()
    assert not at.exception
    (problem,) = _problems(at)["problem"].tolist()
    assert "does not exist" in problem and "CONFLICTMAP_DATA_DIR" in problem

    folder = tmp_path / "half"
    folder.mkdir()
    shutil.copyfile(REPORT, folder / "report_events.csv")
    (folder / "ucdp_ged_iraq.csv").write_bytes(REPORT.read_bytes().split(b"\n", 1)[0] + b"\n")  # a header only
    monkeypatch.setenv("CONFLICTMAP_DATA_DIR", str(folder))
    at = open_page("dashboard.py")
    at.run()
    assert not at.exception and "ucdp_ged_iraq.csv: no rows under the header" in _errors(at)
    captions = shown(" ".join(caption.value for caption in at.caption))
    assert "The other data sets are loaded (report_events.csv)" in captions


# --- caches -------------------------------------------------------------------------------------------


def test_a_cache_on_a_full_disk_is_said_once_per_session(small_data, monkeypatch):
    events = REPORT.read_text(encoding="utf-8").replace(",Ramadi,,Iraq,", f",Ramadi {uuid.uuid4().hex[:8]},,Iraq,", 1)
    (small_data / "report_events.csv").write_text(events, encoding="utf-8")  # a name the cache has never seen

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("conflictmap.geocode.cache.write_atomically", full)
    at = open_page("dashboard.py")
    at.run()
    assert not at.exception
    assert "geocoding cache could not be saved" in _warnings(at) and "the disk is full" in _warnings(at)
    assert len(at.get("component_instance")) == 1, "the map draws"
    at.run()
    assert "geocoding cache" not in _warnings(at), "said once per session, not on every run"
    other = open_page("pages/2_Events.py")
    other.run()
    assert not other.exception and "geocoding cache could not be saved" in _warnings(other), "each session hears once"


# --- the overrides file -------------------------------------------------------------------------------


def _rows(*places: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"place": p, "country": "IQ", "latitude": "33.1", "longitude": "44.2", "precision": "", "note": "t"}
         for p in places]
    )  # fmt: skip


def _overrides_shown(at) -> list[str]:
    (editor,) = [frame for frame in at.dataframe if list(frame.value.columns)[:2] == ["place", "country"]]
    return editor.value["place"].tolist()


def test_a_malformed_overrides_file_is_said_on_places_and_the_rest_works(overrides_file):
    overrides_file.write_bytes(b"place;lat\n\xff\xfe broken\n")
    places = open_page("pages/3_Places.py")
    places.run()
    assert not places.exception
    assert "The place overrides are not used: place_overrides.csv is not UTF-8 text" in _errors(places)
    assert [h.value for h in places.subheader][:2] == ["Unresolved", "Geocoded"] and len(places.dataframe) >= 2
    assert places.button(key="places.reload") and not [b for b in places.button if b.key == "places.save"]
    mapped = open_page("dashboard.py")
    mapped.run()
    assert not mapped.exception and len(mapped.get("component_instance")) == 1, "the map draws"
    assert overrides_file.read_bytes() == b"place;lat\n\xff\xfe broken\n", "nothing overwrote the file"

    save_overrides(_rows("Ramadi"), overrides_file)  # the analyst fixed the file
    places.button(key="places.reload").click().run()
    assert not places.exception and _overrides_shown(places) == ["Ramadi"]


def test_a_save_after_someone_elses_is_refused_then_made_after_reloading(overrides_file):
    save_overrides(_rows("Ramadi"), overrides_file)
    mine = open_page("pages/3_Places.py")
    mine.run()
    assert _overrides_shown(mine) == ["Ramadi"]

    # another analyst, in another session, saves first
    save_overrides(_rows("Ramadi", "Hit"), overrides_file, expected=load_overrides(overrides_file).version)
    mine.button(key="places.save").click().run()
    assert not mine.exception
    assert "saved by someone else after you opened it" in _errors(mine) and "Reload" in _errors(mine)
    assert read_overrides(overrides_file)["place"].tolist() == ["Ramadi", "Hit"], "their save is kept"

    mine.button(key="places.reload").click().run()
    assert _overrides_shown(mine) == ["Ramadi", "Hit"]
    mine.button(key="places.save").click().run()
    assert not mine.exception and "Not saved" not in _errors(mine)
    assert any("Saved 2 override(s)" in success.value for success in mine.success)


def test_a_read_only_overrides_file_is_said_and_left_whole(overrides_file, monkeypatch):
    save_overrides(_rows("Ramadi"), overrides_file)
    kept = overrides_file.read_bytes()
    places = open_page("pages/3_Places.py")
    places.run()

    def read_only(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(overrides_module, "write_atomically", read_only)
    monkeypatch.setattr(overrides_module.os, "access", lambda path, mode: False)  # as for any user but root
    places.button(key="places.save").click().run()
    assert "place_overrides.csv is read-only for this server" in _warnings(places), "said before the save too"
    assert not places.exception
    errors = _errors(places)
    assert "place_overrides.csv could not be saved" in errors and "read-only" in errors and "unchanged" in errors
    assert overrides_file.read_bytes() == kept
