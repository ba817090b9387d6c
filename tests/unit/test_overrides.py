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


def _row(place: str, country: str = "", latitude: str = "33.3", longitude: str = "44.4", note: str = "") -> dict:
    return {
        "place": place,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        "precision": "",
        "note": note,
    }


def test_a_place_pinned_twice_is_refused_and_the_first_row_wins(geocoder):
    """Hostile pass F16: a second Baghdad row moved every Baghdad event to Chad, silently."""
    rows = [_row(f"Place {n}") for n in range(1, 5)]
    rows += [_row("Baghdad", "IQ"), _row(" baghdad ", "Iraq", "10", "10"), _row("Baghdad", "SY"), _row("Baghdad")]
    table = pd.DataFrame(rows)
    assert check_overrides(table, geocoder.gazetteer) == ["row 6: 'baghdad' (IQ) is already pinned in row 5"]
    pinned = override_places(table, geocoder.gazetteer)
    assert (pinned[("baghdad", "IQ")].latitude, pinned[("baghdad", "IQ")].longitude) == (33.3, 44.4)
    assert {("baghdad", "SY"), ("baghdad", "")} <= set(pinned)  # other countries are other places
    table = pd.DataFrame([_row("Hit"), _row("HIT", longitude="42")])
    assert check_overrides(table, geocoder.gazetteer) == ["row 2: 'HIT' (no country) is already pinned in row 1"]


def test_names_and_notes_are_capped(geocoder):
    table = pd.DataFrame([_row("A" * 100_000), _row("B" * 200, note="n" * 5000)])
    problems = check_overrides(table, geocoder.gazetteer)
    assert problems == [
        f"row 1: the place name is 100,000 characters long (at most 200): '{'A' * 40}…'",
        "row 2: the note is 5,000 characters long (at most 1,000)",
    ]
    assert override_places(table, geocoder.gazetteer) == {}


def test_formulas_are_neutralised_in_the_file_and_read_back_as_saved(tmp_path):
    path = tmp_path / "overrides.csv"
    notes = ["=cmd|' /C calc'!A0", "'=already quoted", "''@twice", "'just quoted", "+ east gate", "plain"]
    places = ["@Ramadi", "-Hit", "Haditha", "'Ana", "=1+1", "Rawa"]
    table = pd.DataFrame([_row(place, note=note, latitude="-3.5") for place, note in zip(places, notes, strict=True)])
    save_overrides(table, path)
    written = path.read_text(encoding="utf-8")
    assert "\n'=cmd|" not in written and ",'=cmd|' /C calc'!A0" in written
    assert "\n'@Ramadi," in written and "\n'-Hit," in written and ",-3.5," in written  # numbers stay numbers
    assert all(not line.split(",")[0].startswith(("=", "+", "-", "@")) for line in written.splitlines())
    back = read_overrides(path)
    assert back["note"].tolist() == notes
    assert back["place"].tolist() == places
    assert back["latitude"].tolist() == ["-3.5"] * 6


def test_an_overrides_file_written_elsewhere_keeps_its_apostrophes(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text("place,latitude,longitude,note\n'Ana,34.4,41.9,'quoted\n'=x,1,2,\n", encoding="utf-8")
    back = read_overrides(path)
    assert back["place"].tolist() == ["'Ana", "=x"] and back["note"].tolist() == ["'quoted", ""]
