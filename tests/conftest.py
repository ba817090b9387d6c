"""Shared test set-up. The gazetteer index is cached in the repo's .cache/ (git-ignored), so the
suite builds it once per machine; servers started by the browser tests inherit the setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
os.environ.setdefault("CONFLICTMAP_CACHE_DIR", str(ROOT / ".cache"))


@pytest.fixture(scope="session")
def geocoder():
    from conflictmap.geocode.gazetteer import load_gazetteer
    from conflictmap.geocode.geocoder import OfflineGeocoder

    return OfflineGeocoder(load_gazetteer())


@pytest.fixture(scope="session")
def loaded(geocoder):
    from conflictmap.datasets import load_events, shipped

    return load_events(shipped(ROOT / "data"), geocoder)
