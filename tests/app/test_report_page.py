"""The Report page in AppTest: the seed article pasted yields its candidates, a map of the kept ones
and the highlighted text; confirming adds them to the session's working set as an uploaded file's
events are added; bad input (empty, 5 MB, a binary .txt, a PDF without text, HTML with scripts)
gets a message, never a traceback; Arabic and French text get candidates."""

from __future__ import annotations

import io
import time

import pytest

from tests.app.conftest import map_component, marker_data, open_page
from tests.conftest import FIXTURES

PAGE = "pages/6_Report.py"
SEED = (FIXTURES / "seed_report_000_a92851d7e98dfb02.txt").read_text(encoding="utf-8")


def _with(text: str | None = None, upload: tuple[str, bytes, str] | None = None):
    at = open_page(PAGE)
    at.run()
    if text is not None:
        at.text_area(key="report.text").set_value(text)
    if upload is not None:
        at.file_uploader(key="report.upload").set_value(upload)
    at.run()
    assert not at.exception, at.exception
    return at


def _errors(at) -> str:
    return " ".join(str(e.value) for e in at.error)


def test_nothing_given_asks_for_a_report():
    at = _with()
    assert "Paste a report" in at.info[0].value
    assert not at.get("arrow_data_frame")


def test_the_seed_pasted_yields_its_events_a_map_and_the_text_highlighted():
    at = open_page(PAGE)
    at.run()
    at.text_area(key="report.text").set_value(SEED)
    at.run()  # the shared data's first load happens here, as on any page
    at.text_area(key="report.text").set_value(SEED + "\n")
    started = time.perf_counter()
    at.run()
    answered = time.perf_counter() - started
    assert not at.exception, at.exception
    assert any("20 candidate(s)**: 9 read as events" in m.value for m in at.markdown)
    assert str(at.date_input[0].value) == "2024-01-25" and at.selectbox[0].value == "IQ"  # guessed
    rows = marker_data(map_component(at))
    assert len(rows) == 9  # the kept candidates with a place, each with its evidence as notes
    assert any("Harakat al-Nujaba militia group was killed in Baghdad" in (row[10] or "") for row in rows)
    page_html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "<mark" in page_html and "“blatant violations”" in page_html
    assert answered < 10  # measured properly in the browser test; AppTest on a shared machine is slower


def test_confirming_adds_the_kept_events_to_the_working_set():
    at = _with(SEED)
    at.button(key="report.add").click()
    at.run()
    assert not at.exception, at.exception
    assert "Added 9 event(s)" in at.success[0].value
    working = at.session_state["conflictmap.working"]
    mine = working.events[working.events["dataset"] == "News report (pasted)"]
    assert len(mine) == 9 and mine["latitude"].notna().sum() == 9
    assert mine["notes"].str.contains("drone strike").any()


def test_a_script_in_the_report_is_text_not_html():
    hostile = 'On Jan. 3, <script>alert("x")</script><img src=x onerror=alert(1)> rockets hit Erbil airport.'
    at = _with(hostile)
    page_html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "<script>" not in page_html and "&lt;script&gt;" in page_html and "<img" not in page_html


def test_html_file_with_scripts_is_read_as_its_visible_text():
    page = (
        b"<html><head><script>var x = 'Baghdad bombing';</script></head>"
        b"<body><p>On Jan. 3, rockets hit Erbil airport.</p></body></html>"
    )
    at = _with(upload=("report.html", page, "text/html"))
    page_html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "rockets hit Erbil airport" in page_html and "var x" not in page_html


@pytest.mark.parametrize(
    ("text", "upload", "message"),
    [
        ("   \n  ", None, None),
        ("word " * 1_100_000, None, "too long"),
        (None, ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 100, "text/plain"), "binary"),
        (None, ("big.txt", b"word " * 1_100_000, "text/plain"), "too long"),
        ("3.14 1592 6535 8979 3238 4626 4338 3279", None, "does not look like text"),
    ],
)
def test_bad_input_gets_a_message_not_a_traceback(text, upload, message):
    at = _with(text, upload)
    if message is None:
        assert "Paste a report" in at.info[0].value
    else:
        assert message in _errors(at)


def test_a_pdf_without_a_text_layer_is_refused_with_why():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    at = _with(upload=("scan.pdf", buffer.getvalue(), "application/pdf"))
    assert "no text layer" in _errors(at)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("مقتل ثلاثة جنود بانفجار عبوة ناسفة في الموصل", "الموصل"),
        ("Des roquettes tirées sur la base d'Erbil le 15 janvier 2024, deux blessés.", "Erbil"),
    ],
)
def test_arabic_and_french_reports_get_candidates(text, place):
    import datetime as dt

    at = _with(text)
    assert any("1 candidate(s)" in m.value for m in at.markdown)
    if at.date_input[0].value is None:  # a headline gives no date: the analyst gives the publication date
        assert "Give the publication date" in at.warning[0].value
        at.date_input[0].set_value(dt.date(2024, 2, 1))
        at.run()
    rows = marker_data(map_component(at))
    assert len(rows) == 1 and place in rows[0][8]


def test_bidi_overrides_in_a_pasted_report_are_taken_out():
    """Second hostile pass: a right-to-left override in a pasted report reversed the highlighted
    text after it (and would have reached the candidates' names); it is taken out with the other
    invisible characters (conflictmap.labels)."""
    hostile = "On Jan. 3, \u202erockets\u202c hit Erbil airport, killing 2 \u2066people\u2069.\u200b"
    at = _with(hostile)
    page_html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "rockets" in page_html and not any(ch in page_html for ch in "\u202e\u202c\u2066\u2069\u200b")
    rows = marker_data(map_component(at)) if at.get("component_instance") else []
    assert not any("\u202e" in str(cell) for row in rows for cell in row)


def test_a_rerun_reuses_the_extraction_and_the_guesses(monkeypatch):
    """An edit, a click or any rerun of the page reads the report again from nothing: not the
    extraction (kept per text, date and country), not the date and country guesses (kept per text)."""
    from conflictmap.app import report_form

    calls = {"extract": 0, "guess": 0}
    extract, guess = report_form.extract_events, report_form.publication_date

    def counted_extract(*args, **kwargs):
        calls["extract"] += 1
        return extract(*args, **kwargs)

    def counted_guess(text):
        calls["guess"] += 1
        return guess(text)

    monkeypatch.setattr(report_form, "extract_events", counted_extract)
    monkeypatch.setattr(report_form, "publication_date", counted_guess)
    text = SEED.replace("Jan. 20", "Jan. 19")  # a text no other test has guessed (the guesses are cached)
    at = _with(text)
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert calls == {"extract": 1, "guess": 1}
    assert any("Add the 9 kept event(s)" in b.label for b in at.button)  # counted, not made, each run
