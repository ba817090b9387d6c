"""One event told twice becomes one candidate: same type, one's dates inside the other's, places
that agree ("earlier this week … airstrikes" and "the U.S. strikes on Jan. 23" are one strike on 23
January, with the finer date)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from conflictmap.report.candidates import Candidate
from conflictmap.report.places import SPECIFICITY
from conflictmap.report.segment import Kind
from conflictmap.schema import GeoPrecision


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

    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(h))


#: A candidate's date and place: each taken whole from the one that knows it better.
DATE_FIELDS = ("date_start", "date_end", "date_precision", "date_phrase")
PLACE_FIELDS = (
    "place", "place_query", "country", "latitude", "longitude", "geo_precision", "matched_name", "admin1", "located_by",
)  # fmt: skip


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
        **{name: getattr(finer_date, name) for name in DATE_FIELDS},
        **{name: getattr(finer_place, name) for name in PLACE_FIELDS},
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


def merge(candidates: list[Candidate]) -> list[Candidate]:
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
