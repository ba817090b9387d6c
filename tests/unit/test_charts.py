"""The one timeline chart: the Timeline page's and a district's own under the map draw the same bars."""

from __future__ import annotations

import pandas as pd

from conflictmap.charts import timeline_chart, unit_timeline
from conflictmap.figures import over_time, suggest_period
from conflictmap.schema import conform

COLORS = {"State-based": "#E69F00", "One-sided violence": "#0072B2", "Non-state": "#D55E00"}


def _events(dates: list[str], types: list[str]) -> pd.DataFrame:
    return conform(
        pd.DataFrame(
            {
                "event_id": [f"e{i}" for i in range(len(dates))],
                "date_start": pd.to_datetime(dates),
                "event_type": types,
                "latitude": [33.3] * len(dates),
                "longitude": [44.4] * len(dates),
                "fatalities": [2] * len(dates),
            }
        )
    )


def test_the_page_and_the_unit_timeline_encode_the_same_bars():
    events = _events(["2014-06-01", "2014-06-20", "2014-08-03"], ["State-based", "Non-state", "State-based"])
    period = suggest_period(events["date_start"].min(), events["date_start"].max())
    page = timeline_chart(over_time(events, period), COLORS, "fatalities", period, height=420).to_dict()
    unit = unit_timeline(events, COLORS, "fatalities").to_dict()
    assert page["encoding"] == unit["encoding"]
    assert page["encoding"]["y"]["title"] == f"Fatalities per {period}"
    # only the types present, in the legend's order and colours
    assert unit["encoding"]["color"]["scale"] == {
        "domain": ["State-based", "Non-state"],
        "range": ["#E69F00", "#D55E00"],
    }
    assert (page["height"], unit["height"]) == (420, 180)


def test_a_unit_timeline_over_more_than_ten_years_counts_per_year():
    events = _events(["2001-01-05", "2014-06-01"], ["State-based", "State-based"])
    chart = unit_timeline(events, COLORS, "events").to_dict()
    assert chart["encoding"]["x"]["title"] == "Year starting"
    assert chart["encoding"]["y"]["title"] == "Events per year"
