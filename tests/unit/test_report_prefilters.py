"""The cheap checks that spare the extraction its regex searches (trigger words a piece has no word
starting as, date patterns a piece has nothing for) never change what is found: the same triggers
and date phrases with and without them, on the seed, a wire story and texts made to trip them."""

from __future__ import annotations

import re
import sys

import pytest

from conflictmap.report import dates, triggers
from conflictmap.report.segment import pieces
from conflictmap.report.vocabulary import ASCII_FOLDS, TRIGGERS, Trigger, folded, stems, word_starts
from tests.conftest import FIXTURES

TRICKY = [
    "ſhot dead; \u212aILLED; \u0130NJURED; x-drone strikes; anti-rocket; the day-long raid; AIR STRIKES",
    "Des frappes aériennes ont tué 3 civils le 20 janvier 2024 près de Mossoul; l'attentat a fait 5 morts.",
    "قتل 5 أشخاص في غارة جوية قرب الموصل في 20 يناير 2024، أمس",
    "On Tuesday night, two days ago, since mid-October 2023: in 2014, during March, hours later, ٢٠ days",
    "En février, en août, de décembre, in Aout, في يناير، في تشرين الأول, in the middle of June, the end of May.",
    "The protest in Basra on 2024-01-05 turned into riots; gunmen opened fire at the sit-in, 3rd of May.",
]


def _texts() -> list[str]:
    texts = [(FIXTURES / name).read_text(encoding="utf-8") for name in (
        "seed_report_000_a92851d7e98dfb02.txt", "report_wire_story_invented.txt")]  # fmt: skip
    return [piece.text for text in [*texts, *TRICKY] for piece in pieces(text)] + TRICKY


def test_re_i_folds_to_ascii_letters_only_what_ascii_folds_lists():
    letter = re.compile("[a-z]", re.I)
    found = {chr(cp) for cp in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(cp))}
    assert found == {chr(cp) for cp in ASCII_FOLDS}
    assert all(folded(c) == str(ASCII_FOLDS[ord(c)]) for c in found)


def test_each_english_and_french_trigger_has_stems_and_they_start_each_alternative():
    assert stems(r"(?:a|b)c|d") == ()  # an alternative without a literal start: always searched
    assert all(trigger.starts for trigger in TRIGGERS)
    assert word_starts("Mid-OCTOBER, \u017fince") == (" mid-october  since", frozenset({"mi", "si"}))


def test_the_triggers_found_are_the_same_without_the_stems(monkeypatch):
    texts = _texts()
    fast = [triggers.find_triggers(text) for text in texts]
    monkeypatch.setattr(Trigger, "could_match", lambda self, words: True)
    assert fast == [triggers.find_triggers(text) for text in texts]
    assert sum(map(len, fast)) > 50


def test_the_date_phrases_found_are_the_same_without_the_needs(monkeypatch):
    texts = _texts()
    fast = [dates.find_dates(text) for text in texts]
    calendar = [dates.find_dates(text, calendar_only=True) for text in texts]
    monkeypatch.setattr(dates, "could_match", lambda needs, text, folded: True)
    slow = [dates.find_dates(text) for text in texts]
    assert fast == slow and sum(map(len, fast)) > 30

    def days(phrases: list[dates.DatePhrase]) -> list[dates.DatePhrase]:  # the phrases naming a day
        parts = [(p, dates.calendar_parts(p.text)) for p in phrases if p.anchor == dates.Anchor.ABSOLUTE]
        return [p for p, part in parts if part is not None and part[2] is not None]

    assert [days(p) for p in calendar] == [days(p) for p in slow]


@pytest.mark.parametrize("text", TRICKY)
def test_the_publication_date_is_the_same_from_the_calendar_patterns_only(text, monkeypatch):
    answer = dates.publication_date(text)
    monkeypatch.setattr(dates, "_CALENDAR", dates._PATTERNS)
    assert dates.publication_date(text) == answer


def test_every_month_name_has_a_month_word():
    names = [*dates.MONTHS, *dates.FOREIGN_MONTHS.split("|")]
    assert all(any(word in folded(name) for word in dates._MONTH_WORDS) for name in names)
