"""Time playback's data (days, periods, bins, cell counts, histogram), the pause the map reports,
the layer in each mode, and playback's share-link parameters with their bad values."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest

from conflictmap.maps.basemap import type_colors
from conflictmap.maps.cells import cells
from conflictmap.maps.playback import (
    HISTOGRAM_BARS,
    TAG,
    Paused,
    bin_edges,
    cell_series,
    day_number,
    event_days,
    histogram,
    paused,
    period,
    playback_layer,
    seek_to,
)
from conflictmap.schema import LayerMode
from conflictmap.sharelink import (
    MapView,
    Playback,
    map_view_from_params,
    params_from_map_view,
    params_from_playback,
    playback_from_params,
    playback_within,
)
from conflictmap.synthetic import synthetic_events

DOMAIN = (dt.date(2020, 1, 1), dt.date(2024, 12, 31))
D = dt.date


def _decode(packed: dict | str, dtype: str = "<i4") -> np.ndarray:
    if isinstance(packed, dict):
        dtype = {"Uint8Array": "u1", "Uint16Array": "<u2"}.get(packed["type"], "<i4")
        packed = packed["data"]
    return np.frombuffer(base64.b64decode(packed), dtype=dtype).astype(np.int64)


def _options_and_data(layer) -> tuple[dict, dict]:
    (element,) = layer.group._children.values()
    return json.loads(element.options), json.loads(element.data)


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_events(80_000, seed=11, start="2020-01-01", end="2024-12-31")


# --- days and periods -------------------------------------------------------------------------------


def test_an_event_without_an_end_date_lasts_one_day():
    events = pd.DataFrame(
        {
            "date_start": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-09"]),
            "date_end": pd.to_datetime(["2024-01-03", None, "2024-01-02"]),  # the last one ends before it starts
        }
    )
    start, end = event_days(events)
    assert start.tolist() == [19723, 19727, 19731]
    assert (end - start).tolist() == [2, 0, 0]


@pytest.mark.parametrize(
    ("playback", "expected"),
    [
        (Playback(at=D(2022, 3, 1), window=7), (D(2022, 3, 1), D(2022, 3, 7))),
        (Playback(at=D(2022, 3, 1), window=1), (D(2022, 3, 1), D(2022, 3, 1))),
        (Playback(at=D(2022, 3, 1), window=30, mode="cumulative"), (D(2020, 1, 1), D(2022, 3, 30))),
        (Playback(at=D(2024, 12, 20), window=30), (D(2024, 12, 20), D(2024, 12, 31))),  # cut at the data's end
        (Playback(at=D(2019, 6, 1), window=10), (D(2020, 1, 1), D(2020, 1, 10))),  # before the data: its start
        (Playback(at=None), DOMAIN),  # no position yet: every date
    ],
)
def test_the_period_on_screen(playback, expected):
    assert period(playback, DOMAIN) == expected


def test_moving_the_sidebars_dates_moves_playback_there():
    moving = seek_to((D(2022, 5, 1), D(2022, 5, 14)), Playback(at=D(2021, 1, 1), window=30, step="day"), DOMAIN)
    assert (moving.at, moving.window, moving.step) == (D(2022, 5, 1), 14, "day")
    assert period(moving, DOMAIN) == (D(2022, 5, 1), D(2022, 5, 14))
    cumulative = Playback(at=D(2021, 1, 1), window=30, mode="cumulative")
    moved = seek_to((D(2020, 1, 1), D(2022, 5, 30)), cumulative, DOMAIN)
    assert (moved.at, moved.window) == (D(2022, 5, 1), 30) and period(moved, DOMAIN)[1] == D(2022, 5, 30)
    early = seek_to((D(2020, 1, 1), D(2020, 1, 10)), cumulative, DOMAIN)  # a window longer than the dates
    assert early.at == D(2020, 1, 1) and period(early, DOMAIN) == (D(2020, 1, 1), D(2020, 1, 10))


# --- what the map reports when paused ----------------------------------------------------------------


def test_a_pause_is_read_from_the_maps_reply():
    reply = {"center": {"lat": 1, "lng": 2}, "selected_tags": ["playback", "2022-03-01", "2022-03-30", "2022-03-01"]}
    assert paused(reply) == Paused(D(2022, 3, 1), D(2022, 3, 30), D(2022, 3, 1))


@pytest.mark.parametrize(
    "tags",
    [
        None,
        [],
        "playback,2022-03-01,2022-03-30,2022-03-01",
        ["tag", "2022-03-01", "2022-03-30", "2022-03-01"],  # another plugin's tags
        ["playback", "2022-03-01", "2022-03-30"],
        ["playback", "2022-02-30", "2022-03-30", "2022-03-01"],
        ["playback", "2022-03-30", "2022-03-01", "2022-03-01"],  # reversed
        ["playback", "<script>", "2022-03-30", "2022-03-01"],
    ],
)
def test_anything_else_in_the_reply_is_no_pause(tags):
    assert paused({"selected_tags": tags}) is None
    assert paused(None) is None


# --- the histogram and the bins ------------------------------------------------------------------------


def test_the_histogram_counts_every_event_in_whole_day_bars():
    first, last = day_number(DOMAIN[0]), day_number(DOMAIN[1])
    start = np.array([first, first, first + 30, last])
    bars = histogram(start, first, last)
    assert len(bars["counts"]) <= HISTOGRAM_BARS and sum(bars["counts"]) == 4
    assert bars["counts"][0] == 2 + (bars["bar"] > 30) and bars["counts"][-1] >= 1
    assert histogram(np.array([first]), first, first) == {"bar": 1, "counts": [1]}


def test_bins_are_days_weeks_from_the_first_day_or_calendar_months():
    first, last = day_number(D(2024, 1, 15)), day_number(D(2024, 3, 10))
    assert bin_edges("day", first, last)[[0, -1]].tolist() == [first, last + 1]
    weeks = bin_edges("week", first, last)
    assert weeks[0] == first and set(np.diff(weeks)) == {7} and weeks[-1] > last
    months = [str(np.datetime64(int(day), "D")) for day in bin_edges("month", first, last)]
    assert months == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]


def _counts_from(series: dict, cell_count: int) -> np.ndarray:
    """Per bin and cell, the events starting there, rebuilt from the CSR table."""
    offsets, cell, count = _decode(series["offsets"]), _decode(series["cell"]), _decode(series["count"])
    bins = len(_decode(series["edges"])) - 1
    table = np.zeros((bins, cell_count), dtype=np.int64)
    for b in range(bins):
        np.add.at(table[b], cell[offsets[b] : offsets[b + 1]], count[offsets[b] : offsets[b + 1]])
    return table


def test_cell_counts_per_bin_add_up_to_each_cells_events(synthetic):
    sample = synthetic.sample(5_000, random_state=1).sort_values("date_start")
    first, last = day_number(DOMAIN[0]), day_number(DOMAIN[1])
    start, end = event_days(sample)
    size = 0.5
    table = cells(sample, size, type_colors(list(synthetic["event_type"].cat.categories)))
    series = cell_series(sample, size, start, end, first, last, window=30, cumulative=False)
    assert series["unit"] == "day"  # 5,000 events fit as daily entries
    counts = _counts_from(series, len(table))
    assert counts.sum(axis=0).tolist() == table["events"].tolist()  # cells in the order layers.cells gives them
    edges = _decode(series["edges"]) + first
    by_day = pd.Series(start).value_counts()
    assert counts.sum(axis=1)[edges[:-1] - first == by_day.index[0] - first].sum() == by_day.iloc[0]
    assert 1 <= series["reference"] <= series["whole"] == table["events"].max()


def test_too_many_entries_for_days_count_by_weeks_or_months(synthetic):
    first, last = day_number(DOMAIN[0]), day_number(DOMAIN[1])
    start, end = event_days(synthetic)
    weekly = cell_series(synthetic, 0.5, start, end, first, last, 30, False, limit=20_000)
    monthly = cell_series(synthetic, 0.5, start, end, first, last, 30, False, limit=2_000)
    assert (weekly["unit"], monthly["unit"]) == ("week", "month")
    for series in (weekly, monthly):
        assert _counts_from(series, 10_000).sum() == len(synthetic)


def test_events_spanning_bins_are_listed_with_their_last_bin():
    events = pd.DataFrame(
        {
            "date_start": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"]),
            "date_end": pd.to_datetime(["2024-01-20", None, "2024-01-02"]),
            "latitude": [33.3, 33.3, 36.3],
            "longitude": [44.4, 44.4, 43.1],
        }
    )
    first, last = day_number(D(2024, 1, 1)), day_number(D(2024, 1, 31))
    start, end = event_days(events)
    series = cell_series(events, 0.5, start, end, first, last, window=7, cumulative=False)
    long = [_decode(series[f"long_{name}"]).tolist() for name in ("first", "last", "cell", "count")]
    assert long == [[0], [19], [0], [1]]  # one event in cell 0 runs from day 0 to day 19


# --- the layer ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "mode"), [(1_500, LayerMode.MARKERS), (20_000, LayerMode.POINTS)])
def test_markers_and_points_carry_each_events_days(synthetic, count, mode):
    events = synthetic.head(count)
    colors = type_colors(list(synthetic["event_type"].cat.categories))
    layer = playback_layer(events, colors, Playback(at=D(2020, 3, 1), window=14), DOMAIN, seek=3)
    options, data = _options_and_data(layer)
    assert layer.plan.mode == mode and "play through time" in layer.plan.reason
    assert options["mode"] == mode and options["at"] == day_number(D(2020, 3, 1)) and options["seek"] == 3
    assert options["domain"] == [day_number(DOMAIN[0]), day_number(DOMAIN[1])]
    start, end = event_days(events)
    first = day_number(DOMAIN[0])
    assert data["start"]["type"] in ("Uint8Array", "Uint16Array")  # days from the first day fit in 16 bits
    assert (_decode(data["start"]) + first).tolist() == start.tolist()
    assert (_decode(data["length"])).tolist() == (end - start).tolist()
    assert data["count"] == count and ("rows" in data) == (mode == LayerMode.MARKERS)
    assert sum(options["histogram"]["counts"]) == count


def test_cells_carry_counts_per_period_and_the_payload_stays_small(synthetic):
    colors = type_colors(list(synthetic["event_type"].cat.categories))
    layer = playback_layer(synthetic, colors, Playback(at=D(2021, 1, 1)), DOMAIN)
    options, data = _options_and_data(layer)
    assert layer.plan.mode == LayerMode.CELLS and options["mode"] == "cells"
    assert len(_decode(data["coordinates"])) == 2 * len(layer.cells)
    assert _counts_from(data["series"], len(layer.cells)).sum() == len(synthetic)
    (element,) = layer.group._children.values()
    script = element._template.module.script(element)
    assert len(script) < 2_000_000, "cells mode should send counts, not events"


def test_the_layers_script_cannot_be_closed_by_data(synthetic):
    events = synthetic.head(50).copy()
    events["notes"] = "</script><img src=x onerror=alert(1)>"
    events["place"] = events["place"].astype("string")
    layer = playback_layer(events, type_colors(["Battles"]), Playback(), DOMAIN)
    (element,) = layer.group._children.values()
    script = element._template.module.script(element)
    assert "</script" not in script and "onerror=alert(1)" in script
    # Nothing from elsewhere: the only addresses are SVG's namespace and the popup's test for links.
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", script.replace("https?:\\/\\/", ""))


def test_the_layers_code_is_a_static_file_the_map_loads_not_part_of_each_rerun(synthetic):
    from conflictmap.maps.assets import MapAssets
    from conflictmap.settings import STATIC_DIR

    layer = playback_layer(synthetic.head(10), type_colors(["Battles"]), Playback(), DOMAIN)
    options, _ = _options_and_data(layer)
    assert options["script"] == "../../app/static/maps/playback.js" and options["tag"] == TAG
    (element,) = layer.group._children.values()
    script = element._template.module.script(element)
    code = script.replace(element.options, "").replace(element.data, "")
    assert len(code) < 5_000, "the playback code travels with every rerun"  # was ~30 KB inline
    played = (STATIC_DIR / "maps" / "playback.js").read_text(encoding="utf-8")
    assert "window.conflictmapPlaybackLayer = function" in played and "conflictmapPlaybackLayer(group" in code
    exported = playback_layer(synthetic.head(10), type_colors(["Battles"]), Playback(), DOMAIN, assets=MapAssets("x/"))
    assert _options_and_data(exported)[0]["script"] == "x/maps/playback.js"


# --- share links -------------------------------------------------------------------------------------------


def test_playback_round_trips_through_a_link():
    playback = Playback(at=D(2022, 3, 1), window=14, mode="cumulative", step="month", speed=8.0)
    params = params_from_playback(playback)
    assert params == {
        "play_at": "2022-03-01",
        "play_window": "14",
        "play_mode": "cumulative",
        "play_step": "month",
        "play_speed": "8",
    }
    warnings: list[str] = []
    assert playback_from_params({name: [value] for name, value in params.items()}, warnings) == playback
    assert warnings == []
    assert params_from_playback(Playback(at=D(2022, 3, 1))) == {"play_at": "2022-03-01"}  # defaults left out
    assert params_from_playback(Playback()) == {"play_window": "30"}  # still turns playback on
    assert params_from_playback(None) == {}


def test_a_map_view_carries_playback_and_no_parameter_means_off():
    view = MapView(zoom=8, playback=Playback(at=D(2022, 3, 1), window=7))
    params = params_from_map_view(view)
    read, warnings = map_view_from_params({name: [value] for name, value in params.items()}, lambda event: False)
    assert read == view and warnings == []
    assert map_view_from_params({"zoom": ["8"]}, lambda event: False)[0].playback is None


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("play_window", "0", "from 1 to 3660"),
        ("play_window", "36500", "from 1 to 3660"),  # 100 years
        ("play_window", "2.5", "whole number"),
        ("play_speed", "-1", "from 0.25 to 60"),
        ("play_speed", "1e9", "from 0.25 to 60"),
        ("play_speed", "nan", "from 0.25 to 60"),
        ("play_mode", "sideways", "moving or cumulative"),
        ("play_step", "year", "day or week or month"),
        ("play_at", "2022-02-30", "not a date"),
    ],
)
def test_a_bad_playback_value_is_ignored_with_a_warning(name, value, said):
    warnings: list[str] = []
    playback = playback_from_params({"play_at": ["2022-03-01"], name: [value]}, warnings)
    default = Playback(at=None if name == "play_at" else D(2022, 3, 1))
    assert playback == default  # playback is on, the bad value replaced by its default
    assert len(warnings) == 1 and f"'{name}'" in warnings[0] and said in warnings[0] and "ignored" in warnings[0]


def test_a_position_outside_the_data_is_dropped_with_a_warning():
    inside = Playback(at=D(2022, 3, 1))
    assert playback_within(inside, DOMAIN) == (inside, [])
    for outside in (D(1900, 1, 1), D(2030, 1, 1)):
        playback, warnings = playback_within(Playback(at=outside, window=7), DOMAIN)
        assert playback == Playback(at=None, window=7)
        assert len(warnings) == 1 and "'play_at'" in warnings[0] and "outside the data" in warnings[0]
    assert playback_within(None, DOMAIN) == (None, [])
