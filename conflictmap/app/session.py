"""What belongs to one browser session: the working set an analyst made on the Data page (no
other user sees it), the view (filters and map) shared by all pages, and the address that keeps
it as a share link."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import pandas as pd
import streamlit as st

from conflictmap.app.loading import geocoder, shared_data
from conflictmap.datasets import AddedFile, Loaded, add_file, replay
from conflictmap.filters import date_bounds, default_window, kept_after_adding
from conflictmap.sharelink import (
    FILTER_PARAMETERS,
    MAP_PARAMETERS,
    MapView,
    map_view_from_params,
    params_from_filters,
    params_from_map_view,
)

VIEW = "conflictmap.view"  # session key of the current Filters, shared by all pages
WORKING = "conflictmap.working"
ADDED = "conflictmap.added"  # the files added, to place them again when the overrides change
LINK_WARNINGS = "conflictmap.link_warnings"
MAP_VIEW = "conflictmap.map_view"
MAP_WARNINGS = "conflictmap.map_link_warnings"
EMBED = ("embed", "embed_options")
#: The page the session ran last; whether the Map page was entered since its map last mounted (a
#: reload, a link, Back, a page link: `map_start` takes it); this run's sidebar navigation.
LAST_PAGE, MAP_ENTERED, NAVIGATION = "conflictmap.page", "conflictmap.map_entered", "conflictmap.navigation"
FILTER_WIDGETS = ("dates", "types", "actors", "admin1")  # page-unique keys: "<page>.<widget>"


def link_params() -> dict[str, list[str]]:
    """The address's parameters, each with all its values."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def page_params(path: str) -> dict[str, str | list[str]]:
    """The parameters a page link carries: the view's filters (the session's, else the address's),
    and for the Map page (`dashboard.py`) its own view too."""
    filters = st.session_state.get(VIEW)
    address = link_params()
    params: dict[str, str | list[str]] = (
        dict(params_from_filters(filters)) if filters is not None
        else {name: values for name, values in address.items() if name in FILTER_PARAMETERS}
    )  # fmt: skip
    if path == "dashboard.py":
        view = st.session_state.get(MAP_VIEW)
        params.update(params_from_map_view(view) if view is not None else
                      {name: values for name, values in address.items() if name in MAP_PARAMETERS})  # fmt: skip
    return params


def write_params(params: Mapping[str, str | list[str]], owned: tuple[str, ...]) -> None:
    """Set the URL's parameters in `owned` to `params`, leaving the others alone, in one message
    to the browser: Streamlit's page adds a history entry for each message (`pushState`), so a
    parameter written at a time left Back a trail of half-written addresses to step through."""
    # (`embed` and `embed_options` are Streamlit's: from_dict keeps them, and they may not be set.)
    current = {name: st.query_params.get_all(name) for name in st.query_params if name.lower() not in EMBED}
    wanted = {name: values for name, values in current.items() if name not in owned}
    for name, value in params.items():
        if name in owned:
            wanted[name] = [value] if isinstance(value, str) else list(value)
    if wanted != current:
        st.query_params.from_dict(wanted)


def working_set() -> Loaded:
    """What the pages show: this session's working set if the analyst made one, else the shared data."""
    return st.session_state.get(WORKING) or shared_data()


def has_working_set() -> bool:
    return WORKING in st.session_state


def set_working(loaded: Loaded | None) -> None:
    """Make `loaded` this session's working set (None: back to the shared data); filters start
    afresh (and the address's old filters are not taken for a link the analyst opened)."""
    if loaded is None:
        st.session_state.pop(WORKING, None)
        st.session_state.pop(ADDED, None)
    else:
        st.session_state[WORKING] = loaded
    for key in list(st.session_state.keys()):
        if key in (VIEW, MAP_VIEW, LINK_WARNINGS) or str(key).endswith(tuple(f".{name}" for name in FILTER_WIDGETS)):
            del st.session_state[key]
    for name in (*FILTER_PARAMETERS, *MAP_PARAMETERS):
        if name in st.query_params:
            del st.query_params[name]


def add_to_working(
    events: pd.DataFrame, name: str, instead: bool, progress: Callable[[int, int], None] | None = None
) -> Loaded:
    """Add a file's events to this session's working set (made from the shared data on first use)."""
    added = AddedFile(events, name, instead)
    history = [*st.session_state.get(ADDED, []), added]
    before = working_set()
    working = add_file(before, added, geocoder(), progress=progress)
    # The window the analyst set stays (issue 14, F20c); only a default window moves to the new default.
    kept = kept_after_adding(
        st.session_state.get(VIEW), default_window(before.events), date_bounds(working.events),
        default_window(working.events),
    )  # fmt: skip
    set_working(working)
    st.session_state[ADDED] = history
    if kept is not None:
        st.session_state[VIEW] = kept
        st.session_state[LINK_WARNINGS] = (kept, [])  # the view is the analyst's, not a link's
    return working


def rebuild_working() -> None:
    """Place this session's added files again (after the overrides changed), from the shared data."""
    if st.session_state.get(ADDED):
        st.session_state[WORKING] = replay(shared_data(), st.session_state[ADDED], geocoder())


def map_view(loaded: Loaded) -> MapView:
    """The Map page's state, read from the link once per session, then kept in the session."""
    if MAP_VIEW not in st.session_state:
        ids = loaded.events["event_id"]
        view, warnings = map_view_from_params(link_params(), lambda event: bool((ids == event).any()))
        st.session_state[MAP_VIEW] = replace(view, embed=bool(st.context.is_embedded))
        if warnings:  # shown with the filters' warnings, by widgets.sidebar_filters
            st.session_state[MAP_WARNINGS] = warnings
    return st.session_state[MAP_VIEW]


MAP_START = "conflictmap.map_start"


def map_start(view: MapView, base: object) -> tuple[float, float, int | None] | None:
    """The centre and zoom the map is built at (None: fitted to the data), fixed from one mount of
    the map to the next: the session's view (the link's, or the last the map reported) when the
    Map page is entered (`page.MAP_ENTERED`) or the base map's own inputs (`base`) change.

    streamlit-folium's first reply after a mount reports the map's view as built, before the
    `center`/`zoom` arguments move it; a map built at a fitted default therefore reported the
    default and overwrote the link's view (issue 14, F10). Built at the view, it reports the view.
    Fixed between mounts, the map script (whose hash keys the component) stays the same while the
    analyst pans, so the map is not mounted again.
    """
    kept = st.session_state.get(MAP_START)
    if st.session_state.pop(MAP_ENTERED, False) or kept is None or kept[0] != base:
        start = (view.latitude, view.longitude, view.zoom) if view.latitude is not None and view.longitude is not None \
            else None  # fmt: skip
        kept = st.session_state[MAP_START] = (base, start)
    return kept[1]


def set_map_view(view: MapView) -> None:
    st.session_state[MAP_VIEW] = view
    write_params(params_from_map_view(view), MAP_PARAMETERS)
