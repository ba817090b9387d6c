"""The view's filters: a date window, event types, actors and provinces (admin1).

Events are kept sorted by `date_start`, so a date window is two binary searches, not a scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

UNKNOWN = "(not stated)"  # how a missing admin1 or actor is offered as a choice


@dataclass(frozen=True)
class Filters:
    """What the analyst is looking at. Empty choices mean "all"."""

    start: dt.date
    end: dt.date
    event_types: tuple[str, ...] = field(default=())
    actors: tuple[str, ...] = field(default=())
    admin1: tuple[str, ...] = field(default=())


def date_bounds(events: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First and last start date in the data; today for an empty table."""
    if events.empty:
        today = dt.date.today()
        return today, today
    return events["date_start"].min().date(), events["date_start"].max().date()


def default_window(events: pd.DataFrame, min_days: int = 365, min_events: int = 1000) -> tuple[dt.date, dt.date]:
    """A sensible first view: the most recent stretch of the data that spans at least
    `min_days` and holds at least `min_events` events (or everything, if there are fewer).

    A fixed "last year" would show only a handful of events in a data set whose dense years
    lie further back; a fixed "everything" hides what is recent.
    """
    first, last = date_bounds(events)
    if events.empty:
        return first, last
    by_days = pd.Timestamp(last) - pd.Timedelta(days=min_days - 1)
    starts = events["date_start"]
    if not starts.is_monotonic_increasing:  # a loaded data set is sorted: no need to sort a million dates
        starts = starts.sort_values()
    by_count = starts.iloc[max(len(starts) - min_events, 0)]
    start = max(min(by_days, by_count), pd.Timestamp(first))
    return start.date(), last


def kept_after_adding(
    view: Filters | None,
    old_default: tuple[dt.date, dt.date],
    bounds: tuple[dt.date, dt.date],
    default: tuple[dt.date, dt.date],
) -> Filters | None:
    """The filters to keep when a file joins the data (`bounds`, `default`: the new data's dates and
    `default_window`): a window the analyst set (not `old_default`) stays, cut to the new data's
    dates; the old default becomes the new one. None: start afresh (nothing set, or the set window
    holds none of the new data's dates, as when a file replaces the data). Choices are kept (the
    sidebar drops those the new data lacks).

    >>> d = dt.date
    >>> kept_after_adding(Filters(d(2014, 6, 1), d(2014, 6, 30)), (d(2017, 1, 1), d(2018, 12, 31)),
    ...                   (d(1989, 1, 1), d(2024, 1, 23)), (d(2023, 1, 24), d(2024, 1, 23))).start
    datetime.date(2014, 6, 1)
    >>> kept_after_adding(Filters(d(2017, 1, 1), d(2018, 12, 31), ("IS",)), (d(2017, 1, 1), d(2018, 12, 31)),
    ...                   (d(1989, 1, 1), d(2024, 1, 23)), (d(2023, 1, 24), d(2024, 1, 23)))
    Filters(start=datetime.date(2023, 1, 24), end=datetime.date(2024, 1, 23), event_types=('IS',), actors=(), admin1=())
    """
    if view is None:
        return None
    if (view.start, view.end) == old_default:
        start, end = default
    else:
        start, end = max(view.start, bounds[0]), min(view.end, bounds[1])
        if start > end:
            return None
    if (start, end) == default and not (view.event_types or view.actors or view.admin1):
        return None
    return replace(view, start=start, end=end)


def window(events: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Events starting within [start, end] (whole days). `events` must be sorted by date_start."""
    dates = events["date_start"].to_numpy()
    low = np.searchsorted(dates, np.datetime64(pd.Timestamp(start)), side="left")
    high = np.searchsorted(dates, np.datetime64(pd.Timestamp(end) + pd.Timedelta(days=1)), side="left")
    return events.iloc[low:high]


def choices(events: pd.DataFrame, column: str) -> list[str]:
    """Distinct values of a text column, most frequent first, missing as UNKNOWN at the end."""
    counts = events[column].fillna(UNKNOWN).value_counts()
    names = [name for name in counts.index if name != UNKNOWN]
    return names + ([UNKNOWN] if UNKNOWN in counts.index else [])


def actor_choices(events: pd.DataFrame) -> list[str]:
    both = pd.concat([events["actor1"], events["actor2"]], ignore_index=True).dropna()
    return list(both.value_counts().index)


def filter_choices(events: pd.DataFrame) -> dict[str, list[str]]:
    """The choices the filters offer, by URL parameter name; computed once per data set."""
    return {"type": choices(events, "event_type"), "actor": actor_choices(events), "admin1": choices(events, "admin1")}


def _is_in(values: pd.Series, chosen: tuple[str, ...]) -> pd.Series:
    return values.fillna(UNKNOWN).isin(chosen)


def apply_filters(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The events the view shows, still sorted by date."""
    shown = window(events, filters.start, filters.end)
    if filters.event_types:
        shown = shown[_is_in(shown["event_type"], filters.event_types)]
    if filters.actors:
        shown = shown[_is_in(shown["actor1"], filters.actors) | _is_in(shown["actor2"], filters.actors)]
    if filters.admin1:
        shown = shown[_is_in(shown["admin1"], filters.admin1)]
    return shown


def at_point(events: pd.DataFrame, latitude: float, longitude: float, within: float = 0.002) -> pd.DataFrame:
    """All events at the located point nearest to a click, if one lies within `within` degrees.

    A click resolves to every event at that point, never a guessed single row. The nearest point
    is searched because a marker fanned out from a crowded point (Leaflet's "spiderfy") reports
    where it was drawn, a few metres from its place.
    """
    located = events[events["latitude"].notna() & events["longitude"].notna()]
    if located.empty:
        return located
    lat, lon = located["latitude"].to_numpy(dtype=float), located["longitude"].to_numpy(dtype=float)
    distance = np.hypot(lat - latitude, lon - longitude)
    nearest = int(np.argmin(distance))
    if distance[nearest] > within:
        return located.iloc[0:0]
    return located[(lat == lat[nearest]) & (lon == lon[nearest])]


def inside_bounds(events: pd.DataFrame, bounds: Mapping | None, pad: float = 0.1) -> np.ndarray:
    """Which events lie inside the map's visible bounds (as streamlit-folium returns them), padded
    by a share of the view on each side so that a small pan does not empty the edges; every event
    when there are no bounds yet (None, or the map not laid out)."""
    south_west, north_east = (bounds or {}).get("_southWest") or {}, (bounds or {}).get("_northEast") or {}
    south, west = south_west.get("lat"), south_west.get("lng")
    north, east = north_east.get("lat"), north_east.get("lng")
    if south is None or west is None or north is None or east is None:
        return np.ones(len(events), dtype=bool)
    dlat, dlon = (north - south) * pad, (east - west) * pad
    lat, lon = events["latitude"].to_numpy(dtype=float), events["longitude"].to_numpy(dtype=float)
    return (lat >= south - dlat) & (lat <= north + dlat) & (lon >= west - dlon) & (lon <= east + dlon)


def in_bounds(events: pd.DataFrame, bounds: Mapping, pad: float = 0.1) -> pd.DataFrame:
    """The events `inside_bounds`: the frame itself when the view holds them all, else its rows by
    position (at a million events several times faster than a boolean mask over the frame's two
    dozen columns)."""
    inside = inside_bounds(events, bounds, pad)
    return events if inside.all() else events.iloc[np.flatnonzero(inside)]
