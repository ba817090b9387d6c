"""Report: paste a news report (or upload it), confirm its publication date and country, review the
candidate events it yields beside a map and the text, and add the confirmed ones to this session's
working data set."""

import streamlit as st

from conflictmap.app import page, report_form, session, widgets
from conflictmap.report.table import source_of

page.setup("Report")
loaded = session.working_set()
widgets.show_load_problems(loaded)
widgets.sidebar_filters(loaded, page="report")  # the view shared by all pages
st.title("Report")
st.caption(
    "A news report becomes candidate events: each with the sentence or photo caption it comes from, its date "
    "counted from the publication date, and its place as the offline geocoder finds it. Nothing is sent anywhere; "
    "what you add stays in this browser session."
)
given = report_form.report_input()  # stops the page, saying why, when the text cannot be read
if given is None:
    st.stop()
where = report_form.context(given)
extraction = report_form.extract(given, where)
left, right = st.columns([3, 2])
with left:
    table = report_form.candidates_editor(extraction, given)
with right:
    report_form.candidates_map(table, source_of(given.title, where.published))
st.subheader("The report, with each candidate's evidence")
report_form.highlighted(extraction, table)
report_form.confirm(table, given, where)
