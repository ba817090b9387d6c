"""The choropleth's cost: `python -m conflictmap bench choropleth [--synthetic 1000000] [--no-browser]`.

On the shipped data (read and geocoded as the app does): placing every event in its district
(`conflictmap.maps.choropleth.assign`, vectorised point-in-polygon) against a naive loop that tests
each event against each district's rings in Python (timed on a sample, per event), the layer's
build time, and the payload one rerun sends (the map and its layer, rendered as st_folium does) with
the events drawn and with the choropleth, per date window. `--synthetic N` also places N synthetic
events. Then, unless `--no-browser`, the time to the first map in headless Chromium on the served app
(all shipped events, a fresh browser each time, so the shapes are fetched too): events drawn
(markers) against units drawn, alternating, median of `--rounds`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time

import numpy as np

from benchmarks.chromium import CHROMIUM_FLAGS, EXECUTABLE, served_app
from benchmarks.map_payload import _render_like_st_folium

WINDOWS_DAYS = (30, 365, 3650, 20000)
NAIVE_SAMPLE = 300


def _naive_locate(lat: float, lon: float, rings: tuple) -> int:
    """One point against every unit, in Python: the bounding box, then even-odd ray casting."""
    for unit, unit_rings in enumerate(rings):
        inside = False
        for ring in unit_rings:
            if not (ring[:, 0].min() <= lon <= ring[:, 0].max() and ring[:, 1].min() <= lat <= ring[:, 1].max()):
                continue
            points = ring.tolist()
            for (x0, y0), (x1, y1) in itertools.pairwise(points):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
        if inside:
            return unit
    return -1


def measure_python(synthetic: int) -> dict:
    from conflictmap.datasets import load_events, shipped
    from conflictmap.geocode.compose import base_geocoder
    from conflictmap.maps import choropleth
    from conflictmap.maps.assets import MapAssets
    from conflictmap.maps.basemap import base_map, type_colors
    from conflictmap.maps.layers import events_layer

    events = load_events(shipped(), base_geocoder()).events
    units = choropleth.load_units()
    began = time.perf_counter()
    codes = choropleth.assign(events, units)
    assign_ms = (time.perf_counter() - began) * 1000
    sample = events.dropna(subset=["latitude"]).sample(NAIVE_SAMPLE, random_state=1)
    began = time.perf_counter()
    rings = units["district"].rings
    naive = [_naive_locate(lat, lon, rings) for lat, lon in zip(sample.latitude, sample.longitude, strict=True)]
    naive_per_event_ms = (time.perf_counter() - began) * 1000 / NAIVE_SAMPLE
    ours = choropleth.locate(sample.latitude.to_numpy(), sample.longitude.to_numpy(), units["district"].rings)
    result: dict = {
        "events": len(events),
        "assign_ms": round(assign_ms, 1),
        "naive_assign_ms_estimated": round(naive_per_event_ms * len(events), 1),
        "speedup": round(naive_per_event_ms * len(events) / assign_ms, 1),
        "naive_agrees": bool((np.array(naive) == ours).all()),
        "counted_in_a_district": int(codes["district"].notna().sum()),
    }
    colors = type_colors(list(events["event_type"].dropna().value_counts().index))
    assets = MapAssets()
    last = events["date_start"].max()
    rows = []
    for days in WINDOWS_DAYS:
        shown = events[events["date_start"] > last - np.timedelta64(days, "D")]
        layer = events_layer(shown, colors)
        off = _render_like_st_folium(base_map(events, colors, assets), layer.group)
        began = time.perf_counter()
        units_layer = choropleth.units_layer(shown, "district", "events", assets, everything=events)
        layer_ms = (time.perf_counter() - began) * 1000
        on = _render_like_st_folium(base_map(events, colors, assets), units_layer.group)
        rows.append({"days": days, "events": len(shown), "mode_off": str(layer.plan.mode), "payload_off": off,
                     "payload_on": on, "units_layer_ms": round(layer_ms, 1)})  # fmt: skip
    result["windows"] = rows
    if synthetic:
        from conflictmap.synthetic import synthetic_events

        many = synthetic_events(synthetic, seed=1)
        began = time.perf_counter()
        choropleth.assign(many, units)
        result[f"assign_ms_{synthetic}_synthetic"] = round((time.perf_counter() - began) * 1000, 1)
    return result


def measure_first_map(rounds: int) -> dict:
    """Seconds from opening the page to events drawn (off) or units drawn (on), fresh browsers."""
    from playwright.sync_api import sync_playwright

    link = "/?start=1989-01-01&end=2030-01-01"
    waits = {
        "off": "() => document.querySelector('.leaflet-marker-icon') !== null",
        "on": "() => (document.querySelector('.leaflet-container') || {getAttribute: () => null})"
        ".getAttribute('data-units') === 'district:101'",
    }
    times: dict[str, list[float]] = {"off": [], "on": []}
    with served_app(0, start_timeout=300) as url, sync_playwright() as playwright:
        warm = playwright.chromium.launch(executable_path=EXECUTABLE, args=CHROMIUM_FLAGS)
        page = warm.new_page()
        page.goto(url + link)  # the server loads the data and imports everything once, not timed
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=600_000)
        warm.close()
        for _ in range(rounds):
            for case in ("off", "on"):
                browser = playwright.chromium.launch(executable_path=EXECUTABLE, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                began = time.perf_counter()
                page.goto(url + link + ("&units=district" if case == "on" else ""))
                frame_element = page.locator('iframe[title="streamlit_folium.st_folium"]')
                frame_element.wait_for(timeout=120_000)
                frame = frame_element.element_handle().content_frame()
                frame.wait_for_function(waits[case], timeout=120_000)
                times[case].append(time.perf_counter() - began)
                browser.close()
    return {
        "first_map_s_events": round(statistics.median(times["off"]), 2),
        "first_map_s_choropleth": round(statistics.median(times["on"]), 2),
        "all_s": {case: [round(t, 2) for t in values] for case, values in times.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m conflictmap bench choropleth", description=__doc__)
    parser.add_argument("--synthetic", type=int, default=0, help="also place this many synthetic events")
    parser.add_argument("--no-browser", action="store_true", help="skip the first-map times in Chromium")
    parser.add_argument("--rounds", type=int, default=3, help="first-map measurements per case")
    args = parser.parse_args(argv)
    result = measure_python(args.synthetic)
    print(f"placing {result['events']:,} events in their district: {result['assign_ms']} ms "
          f"(naive Python loop, estimated from {NAIVE_SAMPLE} events: {result['naive_assign_ms_estimated']} ms, "
          f"{result['speedup']}x slower; same answers: {result['naive_agrees']})")  # fmt: skip
    print(f"{'window days':>11} {'events':>7} {'drawn as':>8} {'payload off':>11} {'payload on':>10} {'layer ms':>8}")
    for row in result["windows"]:
        print(f"{row['days']:>11} {row['events']:>7,} {row['mode_off']:>8} {row['payload_off']:>11,} "
              f"{row['payload_on']:>10,} {row['units_layer_ms']:>8}")  # fmt: skip
    if not args.no_browser:
        result.update(measure_first_map(args.rounds))
        print(f"first map, all shipped events: events drawn {result['first_map_s_events']} s, choropleth "
              f"drawn {result['first_map_s_choropleth']} s (median of {args.rounds}, fresh browsers)")  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
