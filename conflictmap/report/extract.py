"""A report's text -> candidate events, each with the words that support it.

`extract_events(text, published, country, geocoder, known_actors)` is the one entry point, a pure
function of its arguments: the geocoder is passed in (the project's one composition,
conflictmap.geocode.compose.build_geocoder), nothing is read from disk or the network.

How a piece of text (a sentence, a photo caption, a headline) becomes events:
1. event words ("drone strike", "rockets", "shot", "handover", "killed") outside quotations are found;
   words next to each other with no date or place between them name one event, so "a funeral in
   Baghdad for five militants killed a day earlier in a U.S. strike in northern Iraq" is two events
   (the funeral in Baghdad; the strike in northern Iraq, which the killing belongs to);
2. each date phrase, place, actor and number goes to the nearest event words; "a day earlier" is
   counted from the date the piece gives ("Dec. 4, 2023"), an undated event takes the piece's date;
3. the place is the most specific one named for it, as the geocoder answers ("western Iraq" at
   region level, "near An Nasiriyah" within 25 km); a place it cannot answer is kept, unplaced;
4. aggregates ("more than 150 times since …"), statements ("condemned the strikes"), background
   ("invaded Iraq in 2003") and general remarks are kept but marked as not events;
5. two candidates that are the same event (same type, one's dates inside the other's, places that
   agree) become one, with the finer date: "earlier this week … airstrikes" and "the U.S. strikes on
   Jan. 23" are one strike on 23 January.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from conflictmap.report.dates import Anchor, DateAnswer, DatePhrase, find_dates, resolve
from conflictmap.report.places import (
    SPECIFICITY,
    Geocoder,
    Mention,
    PlaceAnswer,
    Role,
    adjective_countries,
    composite,
    find_places,
)
from conflictmap.report.segment import Kind, Piece, pieces, quoted
from conflictmap.report.text import check_text
from conflictmap.report.vocabulary import (
    ACTOR_ALIASES,
    ARABIC_TRIGGERS,
    CIVILIAN_WORDS,
    CIVILIANS,
    COUNTRY_ADJECTIVES,
    COUNTRY_LABELS,
    NUMBER_WORDS,
    TRIGGERS,
    VAGUE_NUMBERS,
    Trigger,
    word_starts,
)
from conflictmap.schema import DatePrecision, GeoPrecision


@dataclass(frozen=True)
class Found:
    """A trigger's match in a piece."""

    start: int
    end: int
    trigger: Trigger


@dataclass
class _Frame:
    """The words of one event in a piece, and what was assigned to it."""

    triggers: list[Found]
    casualties: list[Found] = field(default_factory=list)
    dates: list[DatePhrase] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    actors: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min(f.start for f in [*self.triggers, *self.casualties])

    @property
    def end(self) -> int:
        return max(f.end for f in [*self.triggers, *self.casualties])

    @property
    def main(self) -> Found:
        """The most specific event words: they give the type."""
        return max(self.triggers or self.casualties, key=lambda f: (f.trigger.rank, f.end - f.start))


@dataclass(frozen=True)
class Candidate:
    """A candidate event, with everything that supports it."""

    evidence: str  # the sentence, caption or headline
    evidence_start: int  # where it is in the report's (cleaned) text
    evidence_end: int
    piece: str  # sentence, caption or headline
    trigger: str  # the words that name the event
    event_type: str
    sub_event_type: str
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: str | None
    date_phrase: str
    place: str  # as written; "" when the report names none
    place_query: str  # what the geocoder was asked
    country: str | None  # ISO alpha-2
    latitude: float | None
    longitude: float | None
    geo_precision: str | None
    matched_name: str | None
    admin1: str | None
    located_by: str
    actor1: str
    actor2: str
    fatalities: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    injuries: int | None
    is_event: bool
    kind: str  # event, aggregate, statement, background, general
    confidence: float
    reasons: tuple[str, ...]

    @property
    def placed(self) -> bool:
        return self.latitude is not None


@dataclass(frozen=True)
class Extraction:
    """What a report yields: its text as read, the date and country used, and the candidates."""

    text: str
    published: dt.date | None
    country: str | None
    candidates: tuple[Candidate, ...]


# --- the words of a piece -----------------------------------------------------------------------

_ARABIC = re.compile(r"[\u0600-\u06ff]")


def _triggers(text: str) -> list[Found]:
    quotes = quoted(text)
    table: Iterable[Trigger] = (*TRIGGERS, *ARABIC_TRIGGERS) if _ARABIC.search(text) else TRIGGERS
    found: list[Found] = []
    words = word_starts(text)
    for trigger in table:
        if not trigger.could_match(words):  # no word starts as its words do: not searched
            continue
        for match in trigger.pattern.finditer(text):
            start, end = match.span()
            if any(a <= start < b for a, b in quotes):
                continue
            found.append(Found(start, end, trigger))
    # overlapping matches: the longer, then the more specific, wins
    found.sort(key=lambda f: (-(f.end - f.start), -f.trigger.rank))
    kept: list[Found] = []
    for item in found:
        if not any(item.start < k.end and k.start < item.end for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: f.start)


@lru_cache(maxsize=16)
def _actor_pattern(known: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every alias and known actor name (longest first), and name -> the data's name."""
    known_keys = {_key(name): name for name in known}
    names = {alias: canonical for alias, canonical in ACTOR_ALIASES.items()}
    for name in known:
        if len(name) > 3 and name.casefold() not in names:
            names[name.casefold()] = name
    resolved = {alias: known_keys.get(_key(canonical), canonical) for alias, canonical in names.items()}
    alternatives = "|".join(re.escape(alias) for alias in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])", re.I), resolved


def _actors(text: str, known: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the actors a piece names, as the data names them where it knows them."""
    pattern, names = _actor_pattern(tuple(known))
    found: list[tuple[int, int, str]] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        alias = match.group().casefold()
        if alias == "u.s." and re.match(r"-(?:led|backed)", text[end : end + 7]):
            continue
        if alias in names:
            found.append((start, end, names[alias]))
    return found


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


#: A wire dateline opening a story: "BAGHDAD, March 3, 2023 (Reuters) -", "MOSUL, Iraq (AP) —".
WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Z'’ .-]{2,40}(?:,\s*[A-Z][A-Za-z .]{1,30})?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2}(?:,? \d{4})?)?"
    r"\s*(?:\((?:Reuters|AP|AFP|Xinhua|Anadolu|Rudaw|Kurdistan24)\))?\s*[-–—]+\s*"
)


# --- frames ---------------------------------------------------------------------------------------


def _frames(text: str, found: list[Found], dates: list[DatePhrase], places: list[Mention]) -> list[_Frame]:
    primaries = [f for f in found if not f.trigger.casualty]
    casualties = [f for f in found if f.trigger.casualty]
    marks = sorted([(d.start, d.end) for d in dates] + [(m.start, m.end) for m in places if m.role != Role.REFERENCE])

    def separated(first: Found, second: Found) -> bool:
        if second.start - first.end > 80:
            return True
        return any(first.end <= a and b <= second.start for a, b in marks)

    frames: list[_Frame] = []
    for item in primaries or casualties:
        if frames and not separated(frames[-1].triggers[-1], item):
            frames[-1].triggers.append(item)
        else:
            frames.append(_Frame([item]))
    if primaries:
        violent = [frame for frame in frames if any(f.trigger.violent for f in frame.triggers)]
        for item in casualties:
            if violent:
                nearest = min(violent, key=lambda frame: _gap(item.start, item.end, frame.start, frame.end))
                nearest.casualties.append(item)
            else:
                frames.append(_Frame([], [item]))
                violent = [frames[-1]]
    return frames


def _gap(start: int, end: int, frame_start: int, frame_end: int) -> float:
    """How far a stretch of text is from a frame; a stretch after it counts a little nearer
    ("a strike in northern Iraq")."""
    if end <= frame_start:
        return frame_start - end
    if start >= frame_end:
        return 0.7 * (start - frame_end)
    return 0.0


def _nearest(frames: list[_Frame], start: int, end: int) -> _Frame:
    return min(frames, key=lambda frame: _gap(start, end, frame.start, frame.end))


def _assign(
    frames: list[_Frame], dates: list[DatePhrase], places: list[Mention], actors: list[tuple[int, int, str]]
) -> None:
    """Each date, place and actor to the frame nearest it."""
    for phrase in dates:
        _nearest(frames, phrase.start, phrase.end).dates.append(phrase)
    for mention in places:
        _nearest(frames, mention.start, mention.end).places.append(mention)
    for actor in actors:
        _nearest(frames, actor[0], actor[1]).actors.append(actor)


# --- dates ---------------------------------------------------------------------------------------


def _piece_anchor(dates: list[DatePhrase], published: dt.date | None) -> DateAnswer | None:
    """The date a piece gives its events: its first calendar day (one with its year first)."""
    answers = []
    for phrase in dates:
        if phrase.anchor == Anchor.ABSOLUTE:
            answer = resolve(phrase, published)
            if answer is not None and answer.precision == DatePrecision.DAY:
                answers.append((not re.search(r"\d{4}", phrase.text), phrase.start, answer))
    return min(answers, key=lambda item: (item[0], item[1]))[2] if answers else None


def _frame_date(frame: _Frame, anchor: DateAnswer | None, published: dt.date | None) -> DateAnswer | None:
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


# --- numbers --------------------------------------------------------------------------------------

_NUMBER = r"(?:\d[\d,]*|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + ")"
_AT_LEAST = r"(?:at least |about |around |nearly |some |up to |more than |over |almost )?"


def _count(word: str) -> int | None:
    word = word.casefold().replace(",", "")
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _casualties(text: str, verbs: str) -> tuple[int | None, int | None, int | None, str]:
    """(best, low, high, note) of the people a piece says were `verbs` (killed/injured)."""
    patterns = (
        rf"\bbetween ({_NUMBER}) and ({_NUMBER}) (?:[\w.-]+ ){{0,3}}?(?:were |have been )?(?:{verbs})",
        rf"\b(?:{verbs}) {_AT_LEAST}({_NUMBER})\b(?! (?:days?|weeks?|months?|years?|times?|hours?)\b)",
        rf"\b{_AT_LEAST}({_NUMBER}) (?:[\w.’'-]+ ){{0,4}}?(?:(?:were|was|have been|had been|are|being) )?(?:{verbs})\b",
        rf"\b(?:leaving|left) ({_NUMBER}) (?:[\w-]+ ){{0,2}}?(?:dead|wounded|injured)",
    )
    for number, pattern in enumerate(patterns):
        for match in re.finditer(pattern, text, re.I):
            if number == 0:
                low, high = _count(match.group(1)), _count(match.group(2))
                return low, low, high, ""
            value = _count(match.group(1))
            if value is None or value > 100_000 or re.fullmatch(r"(?:19|20)\d\d,?", match.group(1)):
                continue  # a year is not a count
            at_least = re.search(r"at least|more than|over|up to", match.group(), re.I)
            return value, (value if at_least else None), None, ""
    vague = re.search(
        rf"\b(?:{_VAGUE})(?: of)? (?:[\w-]+ ){{0,2}}?(?:{verbs}|dead)\b"
        rf"|\bleft (?:{_VAGUE}) (?:dead|wounded|injured)\b",
        text,
        re.I,
    )
    if vague:
        return None, None, None, f"'{vague.group()}': no number"
    if re.search(rf"\b(?:a|an|the|one) (?:[\w’'-]+ ){{0,8}}?(?:was|has been|had been) (?:{verbs})\b", text, re.I):
        return 1, None, None, ""
    return None, None, None, ""


_VAGUE = "|".join(VAGUE_NUMBERS)
KILLED = r"killed|killing|kills|kill|dead|died|slain|lost their lives|tués?|morts?"
INJURED = r"injured|injuring|wounded|wounding|hurt|injuries|blessés?"

# --- what is not an event -------------------------------------------------------------------------

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


def _kind(text: str, frame: _Frame, date: DateAnswer | None, published: dt.date | None) -> tuple[str, str]:
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


HEADLINE_DATE = "a headline: the publication date"
UNDATED = "no date in the sentence: the publication date"
_NUMBERED = re.compile(
    rf"\b{_NUMBER}\b (?:[\w-]+ ){{0,3}}?(?:killed|dead|wounded|injured|people|soldiers|civilians)", re.I
)


# --- actors -----------------------------------------------------------------------------------------

_ACTIVE = (
    r"carried out|launched|conducted|fired|struck|strikes?|attacked|killed|shot|stormed|seized|took|overran|claimed"
    r"|targeted|bombed|raided|ambushed|abducted|kidnapped|arrested"
)


GOVERNMENTS = {
    "US": "Government of United States of America",
    "IQ": "Government of Iraq",
    "TR": "Government of Turkey",
    "IR": "Government of Iran",
    "IL": "Government of Israel",
    "SY": "Government of Syria",
}


def _roles(text: str, frame: _Frame) -> tuple[str, str]:
    """(actor1, actor2): who acted, and against whom, from the words around each actor."""
    first: list[str] = []
    second: list[str] = []
    other: list[str] = []
    for start, end, name in frame.actors:
        before = text[max(0, start - 40) : start].casefold()
        after = text[end : end + 45].casefold()
        if re.match(r"\s*(?:said|says|told|added|reported|announced)\b", after):
            continue  # the source of the report, not a party to the event
        if re.search(r"\bby (?:the |a |an )?(?:[\w.-]+ ){0,1}$", before) or any(
            0 <= f.start - end <= 12 for f in frame.triggers
        ):
            first.append(name)
        elif re.search(rf"\b{_NUMBER}\s+(?:[\w.-]+\s+){{0,2}}$", before, re.I) or re.search(
            r"(?:killing|injuring|wounding|targeting|against|targeted|on|at|of|hit|kill|killed|attacked|struck|striking)\s+(?:[\w.’'-]+\s+){0,5}$",
            before,
        ):  # "five militants killed"
            second.append(name)
        elif re.match(rf"\s*(?:[\w.-]+\s+){{0,2}}?(?:{_ACTIVE})\b", after) or re.search(
            r"\bclaim(?:ed|s)? responsibility", after + text[end:].casefold()[:80]
        ):
            first.append(name)
        elif re.match(
            r"\s*(?:[\w.-]+\s+){0,4}?(?:was|were) (?:hit|killed|attacked|targeted|struck|shot|injured|wounded)", after
        ):
            second.append(name)
        else:
            other.append(name)
    actor1 = first[0] if first else ""
    if not actor1:  # "a Turkish drone", "Israeli airstrikes": the adjective's government
        adjective = re.search(
            r"(?<![\w.])([A-Z][a-z]+|U\.S\.)\s+(?:\w+\s+)?$", text[max(0, frame.main.start - 30) : frame.main.start]
        )
        code = COUNTRY_ADJECTIVES.get(adjective.group(1).casefold()) if adjective else None
        if code in GOVERNMENTS:
            actor1 = GOVERNMENTS[code]
    if not actor1 and other:  # an actor named beside an attack is more often the one who acted
        actor1 = other.pop(0)
    rest = [name for name in [*second] if name != actor1]
    if (
        not rest
        and CIVILIAN_WORDS.search(text[max(0, frame.start - 80) : frame.end + 80])
        and frame.main.trigger.violent
    ):
        rest = ["Civilians"]
    rest += [name for name in other if name != actor1 and name not in rest]
    return actor1, rest[0] if rest else ""


# --- places -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    mention: Mention | None
    answer: PlaceAnswer | None


_ANSWERS: dict[int, tuple[Geocoder, dict[tuple[str, str | None], PlaceAnswer]]] = {}


def _answers_of(geocoder: Geocoder) -> dict[tuple[str, str | None], PlaceAnswer]:
    """The answers a geocoder gave, kept while it lives (a geocoder answers a name the same way
    each time; a country's or region's point costs milliseconds), for the last few geocoders."""
    kept = _ANSWERS.get(id(geocoder))
    if kept is None or kept[0] is not geocoder:
        if len(_ANSWERS) >= 4:
            _ANSWERS.pop(next(iter(_ANSWERS)))
        kept = _ANSWERS[id(geocoder)] = (geocoder, {})
    if len(kept[1]) > 50_000:
        kept[1].clear()
    return kept[1]


class _Places:
    """The geocoder's answers for one report, each name asked once."""

    def __init__(self, geocoder: Geocoder, country: str | None) -> None:
        self.geocoder = geocoder
        self.country = country
        self.answers = _answers_of(geocoder)

    def ask(self, mention: Mention) -> PlaceAnswer:
        if mention.role == Role.COUNTRY:
            hint = mention.country
            query = COUNTRY_LABELS.get(mention.country or "", mention.query)
        else:
            hint = mention.country or self.country
            query = mention.query
        key = (query, hint)
        if key not in self.answers:
            self.answers[key] = self.geocoder.resolve(query, country=hint)
        return self.answers[key]

    def best(self, text: str, frame: _Frame, everything: list[Mention]) -> _Placed:
        """The most specific place named for the frame (a joined "X, near Y" first); else the
        piece's; else the country its adjectives name; a name not found is kept, unplaced."""
        own = [m for m in frame.places if m.role != Role.REFERENCE]
        for pool in (own, [m for m in everything if m.role != Role.REFERENCE]):
            answered = []
            unplaced = []
            for mention in pool:
                answer = self.ask(mention)
                if answer.latitude is not None:
                    rank = SPECIFICITY.get(answer.precision or "", 7)
                    answered.append(
                        (
                            rank,
                            -len(mention.query),
                            _gap(mention.start, mention.end, frame.start, frame.end),
                            mention,
                            answer,
                        )
                    )
                elif mention.role in (Role.AT, Role.NEAR) and _locative(text, mention):
                    unplaced.append((_gap(mention.start, mention.end, frame.start, frame.end), mention, answer))
            if answered:
                _, _, _, mention, answer = min(answered, key=lambda item: item[:3])
                return _Placed(mention, answer)
            if unplaced:
                _, mention, answer = min(unplaced, key=lambda item: item[0])
                return _Placed(mention, answer)
        adjectives = [(abs(position - frame.start), code) for position, code in adjective_countries(text)]
        if adjectives:
            _, code = min(adjectives)
            if code not in ("US", "GB", "FR", "RU") or code == self.country:
                mention = Mention(
                    0, 0, COUNTRY_LABELS.get(code, code), COUNTRY_LABELS.get(code, code), Role.COUNTRY, code
                )
                return _Placed(mention, self.ask(mention))
        return _Placed(None, None)


def _locative(text: str, mention: Mention) -> bool:
    """Whether the words before a name place something there ("in X", "at X", "near X")."""
    return (
        bool(
            re.search(
                r"(?:\b(?:in|at|near|outside|into|from|of|à|dans|près de)|في|قرب)\s+(?:the\s+)?$",
                text[max(0, mention.start - 12) : mention.start],
                re.I,
            )
        )
        or mention.role == Role.NEAR
    )


# --- confidence ----------------------------------------------------------------------------------


def _confidence(
    kind: str, why: str, frame: _Frame, date: DateAnswer | None, placed: _Placed, fatalities: int | None, actor1: str
) -> tuple[float, tuple[str, ...]]:
    score = 0.35
    reasons: list[str] = []
    main = frame.main
    if main.trigger.rank >= 6:
        score += 0.15
        reasons.append(f"names the kind of event ({main.trigger.sub_event_type})")
    else:
        score += 0.05
        reasons.append("the event words are general")
    if date is None or date.note in (UNDATED, HEADLINE_DATE):
        score -= 0.15 if date is None else 0.05
        reasons.append("no date in the text" if date is None else date.note)
    elif date.precision == DatePrecision.DAY:
        score += 0.2
        reasons.append(f"a day ('{date.phrase}')")
    else:
        score += 0.08
        reasons.append(f"a {date.precision} ('{date.phrase}')")
    answer = placed.answer
    if answer is None or answer.latitude is None:
        score -= 0.1
        reasons.append(
            "no place found" if placed.mention is None else f"'{placed.mention.text}' not found by the geocoder"
        )
    else:
        rank = SPECIFICITY.get(answer.precision or "", 7)
        score += 0.2 if rank <= 1 else 0.12 if rank <= 4 else 0.05
        reasons.append(f"placed at {answer.precision} ({answer.matched_name})")
    if actor1:
        score += 0.05
        reasons.append(f"names who acted ({actor1})")
    if fatalities is not None:
        score += 0.05
        reasons.append("states the dead")
    if kind != "event":
        score = min(score, 0.25)
        reasons.insert(0, why)
    return round(max(0.05, min(0.99, score)), 2), tuple(reasons)


# --- the entry point -------------------------------------------------------------------------------


def extract_events(
    text: str,
    published: dt.date | None,
    country: str | None,
    geocoder: Geocoder,
    known_actors: Sequence[str] = (),
) -> Extraction:
    """The candidate events of a report. `published`: its publication date (year-less dates and
    "earlier this week" are counted from it; None: such dates stay unresolved); `country`: ISO
    alpha-2 of the country it is about, the geocoder's hint; `known_actors`: the data's actor
    names, used where the report names the same actor. Raises ReportError for no text."""
    text = check_text(text, "the report")
    places = _Places(geocoder, country)
    candidates: list[Candidate] = []
    for piece in pieces(text):
        candidates.extend(_piece_candidates(piece, published, places, known_actors))
    return Extraction(text, published, country, tuple(_merge(candidates)))


def _piece_candidates(
    piece: Piece, published: dt.date | None, places: _Places, known: Sequence[str]
) -> list[Candidate]:
    body = piece.text
    found = _triggers(body)
    if not found:
        return []
    dates = find_dates(body)
    mentions = [m for m in find_places(body) if not any(m.start < f.end and f.start < m.end for f in found)]
    filed = WIRE_DATELINE.match(body) if piece.kind != Kind.CAPTION else None
    if filed:  # "BAGHDAD, March 3 (Reuters) -": where and when the report was filed, not the event's
        dates = [d for d in dates if d.start >= filed.end()]
        mentions = [m for m in mentions if m.start >= filed.end()]
    mentions += composite(body, mentions)
    frames = _frames(body, found, dates, mentions)
    _assign(frames, dates, mentions, _actors(body, known))
    anchor = _piece_anchor(dates, published)
    out = []
    for frame in frames:
        date = _frame_date(frame, anchor, published)
        if date is None and piece.kind == Kind.HEADLINE and published is not None:
            date = DateAnswer(published - dt.timedelta(days=6), published, DatePrecision.DAYS, "", HEADLINE_DATE)
        kind, why = _kind(body, frame, date, published)
        if date is None and kind == "event" and published is not None:
            date = DateAnswer(published, published, DatePrecision.WEEK, "", UNDATED)
        placed = places.best(body, frame, mentions)
        area = body[max(0, frame.start - 90) : frame.end + 90]
        dead, low, high, dead_note = (
            _casualties(area, KILLED)
            if any(re.search(KILLED, body[f.start : f.end], re.I) for f in frame.casualties)
            else (None, None, None, "")
        )
        hurt, _, _, _ = (
            _casualties(area, INJURED)
            if any(re.search(INJURED, body[f.start : f.end], re.I) for f in frame.casualties)
            else (None, None, None, "")
        )
        actor1, actor2 = _roles(body, frame)
        event_type, sub = _type(body, frame, actor2)
        confidence, reasons = _confidence(kind, why, frame, date, placed, dead, actor1)
        if dead_note:
            reasons = (*reasons, f"fatalities: {dead_note}")
        if hurt:
            reasons = (*reasons, f"{hurt} injured")
        if date is not None and date.note and date.note not in (UNDATED, HEADLINE_DATE):
            reasons = (*reasons, f"date: {date.note}")
        answer = placed.answer
        resolved = answer is not None and answer.latitude is not None
        out.append(
            Candidate(
                evidence=body,
                evidence_start=piece.start,
                evidence_end=piece.end,
                piece=piece.kind.value,
                trigger=body[frame.main.start : frame.main.end],
                event_type=event_type,
                sub_event_type=sub,
                date_start=date.start if date else None,
                date_end=date.end if date else None,
                date_precision=date.precision.value if date else None,
                date_phrase=date.phrase if date else "",
                place=placed.mention.text if placed.mention else "",
                place_query=placed.mention.query if placed.mention else "",
                country=(answer.country_code if resolved and answer else None)
                or (placed.mention.country if placed.mention else None)
                or places.country,
                latitude=answer.latitude if resolved and answer else None,
                longitude=answer.longitude if resolved and answer else None,
                geo_precision=answer.precision if resolved and answer else None,
                matched_name=answer.matched_name if resolved and answer else None,
                admin1=answer.admin1 if resolved and answer else None,
                located_by=answer.located_by if answer else "unresolved",
                actor1=actor1,
                actor2=actor2,
                fatalities=dead,
                fatalities_low=low,
                fatalities_high=high,
                injuries=hurt,
                is_event=kind == "event",
                kind=kind,
                confidence=confidence,
                reasons=reasons,
            )
        )
    return out


def _type(text: str, frame: _Frame, actor2: str) -> tuple[str, str]:
    """The frame's event type and sub-type, from its most specific words and their context."""
    main = frame.main.trigger
    event_type, sub = main.event_type, main.sub_event_type
    around = text[max(0, frame.start - 100) : frame.end + 100].casefold()
    if sub == "Headquarters or base established" and not re.search(
        r"\b(?:base|airport|airfield|camp|headquarters)\b", around
    ):
        return "Battles", "Non-state actor overtakes territory"
    general = main.casualty or (event_type == "Battles" and sub == "Armed clash" and main.rank <= 3)
    if general and (actor2 == "Civilians" or CIVILIAN_WORDS.search(around)):
        return CIVILIANS, "Attack"
    if (
        event_type == CIVILIANS
        and sub == "Attack"
        and re.search(r"\b(?:soldiers|troops|forces|police|fighters|militants)\b", around)
        and not CIVILIAN_WORDS.search(around)
    ):
        return "Battles", "Armed clash"
    if event_type == "Protests" and re.search(r"tear gas|dispersed|fired on|live ammunition|water cannon", around):
        return "Protests", "Protest with intervention"
    return event_type, sub


# --- one event told twice ---------------------------------------------------------------------------


def _same_event(a: Candidate, b: Candidate) -> bool:
    if (a.event_type, a.sub_event_type) != (b.event_type, b.sub_event_type):
        return False
    if a.date_start is None or b.date_start is None or a.date_end is None or b.date_end is None:
        return False
    if a.kind == "aggregate" or b.kind == "aggregate":
        return False
    undated = [c for c in (a, b) if not c.date_phrase]
    if any(c.piece != Kind.HEADLINE.value for c in undated):  # dated only by the publication
        return False
    if len(undated) == 2:
        return False
    inside = (a.date_start <= b.date_start and b.date_end <= a.date_end) or (
        b.date_start <= a.date_start and a.date_end <= b.date_end
    )
    if not inside or max(a.date_end - a.date_start, b.date_end - b.date_start) > dt.timedelta(days=10):
        return False
    if a.evidence == b.evidence and a.trigger != b.trigger:
        return False
    coarse = {GeoPrecision.COUNTRY.value, GeoPrecision.REGION.value, None}
    if a.matched_name == b.matched_name or a.geo_precision in coarse or b.geo_precision in coarse:
        return a.country == b.country or a.country is None or b.country is None
    near = GeoPrecision.NEAR.value in (a.geo_precision, b.geo_precision)
    return near and None not in (a.latitude, b.latitude) and _km(a, b) <= NEAR_SAME_KM


#: A place named "near X" (or "north of X") and another this close are taken as one event's.
NEAR_SAME_KM = 50.0


def _km(a: Candidate, b: Candidate) -> float:
    import math

    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(h))


def _fold(keep: Candidate, other: Candidate) -> Candidate:
    """`keep` told with what `other` adds: the finer date, the more specific place, the numbers."""
    finer_date = (
        other
        if other.date_start is not None
        and keep.date_start is not None
        and (
            (other.date_end - other.date_start) < (keep.date_end - keep.date_start)  # type: ignore[operator]
        )
        else keep
    )
    finer_place = (
        other if SPECIFICITY.get(other.geo_precision or "", 9) < SPECIFICITY.get(keep.geo_precision or "", 9) else keep
    )
    merged = replace(
        keep,
        date_start=finer_date.date_start,
        date_end=finer_date.date_end,
        date_precision=finer_date.date_precision,
        date_phrase=finer_date.date_phrase,
        place=finer_place.place,
        place_query=finer_place.place_query,
        country=finer_place.country,
        latitude=finer_place.latitude,
        longitude=finer_place.longitude,
        geo_precision=finer_place.geo_precision,
        matched_name=finer_place.matched_name,
        admin1=finer_place.admin1,
        located_by=finer_place.located_by,
        actor1=keep.actor1 or other.actor1,
        actor2=keep.actor2 or other.actor2,
        fatalities=keep.fatalities if keep.fatalities is not None else other.fatalities,
        injuries=keep.injuries if keep.injuries is not None else other.injuries,
        confidence=min(0.99, max(keep.confidence, other.confidence) + 0.05),
        reasons=(*keep.reasons, f"told again: '{_short(other.evidence)}'"),
    )
    if finer_date is other:
        merged = replace(merged, reasons=(*merged.reasons, f"date from the retelling ('{other.date_phrase}')"))
    return merged


def _short(text: str, size: int = 90) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _merge(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates with one event told twice folded into one (an event kept over a statement)."""
    out: list[Candidate] = []
    for candidate in candidates:
        for index, kept in enumerate(out):
            if _same_event(kept, candidate):
                told = bool(candidate.date_phrase) and not kept.date_phrase  # a story's lead over its headline
                if (candidate.is_event and not kept.is_event) or (told and candidate.is_event == kept.is_event):
                    out[index] = _fold(candidate, kept)
                else:
                    out[index] = _fold(kept, candidate)
                break
        else:
            out.append(candidate)
    return out
