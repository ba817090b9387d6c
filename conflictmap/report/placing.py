"""Each frame's place: the most specific the geocoder answers among the places named for it ("western
Iraq" at region level, "near An Nasiriyah" within 25 km), else the country its adjectives name; a
place the geocoder cannot answer is kept, unplaced. Each name is asked once while the geocoder lives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictmap.report.frames import Frame, gap
from conflictmap.report.places import SPECIFICITY, Geocoder, Mention, PlaceAnswer, Role, adjective_countries
from conflictmap.report.vocabulary import COUNTRY_LABELS


@dataclass(frozen=True)
class Placed:
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


class Places:
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

    def best(self, text: str, frame: Frame, everything: list[Mention]) -> Placed:
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
                            gap(mention.start, mention.end, frame.start, frame.end),
                            mention,
                            answer,
                        )
                    )
                elif mention.role in (Role.AT, Role.NEAR) and _locative(text, mention):
                    unplaced.append((gap(mention.start, mention.end, frame.start, frame.end), mention, answer))
            if answered:
                _, _, _, mention, answer = min(answered, key=lambda item: item[:3])
                return Placed(mention, answer)
            if unplaced:
                _, mention, answer = min(unplaced, key=lambda item: item[0])
                return Placed(mention, answer)
        adjectives = [(abs(position - frame.start), code) for position, code in adjective_countries(text)]
        if adjectives:
            _, code = min(adjectives)
            if code not in ("US", "GB", "FR", "RU") or code == self.country:
                mention = Mention(
                    0, 0, COUNTRY_LABELS.get(code, code), COUNTRY_LABELS.get(code, code), Role.COUNTRY, code
                )
                return Placed(mention, self.ask(mention))
        return Placed(None, None)


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
