import datetime as dt

from conflictmap.filters import Filters
from conflictmap.sharelink import (
    MAX_LINK_LENGTH,
    MAX_VALUES,
    MAX_WARNINGS,
    MapView,
    filters_from_params,
    link_length,
    map_view_from_params,
    params_from_filters,
    params_from_map_view,
)

BOUNDS = (dt.date(1989, 1, 1), dt.date(2024, 1, 23))
DEFAULT = Filters(dt.date(2016, 11, 1), dt.date(2024, 1, 23))
KNOWN = {
    "type": ["State-based conflict", "One-sided violence"],
    "actor": ["IS", "Government of Iraq"],
    "admin1": ["Baghdād province"],
}


def _read(params):
    return filters_from_params(params, DEFAULT, BOUNDS, KNOWN)


def _as_lists(params):
    return {name: value if isinstance(value, list) else [value] for name, value in params.items()}


def test_round_trip_of_every_parameter():
    view = Filters(
        dt.date(2014, 6, 1),
        dt.date(2014, 6, 30),
        ("One-sided violence",),
        ("IS", "Government of Iraq"),
        ("Baghdād province",),
    )
    params = params_from_filters(view)
    assert params["start"] == "2014-06-01" and params["type"] == ["One-sided violence"]
    assert _read(_as_lists(params)) == (view, [])


def test_no_parameters_give_the_default():
    assert _read({}) == (DEFAULT, [])


def test_a_bad_value_falls_back_with_a_warning_and_the_rest_applies():
    filters, warnings = _read(
        {"start": ["2014-02-30"], "end": ["2020-06-30"], "type": ["<script>alert(1)</script>"], "actor": ["IS"]}
    )
    assert filters.start == DEFAULT.start and filters.end == dt.date(2020, 6, 30)
    assert filters.event_types == () and filters.actors == ("IS",)
    assert len(warnings) == 2
    assert "'start'" in warnings[0] and "2014-02-30" in warnings[0]
    assert "'type'" in warnings[1] and "not in the data" in warnings[1]


def test_out_of_range_reversed_and_huge_values():
    filters, warnings = _read({"start": ["1900-01-01"]})
    assert filters.start == BOUNDS[0] and "outside the data" in warnings[0]
    filters, warnings = _read({"start": ["2020-01-01"], "end": ["2015-01-01"]})
    assert (filters.start, filters.end) == (DEFAULT.start, DEFAULT.end) and "reversed" in warnings[0]
    filters, warnings = _read({"type": ["x" * 10_000]})
    assert filters.event_types == () and len(warnings[0]) < 200


def _map(params):
    return map_view_from_params(params, lambda event: event == "ucdp:114064")


def test_map_view_round_trip():
    view = MapView(latitude=33.34058, longitude=44.40088, zoom=11, tiles=True, heat=True, event="ucdp:114064")
    params = params_from_map_view(view)
    assert params == {
        "lat": "33.34058",
        "lon": "44.40088",
        "zoom": "11",
        "tiles": "osm",
        "heat": "true",
        "event": "ucdp:114064",
    }
    assert _map(_as_lists(params)) == (view, [])
    assert params_from_map_view(MapView()) == {}


def test_tampered_map_parameters_warn_and_the_rest_applies():
    view, warnings = _map(
        {
            "lat": ["33.3"],
            "lon": ["999"],
            "zoom": ["99"],
            "event": ["<script>x</script>"],
            "heat": ["1"],
            "tiles": ["evil.example.com"],
        }
    )
    assert view == MapView(heat=True)
    joined = " | ".join(warnings)
    for name in ("'lon'", "'zoom'", "'event'", "'tiles'"):
        assert name in joined
    view, warnings = _map({"lat": ["nan"], "lon": ["44"], "zoom": ["7.5"]})
    assert view == MapView() and len(warnings) == 2
    view, warnings = _map({"lat": ["33"]})
    assert view.latitude is None and "go together" in warnings[0]


def test_a_flood_of_values_is_cut_with_a_few_warnings():
    flood = {"type": [f"junk {n}" for n in range(10_000)], "actor": ["IS"] * 60 + ["Government of Iraq"]}
    filters, warnings = _read(flood)
    assert filters.event_types == () and filters.actors == ("IS",)
    assert len(warnings) <= 2 * (MAX_WARNINGS + 2), "a page of 10,000 warnings helps nobody"
    assert f"'type': {MAX_VALUES - MAX_WARNINGS:,} more values not in the data; ignored." in " ".join(warnings)
    assert f"'type': {10_000 - MAX_VALUES:,} values beyond the first {MAX_VALUES} ignored." in " ".join(warnings)
    assert f"'actor': {61 - MAX_VALUES:,} values beyond the first {MAX_VALUES} ignored." in " ".join(warnings)


def test_the_links_the_app_writes_stay_short():
    many = Filters(DEFAULT.start, DEFAULT.end, actors=tuple(f"actor number {n}" for n in range(MAX_VALUES)))
    assert link_length(params_from_filters(DEFAULT)) < 50
    assert link_length(params_from_filters(many)) < MAX_LINK_LENGTH


def test_a_single_valued_parameter_given_twice_is_ignored_with_a_warning():
    """F12: `start=…&start=…`, `zoom=3&zoom=9` are ambiguous: the parameter is refused (never the
    last value silently), the rest of the link applies; the same value repeated is taken."""
    filters, warnings = _read({"start": ["2014-01-01", "2015-01-01"], "end": ["2020-01-01"]})
    assert filters.start == DEFAULT.start and filters.end == dt.date(2020, 1, 1)
    assert warnings == [
        "Link parameter 'start' is given 2 times ('2014-01-01', '2015-01-01'); ignored: a link names it once."
    ]
    filters, warnings = _read({"start": ["2014-01-01", "2014-01-01"]})
    assert filters.start == dt.date(2014, 1, 1) and warnings == []
    view, warnings = _map({"lat": ["33.3"], "lon": ["44.4"], "zoom": ["3", "9"], "units": ["district", "governorate"]})
    assert (view.latitude, view.longitude, view.zoom, view.units) == (33.3, 44.4, None, None)
    assert [w.split(" is given")[0] for w in warnings] == ["Link parameter 'zoom'", "Link parameter 'units'"]
    for name, values in {
        "tiles": ["osm", "x"], "heat": ["true", "false"], "event": ["a", "b"], "play_at": ["2014-01-01", "2014-02-01"],
        "play_window": ["7", "30"], "play_mode": ["moving", "cumulative"], "play_step": ["day", "week"],
        "play_speed": ["1", "2"], "units_by": ["events", "fatalities"], "lat": ["1", "2"],
    }.items():  # fmt: skip
        _, warnings = _map({name: values, **({"lon": ["44"]} if name == "lat" else {})})
        assert warnings and warnings[0].startswith(f"Link parameter '{name}' is given 2 times"), (name, warnings)
    _, warnings = _map({"zoom": [str(n) for n in range(500)]})
    assert len(warnings) == 1 and "500 times ('0', '1', '2', …)" in warnings[0]


def test_choropleth_link_values_that_cannot_apply_say_so():
    """Second hostile pass: `units=` with playback, `units_by=` without `units=`, were dropped
    silently; a value with a hidden bidi control was quoted looking valid ('district')."""
    view, warnings = _map({"units": ["district"], "play_window": ["7"]})
    assert view.units is None and view.playback is not None
    assert len(warnings) == 1 and "'units'" in warnings[0] and "playback" in warnings[0]
    view, warnings = _map({"units_by": ["fatalities"]})
    assert view.units_by == "events" and len(warnings) == 1 and "'units_by'" in warnings[0]
    view, warnings = _map({"units": ["district"], "units_by": ["fatalities"]})
    assert (view.units, view.units_by, warnings) == ("district", "fatalities", [])
    _, warnings = _map({"units": ["district\u202e"]})
    assert warnings == ["Link parameter 'units': 'district\\u202e' is not governorate or district; ignored."]
