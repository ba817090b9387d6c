"""What one slider change costs in Python, against the naive map: `python -m conflictmap bench map_payload`.

It measures, per number of synthetic events, what one slider change costs in Python —
filter the date window, aggregate, build the map and render it as streamlit-folium does — the page
payload and the peak memory, against the naive one-`folium.Marker`-per-event map in the same run.
Each size runs in its own process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable

import pandas as pd

from benchmarks.options import sizes

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
    from conflictmap.maps.arrays import data_set_arrays
    from conflictmap.maps.assets import MapAssets
    from conflictmap.maps.basemap import base_map, type_colors
    from conflictmap.maps.layers import events_layer
    from conflictmap.synthetic import synthetic_events

    events = synthetic_events(count).reset_index(drop=True)
    events["geo_precision"] = events["geo_precision"].astype("string")
    assets = MapAssets()
    colors = type_colors(list(events["event_type"].cat.categories))
    # once per data set, as the page does (layers.data_set_arrays); a slider change then reads slices
    arrays_ms, arrays = _timed(lambda: data_set_arrays(events, colors), repeat=1)
    last = events["date_start"].iloc[-1]
    steps: dict[str, list[float]] = {
        "filter_ms": [], "layer_ms": [], "layer_from_frame_ms": [], "render_ms": [], "python_ms": []
    }  # fmt: skip
    payloads, modes = [], []
    for days in WINDOWS_DAYS:
        start, end = (last - pd.Timedelta(days=days - 1)).date(), last.date()
        filter_ms, shown = _timed(lambda start=start, end=end: window(events, start, end))
        layer_ms, layer = _timed(lambda shown=shown: events_layer(shown, colors, data_set=arrays))
        frame_ms, _ = _timed(lambda shown=shown: events_layer(shown, colors))
        steps["layer_from_frame_ms"].append(frame_ms)

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
        "data_set_arrays_ms": round(arrays_ms, 1),
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
        f"{'events':>11} {'mode':>14} {'filter ms':>9} {'layer ms':>9} {'(frame)':>9} {'render ms':>9} "
        f"{'python ms':>9} "
        f"{'payload KB':>10} {'naive ms':>9} {'speedup':>8} {'peak MB':>8}"
    )
    print(header)
    for r in results:
        naive_ms = f"{r['naive_ms']:.0f}" if r["naive_ms"] is not None else "-"
        speedup = f"{r['speedup']:.0f}x" if r["speedup"] is not None else "-"
        print(
            f"{r['events']:>11,} {'/'.join(r['modes']):>14} {r['filter_ms']:>9.1f} {r['layer_ms']:>9.1f} "
            f"{r['layer_from_frame_ms']:>9.1f} "
            f"{r['render_ms']:>9.1f} {r['python_ms']:>9.1f} {r['payload_bytes'] / 1024:>10.0f} {naive_ms:>9} "
            f"{speedup:>8} {r['peak_rss_mb']:>8.0f}"
        )
    print(
        "(median over slider windows of "
        + ", ".join(f"{d} days" for d in WINDOWS_DAYS)
        + "; layer: from the data set's arrays, built once (data_set_arrays_ms in the JSON), as the page does;"
        " (frame): the same layer from the window's frame; payload: the largest; naive: one folium.Marker "
        "per event in the widest window, "
        "rendered once, against ours on that window)"
    )
    for r in results:
        print(json.dumps(r))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m conflictmap bench map_payload", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sizes", type=sizes, default="10000,100000,1000000", help="numbers of synthetic events")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive one-marker-per-event map")
    args = parser.parse_args(argv)
    bench_map(args.sizes, naive=not args.no_naive)


if __name__ == "__main__":
    main()
