"""What extraction yields: a candidate event with everything that supports it, and a report's
extraction (its text as read, the date and country used, its candidates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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
