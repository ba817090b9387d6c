"""import_file: every format through one entry point; every rejection reason; broken files."""

import csv
import io
import json

import pandas as pd
import pytest

from conflictmap.readers.importing import fix_swapped, import_file, swappable
from conflictmap.readers.table import ReadError
from conflictmap.readers.validation import bounds_from_gazetteer, reason_counts
from conflictmap.schema import RejectionKind
from tests.conftest import FIXTURES, ROOT

UCDP = ROOT / "data" / "ucdp_ged_iraq.csv"
GDELT = FIXTURES / "gdelt_20191024143000_lines1-200.export.CSV"


@pytest.fixture(scope="module")
def bounds():
    from conflictmap.geocode.gazetteer import load_gazetteer

    return bounds_from_gazetteer(load_gazetteer())


@pytest.fixture(scope="module")
def ucdp():
    return import_file(UCDP)


def test_the_real_ucdp_file_imports_whole(ucdp):
    assert ucdp.report == {
        "file": "ucdp_ged_iraq.csv",
        "format": "ucdp",
        "reason": ucdp.detected.reason,
        "container": "text",
        "encoding": "utf-8",
        "delimiter": "comma",
        "read": 7473,
        "accepted": 7473,
        "rejected": 0,
        "reasons": {},
        "without_coordinates": 0,
    }
    events = ucdp.events
    assert events["latitude"].notna().all() and events["longitude"].notna().all()
    assert events["event_id"].is_unique and (events["dataset"] == "UCDP GED").all()
    json.dumps(ucdp.report)  # the report is plain JSON


def test_bytes_and_path_give_the_same_result(ucdp):
    uploaded = import_file(UCDP.read_bytes(), UCDP.name)
    pd.testing.assert_frame_equal(uploaded.events, ucdp.events)
    assert uploaded.report == ucdp.report


def test_the_real_samples_with_swapped_coordinate_checks_lose_nothing(bounds):
    for path in (UCDP, GDELT):
        imported = import_file(path, country_bounds=bounds)
        report = imported.report
        assert report["read"] == report["accepted"] + report["rejected"]
        assert not any("swapped" in reason for reason in report["reasons"])
        events = imported.events
        assert ((events["latitude"].notna() & events["longitude"].notna()) | events["place"].notna()).all()


def test_rejected_ucdp_rows_keep_all_their_columns_and_true_line_numbers():
    """The real file has line breaks inside quoted values: line numbers must still point at
    the row in the file, and rows read only in part must come back whole."""
    data = UCDP.read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    target = 700  # after the first quoted line break (line 601)
    body[target][header.index("date_start")] = "2019-02-30"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    imported = import_file(out.getvalue().encode("utf-8"), "ged.csv")
    assert imported.report["rejected"] == 1
    rejected = imported.rejected.iloc[0]
    reader = csv.reader(io.StringIO(out.getvalue(), newline=""))
    starts, previous = [], 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    assert rejected["line"] == starts[target + 1] > target + 2
    assert list(imported.rejected.columns) == ["line", *header, "rejection_reasons"]
    assert rejected[header].tolist() == body[target]


# ---------------------------------------------------------------------------------------------
# Every rejection reason, by line

TABLE = """id,date,end_date,place,country,latitude,longitude,fatalities
ok,2024-01-04,,Baghdad,Iraq,33.3128,44.3615,1
bad-date,2024-13-40,,Baghdad,Iraq,,,1
backwards,2024-01-04,2024-01-01,Baghdad,Iraq,,,0
not-a-number,2024-01-04,,Baghdad,Iraq,north,44.36,0
range,2024-01-04,,Baghdad,Iraq,133.3,44.36,0
one-coordinate,2024-01-04,,Baghdad,Iraq,33.3,,0
swapped,2024-01-04,,Baghdad,Iraq,44.3615,33.3128,0
nowhere,2024-01-04,,,Iraq,,,0
many,2024-01-04,,Baghdad,Iraq,,,many
negative,2024-01-04,,Baghdad,Iraq,,,-2
dup,2024-01-05,,Mosul,Iraq,,,1
dup,2024-01-06,,Mosul,Iraq,,,1
twice,2024-01-07,,Kirkuk,Iraq,,,0
twice,2024-01-07,,Kirkuk,Iraq,,,0
this line is garbage, it has, too, many, fields, for, the, header, really
stray,2024-01-08,,"Basra,Iraq,,,0
after,2024-01-09,,Najaf,Iraq,,,0
nowhere-really,2024-01-10,,Najaf,Iraq,0,0,0
"""

EXPECTED = {
    3: "column 'date': value '2024-13-40': not a valid date",
    4: "column 'end_date': value '2024-01-01': ends before it starts",
    5: "column 'latitude': value 'north': not a number",
    6: "column 'latitude': value '133.3': out of range (-90 to 90)",
    7: "column 'latitude': value '33.3': latitude and longitude must both be given",
    8: "column 'latitude': value '44.3615': latitude and longitude look swapped "
    "(44.3615, 33.3128 is outside Iraq; 33.3128, 44.3615 is inside)",
    9: "column 'place': value '': neither coordinates nor a place name",
    10: "column 'fatalities': value 'many': not a whole number",
    11: "column 'fatalities': value '-2': negative",
    12: "column 'id': value 'dup': same event id with different content (also on line 13)",
    13: "column 'id': value 'dup': same event id with different content (also on line 12)",
    15: "row: exact duplicate (of line 14)",
    16: "row: wrong number of fields (9, the header has 8)",
    17: "row: a quote that never closes "
    "(the quote at character 19 opens a value no later quote closes; fix or remove it)",
    19: "column 'latitude': value '0': 0, 0 is the usual placeholder for an unknown place "
    "(a point in the Gulf of Guinea)",
}


@pytest.fixture(scope="module")
def table(bounds):
    return import_file(TABLE.encode(), "events.csv", country_bounds=bounds)


def test_every_reason_with_its_line_column_and_value(table):
    result = table.result
    assert result.read == 18 == len(result.events) + len(result.rejected)
    # the row after the stray quote is kept, not swallowed into its cell
    assert result.events["event_id"].tolist() == ["events:ok", "events:twice", "events:after"]
    assert dict(zip(result.rejected["line"], result.rejected["rejection_reasons"], strict=True)) == EXPECTED


def test_the_reasons_cover_every_kind():
    kinds = {kind for kind in RejectionKind if any(kind in reason for reason in EXPECTED.values())}
    assert kinds == set(RejectionKind)


def test_the_report_counts_rows_per_reason(table):
    assert table.report["reasons"] == {
        "column 'id': same event id with different content": 2,
        "column 'latitude': latitude and longitude look swapped": 1,
        "column 'latitude': latitude and longitude must both be given": 1,
        "column 'latitude': not a number": 1,
        "column 'latitude': out of range": 1,
        "column 'date': not a valid date": 1,
        "column 'end_date': ends before it starts": 1,
        "column 'fatalities': negative": 1,
        "column 'fatalities': not a whole number": 1,
        "column 'place': neither coordinates nor a place name": 1,
        "row: exact duplicate": 1,
        "row: wrong number of fields": 1,
        "row: a quote that never closes": 1,
        "column 'latitude': 0, 0 is the usual placeholder for an unknown place (a point in the Gulf of Guinea)": 1,
    }


def test_a_row_with_several_problems_lists_them_all():
    data = b"date,place,latitude,longitude,fatalities\nsoon,Baghdad,95,44,-1\n"
    imported = import_file(data, "x.csv")
    assert imported.rejected["rejection_reasons"].tolist() == [
        "column 'date': value 'soon': not a valid date; column 'latitude': value '95': out of range (-90 to 90); "
        "column 'fatalities': value '-1': negative"
    ]
    assert reason_counts(imported.result.problems) == {
        "column 'date': not a valid date": 1,
        "column 'fatalities': negative": 1,
        "column 'latitude': out of range": 1,
    }


def test_rows_that_do_not_fit_the_header_keep_their_fields():
    rejected = import_file(TABLE.encode(), "events.csv").rejected.set_index("line")
    garbage = rejected.loc[16]
    assert garbage["id"] == "this line is garbage" and garbage["fatalities"] == " header, really"


def test_swapped_coordinates_are_fixed_when_the_analyst_says_so(table):
    assert table.rejected.loc[swappable(table.result), "line"].tolist() == [8]
    assert fix_swapped(table, lines=[3]) is table  # line 3 has another problem: nothing to fix
    fixed = fix_swapped(table)
    assert fixed.report["accepted"] == 4 and fixed.report["rejected"] == len(EXPECTED) - 1
    assert (
        fixed.report["read"] == 18
        and "column 'latitude': latitude and longitude look swapped" not in (fixed.report["reasons"])
    )
    event = fixed.events.set_index("event_id").loc["events:swapped"]
    assert (event["latitude"], event["longitude"]) == (33.3128, 44.3615)
    assert 8 not in set(fixed.rejected["line"]) and len(fixed.result.rejected_events) == len(fixed.rejected)


def test_without_country_bounds_there_is_no_swap_check():
    imported = import_file(TABLE.encode(), "events.csv")
    assert 8 not in set(imported.rejected["line"])


# ---------------------------------------------------------------------------------------------
# Broken files: a one-line ReadError when nothing can be read; otherwise every row accounted for


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "the file is empty"),
        (b"date,place,latitude,longitude\n", "no rows under the header"),
        ("التاريخ,المكان\n2024-01-04,الفلوجة\n".encode("cp1256"), "not valid utf-8 text at byte 0 (line 1)"),
    ],
)
def test_files_that_cannot_be_read_give_one_line(data, problem):
    with pytest.raises(ReadError) as caught:
        import_file(data, "broken.csv", encoding="utf-8" if problem.startswith("not valid") else None)
    assert str(caught.value) == f"broken.csv: {problem}"


def test_a_missing_file():
    with pytest.raises(ReadError, match=r"nope\.csv: file not found"):
        import_file(ROOT / "nope.csv")


def test_a_file_of_mostly_garbage_is_not_a_table():
    data = b"date,place\n" + b"2024-01-04,Baghdad\n" + b"<html><body>,x,y,z\n" * 30
    with pytest.raises(ReadError) as caught:
        import_file(data, "page.csv")
    assert "\n" not in str(caught.value) and "30 of 31 rows do not have the header's 2 fields" in str(caught.value)


def _ucdp_sample(rows: int = 200) -> bytes:
    data = UCDP.read_bytes().decode("utf-8")
    table = list(csv.reader(io.StringIO(data, newline="")))[: rows + 2]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("cut", [-40, -7])  # inside a quoted source article; inside the last field
def test_a_file_cut_short_keeps_the_whole_rows(cut):
    data = _ucdp_sample()
    imported = import_file(data[:cut], "ged.csv", format="ucdp")
    report = imported.report
    assert report["read"] == 200 == report["accepted"] + report["rejected"]
    assert report["accepted"] >= 199


def test_a_file_cut_inside_a_character():
    data = ("date,place\n2024-01-04,Baghdad\n2024-01-05,Al Fallūjah").encode()[:-4]
    imported = import_file(data, "x.csv")
    assert imported.report["read"] == 2 and imported.events["place"].tolist() == ["Baghdad", "Al Fall"]


def test_garbage_rows_among_good_ones_are_rejected_and_the_rest_read():
    lines = _ucdp_sample(50).split(b"\n")
    lines.insert(10, b"#### page 2 of the export ####")
    lines.insert(30, b"")  # a blank line is not a row
    imported = import_file(b"\n".join(lines), "ged.csv")
    assert imported.report["read"] == 51 and imported.report["accepted"] == 50
    assert imported.rejected["line"].tolist() == [11]
    assert imported.rejected["rejection_reasons"].tolist() == ["row: wrong number of fields (1, the header has 45)"]
    clean = import_file(_ucdp_sample(50), "ged.csv").events
    pd.testing.assert_frame_equal(imported.events, clean)


def test_shuffled_columns_are_read_by_their_names():
    data = _ucdp_sample(100).decode("utf-8")
    table = list(csv.reader(io.StringIO(data, newline="")))
    order = list(reversed(range(len(table[0]))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row[i] for i in order] for row in table])
    shuffled = import_file(out.getvalue().encode("utf-8"), "ged.csv")
    assert shuffled.detected.format == "ucdp"
    pd.testing.assert_frame_equal(shuffled.events, import_file(data.encode("utf-8"), "ged.csv").events)


def test_a_semicolon_ucdp_file_saved_by_excel_with_a_bom():
    data = _ucdp_sample(20).decode("utf-8")
    table = list(csv.reader(io.StringIO(data, newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(table)
    imported = import_file(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"), "ged.csv")
    assert (imported.detected.encoding, imported.report["delimiter"]) == ("utf-8-sig", "semicolon")
    pd.testing.assert_frame_equal(imported.events, import_file(data.encode("utf-8"), "ged.csv").events)


def test_a_spreadsheet_that_is_damaged():
    with pytest.raises(ReadError, match=r"broken\.xlsx: a damaged zip or Excel file"):
        import_file(b"PK\x03\x04" + bytes(50), "broken.xlsx")


def test_every_read_error_is_one_line():
    cases = [b"", b"a\n", b"\x00\x01\x02binary", b"%PDF-1.4", b"date,place\n"]
    for data in cases:
        with pytest.raises(ReadError) as caught:
            import_file(data, "x.csv")
        assert "\n" not in str(caught.value)


def test_a_file_whose_few_rows_all_misfit_reports_them():
    imported = import_file(b"date,place,latitude,longitude\n2024-01-04,Baghdad\n2024-01-05\n", "x.csv")
    assert imported.report["read"] == 2 and imported.report["accepted"] == 0
    assert imported.report["reasons"] == {"row: wrong number of fields": 2}
    assert imported.rejected["line"].tolist() == [2, 3]


def test_country_boxes_come_from_the_gazetteer(bounds):
    south, west, north, east = bounds("Iraq")
    assert south < 29.5 and north > 37 and west < 39.5 and east > 48  # Iraq, with a margin
    assert bounds("IQ") == bounds("IRQ") == bounds(" iraq ") == (south, west, north, east)
    assert bounds("Atlantis") is None


def test_swap_coordinates_for_chosen_rows_only():
    from conflictmap.readers.validation import swap_coordinates

    events = pd.DataFrame({"latitude": [44.4, 36.3, 44.1], "longitude": [33.3, 43.1, 35.5]})
    fixed = swap_coordinates(events, pd.Series([True, False, True]))
    assert fixed.values.tolist() == [[33.3, 44.4], [36.3, 43.1], [35.5, 44.1]]
    assert events.loc[0, "latitude"] == 44.4  # the input is left as it was


@pytest.mark.parametrize("format", ["csv", "acled"])
def test_dates_pandas_cannot_hold_and_huge_counts_are_set_aside_not_raised(format):
    # the hostile pass: one row dated 9999-12-31 or with 1e400 killed crashed the whole import
    if format == "acled":
        header = "event_id_cnty,event_date,event_type,country,location,latitude,longitude,fatalities\n"
        rows = [
            "IRQ1,2024-01-04,Battles,Iraq,Baghdad,33.3,44.4,1",
            "IRQ2,9999-12-31,Battles,Iraq,Basra,30.5,47.8,1",
            "IRQ3,2024-01-05,Battles,Iraq,Basra,30.5,47.8,1e400",
        ]
    else:
        header = "date,place,latitude,longitude,fatalities\n"
        rows = [
            "2024-01-04,Baghdad,33.3,44.4,1",
            "1 January 0001,Basra,30.5,47.8,1",
            "2024-01-05,Basra,30.5,47.8,9223372036854775808",
        ]
    imported = import_file((header + "\n".join(rows) + "\n").encode(), f"hostile-{format}.csv")
    assert len(imported.events) == 1 and imported.rejected["line"].tolist() == [3, 4]
    reasons = " ".join(imported.rejected["rejection_reasons"])
    assert "not a valid date" in reasons and "not a whole number" in reasons


def test_a_header_of_100000_columns_is_refused_with_its_count():
    header = ",".join(["date", "place", *(f"c{i}" for i in range(100_000))])
    with pytest.raises(ReadError, match="the header has 100,002 columns"):
        import_file(f"{header}\n2024-01-04,Baghdad\n".encode(), "wide.csv")
