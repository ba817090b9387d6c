"""Working sets (conflictmap.datasets.add_file, replay): an analyst's file is placed and added
beside the shipped data or instead of it, and a working set is made again, file by file, the same
way every time (after the overrides change)."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from conflictmap.datasets import AddedFile, Loaded, add_file, replay
from conflictmap.schema import EVENT_COLUMNS, conform

#: A place name no gazetteer knows: only the file's own coordinates can place it.
INVENTED = "Hay al-Zzyzx quarter"


def _file(dataset: str, rows: list[dict]) -> pd.DataFrame:
    """A file's accepted events, in the schema, as the Data page hands them to `add_file`."""
    defaults = {"date_start": "2024-02-01", "event_type": "Air strike", "country": "Iraq", "dataset": dataset}
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    return conform(frame.assign(date_start=pd.to_datetime(frame["date_start"])))


def _located(event_id: str, place: str, latitude: float, longitude: float, **more) -> dict:
    return {
        "event_id": event_id,
        "place": place,
        "latitude": latitude,
        "longitude": longitude,
        "geo_precision": "exact place",
        "located_by": "source coordinates",
        **more,
    }


@pytest.fixture(scope="module")
def team() -> AddedFile:
    """Three events: two at Baghdad with coordinates, one at Basra by its name only."""
    events = _file(
        "team",
        [
            _located("team:1", "Baghdad", 33.3152, 44.3661),
            _located("team:2", "Baghdad", 33.3152, 44.3661, date_start="2024-02-02"),
            {"event_id": "team:3", "place": "Basra", "date_start": "2024-02-03"},
        ],
    )
    return AddedFile(events, "team.csv", instead=False)


@pytest.fixture(scope="module")
def desk() -> AddedFile:
    events = _file("desk", [_located("desk:1", "Mosul", 36.335, 43.119, date_start="2023-05-01")])
    return AddedFile(events, "desk.csv", instead=False)


def test_a_file_added_beside_the_base_keeps_the_base(loaded: Loaded, team, geocoder):
    working = add_file(loaded, team, geocoder)
    assert len(working.events) == len(loaded.events) + 3
    assert list(working.events.columns) == list(EVENT_COLUMNS)
    assert working.events["date_start"].is_monotonic_increasing  # sorted, as the shipped data
    assert working.read == {**loaded.read, "team.csv": 3}
    assert working.problems == loaded.problems and working.rejected.keys() == loaded.rejected.keys()
    assert len(working.places) == len(loaded.places) + 2  # the file's Baghdad and Basra
    assert "team" in set(working.events["dataset"]) and "UCDP GED" in set(working.events["dataset"])
    assert working.choices["type"] and "Air strike" in working.choices["type"]


def test_a_file_added_instead_of_the_base_is_all_there_is(loaded: Loaded, team, geocoder):
    working = add_file(loaded, AddedFile(team.events, "team.csv", instead=True), geocoder)
    assert working.events["event_id"].tolist() == ["team:1", "team:2", "team:3"]
    assert working.read == {"team.csv": 3} and working.problems == () and working.rejected == {}
    assert sorted(working.places["place"]) == ["Baghdad", "Basra"]


def test_a_files_rows_without_coordinates_are_geocoded(loaded: Loaded, team, geocoder):
    working = add_file(loaded, team, geocoder)
    basra = working.events.set_index("event_id").loc["team:3"]
    assert basra["located_by"] in {"gazetteer", "learned", "supplement"}
    assert 29.5 < basra["latitude"] < 31.5 and 46.5 < basra["longitude"] < 48.5
    baghdad = working.events.set_index("event_id").loc["team:1"]  # its own coordinates, untouched
    assert (baghdad["latitude"], baghdad["longitude"]) == (33.3152, 44.3661)
    assert baghdad["located_by"] == "source coordinates"


def test_the_base_is_not_changed(loaded: Loaded, team, geocoder):
    before = loaded.events.copy()
    add_file(loaded, team, geocoder)
    assert_frame_equal(loaded.events, before)


def test_replay_of_two_files_equals_adding_them_one_after_the_other(loaded: Loaded, team, desk, geocoder):
    instead = AddedFile(desk.events, desk.name, instead=True)
    for files in ([team, desk], [team, instead], [instead, team]):
        stepwise = loaded
        for added in files:
            stepwise = add_file(stepwise, added, geocoder)
        replayed = replay(loaded, files, geocoder)
        assert_frame_equal(replayed.events, stepwise.events)
        assert_frame_equal(replayed.places, stepwise.places)
        assert replayed.read == stepwise.read and replayed.problems == stepwise.problems
        assert replayed.choices == stepwise.choices
    assert replay(loaded, [], geocoder) is loaded


def test_a_files_own_precise_rows_teach_the_geocoder_its_other_rows(loaded: Loaded, geocoder):
    unnamed = {"event_id": "mine:2", "place": INVENTED, "date_start": "2024-02-02"}
    alone = add_file(loaded, AddedFile(_file("mine", [unnamed]), "alone.csv", instead=True), geocoder)
    assert alone.events.set_index("event_id").at["mine:2", "located_by"] == "unresolved"  # no one knows it

    events = _file("mine", [_located("mine:1", INVENTED, 33.301, 44.402), unnamed])
    working = add_file(loaded, AddedFile(events, "mine.csv", instead=False), geocoder)
    taught = working.events.set_index("event_id").loc["mine:2"]
    assert taught["located_by"] == "learned"
    assert taught["latitude"] == pytest.approx(33.301) and taught["longitude"] == pytest.approx(44.402)
    place = working.places[working.places["place"] == INVENTED]
    assert place["events"].sum() == 2


class _Counting:
    """A geocoder stub that counts what it is asked (and answers from the real one)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def resolve(self, query: str, **hints):
        self.asked.append(query)
        return self.inner.resolve(query, **hints)


def test_rows_with_coordinates_are_not_geocoded(loaded: Loaded, geocoder, monkeypatch):
    """Hostile pass F17: a 1,000,000-row file whose every row had coordinates spent 89 s in
    "Geocoding place names"; it asks the geocoder nothing and learns nothing now."""
    import conflictmap.datasets as datasets
    from conflictmap.geocode.placing import place_events

    every = AddedFile(
        _file(
            "mine",
            [_located(f"mine:{n}", name, 33 + n / 100, 44.0) for n, name in enumerate(["Ramadi", INVENTED] * 50)],
        ),
        "mine.csv",
        instead=False,
    )
    counting = _Counting(geocoder)
    monkeypatch.setattr(datasets, "build_geocoder", lambda *a, **k: pytest.fail("learned from a file with coordinates"))
    working = add_file(loaded, every, counting)
    assert counting.asked == []
    mine = working.events[working.events["dataset"] == "mine"]
    assert len(mine) == 100 and (mine["located_by"] == "source coordinates").all()
    assert mine["latitude"].notna().all()
    places = working.places.iloc[len(loaded.places) :]  # the file's own, after the base's
    assert sorted(places["place"]) == sorted(["Ramadi", INVENTED])
    assert set(places["match_source"]) == {"the data set's own coordinates"}

    mixed = _file("mixed", [_located("mixed:1", "Ramadi", 33.4, 43.3), {"event_id": "mixed:2", "place": "Hit"}])
    counting = _Counting(geocoder)
    placed = place_events(mixed, counting)
    assert counting.asked == ["Hit"]  # only the row without coordinates
    assert placed.events.set_index("event_id").loc["mixed:1", "latitude"] == 33.4
