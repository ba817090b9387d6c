"""Benchmarks that print figures (`python -m conflictmap bench map`); never timed tests.

`bench map` measures, per number of synthetic events, what one slider change costs in Python —
filter the date window, aggregate, build the map and render it as streamlit-folium does — the page
payload and the peak memory, against the naive one-`folium.Marker`-per-event map in the same run.
Each size runs in its own process so its peak memory is its own.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable

import pandas as pd

#: Slider positions tried per size: windows of these many days ending at the data's last day.
WINDOWS_DAYS = (30, 365, 3650, 9000)
NAIVE_LIMIT = 100_000  # the naive map takes minutes beyond this


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _render_like_st_folium(fmap, group) -> int:
    """What st_folium does with a map and its changing layer before sending them; returns bytes sent."""
    from streamlit_folium import _get_feature_group_string, _get_header, _get_html, _get_map_string

    fmap.get_root().render()
    html, header, script = _get_html(fmap), _get_header(fmap), _get_map_string(fmap)
    layer = _get_feature_group_string(group, map=fmap) if group is not None else ""
    return len(html) + len(header) + len(script) + len(layer)


def _timed(function: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def measure_map(count: int, naive: bool) -> dict:
    """One size: median milliseconds per slider change for each step, payload, naive ratio."""
    import folium

    from conflictmap.filters import window
    from conflictmap.layers import events_layer
    from conflictmap.mapassets import LOCAL_BASE, MapAssets
    from conflictmap.mapview import base_map, type_colors
    from conflictmap.synthetic import synthetic_events

    events = synthetic_events(count)
    events["geo_precision"] = events["geo_precision"].astype("string")
    assets = MapAssets(local=True, base=LOCAL_BASE)
    colors = type_colors(list(events["event_type"].cat.categories))
    last = events["date_start"].iloc[-1]
    steps: dict[str, list[float]] = {"filter_ms": [], "layer_ms": [], "render_ms": [], "python_ms": []}
    payloads, modes = [], []
    for days in WINDOWS_DAYS:
        start, end = (last - pd.Timedelta(days=days - 1)).date(), last.date()
        filter_ms, shown = _timed(lambda start=start, end=end: window(events, start, end))
        layer_ms, layer = _timed(lambda shown=shown: events_layer(shown, colors))

        def render(layer=layer):
            return _render_like_st_folium(base_map(events, colors, assets), layer.group)

        render_ms, payload = _timed(render)
        steps["filter_ms"].append(filter_ms)
        steps["layer_ms"].append(layer_ms)
        steps["render_ms"].append(render_ms)
        steps["python_ms"].append(filter_ms + layer_ms + render_ms)
        payloads.append(payload)
        modes.append(layer.plan.mode)
    result = {
        "events": count,
        **{k: round(statistics.median(v), 1) for k, v in steps.items()},
        "payload_bytes": max(payloads),
        "modes": sorted(set(modes)),
        "naive_ms": None,
        "speedup": None,
    }
    if naive and count <= NAIVE_LIMIT:
        # the naive map: one folium.Marker with a popup per event, for the widest window
        start = (last - pd.Timedelta(days=WINDOWS_DAYS[-1] - 1)).date()
        shown = window(events, start, last.date())
        result["naive_events"] = len(shown)

        def naive_map():
            fmap = folium.Map(location=[33, 44], zoom_start=5, tiles=None, maxZoom=18)
            group = folium.FeatureGroup(name="Events")
            for row in shown.itertuples(index=False):
                folium.Marker(
                    [row.latitude, row.longitude], popup=f"{row.date_start:%Y-%m-%d} {row.event_type}"
                ).add_to(group)
            return _render_like_st_folium(fmap, group)

        naive_ms, naive_bytes = _timed(naive_map, repeat=1)
        ours_ms = steps["python_ms"][-1]
        result.update(
            naive_ms=round(naive_ms, 1), naive_payload_bytes=naive_bytes, speedup=round(naive_ms / ours_ms, 1)
        )
    result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return result


def _run(count: int, naive: bool, queue) -> None:
    queue.put(measure_map(count, naive))


def bench_map(sizes: list[int], naive: bool = True) -> list[dict]:
    """Measure each size in a fresh process; print a table, then one JSON line per size."""
    context = multiprocessing.get_context("spawn")
    results = []
    for count in sizes:
        queue = context.Queue()
        process = context.Process(target=_run, args=(count, naive, queue))
        process.start()
        results.append(queue.get())
        process.join()
    header = (
        f"{'events':>11} {'mode':>14} {'filter ms':>9} {'layer ms':>9} {'render ms':>9} {'python ms':>9} "
        f"{'payload KB':>10} {'naive ms':>9} {'speedup':>8} {'peak MB':>8}"
    )
    print(header)
    for r in results:
        naive_ms = f"{r['naive_ms']:.0f}" if r["naive_ms"] is not None else "-"
        speedup = f"{r['speedup']:.0f}x" if r["speedup"] is not None else "-"
        print(
            f"{r['events']:>11,} {'/'.join(r['modes']):>14} {r['filter_ms']:>9.1f} {r['layer_ms']:>9.1f} "
            f"{r['render_ms']:>9.1f} {r['python_ms']:>9.1f} {r['payload_bytes'] / 1024:>10.0f} {naive_ms:>9} "
            f"{speedup:>8} {r['peak_rss_mb']:>8.0f}"
        )
    print(
        "(median over slider windows of "
        + ", ".join(f"{d} days" for d in WINDOWS_DAYS)
        + "; payload: the largest; naive: one folium.Marker per event in the widest window, "
        "rendered once, against ours on that window)"
    )
    for r in results:
        print(json.dumps(r))
    return results


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def measure_browser(count: int, changes: int = 5) -> dict:
    """Slider change to map redrawn, in headless Chromium, with `count` synthetic events served.

    Starts the app on a free local port with $CONFLICTMAP_SYNTHETIC_EVENTS, moves the start
    thumb of the date slider with the keyboard, and times until the map's events layer has
    been replaced (streamlit-folium swaps `window.feature_group`).
    """
    import os
    import socket
    import subprocess
    import sys
    import urllib.request
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CONFLICTMAP_SYNTHETIC_EVENTS": str(count)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port), "--server.address",
         "localhost", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            page.goto(url + "/?start=2000-01-01&end=2024-12-31")
            frame_element = page.locator('iframe[title="streamlit_folium.st_folium"]')
            frame_element.wait_for(timeout=300_000)
            frame = frame_element.element_handle().content_frame()
            frame.wait_for_function("() => window.feature_group && window.feature_group.length > 0", timeout=300_000)
            first_map_s = time.perf_counter() - start
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
            thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
            timings = []
            for _ in range(changes):
                frame.evaluate("() => { window.__layer = window.feature_group[window.feature_group.length - 1]; }")
                thumb.focus()
                began = time.perf_counter()
                page.keyboard.press("PageUp")
                frame.wait_for_function(
                    "() => window.feature_group[window.feature_group.length - 1] !== window.__layer", timeout=60_000
                )
                timings.append((time.perf_counter() - began) * 1000)
                page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    result = {
        "events": count,
        "first_map_s": round(first_map_s, 2),
        "slider_to_map_ms": round(statistics.median(timings), 1),
        "slider_to_map_max_ms": round(max(timings), 1),
    }
    print(json.dumps(result))
    return result
