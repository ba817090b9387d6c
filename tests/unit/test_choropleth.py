"""The choropleth's core: which unit an event lies in (point-in-polygon on the shipped shapes, the
place's precision deciding the level), the classes and their legend text, the layer's payload."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conflictmap.maps import choropleth
from conflictmap.maps.assets import MapAssets
from conflictmap.maps.choropleth import (
    ZERO_COLOR,
    assign,
    assigned,
    class_label,
    class_of,
    classes,
    coverage,
    legend_title,
    load_units,
    locate,
    unit_at,
    unit_counts,
    unit_name,
    units_layer,
)
from conflictmap.maps.payload import script_json
from conflictmap.schema import LayerMode, conform

SQUARE = np.array([[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], dtype=float)
HOLE = np.array([[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]], dtype=float)
EAST = np.array([[4, 0], [6, 0], [6, 4], [4, 4], [4, 0]], dtype=float)


def _events(rows: list[tuple[float | None, float | None, str, int]]) -> pd.DataFrame:
    return conform(
        pd.DataFrame(
            {
                "event_id": [f"e{i}" for i in range(len(rows))],
                "date_start": pd.to_datetime(["2014-06-01"] * len(rows)),
                "event_type": ["State-based"] * len(rows),
                "latitude": [row[0] for row in rows],
                "longitude": [row[1] for row in rows],
                "geo_precision": [row[2] for row in rows],
                "fatalities": [row[3] for row in rows],
            }
        )
    )


# --- point in polygon ------------------------------------------------------------------------------


def test_points_fall_in_the_unit_whose_rings_hold_them_holes_and_parts_included():
    units = ((SQUARE, HOLE), (EAST,), (HOLE,))  # unit 2 fills unit 0's hole
    lat = np.array([0.5, 2.0, 2.0, 5.0, -1.0, 2.0])
    lon = np.array([0.5, 2.0, 5.0, 5.0, 2.0, 7.0])
    assert locate(lat, lon, units).tolist() == [0, 2, 1, -1, -1, -1]


def test_locating_is_vectorised_and_agrees_with_a_point_by_point_test():
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-1, 5, 5_000), rng.uniform(-1, 7, 5_000)
    found = locate(lat, lon, ((SQUARE, HOLE), (EAST,)))
    in_square = (lon > 0) & (lon < 4) & (lat > 0) & (lat < 4) & ~((lon > 1) & (lon < 3) & (lat > 1) & (lat < 3))
    in_east = (lon > 4) & (lon < 6) & (lat > 0) & (lat < 4)
    expected = np.where(in_square, 0, np.where(in_east, 1, -1))
    assert (found == expected).all()


def test_the_shipped_units_are_iraqs_18_governorates_and_101_districts_and_nest():
    units = load_units()
    assert len(units["governorate"].pcodes) == 18 and len(units["district"].pcodes) == 101
    assert all(d.startswith(p) for d, p in zip(units["district"].pcodes, units["district"].parents, strict=True))
    assert set(units["district"].parents) == set(units["governorate"].pcodes)


@pytest.mark.parametrize(
    ("lat", "lon", "district", "name"),
    [
        (33.3152, 44.3661, "IQG08", "Baghdad"),  # Baghdad, Tahrir Square
        (36.3450, 43.1450, "IQG15Q05", "Al-Mosul district (Ninewa)"),
        (30.5085, 47.7804, "IQG02Q02", "Al-Basrah district (Al-Basrah)"),
        (33.4258, 43.2992, "IQG01Q03", "Al-Ramadi district (Al-Anbar)"),
    ],
)
def test_known_places_fall_in_their_cod_ab_units(lat, lon, district, name):
    pcode = unit_at(lat, lon, "district")
    assert pcode is not None and pcode.startswith(district)
    assert unit_at(lat, lon, "governorate") == district[:5]
    if district != "IQG08":
        assert unit_name(pcode, "district") == name


def test_outside_iraq_is_in_no_unit():
    assert unit_at(35.6892, 51.3890, "district") is None  # Tehran
    assert unit_at(29.0, 49.0, "governorate") is None  # the Gulf


# --- assignment by precision -----------------------------------------------------------------------


def test_an_event_counts_in_a_unit_only_when_its_place_is_known_that_well():
    events = _events(
        [
            (36.345, 43.145, "exact place", 3),  # Mosul: district and governorate
            (36.345, 43.145, "district (admin2)", 1),  # a district's point: district and governorate
            (36.345, 43.145, "province (admin1)", 2),  # a province's point: the governorate only
            (36.345, 43.145, "region of a country", 5),  # "northern Iraq": neither
            (35.6892, 51.389, "exact place", 1),  # Tehran: outside
            (None, None, "country", 0),  # not located
        ]
    )
    codes = assign(events)
    assert codes["district"].tolist()[:2] == ["IQG15Q05", "IQG15Q05"]
    assert codes["district"].isna().tolist()[2:] == [True] * 4
    assert codes["governorate"].astype("string").fillna("-").tolist() == ["IQG15", "IQG15", "IQG15", "-", "-", "-"]
    assert codes["inside"].tolist() == [True, True, True, True, False, False]
    assert (codes.index == events.index).all()
    by_district = coverage(codes, "district")
    assert (by_district.counted, by_district.too_coarse, by_district.outside) == (2, 2, 2)
    assert by_district.text("district") == (
        "2 events counted; not counted: 2 known only to a province or coarser, 2 outside Iraq or not located"
    )
    counts = unit_counts(events, codes["governorate"], load_units()["governorate"])
    ninewa = counts[counts["pcode"] == "IQG15"].iloc[0]
    assert (ninewa["events"], ninewa["fatalities"]) == (3, 6) and counts["events"].sum() == 3


def test_assignment_is_kept_per_data_set_and_read_for_each_view(monkeypatch):
    events = _events([(36.345, 43.145, "exact place", 1), (33.3152, 44.3661, "exact place", 1)])
    calls = []
    real = choropleth.assign
    monkeypatch.setattr(choropleth, "assign", lambda frame, units=None: calls.append(len(frame)) or real(frame))
    first, again = assigned(events), assigned(events)
    assert first is again and calls == [2]
    view = events.iloc[1:]
    assert first.loc[view.index, "governorate"].tolist() == ["IQG08"]


# --- classes and legend ----------------------------------------------------------------------------


def test_zero_is_a_class_of_its_own_and_the_rest_are_quantiles():
    found = classes(np.array([0, 0, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89]), 5)
    assert (found[0].low, found[0].high, found[0].color, found[0].units) == (0, 0, ZERO_COLOR, 3)
    # contiguous whole-number ranges, each holding about as many units
    assert [(c.low, c.high) for c in found[1:]] == [(1, 2), (3, 5), (6, 13), (14, 34), (35, 89)]
    assert sum(c.units for c in found) == 13
    assert len({c.color for c in found}) == len(found)  # every class its own colour
    assert class_of(np.array([0, 1, 4, 89]), found).tolist() == [0, 1, 2, 5]


def test_few_distinct_values_make_few_classes_and_none_means_no_positive_class():
    assert [(c.low, c.high) for c in classes(np.array([4, 4, 4]))] == [(4, 4)]
    assert [(c.low, c.high) for c in classes(np.array([0, 7, 7, 9]))] == [(0, 0), (7, 7), (8, 9)]
    assert [(c.low, c.high) for c in classes(np.array([0, 0]))] == [(0, 0)]


def test_legend_text_states_the_classes_with_their_units_and_words():
    found = classes(np.array([0, 1, 1, 12, 40]), 2)
    assert [class_label(c, "events") for c in found] == ["0 events", "1 event", "2–40 events"]
    assert class_label(found[2], "fatalities") == "2–40 killed"
    assert legend_title("fatalities", "governorate") == "Killed (best estimates) per governorate"
    assert legend_title("events", "district") == "Events per district"


def test_the_layer_sends_values_and_classes_and_names_its_static_files():
    events = _events([(36.345, 43.145, "exact place", 3), (33.3152, 44.3661, "exact place", 0)])
    layer = units_layer(events, "governorate", "events", MapAssets(), selected="IQG15")
    assert layer.plan.mode == LayerMode.UNITS and layer.level == "governorate"
    (element,) = layer.group._children.values()
    options = json.loads(element.options)
    assert options["url"] == "../../app/static/basemap/units.json"
    assert options["script"] == "../../app/static/maps/choropleth.js"
    assert sum(options["events"]) == 2 and options["selected"] == "IQG15"
    assert [c["label"] for c in options["classes"]] == ["0 events", "1 event"]
    assert options["classes"][0]["held"] == "16 governorates"
    assert options["legend"]["coverage"] == "2 events counted."
    assert element.options == script_json(options)  # JSON made safe for a <script> element


def test_the_events_legend_has_a_line_for_each_drawing_and_styles_that_pick_one():
    from conflictmap.maps.basemap import KEY_LINES, Legend, MapStyles

    markup = Legend({"Air strike": "#E69F00"}).markup
    for name, text in KEY_LINES.items():
        assert f'<div class="cm-key cm-key-{name}">{text}</div>' in markup
    css = MapStyles()._template.module.header(MapStyles(), {})
    for name in ("dots", "cells", "clusters"):
        assert f"[data-events={name}] .cm-key-{name}" in css
    assert "[data-events=units] .cm-legend-events { display: none; }" in css


def test_a_click_on_a_unit_lists_the_events_counted_in_it():
    from conflictmap.maps.state import LISTED_LIMIT, clicked_event, clicked_unit, listed_events

    mosul, baghdad = (36.345, 43.145), (33.3152, 44.3661)
    events = _events(
        [(*mosul, "exact place", 3), (36.36, 43.16, "within 25 km", 1), (*mosul, "province (admin1)", 2),
         (*baghdad, "exact place", 7)]
    )  # fmt: skip
    layer = units_layer(events, "district", "fatalities", MapAssets())
    reply = {"last_object_clicked": {"lat": 36.34, "lng": 43.13}}  # inside Al-Mosul district
    assert clicked_unit(reply, "district") == "IQG15Q05" and clicked_event(reply, layer.plan.mode, events, None) is None
    listed = listed_events(reply, layer, events, events, events, None)
    assert listed is not None and listed.unit == "IQG15Q05"
    assert listed.events["event_id"].tolist() == ["e0", "e1"]  # the province-level event is not the district's
    assert listed.caption == "2 event(s) in Al-Mosul district (Ninewa), 4 killed (best estimates)"
    assert listed.timeline is not None and len(listed.timeline) == 2 and LISTED_LIMIT >= 2
    tehran = {"last_object_clicked": {"lat": 35.69, "lng": 51.39}}
    assert listed_events(tehran, layer, events, events, events, None) is None
    assert listed_events(None, layer, events, events, events, None) is None
