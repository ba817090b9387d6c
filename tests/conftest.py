"""Shared test set-up. The suite is hermetic: it reads only the repository's own files (data/ and
tests/fixtures/) and keeps every cache in a fresh temporary directory per test session, so nothing
persistent is read or written inside the repository.

The gazetteer index (`gazetteer-<fingerprint>.pickle`) takes 30-55 s to build, far too long to pay
on every run. So the session directory is seeded with a prebuilt index from a per-user cache
outside the repository (`PREBUILT`, the app's own default cache directory) when one with the same
fingerprint is there, and an index built during the session is kept there for the next run. The
fingerprint covers every input of the index, so a seeded index is exactly the one that would be
built. Geocoding answers (`geocode-*.json`) are never seeded: every session starts without them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
#: Where a prebuilt gazetteer index is looked for and kept between runs (never inside the repository).
PREBUILT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "conflictmap"


def _index_name() -> str:
    from conflictmap.geocode.gazetteer import fingerprint

    return f"gazetteer-{fingerprint()}.pickle"


def _seed(directory: Path) -> None:
    """Link (or copy) the prebuilt index into `directory` when its fingerprint matches."""
    prebuilt = PREBUILT / _index_name()
    if not prebuilt.is_file() or PREBUILT.resolve().is_relative_to(ROOT):
        return
    try:
        os.symlink(prebuilt, directory / prebuilt.name)
    except OSError:
        shutil.copyfile(prebuilt, directory / prebuilt.name)


def _keep(directory: Path) -> None:
    """Keep an index built this session for the next run (its inputs may have changed meanwhile)."""
    built = directory / _index_name()
    if not built.is_file() or built.is_symlink() or PREBUILT.resolve().is_relative_to(ROOT):
        return
    try:
        PREBUILT.mkdir(parents=True, exist_ok=True)
        temporary = PREBUILT / (built.name + ".tmp")
        shutil.copyfile(built, temporary)
        temporary.replace(PREBUILT / built.name)
        for stale in PREBUILT.glob("gazetteer-*.pickle"):
            if stale.name != built.name and not stale.name.startswith("gazetteer-holdout-"):
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home only costs the next run a build


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """CONFLICTMAP_CACHE_DIR for this session (in-process code, CLI subprocesses, served apps): a
    fresh temporary directory, whatever the environment said."""
    directory = tmp_path_factory.mktemp("conflictmap-cache")
    before = os.environ.get("CONFLICTMAP_CACHE_DIR")
    os.environ["CONFLICTMAP_CACHE_DIR"] = str(directory)
    _seed(directory)
    yield directory
    _keep(directory)
    if before is None:
        os.environ.pop("CONFLICTMAP_CACHE_DIR", None)
    else:
        os.environ["CONFLICTMAP_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def geocoder(session_cache):
    from conflictmap.geocode.gazetteer import load_gazetteer
    from conflictmap.geocode.geocoder import OfflineGeocoder

    return OfflineGeocoder(load_gazetteer())


@pytest.fixture(scope="session")
def loaded(geocoder):
    from conflictmap.datasets import load_events, shipped

    return load_events(shipped(ROOT / "data"), geocoder)
