"""Event layers: the mode follows the payload budget; each mode's data round-trips."""

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest

from conflictmap.maps.arrays import data_set_arrays, point_arrays, rows_of
from conflictmap.maps.assets import LOCAL_BASE, MapAssets
from conflictmap.maps.basemap import PALETTE, base_map, type_colors
from conflictmap.maps.cells import CELL_LIMIT, cell_size_for, cells, in_cell
from conflictmap.maps.layers import Plan, events_layer, plan
from conflictmap.maps.payload import compact, script_json
from conflictmap.synthetic import synthetic_events

LOCAL = MapAssets()


@pytest.fixture(scope="module")
def synthetic():
    events = synthetic_events(120_000, seed=7)
    events["geo_precision"] = events["geo_precision"].astype("string")
    return events


def _render(events, heat=False, limits=(2_000, 50_000)):
    colors = type_colors(list(pd.Series(events["event_type"]).astype("string").dropna().unique()))
    fmap = base_map(events, colors, LOCAL)
    layer = events_layer(events, colors, heat=heat, limits=limits)
    layer.group.add_to(fmap)
    return layer, fmap.get_root().render()


@pytest.mark.parametrize(
    ("count", "mode"), [(0, "markers"), (2_000, "markers"), (2_001, "points"), (50_000, "points"), (50_001, "cells")]
)
def test_the_mode_follows_the_budget(count, mode):
    chosen = plan(count)
    assert isinstance(chosen, Plan) and chosen.mode == mode and f"{count:,}" in chosen.reason


def test_script_json_cannot_close_the_script():
    text = script_json(["</script><img src=x onerror=alert(1)>", "a & b"])
    assert "<" not in text and ">" not in text and "&" not in text
    assert text == '["\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e","a \\u0026 b"]'


def test_points_round_trip_through_base64(synthetic):
    sample = synthetic.head(1000)
    arrays = point_arrays(sample, type_colors(list(sample["event_type"].cat.categories)))
    xy = np.frombuffer(base64.b64decode(arrays["coordinates"]), dtype="<i4").reshape(-1, 2) / 1e5
    assert arrays["count"] == 1000
    assert np.allclose(xy[:, 0], sample["latitude"], atol=1e-5) and np.allclose(
        xy[:, 1], sample["longitude"], atol=1e-5
    )
    style = np.frombuffer(base64.b64decode(arrays["styles"]), dtype=np.int8)
    assert set(style) <= set(range(len(PALETTE)))  # all synthetic places are exact: filled dots


def test_cells_count_every_event_once(synthetic):
    colors = type_colors(list(synthetic["event_type"].cat.categories))
    size = cell_size_for(synthetic)
    table = cells(synthetic, size, colors)
    assert len(table) <= CELL_LIMIT
    assert table["events"].sum() == len(synthetic)
    assert table["fatalities"].sum() == synthetic["fatalities"].sum()
    busiest = table.sort_values("events").iloc[-1]
    inside = in_cell(synthetic, busiest["latitude"], busiest["longitude"], size)
    assert len(inside) == busiest["events"]
    main = pd.Series(inside["event_type"]).astype("string").map(lambda t: PALETTE.index(colors[t])).mode()
    assert busiest["main_type"] in set(main)


def test_cells_get_coarser_until_few_enough(synthetic):
    assert cell_size_for(synthetic, limit=100) > cell_size_for(synthetic, limit=CELL_LIMIT)


@pytest.mark.parametrize(
    ("count", "marker", "needle"),
    [(500, "EventMarkers", "var rows = "), (5_000, "EventMarkers", "decode("), (60_000, "EventCells", "cm-cells")],
)
def test_each_mode_draws_one_layer_with_local_assets(synthetic, count, marker, needle):
    layer, html = _render(synthetic.head(count))
    assert needle in html
    assert len(re.findall(r"var event_(markers|cells)_\w+ = \(function", html)) == 1
    assert f"var {'event_markers' if marker == 'EventMarkers' else 'event_cells'}_" in html
    assert layer.plan.mode == {500: "markers", 5_000: "points", 60_000: "cells"}[count]
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links and all(link.startswith(LOCAL_BASE) for link in links)


def test_the_heatmap_is_a_layer_on_request(synthetic):
    _, plain = _render(synthetic.head(60_000))
    layer, heat = _render(synthetic.head(60_000), heat=True)
    assert "L.heatLayer" not in plain and "L.heatLayer" in heat
    assert layer.plan.mode == "cells" and layer.cell_size is not None


def test_payload_stays_within_budget_at_a_million_events():
    events = synthetic_events(1_000_000, seed=3)
    events["geo_precision"] = events["geo_precision"].astype("string")
    layer, html = _render(events)
    assert layer.plan.mode == "cells"
    assert len(html.encode()) < 1_500_000


def _options(layer):
    """The cells layer's options as the page receives them (the JSON after `var o = `)."""
    fmap = base_map(pd.DataFrame({"latitude": [], "longitude": []}), {}, LOCAL)
    layer.group.add_to(fmap)
    text = fmap.get_root().render()
    return json.loads(re.search(r"var o = (\{.*?\});\n", text).group(1))


def test_a_data_sets_arrays_draw_the_same_layer_as_its_frame(synthetic):
    """The page draws from arrays built once per data set (`data_set_arrays`), sliced by the rows
    of the window it shows; the layer is the one drawn from the window's own frame."""
    events = synthetic.sort_values("date_start", kind="stable").reset_index(drop=True)
    colors = type_colors(list(events["event_type"].cat.categories))
    arrays = data_set_arrays(events, colors)
    assert arrays is not None and data_set_arrays(events, colors) is arrays  # built once
    assert data_set_arrays(events.iloc[10:], colors) is None  # not a data set: rows not numbered from 0
    window = events.iloc[5_000:70_000]  # as filters.window cuts it
    assert rows_of(window) == slice(5_000, 70_000)
    for shown in (window, window[window["event_type"] == "Battles"], window.iloc[:3_000]):
        ours, theirs = events_layer(shown, colors, data_set=arrays), events_layer(shown, colors)
        assert ours.plan == theirs.plan
        if ours.cells is not None:
            pd.testing.assert_frame_equal(ours.cells, theirs.cells)
            assert _options(ours) == _options(theirs)


def test_cells_say_their_rows_columns_and_counts_compactly(synthetic):
    layer = events_layer(synthetic.head(60_000), type_colors(list(synthetic["event_type"].cat.categories)))
    options, table = _options(layer), layer.cells
    decoded = {
        name: np.frombuffer(base64.b64decode(options[name]["data"]), dtype=np.dtype(TYPED[options[name]["type"]]))
        for name in ("rows", "cols", "counts", "deaths", "main")
    }
    size, (row0, col0) = options["size"], options["origin"]
    assert np.allclose((row0 + decoded["rows"]) * size - 90 + size / 2, table["latitude"])
    assert np.allclose((col0 + decoded["cols"]) * size - 180 + size / 2, table["longitude"])
    assert (decoded["counts"] == table["events"]).all() and (decoded["deaths"] == table["fatalities"]).all()
    assert (decoded["main"] == table["main_type"]).all()
    assert options["rows"]["type"] == "Uint16Array"  # a few hundred rows: two bytes a cell, not four


TYPED = {"Uint8Array": "<u1", "Uint16Array": "<u2", "Int32Array": "<i4"}


def test_compact_takes_the_smallest_type_that_holds_the_values():
    assert compact(np.array([0, 255]))["type"] == "Uint8Array"
    assert compact(np.array([256]))["type"] == "Uint16Array"
    assert compact(np.array([70_000]))["type"] == "Int32Array"
    assert np.frombuffer(base64.b64decode(compact(np.array([3, 70_000]))["data"]), "<i4").tolist() == [3, 70_000]


def test_a_cells_main_type_is_its_most_frequent_and_ties_go_to_the_first_colour():
    events = pd.DataFrame(
        {
            "latitude": [33.31, 33.32, 33.33, 40.01, 40.02],
            "longitude": [44.41, 44.42, 44.43, 41.01, 41.02],
            "event_type": ["B", "A", "B", "B", "A"],
            "geo_precision": ["exact"] * 5,
            "fatalities": pd.array([1, None, 2, 0, 5], dtype="Int64"),
        }
    )
    table = cells(events, 0.5, {"A": PALETTE[0], "B": PALETTE[1]})
    assert table["events"].tolist() == [3, 2] and table["fatalities"].tolist() == [3, 5]  # south first
    assert table["main_type"].tolist() == [1, 0]  # B twice of three; the tie (A once, B once) to A's colour
