"""GDELT events exports: real rows of a 15-minute export (tests/fixtures/README.md), with and without a header."""

import csv
import io
import zipfile

import pandas as pd
import pytest

from conflictmap.readers.gdelt import CAMEO_ROOTS, GDELT1_COLUMNS, GDELT2_COLUMNS, cameo_root
from conflictmap.readers.importing import import_file
from conflictmap.schema import EVENT_COLUMNS
from tests.conftest import FIXTURES

EXPORT = FIXTURES / "gdelt_20191024143000_lines1-200.export.CSV"  # the export's first 200 rows
MIDEAST = FIXTURES / "gdelt_20191024143000_mideast_lines1-151.tsv"  # a header and 150 rows


def _rows(path=EXPORT) -> list[list[str]]:
    """The file as GDELT defines it, read independently of the reader under test."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _tsv(rows: list[list[str]]) -> bytes:
    return "".join("\t".join(row) + "\n" for row in rows).encode("utf-8")


@pytest.fixture(scope="module")
def export():
    return import_file(EXPORT)


def test_the_layout_is_gdelts_own_column_list():
    assert tuple(_rows(MIDEAST)[0]) == GDELT2_COLUMNS
    assert len(GDELT2_COLUMNS) == 61 and len(GDELT1_COLUMNS) == 58


def test_every_row_of_the_real_export_is_accepted_or_rejected(export):
    result = export.result
    assert export.detected.format == "gdelt" and not export.detected.header
    assert result.read == 200 == len(result.events) + len(result.rejected)
    events = result.events
    assert list(events.columns) == list(EVENT_COLUMNS)
    placeable = (events["latitude"].notna() & events["longitude"].notna()) | events["place"].notna()
    assert placeable.all()
    assert events["event_id"].is_unique and events["event_id"].str.startswith("gdelt:").all()
    assert (events["dataset"] == "GDELT").all() and events["fatalities"].isna().all()
    assert (events["date_precision"] == "day").all() and (events["date_start"] == events["date_end"]).all()


def test_only_rows_without_coordinates_or_a_place_are_rejected(export):
    rows = _rows()
    lat, name = GDELT2_COLUMNS.index("ActionGeo_Lat"), GDELT2_COLUMNS.index("ActionGeo_FullName")
    unplaced = [number for number, row in enumerate(rows, start=1) if not row[lat] and not row[name]]
    rejected = export.result.rejected
    assert rejected["line"].tolist() == unplaced and unplaced == [52, 53, 60, 123, 165, 170]
    assert set(rejected["rejection_reasons"]) == {
        "column 'ActionGeo_FullName': value '': neither coordinates nor a place name"
    }
    # rejected rows keep all 61 original columns, and the line numbers point at them
    assert list(rejected.columns) == ["line", *GDELT2_COLUMNS, "rejection_reasons"]
    first = rejected.iloc[0]
    assert first["GLOBALEVENTID"] == rows[first["line"] - 1][0]
    assert export.report["reasons"] == {"column 'ActionGeo_FullName': neither coordinates nor a place name": 6}


def test_fields_map_into_the_schema(export):
    rows = {row[0]: row for row in _rows()}
    events = export.events.set_index("event_id")
    event = events.loc["gdelt:881990832"]
    raw = rows["881990832"]
    assert str(event["date_start"].date()) == "2018-10-24"
    assert event["event_type"] == "Threaten" and event["sub_event_type"] == "CAMEO 139"
    assert pd.isna(event["actor1"]) and event["actor2"] == "VICTORIA"
    assert event["place"] == "Vancouver, British Columbia, Canada"
    assert (event["country"], event["admin1"]) == ("Canada", "British Columbia")
    assert (event["latitude"], event["longitude"]) == (49.25, -123.133)
    assert event["geo_precision"] == "exact place" and event["located_by"] == "source coordinates"
    assert event["source"] == raw[-1]
    assert event["notes"] == (
        "Quad class 3: verbal conflict. Goldstein scale: -7.0. Average tone: 2.03. "
        "Coverage: mentions 3, sources 1, articles 3. Place codes (FIPS): country CA, ADM1 CA02."
    )


def test_event_types_are_cameo_root_categories_in_words(export):
    rows = {"gdelt:" + row[0]: row for row in _rows()}
    root = GDELT2_COLUMNS.index("EventRootCode")
    for event_id, event_type in export.events[["event_id", "event_type"]].itertuples(index=False):
        assert event_type == CAMEO_ROOTS[rows[event_id][root]]
    assert export.events["event_type"].nunique() == 16  # the slice has rows of 16 of the 20 roots
    assert cameo_root("19") == "Fight" and cameo_root("4") == "Consult" and cameo_root("99") is None
    assert len(CAMEO_ROOTS) == 20 and CAMEO_ROOTS["20"] == "Use unconventional mass violence"


def test_the_header_variant_and_its_iraq_rows():
    result = import_file(MIDEAST, format="gdelt").result
    assert result.read == 150 == len(result.events) and result.rejected.empty
    iraq = result.events[result.events["country"] == "Iraq"]
    assert len(iraq) == 8 and set(iraq["place"]) == {"Iraq", "Sulaymaniyah, As Sulaymaniyah, Iraq"}
    country_level = iraq[iraq["place"] == "Iraq"]
    assert (country_level["geo_precision"] == "country").all() and country_level["admin1"].isna().all()
    assert set(zip(country_level["latitude"], country_level["longitude"], strict=True)) == {(33.0, 44.0)}
    city = iraq[iraq["place"] == "Sulaymaniyah, As Sulaymaniyah, Iraq"].iloc[0]
    assert (city["admin1"], city["geo_precision"]) == ("As Sulaymaniyah", "exact place")
    assert (city["latitude"], city["longitude"]) == (35.565, 45.4329)
    assert "Place codes (FIPS): country IZ" in city["notes"]


@pytest.mark.parametrize(
    ("geo_type", "precision"),
    [
        ("1", "country"),
        ("2", "province (admin1)"),
        ("3", "exact place"),
        ("4", "exact place"),
        ("5", "province (admin1)"),
    ],
)
def test_action_geo_type_is_the_precision(geo_type, precision):
    row = _rows()[0]
    row[GDELT2_COLUMNS.index("ActionGeo_Type")] = geo_type
    events = import_file(_tsv([row]), "one.CSV").events
    assert events["geo_precision"].tolist() == [precision]


def test_a_place_name_without_coordinates_is_kept_for_geocoding_and_neither_is_rejected():
    rows = _rows()[:3]
    for column in ("ActionGeo_Lat", "ActionGeo_Long"):
        rows[0][GDELT2_COLUMNS.index(column)] = ""
        rows[1][GDELT2_COLUMNS.index(column)] = ""
    rows[1][GDELT2_COLUMNS.index("ActionGeo_FullName")] = ""
    imported = import_file(_tsv(rows), "slice.CSV")
    assert imported.report["read"] == 3 and imported.report["accepted"] == 2
    kept = imported.events.iloc[0]
    assert kept["place"] == "Vancouver, British Columbia, Canada" and pd.isna(kept["latitude"])
    assert pd.isna(kept["located_by"])  # placed later, by the geocoder
    assert imported.report["without_coordinates"] == 1
    assert imported.rejected["line"].tolist() == [2]


def test_gdelt_1_0_daily_files_have_no_adm2_columns():
    drop = [GDELT2_COLUMNS.index(c) for c in GDELT2_COLUMNS if c.endswith("ADM2Code")]
    rows = [[cell for i, cell in enumerate(row) if i not in drop] for row in _rows()[:50]]
    imported = import_file(_tsv(rows), "20130401.export.CSV")
    assert imported.detected.reason.startswith("GDELT 1.0 events export: no header, 58 tab-separated fields")
    expected = import_file(_tsv(_rows()[:50]), "x.CSV").events
    pd.testing.assert_frame_equal(imported.events, expected)


def test_a_zipped_export_as_gdelt_publishes_it():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(EXPORT, EXPORT.name)
    imported = import_file(packed.getvalue(), EXPORT.name + ".zip")
    assert imported.report["file"] == EXPORT.name and imported.report["read"] == 200


def test_a_file_cut_short_rejects_the_partial_last_row():
    data = EXPORT.read_bytes()
    cut = data[: data.index(b"\n", len(data) // 2) + 120]  # 120 bytes into a row
    imported = import_file(cut, EXPORT.name)
    lines = cut.count(b"\n") + 1
    assert imported.report["read"] == lines == imported.report["accepted"] + imported.report["rejected"]
    last = imported.rejected.iloc[-1]
    assert last["line"] == lines
    assert last["rejection_reasons"].startswith("row: wrong number of fields (")
    assert last["rejection_reasons"].endswith(", the header has 61, at the end of the file: is it cut short?)")
