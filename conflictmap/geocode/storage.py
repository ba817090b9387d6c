"""The files the geocoder keeps (the gazetteer index, the answer cache, the overrides): written
atomically, read without trusting them, and every problem with them said once, never raised.

A write goes to a temporary file in the same folder, is flushed to disk and then renamed over the
old file (`os.replace`), so a reader sees the old file or the new one, never half of one, whatever
stops the writer (a full disk, a killed server). A problem that only costs time (a damaged cache
rebuilt, a cache that cannot be written) is a *notice*: logged on the server and kept in
`notices()` for the app to show once; the work goes on without the file.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

_NOTICES: dict[str, None] = {}  # insertion-ordered set of the messages said so far
_LOCK = threading.Lock()
#: Temporary files older than this are left by a writer that died (a killed server): removed.
ABANDONED_AFTER = 15 * 60.0


def notice(message: str) -> None:
    """Say `message` once per process: the server's log, and `notices()` for the pages."""
    with _LOCK:
        if message in _NOTICES:
            return
        _NOTICES[message] = None
    log.warning("conflictmap: %s", message)


def notices() -> tuple[str, ...]:
    """What went wrong with the geocoder's files in this process, in the order it happened."""
    with _LOCK:
        return tuple(_NOTICES)


def clear_notices() -> None:
    """Forget the notices (tests, and after the analyst fixed what they said)."""
    with _LOCK:
        _NOTICES.clear()


def why(error: OSError) -> str:
    """An OSError in an analyst's words: `why(OSError(errno.ENOSPC, "x"))` is 'the disk is full'."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: a read-only folder or file"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    return error.strerror or str(error)


def write_atomically(path: Path, write: Callable[[IO[bytes]], object], durable: bool = True) -> None:
    """`write(handle)` into a temporary file beside `path`, then renamed to `path`: all or nothing.
    An OSError (read-only folder, full disk) leaves `path` as it was, removes the temporary file
    and is raised for the caller to say what it means. `durable` flushes the file to the disk
    before the rename (so a power cut cannot leave it empty): for what an analyst made (the
    overrides); a cache skips it (a busy disk can stall a flush for seconds, and a cache lost
    to a power cut is rebuilt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with temporary.open("wb") as handle:
            write(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_abandoned(directory: Path, now: float | None = None) -> None:
    """Remove temporary files a writer left when it was killed (older than ABANDONED_AFTER)."""
    now = time.time() if now is None else now
    try:
        for temporary in directory.glob(".*.tmp"):
            try:
                if now - temporary.stat().st_mtime > ABANDONED_AFTER:
                    temporary.unlink()
            except OSError:
                continue
    except OSError:
        return


__all__ = ["clear_notices", "notice", "notices", "remove_abandoned", "why", "write_atomically"]
