"""Analysts' overrides win and are shown as such; bad edits are refused with their row."""

import pandas as pd

from conflictmap.geocode.compose import base_geocoder
from conflictmap.geocode.overrides import (
    check_overrides,
    override_places,
    read_overrides,
    save_overrides,
)
from conflictmap.schema import GeoPrecision


def test_an_override_wins_and_says_so(tmp_path, geocoder):
    path = tmp_path / "overrides.csv"
    save_overrides(
        pd.DataFrame(
            [
                {
                    "place": "Ramadi",
                    "country": "Iraq",
                    "latitude": "33.5",
                    "longitude": "43.1",
                    "precision": "within 25 km",
                    "note": "our desk's point",
                }
            ]
        ),
        path,
    )
    pinned = base_geocoder(path, geocoder.gazetteer)
    match = pinned.resolve("Ramadi", country="IQ")
    assert (match.latitude, match.longitude, match.located_by) == (33.5, 43.1, "override")
    assert match.precision == "within 25 km" and "our desk's point" in match.source
    assert pinned.resolve("Ramadi", country="Syria").located_by != "override"  # pinned for Iraq only
    assert read_overrides(path)["place"].tolist() == ["Ramadi"]


def test_bad_rows_are_named_and_skipped(geocoder):
    table = pd.DataFrame(
        [
            {"place": "", "country": "", "latitude": "1", "longitude": "2", "precision": "", "note": ""},
            {
                "place": "X",
                "country": "Atlantis",
                "latitude": "95",
                "longitude": "east",
                "precision": "roughly",
                "note": "",
            },
            {"place": "Good", "country": "", "latitude": "33", "longitude": "44", "precision": "", "note": ""},
        ]
    )
    problems = check_overrides(table, geocoder.gazetteer)
    assert problems == [
        "row 1: the place name is empty",
        "row 2: country 'Atlantis' is not a country name or ISO code",
        "row 2: latitude 95 is out of range (-90 to 90)",
        "row 2: longitude 'east' is not a number",
        "row 2: precision 'roughly' is not one of: " + ", ".join(GeoPrecision),
    ]
    assert list(override_places(table, geocoder.gazetteer)) == [("good", "")]


def test_the_shipped_overrides_file_is_valid(geocoder):
    assert check_overrides(read_overrides(), geocoder.gazetteer) == []
