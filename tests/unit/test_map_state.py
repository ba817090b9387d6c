"""What the map's reply means (conflictmap.maps.state), from literal replies as `st_folium` sends
them: a click selects the events at that spot, the view follows the reported centre and zoom, and
a reply without a click (or no reply yet) keeps what the link or the session had."""

from __future__ import annotations

import folium
import pandas as pd
import pytest

from conflictmap.maps.basemap import type_colors
from conflictmap.maps.layers import Layer, Plan, events_layer
from conflictmap.maps.state import LISTED_LIMIT, clicked_event, listed_events, redraw_needed, view_after
from conflictmap.schema import LayerMode, conform
from conflictmap.sharelink import MapView

BAGHDAD = {"lat": 33.3152, "lng": 44.3661}
CLICK = {"last_object_clicked": BAGHDAD, "center": {"lat": 33.1, "lng": 44.2}, "zoom": 7}
NO_CLICK = {"last_object_clicked": None, "center": {"lat": 33.123456789, "lng": 44.987654321}, "zoom": 9}
AWAY = {"last_object_clicked": {"lat": 35.0, "lng": 40.0}, "center": {"lat": 33.1, "lng": 44.2}, "zoom": 7}


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    """Two events at one spot in Baghdad, one in Basra, one not located."""
    rows = [
        ("t:1", "2024-01-04", 33.3152, 44.3661, "Air strike"),
        ("t:2", "2024-01-05", 33.3152, 44.3661, "Shelling"),
        ("t:3", "2024-01-06", 30.5085, 47.7804, "Air strike"),
        ("t:4", "2024-01-07", None, None, "Air strike"),
    ]
    frame = pd.DataFrame(rows, columns=["event_id", "date_start", "latitude", "longitude", "event_type"])
    located = frame["latitude"].notna()
    return conform(
        frame.assign(
            date_start=pd.to_datetime(frame["date_start"]),
            located_by=pd.Series("source coordinates", index=frame.index).where(located, "unresolved"),
            geo_precision=pd.Series("exact place", index=frame.index).where(located),
        )
    )


def _layer(events: pd.DataFrame, mode: LayerMode):
    """The events layer drawn as markers, or (with a budget of none) counted in cells."""
    limits = (0, 0) if mode == LayerMode.CELLS else (2_000, 50_000)
    layer = events_layer(events, type_colors(["Air strike", "Shelling"]), limits=limits)
    assert layer.plan.mode == mode
    return layer


# --- clicked_event ---------------------------------------------------------------------------------


def test_a_click_selects_the_first_event_at_that_spot(events):
    assert clicked_event(CLICK, LayerMode.MARKERS, events, linked=None) == "t:1"


def test_a_marker_drawn_a_few_metres_off_its_place_still_selects_it(events):
    fanned = {"last_object_clicked": {"lat": 33.3160, "lng": 44.3655}}  # a spiderfied marker
    assert clicked_event(fanned, LayerMode.POINTS, events, linked=None) == "t:1"


@pytest.mark.parametrize("reply", [None, {}, NO_CLICK], ids=["no reply yet", "empty", "no click"])
def test_without_a_click_the_links_event_stays_selected(events, reply):
    assert clicked_event(reply, LayerMode.MARKERS, events, linked="t:3") == "t:3"
    assert clicked_event(reply, LayerMode.MARKERS, events, linked=None) is None


def test_a_click_on_a_cell_selects_no_single_event(events):
    assert clicked_event(CLICK, LayerMode.CELLS, events, linked="t:3") is None


def test_a_click_away_from_any_event_selects_none(events):
    assert clicked_event(AWAY, LayerMode.MARKERS, events, linked="t:3") is None


def test_a_click_when_nothing_is_shown_selects_none(events):
    assert clicked_event(CLICK, LayerMode.MARKERS, events.iloc[0:0], linked=None) is None


# --- view_after ------------------------------------------------------------------------------------


def test_the_view_follows_the_reported_centre_and_zoom_rounded_to_about_a_metre():
    view = view_after(MapView(latitude=30.0, longitude=40.0, zoom=5), NO_CLICK, tiles=True, heat=False, event="t:3")
    assert view == MapView(latitude=33.12346, longitude=44.98765, zoom=9, tiles=True, heat=False, event="t:3")


@pytest.mark.parametrize("reply", [None, {}, {"last_object_clicked": BAGHDAD}], ids=["none", "empty", "no centre"])
def test_before_the_map_reports_its_view_the_links_view_is_kept(reply):
    linked = MapView(latitude=33.3, longitude=44.4, zoom=11, embed=True)
    view = view_after(linked, reply, tiles=False, heat=True, event=None)
    assert (view.latitude, view.longitude, view.zoom) == (33.3, 44.4, 11)
    assert (view.tiles, view.heat, view.event, view.embed) == (False, True, None, True)


def test_a_centre_without_a_zoom_keeps_the_zoom():
    view = view_after(MapView(zoom=6), {"center": {"lat": 33.1, "lng": 44.2}}, tiles=False, heat=False, event=None)
    assert (view.latitude, view.longitude, view.zoom) == (33.1, 44.2, 6)


def test_the_selected_event_is_written_into_the_view(events):
    selected = clicked_event(CLICK, LayerMode.MARKERS, events, linked=None)
    view = view_after(MapView(), CLICK, tiles=False, heat=False, event=selected)
    assert (view.latitude, view.longitude, view.zoom, view.event) == (33.1, 44.2, 7, "t:1")


# --- listed_events ---------------------------------------------------------------------------------


def test_a_selected_event_lists_every_event_in_view_at_its_place(events):
    layer = _layer(events, LayerMode.MARKERS)
    listed = listed_events(CLICK, layer, events, events, events, selected="t:1")
    assert listed is not None
    assert listed.events["event_id"].tolist() == ["t:1", "t:2"]
    assert listed.caption == "2 event(s) in this view at 33.3152, 44.3661"


def test_only_the_events_in_view_are_listed(events):
    layer = _layer(events, LayerMode.MARKERS)
    shown = events[events["event_id"] != "t:2"]
    listed = listed_events(None, layer, shown, shown, events, selected="t:1")
    assert listed is not None and listed.events["event_id"].tolist() == ["t:1"]


@pytest.mark.parametrize("reply", [None, NO_CLICK, AWAY], ids=["no reply", "no click", "click away"])
def test_nothing_selected_lists_nothing(events, reply):
    layer = _layer(events, LayerMode.MARKERS)
    assert listed_events(reply, layer, events, events, events, selected=None) is None


def test_a_linked_event_no_longer_in_the_data_lists_nothing(events):
    layer = _layer(events, LayerMode.MARKERS)
    assert listed_events(None, layer, events, events, events, selected="ucdp:114064") is None


def test_a_click_in_cells_mode_lists_the_cells_events(events):
    layer = _layer(events, LayerMode.CELLS)
    listed = listed_events(CLICK, layer, events, events, events, selected=None)
    assert listed is not None
    assert set(listed.events["event_id"]) == {"t:1", "t:2"}
    assert listed.caption == f"2 event(s) in the {layer.cell_size}° cell around 33.3152, 44.3661"


def test_a_click_in_cells_mode_away_from_the_events_lists_the_nearest_cell(events):
    """A cell's circle may reach beyond its square: the nearest cell is the one clicked."""
    layer = _layer(events, LayerMode.CELLS)
    listed = listed_events({"last_object_clicked": {"lat": 31.0, "lng": 47.0}}, layer, events, events, events, None)
    assert listed is not None and listed.events["event_id"].tolist() == ["t:3"]


def test_a_click_in_cells_mode_with_no_cells_lists_an_empty_table(events):
    empty = Layer(group=folium.FeatureGroup(), plan=Plan(LayerMode.CELLS, ""), cell_size=0.05, cells=None)
    listed = listed_events(CLICK, empty, events.iloc[0:0], events.iloc[0:0], events, selected=None)
    assert listed is not None and listed.events.empty
    assert listed.caption == "0 event(s) in the 0.05° cell around 33.3152, 44.3661"


def test_a_cells_list_is_cut_at_its_limit():
    many = conform(
        pd.DataFrame(
            {
                "event_id": [f"m:{n}" for n in range(LISTED_LIMIT + 5)],
                "date_start": pd.Timestamp("2024-01-01"),
                "latitude": 33.3152,
                "longitude": 44.3661,
                "event_type": "Air strike",
                "located_by": "source coordinates",
                "geo_precision": "exact place",
            }
        )
    )
    layer = _layer(many, LayerMode.CELLS)
    listed = listed_events(CLICK, layer, many, many, many, selected=None)
    assert listed is not None and len(listed.events) == LISTED_LIMIT
    assert listed.caption.startswith(f"{LISTED_LIMIT + 5:,} event(s) in the")


# --- redraw_needed ---------------------------------------------------------------------------------


def _bounds(south: float, west: float, north: float, east: float) -> dict:
    return {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}


def test_a_view_holding_every_event_needs_no_second_drawing(events):
    """The map's first report of its view (all of Iraq) draws what the first run drew: no rerun."""
    assert not redraw_needed(events, None, _bounds(29.0, 38.0, 37.5, 49.0))
    unknown = {"_southWest": {"lat": None, "lng": None}, "_northEast": {"lat": None, "lng": None}}
    assert not redraw_needed(events, None, unknown)


def test_zooming_in_or_out_past_events_needs_a_redraw(events):
    baghdad = _bounds(33.0, 44.0, 33.6, 44.6)
    assert redraw_needed(events, None, baghdad)  # Basra leaves the view
    assert not redraw_needed(events, baghdad, _bounds(33.1, 44.1, 33.5, 44.5))  # same events in view
    assert redraw_needed(events, baghdad, _bounds(29.0, 38.0, 37.5, 49.0))  # Basra comes back
