"""Event stores at scale: `python -m conflictmap bench store [--sizes 10000000,100000000]`.

Seeded synthetic events (`conflictmap.synthetic`, data set "SYNTHETIC (benchmark)") are written to
each engine available — DuckDB over Parquet (always), PostgreSQL (a throwaway server, when Debian's
server is installed), Spark in local mode over the DuckDB store's Parquet files — and the in-memory
store is measured beside them (up to --memory-max events). Per slider change (a date window ending
at the data's last day → figures + map layer input + timeline, as the Map page asks) it prints the
query time, the rows returned, the map layer's payload in bytes and the server process's memory;
then one JSON line per engine and size with `engine`, `events`, `slider_ms` (median over windows of
30 days to 10 years), `first_map_ms`, `payload_bytes` (median), `rss_mb` (the answering process's
peak), `import_rows_per_s` and `import_rss_mb` (the writing process's peak).

Each engine answers in a fresh process, so its memory is its own. Stores are kept in --dir and
reused when they already hold the size asked (`--fresh` writes them again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.options import sizes

#: Slider positions: windows of these many days ending at the data's last day.
WINDOWS_DAYS = (30, 90, 365, 1095, 3650)
#: Events generated and written per chunk (a slice of the 25 years of synthetic data).
CHUNK = 1_000_000
FIRST, LAST = pd.Timestamp("2000-01-01"), pd.Timestamp("2024-12-31")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def synthetic_chunks(count: int):
    """The size's events, a chunk at a time, each chunk a slice of time (as files arrive), with
    unique ids; seeded, so every engine gets the same events."""
    from conflictmap.schema import conform
    from conflictmap.synthetic import synthetic_events

    parts = max(math.ceil(count / CHUNK), 1)
    edges = pd.date_range(FIRST, LAST + pd.Timedelta(days=1), periods=parts + 1).normalize()
    done = 0
    for part in range(parts):
        size = min(CHUNK, count - done)
        end = edges[part + 1] - pd.Timedelta(days=1)
        events = synthetic_events(size, seed=part + 1, start=str(edges[part].date()), end=str(end.date()))
        events["event_id"] = "synthetic:" + pd.Series(range(done, done + size)).astype(str).to_numpy()
        done += size
        yield conform(events)


def write_duckdb(directory: str, count: int) -> dict:
    from conflictmap.store.parquet import StoreWriter

    writer = StoreWriter(Path(directory), dedupe=True)
    seconds = 0.0
    for chunk in synthetic_chunks(count):  # generating the events is not timed; staging and writing them is
        started = time.perf_counter()
        writer.append(chunk)
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    writer.finish(f"bench store: {count:,} synthetic events")
    seconds += time.perf_counter() - started
    return {"import_rows_per_s": round(count / seconds), "import_s": round(seconds, 1), "import_rss_mb": _peak_rss_mb()}


def write_postgres(url: str, count: int) -> dict:
    import psycopg

    from conflictmap.store import postgres

    seconds = 0.0
    with psycopg.connect(url) as connection:
        for chunk in synthetic_chunks(count):
            started = time.perf_counter()
            postgres.write(connection, chunk)
            seconds += time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE events")
        connection.commit()
    return {"import_rows_per_s": round(count / seconds), "import_s": round(seconds, 1), "import_rss_mb": _peak_rss_mb()}


def _open(engine: str, where: str, count: int):
    if engine == "memory":
        from conflictmap.store.memory import MemoryStore

        return MemoryStore(pd.concat(list(synthetic_chunks(count)), ignore_index=True))
    from conflictmap.store.engines import open_store

    return open_store({"duckdb": f"duckdb://{where}", "postgres": where, "spark": f"spark://local{where}"}[engine])


def _payload(answer, colors) -> int:
    """Bytes of the events layer as st_folium sends it (its feature group's script)."""
    import folium
    from streamlit_folium import _get_feature_group_string

    from conflictmap.store.layer import map_layer

    layer = map_layer(answer, colors)
    fmap = folium.Map(location=[33, 44], zoom_start=5, tiles=None)
    return len(_get_feature_group_string(layer.group, map=fmap))


def slider(engine: str, where: str, count: int) -> dict:
    """Open the store as a server would, then move the slider over the windows."""
    from conflictmap.figures import suggest_period
    from conflictmap.filters import Filters
    from conflictmap.maps.basemap import type_colors

    started = time.perf_counter()
    store = _open(engine, where, count)
    choices, (first, last) = store.choices(), store.date_bounds()
    colors = type_colors(choices["type"])
    opened_ms = (time.perf_counter() - started) * 1000
    changes = []
    for round_ in range(2):  # the first round warms caches (the first map on a warm server); the second counts
        for days in WINDOWS_DAYS:
            start = max(last - dt.timedelta(days=days - 1), first)
            filters = Filters(start, last)
            began = time.perf_counter()
            numbers = store.figures(filters)
            answer = store.map_input(filters)
            timeline = store.over_time(filters, suggest_period(pd.Timestamp(start), pd.Timestamp(last)))
            took = (time.perf_counter() - began) * 1000
            if round_ == 1:
                drawn = len(answer.events) if answer.events is not None else len(answer.cells)
                changes.append(
                    {
                        "days": days,
                        "in_window": numbers.events,
                        "mode": str(answer.plan.mode),
                        "ms": round(took, 1),
                        "rows": 1 + drawn + len(timeline),
                        "payload_bytes": _payload(answer, colors),
                        "rss_mb": round(_rss_mb()),
                    }
                )
            elif days == WINDOWS_DAYS[0]:
                first_map_ms = took
    return {
        "open_ms": round(opened_ms),
        "first_map_ms": round(first_map_ms),
        "changes": changes,
        "slider_ms": round(statistics.median(c["ms"] for c in changes), 1),
        "payload_bytes": round(statistics.median(c["payload_bytes"] for c in changes)),
        "rss_mb": round(_peak_rss_mb()),
    }


def _in_process(function, *args):
    """Run `function(*args)` in a fresh process (its memory its own) and return its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def _postgres_available() -> bool:
    try:
        import psycopg  # noqa: F401

        from tests.store.servers import postgres_bin
    except ImportError:
        return False
    return postgres_bin() is not None


def run(args: argparse.Namespace) -> list[dict]:
    results = []
    base = Path(args.dir)
    base.mkdir(parents=True, exist_ok=True)
    servers = None
    for count in args.sizes:
        directory = base / f"duckdb-{count}"
        from conflictmap.store.parquet import manifest

        wrote: dict = {}
        if args.fresh or manifest(directory).get("events") != count:
            shutil.rmtree(directory, ignore_errors=True)
            print(f"writing {count:,} synthetic events to DuckDB/Parquet in {directory} …", file=sys.stderr, flush=True)
            wrote = _in_process(write_duckdb, str(directory), count)
        plan = [("duckdb", str(directory), wrote)]
        if count <= args.memory_max:
            plan.append(("memory", "", {}))
        if "postgres" in args.engines and count <= args.postgres_max and _postgres_available():
            from tests.store.servers import postgres_server

            servers = servers or {}
            if "postgres" not in servers:
                servers["postgres_context"] = postgres_server()
                servers["postgres"] = servers["postgres_context"].__enter__()
            url = servers["postgres"]
            import psycopg

            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("DROP TABLE IF EXISTS events")
                connection.execute("DROP TABLE IF EXISTS conflictmap_store")
            print(f"writing {count:,} synthetic events to PostgreSQL …", file=sys.stderr, flush=True)
            plan.append(("postgres", url, _in_process(write_postgres, url, count)))
        if "spark" in args.engines and count <= args.spark_max and shutil.which("java"):
            plan.append(
                ("spark", str(directory), {"import_rows_per_s": None, "note": "reads the DuckDB store's files"})
            )
        for engine, where, written in plan:
            if engine not in args.engines:
                continue
            print(f"slider over {engine} at {count:,} events …", file=sys.stderr, flush=True)
            measured = _in_process(slider, engine, where, count)
            results.append({"engine": engine, "events": count, **measured, **written})
    if servers and "postgres_context" in servers:
        servers["postgres_context"].__exit__(None, None, None)
    return results


def report(results: list[dict]) -> None:
    print(
        f"{'engine':<9} {'events':>12} {'window':>7} {'in window':>11} {'mode':>8} {'query ms':>9} "
        f"{'rows':>7} {'payload B':>10} {'RSS MB':>7}"
    )
    for result in results:
        for change in result["changes"]:
            print(
                f"{result['engine']:<9} {result['events']:>12,} {change['days']:>6}d {change['in_window']:>11,} "
                f"{change['mode']:>8} {change['ms']:>9,.1f} {change['rows']:>7,} {change['payload_bytes']:>10,} "
                f"{change['rss_mb']:>7,}"
            )
    memory = {r["events"]: r["slider_ms"] for r in results if r["engine"] == "memory"}
    for result in results:
        if result["engine"] != "memory" and result["events"] in memory and memory[result["events"]]:
            print(
                f"{result['engine']} at {result['events']:,}: slider {result['slider_ms']} ms median against "
                f"{memory[result['events']]} ms in memory (x{result['slider_ms'] / memory[result['events']]:.2f})"
            )
    for result in results:
        line = {key: value for key, value in result.items() if key != "changes"}
        print(json.dumps(line))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conflictmap bench store", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default="10000000,100000000", help="numbers of synthetic events")
    parser.add_argument("--engines", default="duckdb,memory,postgres,spark", help="engines to measure")
    parser.add_argument("--memory-max", type=int, default=10_000_000, help="largest size measured in memory")
    parser.add_argument("--postgres-max", type=int, default=10_000_000, help="largest size written to PostgreSQL")
    parser.add_argument("--spark-max", type=int, default=10_000_000, help="largest size measured with Spark")
    parser.add_argument("--dir", default="/tmp/conflictmap-bench-store", help="where the stores are kept")
    parser.add_argument("--fresh", action="store_true", help="write the stores again even when present")
    args = parser.parse_args(argv)
    args.engines = [name.strip() for name in args.engines.split(",")]
    print(f"bench store: synthetic events (data set 'SYNTHETIC (benchmark)'), load average {_load()}", file=sys.stderr)
    report(run(args))


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
