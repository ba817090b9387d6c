"""What a frame is: an event, or an aggregate ("more than 150 times since …"), a statement
("condemned the strikes"), background ("invaded Iraq in 2003") or a general remark; and its event
type and sub-type in the schema's vocabulary, from its most specific words and their context."""

from __future__ import annotations

import datetime as dt
import re

from conflictmap.report.casualties import NUMBER
from conflictmap.report.dates import Anchor, DateAnswer
from conflictmap.report.dating import HEADLINE_DATE
from conflictmap.report.frames import Frame
from conflictmap.report.vocabulary import (
    ATTACK,
    BASE,
    BATTLES,
    CIVILIAN_WORDS,
    CIVILIANS,
    CLASH,
    INTERVENTION,
    OVERTAKES,
    PROTESTS,
)
from conflictmap.schema import DatePrecision

AGGREGATE = re.compile(
    r"\b(?:almost |nearly )?daily\b|\bmore than [\d,]+ (?:times|attacks|strikes)\b"
    r"|\b[\d,]+ (?:times|attacks|incidents)\b|"
    r"\b(?:dozens|hundreds|scores|series|wave|spate|string|number) of (?:attacks|strikes|bombings|rockets)\b|"
    r"\bongoing\b|\bso far this year\b|\bover the past\b|\bin recent (?:weeks|months|days)\b|\brepeated(?:ly)?\b|"
    r"\bregular(?:ly)?\b|\bevery (?:day|week)\b|\bthousands of\b",
    re.I,
)
STATEMENT = re.compile(
    r"\b(?:condemned|condemns|called|calls|denounced|described|said|says|told|announced|warned|vowed|urged|demanded|"
    r"accused|blamed|critici[sz]ed|welcomed|praised|discussed|stated|denied|threatened)\b",
    re.I,
)
GENERAL = re.compile(
    r"\b(?:has|have|had) (?:\w+ )?(?:responded|been responsible|carried out|launched|come under)\b"
    r"|\brecent (?:attacks|strikes)\b|\bresponsible for\b"
    r"|\b(?:will|would|could|might|may|plans? to|planning|threaten(?:ed|s)? to)\b|\bin response\b|\bif\b",
    re.I,
)


def kind_of(text: str, frame: Frame, date: DateAnswer | None, published: dt.date | None) -> tuple[str, str]:
    """(kind, why) of a frame: "event", or the reason it is not one."""
    before = text[max(0, frame.start - 120) : frame.start]
    around = text[max(0, frame.start - 80) : frame.end + 60]
    if any(d.anchor == Anchor.SINCE for d in frame.dates) or AGGREGATE.search(around):
        match = AGGREGATE.search(around)
        return "aggregate", f"an aggregate of events ('{match.group() if match else 'since …'}'), not one event"
    speech = STATEMENT.search(before)
    if speech and not re.search(r"\baccording to\b", before[: speech.start()], re.I):
        return "statement", f"a statement about events ('{speech.group()}'), not an event report"
    if (
        date is not None
        and date.precision == DatePrecision.YEAR
        and (published is None or date.end.year < published.year)
    ):
        return "background", f"background: only a year is given ('{date.phrase}')"
    undated = date is None or date.note == HEADLINE_DATE
    if undated and GENERAL.search(around):
        return "general", f"a general remark ('{GENERAL.search(around).group()}'), no date"  # type: ignore[union-attr]
    headline = date is not None and date.note == HEADLINE_DATE
    if undated and (not frame.places or not headline) and frame.main.trigger.rank <= 3 and not _NUMBERED.search(around):
        return "general", "a general remark: no date, place or number"
    return "event", ""


_NUMBERED = re.compile(
    rf"\b{NUMBER}\b (?:[\w-]+ ){{0,3}}?(?:killed|dead|wounded|injured|people|soldiers|civilians)", re.I
)


def type_of(text: str, frame: Frame, actor2: str) -> tuple[str, str]:
    """The frame's event type and sub-type, from its most specific words and their context."""
    main = frame.main.trigger
    event_type, sub = main.event_type, main.sub_event_type
    around = text[max(0, frame.start - 100) : frame.end + 100].casefold()
    if sub == BASE and not re.search(r"\b(?:base|airport|airfield|camp|headquarters)\b", around):
        return BATTLES, OVERTAKES
    general = main.casualty or (event_type == BATTLES and sub == CLASH and main.rank <= 3)
    if general and (actor2 == "Civilians" or CIVILIAN_WORDS.search(around)):
        return CIVILIANS, ATTACK
    if (
        event_type == CIVILIANS
        and sub == ATTACK
        and re.search(r"\b(?:soldiers|troops|forces|police|fighters|militants)\b", around)
        and not CIVILIAN_WORDS.search(around)
    ):
        return BATTLES, CLASH
    if event_type == PROTESTS and re.search(r"tear gas|dispersed|fired on|live ammunition|water cannon", around):
        return PROTESTS, INTERVENTION
    return event_type, sub
