"""The Streamlit glue: page set-up, cached loading, and the filters every page shares.

The only module of the package that imports Streamlit. Pages call `page_setup`, `load`,
and `sidebar_filters`, then the pure core.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from conflictmap.access import email_allowed, password_ok, policy_from_secrets
from conflictmap.datasets import Loaded, combine, events_dir, load_events, shipped, synthetic_count, with_synthetic
from conflictmap.filters import Filters, date_bounds, default_window
from conflictmap.geocoding import OfflineGeocoder
from conflictmap.learning import learn_places
from conflictmap.mapassets import STATIC_DIR, MapAssets, find_assets
from conflictmap.overrides import offline_geocoder
from conflictmap.placing import place_events
from conflictmap.validation import bounds_from_gazetteer
from conflictmap.viewstate import (
    MapView,
    filters_from_params,
    map_view_from_params,
    params_from_filters,
    params_from_map_view,
)

PAGES = (
    ("dashboard.py", "Map", ":material/map:"),
    ("pages/1_Timeline.py", "Timeline", ":material/bar_chart:"),
    ("pages/2_Events.py", "Events", ":material/table_rows:"),
    ("pages/3_Places.py", "Places", ":material/place:"),
    ("pages/4_About.py", "About", ":material/info:"),
    ("pages/5_Data.py", "Data", ":material/upload_file:"),
)
FAVICON = STATIC_DIR / "favicon.png"
VIEW = "conflictmap.view"  # session key of the current Filters, shared by all pages
WORKING = "conflictmap.working"
WORKING_STEPS = "conflictmap.working_steps"  # the files added, to place them again when overrides change
LINK_WARNINGS = "conflictmap.link_warnings"
MAP_VIEW = "conflictmap.map_view"
MAP_WARNINGS = "conflictmap.map_link_warnings"
FILTER_PARAMETERS = ("start", "end", "type", "actor", "admin1")
MAP_PARAMETERS = ("lat", "lon", "zoom", "tiles", "heat", "event")  # `embed` is Streamlit's own


def _secrets() -> dict:
    """The app's secrets; none when no secrets file exists. An unreadable file stops the app
    (a private deployment must fail closed, not open)."""
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError as error:
        if "No secrets found" in str(error):
            return {}
        st.error("The app's secrets could not be read, so access cannot be checked. Ask its administrator.")
        st.stop()


def require_access() -> None:
    """Stop the page until the visitor may see it (see `conflictmap.access`). The page's address,
    with its view, stays as it is, so a shared link opens its view once the visitor is let in."""
    policy = policy_from_secrets(_secrets())
    if policy.mode == "password" and not st.session_state.get("access.granted"):
        st.title("conflictmap")
        with st.form("access.form"):
            given = st.text_input("Password", type="password", key="access.password")
            if st.form_submit_button("Open the dashboard"):
                if password_ok(policy, given):
                    st.session_state["access.granted"] = True
                    st.rerun()
                st.error("That password is not right.")
        st.stop()
    if policy.mode == "oidc":
        if not st.user.get("is_logged_in", False):
            st.title("conflictmap")
            st.info("This dashboard is private. Sign in to open it.", icon=":material/lock:")
            st.button("Sign in", on_click=st.login, key="access.login")
            st.stop()
        if not email_allowed(policy, st.user.get("email")):
            st.error(f"{st.user.get('email') or 'This account'} may not open this dashboard.")
            st.button("Sign out", on_click=st.logout, key="access.logout")
            st.stop()


def write_params(params: dict[str, str | list[str]], owned: tuple[str, ...]) -> None:
    """Set the URL's parameters in `owned` to `params`, leaving the others alone."""
    for name in owned:
        if name in params:
            if st.query_params.get_all(name) != (params[name] if isinstance(params[name], list) else [params[name]]):
                st.query_params[name] = params[name]
        elif name in st.query_params:
            del st.query_params[name]


def show_link_warnings(filters: Filters) -> None:
    """What was wrong with the link this session opened, shown until the analyst changes the filters."""
    linked, warnings = st.session_state.get(LINK_WARNINGS, (None, []))
    if filters != linked:
        st.session_state.pop(LINK_WARNINGS, None)
        return
    for warning in warnings:
        st.warning(plain(warning), icon=":material/link_off:")


def map_view(loaded: Loaded) -> MapView:
    """The Map page's state, read from the link once per session, then kept in the session."""
    if MAP_VIEW not in st.session_state:
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        ids = loaded.events["event_id"]
        view, warnings = map_view_from_params(params, lambda event: bool((ids == event).any()))
        st.session_state[MAP_VIEW] = replace(view, embed=bool(st.context.is_embedded))
        if warnings:  # shown with the filters' warnings, by sidebar_filters
            st.session_state[MAP_WARNINGS] = warnings
    return st.session_state[MAP_VIEW]


def set_map_view(view: MapView) -> None:
    st.session_state[MAP_VIEW] = view
    write_params(params_from_map_view(view), MAP_PARAMETERS)


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


def page_setup(title: str) -> None:
    # A local file: a Material icon as page_icon makes the browser fetch it from Google's servers.
    st.set_page_config(page_title=f"{title} · conflictmap", page_icon=str(FAVICON), layout="wide")
    require_access()
    with st.sidebar:
        st.markdown("### conflictmap")
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)


@st.cache_resource(show_spinner="Loading the offline gazetteer (the first start builds its index: about 15 s)…")
def geocoder() -> OfflineGeocoder:
    return offline_geocoder()


def load() -> Loaded:
    """The shipped data, loaded once per server process and shared (read-only) by all sessions."""
    return _load_from(str(events_dir()), synthetic_count())


def reload_geocoding() -> None:
    """After the overrides changed: geocode everything again (for every session of this server)."""
    geocoder.clear()
    _load_from.clear()


def data() -> Loaded:
    """What the pages show: this browser session's working set if the analyst made one on the Data
    page (no other user sees it), else the shared data."""
    return st.session_state.get(WORKING) or load()


def set_working(loaded: Loaded | None) -> None:
    """Make `loaded` this session's working set (None: back to the shared data); filters start
    afresh (and the address's old filters are not taken for a link the analyst opened)."""
    if loaded is None:
        st.session_state.pop(WORKING, None)
        st.session_state.pop(WORKING_STEPS, None)
    else:
        st.session_state[WORKING] = loaded
    for key in list(st.session_state.keys()):
        if key in (VIEW, MAP_VIEW, LINK_WARNINGS) or key.endswith((".dates", ".types", ".actors", ".admin1")):
            del st.session_state[key]
    for name in (*FILTER_PARAMETERS, *MAP_PARAMETERS):
        if name in st.query_params:
            del st.query_params[name]


def _placed_with(base: Loaded, events, name: str, instead: bool, progress=None) -> Loaded:
    """`events` (an analyst's file, read) placed and combined with `base`; the working set and the
    file itself teach the geocoder their spellings first."""
    teacher = pd.concat([base.events, events], ignore_index=True)
    taught = geocoder().with_learned(learn_places(teacher, geocoder().gazetteer))
    placed = place_events(events, taught, progress=progress)
    return combine(base, placed.events, placed.places, name, instead=instead)


def add_to_working(events, name: str, instead: bool, progress=None) -> Loaded:
    """Add a file's events to this session's working set (made from the shared data on first use)."""
    steps = [*st.session_state.get(WORKING_STEPS, []), (events, name, instead)]
    working = _placed_with(data(), events, name, instead, progress)
    set_working(working)
    st.session_state[WORKING_STEPS] = steps
    return working


def rebuild_working() -> None:
    """Place this session's added files again (after the overrides changed), from the shared data."""
    steps = st.session_state.get(WORKING_STEPS)
    if not steps:
        return
    working = load()
    for events, name, instead in steps:
        working = _placed_with(working, events, name, instead)
    st.session_state[WORKING] = working


def plain(text: object) -> str:
    """Text from files, links or data, made safe to show in Streamlit's Markdown: every Markdown
    character is escaped, so `![x](https://…)` shows as those characters and fetches nothing.

    >>> print(plain("![x](http://a) **b** $c$ :red[d]"))
    \\!\\[x\\]\\(http\\://a\\) \\*\\*b\\*\\* \\$c\\$ \\:red\\[d\\]
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])", r"\\\1", str(text))


@st.cache_resource
def country_bounds():
    """Approximate country boxes from the gazetteer, for the swapped-coordinates check."""
    return bounds_from_gazetteer(geocoder().gazetteer)


@st.cache_resource(show_spinner="Reading and geocoding the events…")
def _load_from(directory: str, synthetic: int) -> Loaded:
    return with_synthetic(load_events(shipped(Path(directory)), geocoder()), synthetic)


@st.cache_resource
def assets() -> MapAssets:
    return find_assets()


#: How event tables are shown: the analyst's words for each schema column, in reading order.
EVENT_TABLE = {
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


def event_table(events, key: str, height: int | str = "auto") -> None:
    """Events as a table with readable headings, in reading order."""
    st.dataframe(
        events, hide_index=True, column_config=EVENT_TABLE, column_order=list(EVENT_TABLE), key=key, height=height
    )


def show_load_problems(loaded: Loaded) -> None:
    """Files that could not be read, and rows set aside, stated plainly above the page."""
    for problem in loaded.problems:
        st.error(f"Could not read {plain(problem)}. The other data sets are loaded.", icon=":material/error:")
    for name, rejected in loaded.rejected.items():
        with st.expander(f"{len(rejected)} row(s) of {plain(name)} were set aside", icon=":material/warning:"):
            st.dataframe(rejected, hide_index=True)
            st.download_button(
                "Download the set-aside rows (CSV)",
                rejected.to_csv(index=False),
                file_name=f"rejected-{name}",
                mime="text/csv",
                key=f"rejected-{name}",
            )


def sidebar_filters(loaded: Loaded, page: str) -> Filters:
    """The shared filters, as sidebar widgets keyed per page, seeded from the session's view
    (or, on a fresh session, from the link), and written back to the session and the URL."""
    events = loaded.events
    bounds = date_bounds(events)
    default = Filters(*default_window(events))
    known = loaded.choices
    if VIEW not in st.session_state:
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        st.session_state[VIEW], warnings = filters_from_params(params, default, bounds, known)
        warnings += st.session_state.pop(MAP_WARNINGS, [])
        st.session_state[LINK_WARNINGS] = (st.session_state[VIEW], warnings)
    view: Filters = st.session_state[VIEW]
    keys = {name: f"{page}.{name}" for name in ("dates", "types", "actors", "admin1")}

    def clamp(day):
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
        st.session_state[VIEW] = default
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
        st.multiselect("Event types", known["type"], key=keys["types"], placeholder="All types")
        st.multiselect("Actors (either side)", known["actor"], key=keys["actors"], placeholder="All actors")
        st.multiselect("Province (admin1)", known["admin1"], key=keys["admin1"], placeholder="All provinces")
        st.button("Reset filters", on_click=reset, key=f"{page}.reset", icon=":material/restart_alt:")
    filters = Filters(
        start=start,
        end=end,
        event_types=tuple(st.session_state[keys["types"]]),
        actors=tuple(st.session_state[keys["actors"]]),
        admin1=tuple(st.session_state[keys["admin1"]]),
    )
    st.session_state[VIEW] = filters
    write_params(params_from_filters(filters), FILTER_PARAMETERS)
    show_link_warnings(filters)
    return filters
