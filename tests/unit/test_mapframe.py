"""The one st_folium call of the Map page, over memory and over a store (conflictmap.app.mapframe)."""

from __future__ import annotations

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
    return made


def test_the_view_is_never_forced_on_the_map_it_is_built_there(calls: list[dict[str, Any]]) -> None:
    """The base map is built at the link's or the session's view (session.map_start): a centre and
    zoom passed to st_folium would move a map whose first reply reported another view (F10)."""
    view = MapView(latitude=36.3, longitude=43.1, zoom=9)
    hand_back = lambda: None  # noqa: E731
    mapframe.map_frame(None, None, view, follow_view=False, returned=["selected_tags"], on_change=hand_back)  # type: ignore[arg-type]
    mapframe.map_frame(None, None, view, follow_view=True)  # type: ignore[arg-type]
    first, second = calls
    assert not {"center", "zoom"} & (set(first) | set(second))
    assert first["returned_objects"] == ["last_object_clicked", "center", "zoom", "selected_tags"]
    assert second["returned_objects"] == ["last_object_clicked", "center", "zoom", "bounds"]
    assert first["key"] == second["key"] == "map" and first["on_change"] is hand_back
    assert (first["height"], first["use_container_width"]) == (560, True)


def test_without_a_link_no_view_is_forced(calls: list[dict[str, Any]]) -> None:
    mapframe.map_frame(None, None, MapView(), follow_view=False)  # type: ignore[arg-type]
    assert "center" not in calls[0] and calls[0]["on_change"] is None
