"""What a page says when no data is loaded (no data set could be read and no file was added):
plainly that there is none, where the app looked, and where to go next."""

from __future__ import annotations

import streamlit as st

from conflictmap.app.pages import page_titled
from conflictmap.app.widgets import plain
from conflictmap.datasets import Loaded
from conflictmap.settings import events_dir


def no_data_loaded(loaded: Loaded) -> bool:
    """Whether the working set holds no events at all."""
    return loaded.events.empty


def say_no_data(what: str) -> None:
    """`what` the page would show, said to be missing because no data is loaded, with the data
    folder the app read and a link to the Data page (which says why and can add a file)."""
    st.info(
        f"No data is loaded, so there are no {plain(what)}. No data set could be read from the data folder "
        f"({plain(events_dir())}, set by CONFLICTMAP\\_DATA\\_DIR) and no file has been added. The Data page "
        "says why and can add a file of events.",
        icon=":material/database_off:",
    )
    data = page_titled("Data")
    st.page_link(data.path, label="Open the Data page", icon=data.icon)
