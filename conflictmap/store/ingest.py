"""Files into a Parquet store, in chunks: `import_to_store` reads a file a chunk of lines at a time
(memory bounded by the chunk, not the file), each chunk through the same readers as
`readers.importing.import_file`, and appends the accepted events the store does not hold yet;
`ingest_folder` does that for a folder of files (GDELT's 15-minute exports, say), skipping the
files the store has already taken in unchanged.

The rejected rows of a file go to `DIR/rejected/NAME.rejected.csv`, their line numbers those of
the whole file.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np

from conflictmap.exporting import table_to_csv
from conflictmap.readers.importing import Imported, import_file
from conflictmap.readers.table import ReadError
from conflictmap.readers.validation import LINE, CountryBounds
from conflictmap.schema import Format
from conflictmap.store.parquet import StoreWriter, manifest

#: Lines per chunk: about 40 MB of GDELT text, a few hundred MB while parsed (the process stays under 2 GB).
CHUNK_LINES = 100000
#: Files read whole (a container to unpack), not in chunks.
WHOLE = (".zip", ".gz", ".xlsx", ".xlsm")

#: progress(bytes done, bytes in all, events read so far)
Progress = Callable[[int, int, int], None]


#: Bytes read at a time while cutting a file into chunks.
BLOCK = 1 << 23


def _chunks(stream: IO[bytes], chunk_lines: int, block: int = BLOCK) -> Iterator[tuple[bytes, int, int]]:
    r"""Runs of whole lines, each of at least `chunk_lines` lines (a quoted field's line breaks kept
    inside one chunk), with their number of lines and the bytes of the file read up to their end.

    Cut with numpy over blocks of bytes, not line by line in Python:

    >>> import io
    >>> text = b'a,b\n1,"x\ny"\n2,z\n3,w'
    >>> [(data, lines) for data, lines, _ in _chunks(io.BytesIO(text), 2, block=4)]
    [(b'a,b\n1,"x\ny"\n', 3), (b'2,z\n3,w', 2)]
    """
    parts: list[bytes] = []
    lines = carried = 0  # lines and the parity of quotes in `parts`
    read = 0
    while True:
        data = stream.read(block)
        if not data:
            tail = b"".join(parts)
            if tail:
                yield tail, lines + (0 if tail.endswith(b"\n") else 1), read
            return
        read += len(data)
        codes = np.frombuffer(data, dtype=np.uint8)
        breaks = np.flatnonzero(codes == 10)
        quotes = np.flatnonzero(codes == 34)
        before = np.searchsorted(quotes, breaks)  # quotes of the block before each line break
        position = first = 0  # where the current chunk's part of the block begins; its first break
        while True:
            quotes_before = int(np.searchsorted(quotes, position))
            target = first + max(chunk_lines - lines, 1) - 1
            parity = (carried + before[target:] - quotes_before) & 1
            even = np.flatnonzero(parity == 0)
            if len(even) == 0:
                if position < len(data):
                    parts.append(data[position:])
                lines += len(breaks) - first
                carried = (carried + len(quotes) - quotes_before) & 1
                break
            index = target + int(even[0])
            cut = int(breaks[index]) + 1
            yield b"".join([*parts, data[position:cut]]), lines + index - first + 1, read - len(data) + cut
            parts, lines, carried = [], 0, 0
            position, first = cut, index + 1


def _merge(report: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    if not report:
        return dict(part)
    merged = dict(report)
    for key in ("read", "accepted", "rejected", "without_coordinates"):
        merged[key] = int(report.get(key, 0)) + int(part.get(key, 0))
    merged["reasons"] = dict(Counter(report.get("reasons", {})) + Counter(part.get("reasons", {})))
    return merged


class _Rejected:
    """The rejected rows of one file, appended chunk by chunk to one CSV."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")

    def add(self, imported: Imported, lines_before: int) -> None:
        rejected = imported.rejected
        if rejected.empty and self.rows:
            return
        if lines_before and LINE in rejected.columns:
            rejected = rejected.assign(**{LINE: rejected[LINE] + lines_before})
        text = table_to_csv(rejected)
        if self.rows:
            text = text.split("\n", 1)[1]  # the header once
        with self.path.open("a", encoding="utf-8") as out:
            out.write(text)
        self.rows += len(rejected) or 1


def import_to_store(
    path: Path,
    directory: Path,
    format: Format | str = Format.AUTO,
    mapping: Mapping[str, str | None] | None = None,
    *,
    country_bounds: CountryBounds | None = None,
    chunk_lines: int = CHUNK_LINES,
    progress: Progress | None = None,
    writer: StoreWriter | None = None,
) -> dict[str, Any]:
    """Read `path` into the store folder `directory`; return the import's report (as
    `import_file`'s, plus `added`: events new to the store, `held`: events it already had)."""
    path = Path(path)
    if not path.is_file():
        reason = "file not found" if not path.exists() else "a folder" if path.is_dir() else "not a regular file"
        raise ReadError(path, reason)
    own = writer is None
    store = writer or StoreWriter(directory)
    total = path.stat().st_size
    rejected = _Rejected(Path(directory) / "rejected" / f"{path.name}.rejected.csv")
    report: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        if path.suffix.lower() in WHOLE:
            imported = import_file(path, format=format, mapping=mapping, country_bounds=country_bounds)
            store.append(imported.events)
            rejected.add(imported, 0)
            report = imported.report
            if progress:
                progress(total, total, int(report["read"]))
        else:
            with path.open("rb") as stream:
                header = b""
                options: dict[str, Any] = {"format": format, "mapping": mapping}
                lines_before = 0
                for chunk, lines, done in _chunks(stream, chunk_lines):
                    imported = import_file(header + chunk, path.name, country_bounds=country_bounds, **options)
                    data_lines = lines
                    if not header and not options.get("encoding"):  # the first chunk: what the file is
                        detected = imported.detected
                        if detected.header:
                            end = -1
                            for _ in range(detected.skip_lines + 1):
                                end = chunk.index(b"\n", end + 1)
                            header = chunk[: end + 1]
                            data_lines -= detected.skip_lines + 1
                        encoding = "utf-8" if detected.encoding == "utf-8-sig" else detected.encoding
                        options = {
                            "format": detected.format,
                            "mapping": imported.mapping or mapping,
                            "encoding": encoding,
                            "delimiter": detected.delimiter,
                        }
                    store.append(imported.events)
                    rejected.add(imported, lines_before)
                    report = _merge(report, imported.report)
                    lines_before += data_lines
                    if progress:
                        progress(done, total, int(report["read"]))
        if not report:
            raise ReadError(path, "the file is empty")
        if own:
            store.finish(str(path))
    except BaseException:
        if own:
            store.close()
        raise
    seconds = time.perf_counter() - started
    return {
        **report,
        "file": path.name,
        "output": str(directory),
        "rejected_output": str(rejected.path),
        # with a writer of the caller's, known once the caller finishes it (ingest_folder does)
        "added": store.added if own else None,
        "held": store.offered - store.added if own else None,
        "seconds": round(seconds, 2),
        "rows_per_s": round(int(report.get("read", 0)) / seconds) if seconds else None,
    }


def _fingerprint(path: Path) -> str:
    status = path.stat()
    return f"{path.name}:{status.st_size}:{status.st_mtime_ns}"


def ingest_folder(
    folder: Path,
    directory: Path,
    format: Format | str = Format.AUTO,
    *,
    pattern: str = "*",
    country_bounds: CountryBounds | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every file of `folder` (matching `pattern`, in name order: GDELT's names are timestamps) into
    the store, skipping those the store already took in with the same size and time."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReadError(folder, "not a folder")
    seen = {entry.get("fingerprint") for entry in manifest(directory).get("imports", [])}
    chosen = sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("."))
    todo = [p for p in chosen if _fingerprint(p) not in seen]
    total = sum(p.stat().st_size for p in todo)
    done_bytes = read = 0
    files: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in todo:
        writer = StoreWriter(directory)

        def step(done: int, _total: int, rows: int, before: int = done_bytes, rows_before: int = read) -> None:
            if progress:
                progress(before + done, total, rows_before + rows)

        try:
            report = import_to_store(
                path, directory, format, country_bounds=country_bounds, progress=step, writer=writer
            )
        except ReadError as error:
            problems.append(str(error))
            writer.finish(str(path))
            continue
        finally:
            done_bytes += path.stat().st_size
        read += int(report.get("read", 0))
        writer.finish(str(path), fingerprint=_fingerprint(path))
        report["added"], report["held"] = writer.added, writer.offered - writer.added
        files.append({key: report[key] for key in ("file", "read", "accepted", "rejected", "added", "held")})
    return {
        "folder": str(folder),
        "output": str(directory),
        "files": len(files),
        "skipped_unchanged": len(chosen) - len(todo),
        "read": sum(f["read"] for f in files),
        "added": sum(f["added"] for f in files),
        "held": sum(f["held"] for f in files),
        "problems": problems,
        "per_file": files,
    }
