"""A piece's event words grouped into frames, one an event: words next to each other with no date
or place between them name one event; each date, place, actor and casualty count goes to the
nearest frame ("a funeral in Baghdad for five militants killed a day earlier in a U.S. strike in
northern Iraq" is two frames: the funeral; the strike, which the killing belongs to)."""

from __future__ import annotations

from dataclasses import dataclass, field

from conflictmap.report.dates import DatePhrase
from conflictmap.report.places import Mention, Role
from conflictmap.report.triggers import Found


@dataclass
class Frame:
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


def frames_of(text: str, found: list[Found], dates: list[DatePhrase], places: list[Mention]) -> list[Frame]:
    primaries = [f for f in found if not f.trigger.casualty]
    casualties = [f for f in found if f.trigger.casualty]
    marks = sorted([(d.start, d.end) for d in dates] + [(m.start, m.end) for m in places if m.role != Role.REFERENCE])

    def separated(first: Found, second: Found) -> bool:
        if second.start - first.end > 80:
            return True
        return any(first.end <= a and b <= second.start for a, b in marks)

    frames: list[Frame] = []
    for item in primaries or casualties:
        if frames and not separated(frames[-1].triggers[-1], item):
            frames[-1].triggers.append(item)
        else:
            frames.append(Frame([item]))
    if primaries:
        violent = [frame for frame in frames if any(f.trigger.violent for f in frame.triggers)]
        for item in casualties:
            if violent:
                nearest = min(violent, key=lambda frame: gap(item.start, item.end, frame.start, frame.end))
                nearest.casualties.append(item)
            else:
                frames.append(Frame([], [item]))
                violent = [frames[-1]]
    return frames


def gap(start: int, end: int, frame_start: int, frame_end: int) -> float:
    """How far a stretch of text is from a frame; a stretch after it counts a little nearer
    ("a strike in northern Iraq")."""
    if end <= frame_start:
        return frame_start - end
    if start >= frame_end:
        return 0.7 * (start - frame_end)
    return 0.0


def nearest(frames: list[Frame], start: int, end: int) -> Frame:
    return min(frames, key=lambda frame: gap(start, end, frame.start, frame.end))


def assign(
    frames: list[Frame], dates: list[DatePhrase], places: list[Mention], actors: list[tuple[int, int, str]]
) -> None:
    """Each date, place and actor to the frame nearest it."""
    for phrase in dates:
        nearest(frames, phrase.start, phrase.end).dates.append(phrase)
    for mention in places:
        nearest(frames, mention.start, mention.end).places.append(mention)
    for actor in actors:
        nearest(frames, actor[0], actor[1]).actors.append(actor)
