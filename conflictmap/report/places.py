"""Places in a report's words, and where the geocoder puts them. A mention keeps how the report
places the event relative to it: "in Baghdad" (there), "near An Nasiriyah" (within 25 km),
"70 miles west of Baghdad" (a reference point, not the place), "western Iraq" (a region), "Iraq"
or "Iraqi targets" (the country only). The geocoder is an argument: anything with the project's
`resolve(query, country=…)` (conflictmap.geocode.compose.build_geocoder's answer)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Protocol

from conflictmap.report.vocabulary import ACTOR_ALIASES, COUNTRY_ADJECTIVES, COUNTRY_NAMES, MONTH_ABBREVIATIONS
from conflictmap.schema import GeoPrecision


class PlaceAnswer(Protocol):
    """What the geocoder answers for a name (conflictmap.geocode's PlaceMatch)."""

    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...
    @property
    def precision(self) -> str | None: ...
    @property
    def matched_name(self) -> str | None: ...
    @property
    def country_code(self) -> str | None: ...
    @property
    def admin1(self) -> str | None: ...
    @property
    def located_by(self) -> str: ...
    @property
    def evidence(self) -> str: ...
    @property
    def reason(self) -> str: ...


class Geocoder(Protocol):
    """The project's geocoder, as `build_geocoder` composes it."""

    def resolve(
        self, query: str, country: str | None = None, admin1: str | None = None, admin2: str | None = None
    ) -> PlaceAnswer: ...


class Role(StrEnum):
    AT = "at"  # "in Baghdad", "Baghdad"
    NEAR = "near"  # "near An Nasiriyah", "outside Mosul"
    REFERENCE = "reference"  # "70 miles west of Baghdad": a bearing from it, not the place
    REGION = "region"  # "western Iraq"
    COUNTRY = "country"  # "in Iraq", "Iraqi targets"


@dataclass(frozen=True)
class Mention:
    """A place named in a piece: `text` as written, `query` as sent to the geocoder."""

    start: int
    end: int
    text: str
    query: str
    role: Role
    country: str | None = None  # the country the words name ("western Iraq": IQ)


#: How specific an answer is, most specific first (the event's place is the most specific named).
SPECIFICITY = {
    GeoPrecision.EXACT.value: 0,
    GeoPrecision.NEAR.value: 1,
    GeoPrecision.SUB_DISTRICT.value: 2,
    GeoPrecision.DISTRICT.value: 3,
    GeoPrecision.PROVINCE.value: 4,
    GeoPrecision.REGION.value: 5,
    GeoPrecision.COUNTRY.value: 6,
}

_COUNTRY_WORDS = "|".join(sorted((re.escape(name) for name in COUNTRY_NAMES if name.isascii()), key=len, reverse=True))
_DIRECTION = r"(?:north|south)(?:-?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|central"
REGION = re.compile(rf"\b(?:{_DIRECTION}) (?:{_COUNTRY_WORDS})\b(?!['’]s)", re.I)
_CONNECTOR = r"(?:al|el|an|ad|as|ar|ash|at|az|ibn|bin|abu|umm|of|de|du|la|le|d'|l')"
_ARTICLE = r"(?:(?:al|el|an|ad|as|ar|ash|at|az)-)"
_WORD = r"[A-Z][\w’'-]*[\w]"
FEATURES = (
    r"(?:air ?base|military base|army base|base|camp|airport|airfield|air field|province|governorate|district|"
    r"sub-district|city|town|village|prison|dam|bridge|refinery|oil field|border crossing|neighbou?rhood|area|"
    r"checkpoint|market|mosque|square|university|hospital)"
)
NAME = re.compile(
    rf"(?<![\w-]){_ARTICLE}?{_WORD}(?:(?: |-|\s{_CONNECTOR}[- ]){{1,2}}{_ARTICLE}?{_WORD}){{0,4}}"
    rf"(?: {FEATURES}\b)?"
)
#: Capitalised words that are never place names on their own.
NOT_PLACES = frozenset(
    [
        "the",
        "a",
        "an",
        "on",
        "in",
        "at",
        "by",
        "but",
        "and",
        "or",
        "as",
        "of",
        "for",
        "to",
        "from",
        "with",
        "after",
        "before",
        "during",
        "since",
        "when",
        "while",
        "according",
        "said",
        "says",
        "reuters",
        "ap",
        "afp",
        "photo",
        "images",
        "getty",
        "updated",
        "published",
        "pentagon",
        "president",
        "minister",
        "prime",
        "secretary",
        "spokesman",
        "spokeswoman",
        "general",
        "gen",
        "mr",
        "ms",
        "mrs",
        "dr",
        "army",
        "military",
        "forces",
        "security",
        "police",
        "officials",
        "official",
        "ministry",
        "government",
        "coalition",
        "group",
        "groups",
        "militia",
        "militias",
        "state",
        "states",
        "united",
        "islamic",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        *MONTH_ABBREVIATIONS,
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "earlier",
        "later",
        "last",
        "this",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "there",
        "their",
        "its",
        "his",
        "her",
        "these",
        "those",
        "some",
        "many",
        "several",
        "both",
        "further",
        "nevertheless",
        "however",
        "days",
        "today",
        "yesterday",
        "let",
        "who",
        "what",
        "which",
        "where",
        "why",
        "how",
        "no",
        "not",
        "one",
        "two",
        "three",
        "four",
        "five",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "en",
        "au",
        "aux",
        "selon",
    ]
)
_PERSON_BEFORE = re.compile(
    r"(?:\b(?:Mr|Ms|Mrs|Dr|Gen|Col|Lt|Sgt|Capt|Maj)\.?|\b(?:President|Minister|Secretary|spokesm[ae]n|spokeswoman|"
    r"spokesperson|commander|official|leader|Sheikh|cleric|journalist|analyst|Defense|Defence|Affairs|of State)"
    r"(?: of [A-Z][\w]+)?)\s*,?\s*$"
)
_NEAR_BEFORE = re.compile(
    r"(?:\bnear|\boutside|\bclose to|\bnearby|\boutskirts of|\bnot far from|\bprès de|\bقرب)\s*"
    r"(?:the\s+)?(?:city of |town of |village of )?$",
    re.I,
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:\d[\d,.]*|a few|several|some|\w+) (?:km|kilometres|kilometers|miles|mi)\s+(?:\([^)]*\)\s+)?"
    r"(?:to the )?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+"
    r"(?:the\s+)?(?:city of\s+)?$",
    re.I,
)
_ARABIC_CUE = re.compile(
    r"(?:في|قرب|بالقرب من|مدينة|بمدينة|محافظة|قضاء|ناحية|منطقة|شمال|جنوب|شرق|غرب)\s+"
    r"((?:ال)?[\u0621-\u064a]{2,}(?:\s(?:ال)?[\u0621-\u064a]{2,})?)"
)


#: Arabic articles written apart ("An Nasiriyah", "AS SULAYMANIYAH"): kept before a name.
ARTICLES = frozenset({"an", "as", "at", "al", "ad", "ar", "ash", "az", "el"})


def _strip_possessive(text: str) -> str:
    return re.sub(r"['’]s$", "", text)


def _actor_words() -> frozenset[str]:
    return frozenset(alias for alias in ACTOR_ALIASES if " " in alias or len(alias) > 3)


ACTOR_WORDS = _actor_words()


def find_places(text: str) -> list[Mention]:
    """The place mentions of a piece of text, in order.

    >>> [(m.query, m.role.value) for m in find_places("shot in Ramadi, 70 miles west of Baghdad, near Hit")]
    [('Ramadi', 'at'), ('Baghdad', 'reference'), ('near Hit', 'near')]
    """
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for match in REGION.finditer(text):
        country = COUNTRY_NAMES.get(match.group().split(" ", 1)[1].casefold())
        found.append(Mention(match.start(), match.end(), match.group(), match.group(), Role.REGION, country))
        taken.append(match.span())
    for match in NAME.finditer(text):
        start, end = match.span()
        if any(start < b and a < end for a, b in taken):
            continue
        found.extend(_name_mentions(text, match.group(), start))
    for match in _ARABIC_CUE.finditer(text):
        name = re.sub(r"^و", "", match.group(1))
        near = match.group().startswith(("قرب", "بالقرب"))
        found.append(
            Mention(
                match.start(1), match.end(1), name, f"near {name}" if near else name, Role.NEAR if near else Role.AT
            )
        )
    return sorted(found, key=lambda mention: mention.start)


def _name_mentions(text: str, name: str, start: int) -> list[Mention]:
    """A capitalised name as place mentions: trimmed of words that are not places, its possessive
    read as a hint ("Diyala's Baquba" asks "Baquba, Diyala"), its role from the words before it."""
    words = name.split(" ")
    while (
        words
        and words[0].casefold().rstrip("’'s") in NOT_PLACES
        and not (len(words) > 1 and words[0].casefold() in ARTICLES and words[1].casefold() not in NOT_PLACES)
    ):
        start += len(words[0]) + 1
        words = words[1:]
    while words and words[-1].casefold() in NOT_PLACES:
        words = words[:-1]
    if not words:
        return []
    name = " ".join(words)
    lowered = _strip_possessive(name).casefold()
    end = start + len(name)
    if lowered in NOT_PLACES or lowered in ACTOR_WORDS or lowered in COUNTRY_ADJECTIVES:
        return []
    if any(lowered.startswith(actor + " ") or lowered == actor for actor in ACTOR_WORDS):
        return []
    before = text[max(0, start - 60) : start]
    if _PERSON_BEFORE.search(before) or re.match(
        r"\s*(?:said|told|says|added|announced|called|,\s*(?:a|the) (?:spokes|official))", text[end : end + 20]
    ):
        return []
    if lowered in COUNTRY_NAMES:
        if re.search(r"['’]s$", name) or re.match(r"[-–](?:led|backed|based)", text[end : end + 7]):
            return []
        return [Mention(start, end, name, name, Role.COUNTRY, COUNTRY_NAMES[lowered])]
    possessive = re.match(r"(.+?)['’]s (.+)$", name)
    if possessive:
        hint, place = possessive.group(1), possessive.group(2)
        if hint.casefold() in COUNTRY_NAMES:
            return _name_mentions(text, place, start + len(hint) + 3)
        role = _role(before)
        # "Baghdad's Green Zone": the two together, and the city alone when the whole is not known
        return [
            Mention(start, end, name, f"{place}, {hint}", role, None),
            Mention(start, start + len(hint), hint, f"near {hint}" if role == Role.NEAR else hint, role, None),
        ]
    if re.search(r"['’]s$", name):
        name = name[:-2]
        end -= 2
    role = _role(before)
    query = f"near {name}" if role == Role.NEAR else name
    return [Mention(start, end, name, query, role, None)]


def _role(before: str) -> Role:
    if _REFERENCE_BEFORE.search(before):
        return Role.REFERENCE
    if _NEAR_BEFORE.search(before) or _BEARING_BEFORE.search(before):
        return Role.NEAR
    return Role.AT


#: "north of Baghdad" with no distance: near it (the geocoder's "within 25 km").
_BEARING_BEFORE = re.compile(r"\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of\s+(?:the\s+)?$", re.I)


def adjective_countries(text: str) -> list[tuple[int, str]]:
    """(position, country) of country adjectives ("Iraqi targets"): the country, when nothing finer is named."""
    out = []
    for match in re.finditer(r"(?<![\w.])([A-Z][a-zé]+|U\.S\.)(?![\w])", text):
        code = COUNTRY_ADJECTIVES.get(match.group(1).casefold())
        if code:
            out.append((match.start(), code))
    return out


def composite(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mentions joined where the text joins them: "Dalil Air Base April 10, 2003 in near An
    Nasiriyah, Iraq" asks "Dalil Air Base, near An Nasiriyah"; "Hawija, Kirkuk" as one name, so the
    second is a hint for the first."""
    joined: list[Mention] = []
    for first, second in pairwise(mentions):
        if first.role not in (Role.AT, Role.NEAR) or second.role not in (Role.AT, Role.NEAR):
            continue
        gap = text[first.end : second.start]
        gap = re.sub(rf"\b{_DATEISH}\b", " ", gap)
        if not re.fullmatch(r"[\s,]*(?:(?:in|at)\s+)?(?:near|outside|in|,)?[\s,]*", gap, re.I) or len(gap) > 40:
            continue
        if second.role == Role.NEAR or re.fullmatch(r"\s*,\s*", gap):
            query = f"{first.query}, {second.query}"
        else:
            continue
        joined.append(Mention(first.start, second.end, query, query, first.role, None))
    return joined


_DATEISH = r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?|\d{4})"


def main_country(text: str) -> tuple[str | None, str]:
    """The country the report is most about: the one most named as a place ("in Iraq", "western
    Iraq" count twice; "Iraq" once; "Iraqi" a quarter), with why.

    >>> main_country("Rockets hit a base in western Iraq. Iraqi officials and U.S. envoys met in Iraq.")
    ('IQ', 'the most named as a place (Iraq, score 4.25)')
    """
    scores: Counter[str] = Counter()
    for match in re.finditer(
        rf"(?<![\w.])({_COUNTRY_WORDS}|العراق|سوريا|إيران)(?![\w])(?!['’]s)(?![-–](?:led|backed|based))", text, re.I
    ):
        name = match.group(1)
        if not name[0].isupper() and not name[0].isalpha():
            continue
        if name == name.lower() and name.isascii():
            continue
        code = COUNTRY_NAMES.get(name.casefold())
        if code is None:
            continue
        before = text[max(0, match.start() - 14) : match.start()].casefold()
        located = re.search(rf"(?:\b(?:in|across|inside|into|throughout|near|of|from|en|au|في)|{_DIRECTION}) $", before)
        scores[code] += 2 if located else 1
    for _, code in adjective_countries(text):
        scores[code] += 0.25  # type: ignore[assignment]
    if not scores:
        return None, "no country named"
    code, score = scores.most_common(1)[0]
    from conflictmap.report.vocabulary import COUNTRY_LABELS

    return code, f"the most named as a place ({COUNTRY_LABELS.get(code, code)}, score {score:g})"
