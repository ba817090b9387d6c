"""The embedded store for data larger than memory: events as Parquet files partitioned by date
(`DIR/events/year=YYYY/month=M/part-<uuid>.parquet`), each file sorted by date, read by DuckDB.

`DIR/store.json` holds the store's version (raised by every write that adds events) and its count.
Writes are idempotent: an event whose `event_id` the store already holds in the same month is not
written again, so importing the same file twice does not double its events.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
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


def connect_duckdb(threads: int | None = None) -> Any:
    import duckdb

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, **({"threads": threads} if threads else {})})
    return con


@dataclass
class Written:
    """What one write did: rows offered, rows added (the rest the store already held)."""

    offered: int
    added: int


class StoreWriter:
    """Appends events to a Parquet store folder, a chunk at a time (memory bounded by the chunk).

    >>> import tempfile
    >>> writer = StoreWriter(Path(tempfile.mkdtemp()) / "store")
    >>> events = conform(pd.DataFrame({"event_id": ["a:1"], "date_start": [pd.Timestamp("2024-01-04")]}))
    >>> writer.append(events), writer.append(events)
    (Written(offered=1, added=1), Written(offered=1, added=0))
    >>> writer.finish("doctest")["events"]
    1
    """

    def __init__(self, directory: Path, dedupe: bool = True) -> None:
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise ConflictmapError(f"the store {self.directory} is a file, not a folder")
        (self.directory / EVENTS).mkdir(parents=True, exist_ok=True)
        self.dedupe = dedupe
        self.con = connect_duckdb()
        self.offered = self.added = 0

    def append(self, events: pd.DataFrame) -> Written:
        """Write the events the store does not hold yet (by event_id, within their month)."""
        if events.empty:
            return Written(0, 0)
        frame = conform(events)
        undated = frame["date_start"].isna()
        if undated.any():
            raise ConflictmapError(f"{int(undated.sum())} events have no start date: a store partitions by date")
        import pyarrow as pa

        # through Arrow: the schema's text columns are Arrow-backed, so no per-value conversion
        table = pa.Table.from_pandas(frame, preserve_index=False)
        chunk = self.con.from_arrow(table)
        # dates as microsecond timestamps, which every Parquet reader takes (Spark refuses nanoseconds)
        columns = [
            f'"{name}"::TIMESTAMP AS "{name}"' if dtype.startswith("datetime") else f'"{name}"'
            for name, dtype in EVENT_COLUMNS.items()
        ]
        query = chunk.project(
            ", ".join(columns) + ", year(date_start)::INTEGER AS year, month(date_start)::INTEGER AS month"
        )
        keys = pd.unique(frame["date_start"].dt.year.to_numpy() * 100 + frame["date_start"].dt.month.to_numpy())
        months = {(int(key) // 100, int(key) % 100) for key in keys}
        held = files(self.directory, months) if self.dedupe else []
        added = len(frame)
        if held:
            existing = self.con.read_parquet(held, hive_partitioning=False).project("event_id")
            ids = self.con.from_arrow(table.select(["event_id"]))
            added -= int(ids.join(existing, "event_id", how="semi").aggregate("count(*)").fetchone()[0])
            query = query.join(existing, "event_id", how="anti")
        if added:
            # sorted by date, so that each file's row groups prune by date
            query.order("date_start").write_parquet(
                str(self.directory / EVENTS),
                partition_by=["year", "month"],
                append=True,
                filename_pattern="part-{uuid}",
                compression="zstd",
            )
        self.offered += len(frame)
        self.added += added
        return Written(len(frame), added)

    def finish(self, note: str, **recorded: str) -> dict[str, Any]:
        """Record the write in the manifest (a new version when events were added) and return it."""
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
        self.con.close()
        return content


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
