"""The join of events with places: nothing dropped, nothing at 0,0, how each was placed kept."""

import pandas as pd
import pytest

from conflictmap.datasets import Shipped, load_events
from conflictmap.geocode.placing import place_events
from conflictmap.schema import Format, conform

ARTICLE_HEADER = "event_id,date_start,event_type,place,country,source\n"


def _events(rows: list[dict]) -> pd.DataFrame:
    return conform(pd.DataFrame(rows))


def test_unresolved_places_are_kept_and_listed(geocoder):
    events = _events(
        [
            {"event_id": "a", "place": "Ramadi", "country": "Iraq"},
            {"event_id": "b", "place": "Qqqzzzx", "country": "Iraq"},
            {
                "event_id": "c",
                "place": "Mosul",
                "country": "Iraq",
                "latitude": 36.0,
                "longitude": 43.0,
                "located_by": "source coordinates",
            },
        ]
    )
    placed = place_events(events, geocoder)
    assert len(placed.events) == 3
    by_id = placed.events.set_index("event_id")
    assert by_id.loc["a", "located_by"] == "gazetteer" and by_id.loc["a", "matched_name"] == "Ramadi"
    assert by_id.loc["a", "admin1"] == "Al Anbār province"  # from the gazetteer, in UCDP's spelling
    assert by_id.loc["b", "located_by"] == "unresolved"
    assert pd.isna(by_id.loc["b", "latitude"]) and pd.isna(by_id.loc["b", "longitude"])
    assert (by_id.loc["c", "latitude"], by_id.loc["c", "longitude"]) == (36.0, 43.0)  # source wins
    places = placed.places.set_index("place")
    assert places.loc["Qqqzzzx", "located_by"] == "unresolved" and places.loc["Qqqzzzx", "events"] == 1
    assert places.loc["Mosul", "match_source"] == "the data set's own coordinates"
    assert not ((placed.events["latitude"] == 0) & (placed.events["longitude"] == 0)).any()


def test_the_identification_is_geocoded_and_the_reported_name_kept(geocoder):
    events = _events(
        [
            {
                "event_id": "x",
                "place": "a US airbase in western Iraq",
                "place_identified_as": "Ain al-Asad Air Base",
                "country": "Iraq",
            }
        ]
    )
    placed = place_events(events, geocoder)
    event = placed.events.iloc[0]
    assert event["place"] == "a US airbase in western Iraq"
    assert event["matched_name"] == "Ain al-Asad Air Base" and event["located_by"] == "supplement"
    assert placed.places.iloc[0]["identified_as"] == "Ain al-Asad Air Base"


def test_a_broken_file_is_reported_and_the_others_still_load(tmp_path, geocoder):
    good = tmp_path / "report.csv"
    good.write_text(ARTICLE_HEADER + "r1,2024-01-04,Air strike,Baghdad,Iraq,a report\n", encoding="utf-8")
    broken = tmp_path / "ged.csv"
    broken.write_text("id,year\n1,2014\n", encoding="utf-8")
    loaded = load_events(
        (
            Shipped("x", broken, Format.CURATED),
            Shipped("News report", good, Format.CURATED),
        ),
        geocoder,
    )
    assert len(loaded.events) == 1
    assert loaded.problems == ("ged.csv: missing column(s): event_id, date_start, event_type, place, country, source",)


def test_shipped_data_loads_whole_and_sorted(loaded):
    assert len(loaded.events) == 7473 + 9
    assert loaded.problems == () and loaded.rejected == {}
    assert loaded.events["date_start"].is_monotonic_increasing
    assert loaded.events["event_id"].is_unique
    assert (loaded.places["located_by"] == "unresolved").sum() == 0


def test_rows_pass_their_province_and_district(geocoder):
    events = _events(
        [
            {"event_id": "a", "place": "Hamdan", "country": "Iraq", "admin1": "Ninawa", "admin2": "Al-Hatra"},
            {"event_id": "b", "place": "Hamdan", "country": "Iraq", "admin1": "Ninawa"},
            {"event_id": "c", "place": "Al-Hamdaniya", "country": "Iraq", "admin1": "Basra"},
        ]
    )
    placed = place_events(events, geocoder)
    by_id = placed.events.set_index("event_id")
    assert by_id.loc["a", "located_by"] == "gazetteer" and by_id.loc["b", "located_by"] == "unresolved"
    assert by_id.loc["c", "located_by"] == "unresolved"
    places = placed.places.set_index(["place", "admin2"], drop=False)
    assert len(placed.places) == 3  # one row per name and hints
    hatra = placed.places[placed.places["admin2"] == "Al-Hatra"].iloc[0]
    assert hatra["pcode"].startswith("IQG15Q04") and "district Al-Hatra" in hatra["evidence"]
    basra = placed.places[placed.places["place"] == "Al-Hamdaniya"].iloc[0]
    assert basra["reason"] == "only elsewhere" and "Nīnawá province" in basra["candidates"]
    assert places.index.is_unique


@pytest.mark.parametrize("name", ["", "x" * 10_000, "Ram\x00adi", "Rаmadi", "12345"])
def test_bad_names_are_a_row_outcome_never_an_error_never_zero_zero(geocoder, name):
    events = _events([{"event_id": "a", "place": name or None, "country": "Iraq", "admin1": "Atlantis"}])
    placed = place_events(events, geocoder)
    event = placed.events.iloc[0]
    assert event["located_by"] == "unresolved" and pd.isna(event["latitude"]) and pd.isna(event["longitude"])
    assert placed.places.iloc[0]["reason"]


def test_the_data_sets_other_places_decide_an_ambiguous_name(geocoder):
    def located(event_id, place, latitude, longitude):
        return {
            "event_id": event_id,
            "place": place,
            "country": "Iraq",
            "latitude": latitude,
            "longitude": longitude,
            "geo_precision": "exact place",
            "located_by": "source coordinates",
            "dataset": "team",
        }

    near_khalis = [located("s1", "Farm A", 34.10, 44.85), located("s2", "Farm B", 34.18, 44.90)]
    asked = {"event_id": "h", "place": "Hamdan", "country": "Iraq", "dataset": "team"}
    alone = place_events(_events([asked]), geocoder).events.iloc[0]
    assert alone["located_by"] == "unresolved"  # a dozen Hamdans in Iraq
    placed = place_events(_events([*near_khalis, asked]), geocoder)
    event = placed.events.set_index("event_id").loc["h"]
    assert event["located_by"] == "gazetteer" and event["admin2"] == "Al-Khalis"
    row = placed.places[placed.places["place"] == "Hamdan"].iloc[0]
    assert "the data set's other places pick one" in row["evidence"] and row["candidates"]
    # another data set's places are no context
    elsewhere = [{**e, "dataset": "other"} for e in near_khalis]
    assert place_events(_events([*elsewhere, asked]), geocoder).events.set_index("event_id").loc["h", "located_by"] == (
        "unresolved"
    )
