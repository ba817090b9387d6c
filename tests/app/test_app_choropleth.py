"""The Map page's choropleth: picked in the sidebar, it replaces the events layer by the units'
values and classes (a few KB, the shapes are a static file), goes into the link, and a click on a
unit lists that unit's events under the map with its own timeline. (No JavaScript runs here: the
polygons drawn and a real click are browser tests.)"""

from __future__ import annotations

import datetime as dt
import json
import re

from tests.app.conftest import map_component, shown

JUNE_2014 = (dt.date(2014, 6, 1), dt.date(2014, 6, 30))
MOSUL = {"lat": 36.34, "lng": 43.13}  # inside Al-Mosul district (IQG15Q05), Ninewa


def _options(args: dict) -> dict:
    match = re.search(r"\}\)\(feature_group_\w+, (\{.*\})\);", args["feature_group"], re.S)
    assert match, "no choropleth in the events layer"
    return json.loads(match.group(1))


def _click(app, spot: dict) -> None:
    (component,) = app.get("component_instance")
    key = component.proto.id.rsplit("-", 1)[1]  # st_folium keys the component on a hash of the base map
    app.session_state[key] = {"last_object_clicked": spot}
    app.session_state["map"] = {"last_object_clicked": spot}  # what st_folium's on_change copies there
    app.run()


def test_picking_districts_sends_their_values_and_classes_not_the_events(app, loaded):
    app.run()
    events_payload = len(app.get("component_instance")[0].proto.json_args)
    app.slider(key="map.dates").set_value(JUNE_2014).run()
    app.radio(key="map.units").set_value("district").run()
    assert not app.exception
    args = map_component(app)
    options = _options(args)
    assert options["level"] == "district" and len(options["events"]) == 101 == len(options["class_of"])
    assert options["url"].endswith("basemap/units.json") and options["script"].endswith("maps/choropleth.js")
    assert "EventMarkers" not in args["feature_group"] and "cm-playback" not in args["feature_group"]
    assert options["classes"][0]["label"] == "0 events"  # districts with none, apart
    assert sum(options["events"]) <= len(loaded.events) and max(options["events"]) > 0
    assert len(app.get("component_instance")[0].proto.json_args) < events_payload
    assert app.query_params["units"] == "district" and "units_by" not in app.query_params
    assert any("Events per district" in c.value and "events counted" in c.value for c in app.caption)


def test_a_click_on_a_unit_lists_its_events_and_shows_its_timeline(app):
    app.run()
    app.slider(key="map.dates").set_value(JUNE_2014).run()
    app.radio(key="map.units").set_value("district").run()
    app.radio(key="map.units_by").set_value("fatalities").run()
    _click(app, MOSUL)
    assert not app.exception
    caption = next(c.value for c in app.caption if "event(s) in" in c.value)
    assert "Al-Mosul district (Ninewa)" in shown(caption)
    (table,) = [frame.value for frame in app.dataframe]
    assert len(table) > 0 and table["latitude"].between(35.5, 37.0).all()
    assert caption.startswith(f"{len(table):,} event(s)")
    charts = [*app.get("arrow_vega_lite_chart"), *app.get("vega_lite_chart")]
    assert len(charts) == 1  # the unit's own timeline
    assert _options(map_component(app))["selected"] == "IQG15Q05"  # outlined on the map
    assert app.query_params["units_by"] == "fatalities"


def test_a_link_opens_the_choropleth_and_bad_values_warn(app):
    app.query_params["units"] = "governorate"
    app.query_params["units_by"] = "casualties"
    app.run()
    assert not app.exception
    assert app.radio(key="map.units").value == "governorate" and app.radio(key="map.units_by").value == "events"
    assert _options(map_component(app))["level"] == "governorate"
    assert any("'units_by'" in shown(w.value) for w in app.warning)


def test_playback_turns_the_choropleth_off_while_it_plays(app):
    app.query_params["units"] = "district"
    app.query_params["play_at"] = "2014-06-01"
    app.run()
    assert not app.exception
    assert app.radio(key="map.units").disabled
    assert "cm-playback" in map_component(app)["feature_group"]
