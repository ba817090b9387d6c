"""Time playback's frame rate in headless Chromium: `python -m conflictmap bench playback [--sizes 60000,1000000]`.

For each size, synthetic events are exported as a standalone map (`conflictmap.maps.standalone`,
the same playback layer the app sends) in points mode (the budget raised so that every event is a
dot; moving, cumulative, and cumulative near the end with nearly every dot on screen) and in cells
mode, opened from file://, and played a day a step at 120 steps a second, so that every animation
frame draws a new period. The frame rate is taken from requestAnimationFrame
timestamps over a few seconds: frames the layer drew per second, and the draw time of a frame.
`--app` also serves the app with that many synthetic events (plus the shipped data) and plays
from a share link, checking that Streamlit's script-run state stays `notRunning` meanwhile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.chromium import CHROMIUM_FLAGS, EXECUTABLE, served_app
from benchmarks.options import sizes

SECONDS = 4.0
#: Records rAF timestamps and the layer's frame counter while it plays, for `seconds`.
MEASURE_JS = """([seconds]) => new Promise(resolve => {
    const playback = window.map_under_test.conflictmapPlayback;
    const before = playback.state().frames, stamps = [];
    function loop(now) {
        stamps.push(now);
        if (now - stamps[0] < seconds * 1000 && playback.state().playing) { requestAnimationFrame(loop); return; }
        const state = playback.state();
        resolve({stamps, frames: state.frames - before, draws: state.frameTimes.slice(-(state.frames - before)),
                 events: state.events, mode: state.mode});
    }
    requestAnimationFrame(loop);
})"""
#: Records the script-run states Streamlit passes through (old and new value of every change).
WATCH_RUNS_JS = """(selector) => {
    const app = document.querySelector(selector);
    window.__runs = [];
    new MutationObserver(records => records.forEach(record => window.__runs.push(record.oldValue,
        app.getAttribute("data-test-script-state")))).observe(app, {attributes: true, attributeOldValue: true,
        attributeFilter: ["data-test-script-state"]});
}"""
#: The page's Leaflet map, whatever folium named it.
FIND_MAP_JS = """() => {
    const name = Object.keys(window).find(key => /^map_/.test(key) && window[key] && window[key].conflictmapPlayback);
    window.map_under_test = window[name] || window.map;
    return Boolean(window.map_under_test && window.map_under_test.conflictmapPlayback);
}"""


def _summary(label: str, count: int, sample: dict, extra: dict) -> dict:
    stamps = sample["stamps"]
    elapsed = (stamps[-1] - stamps[0]) / 1000
    draws = sorted(sample["draws"]) or [0.0]
    result = {
        "case": label,
        "events": count,
        "mode": sample["mode"],
        "fps": round(sample["frames"] / elapsed, 1) if elapsed else None,
        "animation_frames_per_s": round((len(stamps) - 1) / elapsed, 1) if elapsed else None,
        "draw_ms_median": round(statistics.median(draws), 2),
        "draw_ms_p95": round(draws[int(len(draws) * 0.95) - 1 if len(draws) > 1 else 0], 2),
        **extra,
    }
    print(json.dumps(result))
    return result


def _play(frame, keyboard, seconds: float) -> dict:
    """Focus the control in `frame` (a page or the map's iframe), press space, measure."""
    assert frame.evaluate(FIND_MAP_JS), "no playback on the page"
    frame.locator(".cm-playback").focus()
    keyboard.press("Space")
    frame.wait_for_function("() => window.map_under_test.conflictmapPlayback.state().playing")
    return frame.evaluate(MEASURE_JS, [seconds])


def measure_standalone(browser, count: int, seconds: float = SECONDS) -> list[dict]:
    """Points (budget raised), points cumulative and cells, from a standalone export of `count` events."""
    from conflictmap.maps.standalone import standalone_map
    from conflictmap.sharelink import Playback
    from conflictmap.synthetic import synthetic_events

    events = synthetic_events(count, seed=5)
    first_day, last_day = events["date_start"].min().date(), events["date_start"].max().date()
    near_end = last_day - dt.timedelta(days=int(seconds * 120) + 30)  # nearly every dot on screen, every frame
    cases = [("cells", (0, 0), "moving", first_day)]
    if count <= 200_000:
        cases[:0] = [
            ("points", (0, count), "moving", first_day),
            ("points, cumulative", (0, count), "cumulative", first_day),
            ("points, cumulative near the end", (0, count), "cumulative", near_end),
        ]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, limits, mode, at in cases:
            began = time.perf_counter()
            # From a day, as the app starts (the export's "every date" clusters are not measured).
            playback = Playback(at=at, window=30, mode=mode, step="day", speed=120.0)
            page_text = standalone_map(events, "playback benchmark", playback=playback, limits=limits)
            built = time.perf_counter() - began
            path = Path(folder) / f"playback-{count}-{len(results)}.html"
            path.write_text(page_text, encoding="utf-8")
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            began = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector(".cm-playback", timeout=300_000)
            opened = time.perf_counter() - began
            sample = _play(page, page.keyboard, seconds)
            page.close()
            extra = {"page_mb": round(len(page_text) / 1e6, 1), "build_s": round(built, 2), "open_s": round(opened, 2)}
            results.append(_summary(f"standalone {label}", count, sample, extra))
    return results


def measure_app(browser, count: int, seconds: float = SECONDS) -> dict:
    """The app serving `count` synthetic events, played from a link: fps and whether any script ran."""

    with served_app(count, start_timeout=300) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/?play_at=2000-01-01&play_step=day&play_speed=60")
        app = '[data-testid="stApp"]'
        page.wait_for_selector(app + '[data-test-script-state="notRunning"]', timeout=600_000)
        frame_element = page.locator('iframe[title="streamlit_folium.st_folium"]')
        frame_element.scroll_into_view_if_needed()
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_selector(".cm-playback", timeout=300_000)
        page.wait_for_url(re.compile(r"[?&]lat="), timeout=120_000)  # the map's first report, and its rerun
        page.wait_for_selector(app + '[data-test-script-state="notRunning"]', timeout=120_000)
        page.evaluate(WATCH_RUNS_JS, app)
        sample = _play(frame, page.keyboard, seconds)
        runs = page.evaluate("() => window.__runs")
        page.close()
    return _summary("app", count, sample, {"script_ran_while_playing": "running" in runs})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conflictmap bench playback", description=__doc__)
    parser.add_argument("--sizes", type=sizes, default="60000,1000000", help="numbers of synthetic events")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="how long each case plays")
    parser.add_argument("--app", action="store_true", help="also play in the served app (slower: starts a server)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=EXECUTABLE, args=CHROMIUM_FLAGS)
        for count in args.sizes:
            measure_standalone(browser, count, args.seconds)
            if args.app:
                measure_app(browser, count, args.seconds)
        browser.close()


if __name__ == "__main__":
    main()
