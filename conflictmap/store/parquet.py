"""The embedded store for data larger than memory: events as Parquet files partitioned by date
(`DIR/events/year=YYYY/month=M/part-<uuid>.parquet`), each file sorted by date, read by DuckDB.

`DIR/store.json` holds the store's version (raised by every write that adds events) and its count.
Writes are idempotent: an event whose `event_id` the store already holds in the same month is not
written again, so importing the same file twice does not double its events.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pandas as pd

from conflictmap.errors import ConflictmapError
from conflictmap.schema import EVENT_COLUMNS, conform
from conflictmap.store.base import StoreError

MANIFEST = "store.json"
EVENTS = "events"
#: DuckDB's memory while writing or answering: it spills to disk beyond this.
MEMORY_LIMIT = "1GB"
#: DuckDB's memory while sorting an import's events for writing (beside the readers' chunk and the gazetteer).
WRITE_MEMORY_LIMIT = "512MB"


def manifest(directory: Path) -> dict[str, Any]:
    """The store's manifest; an empty store's when there is none yet."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return {"format": "conflictmap-store", "version": 0, "events": 0, "imports": []}
    try:
        found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(f"the event store {directory} cannot be read: {MANIFEST}: {error}") from error
    return found


def _write_manifest(directory: Path, content: dict[str, Any]) -> None:
    path = Path(directory) / MANIFEST
    temporary = path.with_name(f".{MANIFEST}.{uuid.uuid4().hex}")
    temporary.write_text(json.dumps(content, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)  # atomic: a reader sees the old manifest or the new one


def version(directory: Path) -> str:
    """The store's version, for cache keys: changes with every write that adds events."""
    directory = Path(directory)
    if not directory.is_dir():
        raise StoreError(f"the event store {directory} cannot be reached: no such folder")
    return f"duckdb:{directory}:{manifest(directory).get('version', 0)}"


def files(directory: Path, months: set[tuple[int, int]] | None = None) -> list[str]:
    """The store's Parquet files (of the given (year, month) partitions only, when given)."""
    root = Path(directory) / EVENTS
    if not root.is_dir():
        return []
    if months is None:
        return sorted(str(p) for p in root.glob("year=*/month=*/*.parquet"))
    found: list[str] = []
    for year, month in sorted(months):
        found += sorted(str(p) for p in (root / f"year={year}" / f"month={month}").glob("*.parquet"))
    return found


def _quoted(path: Path) -> str:
    """A path inside a SQL string literal (the store's own paths; quotes doubled all the same)."""
    return str(path).replace("'", "''")


def connect_duckdb(threads: int | None = None) -> Any:
    import duckdb

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, **({"threads": threads} if threads else {})})
    return con


#: Rows per Parquet row group (DuckDB's own size): a window of dates skips the groups outside it.
ROW_GROUP = 122_880
#: A month's events are written in files of at most this many rows.
FILE_ROWS = 40 * ROW_GROUP


class StoreWriter:
    """Adds events to a Parquet store folder: `append` stages each chunk on disk (a Parquet file in
    a hidden folder of the store, so memory is bounded by a chunk and WRITE_MEMORY_LIMIT, not by
    the file), `finish` writes what the store does not hold yet in one pass and records it.

    One pass at the end, rather than one write per chunk, is what makes a large import fast: the
    events already held are found by one anti-join against the touched months' files (not one per
    chunk against a growing store), an id repeated within the import is written once, and each
    month gets one file per import sorted by date (not one small file per chunk and month, which
    slowed both the import and every later query). Nothing is visible to readers until `finish`.

    >>> import tempfile
    >>> directory = Path(tempfile.mkdtemp()) / "store"
    >>> events = conform(pd.DataFrame({"event_id": ["a:1"], "date_start": [pd.Timestamp("2024-01-04")]}))
    >>> writer = StoreWriter(directory)
    >>> writer.append(events), writer.append(events)
    (1, 1)
    >>> writer.finish("doctest")["events"], writer.added, writer.offered
    (1, 1, 2)
    >>> writer = StoreWriter(directory)
    >>> writer.append(events)
    1
    >>> writer.finish("again")["events"], writer.added
    (1, 0)
    """

    def __init__(self, directory: Path, dedupe: bool = True) -> None:
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise ConflictmapError(f"the store {self.directory} is a file, not a folder")
        (self.directory / EVENTS).mkdir(parents=True, exist_ok=True)
        self.dedupe = dedupe
        self.staging = self.directory / f".staging-{uuid.uuid4().hex}"
        self.staging.mkdir()
        import duckdb

        self.con = duckdb.connect(
            config={"memory_limit": WRITE_MEMORY_LIMIT, "temp_directory": str(self.staging / "spill")}
        )
        self.offered = self.added = self.chunks = 0

    def append(self, events: pd.DataFrame) -> int:
        """Stage a chunk of events (written by `finish`); return how many."""
        if events.empty:
            return 0
        frame = conform(events)
        undated = frame["date_start"].isna()
        if undated.any():
            raise ConflictmapError(f"{int(undated.sum())} events have no start date: a store partitions by date")
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        # through Arrow: the schema's text columns are Arrow-backed, so no per-value conversion;
        # staged as a quickly compressed Parquet file (a DuckDB table compresses ten times slower)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        for name, dtype in EVENT_COLUMNS.items():
            if dtype.startswith("datetime"):
                position = table.schema.get_field_index(name)
                table = table.set_column(position, name, table.column(name).cast(pa.timestamp("us")))
        table = table.append_column("seq", pa.array(np.arange(self.offered, self.offered + len(frame), dtype="int64")))
        pq.write_table(table, self.staging / f"chunk-{self.chunks:08d}.parquet", compression="lz4")
        self.chunks += 1
        self.offered += len(frame)
        return len(frame)

    def _new_events(self) -> str:
        """The staged events to write, as SQL: each id once per month (its first row), none the
        store already holds in that month, in month and date order."""
        chunks = f"read_parquet('{_quoted(self.staging / 'chunk-*.parquet')}')"
        staged = f"(SELECT *, year(date_start)::INTEGER AS year, month(date_start)::INTEGER AS month FROM {chunks})"
        source, repeated = staged, False
        if self.dedupe:
            found = self.con.execute(f"SELECT DISTINCT year(date_start), month(date_start) FROM {chunks}").fetchall()
            held = files(self.directory, {(int(y), int(m)) for y, m in found})
            if held:
                listed = ", ".join(f"'{_quoted(Path(path))}'" for path in held)
                source = (
                    f"(SELECT s.* FROM {staged} s ANTI JOIN read_parquet([{listed}], hive_partitioning = false) h "
                    "ON s.event_id = h.event_id)"
                )
            (repeated,) = self.con.execute(
                f"SELECT count(event_id) > count(DISTINCT event_id) FROM {chunks}"
            ).fetchone() or (False,)
        once = "QUALIFY row_number() OVER (PARTITION BY event_id, year, month ORDER BY seq) = 1" if repeated else ""
        columns = ", ".join(f'"{name}"' for name in EVENT_COLUMNS)
        return f"SELECT {columns}, year, month FROM {source} {once} ORDER BY year, month, date_start, seq"

    def _write(self) -> int:
        """Write the new events, one file per month (more for a month over FILE_ROWS); return how many."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        reader = self.con.execute(self._new_events()).to_arrow_reader(ROW_GROUP)
        written = 0
        current: tuple[int, int] | None = None
        out: Any = None
        partial: Path | None = None
        done: list[tuple[Path, Path]] = []
        in_file = 0
        names = list(EVENT_COLUMNS)
        try:
            for batch in reader:
                years = batch.column("year").to_numpy()
                months = batch.column("month").to_numpy()
                keys = years.astype("int64") * 100 + months
                cuts = [0, *(int(i) + 1 for i in (keys[1:] != keys[:-1]).nonzero()[0]), len(keys)]
                for begin, stop in itertools.pairwise(cuts):
                    month = (int(years[begin]), int(months[begin]))
                    piece = pa.Table.from_batches([batch.slice(begin, stop - begin).select(names)])
                    if month != current or in_file >= FILE_ROWS:
                        if out is not None:
                            out.close()
                        folder = self.directory / EVENTS / f"year={month[0]}" / f"month={month[1]}"
                        folder.mkdir(parents=True, exist_ok=True)
                        final = folder / f"part-{uuid.uuid4().hex}.parquet"
                        partial = final.with_name(final.name + ".partial")
                        done.append((partial, final))
                        out = pq.ParquetWriter(partial, piece.schema, compression="zstd")
                        current, in_file = month, 0
                    out.write_table(piece, row_group_size=ROW_GROUP)
                    in_file += piece.num_rows
                    written += piece.num_rows
            if out is not None:
                out.close()
                out = None
        except BaseException:
            if out is not None:
                out.close()
            for partial_path, _ in done:
                partial_path.unlink(missing_ok=True)
            raise
        for partial_path, final in done:  # each file whole, or not there at all
            os.replace(partial_path, final)
        return written

    def finish(self, note: str, **recorded: str) -> dict[str, Any]:
        """Write the staged events the store does not hold yet, record the write in the manifest
        (a new version when events were added) and return the manifest."""
        try:
            self.added = self._write() if self.offered else 0
            content = manifest(self.directory)
            if self.added:
                content["version"] = int(content.get("version", 0)) + 1
            content["events"] = int(content.get("events", 0)) + self.added
            content.setdefault("imports", []).append(
                {
                    "source": note,
                    "offered": self.offered,
                    "added": self.added,
                    "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    **recorded,
                }
            )
            content["imports"] = content["imports"][-1000:]
            _write_manifest(self.directory, content)
            return content
        finally:
            self.close()

    def close(self) -> None:
        """Drop the staged events (finish calls it; call it to abandon a write)."""
        self.con.close()
        shutil.rmtree(self.staging, ignore_errors=True)


def duckdb_table(directory: Path, con: Any) -> Any:
    """The store's events as an Ibis table over its Parquet files (DuckDB globs them at each query,
    so files added by an import are seen at once)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise StoreError(f"the event store {directory} cannot be reached: no such folder")
    if not files(directory):
        raise StoreError(
            f"the event store {directory} holds no events yet (python -m conflictmap import FILE -o {directory}/)"
        )
    return con.read_parquet(str(directory / EVENTS / "year=*" / "month=*" / "*.parquet"), hive_partitioning=True)
