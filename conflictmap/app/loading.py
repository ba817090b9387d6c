"""What a server process loads once and shares, read-only, with every session: the geocoder,
the shipped data placed on the map, the country boxes and the map's files.

The shared data loads in a background thread (`ProcessLoad`), started when the server starts
(`python -m conflictmap.app.serve`, which `scripts/dashboard.sh` and the container run) or, under a
plain `streamlit run dashboard.py`, by the first visitor; whoever arrives before it is ready sees
what it is doing instead of a blank page, and nobody starts the work a second time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from conflictmap.datasets import Loaded, load_events, shipped, with_synthetic
from conflictmap.geocode.compose import base_geocoder
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.storage import notices
from conflictmap.maps.arrays import data_set_arrays
from conflictmap.maps.assets import MapAssets, find_assets
from conflictmap.maps.basemap import type_colors
from conflictmap.readers.validation import CountryBounds, bounds_from_gazetteer
from conflictmap.settings import events_dir, synthetic_count


@dataclass
class ProcessLoad:
    """One piece of work a server process does once, in a thread, for every session: `start`
    begins it (again only after `reset`), `result` waits for it, calling `waiting(stage, seconds)`
    while it runs. A failure is kept and raised to every caller, not retried on each visit."""

    work: Callable[[Callable[[str], None]], object]
    stage: str = "waiting to start"
    started_at: float | None = None
    _done: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _value: object = None
    _error: BaseException | None = None

    def start(self) -> None:
        with self._lock:
            if self.started_at is not None:
                return
            self.started_at = time.monotonic()
        threading.Thread(target=self._run, name="conflictmap-load", daemon=True).start()

    def _run(self) -> None:
        try:
            self._value = self.work(self._say)
        except BaseException as error:  # kept for the callers, who show it
            self._error = error
        finally:
            self._done.set()

    def _say(self, stage: str) -> None:
        self.stage = stage

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    def result(self, waiting: Callable[[str, float], None] | None = None, poll: float = 0.25) -> object:
        self.start()
        while not self._done.wait(poll):
            if waiting is not None:
                waiting(self.stage, time.monotonic() - (self.started_at or time.monotonic()))
        if self._error is not None:
            raise self._error
        return self._value

    def reset(self) -> None:
        with self._lock:
            if self.started_at is not None and not self._done.is_set():
                return  # a load under way finishes; the next reset after it takes effect
            self.started_at, self._value, self._error, self.stage = None, None, None, "waiting to start"
            self._done.clear()


def _load_geocoder(say: Callable[[str], None]) -> OfflineGeocoder:
    say("loading the offline gazetteer (the first start of a new version builds its index: under a minute)")
    return base_geocoder()


def _load_shared(directory: Path, synthetic: int, say: Callable[[str], None]) -> Loaded:
    say("loading the offline gazetteer")
    base = _GEOCODER.result()
    assert isinstance(base, OfflineGeocoder)
    say("reading and geocoding the shipped events")
    loaded = load_events(shipped(directory), base)
    if synthetic:
        say(f"adding {synthetic:,} synthetic events")
    loaded = with_synthetic(loaded, synthetic)
    say("preparing the map's arrays")  # built once here, not in the first visitor's map (0.2 s at 1M events)
    data_set_arrays(loaded.events, type_colors(loaded.choices["type"]))
    return loaded


_GEOCODER = ProcessLoad(_load_geocoder)
_SHARED: dict[tuple[str, int], ProcessLoad] = {}  # one load per data folder and synthetic count
_SHARED_LOCK = threading.Lock()


def _shared_load() -> ProcessLoad:
    """The load of the shared data for the current settings (they may differ between tests)."""
    directory, synthetic = Path(events_dir()), synthetic_count()
    with _SHARED_LOCK:
        key = (str(directory), synthetic)
        if key not in _SHARED:
            _SHARED[key] = ProcessLoad(lambda say: _load_shared(directory, synthetic, say))
        return _SHARED[key]


def start() -> ProcessLoad:
    """Begin loading the shared data now (at server start), in the background."""
    load = _shared_load()
    load.start()
    return load


def _show_progress(stage: str, seconds: float, box: list) -> None:
    if not box:
        box.append(st.empty())
    box[0].info(
        f"Getting the data ready for everyone on this server: {stage}… ({seconds:.0f} s)",
        icon=":material/hourglass_top:",
    )


def geocoder() -> OfflineGeocoder:
    """The process's base geocoder (gazetteers, supplement, overrides); each load and each added
    file completes it through `conflictmap.geocode.compose.build_geocoder`."""
    box: list = []
    found = _GEOCODER.result(lambda stage, seconds: _show_progress(stage, seconds, box))
    if box:
        box[0].empty()
    assert isinstance(found, OfflineGeocoder)
    return found


def shared_data() -> Loaded:
    """The shipped data, loaded once per server process and shared (read-only) by all sessions."""
    box: list = []
    loaded = _shared_load().result(lambda stage, seconds: _show_progress(stage, seconds, box))
    if box:
        box[0].empty()
    assert isinstance(loaded, Loaded)
    return loaded


def reload_geocoding() -> None:
    """After the overrides changed: geocode everything again (for every session of this server)."""
    _GEOCODER.reset()
    with _SHARED_LOCK:
        for load in _SHARED.values():
            load.reset()
    country_bounds.clear()


SEEN_NOTICES = "conflictmap.seen_notices"


def new_notices() -> list[str]:
    """What went wrong with the server's caches or overrides file (a damaged cache rebuilt, a folder
    that cannot be written) that this session has not been told yet: each is told once per session,
    on the first page that runs after it happened."""
    seen: set[str] = st.session_state.setdefault(SEEN_NOTICES, set())
    fresh = [message for message in notices() if message not in seen]
    seen.update(fresh)
    return fresh


@st.cache_resource
def country_bounds() -> CountryBounds:
    """Approximate country boxes from the gazetteer, for the swapped-coordinates check."""
    return bounds_from_gazetteer(geocoder().gazetteer)


@st.cache_resource
def assets() -> MapAssets:
    return find_assets()
