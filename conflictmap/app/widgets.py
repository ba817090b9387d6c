"""The pieces every page draws: the shared filters in the sidebar, event tables, the load
problems, the share-link button, and `plain` for any text from files, links or data."""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import pandas as pd
import streamlit as st

from conflictmap.app import loading, session
from conflictmap.app.page import navigation
from conflictmap.datasets import Loaded, problem_summary
from conflictmap.exporting import table_to_csv
from conflictmap.figures import Figures
from conflictmap.filters import Filters, date_bounds, default_window
from conflictmap.labels import short, short_labels, visible
from conflictmap.maps.playback import SPEEDS, WINDOWS, paused, period, seek_to
from conflictmap.sharelink import (
    PLAY_MODES,
    PLAY_STEPS,
    UNIT_LEVELS,
    UNIT_MEASURES,
    MapView,
    Playback,
    filters_from_params,
    params_from_filters,
    playback_within,
)

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

#: A table's height as `st.dataframe` takes it: pixels, or one of its words.
TableHeight = int | Literal["auto", "stretch", "content"]


_DATES: dict[int, tuple[weakref.ref, tuple[dt.date, dt.date], tuple[dt.date, dt.date]]] = {}


def _dates(loaded: Loaded) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """The data set's first and last dates and its default window, computed once per data set:
    a run asked for them five times, each a pass over every event (tens of ms at a million)."""
    kept = _DATES.get(id(loaded))
    if kept is None or kept[0]() is not loaded:
        key = id(loaded)
        kept = (weakref.ref(loaded, lambda _: _DATES.pop(key, None)), date_bounds(loaded.events),
                default_window(loaded.events))  # fmt: skip
        _DATES[key] = kept
    return kept[1], kept[2]


def data_dates(loaded: Loaded) -> tuple[dt.date, dt.date]:
    """`filters.date_bounds` of the loaded events (computed once per data set)."""
    return _dates(loaded)[0]


def show_link_warnings(filters: Filters) -> None:
    """What was wrong with the link this session opened, shown until the analyst changes the filters."""
    linked, warnings = st.session_state.get(session.LINK_WARNINGS, (None, []))
    if filters != linked:
        st.session_state.pop(session.LINK_WARNINGS, None)
        return
    for warning in warnings:
        st.warning(plain(warning), icon=":material/link_off:")


def embed_page() -> None:
    """Hide everything but the map: the sidebar, header and padding (for `?embed=true`)."""
    st.html(
        "<style>[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], header {display: none !important}"
        " .block-container, [data-testid=stMainBlockContainer] {padding: 0 !important; max-width: 100% !important}"
        "</style>"
    )


def share_link_button() -> None:
    """A button that copies this page's full address (with the view's parameters) to the clipboard.

    Streamlit has no clipboard call, so a few lines of fixed script (no data in them) do it.
    """
    st.html(
        """
        <button id="cm-copy-link" type="button" style="font: 14px system-ui, sans-serif; padding: 6px 12px;
                border-radius: 8px; border: 1px solid #ccc; background: #fff; cursor: pointer;">
            Copy share link</button>
        <span id="cm-copy-done" role="status" style="font: 13px system-ui, sans-serif; margin-left: 8px;"></span>
        <script>
        (function () {
            const button = document.getElementById("cm-copy-link");
            const done = document.getElementById("cm-copy-done");
            button.addEventListener("click", async () => {
                const link = window.location.href;
                try {
                    await navigator.clipboard.writeText(link);
                } catch (error) {
                    const field = document.createElement("textarea");
                    field.value = link;
                    document.body.appendChild(field);
                    field.select();
                    document.execCommand("copy");
                    field.remove();
                }
                document.body.setAttribute("data-copied-link", link);
                done.textContent = "Link copied: it opens this view.";
            });
        })();
        </script>
        """,
        unsafe_allow_javascript=True,
    )


def plain(text: object) -> str:
    """Text from files, links or data, made safe to show in Streamlit's Markdown: every Markdown
    character is escaped, so `![x](https://…)` shows as those characters and fetches nothing; bidi
    overrides and invisible characters are taken out (`labels.visible`), so a link value or a file's
    name cannot reverse the sentence it is quoted in.

    >>> print(plain("![x](http://a) **b** $c$ :red[d]"))
    \\!\\[x\\]\\(http\\://a\\) \\*\\*b\\*\\* \\$c\\$ \\:red\\[d\\]
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])", r"\\\1", visible(str(text)))


#: How event tables are shown: the analyst's words for each schema column, in reading order.
EVENT_TABLE: dict[str, str | ColumnConfig] = {
    "date_start": st.column_config.DateColumn("Start", format="YYYY-MM-DD"),
    "date_end": st.column_config.DateColumn("End", format="YYYY-MM-DD"),
    "date_precision": "Date known to",
    "event_type": "Type",
    "sub_event_type": "Sub-type",
    "actor1": "Actor 1",
    "actor2": "Actor 2",
    "fatalities": st.column_config.NumberColumn("Fatalities", help="Best estimate"),
    "fatalities_low": st.column_config.NumberColumn("Low"),
    "fatalities_high": st.column_config.NumberColumn("High"),
    "place": "Place (as reported)",
    "place_identified_as": "Identified as",
    "admin1": "Province",
    "admin2": "District",
    "country": "Country",
    "geo_precision": "Place known to",
    "located_by": "Located by",
    "matched_name": "Geocoded as",
    "latitude": st.column_config.NumberColumn("Latitude", format="%.4f"),
    "longitude": st.column_config.NumberColumn("Longitude", format="%.4f"),
    "notes": st.column_config.TextColumn("Notes", width="large"),
    "source": st.column_config.TextColumn("Source", width="medium"),
    "dataset": "Data set",
    "event_id": "Event id",
}


def event_table(events: pd.DataFrame, key: str, height: TableHeight = "auto") -> None:
    """Events as a table with readable headings, in reading order."""
    st.dataframe(
        events, hide_index=True, column_config=EVENT_TABLE, column_order=list(EVENT_TABLE), key=key, height=height
    )


#: How places tables are shown (`conflictmap.geocode.placing.PLACE_COLUMNS`): the analyst's words
#: for each column, in reading order; a column not named here comes last, under its own name.
PLACE_TABLE: dict[str, str | ColumnConfig] = {
    "place": "Place (as the source names it)",
    "identified_as": "Identified as",
    "country": "Country",
    "admin1": "Province",
    "admin2": "District",
    "events": "Events",
    "matched_name": "Matched",
    "matched_name_ar": "Matched (Arabic)",
    "geo_precision": "Precision",
    "located_by": "Located by",
    "latitude": st.column_config.NumberColumn("Latitude", format="%.4f"),
    "longitude": st.column_config.NumberColumn("Longitude", format="%.4f"),
    "reason": "Why not placed",
    "evidence": st.column_config.TextColumn("Evidence", width="large"),
    "status": "Status",
    "pcode": "P-code",
    "admin1_pcode": "Province P-code",
    "admin2_pcode": "District P-code",
    "match_source": "Source of the coordinates",
    "candidates": "Candidates (unresolved)",
}


def place_table(places: pd.DataFrame, key: str, height: TableHeight = "auto") -> None:
    """Places as a table with readable headings, in reading order."""
    order = [name for name in PLACE_TABLE if name in places.columns]
    order += [name for name in places.columns if name not in PLACE_TABLE]
    st.dataframe(places, hide_index=True, column_config=PLACE_TABLE, column_order=order, key=key, height=height)


def show_load_problems(loaded: Loaded) -> None:
    """Files that could not be read, and rows set aside, stated plainly above the page."""
    for message in loading.new_notices():
        st.warning(plain(message), icon=":material/report:")
    for problem in loaded.problems:
        st.error(f"Could not read {plain(problem)}.", icon=":material/error:")
    summary = problem_summary(loaded)
    if summary:
        st.caption(plain(summary))
    for name, rejected in loaded.rejected.items():
        with st.expander(f"{len(rejected)} row(s) of {plain(name)} were set aside", icon=":material/warning:"):
            st.dataframe(rejected, hide_index=True)
            st.download_button(
                "Download the set-aside rows (CSV)",
                table_to_csv(rejected),
                file_name=f"rejected-{name}",
                mime="text/csv",
                key=f"rejected-{name}",
            )


def _labeller(names: list[str]) -> Callable[[str], str]:
    """An option list's `format_func`: each name as `labels.short_labels` shows it."""
    shown = short_labels(names)

    def label(name: str) -> str:
        return shown.get(name) or short(name)

    return label


def sidebar_filters(loaded: Loaded, page: str) -> Filters:
    """The shared filters, as sidebar widgets keyed per page, seeded from the session's view
    (or, on a fresh session, from the link), and written back to the session and the URL."""
    bounds, window = _dates(loaded)
    default = Filters(*window)
    known = loaded.choices
    if session.VIEW not in st.session_state:
        st.session_state[session.VIEW], warnings = filters_from_params(session.link_params(), default, bounds, known)
        warnings += st.session_state.pop(session.MAP_WARNINGS, [])
        st.session_state[session.LINK_WARNINGS] = (st.session_state[session.VIEW], warnings)
    view: Filters = st.session_state[session.VIEW]
    keys = {name: f"{page}.{name}" for name in session.FILTER_WIDGETS}

    def clamp(day: dt.date) -> dt.date:
        return min(max(day, bounds[0]), bounds[1])

    seeds = {
        "dates": (clamp(view.start), clamp(view.end)),
        "types": [name for name in view.event_types if name in known["type"]],
        "actors": [name for name in view.actors if name in known["actor"]],
        "admin1": [name for name in view.admin1 if name in known["admin1"]],
    }
    for name, key in keys.items():
        if key not in st.session_state:
            st.session_state[key] = seeds[name]

    def reset() -> None:
        st.session_state[session.VIEW] = default
        for key in keys.values():
            st.session_state.pop(key, None)

    with st.sidebar:
        st.markdown("#### Filters")
        if bounds[0] < bounds[1]:
            st.slider(
                "Dates (event start)",
                min_value=bounds[0],
                max_value=bounds[1],
                format="YYYY-MM-DD",
                key=keys["dates"],
                help="Drag the ends, or focus a handle and use the arrow keys (one day a step).",
            )
        start, end = st.session_state[keys["dates"]] if bounds[0] < bounds[1] else bounds
        # A name of 5,000 characters from a file is shown cut, told apart from another alike in its
        # first characters (labels.short_labels); the filter keeps it whole.
        for name, label, key, placeholder in (
            ("type", "Event types", keys["types"], "All types"),
            ("actor", "Actors (either side)", keys["actors"], "All actors"),
            ("admin1", "Province (admin1)", keys["admin1"], "All provinces"),
        ):
            st.multiselect(label, known[name], key=key, placeholder=placeholder, format_func=_labeller(known[name]))
        st.button("Reset filters", on_click=reset, key=f"{page}.reset", icon=":material/restart_alt:")
    filters = Filters(
        start=start,
        end=end,
        event_types=tuple(st.session_state[keys["types"]]),
        actors=tuple(st.session_state[keys["actors"]]),
        admin1=tuple(st.session_state[keys["admin1"]]),
    )
    st.session_state[session.VIEW] = filters
    session.write_params(params_from_filters(filters), session.FILTER_PARAMETERS)
    navigation()  # the page links carry these filters
    show_link_warnings(filters)
    return filters


TILES_PROPOSED = "map.tiles_proposed"


def map_options(view: MapView) -> tuple[bool, bool]:
    """The Map page's own sidebar switches, seeded from the link: online tiles, heatmap."""
    # A link may propose online tiles, never switch them on: opening it must not make the
    # recipient's browser contact a tile server they did not choose (closed or watched networks).
    if "online_tiles" not in st.session_state:
        st.session_state["online_tiles"] = False
        st.session_state[TILES_PROPOSED] = view.tiles
    st.session_state.setdefault("heatmap", view.heat)

    def accept_tiles() -> None:
        st.session_state["online_tiles"] = True
        st.session_state[TILES_PROPOSED] = False

    with st.sidebar:
        st.markdown("#### Map")
        if st.session_state.get(TILES_PROPOSED) and not st.session_state["online_tiles"]:
            st.info(
                "The link you opened proposes online map tiles from openstreetmap.org. They stay off "
                "until you turn them on: your browser would then contact that server.",
                icon=":material/public:",
            )
            st.button("Turn on online tiles", key="map.accept_tiles", on_click=accept_tiles)
        online_tiles = st.toggle(
            "Online map tiles (OpenStreetMap)",
            key="online_tiles",
            help="Off by default: the map then needs no internet. On, the browser loads street-map tiles "
            "from openstreetmap.org; without internet the country outlines still show.",
        )
        heat = st.toggle(
            "Heatmap of counted cells", key="heatmap", help="Shown when there are too many events to draw one by one."
        )
    return online_tiles, heat


def unit_options(view: MapView) -> tuple[str | None, str]:
    """The Map page's choropleth: the level of its units (None: off) and what they are shaded by,
    seeded from the link. Off while time playback is on (playback draws the events)."""
    st.session_state.setdefault("map.units", view.units)
    st.session_state.setdefault("map.units_by", view.units_by)
    playing = bool(st.session_state.get(PLAYBACK, view.playback is not None))
    with st.sidebar:
        level = st.radio(
            "Admin units (choropleth)", [None, *UNIT_LEVELS], key="map.units", horizontal=True,
            format_func=lambda level: "off" if level is None else f"per {level}", disabled=playing,
            help="Colours Iraq's governorates or districts (OCHA COD-AB) by the filtered events or fatalities "
            "in each, instead of drawing the events; click a unit to list its events and see its timeline. "
            "Off while time playback is on.",
        )  # fmt: skip
        measure = st.radio(
            "Shade units by", UNIT_MEASURES, key="map.units_by", horizontal=True, disabled=playing or level is None,
            format_func=lambda measure: "events" if measure == "events" else "killed",
        )  # fmt: skip
    return (None if playing else level), measure


def view_figures(numbers: Figures, filters: Filters) -> None:
    """The view's figures above the map, and what is missing from it."""
    cols = st.columns([2, 2, 2, 3])
    cols[0].metric("Events", f"{numbers.events:,}")
    cols[1].metric("Fatalities (best estimate)", f"{numbers.fatalities:,}")
    cols[2].metric("Places", f"{numbers.places:,}")
    cols[3].metric(
        "Period",
        f"{filters.start:%Y-%m} – {filters.end:%Y-%m}",
        help=f"Events starting from {filters.start:%d %B %Y} to {filters.end:%d %B %Y}",
    )
    if numbers.not_on_map:
        st.info(
            f"{numbers.not_on_map} event(s) in this view have a place that could not be located and are "
            "not on the map; the Places page lists them.",
            icon=":material/location_off:",
        )
    if not numbers.events:
        no_events()


def no_events() -> None:
    st.info(
        "No events match these filters. Widen the date range or clear a filter in the sidebar.",
        icon=":material/filter_alt_off:",
    )


# --- time playback, on the Map page (conflictmap.maps.playback) ----------------------------------
#: Session keys: the toggle, its options ("playback.window" ...), the position, the number of the
#: app's explicit position changes, the dates last set or seen in the slider, the last pause handled.
PLAYBACK, PLAY_AT, PLAY_SEEK, PLAY_DATES, PLAY_PAUSED = (
    "playback", "playback.at", "playback.seek", "playback.dates", "playback.paused",
)  # fmt: skip


class Played(NamedTuple):
    """Playback as the sidebar set it, and the number of its explicit position changes."""

    playback: Playback
    seek: int


def checked_playback(loaded: Loaded, view: MapView) -> MapView:
    """The Map page's view with a link's playback position outside the data dropped, warned with
    the link's other values (call before `sidebar_filters`, which shows them)."""
    playback, warnings = playback_within(view.playback, data_dates(loaded))
    if not warnings:
        return view
    st.session_state[session.MAP_WARNINGS] = [*st.session_state.get(session.MAP_WARNINGS, []), *warnings]
    st.session_state[session.MAP_VIEW] = view = replace(view, playback=playback)
    return view


def _days_text(days: int) -> str:
    """7 -> "7 days (1 week)"."""
    named = {1: "1 day", 7: "7 days (1 week)", 14: "14 days (2 weeks)", 30: "30 days (about a month)",
             91: "91 days (3 months)", 182: "182 days (6 months)", 365: "365 days (1 year)"}  # fmt: skip
    return named.get(days, f"{days:,} days")


def _current_playback() -> Playback:
    """Playback as the session holds it (an option not in the session, e.g. in a callback after the
    switch was off, is its default)."""
    default = Playback()

    def option(name: str) -> Any:
        return st.session_state.get(f"playback.{name}", getattr(default, name))

    return Playback(st.session_state.get(PLAY_AT), option("window"), option("mode"), option("step"), option("speed"))


def _show_period(page: str, bounds: tuple[dt.date, dt.date]) -> None:
    """Set the sidebar's dates to the period on screen (in a callback: before the slider exists)."""
    dates = period(_current_playback(), bounds)
    st.session_state[f"{page}.dates"] = st.session_state[PLAY_DATES] = dates


def _switched(page: str, bounds: tuple[dt.date, dt.date]) -> None:
    """Playback switched on: it starts at the sidebar's first date, and the dates become its period."""
    if not st.session_state.get(PLAYBACK):
        return
    start, _ = st.session_state.get(f"{page}.dates", bounds)
    st.session_state[PLAY_AT] = start
    st.session_state[PLAY_SEEK] = st.session_state.get(PLAY_SEEK, 0) + 1
    _show_period(page, bounds)


def hand_back(loaded: Loaded, page: str, map_key: str) -> None:
    """st_folium's callback (`map_key` its key): a pause the map reported becomes the sidebar's dates."""
    reported = paused(st.session_state.get(map_key))
    if reported is None or reported == st.session_state.get(PLAY_PAUSED) or not st.session_state.get(PLAYBACK):
        return
    st.session_state[PLAY_PAUSED] = reported
    first, last = data_dates(loaded)

    def clamp(day: dt.date) -> dt.date:
        return min(max(day, first), last)

    st.session_state[PLAY_AT] = clamp(reported.at)
    st.session_state[f"{page}.dates"] = st.session_state[PLAY_DATES] = (clamp(reported.start), clamp(reported.end))


def playback_options(loaded: Loaded, view: MapView, filters: Filters, page: str) -> Played | None:
    """The sidebar's "Play through time" switch and options, seeded from the view (the link, then
    the session); None when off. While on, the sidebar's dates are the period on screen: a pause
    sets them (`hand_back`), and moving them moves playback there (`seek_to`)."""
    bounds = data_dates(loaded)
    seed = view.playback or Playback()
    state = st.session_state
    state.setdefault(PLAYBACK, view.playback is not None)
    state.setdefault(PLAY_AT, seed.at)
    state.setdefault(PLAY_SEEK, 0)
    for name in ("window", "mode", "step", "speed"):
        state.setdefault(f"playback.{name}", getattr(seed, name))
    with st.sidebar:
        st.markdown("#### Time playback")
        on = st.toggle(
            "Play through time",
            key=PLAYBACK,
            on_change=_switched,
            args=(page, bounds),
            help="Plays the filtered events through time on the map, in your browser: the control on the map "
            "plays and pauses (space), steps (arrow keys) and seeks (click its histogram). Pausing sets the "
            "dates above to the period on screen, so the other pages show it too.",
        )
        if not on:
            state.pop(PLAY_DATES, None)
            return None
        dates = (filters.start, filters.end)
        if state.get(PLAY_DATES) not in (None, dates):  # the analyst moved the dates: playback goes there
            moved = seek_to(dates, _current_playback(), bounds)
            state[PLAY_AT], state["playback.window"] = moved.at, moved.window
            state[PLAY_SEEK] += 1
        state[PLAY_DATES] = dates
        if state[PLAY_AT] is None:
            state[PLAY_AT] = filters.start
        windows = sorted({*WINDOWS, state["playback.window"]})
        speeds = sorted({*SPEEDS, state["playback.speed"]})
        st.selectbox(
            "Window", windows, key="playback.window", format_func=_days_text, on_change=_show_period,
            args=(page, bounds),
        )  # fmt: skip
        st.radio(
            "Window moves", PLAY_MODES, key="playback.mode", horizontal=True, on_change=_show_period,
            args=(page, bounds), format_func=lambda mode: "from the first day on" if mode == "cumulative" else mode,
            help="Moving: the window slides through time. Cumulative: every event from the data's first day "
            "up to the window's end.",
        )  # fmt: skip
        st.radio("Step", PLAY_STEPS, key="playback.step", horizontal=True, format_func=lambda step: f"a {step}")
        st.select_slider("Speed (steps a second)", speeds, key="playback.speed", format_func=lambda s: f"{s:g}")
    return Played(_current_playback(), state[PLAY_SEEK])
