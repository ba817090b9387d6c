"""A persistent cache of geocoding answers, so a second load geocodes nothing.

Answers are kept on disk per "fingerprint" of everything that decides them — the gazetteer's
inputs, the overrides and the learned places — so changing any of them starts a fresh cache.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from conflictmap.geocode.gazetteer import fingerprint
from conflictmap.geocode.geocoder import OfflineGeocoder, PlaceMatch
from conflictmap.settings import cache_dir


def _digest(geocoder: OfflineGeocoder) -> str:
    state = hashlib.sha256(fingerprint().encode())
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

    def resolve(self, query: str, country: str | None = None, admin1: str | None = None) -> PlaceMatch:
        key = (query, country, admin1)
        if key not in self.answers:
            self.answers[key] = self.geocoder.resolve(query, country=country, admin1=admin1)
            self.misses += 1
        return self.answers[key]

    def save(self) -> None:
        """Write the answers (only when something new was asked); a read-only disk is no error."""
        if not self.misses:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            with temporary.open("wb") as handle:
                pickle.dump(self.answers, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(self.path)
        except OSError:
            pass
