"""The event words of a piece of text ("drone strike", "rockets", "killed"), outside quotations;
where two overlap, the longer, then the more specific, wins."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from conflictmap.report.segment import quoted
from conflictmap.report.vocabulary import ARABIC_TRIGGERS, TRIGGERS, Trigger, word_starts


@dataclass(frozen=True)
class Found:
    """A trigger's match in a piece."""

    start: int
    end: int
    trigger: Trigger


_ARABIC = re.compile(r"[\u0600-\u06ff]")


def find_triggers(text: str) -> list[Found]:
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
