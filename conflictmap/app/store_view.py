"""The pages over an event store (`CONFLICTMAP_STORE`, see `conflictmap.store`): each question goes
to the store and only its answer comes back, so a session's memory does not grow with the store.

Answers are cached per server process, keyed by the store's version (an import raises it, so the
next question is asked anew). When the store cannot be reached the page says so and shows the last
answer it had, marked stale; when the store is slow the caption says how long it took.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from conflictmap.app import loading, mapframe, session, widgets
from conflictmap.datasets import Loaded
from conflictmap.figures import Figures
from conflictmap.filters import Filters
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.cells import nearest_cell
from conflictmap.maps.layers import POINT_LIMIT
from conflictmap.maps.state import view_after
from conflictmap.schema import LayerMode
from conflictmap.settings import store_url
from conflictmap.store import EventStore, MapInput, StoreError
from conflictmap.store.engines import describe, open_store
from conflictmap.store.layer import map_layer

#: A store slower than this (all of a page's questions) is named in the caption, with its time.
SLOW_MS = 1000.0
#: Events listed under the map for a clicked cell, at most.
LISTED_LIMIT = 500
_LAST = "store.last"  # session key: the last good answer per question, shown stale on a failure
_TIMES = "store.ms"  # session key: this run's question times


def configured() -> str | None:
    """The store's URL when CONFLICTMAP_STORE is set (then the pages ask the store)."""
    return store_url()


@st.cache_resource(show_spinner=False)
def _store(url: str) -> EventStore:
    return open_store(url)


@st.cache_data(show_spinner=False, max_entries=512)
def _answer(url: str, version: str, question: str, args: tuple) -> Any:
    """One question's answer, cached per store version (the version is part of the key)."""
    store = _store(url)
    ask: Callable[..., Any] = getattr(store, question)
    if question == "map_input" and args[1] is not None:  # bounds, made hashable for the cache
        south, west, north, east = args[1]
        bounds = {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}
        return ask(args[0], bounds)
    return ask(*args)


def ask(question: str, *args: Any) -> Any:
    """The store's answer to `question` (a method of EventStore) with `args`; on a failure, the last
    good answer to that question, with a warning that it is stale; the page stops when there is none."""
    url = configured()
    assert url is not None
    started = time.perf_counter()
    try:
        store = _store(url)
        value = _answer(url, store.version(), question, args)
    except StoreError as error:
        last = st.session_state.get(_LAST, {}).get(question)
        if last is None:
            st.error(f"{error}. Nothing to show until it answers again.", icon=":material/cloud_off:")
            st.stop()
        at, value = last
        st.warning(
            f"{error}. Showing the last answer, from {at:%H:%M:%S} UTC: it may be out of date.",
            icon=":material/cloud_off:",
        )
        return value
    st.session_state.setdefault(_TIMES, []).append((question, (time.perf_counter() - started) * 1000))
    st.session_state.setdefault(_LAST, {})[question] = (dt.datetime.now(dt.UTC), value)
    return value


def slow_caption() -> None:
    """Say which store answered, and how long it took this run when it was slow."""
    times = st.session_state.pop(_TIMES, [])
    total = sum(ms for _, ms in times)
    said = f"Answered by the event store {describe(configured() or '')}"
    st.caption(said + (f" in {total / 1000:,.1f} s." if total > SLOW_MS else "."))


def digest() -> Loaded:
    """What the shared widgets read from the data, from the store: the filters' choices, and the
    first and the latest 1,000 events (for the date bounds, the first window and the map's view)."""
    first, last = ask("date_bounds")
    everything = Filters(first, last)
    earliest = ask("table_page", everything, "date_start", False, 0, 1).rows
    latest = ask("table_page", everything, "date_start", True, 0, 1000).rows
    events = pd.concat([earliest, latest], ignore_index=True).drop_duplicates("event_id")
    events = events.sort_values("date_start", kind="stable").reset_index(drop=True)
    return Loaded(events=events, places=pd.DataFrame(), problems=(), rejected={}, read={}, choices=ask("choices"))


#: Rows of the Events page's table fetched from a store (searched and downloaded as shown).
TABLE_ROWS = 10_000


def table_rows(filters: Filters) -> pd.DataFrame:
    """The Events page's rows from the store: the latest TABLE_ROWS events of the view, with a note
    when the view holds more."""
    page = ask("table_page", filters, "date_start", True, 0, TABLE_ROWS)
    if page.total > len(page.rows):
        st.info(
            f"The view holds {page.total:,} events; the table shows the latest {len(page.rows):,} "
            "(narrow the dates or filters to see the others; `python -m conflictmap export` writes them all).",
            icon=":material/table_rows:",
        )
    slow_caption()
    rows: pd.DataFrame = page.rows.sort_values("date_start", kind="stable").reset_index(drop=True)
    return rows


def _bounds_key(bounds: dict | None) -> tuple[float, float, float, float] | None:
    if not bounds:
        return None
    corners = (bounds["_southWest"]["lat"], bounds["_southWest"]["lng"], bounds["_northEast"]["lat"])
    values = (*corners, bounds["_northEast"]["lng"])
    return None if None in values else tuple(float(v) for v in values)  # type: ignore[return-value]


def map_page() -> None:
    """The Map page over the store: figures, the events layer (points or cells counted in the
    engine), the events at a clicked point or cell."""
    loaded = digest()
    view = session.map_view(loaded)
    if view.embed:
        widgets.embed_page()
    filters = widgets.sidebar_filters(loaded, page="map")
    online_tiles, heat = widgets.map_options(view)
    numbers: Figures = ask("figures", filters)
    if not view.embed:
        st.title("Conflict events")
        widgets.view_figures(numbers, filters)
    follow_view = numbers.events - numbers.not_on_map > POINT_LIMIT
    bounds = st.session_state.get("map.bounds") if follow_view else None
    answer: MapInput = ask("map_input", filters, _bounds_key(bounds))
    colors = type_colors(loaded.choices["type"])
    layer = map_layer(answer, colors, heat=heat)
    reply = mapframe.map_frame(
        base_map(loaded.events, colors, loading.assets(), online_tiles=online_tiles),
        layer.group,
        view,
        follow_view=follow_view,
    )
    spot = (reply or {}).get("last_object_clicked")
    session.set_map_view(view_after(view, reply, tiles=online_tiles, heat=heat, event=None))
    if follow_view and reply and reply.get("bounds") and reply["bounds"] != bounds:
        st.session_state["map.bounds"] = reply["bounds"]
        st.rerun()
    if view.embed:
        return
    st.caption(answer.plan.reason + (" Only the events in and around the current view are drawn." if bounds else ""))
    slow_caption()
    widgets.share_link_button()
    st.subheader("Selected place")
    if not spot:
        st.caption("Click a point on the map to list every event at that place here.")
        return
    if answer.plan.mode == LayerMode.CELLS and layer.cell_size:
        cell = nearest_cell(layer.cells, spot["lat"], spot["lng"])
        here = (
            ask("in_cell", filters, float(cell["latitude"]), float(cell["longitude"]), layer.cell_size)
            if cell is not None
            else pd.DataFrame()
        )
        st.caption(f"{len(here):,} event(s) in the {layer.cell_size}° cell around {spot['lat']:.4f}, {spot['lng']:.4f}")
        here = here.head(LISTED_LIMIT)
    else:
        here = ask("at_point", filters, float(spot["lat"]), float(spot["lng"]))
        st.caption(f"{len(here)} event(s) in this view at {spot['lat']:.4f}, {spot['lng']:.4f}")
    if len(here):
        widgets.event_table(here, key="selected_events")
