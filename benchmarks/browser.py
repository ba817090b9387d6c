"""Slider change to map redrawn in headless Chromium: `python -m conflictmap bench browser --sizes 1000000`."""

from __future__ import annotations

import argparse
import json
import statistics
import time

from benchmarks.chromium import CHROMIUM_FLAGS, EXECUTABLE, served_app
from benchmarks.options import sizes


def measure_browser(count: int, changes: int = 5) -> dict:
    """Slider change to map redrawn, in headless Chromium, with `count` synthetic events served.

    Starts the app on a free local port with $CONFLICTMAP_SYNTHETIC_EVENTS, moves the start
    thumb of the date slider with the keyboard, and times until the map's events layer has
    been replaced (streamlit-folium swaps `window.feature_group`).
    """

    from playwright.sync_api import sync_playwright

    with served_app(count, start_timeout=180) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=EXECUTABLE, args=CHROMIUM_FLAGS)
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
    result = {
        "events": count,
        "first_map_s": round(first_map_s, 2),
        "slider_to_map_ms": round(statistics.median(timings), 1),
        "slider_to_map_max_ms": round(max(timings), 1),
    }
    print(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conflictmap bench browser", description=__doc__)
    parser.add_argument("--sizes", type=sizes, default="1000000", help="numbers of synthetic events served")
    args = parser.parse_args(argv)
    for count in args.sizes:
        measure_browser(count)


if __name__ == "__main__":
    main()
