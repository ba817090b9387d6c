"""Free-text search over events."""

from __future__ import annotations

import pandas as pd

SEARCHED = (
    "event_id",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "place",
    "place_identified_as",
    "admin1",
    "admin2",
    "country",
    "notes",
    "source",
    "dataset",
)


def search_events(events: pd.DataFrame, text: str) -> pd.DataFrame:
    """Events in which every word of `text` appears in some text column (case-insensitive).

    `search_events(events, "baghdad drone")` keeps events mentioning both words.
    """
    words = text.casefold().split()
    if not words:
        return events
    haystack = events[list(SEARCHED)].fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
    keep = pd.Series(True, index=events.index)
    for word in words:
        keep &= haystack.str.contains(word, regex=False)
    return events[keep]
