"""The extraction of candidate events from a report: the seed article's eight dated events (and its
ninth, the Kerman bombing), dates against the publication date, places with honest precision,
aggregates and statements marked, headlines it has never seen, and bad input."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from conflictmap.report.dates import Anchor, DatePhrase, find_dates, publication_date, resolve
from conflictmap.report.extract import extract_events
from conflictmap.report.places import main_country
from conflictmap.report.segment import Kind, pieces
from conflictmap.report.table import CURATED_COLUMNS, candidates_frame, confirmed_events, curated_csv, kept_count
from conflictmap.report.text import ReportError, check_text, file_text, html_text
from conflictmap.schema import DatePrecision, GeoPrecision
from tests.conftest import FIXTURES, ROOT

SEED = FIXTURES / "seed_report_000_a92851d7e98dfb02.txt"
KNOWN = ("IS", "Government of Iraq", "Government of United States of America")


@pytest.fixture(scope="module")
def geocoding(geocoder):
    from conflictmap.geocode.compose import build_geocoder

    return build_geocoder(geocoder, cache=False)


@pytest.fixture(scope="module")
def seed(geocoding):
    text = SEED.read_text(encoding="utf-8")
    published, _ = publication_date(text)
    country, _ = main_country(text)
    return extract_events(text, published, country, geocoding, KNOWN)


def _km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


def _event(seed, day):
    found = [c for c in seed.candidates if c.is_event and c.date_start and c.date_start <= day <= c.date_end]
    assert found, f"no event on {day}"
    return min(found, key=lambda c: c.date_end - c.date_start)


def test_the_seed_guesses_its_publication_week_and_country():
    text = SEED.read_text(encoding="utf-8")
    published, why = publication_date(text)
    assert published == dt.date(2024, 1, 25) and "latest date" in why  # "Jan. 25 press briefing"
    assert main_country(text)[0] == "IQ"


# (day, place as the geocoder answers it, precision, sub-event type, actor1, actor2, fatalities)
SEED_EVENTS = [
    (dt.date(2003, 4, 10), "Tallil Air Base", GeoPrecision.EXACT, "Headquarters or base established", None, None),
    (dt.date(2016, 1, 4), "Ramadi", GeoPrecision.EXACT, "Attack", "IS", "Civilians"),
    (dt.date(2020, 8, 23), "Camp Taji", GeoPrecision.EXACT, "Non-violent transfer of territory", None, None),
    (dt.date(2023, 12, 3), "northern Iraq", GeoPrecision.REGION, "Air/drone strike",
     "Government of United States of America", None),
    (dt.date(2023, 12, 4), "Baghdad", GeoPrecision.EXACT, "Other", None, None),
    (dt.date(2024, 1, 4), "Baghdad", GeoPrecision.EXACT, "Air/drone strike",
     "Government of United States of America", "Harakat al-Nujaba"),
    (dt.date(2024, 1, 20), "western Iraq", GeoPrecision.REGION, "Shelling/artillery/missile attack", None,
     "Government of United States of America"),
    (dt.date(2024, 1, 23), "Iraq", GeoPrecision.COUNTRY, "Air/drone strike",
     "Government of United States of America", "Kataib Hezbollah"),
]  # fmt: skip


@pytest.mark.parametrize(("day", "matched", "precision", "sub", "actor1", "actor2"), SEED_EVENTS)
def test_the_seeds_eight_dated_events(seed, day, matched, precision, sub, actor1, actor2):
    event = _event(seed, day)
    assert event.date_start == day and event.date_precision == DatePrecision.DAY
    assert event.matched_name == matched and event.geo_precision == precision
    assert event.sub_event_type == sub
    if actor1:
        assert event.actor1 == actor1
    if actor2:
        assert event.actor2 == actor2
    assert event.evidence in seed.text[event.evidence_start : event.evidence_end]


def test_the_seed_yields_no_false_events_and_every_candidate_is_explained(seed):
    events = [c for c in seed.candidates if c.is_event]
    assert len(events) == 9  # the eight dated events and the Kerman bombing "in early January"
    kinds = {c.kind for c in seed.candidates if not c.is_event}
    assert {"aggregate", "statement"} <= kinds
    assert all(c.reasons and 0 < c.confidence < 1 for c in seed.candidates)
    assert all(c.confidence <= 0.25 for c in seed.candidates if not c.is_event)


def test_relative_dates_and_casualties_in_the_seed(seed):
    strike = _event(seed, dt.date(2023, 12, 3))
    assert strike.date_phrase == "a day earlier" and strike.fatalities == 5  # "five militants killed"
    rockets = _event(seed, dt.date(2024, 1, 20))
    assert rockets.injuries == 4 and rockets.fatalities is None  # "injuring four"
    kerman = _event(seed, dt.date(2024, 1, 3))
    assert (kerman.date_start, kerman.date_end) == (dt.date(2024, 1, 1), dt.date(2024, 1, 10))
    assert kerman.place == "southeastern Iran" and kerman.country == "IR" and kerman.fatalities is None
    assert any("no number" in reason for reason in kerman.reasons)  # "left scores dead"
    # "Earlier this week … airstrikes" told again as "the U.S. strikes on Jan. 23": one event, that day
    strikes = _event(seed, dt.date(2024, 1, 23))
    assert strikes.date_phrase == "Jan. 23" and any("told again" in reason for reason in strikes.reasons)


def test_captions_are_one_piece_and_a_caption_printed_twice_counts_once():
    text = SEED.read_text(encoding="utf-8")
    captions = [p for p in pieces(text) if p.kind == Kind.CAPTION]
    assert len(captions) == 4
    assert captions[0].text.startswith("AN NASIRIYAH, IRAQ - APRIL 10:")


def test_date_phrases_resolve_with_their_precision():
    published = dt.date(2024, 1, 25)  # a Thursday

    def answer(text, event=None):
        (phrase,) = find_dates(text)
        return resolve(phrase, published, event)

    assert answer("On Jan. 20,").start == dt.date(2024, 1, 20)
    assert answer("on Dec. 4, 2023").precision == DatePrecision.DAY
    assert (answer("earlier this week").start, answer("earlier this week").end) == (
        dt.date(2024, 1, 22),
        dt.date(2024, 1, 25),
    )
    assert answer("last week").start == dt.date(2024, 1, 15)
    assert answer("yesterday").start == dt.date(2024, 1, 24)
    assert answer("on Tuesday").start == dt.date(2024, 1, 23)
    assert answer("three days ago").start == dt.date(2024, 1, 22)
    assert answer("a day earlier", dt.date(2023, 12, 4)).start == dt.date(2023, 12, 3)
    assert answer("in 2014").precision == DatePrecision.YEAR
    assert answer("in March 2023").precision == DatePrecision.MONTH
    assert answer("since early October").start == dt.date(2023, 10, 1)
    assert answer("le 15 janvier 2024").start == dt.date(2024, 1, 15)
    assert answer("Dec. 30").start == dt.date(2023, 12, 30)  # the last 30 December before publication
    assert resolve(DatePhrase(0, 7, "Jan. 20", Anchor.ABSOLUTE), None) is None


def test_publication_date_from_the_report_itself():
    assert publication_date("Published: 2023-05-02\nText")[0] == dt.date(2023, 5, 2)
    assert publication_date("BAGHDAD, March 3, 2022 (Reuters) - A car bomb…")[0] == dt.date(2022, 3, 3)
    assert publication_date("Rockets hit a base.")[0] is None


HEADLINES = [
    ("Two soldiers killed in IED blast near Kirkuk", "Kirkuk", GeoPrecision.NEAR, "Remote explosive/landmine/IED", 2),
    ("Gunmen kill three in Diyala's Baquba", "Baqubah", GeoPrecision.EXACT, "Attack", 3),
    ("Suicide bomber kills 12 at market in Sadr City, Baghdad", "Sadr City", GeoPrecision.EXACT, "Suicide bomb", 12),
    ("Rocket attack hits Ain al-Asad air base in Anbar", "Ain al-Asad Air Base", GeoPrecision.EXACT,
     "Shelling/artillery/missile attack", None),
    ("Katyusha rockets fall near U.S. embassy in Baghdad's Green Zone", "Baghdad", GeoPrecision.EXACT,
     "Shelling/artillery/missile attack", None),
    ("Clashes between Peshmerga and PMF in Makhmour leave 5 dead", "Makhmur", GeoPrecision.EXACT, "Armed clash", 5),
    ("مقتل ثلاثة جنود بانفجار عبوة ناسفة في الموصل", "Mosul", GeoPrecision.EXACT,
     "Remote explosive/landmine/IED", None),
    ("Des roquettes tirées sur la base d'Erbil le 15 janvier 2024, deux blessés", "Erbil", GeoPrecision.EXACT,
     "Shelling/artillery/missile attack", None),
]  # fmt: skip


@pytest.mark.parametrize(("headline", "matched", "precision", "sub", "dead"), HEADLINES)
def test_headlines_it_has_never_seen(geocoding, headline, matched, precision, sub, dead):
    (event,) = [c for c in extract_events(headline, dt.date(2024, 2, 1), "IQ", geocoding).candidates if c.is_event]
    assert (event.matched_name, event.geo_precision, event.sub_event_type) == (matched, precision, sub)
    assert event.fatalities == dead
    assert event.date_start is not None


def test_a_place_the_geocoder_cannot_place_is_kept_unplaced(geocoding):
    (event,) = extract_events(
        "On Jan. 3, gunmen shot two shepherds in Xqzville.", dt.date(2024, 1, 9), "IQ", geocoding
    ).candidates
    assert event.is_event and event.place == "Xqzville" and event.latitude is None and event.located_by == "unresolved"
    assert any("not found" in reason for reason in event.reasons)


def test_a_reference_point_is_not_the_place(geocoding):
    (event,) = extract_events(
        "On May 2, a car bomb exploded in Ramadi, 70 miles west of Baghdad.", dt.date(2024, 5, 9), "IQ", geocoding
    ).candidates
    assert event.matched_name == "Ramadi"


def test_quoted_speech_is_not_an_event(geocoding):
    text = '"These attacks on our bases must stop," the minister said on Jan. 10 in Baghdad.'
    assert [c for c in extract_events(text, dt.date(2024, 1, 12), "IQ", geocoding).candidates if c.is_event] == []


def test_actors_take_the_datas_spelling(geocoding):
    text = "On Jan. 3, Daesh fighters attacked an army post in Tarmiyah, killing two soldiers."
    (event,) = extract_events(text, dt.date(2024, 1, 5), "IQ", geocoding, ["IS"]).candidates
    assert event.actor1 == "IS" and event.fatalities == 2


def test_candidates_become_curated_rows_and_working_set_events(seed):
    table = candidates_frame(seed.candidates)
    assert table["keep"].sum() == 9 and table["event_id"].is_unique
    events = confirmed_events(table, "'US, Iraq to Begin Talks', news report")
    assert len(events) == 9 and events["latitude"].isna().all() and events["place"].notna().all()
    undated = table.assign(date_start=table["date_start"].where(table["number"] != 1))
    assert kept_count(table) == 9 and kept_count(undated) == len(confirmed_events(undated, "x")) == 8
    assert events["notes"].str.len().gt(20).all()  # the evidence
    csv = curated_csv(events)
    header = csv.splitlines()[0].split(",")
    assert header == CURATED_COLUMNS == pd.read_csv(ROOT / "data" / "report_events.csv", nrows=0).columns.tolist()
    from io import StringIO

    from conflictmap.readers.importing import import_file

    again = import_file(StringIO(csv).getvalue().encode(), "confirmed.csv").result
    assert len(again.events) == 9 and len(again.rejected) == 0


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(ReportError, match="no text"):
        check_text("   \n ")
    with pytest.raises(ReportError, match="too long"):
        check_text("word " * 1_100_000)
    with pytest.raises(ReportError, match="binary"):
        file_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.txt")
    with pytest.raises(ReportError, match="must be one of"):
        file_text(b"text", "report.exe")
    assert "alert" not in html_text("<p>Two killed</p><script>alert('x')</script><style>p{}</style>")


def test_pdf_without_text_and_docx(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ReportError, match="no text layer"):
        file_text(path.read_bytes(), "scan.pdf")
    from docx import Document

    document = Document()
    document.add_paragraph("On Jan. 4, a drone strike hit Baghdad.")
    document.save(tmp_path / "report.docx")
    assert "drone strike" in file_text((tmp_path / "report.docx").read_bytes(), "report.docx")


def test_extract_command_on_a_report_and_on_a_csv_of_reports(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "events.csv"
    result = subprocess.run(
        [sys.executable, "-m", "conflictmap", "extract", str(SEED), "--country", "IQ", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out)
    assert {"evidence", "date_phrase", "confidence", "latitude", "event_type"} <= set(rows.columns)
    assert rows["is_event"].sum() == 9
    reports = tmp_path / "reports.csv"
    pd.DataFrame(
        {
            "text": ["Two soldiers killed in IED blast near Kirkuk", "", "On Jan. 3, rockets hit Erbil airport."],
            "published": ["2024-02-01", "", "2024-01-05"],
            "country": ["IQ", "", "Iraq"],
        }
    ).to_csv(reports, index=False)
    result = subprocess.run(
        [sys.executable, "-m", "conflictmap", "extract", str(reports), "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out)
    assert rows.columns[0] == "row" and rows["row"].tolist() == [1, 3]
    assert rows.loc[1, "date_start"] == "2024-01-03"
    bad = tmp_path / "bad.csv"
    bad.write_text("text,published\nRockets hit Erbil,tomorrow\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "conflictmap", "extract", str(bad), "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "row 1, column 'published': 'tomorrow'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_table_numbers_events_first_in_the_reports_order(seed):
    table = candidates_frame(seed.candidates)
    assert table["number"].tolist() == list(range(1, len(table) + 1))
    assert table["keep"].tolist() == sorted(table["keep"].tolist(), reverse=True)


def test_a_wire_story_its_dateline_headline_and_lead(geocoding):
    """An invented wire story (tests/fixtures/report_wire_story_invented.txt): the dateline is when
    and where it was filed, not the event's; the headline and the lead are one event."""
    text = (FIXTURES / "report_wire_story_invented.txt").read_text(encoding="utf-8")
    published, _ = publication_date(text)
    assert published == dt.date(2023, 3, 3)
    events = [c for c in extract_events(text, published, "IQ", geocoding, KNOWN).candidates if c.is_event]
    bomb, gunmen, drone = events
    assert (bomb.date_start, bomb.date_phrase, bomb.matched_name) == (dt.date(2023, 2, 28), "on Tuesday", "Aţ Ţārmīyah")
    assert (bomb.fatalities, bomb.injuries, bomb.actor2) == (2, 3, "Government of Iraq")
    assert any("told again" in reason for reason in bomb.reasons)  # the headline
    assert (gunmen.geo_precision, gunmen.matched_name, gunmen.fatalities) == (GeoPrecision.NEAR, "Baqubah", 1)
    assert (drone.date_start, drone.actor1, drone.geo_precision) == (
        dt.date(2023, 2, 27),
        "Government of Turkey",
        GeoPrecision.DISTRICT,
    )


def test_a_formula_in_the_report_is_neutralised_in_the_download(geocoding):
    text = "=HYPERLINK(\"http://x\") On Jan. 3, rockets hit Erbil airport."
    table = candidates_frame(extract_events(text, dt.date(2024, 1, 5), "IQ", geocoding).candidates)
    csv = curated_csv(confirmed_events(table, "=cmd|' /C calc'!A0"))
    assert ",=" not in csv and "\n=" not in csv and "'=cmd" in csv


def test_edits_are_carried_to_the_report_read_again(seed, geocoding):
    """A new publication date reads the report again: the analyst's edits and deletions go to the
    same candidates (same sentence, same rank in it), the rest takes the new reading."""
    from conflictmap.report.table import carry_edits

    before = candidates_frame(seed.candidates)
    edited = before[before["number"] != 3].copy()  # the third candidate deleted
    second = edited.index[edited["number"] == 2][0]
    edited.loc[second, "fatalities"] = 90
    again = extract_events(seed.text, dt.date(2024, 1, 26), "IQ", geocoding)
    after = candidates_frame(again.candidates)
    carried, count = carry_edits(before, edited, after, ["fatalities", "actor1", "keep"])
    assert count == 2 and len(carried) == len(after) - 1
    assert carried.loc[carried["number"] == 2, "fatalities"].tolist() == [90]
    assert 3 not in carried["number"].tolist()
    untouched = carried[carried["number"] == 1].iloc[0]
    assert untouched["fatalities"] is pd.NA or pd.isna(untouched["fatalities"])
