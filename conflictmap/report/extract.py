"""A report's text -> candidate events, each with the words that support it.

`extract_events(text, published, country, geocoder, known_actors)` is the one entry point, a pure
function of its arguments: the geocoder is passed in (the project's one composition,
conflictmap.geocode.compose.build_geocoder), nothing is read from disk or the network.

How a piece of text (a sentence, a photo caption, a headline; segment.py) becomes events, one
module a step:
1. triggers.py: the event words ("drone strike", "rockets", "shot", "handover", "killed") outside
   quotations; dates.py, places.py, actors.py: the date phrases, places and actors it names;
2. frames.py: words next to each other with no date or place between them name one event, so "a
   funeral in Baghdad for five militants killed a day earlier in a U.S. strike in northern Iraq" is
   two (the funeral in Baghdad; the strike in northern Iraq, which the killing belongs to); each
   date phrase, place, actor and number goes to the nearest;
3. dating.py: "a day earlier" is counted from the date the piece gives ("Dec. 4, 2023"), an undated
   event takes the piece's date;
4. placing.py: the place is the most specific one named for it, as the geocoder answers ("western
   Iraq" at region level, "near An Nasiriyah" within 25 km); a place it cannot answer is kept, unplaced;
5. classify.py: aggregates ("more than 150 times since …"), statements ("condemned the strikes"),
   background ("invaded Iraq in 2003") and general remarks are kept but marked as not events; the
   event type; casualties.py the dead and hurt; actors.py who acted; confidence.py how sure, and why;
6. merge.py: two candidates that are the same event (same type, one's dates inside the other's,
   places that agree) become one, with the finer date: "earlier this week … airstrikes" and "the U.S.
   strikes on Jan. 23" are one strike on 23 January.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from conflictmap.report.actors import find_actors, roles
from conflictmap.report.candidates import Candidate, Extraction
from conflictmap.report.casualties import INJURED, KILLED, casualties
from conflictmap.report.classify import kind_of, type_of
from conflictmap.report.confidence import confidence_of
from conflictmap.report.dates import DateAnswer, find_dates
from conflictmap.report.dating import HEADLINE_DATE, UNDATED, frame_date, piece_anchor
from conflictmap.report.frames import assign, frames_of
from conflictmap.report.merge import merge
from conflictmap.report.places import Geocoder, composite, find_places
from conflictmap.report.placing import Places
from conflictmap.report.segment import Kind, Piece, pieces
from conflictmap.report.text import check_text
from conflictmap.report.triggers import find_triggers
from conflictmap.schema import DatePrecision

#: A wire dateline opening a story: "BAGHDAD, March 3, 2023 (Reuters) -", "MOSUL, Iraq (AP) —".
WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Z'’ .-]{2,40}(?:,\s*[A-Z][A-Za-z .]{1,30})?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2}(?:,? \d{4})?)?"
    r"\s*(?:\((?:Reuters|AP|AFP|Xinhua|Anadolu|Rudaw|Kurdistan24)\))?\s*[-–—]+\s*"
)


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
    places = Places(geocoder, country)
    candidates: list[Candidate] = []
    for piece in pieces(text):
        candidates.extend(_piece_candidates(piece, published, places, known_actors))
    return Extraction(text, published, country, tuple(merge(candidates)))


def _piece_candidates(piece: Piece, published: dt.date | None, places: Places, known: Sequence[str]) -> list[Candidate]:
    body = piece.text
    found = find_triggers(body)
    if not found:
        return []
    dates = find_dates(body)
    mentions = [m for m in find_places(body) if not any(m.start < f.end and f.start < m.end for f in found)]
    filed = WIRE_DATELINE.match(body) if piece.kind != Kind.CAPTION else None
    if filed:  # "BAGHDAD, March 3 (Reuters) -": where and when the report was filed, not the event's
        dates = [d for d in dates if d.start >= filed.end()]
        mentions = [m for m in mentions if m.start >= filed.end()]
    mentions += composite(body, mentions)
    frames = frames_of(body, found, dates, mentions)
    assign(frames, dates, mentions, find_actors(body, known))
    anchor = piece_anchor(dates, published)
    out = []
    for frame in frames:
        date = frame_date(frame, anchor, published)
        if date is None and piece.kind == Kind.HEADLINE and published is not None:
            date = DateAnswer(published - dt.timedelta(days=6), published, DatePrecision.DAYS, "", HEADLINE_DATE)
        kind, why = kind_of(body, frame, date, published)
        if date is None and kind == "event" and published is not None:
            date = DateAnswer(published, published, DatePrecision.WEEK, "", UNDATED)
        placed = places.best(body, frame, mentions)
        area = body[max(0, frame.start - 90) : frame.end + 90]
        dead, low, high, dead_note = (
            casualties(area, KILLED)
            if any(re.search(KILLED, body[f.start : f.end], re.I) for f in frame.casualties)
            else (None, None, None, "")
        )
        hurt, _, _, _ = (
            casualties(area, INJURED)
            if any(re.search(INJURED, body[f.start : f.end], re.I) for f in frame.casualties)
            else (None, None, None, "")
        )
        actor1, actor2 = roles(body, frame)
        event_type, sub = type_of(body, frame, actor2)
        confidence, reasons = confidence_of(kind, why, frame, date, placed, dead, actor1)
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
