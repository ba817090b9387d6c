"""Any other table: the column mapping guessed from the header, the analyst's overrides, dates
as people write them, other encodings and delimiters, and spreadsheet formulas kept as text."""

import io
from datetime import datetime

import pandas as pd
import pytest

from conflictmap.readers.generic import guess_mapping, parse_any_dates, resolve_mapping
from conflictmap.readers.importing import import_file
from conflictmap.readers.table import ReadError
from tests.conftest import ROOT

TEAM = ROOT / "tests" / "fixtures" / "team_events.csv"


def _xlsx(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Date", "date_start"),
        ("event_date", "date_start"),
        ("Datum", "date_start"),
        ("DAY", "date_start"),
        ("Location", "place"),
        ("town", "place"),
        ("City", "place"),
        ("Village", "place"),
        ("Locality", "place"),
        ("LAT", "latitude"),
        ("y", "latitude"),
        ("Lng", "longitude"),
        ("long", "longitude"),
        ("X", "longitude"),
        ("Event Type", "event_type"),
        ("category", "event_type"),
        ("Perpetrator", "actor1"),
        ("side_a", "actor1"),
        ("Victim", "actor2"),
        ("Side B", "actor2"),
        ("Deaths", "fatalities"),
        ("killed", "fatalities"),
        ("Casualties", "fatalities"),
        ("Summary", "notes"),
        ("description", "notes"),
        ("URL", "source"),
        ("link", "source"),
        ("Country", "country"),
        ("Governorate", "admin1"),
        ("State", "admin1"),
        ("Event ID", "event_id"),
        ("id", "event_id"),
    ],
)
def test_header_synonyms_ignore_case_spaces_and_underscores(header, field):
    assert guess_mapping(["something else", header]) == {field: header}


def test_the_team_spreadsheet():
    imported = import_file(TEAM)
    assert imported.detected.format == "csv"
    assert imported.mapping == {
        "date_start": "Date",
        "place": "Town",
        "latitude": "Lat",
        "longitude": "Lng",
        "admin1": "Province",
        "event_type": "Type",
        "actor1": "Perpetrator",
        "actor2": "Target",
        "fatalities": "Killed",
        "notes": "Description",
        "source": "Source",
    }
    assert imported.report["read"] == 3 == imported.report["accepted"]
    assert imported.report["without_coordinates"] == 2 and imported.report["date_order"] == "day-first"
    events = imported.events
    assert events["date_start"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-04", "2024-01-13", "2024-01-20"]
    assert (events["dataset"] == "team_events").all()
    assert events["event_id"].tolist() == ["team-events:line2", "team-events:line3", "team-events:line4"]
    # columns no field names are kept in the notes, not lost
    assert events.loc[0, "notes"] == "Vehicle hit on Palestine Street. Ref: T-1. Weapon: Drone."
    assert events.loc[2, "place"] == "a US airbase in western Iraq" and pd.isna(events.loc[2, "fatalities"])


def test_the_analyst_overrides_the_guess():
    imported = import_file(TEAM, mapping={"place": "Province", "notes": None, "id": "Ref"})
    events = imported.events
    assert imported.mapping["place"] == "Province" and "admin1" not in imported.mapping
    assert "notes" not in imported.mapping and events.loc[0, "notes"].startswith("Town: Baghdad.")
    assert "Description: Vehicle hit on Palestine Street." in events.loc[0, "notes"]
    assert events["event_id"].tolist() == ["team-events:T-1", "team-events:T-2", "team-events:T-3"]


def test_overrides_accept_friendly_field_names_and_any_header_case():
    mapping = resolve_mapping(["Datum", "Ort", "Breite", "Länge"], {"date": "datum", "place": "ORT", "lat": "Breite"})
    assert mapping == {"date_start": "Datum", "place": "Ort", "latitude": "Breite", "longitude": "Länge"}


def test_a_mapping_to_a_missing_column_or_an_unknown_field_is_a_read_error():
    with pytest.raises(
        ReadError, match=r"team_events.csv: mapping: no column 'Datum' in the file \(columns: Ref, Date"
    ):
        import_file(TEAM, mapping={"date": "Datum"})
    with pytest.raises(ReadError, match="mapping: unknown field 'weapon'"):
        import_file(TEAM, mapping={"weapon": "Weapon"})


def test_a_table_needs_a_date_and_a_place_or_coordinates():
    with pytest.raises(ReadError, match="no date column: name it with a mapping such as date=<column>"):
        import_file(b"Town,Killed\nBaghdad,2\n", "t.csv")
    with pytest.raises(ReadError, match="no place or latitude/longitude columns"):
        import_file(b"Date,Killed\n2024-01-04,2\n", "t.csv")


@pytest.mark.parametrize(
    ("written", "expected", "precision"),
    [
        ("2024-01-04", "2024-01-04", "day"),
        ("2024-01-04T13:45:00Z", "2024-01-04", "day"),
        ("20240104", "2024-01-04", "day"),
        ("04/01/2024", "2024-01-04", "day"),
        ("4.1.2024", "2024-01-04", "day"),
        ("04-01-24", "2024-01-04", "day"),
        ("4 January 2024", "2024-01-04", "day"),
        ("4 Jan 2024", "2024-01-04", "day"),
        ("January 4, 2024", "2024-01-04", "day"),
        ("04-Jan-24", "2024-01-04", "day"),
        ("2024-01", "2024-01-01", "month"),
        ("2024", "2024-01-01", "year or more"),
    ],
)
def test_dates_as_people_write_them(written, expected, precision):
    dates, precisions = parse_any_dates(pd.Series([written]))
    assert str(dates[0].date()) == expected and precisions[0] == precision


def test_numeric_dates_are_day_first_unless_impossible():
    dates, _ = parse_any_dates(pd.Series(["03/04/2024", "13/04/2024"]))
    assert dates.dt.strftime("%Y-%m-%d").tolist() == ["2024-04-03", "2024-04-13"]
    # a column that can only be month-first is read month-first throughout
    dates, _ = parse_any_dates(pd.Series(["03/04/2024", "04/13/2024"]))
    assert dates.dt.strftime("%Y-%m-%d").tolist() == ["2024-03-04", "2024-04-13"]
    imported = import_file(b"Date,Town\n03/04/2024,Mosul\n04/13/2024,Kirkuk\n", "us.csv")
    assert imported.report["date_order"] == "month-first"


def test_semicolons_and_decimal_commas_from_a_european_spreadsheet():
    data = "Datum;Ort;Breite;Länge;Tote\n04.01.2024;Bagdad;33,3128;44,3615;2\n".encode("cp1252")
    imported = import_file(data, "liste.csv")
    assert (imported.detected.delimiter, imported.detected.encoding) == (";", "latin-1")  # cp1252 = latin-1 here
    event = imported.events.iloc[0]
    assert (event["latitude"], event["longitude"], event["place"], event["fatalities"]) == (
        33.3128,
        44.3615,
        "Bagdad",
        2,
    )


def test_an_arabic_spreadsheet_saved_as_windows_1256():
    text = "التاريخ,المكان,المحافظة,القتلى,الوصف\n2024-01-04,الفلوجة,الأنبار,3,قصف على السوق\n"
    imported = import_file(text.encode("cp1256"), "أحداث.csv")
    assert imported.detected.encoding == "cp1256"
    assert imported.mapping == {
        "date_start": "التاريخ",
        "place": "المكان",
        "admin1": "المحافظة",
        "fatalities": "القتلى",
        "notes": "الوصف",
    }
    event = imported.events.iloc[0]
    assert (event["place"], event["admin1"], event["fatalities"]) == ("الفلوجة", "الأنبار", 3)
    assert event["notes"] == "قصف على السوق"


def test_a_latin1_file():
    data = "date;lieu;pays;morts\n04/01/2024;Kirkouk (région nord);Irak;2\n".encode("latin-1")
    imported = import_file(data, "evenements.csv")
    assert imported.detected.encoding == "latin-1"
    assert imported.events.iloc[0]["place"] == "Kirkouk (région nord)"


def test_an_excel_sheet_with_real_dates_day_numbers_and_a_title_row_of_blanks():
    rows = [
        [],
        ["Date", "Location", "Deaths", "Notes"],
        [datetime(2024, 1, 4), "Baghdad", 2, "first"],
        [45295, "Ramadi", 0.0, "day number"],
        ["04/01/2024", "Mosul", None, None],
    ]
    imported = import_file(_xlsx(rows), "sheet.xlsx")
    assert imported.detected.container == "excel"
    events = imported.events
    assert (events["date_start"] == pd.Timestamp("2024-01-04")).all()
    assert events["fatalities"].tolist()[:2] == [2, 0]
    assert imported.rejected.empty
    assert imported.report["read"] == 3


def test_formulas_in_cells_are_kept_as_text_and_never_run():
    rows = [
        ["Date", "Location", "Deaths", "Notes"],
        [datetime(2024, 1, 4), "Baghdad", "=1+1", '=HYPERLINK("http://example.invalid","x")'],
        [datetime(2024, 1, 5), "Mosul", 1, "@SUM(A1:A2)"],
    ]
    imported = import_file(_xlsx(rows), "sheet.xlsx")
    assert imported.rejected["rejection_reasons"].tolist() == ["column 'Deaths': value '=1+1': not a whole number"]
    assert imported.rejected.loc[0, "Notes"] == '=HYPERLINK("http://example.invalid","x")'
    assert imported.events.loc[0, "notes"] == "@SUM(A1:A2)"


def test_formula_text_in_a_csv_is_just_text():
    data = b"Date,Town,Notes\n2024-01-04,Baghdad,\"=cmd|' /C calc'!A0\"\n"
    assert import_file(data, "x.csv").events.loc[0, "notes"] == "=cmd|' /C calc'!A0"


def test_read_table_names_the_data_set_after_the_file():
    result = import_file(TEAM, format="csv").result
    assert result.format == "csv" and (result.events["dataset"] == "team_events").all()


def test_the_first_sheet_with_cells_is_read_unless_one_is_named():
    import openpyxl

    from conflictmap.readers.excel import sheet_names

    workbook = openpyxl.Workbook()
    workbook.active.title = "Cover"
    events = workbook.create_sheet("Events")
    events.append(["Date", "Town"])
    events.append(["2024-01-04", "Baghdad"])
    notes = workbook.create_sheet("Notes")
    notes.append(["Date", "Town"])
    notes.append(["2024-01-05", "Mosul"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    assert sheet_names(data, "book.xlsx") == ["Cover", "Events", "Notes"]
    assert import_file(data, "book.xlsx").events["place"].tolist() == ["Baghdad"]
    assert import_file(data, "book.xlsx", sheet="Notes").events["place"].tolist() == ["Mosul"]
    with pytest.raises(ReadError, match=r"book\.xlsx: the sheet 'Cover' is empty"):
        import_file(data, "book.xlsx", sheet="Cover")
    with pytest.raises(ReadError, match=r"no sheet named 'Summary' \(sheets: Cover, Events, Notes\)"):
        import_file(data, "book.xlsx", sheet="Summary")
