"""The Places page's editor of place overrides: an analyst pins a place name to coordinates for
this server, and the events (the shared data and this session's own files) are placed again."""

from __future__ import annotations

import streamlit as st

from conflictmap.app import loading, session, widgets
from conflictmap.geocode.overrides import check_overrides, read_overrides, save_overrides
from conflictmap.schema import GeoPrecision


def overrides_editor() -> None:
    """The saved overrides as an editable table, and a button that checks, saves and re-places."""
    st.subheader("Overrides")
    st.caption(
        "Pin a place name to coordinates: an override wins over every other answer, for this server and "
        "everyone using it, and the events are placed again when you save. Country is optional (a name or "
        "ISO code); precision is one of the map's levels, 'exact place' when left empty."
    )
    edited = st.data_editor(
        read_overrides(),
        num_rows="dynamic",
        hide_index=True,
        key="places.overrides",
        width="stretch",
        column_config={"precision": st.column_config.SelectboxColumn("precision", options=list(GeoPrecision))},
    )
    if st.button("Save overrides and place the events again", key="places.save", icon=":material/save:"):
        problems = check_overrides(edited, loading.geocoder().gazetteer)
        if problems:
            listed = "\n".join(f"- {widgets.plain(problem)}" for problem in problems)
            st.error(f"Not saved:\n\n{listed}", icon=":material/error:")
        else:
            save_overrides(edited)
            loading.reload_geocoding()
            session.rebuild_working()  # this session's own files are placed again too
            saved = f"Saved {len(edited)} override(s); the events were placed again."
            st.success(saved, icon=":material/check_circle:")
