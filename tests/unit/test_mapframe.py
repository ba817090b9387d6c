"""The one st_folium call of the Map page, over memory and over a store (conflictmap.app.mapframe)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from conflictmap.app import mapframe
from conflictmap.sharelink import MapView


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []

    def fake(fmap: object, **kwargs: Any) -> dict[str, Any]:
        made.append(kwargs)
        return {"center": {"lat": 33.3, "lng": 44.4}}

    monkeypatch.setattr(mapframe, "st_folium", fake)
    monkeypatch.setattr(mapframe, "st", SimpleNamespace(session_state={}))
    return made


def test_a_links_view_is_applied_once_then_the_map_reports_its_own(calls: list[dict[str, Any]]) -> None:
    view = MapView(latitude=36.3, longitude=43.1, zoom=9)
    hand_back = lambda: None  # noqa: E731
    mapframe.map_frame(None, None, view, follow_view=False, returned=["selected_tags"], on_change=hand_back)  # type: ignore[arg-type]
    mapframe.map_frame(None, None, view, follow_view=True)  # type: ignore[arg-type]
    first, second = calls
    assert (first["center"], first["zoom"]) == ([36.3, 43.1], 9)
    assert (second["center"], second["zoom"]) == (None, None)  # the map reported its centre
    assert first["returned_objects"] == ["last_object_clicked", "center", "zoom", "selected_tags"]
    assert second["returned_objects"] == ["last_object_clicked", "center", "zoom", "bounds"]
    assert first["key"] == second["key"] == "map" and first["on_change"] is hand_back
    assert (first["height"], first["use_container_width"]) == (560, True)


def test_without_a_link_no_view_is_forced(calls: list[dict[str, Any]]) -> None:
    mapframe.map_frame(None, None, MapView(), follow_view=False)  # type: ignore[arg-type]
    assert (calls[0]["center"], calls[0]["zoom"], calls[0]["on_change"]) == (None, None, None)
