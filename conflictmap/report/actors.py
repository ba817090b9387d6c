"""The actors a piece names, as the data names them where it knows them ("Harakat al-Nujaba",
"U.S. forces" as "Government of United States of America"), and which acted and which was acted on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from conflictmap.report.casualties import NUMBER
from conflictmap.report.frames import Frame
from conflictmap.report.vocabulary import ACTOR_ALIASES, CIVILIAN_WORDS, COUNTRY_ADJECTIVES


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


def find_actors(text: str, known: Sequence[str]) -> list[tuple[int, int, str]]:
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


def roles(text: str, frame: Frame) -> tuple[str, str]:
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
        elif re.search(rf"\b{NUMBER}\s+(?:[\w.-]+\s+){{0,2}}$", before, re.I) or re.search(
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
