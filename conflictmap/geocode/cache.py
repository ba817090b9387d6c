"""A persistent cache of geocoding answers, so a second load geocodes nothing.

Answers are kept on disk per "fingerprint" of everything that decides them — the gazetteer's
inputs, the geocoder's own code (its rules), the overrides and the learned places — so changing
any of them starts a fresh cache.

The answers are kept as JSON (`geocode-<fingerprint>.json`), not as a pickle: whoever can write the
cache folder could make a pickle run code when it is loaded; a JSON file can only hold answers. A
file that is damaged, from another version of the format, unreadable or unwritable (a read-only
folder, a full disk) costs time, never the load: the answers are asked again and it is said once
(`conflictmap.geocode.storage.notice`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from conflictmap.geocode.answers import Candidate, PlaceMatch
from conflictmap.geocode.gazetteer import fingerprint
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.storage import notice, remove_abandoned, why, write_atomically
from conflictmap.settings import cache_dir

#: How many answer files to keep in the cache directory.
KEEP = 20
#: The code whose decisions are cached.
#: The code whose change must not be answered from the old code's cached answers: every module of
#: geocode/ that decides an answer (not the cache, the files it writes, or the batch command).
RULES = tuple(
    sorted(
        path for path in Path(__file__).parent.glob("*.py") if path.name not in ("cache.py", "storage.py", "batch.py")
    )
)
#: What the file says it is; a file that says otherwise is from another version and is rebuilt.
FORMAT = {"format": "conflictmap geocoding answers", "version": 1}
#: A cache file larger than this is not read (no real cache comes near it).
MAX_BYTES = 256 * 1024 * 1024

Key = tuple[str, str | None, str | None, str | None]


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


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"a key holds {type(value).__name__}, not text")


def _match(fields: Any) -> PlaceMatch:
    if not isinstance(fields, dict):
        raise ValueError("an answer is not a record")
    candidates = tuple(Candidate(**candidate) for candidate in fields.get("candidates", ()))
    return PlaceMatch(**{**fields, "candidates": candidates})


def answers_from_json(handle: IO[bytes]) -> dict[Key, PlaceMatch]:
    """The answers of a cache file; ValueError (or TypeError) when it is not one of this version."""
    document = json.load(handle)
    if not isinstance(document, dict) or any(document.get(name) != value for name, value in FORMAT.items()):
        raise ValueError("it was written by another version of conflictmap")
    answers: dict[Key, PlaceMatch] = {}
    for entry in document.get("answers", []):
        if not isinstance(entry, list) or len(entry) != 5:
            raise ValueError("an entry is not [query, country, admin1, admin2, answer]")
        query, country, admin1, admin2, fields = entry
        answers[(str(_text(query)), _text(country), _text(admin1), _text(admin2))] = _match(fields)
    return answers


def answers_to_json(answers: dict[Key, PlaceMatch], handle: IO[bytes]) -> None:
    entries = [[*key, asdict(match)] for key, match in answers.items()]
    handle.write(json.dumps({**FORMAT, "answers": entries}, ensure_ascii=False).encode("utf-8"))


@dataclass
class CachedGeocoder:
    """`resolve` as the wrapped geocoder's, answered from disk when it was asked before."""

    geocoder: OfflineGeocoder
    directory: Path | None = None
    answers: dict[Key, PlaceMatch] = field(default_factory=dict)
    misses: int = 0
    damaged: bool = False  # the file on disk was damaged: written again even if nothing new is asked

    def __post_init__(self) -> None:
        self.path = (self.directory or cache_dir()) / f"geocode-{_digest(self.geocoder)}.json"
        self.answers = self._read()

    def _read(self) -> dict[Key, PlaceMatch]:
        try:
            if self.path.stat().st_size > MAX_BYTES:
                raise ValueError(f"it is larger than {MAX_BYTES // 2**20} MB")
            with self.path.open("rb") as handle:
                return answers_from_json(handle)
        except FileNotFoundError:
            return {}
        except OSError as error:
            notice(f"The geocoding cache {self.path} could not be read ({why(error)}): places are geocoded again.")
        except (ValueError, TypeError, RecursionError) as error:  # JSON errors and UnicodeDecodeError are ValueErrors
            notice(f"The geocoding cache {self.path} was damaged ({error}): it is rebuilt.")
            self.damaged = True
        return {}

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
        """Write the answers (only when something new was asked); a read-only folder or a full disk
        is said once, and the next load geocodes again. Only the KEEP most recently written answer
        files are kept (each set of learned places, e.g. each analyst's file, has its own)."""
        if not (self.misses or self.damaged):
            return
        try:
            write_atomically(self.path, lambda handle: answers_to_json(self.answers, handle), durable=False)
        except OSError as error:
            notice(
                f"The geocoding cache could not be saved in {self.path.parent} ({why(error)}): "
                "every load geocodes the places again until it can be."
            )
            return
        try:
            remove_abandoned(self.path.parent)
            for old in self.path.parent.glob("geocode-*.pickle"):  # the unsafe format of earlier versions
                old.unlink(missing_ok=True)
            older = sorted(self.path.parent.glob("geocode-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in older[KEEP:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass  # only tidying
