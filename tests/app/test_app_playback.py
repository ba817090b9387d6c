"""The Map page with time playback on: it runs, sends the playback layer within a bounded payload
on every rerun, and keeps the sidebar's dates, the options and the link in step. (No JavaScript
runs here: a pause reaching the sidebar is a browser test.)"""

from __future__ import annotations

import datetime as dt
import json

from tests.app.conftest import map_component, shown

#: The map component's arguments per rerun with playback on, for the shipped ~7,500 events: the
#: points' own arrays (~12 bytes an event as base64), their days (~5 more) and the layer's script.
PAYLOAD_LIMIT = 250_000


def _payload(at) -> int:
    (component,) = at.get("component_instance")
    return len(component.proto.json_args)


def test_the_map_page_plays_from_a_link_within_a_bounded_payload(app):
    app.query_params["play_at"] = "2014-06-01"
    app.query_params["play_window"] = "14"
    app.query_params["start"] = "1989-01-01"
    app.run()
    assert not app.exception
    assert app.toggle(key="playback").value is True and app.selectbox(key="playback.window").value == 14
    args = map_component(app)
    assert "cm-playback" in args["feature_group"] and "selected_tags" in args["returned_objects"]
    assert '"at":16222' in args["feature_group"]  # 2014-06-01 as days since 1970
    sizes = [_payload(app)]
    app.radio(key="playback.step").set_value("month").run()
    sizes.append(_payload(app))
    app.slider(key="map.dates").set_value((dt.date(2015, 1, 1), dt.date(2015, 1, 31))).run()
    sizes.append(_payload(app))
    assert not app.exception
    assert max(sizes) < PAYLOAD_LIMIT, sizes
    assert max(sizes) - min(sizes) < 1_000, "the whole data play on every rerun: the payload does not grow"


def test_switching_playback_on_makes_the_sidebars_dates_its_period(app):
    app.run()
    start, _ = app.slider(key="map.dates").value
    app.toggle(key="playback").set_value(True).run()
    assert not app.exception
    assert app.slider(key="map.dates").value == (start, start + dt.timedelta(days=29))
    assert app.query_params["play_at"] == start.isoformat()
    app.selectbox(key="playback.window").set_value(7).run()
    assert app.slider(key="map.dates").value == (start, start + dt.timedelta(days=6))
    # Moving the dates moves playback there, with their length as its window.
    app.slider(key="map.dates").set_value((dt.date(2019, 1, 1), dt.date(2019, 3, 31))).run()
    assert app.selectbox(key="playback.window").value == 90 and app.query_params["play_at"] == "2019-01-01"
    layer = map_component(app)["feature_group"]
    options = json.loads(layer.split("var o = ", 1)[1].split(";\n", 1)[0])
    assert options["window"] == 90 and options["seek"] == 2  # switched on, then moved: two explicit seeks
    app.toggle(key="playback").set_value(False).run()
    assert "cm-playback" not in map_component(app)["feature_group"] and "play_at" not in app.query_params


def test_a_bad_playback_link_warns_and_the_page_still_plays(app):
    for name, value in {"play_at": "1900-01-01", "play_window": "0", "play_speed": "1e9"}.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception
    warned = " ".join(shown(warning.value) for warning in app.warning)
    assert "'play_at'" in warned and "outside the data" in warned
    assert "'play_window'" in warned and "'play_speed'" in warned
    assert app.toggle(key="playback").value is True and app.selectbox(key="playback.window").value == 30
