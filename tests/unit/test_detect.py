"""Detection: container, encoding, delimiter and format, each with a reason in words."""

import codecs
import gzip
import io
import zipfile

import pytest

from conflictmap.readers.detect import (
    detect_delimiter,
    detect_encoding,
    detect_format,
    detect_text,
    is_utf8,
    to_utf8,
    unpack,
)
from conflictmap.readers.table import ReadError
from tests.conftest import FIXTURES, ROOT

UCDP = ROOT / "data" / "ucdp_ged_iraq.csv"
GDELT = FIXTURES / "gdelt_20191024143000_lines1-200.export.CSV"
GDELT_HEADER = FIXTURES / "gdelt_20191024143000_mideast_lines1-151.tsv"

ARABIC = "التاريخ,المكان,القتلى\n2024-01-04,الفلوجة,3\n2024-01-05,الرمادي,0\n"
FRENCH = "date;lieu;morts\n04/01/2024;Kirkouk (région nord);2\n05/01/2024;Mossoul, près du marché;0\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Al Fallūjah town,Qaḑā’ al Fallūjah\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + b"date,place\n2024-01-04,Baghdad\n", "utf-8-sig"),
        ("date,place\n2024-01-04,Baghdad\n".encode("utf-16"), "utf-16"),
        ("date,place\n2024-01-04,Baghdad\n".encode("utf-16-le"), "utf-16-le"),
        (ARABIC.encode("cp1256"), "cp1256"),
        (FRENCH.encode("latin-1"), "latin-1"),
        ("date,notes\n2024-01-04,“Mosul” – shelling\n".encode("cp1252"), "cp1252"),
        (b"date,place\n2024-01-04,Baghdad\n", "utf-8"),
    ],
)
def test_the_encoding_that_decodes_and_looks_right(data, expected):
    assert detect_encoding(data) == expected


def test_arabic_text_is_read_as_arabic_not_as_latin_letters():
    detected, text = detect_text(ARABIC.encode("cp1256"), "arabic.csv")
    assert detected.encoding == "cp1256"
    assert text.decode("utf-8") == ARABIC
    assert detected.columns == ("التاريخ", "المكان", "القتلى")


def test_a_file_that_mixes_utf8_with_another_encoding_is_refused_with_where():
    data = ("date,place\n" + "2024-01-04,Al Fallūjah\n" * 20).encode() + "2024-01-05,Réunion\n".encode("latin-1")
    with pytest.raises(ReadError, match=r"mixed.csv: mostly UTF-8 but not at byte \d+ \(line 22\)"):
        detect_encoding(data, "mixed.csv")


def test_a_character_cut_short_at_the_end_is_still_utf8():
    data = "date,place\n2024-01-04,Al Fallūjah".encode()[:-4]  # inside the ū
    assert detect_encoding(data) == "utf-8"
    assert to_utf8(data, "utf-8") == b"date,place\n2024-01-04,Al Fall"


def test_a_forced_wrong_encoding_is_a_one_line_read_error():
    with pytest.raises(ReadError) as caught:
        to_utf8(ARABIC.encode("cp1256"), "utf-8", "arabic.csv")
    assert str(caught.value) == "arabic.csv: not valid utf-8 text at byte 0 (line 1)"


def test_utf8_is_checked_by_arrow():
    assert is_utf8("Fallūjah".encode()) and not is_utf8(b"R\xe9union")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter(delimiter):
    sample = delimiter.join(["date", "place", "notes"]) + "\n"
    sample += delimiter.join(["2024-01-04", "Baghdad", '"a, b; c | d"']) + "\n"
    assert detect_delimiter(sample) == delimiter


def test_decimal_commas_do_not_fool_the_delimiter():
    assert detect_delimiter("Datum;Ort;Breite;Länge\n04.01.2024;Bagdad;33,31;44,36\n") == ";"


def test_excel_sep_line_names_the_delimiter_and_is_skipped():
    detected, _ = detect_text(b"sep=;\ndate;place\n2024-01-04;Baghdad\n", "excel.csv")
    assert (detected.delimiter, detected.skip_lines, detected.columns) == (";", 1, ("date", "place"))


def test_real_ucdp_file():
    detected, _ = detect_text(UCDP.read_bytes(), UCDP.name)
    assert (detected.format, detected.encoding, detected.delimiter, detected.header) == ("ucdp", "utf-8", ",", True)
    assert detected.reason.startswith("UCDP GED: the header has UCDP's columns type_of_violence, where_prec")


def test_real_gdelt_export_without_a_header():
    detected, _ = detect_text(GDELT.read_bytes(), GDELT.name)
    assert (detected.format, detected.delimiter, detected.header) == ("gdelt", "\t", False)
    assert len(detected.columns) == 61 and detected.columns[0] == "GLOBALEVENTID"
    assert detected.reason == (
        "GDELT 2.0 events export: no header, 61 tab-separated fields with a numeric event id and a YYYYMMDD date"
    )


def test_real_gdelt_export_with_a_header():
    detected, _ = detect_text(GDELT_HEADER.read_bytes(), GDELT_HEADER.name)
    assert (detected.format, detected.delimiter, detected.header) == ("gdelt", "\t", True)
    assert "GLOBALEVENTID, SQLDATE, EventRootCode" in detected.reason


@pytest.mark.parametrize("fixture", ["acled_invented.csv", "acled_old_uppercase_invented.csv"])
def test_acled_layouts(fixture):
    detected, _ = detect_text((FIXTURES / fixture).read_bytes(), fixture)
    assert detected.format == "acled"
    assert detected.reason.startswith("ACLED: the header has ACLED's columns event_date, event_id_cnty")


def test_any_other_table_and_this_apps_own_export():
    assert detect_format(["Date", "Town", "Killed"])[0] == "csv"
    format, reason = detect_format(["event_id", "date_start", "place", "latitude", "longitude", "dataset"])
    assert format == "csv" and reason.startswith("this app's event columns")


def test_a_format_asked_for_is_used_and_the_reason_says_what_the_header_looked_like():
    detected, _ = detect_text((FIXTURES / "team_events.csv").read_bytes(), "team.csv", format="acled")
    assert detected.format == "acled"
    assert detected.reason == "read as acled, as asked (the header looked like csv)"
    with pytest.raises(ReadError, match="unknown format 'xls'"):
        detect_text(b"a,b\n1,2\n", "x.csv", format="xls")


def test_gdelt_publishes_zipped_exports_and_they_are_unpacked():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("20191024143000.export.CSV", GDELT.read_bytes())
    data, name, container = unpack(packed.getvalue(), "20191024143000.export.CSV.zip")
    assert (name, container) == ("20191024143000.export.CSV", "text") and data == GDELT.read_bytes()
    data, name, _ = unpack(gzip.compress(b"a,b\n1,2\n"), "events.csv.gz")
    assert (data, name) == (b"a,b\n1,2\n", "events.csv")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
            "an old-style Excel (.xls) workbook: save it as .xlsx or CSV",
        ),
        (b"%PDF-1.7\n...", "a PDF document, not a table"),
        (b"PK\x03\x04 cut short", "a damaged zip or Excel file (is it complete?)"),
    ],
)
def test_files_that_are_not_tables_say_what_they_look_like(data, problem):
    with pytest.raises(ReadError) as caught:
        unpack(data, "upload.csv")
    assert str(caught.value) == f"upload.csv: {problem}"


def test_a_zip_of_several_files_asks_for_one():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("a.csv", "a,b\n")
        archive.writestr("b.csv", "a,b\n")
    with pytest.raises(ReadError, match="a zip archive of 2 files: unzip it and choose one"):
        unpack(packed.getvalue(), "two.zip")


def test_binary_data_is_not_text():
    with pytest.raises(ReadError, match=r"png.csv: not a text table: it holds binary data \(a zero byte at byte 8\)"):
        detect_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "png.csv")


def test_one_column_is_not_a_table():
    with pytest.raises(ReadError, match="found no delimiter"):
        detect_text(b"just some words\nand more words\n", "notes.txt")
