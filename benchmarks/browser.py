"""The map in headless Chromium, where its time goes: `python -m conflictmap bench browser --sizes 0,1000000`.

For each size (synthetic events served beside the shipped data; 0 = the shipped data alone) it
serves the app on a free local port, waits until the server has loaded the data (a warm server),
and measures in Chromium:

- the first map of a new visitor (`--visits`, each in a fresh browser context): navigation to the
  events layer painted and to the basemap drawn, with the stages in between: Streamlit's page
  shell, its websocket, the script run on the server, the map message, the map's iframe and its
  files, the map script, the events layer, the basemap's data files received, its script's steps
  (performance marks in static/basemap/basemap.js: started, land data parsed, land drawn, lines
  drawn, labels drawn); and how many script runs the first map took;
- a date slider change to the map redrawn (`--changes`): key press, the rerun request on the
  websocket, the script run on the server, the map message (its size), its arrival in the map's
  iframe, the events layer built (JavaScript) and painted.

The server's script runs are timed inside the server (a hook around Streamlit's script run; with
`--profile`, pyinstrument profiles them and the median slider run's profile is printed).
`--against DIR` measures another checkout (e.g. `git worktree add ../base main`) in the same run,
alternating with this one, and prints the ratios. The machine's load average is printed with the
figures: on a shared machine, compare only figures of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.chromium import CHROMIUM_FLAGS, EXECUTABLE, ROOT
from benchmarks.options import sizes

#: Run in the server process (`python -c`): times every script run, optionally with pyinstrument,
#: appending one JSON line per run to $CONFLICTMAP_BENCH_RUNS, then serves as the app's own
#: `python -m conflictmap.app.serve` does (the shared data loads at server start).
SERVER_HOOK = r"""
import json, os, sys, time
from streamlit.runtime.scriptrunner import script_runner
run_script = script_runner.exec_func_with_error_handling
runs, profile = os.environ["CONFLICTMAP_BENCH_RUNS"], os.environ.get("CONFLICTMAP_BENCH_PROFILE") == "1"
def timed(function, context):
    start, began, profiler = time.time(), time.perf_counter(), None
    if profile:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.0005)
        profiler.start()
    try:
        return run_script(function, context)
    finally:
        record = {"start": start * 1000, "ms": (time.perf_counter() - began) * 1000}
        if profiler is not None:
            profiler.stop()
            record["profile"] = profiler.output_text(color=False, unicode=False)
        with open(runs, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
script_runner.exec_func_with_error_handling = timed
from conflictmap.app.serve import main
main(sys.argv[1:])
"""

#: Added to every frame before its own scripts: in the page, the websocket's messages (time, bytes);
#: in the map's iframe, the render messages from Streamlit (time, characters), the map's creation,
#: and each events layer added (time; the next animation frame; the task after it, when painted).
RECORDER = r"""
(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__bench = {ws: [], renders: [], layers: [], origin: performance.timeOrigin};
  if (window === window.top) {
    const Native = window.WebSocket;
    function Recorded(...args) {
      const socket = new Native(...args);
      const send = socket.send.bind(socket);
      socket.send = (data) => {
        __bench.ws.push({sent: true, t: now(), bytes: data.byteLength ?? data.length});
        return send(data);
      };
      socket.addEventListener("message", (e) => {
        __bench.ws.push({sent: false, t: now(), bytes: e.data.byteLength ?? e.data.size ?? e.data.length});
      });
      return socket;
    }
    Recorded.prototype = Native.prototype;
    for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Recorded[name] = Native[name];
    window.WebSocket = Recorded;
    return;
  }
  window.addEventListener("message", (e) => {
    if (!e.data || e.data.type !== "streamlit:render") return;
    let chars = 0;
    for (const value of Object.values(e.data.args || {})) if (typeof value === "string") chars += value.length;
    __bench.renders.push({t: now(), chars: chars, layer: (e.data.args.feature_group || "").length});
  }, true);
  let map, layers;
  Object.defineProperty(window, "map", {configurable: true, get() { return map; }, set(value) {
    map = value; __bench.map = now();
  }});
  Object.defineProperty(window, "feature_group", {configurable: true, get() { return layers; }, set(value) {
    layers = value;
    if (!value || value.__bench) return;
    value.__bench = true;
    const push = value.push.bind(value);
    value.push = (...added) => {
      const result = push(...added), record = {t: now()};
      __bench.layers.push(record);
      requestAnimationFrame(() => { record.frame = now(); setTimeout(() => { record.painted = now(); }, 0); });
      return result;
    };
  }});
})();
"""

#: The link opened: every date (all 7,473 UCDP events in view), or from 2000 with synthetic events.
ALL_DATES, FROM_2000 = "/?start=1989-01-01&end=2024-12-31", "/?start=2000-01-01&end=2024-12-31"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


@dataclass
class Served:
    """A checkout's app served with `count` synthetic events, its script runs recorded."""

    root: Path
    count: int
    url: str
    runs: Path
    process: subprocess.Popen
    log: Path

    def script_runs(self, since: float) -> list[dict]:
        lines = self.runs.read_text(encoding="utf-8").splitlines() if self.runs.exists() else []
        return [run for run in map(json.loads, lines) if run["start"] >= since]


@contextmanager
def serve(root: Path, count: int, profile: bool, timeout: float = 600) -> Iterator[Served]:
    """The app of checkout `root`, warm: yields once the server says its shared data is ready."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    runs, log = folder / "runs.jsonl", folder / "server.log"
    env = {
        **os.environ,
        "CONFLICTMAP_SYNTHETIC_EVENTS": str(count),
        "CONFLICTMAP_BENCH_RUNS": str(runs),
        "CONFLICTMAP_BENCH_PROFILE": "1" if profile else "0",
        "PYTHONPATH": str(root),
    }
    command = [sys.executable, "-c", SERVER_HOOK, "--server.port", str(port), "--server.address", "localhost",
               "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
    served = Served(root, count, f"http://localhost:{port}", runs, process, log)
    try:
        deadline = time.monotonic() + timeout
        while "the shared data is ready" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app in {root} did not get ready:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        with urllib.request.urlopen(served.url + "/_stcore/health", timeout=10):
            pass
        yield served
    finally:
        process.terminate()
        process.wait(timeout=30)


def _open(browser, served: Served, path: str) -> tuple:
    """A fresh context and page with the recorder, on `path`; returns (context, page, frame, opened at)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.goto(served.url + path, wait_until="commit")
    element = page.locator(MAP_IFRAME)
    element.wait_for(timeout=300_000)
    frame = element.element_handle().content_frame()
    frame.wait_for_function("() => window.__bench.layers.some(layer => layer.painted)", timeout=300_000)
    return context, page, frame


#: static/basemap/basemap.js's performance marks once its land, lines and labels are drawn.
DRAWN_MARKS = ("cm-land-drawn", "cm-lines-drawn", "cm-labels-drawn")


def first_map(browser, served: Served, path: str) -> dict:
    """One new visitor's first map, in stages (milliseconds from the navigation's start)."""
    context, page, frame = _open(browser, served, path)
    frame.wait_for_function(
        "() => { const c = window.map && window.map.getContainer(); "
        "return c && c.getAttribute('data-outlines') === 'drawn' && c.hasAttribute('data-basemap'); }",
        timeout=120_000,
    )
    basemap = frame.evaluate("() => performance.timeOrigin + performance.now()")
    page.wait_for_selector(IDLE, timeout=120_000)
    top = page.evaluate(
        "() => ({bench: window.__bench, nav: performance.getEntriesByType('navigation')[0].toJSON(),"
        " frame: document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]')"
        ".getBoundingClientRect().height})"
    )
    inner = frame.evaluate(
        "() => ({bench: window.__bench, resources: performance.getEntriesByType('resource')"
        ".map(r => ({name: r.name, start: r.startTime, end: r.responseEnd})),"
        " marks: Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))})"
    )
    context.close()
    origin, bench = top["bench"]["origin"], inner["bench"]
    runs = served.script_runs(origin)
    first_layer = bench["layers"][0]
    scripts = [r for r in inner["resources"] if r["name"].endswith(".js") and "/static/js/main" not in r["name"]]
    data = [r for r in inner["resources"] if r["name"].endswith(".json")]
    received = [m for m in top["bench"]["ws"] if not m["sent"]]
    drawn = [inner["marks"][mark] for mark in DRAWN_MARKS if mark in inner["marks"]]
    return {
        "shell_ms": top["nav"]["domContentLoadedEventEnd"],
        "socket_ms": min(m["t"] for m in top["bench"]["ws"]) - origin,
        "script_start_ms": runs[0]["start"] - origin if runs else None,
        "script_ms": runs[0]["ms"] if runs else None,
        "runs": len(runs),
        "map_message_ms": max(received, key=lambda m: m["bytes"])["t"] - origin,
        "map_message_bytes": max(m["bytes"] for m in received),
        "iframe_ms": bench["origin"] - origin,
        "render_ms": bench["renders"][0]["t"] - origin,
        "map_files_ms": (max(r["end"] for r in scripts) + bench["origin"] - origin) if scripts else None,
        # the basemap's data (land, lines, labels) received: the map script fetches it (maps.basemap)
        "basemap_files_ms": (max(r["end"] for r in data) + bench["origin"] - origin) if data else None,
        "map_created_ms": bench["map"] - origin,
        "layer_built_ms": first_layer["t"] - origin,
        "events_drawn_ms": first_layer["painted"] - origin,
        # performance marks of static/basemap/basemap.js (its script started, land and lines drawn)
        **{
            f"{stage}_ms": (inner["marks"][f"cm-{stage.replace('_', '-')}"] + bench["origin"] - origin)
            if f"cm-{stage.replace('_', '-')}" in inner["marks"]
            else None
            for stage in ("basemap_start", "land_data", "land_drawn", "lines_drawn", "labels_drawn")
        },
        # the last of the basemap's land, lines and labels drawn, by the page's own clock; "seen" is when
        # Playwright saw the map's attributes say so (its polling and round trip included)
        "basemap_drawn_ms": max(drawn) + bench["origin"] - origin if len(drawn) == len(DRAWN_MARKS) else None,
        "basemap_seen_ms": basemap - origin,
        "layers": len(bench["layers"]),
        "profile": runs[0].get("profile") if runs else None,
    }


def slider_changes(browser, served: Served, path: str, changes: int) -> list[dict]:
    """Date slider changes (the start thumb, PageUp) to the map redrawn, in stages."""
    context, page, frame = _open(browser, served, path)
    page.wait_for_selector(IDLE, timeout=120_000)
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    measured = []
    for _ in range(changes):
        before = frame.evaluate("() => { window.__bench.renders = []; return window.__bench.layers.length; }")
        page.evaluate("() => { window.__bench.ws = []; }")
        thumb.focus()
        pressed = page.evaluate("() => performance.timeOrigin + performance.now()")
        page.keyboard.press("PageUp")
        frame.wait_for_function(
            f"() => window.__bench.layers.length > {before} && window.__bench.layers[{before}].painted",
            timeout=120_000,
        )
        page.wait_for_selector(IDLE, timeout=120_000)
        top, inner = page.evaluate("() => window.__bench"), frame.evaluate("() => window.__bench")
        layer, render = inner["layers"][before], inner["renders"][-1]
        sent = [m for m in top["ws"] if m["sent"]]
        received = [m for m in top["ws"] if not m["sent"]]
        biggest = max(received, key=lambda m: m["bytes"])
        runs = served.script_runs(pressed)
        measured.append(
            {
                "total_ms": layer["painted"] - pressed,
                "to_request_ms": sent[0]["t"] - pressed,
                "request_to_script_ms": runs[0]["start"] - sent[0]["t"] if runs else None,
                "script_ms": runs[0]["ms"] if runs else None,
                "script_to_message_ms": biggest["t"] - (runs[0]["start"] + runs[0]["ms"]) if runs else None,
                "message_bytes": biggest["bytes"],
                "message_to_iframe_ms": render["t"] - biggest["t"],
                "layer_chars": render["layer"],
                "layer_built_ms": layer["t"] - render["t"],
                "painted_ms": layer["painted"] - layer["t"],
                "runs": len(runs),
                "profile": runs[0].get("profile") if runs else None,
            }
        )
    context.close()
    return measured


def _median(rows: list[dict], key: str) -> float | None:
    values = [row[key] for row in rows if row.get(key) is not None]
    return statistics.median(values) if values else None


@dataclass
class Figures:
    label: str
    count: int
    visits: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)


VISIT_STAGES = ("shell_ms", "socket_ms", "script_start_ms", "script_ms", "map_message_ms", "iframe_ms",
                "render_ms", "map_files_ms", "map_created_ms", "layer_built_ms", "events_drawn_ms",
                "basemap_files_ms", "basemap_start_ms", "land_data_ms", "land_drawn_ms", "lines_drawn_ms",
                "labels_drawn_ms", "basemap_drawn_ms", "basemap_seen_ms", "map_message_bytes", "runs")  # fmt: skip
CHANGE_STAGES = ("total_ms", "to_request_ms", "request_to_script_ms", "script_ms", "script_to_message_ms",
                 "message_bytes", "message_to_iframe_ms", "layer_built_ms", "painted_ms", "runs")  # fmt: skip


def report(results: list[Figures]) -> None:
    """A table per measure: median of each stage, one column per checkout and size; then ratios."""
    heads = [f"{f.label} {f.count:,}" for f in results]
    for title, stages, attribute in (
        ("first map of a new visitor on a warm server (ms from navigation start; median)", VISIT_STAGES, "visits"),
        ("date slider change to map redrawn (ms; median)", CHANGE_STAGES, "changes"),
    ):
        print(f"\n{title}")
        print(f"{'':>22}" + "".join(f"{head:>22}" for head in heads))
        for stage in stages:
            cells = [_median(getattr(f, attribute), stage) for f in results]
            print(f"{stage:>22}" + "".join(f"{'-' if c is None else f'{c:,.0f}':>22}" for c in cells))
    maxima = [max((c["total_ms"] for c in f.changes), default=0) for f in results]
    print(f"\n{'slider max ms':>22}" + "".join(f"{m:>22,.0f}" for m in maxima))
    labels = sorted({f.label for f in results})
    if len(labels) == 2:
        print("\nratios (against / this checkout), same run:")
        for count in sorted({f.count for f in results}):
            pair = {f.label: f for f in results if f.count == count}
            if len(pair) < 2:
                continue
            this, other = pair["this"], pair[next(label for label in labels if label != "this")]
            for stage, attribute in (("total_ms", "changes"), ("events_drawn_ms", "visits")):
                mine, theirs = _median(getattr(this, attribute), stage), _median(getattr(other, attribute), stage)
                if mine and theirs:
                    print(f"  {count:>9,} events, {stage:>16}: {theirs:,.0f} / {mine:,.0f} = {theirs / mine:.2f}x")
    for f in results:
        for what, rows in (("first visit's first", f.visits), ("slider", f.changes)):
            profiled = [row for row in rows if row.get("profile")]
            if profiled:
                middle = sorted(profiled, key=lambda row: row["script_ms"])[len(profiled) // 2]
                print(f"\n--- profile of the median {what} run ({f.label}, {f.count:,} events) ---")
                print(middle["profile"])
    summary = [
        {
            "checkout": f.label,
            "events": f.count,
            "slider_to_map_ms": _median(f.changes, "total_ms"),
            "slider_to_map_max_ms": max((c["total_ms"] for c in f.changes), default=None),
            "first_map_ms": _median(f.visits, "events_drawn_ms"),
            "basemap_drawn_ms": _median(f.visits, "basemap_drawn_ms"),
            "script_ms": _median(f.changes, "script_ms"),
            "message_bytes": _median(f.changes, "message_bytes"),
        }
        for f in results
    ]
    for line in summary:
        print(json.dumps(line))


def bench_browser(
    counts: list[int], visits: int, changes: int, profile: bool, against: Path | None, path: str | None = None
) -> list[Figures]:
    from playwright.sync_api import sync_playwright

    checkouts = [("this", ROOT)] + ([("against", against.resolve())] if against else [])
    print(f"load average at start: {_load()} ({os.cpu_count()} cores)", flush=True)
    results: list[Figures] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=EXECUTABLE, args=CHROMIUM_FLAGS)
        for count in counts:
            opened = path or (ALL_DATES if count == 0 else FROM_2000)
            with ExitStack() as stack:
                served = {label: stack.enter_context(serve(root, count, profile)) for label, root in checkouts}
                figures = {label: Figures(label, count) for label, _ in checkouts}
                for label in served:  # a first visit each, not counted: the server's first run of the page
                    first_map(browser, served[label], opened)
                for _ in range(visits):  # alternating, so that both see the same load
                    for label in served:
                        figures[label].visits.append(first_map(browser, served[label], opened))
                for label in served:
                    figures[label].changes = slider_changes(browser, served[label], opened, changes)
                results.extend(figures.values())
            print(f"measured {count:,} events; load average {_load()}", flush=True)
        browser.close()
    report(results)
    print(f"load average at end: {_load()}")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m conflictmap bench browser", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=sizes, default="1000000", help="synthetic events served (0: shipped data only)")
    parser.add_argument("--visits", type=int, default=5, help="first maps measured per size (fresh contexts)")
    parser.add_argument("--changes", type=int, default=7, help="slider changes measured per size")
    parser.add_argument("--profile", action="store_true", help="profile the server's script runs (pyinstrument)")
    parser.add_argument("--against", type=Path, help="another checkout to measure in the same run (e.g. main's)")
    parser.add_argument(
        "--path",
        help="the page and link opened (default: every date with the shipped data alone, "
        "from 2000 with synthetic events, as this benchmark always did)",
    )
    args = parser.parse_args(argv)
    bench_browser(args.sizes, args.visits, args.changes, args.profile, args.against, args.path)


if __name__ == "__main__":
    main()
