"""Exports: CSV that reads back as the same events, and GeoJSON with every schema column."""

import csv
import io
import json

import pandas as pd
import pytest

from conflictmap.exporting import events_to_csv, events_to_geojson, neutralise_formulas, table_to_csv
from conflictmap.readers.importing import import_file
from conflictmap.schema import EVENT_COLUMNS, conform
from tests.conftest import ROOT

UCDP = ROOT / "data" / "ucdp_ged_iraq.csv"


@pytest.fixture(scope="module")
def events():
    ucdp = import_file(UCDP).events.head(300)
    report = import_file(ROOT / "data" / "report_events.csv").events
    return conform(pd.concat([ucdp, report], ignore_index=True))


def test_csv_has_the_schema_columns_iso_dates_and_empty_cells_for_missing_values(events):
    rows = list(csv.DictReader(io.StringIO(events_to_csv(events))))
    assert list(rows[0]) == list(EVENT_COLUMNS) and len(rows) == len(events)
    first = rows[0]
    assert (first["date_start"], first["date_end"]) == ("2014-01-24", "2014-01-25")
    assert first["place_identified_as"] == "" and first["fatalities"] == "8"
    assert rows[-1]["latitude"] == "" and rows[-1]["dataset"] == "report_events"


def test_csv_reads_back_as_the_same_events(events):
    again = import_file(events_to_csv(events).encode("utf-8"), "working_set.csv")
    assert again.detected.reason.startswith("this app's event columns")
    assert again.report["rejected"] == 0
    pd.testing.assert_frame_equal(again.events, events)


def test_formulas_are_neutralised_for_spreadsheets():
    events = conform(
        pd.DataFrame(
            {
                "event_id": ["x:1", "x:2"],
                "date_start": [pd.Timestamp("2024-01-04")] * 2,
                "place": ['=HYPERLINK("http://example.invalid","click")', "Baghdad"],
                "notes": ["@SUM(A1:A9)", "-3"],
                "actor1": ["+cmd|' /C calc'!A0", "- a dash"],
            }
        )
    )
    rows = list(csv.DictReader(io.StringIO(events_to_csv(events))))
    assert rows[0]["place"] == '\'=HYPERLINK("http://example.invalid","click")'
    assert (rows[0]["notes"], rows[0]["actor1"]) == ("'@SUM(A1:A9)", "'+cmd|' /C calc'!A0")
    assert (rows[1]["place"], rows[1]["notes"], rows[1]["actor1"]) == ("Baghdad", "-3", "'- a dash")


def test_numbers_are_not_formulas():
    assert neutralise_formulas(pd.Series(["-3.5", "+12", "-1e3", "=1", "\t=1"])).tolist() == [
        "-3.5",
        "+12",
        "-1e3",
        "'=1",
        "'\t=1",
    ]


def test_rejected_rows_download_with_formulas_neutralised():
    rejected = import_file(b"date,place,fatalities\nsoon,=1+2,-1\n", "x.csv").rejected
    rows = list(csv.DictReader(io.StringIO(table_to_csv(rejected))))
    assert rows[0]["place"] == "'=1+2" and rows[0]["fatalities"] == "-1" and rows[0]["line"] == "2"
    assert rows[0]["rejection_reasons"].startswith("column 'date': value 'soon': not a valid date")


def _strict_json(text: str) -> dict:
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_geojson_is_a_feature_collection_with_every_column(events):
    collection = _strict_json(events_to_geojson(events))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == len(events)
    first = collection["features"][0]
    assert first["type"] == "Feature" and first["id"] == "ucdp:114064"
    assert first["geometry"] == {"type": "Point", "coordinates": [43.786124, 33.355813]}
    properties = first["properties"]
    assert list(properties) == list(EVENT_COLUMNS)
    assert properties["date_start"] == "2014-01-24" and properties["fatalities"] == 8
    assert properties["place_identified_as"] is None and properties["place"] == "Al Fallūjah town"


def test_geojson_events_without_coordinates_have_a_null_geometry_and_nan_is_null(events):
    features = _strict_json(events_to_geojson(events))["features"]
    last = features[-1]
    assert last["geometry"] is None
    assert last["properties"]["latitude"] is None and last["properties"]["fatalities_low"] is None


def test_an_empty_working_set():
    assert _strict_json(events_to_geojson(conform(pd.DataFrame()))) == {"type": "FeatureCollection", "features": []}
    assert events_to_csv(conform(pd.DataFrame())).strip() == ",".join(EVENT_COLUMNS)
