"""Charts of events over time (Altair), one builder for the Timeline page and a unit's own timeline
under the map: bars of events or fatalities per period, stacked by event type in the map's colours."""

from __future__ import annotations

import altair as alt
import pandas as pd

from conflictmap.figures import over_time, suggest_period

#: The two measures a timeline shows, with their name on the axis.
MEASURES = {"events": "Events", "fatalities": "Fatalities"}


def timeline_chart(table: pd.DataFrame, colors: dict[str, str], measure: str, period: str, height: int) -> alt.Chart:
    """`measure` ("events" or "fatalities") per `period` from a `figures.over_time` table, stacked by
    event type in `colors` (the types present, in the legend's order)."""
    present = [name for name in colors if name in set(table["event_type"])]
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("period_start:T", title=f"{period.capitalize()} starting"),
            y=alt.Y(f"{measure}:Q", title=f"{MEASURES[measure]} per {period}", stack=True),
            color=alt.Color(
                "event_type:N", title="Event type", scale=alt.Scale(domain=present, range=[colors[n] for n in present])
            ),
            tooltip=[
                alt.Tooltip("period_start:T", title=period.capitalize()),
                alt.Tooltip("event_type:N", title="Type"),
                alt.Tooltip("events:Q", title="Events"),
                alt.Tooltip("fatalities:Q", title="Fatalities"),
            ],
        )
        .properties(height=height)
    )


def unit_timeline(events: pd.DataFrame, colors: dict[str, str], measure: str) -> alt.Chart:
    """An admin unit's own small timeline (the choropleth's click): `measure` per month, or per
    year beyond ten years."""
    first, last = events["date_start"].min(), events["date_start"].max()
    period = "year" if len(events) and (last - first).days > 3650 else suggest_period(first, last)
    return timeline_chart(over_time(events, period), colors, measure, period, height=180)
