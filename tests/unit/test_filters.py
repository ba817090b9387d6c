import datetime as dt

import pandas as pd
import pytest

from conflictmap.figures import figures, over_time, suggest_period
from conflictmap.filters import (
    UNKNOWN,
    Filters,
    apply_filters,
    at_point,
    choices,
    date_bounds,
    default_window,
    in_bounds,
    window,
)


def test_window_by_binary_search_equals_a_mask(loaded):
    events = loaded.events
    for start, end in [
        (dt.date(2014, 6, 1), dt.date(2014, 6, 30)),
        (dt.date(1989, 1, 1), dt.date(2024, 1, 23)),
        (dt.date(2019, 1, 1), dt.date(2023, 12, 2)),
        (dt.date(2024, 1, 4), dt.date(2024, 1, 4)),
    ]:
        mask = (events["date_start"] >= pd.Timestamp(start)) & (
            events["date_start"] < pd.Timestamp(end) + pd.Timedelta(days=1)
        )
        assert window(events, start, end)["event_id"].tolist() == events.loc[mask, "event_id"].tolist()


def test_the_window_includes_both_end_days(loaded):
    day = window(loaded.events, dt.date(2024, 1, 4), dt.date(2024, 1, 4))
    assert day["event_id"].tolist() == ["report:2024-01-04-baghdad"]


def test_filters_by_type_actor_and_province(loaded):
    everything = Filters(*date_bounds(loaded.events))
    strikes = apply_filters(
        loaded.events, Filters(everything.start, everything.end, event_types=("Explosions/Remote violence",))
    )
    assert len(strikes) == 5
    nujaba = apply_filters(loaded.events, Filters(everything.start, everything.end, actors=("Harakat al-Nujaba",)))
    assert nujaba["event_id"].tolist() == ["report:2024-01-04-baghdad"]
    # an actor matches on either side
    is_either = apply_filters(loaded.events, Filters(everything.start, everything.end, actors=("IS",)))
    assert len(is_either) == ((loaded.events["actor1"] == "IS") | (loaded.events["actor2"] == "IS")).sum()
    anbar = apply_filters(loaded.events, Filters(everything.start, everything.end, admin1=("Al Anbār province",)))
    assert (anbar["admin1"] == "Al Anbār province").all() and len(anbar) == 1153 + 2  # UCDP + Ramadi, Al-Asad
    combined = apply_filters(
        loaded.events,
        Filters(dt.date(2014, 1, 1), dt.date(2014, 12, 31), ("One-sided violence",), ("IS",), ("Nīnawá province",)),
    )
    assert len(combined) > 0
    assert (combined["event_type"] == "One-sided violence").all() and (combined["admin1"] == "Nīnawá province").all()
    assert combined["date_start"].dt.year.eq(2014).all()


def test_missing_values_are_a_choice(loaded):
    provinces = choices(loaded.events, "admin1")
    assert provinces[-1] == UNKNOWN and provinces[0] == "Nīnawá province"
    unknown = apply_filters(loaded.events, Filters(*date_bounds(loaded.events), admin1=(UNKNOWN,)))
    assert unknown["admin1"].isna().all() and len(unknown) == loaded.events["admin1"].isna().sum()


def test_default_window_is_recent_and_holds_enough_events(loaded):
    start, end = default_window(loaded.events)
    assert end == dt.date(2024, 1, 23)
    assert (end - start).days >= 364
    assert len(window(loaded.events, start, end)) >= 1000
    small = loaded.events.tail(20)
    assert default_window(small, min_events=5)[1] == end


def test_figures_and_counts_over_time(loaded):
    june = window(loaded.events, dt.date(2014, 6, 1), dt.date(2014, 6, 30))
    numbers = figures(june)
    assert numbers.events == len(june) and numbers.fatalities == int(june["fatalities"].sum())
    table = over_time(june, "week")
    assert table["events"].sum() == len(june) and table["fatalities"].sum() == numbers.fatalities
    assert set(table["event_type"]) == set(june["event_type"])
    assert over_time(june.iloc[0:0], "month").empty


@pytest.mark.parametrize(("days", "period"), [(30, "week"), (400, "week"), (3000, "month"), (12000, "year")])
def test_suggested_period(days, period):
    first = pd.Timestamp("2000-01-01")
    assert suggest_period(first, first + pd.Timedelta(days=days)) == period


def test_a_point_resolves_to_every_event_there(loaded):
    baghdad = at_point(loaded.events, 33.340582, 44.400876)  # UCDP's "Baghdād city"
    assert len(baghdad) > 1000
    assert set(baghdad["place"]) >= {"Baghdād city"}
    assert at_point(loaded.events, 0.0, 0.0).empty
    # a marker fanned out from a crowded point reports where it was drawn, a few metres away
    fanned = at_point(loaded.events, 33.340582 + 0.0003, 44.400876 - 0.0002)
    assert len(fanned) == len(baghdad)


def test_events_in_the_map_view(loaded):
    bounds = {"_southWest": {"lat": 33.0, "lng": 44.0}, "_northEast": {"lat": 34.0, "lng": 45.0}}
    inside = in_bounds(loaded.events, bounds, pad=0)
    assert inside["latitude"].between(33, 34).all() and inside["longitude"].between(44, 45).all()
    assert len(in_bounds(loaded.events, bounds, pad=0.5)) > len(inside)
    # before the map is laid out, streamlit-folium reports bounds of None
    unknown = {"_southWest": {"lat": None, "lng": None}, "_northEast": {"lat": None, "lng": None}}
    assert len(in_bounds(loaded.events, unknown)) == len(loaded.events)


def test_events_without_a_type_are_counted_over_time(loaded):
    events = loaded.events.tail(3).copy()
    events["event_type"] = pd.array([None, None, "Air strike"], dtype="string")
    table = over_time(events, "year")
    assert table["events"].sum() == 3 and UNKNOWN in set(table["event_type"])


def test_a_window_the_analyst_set_survives_an_added_file():
    """F20c: only a default window moves to the new data's default; a set one is kept (cut to the new
    data's dates), and dropped only when it holds none of them (a file replacing the data)."""
    from conflictmap.filters import kept_after_adding

    d = dt.date
    old_default, bounds = (d(2017, 1, 1), d(2018, 12, 31)), (d(1989, 1, 1), d(2024, 1, 23))
    default = (d(2023, 1, 24), d(2024, 1, 23))
    assert kept_after_adding(None, old_default, bounds, default) is None
    assert kept_after_adding(Filters(*old_default), old_default, bounds, default) is None
    kept = kept_after_adding(Filters(d(1980, 1, 1), d(2014, 6, 30), actors=("IS",)), old_default, bounds, default)
    assert kept == Filters(d(1989, 1, 1), d(2014, 6, 30), actors=("IS",))
    assert kept_after_adding(Filters(d(2014, 6, 1), d(2014, 6, 30)), old_default, (d(2024, 1, 1), d(2024, 1, 23)),
                             (d(2024, 1, 1), d(2024, 1, 23))) is None  # fmt: skip
