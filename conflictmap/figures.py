"""Figures about a set of events: the headline numbers and counts over time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflictmap.filters import UNKNOWN


@dataclass(frozen=True)
class Figures:
    events: int
    fatalities: int
    places: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    not_on_map: int  # events whose place could not be resolved


def place_numbers(events: pd.DataFrame) -> np.ndarray:
    """Each event's located point (to about a metre) as a number, -1 when it is not located."""
    located = (events["latitude"].notna() & events["longitude"].notna()).to_numpy()
    lat = np.round(events["latitude"].to_numpy(dtype=float, na_value=0.0) * 1e5).astype(np.int64)
    lon = np.round(events["longitude"].to_numpy(dtype=float, na_value=0.0) * 1e5).astype(np.int64)
    numbers, _ = pd.factorize(lat * 100_000_000 + lon)
    return np.where(located, numbers, -1)


def figures(events: pd.DataFrame, places: np.ndarray | None = None) -> Figures:
    """The view's figures. `places`: the events' `place_numbers`, when at hand (cut from a data
    set's, computed once): counting distinct numbers is much cheaper than hashing every point."""
    if places is None:
        places = place_numbers(events)
    located = places >= 0
    return Figures(
        events=len(events),
        fatalities=int(events["fatalities"].fillna(0).sum()),
        places=int(np.count_nonzero(np.bincount(places[located]))) if located.any() else 0,
        first=events["date_start"].min() if len(events) else None,
        last=events["date_start"].max() if len(events) else None,
        not_on_map=int((~located).sum()),
    )


#: Period names offered on the Timeline page -> pandas period codes.
PERIODS = {"week": "W", "month": "M", "year": "Y"}


def over_time(events: pd.DataFrame, period: str) -> pd.DataFrame:
    """Events and fatalities per period and event type.

    Columns: period_start (timestamp), event_type, events, fatalities. Periods with no events
    are absent (a chart shows them as gaps).
    """
    code = PERIODS[period]
    if events.empty:
        return pd.DataFrame(
            {
                "period_start": pd.Series(dtype="datetime64[ns]"),
                "event_type": pd.Series(dtype="string"),
                "events": pd.Series(dtype="int64"),
                "fatalities": pd.Series(dtype="int64"),
            }
        )
    periods = events["date_start"].dt.to_period(code).dt.start_time
    table = (
        events.assign(
            period_start=periods,
            fatalities=events["fatalities"].fillna(0).astype("int64"),
            event_type=events["event_type"].fillna(UNKNOWN),  # counted, as the filters offer them
        )
        .groupby(["period_start", "event_type"], observed=True)
        .agg(events=("event_id", "size"), fatalities=("fatalities", "sum"))
        .reset_index()
    )
    return table


def suggest_period(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    """Weeks for up to a year and a half, months up to 15 years, years beyond."""
    if first is None or last is None:
        return "month"
    days = (last - first).days
    return "week" if days <= 550 else "month" if days <= 15 * 366 else "year"
