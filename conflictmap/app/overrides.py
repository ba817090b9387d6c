"""The Places page's editor of place overrides: an analyst pins a place name to coordinates for
this server, and the events (the shared data and this session's own files) are placed again.

The file is read once when the editor opens (kept in the session with its version), so a save by
another analyst meanwhile is noticed and refused rather than overwritten; a file that cannot be
read is said, and the editor stays closed so nothing overwrites it."""

from __future__ import annotations

import streamlit as st

from conflictmap.app import loading, session, widgets
from conflictmap.geocode import overrides as store
from conflictmap.geocode.overrides import OverridesError, OverridesFile, StaleOverrides, check_overrides
from conflictmap.schema import GeoPrecision

OPENED = "places.overrides.opened"  # the OverridesFile the editor was opened on
EDITOR = "places.overrides"  # the editor's key is this plus the version it opened: a new file, a fresh editor


def _reload() -> None:
    st.session_state.pop(OPENED, None)
    for key in [key for key in st.session_state if str(key).startswith(EDITOR + ".")]:
        del st.session_state[key]


def _opened() -> OverridesFile:
    if OPENED not in st.session_state:
        st.session_state[OPENED] = store.load_overrides()
    opened: OverridesFile = st.session_state[OPENED]
    return opened


def overrides_editor() -> None:
    """The saved overrides as an editable table, and a button that checks, saves and re-places."""
    st.subheader("Overrides")
    st.caption(
        "Pin a place name to coordinates: an override wins over every other answer, for this server and "
        "everyone using it, and the events are placed again when you save. Country is optional (a name or "
        "ISO code); precision is one of the map's levels, 'exact place' when left empty."
    )
    opened = _opened()
    if opened.problem:
        st.error(
            f"The place overrides are not used: {widgets.plain(opened.problem)}. Fix the file or move it away "
            f"({widgets.plain(store.OVERRIDES)}), then read it again; everything else works without the overrides.",
            icon=":material/error:",
        )
        st.button("Read the overrides file again", key="places.reload", on_click=_reload, icon=":material/refresh:")
        return
    locked = store.unwritable()
    if locked:
        st.warning(
            f"{widgets.plain(locked)}: you can see the overrides and try changes, but a save will be refused.",
            icon=":material/lock:",
        )
    skipped = check_overrides(opened.table, loading.geocoder().gazetteer)
    if skipped:
        listed = "\n".join(f"- {widgets.plain(problem)}" for problem in skipped[:20])
        st.warning(f"These rows of the saved file are not used:\n\n{listed}", icon=":material/warning:")
    edited = st.data_editor(
        opened.table,
        num_rows="dynamic",
        hide_index=True,
        key=f"{EDITOR}.{opened.version}",
        width="stretch",
        column_config={"precision": st.column_config.SelectboxColumn("precision", options=list(GeoPrecision))},
    )
    cols = st.columns([3, 2])
    save = cols[0].button("Save overrides and place the events again", key="places.save", icon=":material/save:")
    cols[1].button("Reload the overrides (drops your edits)", key="places.reload", on_click=_reload)
    if not save:
        return
    problems = check_overrides(edited, loading.geocoder().gazetteer)
    if problems:
        listed = "\n".join(f"- {widgets.plain(problem)}" for problem in problems)
        st.error(f"Not saved:\n\n{listed}", icon=":material/error:")
        return
    try:
        version = store.save_overrides(edited, expected=opened.version)
    except StaleOverrides as error:
        st.error(f"Not saved: {widgets.plain(error)}", icon=":material/sync_problem:")
        return
    except OverridesError as error:
        st.error(f"Not saved: {widgets.plain(error)}. The overrides in use are unchanged.", icon=":material/error:")
        return
    st.session_state[OPENED] = OverridesFile(edited.reset_index(drop=True), version)
    loading.reload_geocoding()
    session.rebuild_working()  # this session's own files are placed again too
    st.success(f"Saved {len(edited)} override(s); the events were placed again.", icon=":material/check_circle:")
