"""One composition of the geocoder: the shipped load, the Data page (datasets.add_file), the
`geocode` command and `export` build it the same way and give the same answer for the same row,
with the row's country, province and district as hints."""

import json

import pandas as pd
import pytest

from conflictmap import cli
from conflictmap.datasets import AddedFile, Shipped, add_file, load_events
from conflictmap.geocode.compose import base_geocoder, build_geocoder
from conflictmap.geocode.records import distance_km
from conflictmap.schema import Format, conform

HEADER = "event_id,date_start,event_type,place,country,admin1,admin2,source\n"
#: (event id, place, country, province, district): one refused for its province, one placed, one
#: with a province that does not exist, one bad name.
ROWS = [
    ("t:hamdaniya-basra", "Al-Hamdaniya", "Iraq", "Basra", ""),
    ("t:hamdan-hatra", "Hamdan", "Iraq", "Ninawa", "Al-Hatra"),
    ("t:ramadi-atlantis", "Ramadi", "Iraq", "Atlantis", ""),
    ("t:control", "Ram\x07adi", "Iraq", "", ""),
]


def _csv(rows) -> str:
    lines = [
        f"{event_id},2024-01-0{n + 1},Battles,{place},{country},{admin1},{admin2},test"
        for n, (
            event_id,
            place,
            country,
            admin1,
            admin2,
        ) in enumerate(rows)
    ]
    return HEADER + "\n".join(lines) + "\n"


@pytest.fixture()
def shipped_dir(tmp_path, monkeypatch):
    """A data folder whose only shipped file holds ROWS (the UCDP file is missing: reported, not fatal)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "report_events.csv").write_text(_csv(ROWS), encoding="utf-8")
    monkeypatch.setenv("CONFLICTMAP_DATA_DIR", str(folder))
    return folder


def _answers(events: pd.DataFrame) -> dict[str, tuple]:
    """event id -> (located by, latitude, longitude, precision), rounded."""
    out = {}
    for row in events.itertuples(index=False):
        latitude = None if pd.isna(row.latitude) else round(float(row.latitude), 4)
        longitude = None if pd.isna(row.longitude) else round(float(row.longitude), 4)
        precision = None if pd.isna(row.geo_precision) or not row.geo_precision else row.geo_precision
        out[row.event_id] = (row.located_by, latitude, longitude, precision)
    return out


def test_al_hamdaniya_basra_through_the_data_page_is_unresolved_with_the_nineveh_candidate(geocoder):
    base = load_events((), geocoder)
    events = conform(pd.DataFrame([{"event_id": "x:1", "place": "Al-Hamdaniya", "country": "Iraq", "admin1": "Basra"}]))
    working = add_file(base, AddedFile(events, "team.csv", instead=True), geocoder)
    event = working.events.iloc[0]
    assert event["located_by"] == "unresolved" and pd.isna(event["latitude"])
    place = working.places.iloc[0]
    assert place["reason"] == "only elsewhere" and place["admin1"] == "Basra"
    assert "Nīnawá province" in place["candidates"] and "km away" in place["candidates"]


def test_the_shipped_load_the_data_page_geocode_and_export_give_the_same_answers(shipped_dir, tmp_path, geocoder):
    base = base_geocoder(gazetteer=geocoder.gazetteer)
    shipped = (Shipped("News report", shipped_dir / "report_events.csv", Format.CURATED),)
    loaded = load_events(shipped, base)
    by_load = _answers(loaded.events)

    added_events = conform(
        pd.DataFrame(
            [
                {"event_id": e, "place": p, "country": c, "admin1": a1 or None, "admin2": a2 or None}
                for e, p, c, a1, a2 in ROWS
            ]
        )
    )
    working = add_file(load_events((), base), AddedFile(added_events, "team.csv", instead=True), base)
    by_data_page = _answers(working.events)

    names = tmp_path / "names.csv"
    pd.DataFrame(ROWS, columns=["event_id", "place", "country", "admin1", "admin2"]).to_csv(names, index=False)
    out = tmp_path / "out.csv"
    assert cli.main(["geocode", str(names), "-o", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    by_command = {
        row.event_id: (
            row.match_source,
            round(float(row.latitude), 4) if row.latitude else None,
            round(float(row.longitude), 4) if row.longitude else None,
            row.precision or None,
        )
        for row in table.itertuples(index=False)
    }

    exported = tmp_path / "export.csv"
    assert (
        cli.main(["export", "--events", str(shipped_dir / "report_events.csv"), "--format", "csv", "-o", str(exported)])
        == 0
    )
    by_export = _answers(pd.read_csv(exported, dtype={"geo_precision": str, "located_by": str}))

    assert by_load == by_data_page == by_command == by_export
    assert by_load["t:hamdaniya-basra"][0] == "unresolved"
    assert by_load["t:ramadi-atlantis"][0] == "unresolved" and by_load["t:control"][0] == "unresolved"
    placed = by_load["t:hamdan-hatra"]
    assert placed[0] == "gazetteer" and distance_km(placed[1:3], (35.948, 42.318)) < 1
    # the geocode command writes the admin areas, the P-code and the evidence beside each row
    row = table.set_index("event_id").loc["t:hamdan-hatra"]
    assert row["matched_admin2"] == "Al-Hatra" and row["pcode"].startswith("IQG15Q04")
    assert "district Al-Hatra" in row["evidence"]
    assert table.set_index("event_id").loc["t:ramadi-atlantis", "evidence"].startswith("unknown province")


def test_geocode_adds_admin_columns_when_the_input_has_none(tmp_path, geocoder, monkeypatch, capsys):
    names = tmp_path / "names.csv"
    names.write_text("place\nRamadi\nقضاء الفلوجة\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert cli.main(["geocode", str(names), "-o", str(out), "--country", "IQ", "--no-learn"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["resolved"] == 2
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert {"admin1", "admin2", "pcode", "evidence"} <= set(table.columns)
    assert table["admin1"].tolist() == ["Al Anbār province", "Al Anbār province"]
    assert table["pcode"].tolist()[1] == "IQG01Q01" and table["precision"].tolist()[1] == "district (admin2)"


def test_build_geocoder_learns_caches_and_stays_offline(tmp_path, geocoder):
    teacher = conform(
        pd.DataFrame(
            [
                {
                    "event_id": "e1",
                    "place": "Tall Zzuwayrat",
                    "country": "Iraq",
                    "latitude": 33.5,
                    "longitude": 42.9,
                    "geo_precision": "exact place",
                    "located_by": "source coordinates",
                }
            ]
        )
    )
    geocoding = build_geocoder(geocoder, learn_from=teacher, cache_directory=tmp_path, environ={})
    assert geocoding.resolve("Tall Zzuwayrat", country="IQ").located_by == "learned"
    geocoding.resolve("Tall Zzuwayrat", country="IQ")
    assert geocoding.misses == 1
    geocoding.save()
    again = build_geocoder(geocoder, learn_from=teacher, cache_directory=tmp_path, environ={})
    again.resolve("Tall Zzuwayrat", country="IQ")
    assert again.misses == 0
    uncached = build_geocoder(geocoder, cache=False, environ={})
    assert uncached.cache is None and not uncached.resolve("Tall Zzuwayrat", country="IQ").resolved
