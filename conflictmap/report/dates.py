"""Dates in a report's words, resolved against its publication date: "On Jan. 20" (the last 20
January on or before publication), "Dec. 4, 2023", "a day earlier" (the day before the event the
sentence dates), "earlier this week", "in early January", "since early October", "in 2014". Each
answer keeps the phrase it came from and a precision (day, 2-6 days, week, month, year).

The phrases are found by the patterns below; English month names are read directly, and other
languages' month names (French, Arabic…) by dateparser, which knows them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from conflictmap.report.vocabulary import NUMBER_WORDS, folded
from conflictmap.schema import DatePrecision

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
FOREIGN_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|نوفمبر|ديسمبر|"
    "كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين الأول|تشرين الثاني|كانون الأول"
)
LEVANTINE = {
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8,
    "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_DAYS = "|".join(WEEKDAYS)
_NUM = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few)"


class Anchor(StrEnum):
    """What a phrase is counted from."""

    ABSOLUTE = "absolute"  # a calendar date, with or without its year
    PUBLICATION = "publication"  # "yesterday", "earlier this week", "on Tuesday"
    EVENT = "event"  # "a day earlier": from the date the sentence gives
    SINCE = "since"  # "since early October": a span up to publication (aggregates)


@dataclass(frozen=True)
class DatePhrase:
    """A date expression found in a piece of text, not yet resolved."""

    start: int
    end: int
    text: str
    anchor: Anchor


@dataclass(frozen=True)
class DateAnswer:
    """A resolved date: the first and last day it may be, its precision, and the phrase."""

    start: dt.date
    end: dt.date
    precision: DatePrecision
    phrase: str
    note: str = ""

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


_EVENT_RELATIVE = (
    r"\b(?:a|one|the) day (?:earlier|before|later|after)\b|\bthe (?:previous|preceding|next|following) day\b"
    rf"|\bthe same day\b|\b{_NUM} days? (?:earlier|later|after that|before that)\b"
    r"|\bdays (?:earlier|later)\b|\bhours (?:earlier|later)\b"
)
_PUBLICATION_RELATIVE = (
    r"\b(?:earlier |later )?this (?:week|month|year)\b|\blast (?:week|month|year|night)\b"
    r"|\bthe (?:previous|past) week\b|\byesterday\b|\btoday\b|\bovernight\b"
    rf"|\b{_NUM} (?:days?|weeks?) ago\b|\b(?:on |last |this )?(?:{_DAYS})(?: (?:morning|afternoon|evening|night))?\b"
    r"|\bhier\b|\baujourd'hui\b|\bأمس\b|\bاليوم\b"
)
_VAGUE = r"(?:(?:early|mid|late)[- ]|the (?:beginning|start|end|middle) of )"
#: What every month name has (the English ones' first three letters; the French and Arabic ones'
#: letters that need no accent, or the whole name).
_MONTH_WORDS = (
    *sorted({name[:3] for name in MONTHS}), "vrier", "avr", "mai", "jui", "ao", "cembre",
    *(name for name in FOREIGN_MONTHS.split("|") if not name.isascii() and not re.search(r"[a-zé]", name)),
)  # fmt: skip
#: What a pattern needs in a text to match it: a digit, or one of these (in the text as `folded`
#: makes it); None: anything. A text without is not searched (tests/unit/test_report_dates.py checks
#: the needs against the patterns).
DIGIT = "digit"
_PATTERNS: tuple[tuple[re.Pattern[str], Anchor, str | tuple[str, ...] | None], ...] = tuple(
    (re.compile(pattern, re.I), anchor, needs)
    for pattern, anchor, needs in (
        (
            rf"\bsince (?:(?:early|mid|late)[- ])?(?:{_MONTH}(?:,? {_YEAR})?|{_YEAR})(?![\w-])",
            Anchor.SINCE,
            ("since",),
        ),
        (r"\bsince (?:last|this) (?:week|month|year)\b", Anchor.SINCE, ("since",)),
        (
            rf"\b{_VAGUE}(?:{_MONTH})(?:,? {_YEAR})?(?![\w-])",
            Anchor.ABSOLUTE,
            ("early", "mid", "late", "beginning", "start", "end", "middle"),
        ),
        (
            rf"(?<![\w-])(?:(?:{_DAYS}),? )?{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? {_YEAR})?(?![\w-])",
            Anchor.ABSOLUTE,
            DIGIT,
        ),
        (
            rf"(?<![\w-])\d{{1,2}}(?:st|nd|rd|th|er)? (?:of )?(?:{_MONTH}|{FOREIGN_MONTHS})(?:,? {_YEAR})?(?![\w-])",
            Anchor.ABSOLUTE,
            DIGIT,
        ),
        (rf"(?<![\w-])(?:{_MONTH}|{FOREIGN_MONTHS}),? {_YEAR}(?![\w-])", Anchor.ABSOLUTE, DIGIT),
        (rf"(?<![\w-]){_YEAR}-\d{{2}}-\d{{2}}(?![\w-])", Anchor.ABSOLUTE, DIGIT),
        (_EVENT_RELATIVE, Anchor.EVENT, ("day", "hour")),
        (
            _PUBLICATION_RELATIVE,
            Anchor.PUBLICATION,
            ("week", "month", "year", "night", "day", "hier", "aujourd", "أمس", "اليوم"),
        ),
        (rf"\b(?:in|during|by|of|from) (?:{_MONTH}|{FOREIGN_MONTHS})(?![\w-])", Anchor.ABSOLUTE, _MONTH_WORDS),
        (rf"\b(?:in|during|by|en|عام|في) {_YEAR}\b", Anchor.ABSOLUTE, DIGIT),
    )
)
_A_DIGIT = re.compile(r"\d")
#: The patterns up to the first relative one: the calendar dates with a day, and what may overlap them.
_CALENDAR = _PATTERNS[: [anchor for _, anchor, _ in _PATTERNS].index(Anchor.EVENT)]


def could_match(needs: str | tuple[str, ...] | None, text: str, folded: str) -> bool:
    """Whether a text (and `folded`, its `folded(text)`) has what a pattern needs."""
    if needs is None:
        return True
    if needs == DIGIT:
        return _A_DIGIT.search(text) is not None
    return any(word in folded for word in needs)


def find_dates(text: str, calendar_only: bool = False) -> list[DatePhrase]:
    """The date phrases of `text`, longest first where they overlap, in order. `calendar_only`: not
    the relative ones ("a day earlier", "yesterday") nor those after them ("in May", "in 2014"),
    none of which names a day; the phrases that do are the same.

    >>> [p.text for p in find_dates("killed a day earlier in a strike on Dec. 4, 2023")]
    ['a day earlier', 'Dec. 4, 2023']
    """
    found: list[DatePhrase] = []
    taken: list[tuple[int, int]] = []
    lowered = folded(text)
    for pattern, anchor, needs in _CALENDAR if calendar_only else _PATTERNS:
        if not could_match(needs, text, lowered):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            if anchor == Anchor.PUBLICATION and re.fullmatch(r"(?i)(?:on )?may", match.group()):
                continue
            taken.append((start, end))
            found.append(DatePhrase(start, end, match.group(), anchor))
    return sorted(found, key=lambda phrase: phrase.start)


def _number(word: str) -> int | None:
    word = word.casefold()
    if word.isdigit():
        return int(word)
    if word in ("several", "few"):
        return None
    return NUMBER_WORDS.get(word)


@lru_cache(maxsize=4096)
def calendar_parts(text: str) -> tuple[int | None, int, int | None] | None:
    """(year or None, month, day or None) of a calendar phrase, in English or (by dateparser) any
    language dateparser knows; None when it is not a date.

    >>> calendar_parts("Dec. 4, 2023"), calendar_parts("APRIL 10"), calendar_parts("20 janvier 2024")
    ((2023, 12, 4), (None, 4, 10), (2024, 1, 20))
    """
    iso = re.fullmatch(r"((?:19|20)\d{2})-(\d{2})-(\d{2})", text)
    if iso:
        return int(iso[1]), int(iso[2]), int(iso[3])
    year_match = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
    year = int(year_match[1]) if year_match else None
    rest = text[: year_match.start()] + text[year_match.end() :] if year_match else text
    words = re.findall(r"[^\W\d_]+|\d+", rest.casefold())
    months = [MONTHS[w] for w in words if w in MONTHS]
    days = [int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31]
    if months:
        return year, months[0], days[0] if days else None
    for name, month in LEVANTINE.items():
        if name in text:
            return year, month, days[0] if days else None
    import dateparser  # type: ignore[import-untyped]  # other languages: dateparser knows their month names

    settings = {"RELATIVE_BASE": dt.datetime(2000, 1, 1), "PREFER_DAY_OF_MONTH": "first"}
    parsed = dateparser.parse(text, languages=["fr", "ar", "en"], settings=settings)
    if parsed is None:
        return None
    return year, parsed.month, days[0] if days else None


def _last_on_or_before(month: int, day: int, limit: dt.date) -> dt.date:
    """The last `month`/`day` on or before `limit` (29 February: the last leap year's)."""
    for year in range(limit.year, limit.year - 8, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return dt.date(limit.year - 1, month, min(day, 28))


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _third(text: str, year: int, month: int) -> tuple[dt.date, dt.date]:
    first, last = _month_span(year, month)
    lowered = text.casefold()
    if "early" in lowered or "beginning" in lowered or "start" in lowered:
        return first, first.replace(day=10)
    if "mid" in lowered or "middle" in lowered:
        return first.replace(day=11), first.replace(day=20)
    return first.replace(day=21), last


def resolve(phrase: DatePhrase, published: dt.date | None, event: dt.date | None = None) -> DateAnswer | None:
    """`phrase` as days: against `published` (year-less dates, "this week") and, for "a day earlier",
    `event` (the date the same sentence gives; publication when there is none). None when it cannot
    be resolved (a year-less date with no publication date)."""
    text = phrase.text
    lowered = text.casefold()
    if phrase.anchor == Anchor.EVENT:
        base = event or published
        if base is None:
            return None
        return _from_event(lowered, text, base, event is None)
    if phrase.anchor == Anchor.PUBLICATION:
        return None if published is None else _from_publication(lowered, text, published)
    if phrase.anchor == Anchor.SINCE:
        inner = re.sub(r"(?i)^since\s+", "", text)
        if published is None:
            return None
        if re.search(r"(?i)last|this", inner):
            begun = _from_publication(inner.casefold(), inner, published)
            start = begun.start if begun else published
        else:
            begun = resolve(DatePhrase(0, len(inner), inner, Anchor.ABSOLUTE), published)
            start = begun.start if begun else published
        return DateAnswer(start, published, DatePrecision.MONTH, text, "a span up to publication")
    return _absolute(text, published)


def _absolute(text: str, published: dt.date | None) -> DateAnswer | None:
    year_only = re.fullmatch(r"(?i)(?:in|during|by|en|عام|في) ((?:19|20)\d{2})", text)
    if year_only:
        whole = int(year_only[1])
        return DateAnswer(dt.date(whole, 1, 1), dt.date(whole, 12, 31), DatePrecision.YEAR, text)
    parts = calendar_parts(
        re.sub(r"(?i)^(?:in|during|by|of|from|early|mid|late|the (?:beginning|start|end|middle) of)[- ]", "", text)
    )
    if parts is None:
        return None
    year, month, day = parts
    vague = re.match(r"(?i)(?:early|mid|late|the (?:beginning|start|end|middle) of)", text)
    if year is None:
        if published is None:
            return None
        limit = published + dt.timedelta(days=1)
        if day is None or vague:
            year = published.year if month <= published.month else published.year - 1
        else:
            found = _last_on_or_before(month, day, limit)
            return DateAnswer(found, found, DatePrecision.DAY, text, "the year from the publication date")
    if vague:
        first, last = _third(text, year, month)
        return DateAnswer(first, last, DatePrecision.WEEK, text)
    if day is None:
        first, last = _month_span(year, month)
        return DateAnswer(first, last, DatePrecision.MONTH, text)
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    return DateAnswer(found, found, DatePrecision.DAY, text)


def _from_event(lowered: str, text: str, base: dt.date, from_publication: bool) -> DateAnswer:
    note = "counted from the publication date (the sentence gives no date)" if from_publication else ""
    sign = -1 if re.search(r"earlier|before|previous|preceding", lowered) else 1
    if "same day" in lowered or lowered.startswith("hours"):
        return DateAnswer(base, base, DatePrecision.DAY, text, note)
    count = re.match(rf"({_NUM}) days?", lowered)
    number = _number(count[1]) if count else (1 if "day" in lowered and not lowered.startswith("days") else None)
    if number is None:  # "days later", "several days earlier"
        near, far = base + dt.timedelta(days=2 * sign), base + dt.timedelta(days=6 * sign)
        return DateAnswer(min(near, far), max(near, far), DatePrecision.DAYS, text, note)
    day = base + dt.timedelta(days=number * sign)
    return DateAnswer(day, day, DatePrecision.DAY, text, note)


def _from_publication(lowered: str, text: str, published: dt.date) -> DateAnswer | None:
    day = dt.timedelta(days=1)
    if lowered in ("yesterday", "hier", "أمس") or lowered in ("last night", "overnight"):
        return DateAnswer(published - day, published - day, DatePrecision.DAY, text)
    if lowered in ("today", "aujourd'hui", "اليوم"):
        return DateAnswer(published, published, DatePrecision.DAY, text)
    ago = re.match(rf"({_NUM}) (days?|weeks?) ago", lowered)
    if ago:
        number = _number(ago[1])
        if ago[2].startswith("week"):
            weeks = number or 2
            start, end = _week_of(published - dt.timedelta(weeks=weeks))
            return DateAnswer(start, end, DatePrecision.WEEK, text)
        if number is None:
            return DateAnswer(published - 6 * day, published - 2 * day, DatePrecision.DAYS, text)
        found = published - number * day
        return DateAnswer(found, found, DatePrecision.DAY, text)
    if "week" in lowered:
        if "last" in lowered or "previous" in lowered or "past" in lowered:
            start, end = _week_of(published - 7 * day)
        else:
            start, end = _week_of(published)
            end = min(end, published)
        return DateAnswer(start, end, DatePrecision.WEEK, text)
    if "month" in lowered:
        if "last" in lowered:
            first = published.replace(day=1) - day
            start, end = _month_span(first.year, first.month)
        else:
            start, end = published.replace(day=1), published
        return DateAnswer(start, end, DatePrecision.MONTH, text)
    if "year" in lowered:
        year = published.year - (1 if "last" in lowered else 0)
        return DateAnswer(dt.date(year, 1, 1), min(dt.date(year, 12, 31), published), DatePrecision.YEAR, text)
    for number, name in enumerate(WEEKDAYS):
        if name in lowered:
            back = (published.weekday() - number) % 7
            found = published - back * day
            return DateAnswer(found, found, DatePrecision.DAY, text, "the last such weekday before publication")
    return None


_PUBLISHED = re.compile(
    r"(?im)^\s*(?:last )?(?:updated|published|posted|date|publié le|mis à jour)\b\s*(?:on\s*)?:?\s*(.{0,60})$"
)
_DATELINE = re.compile(
    rf"(?m)^[A-Z][A-Za-z .'’-]{{2,40}},?\s+(?:\w+\s+)?({_MONTH} \d{{1,2}}(?:,? \d{{4}})?)\s*(?:\(\w+\))?\s*[-–—]"
)


def publication_date(text: str) -> tuple[dt.date | None, str]:
    """The report's publication date as it says it ("Updated: Jan. 26, 2024", "Published:
    2024-01-26", a wire dateline "BAGHDAD, Jan 25 (Reuters) -"), else the latest date it names
    (a year-less "Jan. 25" taken as the first such day after the latest full date); with why.

    >>> publication_date("Updated: January 26, 2024\\nRockets hit Erbil on Jan. 24.")
    (datetime.date(2024, 1, 26), "the report's line 'Updated: January 26, 2024'")
    """
    for match in _PUBLISHED.finditer(text[:3000]):
        answer = _first_full_date(match.group(1))
        if answer is not None:
            return answer, f"the report's line {' '.join(match.group().split())!r}"
    dateline = _DATELINE.search(text[:3000])
    if dateline:
        parts = calendar_parts(dateline.group(1))
        if parts and parts[0] and parts[2]:
            return dt.date(parts[0], parts[1], parts[2]), f"the dateline {dateline.group().strip()!r}"
    full: list[dt.date] = []
    yearless: list[tuple[int, int]] = []
    for phrase in find_dates(text, calendar_only=True):
        if phrase.anchor != Anchor.ABSOLUTE:
            continue
        parts = calendar_parts(re.sub(r"(?i)^(?:in|during|by|of|from) ", "", phrase.text))
        if parts is None:
            continue
        year, month, day = parts
        if day is None:
            continue
        try:
            if year is not None:
                full.append(dt.date(year, month, day))
            else:
                yearless.append((month, day))
        except ValueError:
            continue
    if not full and not yearless:
        return None, "the report names no date: give the publication date"
    latest = max(full) if full else None
    if latest is None:
        return None, "the report names dates without their year: give the publication date"
    named = [latest]
    written_with_year = {(day.month, day.day) for day in full}
    for month, day in yearless:
        if (month, day) in written_with_year:  # "APRIL 10" beside "April 10, 2003": that one
            continue
        for year in (latest.year, latest.year + 1):
            try:
                candidate = dt.date(year, month, day)
            except ValueError:
                continue
            if latest <= candidate <= latest + dt.timedelta(days=366):
                named.append(candidate)
                break
    guess = max(named)
    return guess, f"no publication date in the text: the latest date it names ({guess.isoformat()})"


def _first_full_date(text: str) -> dt.date | None:
    for phrase in find_dates(text):
        parts = calendar_parts(phrase.text)
        if parts and parts[0] and parts[2]:
            try:
                return dt.date(parts[0], parts[1], parts[2])
            except ValueError:
                return None
    numeric = re.search(r"(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})", text)
    if numeric:  # day/month/year, as most of the world writes it, unless that cannot be
        first, second, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
        day, month = (first, second) if second <= 12 else (second, first)
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None
