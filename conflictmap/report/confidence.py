"""A candidate's confidence, with the reasons for it: how specific its event words, date and place
are, whether it names who acted and the dead."""

from __future__ import annotations

from conflictmap.report.dates import DateAnswer
from conflictmap.report.dating import HEADLINE_DATE, UNDATED
from conflictmap.report.frames import Frame
from conflictmap.report.places import SPECIFICITY
from conflictmap.report.placing import Placed
from conflictmap.schema import DatePrecision


def confidence_of(
    kind: str, why: str, frame: Frame, date: DateAnswer | None, placed: Placed, fatalities: int | None, actor1: str
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
