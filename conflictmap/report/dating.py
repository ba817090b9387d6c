"""Each frame's date: its own phrase (the narrowest), "a day earlier" counted from the date the
piece gives, or the piece's date for an undated frame."""

from __future__ import annotations

import datetime as dt
import re

from conflictmap.report.dates import Anchor, DateAnswer, DatePhrase, resolve
from conflictmap.report.frames import Frame
from conflictmap.schema import DatePrecision

#: Notes on a date that is the publication's, not the sentence's.
HEADLINE_DATE = "a headline: the publication date"
UNDATED = "no date in the sentence: the publication date"


def piece_anchor(dates: list[DatePhrase], published: dt.date | None) -> DateAnswer | None:
    """The date a piece gives its events: its first calendar day (one with its year first)."""
    answers = []
    for phrase in dates:
        if phrase.anchor == Anchor.ABSOLUTE:
            answer = resolve(phrase, published)
            if answer is not None and answer.precision == DatePrecision.DAY:
                answers.append((not re.search(r"\d{4}", phrase.text), phrase.start, answer))
    return min(answers, key=lambda item: (item[0], item[1]))[2] if answers else None


def frame_date(frame: Frame, anchor: DateAnswer | None, published: dt.date | None) -> DateAnswer | None:
    relative = [d for d in frame.dates if d.anchor == Anchor.EVENT]
    own = [d for d in frame.dates if d.anchor != Anchor.EVENT]
    if relative:
        base = None
        for phrase in own:
            answer = resolve(phrase, published)
            if answer is not None and answer.precision == DatePrecision.DAY:
                base = answer.start
        if base is None and anchor is not None:
            base = anchor.start
        answer = resolve(relative[0], published, base)
        if answer is not None:
            return answer
    answers = [(a, d) for a, d in ((resolve(d, published), d) for d in own) if a is not None]
    if answers:  # the narrowest; a date written with its year over the same day without it
        return min(answers, key=lambda pair: (pair[0].days, not re.search(r"\d{4}", pair[1].text), pair[1].start))[0]
    return anchor
