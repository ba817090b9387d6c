"""Timeline: events and fatalities over time, by event type, for the current filters."""

import streamlit as st

from conflictmap.app import page, session, store_view, widgets
from conflictmap.charts import timeline_chart
from conflictmap.figures import PERIODS, figures, over_time, suggest_period
from conflictmap.filters import apply_filters
from conflictmap.maps.basemap import type_colors

page.setup("Timeline")
store = store_view.configured()  # CONFLICTMAP_STORE: the store answers instead of the frame
loaded = store_view.digest() if store else session.working_set()
widgets.show_load_problems(loaded)
filters = widgets.sidebar_filters(loaded, page="timeline")
shown = None if store else apply_filters(loaded.events, filters)
numbers = store_view.ask("figures", filters) if store else figures(shown)

st.title("Timeline")
names = list(PERIODS)
period = st.segmented_control("Per", names, default=suggest_period(numbers.first, numbers.last), key="timeline.period")
period = period or "month"
measure = st.segmented_control("Show", ["events", "fatalities"], default="events", key="timeline.measure") or "events"
if not numbers.events:
    st.info(
        "No events match these filters. Widen the date range or clear a filter in the sidebar.",
        icon=":material/filter_alt_off:",
    )
else:
    table = store_view.ask("over_time", filters, period) if store else over_time(shown, period)
    chart = timeline_chart(table, type_colors(loaded.choices["type"]), measure, period, height=420)
    st.altair_chart(chart, width="stretch")
    st.caption(
        f"{numbers.events:,} events, {numbers.fatalities:,} fatalities (best estimates) from "
        f"{filters.start} to {filters.end}. Events are counted in the {period} they start."
    )
    if store:
        store_view.slow_caption()
