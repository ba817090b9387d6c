"""A persistent cache of geocoding answers, so a second load geocodes nothing.

Answers are kept on disk per "fingerprint" of everything that decides them — the gazetteer's
inputs, the geocoder's own code (its rules), the overrides and the learned places — so changing
any of them starts a fresh cache.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from conflictmap.geocode.gazetteer import fingerprint
from conflictmap.geocode.geocoder import OfflineGeocoder, PlaceMatch
from conflictmap.settings import cache_dir

#: How many answer files to keep in the cache directory.
KEEP = 20
#: The code whose decisions are cached.
RULES = tuple(Path(__file__).with_name(name) for name in ("geocoder.py", "learned.py", "normalise.py"))


def _digest(geocoder: OfflineGeocoder) -> str:
    state = hashlib.sha256((getattr(geocoder.gazetteer, "version", "") or fingerprint()).encode())
    for rules in RULES:  # a changed rule must not be answered by the old one's cached answers
        state.update(rules.read_bytes())
    for key, place in sorted(geocoder.overrides.items()):
        state.update(repr((key, place)).encode())
    if geocoder.learned is not None:
        for place in geocoder.learned.places:
            state.update(repr(place).encode())
    return state.hexdigest()[:16]


@dataclass
class CachedGeocoder:
    """`resolve` as the wrapped geocoder's, answered from disk when it was asked before."""

    geocoder: OfflineGeocoder
    directory: Path | None = None
    answers: dict[tuple, PlaceMatch] = field(default_factory=dict)
    misses: int = 0

    def __post_init__(self) -> None:
        self.path = (self.directory or cache_dir()) / f"geocode-{_digest(self.geocoder)}.pickle"
        try:
            with self.path.open("rb") as handle:
                self.answers = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            self.answers = {}

    def resolve(
        self, query: str, country: str | None = None, admin1: str | None = None, admin2: str | None = None
    ) -> PlaceMatch:
        key = (query, country, admin1, admin2)
        found = self.answers.get(key)
        if found is None:
            found = self.answers[key] = self.geocoder.resolve(query, country=country, admin1=admin1, admin2=admin2)
            self.misses += 1
        return found

    def save(self) -> None:
        """Write the answers (only when something new was asked); a read-only disk is no error.
        Only the KEEP most recently written answer files are kept (each set of learned places, e.g.
        each analyst's file, has its own)."""
        if not self.misses:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            with temporary.open("wb") as handle:
                pickle.dump(self.answers, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(self.path)
            older = sorted(self.path.parent.glob("geocode-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in older[KEEP:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
