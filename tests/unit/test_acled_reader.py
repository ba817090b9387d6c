"""ACLED exports, CSV and Excel.

ACLED's terms forbid redistributing its data, so every ACLED row here is invented: the fixtures in
tests/fixtures/ are written by this project in ACLED's published column layouts (see their README).
"""

import io
from datetime import datetime

import pandas as pd
import pytest

from conflictmap.readers.acled import ACLED_COLUMNS, actor_type, interaction
from conflictmap.readers.importing import import_file
from conflictmap.readers.table import ReadError
from conflictmap.readers.validation import bounds_from_gazetteer
from conflictmap.schema import EVENT_COLUMNS
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
CURRENT = FIXTURES / "acled_invented.csv"
OLDER = FIXTURES / "acled_old_uppercase_invented.csv"


@pytest.fixture(scope="module")
def bounds():
    from conflictmap.geocode.gazetteer import load_gazetteer

    return bounds_from_gazetteer(load_gazetteer())


def _frame(path=CURRENT) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _xlsx(frame: pd.DataFrame, convert=None) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(
            [convert(column, value) if convert else value for column, value in zip(frame.columns, row, strict=True)]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_fixture_has_acleds_31_columns():
    assert tuple(_frame().columns) == ACLED_COLUMNS and len(ACLED_COLUMNS) == 31


def test_the_current_layout_maps_into_the_schema():
    result = import_file(CURRENT, format="acled").result
    assert result.read == 5 == len(result.events) and result.rejected.empty
    events = result.events.set_index("event_id")
    assert list(result.events.columns) == list(EVENT_COLUMNS)
    strike = events.loc["acled:IRQ90001"]
    assert str(strike["date_start"].date()) == "2024-01-04" == str(strike["date_end"].date())
    assert (strike["event_type"], strike["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert strike["actor1"] == "Military Forces of the United States (2021-)"
    assert strike["actor2"] == "Harakat al-Nujaba"
    assert (strike["place"], strike["admin1"], strike["admin2"], strike["country"]) == (
        "Baghdad - Palestine Street",
        "Baghdad",
        "Al Resafa",
        "Iraq",
    )
    assert (strike["latitude"], strike["longitude"], strike["fatalities"]) == (33.3406, 44.4009, 2)
    assert strike["source"] == "Invented Wire; Invented Daily"
    assert strike["dataset"] == "ACLED" and strike["located_by"] == "source coordinates"


@pytest.mark.parametrize(
    ("event_id", "date_precision", "geo_precision"),
    [
        ("acled:IRQ90001", "day", "exact place"),
        ("acled:IRQ90002", "week", "within 25 km"),
        ("acled:IRQ90003", "month", "province (admin1)"),
    ],
)
def test_time_and_geo_precision_codes(event_id, date_precision, geo_precision):
    event = import_file(CURRENT, format="acled").result.events.set_index("event_id").loc[event_id]
    assert (event["date_precision"], event["geo_precision"]) == (date_precision, geo_precision)


def test_codes_and_context_go_into_readable_notes():
    events = import_file(CURRENT, format="acled").result.events.set_index("event_id")
    targeted = events.loc["acled:IRQ90002", "notes"]
    assert targeted.startswith("Around 6 January 2024 (week of), gunmen shot two farmers")
    for part in (
        "Disorder type: Political violence.",
        "Actor 1 type: Political militias.",
        "Associated with actor 2: Farmers (Iraq).",
        "Actor 2 type: Civilians.",
        "Interaction: Political militias-Civilians.",
        "Civilians targeted.",
        "Source scale: Subnational.",
    ):
        assert part in targeted
    protest = events.loc["acled:IRQ90003", "notes"]
    assert "Associated with actor 1: Students (Iraq)." in protest and "Tags: crowd size=no report." in protest
    assert "Interaction: Protesters only." in protest
    assert "Admin3: Thiban." in events.loc["acled:SYR90001", "notes"]


def test_inter_codes_as_numbers_or_as_the_words_acled_uses_since_2024():
    assert actor_type("1") == "State forces" and actor_type("7.0") == "Civilians"
    assert actor_type("Rebel group") == "Rebel group" and actor_type("0") is None
    assert interaction("17") == "State forces-Civilians" and interaction("State forces-Civilians") == (
        "State forces-Civilians"
    )


def test_older_upper_case_layout_with_dd_mon_yy_dates():
    result = import_file(OLDER, format="acled").result
    assert result.read == 2 == len(result.events)
    events = result.events.set_index("event_id")
    assert str(events.loc["acled:IRQ80001", "date_start"].date()) == "2024-01-04"
    assert str(events.loc["acled:IRQ80002", "date_start"].date()) == "2024-02-11"
    assert "Associated with actor 1: Popular Mobilization Forces." in events.loc["acled:IRQ80002", "notes"]
    assert events.loc["acled:IRQ80002", "geo_precision"] == "within 25 km"


@pytest.mark.parametrize("written", ["04 January 2024", "2024-01-04", "04-Jan-24", "04/01/2024"])
def test_event_date_as_acled_has_written_it(written):
    frame = _frame()
    frame.loc[0, "event_date"] = written
    events = import_file(_csv(frame), "acled.csv").events
    assert str(events.loc[0, "date_start"].date()) == "2024-01-04"


def test_an_export_with_columns_removed_needs_only_a_date_and_a_place():
    frame = _frame()[["event_date", "location", "country", "event_type", "fatalities", "notes"]]
    imported = import_file(_csv(frame), "acled_slim.csv", format="acled")
    assert imported.report["accepted"] == 5 and imported.report["without_coordinates"] == 5
    assert imported.events["event_id"].tolist() == [f"acled:acled_slim-line{n}" for n in range(2, 7)]
    assert imported.events["latitude"].isna().all() and imported.events["located_by"].isna().all()


def test_an_export_with_coordinates_but_no_location():
    frame = _frame()[["event_id_cnty", "event_date", "latitude", "longitude"]]
    events = import_file(_csv(frame), "acled.csv", format="acled").events
    assert len(events) == 5 and events["place"].isna().all() and events["latitude"].notna().all()


def test_without_a_date_column_it_cannot_be_read():
    frame = _frame().drop(columns=["event_date"])
    with pytest.raises(ReadError, match=r"acled.csv: missing column\(s\): event_date"):
        import_file(_csv(frame), "acled.csv", format="acled")
    frame = _frame().drop(columns=["latitude", "longitude", "location"])
    with pytest.raises(ReadError, match="latitude and longitude, or location"):
        import_file(_csv(frame), "acled.csv", format="acled")


def test_an_excel_export_gives_the_same_events():
    frame = _frame()

    def cell(column, value):
        if column == "event_date":
            return datetime.fromisoformat(value)
        if column in ("latitude", "longitude"):
            return float(value)
        if column in ("fatalities", "time_precision", "geo_precision", "inter1", "inter2", "iso", "year"):
            return int(value) if value else None
        return value or None

    imported = import_file(_xlsx(frame, cell), "acled.xlsx")
    assert imported.detected.container == "excel" and imported.detected.format == "acled"
    assert imported.report["encoding"] is None and imported.report["delimiter"] is None
    pd.testing.assert_frame_equal(imported.events, import_file(CURRENT, format="acled").result.events)
    assert imported.result.path.name == "acled.xlsx"


def test_excel_day_numbers_in_event_date():
    frame = _frame()
    serial = (pd.Timestamp("2024-01-04") - pd.Timestamp("1899-12-30")).days  # 45295

    def cell(column, value):
        return serial if column == "event_date" else value

    events = import_file(_xlsx(frame, cell), "acled.xlsx").events
    assert (events["date_start"] == pd.Timestamp("2024-01-04")).all()


def test_bad_rows_are_rejected_with_the_acled_column_named():
    frame = _frame()
    frame.loc[0, "event_date"] = "2024-02-30"
    frame.loc[1, "latitude"] = "133.9"
    frame.loc[2, "fatalities"] = "several"
    result = import_file(_csv(frame), "acled.csv").result
    assert result.read == 5 and len(result.events) == 2
    reasons = dict(zip(result.rejected["line"], result.rejected["rejection_reasons"], strict=True))
    assert reasons == {
        2: "column 'event_date': value '2024-02-30': not a valid date",
        3: "column 'latitude': value '133.9': out of range (-90 to 90)",
        4: "column 'fatalities': value 'several': not a whole number",
    }
    assert list(result.rejected.columns) == ["line", *ACLED_COLUMNS, "rejection_reasons"]


def test_swapped_coordinates_are_rejected_and_can_be_fixed(bounds):
    frame = _frame()
    frame.loc[0, ["latitude", "longitude"]] = ["44.4009", "33.3406"]  # Baghdad, swapped
    imported = import_file(_csv(frame), "acled.csv", country_bounds=bounds)
    assert imported.rejected["rejection_reasons"].tolist() == [
        "column 'latitude': value '44.4009': latitude and longitude look swapped "
        "(44.4009, 33.3406 is outside Iraq; 33.3406, 44.4009 is inside)"
    ]


def test_one_event_id_with_different_content_rejects_every_copy():
    frame = _frame()
    frame.loc[3, "event_id_cnty"] = "IRQ90001"
    result = import_file(_csv(frame), "acled.csv").result
    assert sorted(result.rejected["line"]) == [2, 5]
    assert set(result.rejected["rejection_reasons"]) == {
        "column 'event_id_cnty': value 'IRQ90001': same event id with different content (also on line 5)",
        "column 'event_id_cnty': value 'IRQ90001': same event id with different content (also on line 2)",
    }


def test_a_row_exported_twice_keeps_the_first():
    frame = pd.concat([_frame(), _frame().iloc[[1]]], ignore_index=True)
    result = import_file(_csv(frame), "acled.csv").result
    assert len(result.events) == 5 and result.rejected["line"].tolist() == [7]
    assert result.rejected["rejection_reasons"].tolist() == ["row: exact duplicate (of line 3)"]
