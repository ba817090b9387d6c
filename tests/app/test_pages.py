"""Every page runs under AppTest; the shared filters drive what each page shows."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.filters import Filters, apply_filters
from conflictmap.maps.assets import LOCAL_BASE
from tests.app.conftest import PAGE_PATHS, map_component, marker_data, open_page, shown
from tests.conftest import ROOT

JUNE_2014 = (dt.date(2014, 6, 1), dt.date(2014, 6, 30))


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_runs_without_an_exception(path):
    at = open_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.title) == 1
    assert [s.key for s in at.slider if s.key.endswith(".dates")], "the shared date slider is missing"


def test_the_map_shows_the_events_in_the_slider_window(app, loaded):
    app.run()
    app.slider(key="map.dates").set_value(JUNE_2014).run()
    expected = apply_filters(loaded.events, Filters(*JUNE_2014))
    assert app.metric[0].value == f"{len(expected):,}"
    assert app.metric[1].value == f"{int(expected['fatalities'].sum()):,}"
    rows = marker_data(map_component(app))
    drawn = sorted((r[0], r[1]) for r in rows)
    wanted = sorted(zip(expected["latitude"], expected["longitude"], strict=True))
    assert [value for point in drawn for value in point] == pytest.approx([v for point in wanted for v in point])


def test_type_and_actor_filters_narrow_the_map(app, loaded):
    app.run()
    app.slider(key="map.dates").set_value((dt.date(2023, 1, 1), dt.date(2024, 1, 23))).run()
    app.multiselect(key="map.types").set_value(["Explosions/Remote violence"]).run()
    assert app.metric[0].value == "5"
    app.multiselect(key="map.actors").set_value(["Kataib Hezbollah"]).run()
    rows = marker_data(map_component(app))
    assert app.metric[0].value == "1" and len(rows) == 1
    assert rows[0][3].startswith("2024-01-23")


def test_an_empty_view_says_so(app):
    app.run()
    app.slider(key="map.dates").set_value((dt.date(2019, 1, 1), dt.date(2019, 12, 31))).run()
    assert app.metric[0].value == "0"
    assert any("No events match these filters" in i.value for i in app.info)
    assert not app.exception


def test_the_map_loads_only_local_assets_and_keeps_its_base(app):
    app.run()
    first = map_component(app)
    links = first["js_links"] + first["css_links"]
    assert links and all(link.startswith(LOCAL_BASE) for link in links)  # served by this app, none from a CDN
    app.slider(key="map.dates").set_value(JUNE_2014).run()
    second = map_component(app)
    # the base map is identical (so the browser keeps it mounted); only the events layer changed
    assert second["script"] == first["script"] and second["feature_group"] != first["feature_group"]


def test_filters_persist_across_pages(app):
    app.run()
    app.slider(key="map.dates").set_value(JUNE_2014)
    app.multiselect(key="map.types").set_value(["One-sided violence"]).run()
    app.switch_page("pages/1_Timeline.py").run()
    assert app.slider(key="timeline.dates").value == JUNE_2014
    assert app.multiselect(key="timeline.types").value == ["One-sided violence"]
    assert app.query_params["start"] in ("2014-06-01", ["2014-06-01"])
    assert app.query_params["type"] in ("One-sided violence", ["One-sided violence"])
    app.switch_page("dashboard.py").run()
    assert app.slider(key="map.dates").value == JUNE_2014


def test_a_link_opens_its_view_and_a_tampered_one_warns():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["start"] = "2014-06-01"
    at.query_params["end"] = "2014-06-30"
    at.query_params["type"] = ["One-sided violence"]
    at.run()
    assert at.slider(key="map.dates").value == JUNE_2014
    assert at.multiselect(key="map.types").value == ["One-sided violence"]
    assert not at.warning

    tampered = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    tampered.query_params["start"] = "2014-02-30"
    tampered.query_params["type"] = ["<script>alert(1)</script>"]
    tampered.run()
    warnings = [shown(w.value) for w in tampered.warning]
    assert any("'start'" in w and "2014-02-30" in w for w in warnings)
    assert any("'type'" in w for w in warnings)
    assert not tampered.exception and tampered.metric[0].value != "0"


def test_a_click_on_the_map_lists_the_events_at_that_spot(app):
    app.run()
    app.slider(key="map.dates").set_value((dt.date(2024, 1, 1), dt.date(2024, 1, 23))).run()
    (component,) = app.get("component_instance")
    key = component.proto.id.rsplit("-", 1)[1]  # st_folium keys the component on a hash of the base map
    app.session_state[key] = {"last_object_clicked": {"lat": 33.34058, "lng": 44.40088}}
    app.run()
    assert any("1 event(s) in this view at 33.3406, 44.4009" in c.value for c in app.caption)
    (table,) = [frame.value for frame in app.dataframe]  # the only table on the Map page
    assert table["actor2"].tolist() == ["Harakat al-Nujaba"]


def test_timeline_counts_match_the_filters(app, loaded):
    app.switch_page("pages/1_Timeline.py").run()
    app.slider(key="timeline.dates").set_value(JUNE_2014).run()
    expected = apply_filters(loaded.events, Filters(*JUNE_2014))
    assert any(c.value.startswith(f"{len(expected):,} events") for c in app.caption)
    assert not any("event store" in c.value for c in app.caption)  # no store is configured


def test_events_page_searches_and_offers_a_download(app):
    app.switch_page("pages/2_Events.py").run()
    app.slider(key="events.dates").set_value((dt.date(2024, 1, 1), dt.date(2024, 1, 23))).run()
    app.text_input(key="events.search").input("nujaba").run()
    (table,) = [frame.value for frame in app.dataframe]
    assert table["event_id"].tolist() == ["report:2024-01-04-baghdad"]
    assert len(app.get("download_button")) == 1


def test_places_page_lists_how_each_place_was_located(app):
    app.switch_page("pages/3_Places.py").run()
    # nothing is unresolved in the shipped data, so the page shows a success note instead of that table
    geocoded, with_coordinates, overrides = (frame.value for frame in app.dataframe)
    assert "a US airbase in western Iraq" in set(geocoded["place"])
    assert set(geocoded["located_by"]) == {"learned", "gazetteer", "supplement"}
    assert len(with_coordinates) > 400 and list(overrides.columns)[:4] == ["place", "country", "latitude", "longitude"]
    assert any("Every place name in the data was located" in s.value for s in app.success)


def test_places_page_shows_every_place_once_even_one_found_online(loaded):
    from dataclasses import replace

    from conflictmap.app.session import WORKING

    places = loaded.places.copy()
    online, lost = places.index[places["located_by"] != "source coordinates"][:2]
    places.loc[online, "located_by"] = "online"  # as the Nominatim fallback labels its answers
    places.loc[lost, ["located_by", "latitude", "longitude"]] = ["unresolved", None, None]
    at = open_page("pages/3_Places.py")
    at.session_state[WORKING] = replace(loaded, places=places)
    at.run()
    # read-only tables carry no key in AppTest: they come in the page's order, the editor last
    unresolved, geocoded, with_coordinates, _overrides = (frame.value for frame in at.dataframe)
    assert len(unresolved) + len(geocoded) + len(with_coordinates) == len(places)
    assert unresolved["place"].tolist() == [places.at[lost, "place"]]
    assert "online" in set(geocoded["located_by"]) and set(with_coordinates["located_by"]) == {"source coordinates"}
    assert [m.value for m in at.metric] == [f"{len(places):,}", f"{len(geocoded):,}", "1"]


def test_about_page_gives_the_ucdp_attribution(app):
    app.switch_page("pages/4_About.py").run()
    text = " ".join(m.value for m in app.markdown)
    assert "Sundberg, Ralph and Erik Melander (2013)" in text and "CC BY 4.0" in text
    assert "Högbladh, Stina (2019)" in text


def test_a_broken_file_is_named_on_the_page_and_hostile_text_stays_text(tmp_path, monkeypatch):
    (tmp_path / "ucdp_ged_iraq.csv").write_text("id,year\n1,2014\n", encoding="utf-8")
    report = (ROOT / "data" / "report_events.csv").read_text(encoding="utf-8")
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    report += (
        f'report:hostile,2024-01-05,2024-01-05,day,Air strike,,"{hostile.replace(chr(34), chr(34) * 2)}",,0,,,'
        f'Baghdad,,Iraq,"{hostile.replace(chr(34), chr(34) * 2)}",src\n'
        "report:bad,2024-02-30,,day,Air strike,,x,,0,,,Baghdad,,Iraq,,src\n"
    )
    (tmp_path / "report_events.csv").write_text(report, encoding="utf-8")
    monkeypatch.setenv("CONFLICTMAP_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["start"] = "2024-01-01"
    at.run()
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert errors == [
        "Could not read ucdp_ged_iraq.csv: missing column(s): type_of_violence, side_a, side_b, "
        "where_prec, latitude, longitude, date_start, date_end, best."
    ]
    assert any("The other data sets are loaded (report_events.csv)" in shown(c.value) for c in at.caption)
    assert any("1 row(s) of report_events.csv were set aside" in shown(e.label) for e in at.expander)
    assert at.metric[0].value == "5"  # four January events of the article and the hostile one
    rows = marker_data(map_component(at))
    hostile_row = next(r for r in rows if r[3].startswith("2024-01-05"))
    assert hostile in hostile_row[6] and hostile in hostile_row[10]  # kept as text, for textContent
    assert "<script>alert(2)" not in map_component(at)["feature_group"]  # never raw markup in the page


def test_online_tiles_are_off_until_chosen(app):
    app.run()
    assert "openstreetmap" not in map_component(app)["script"]
    app.toggle(key="online_tiles").set_value(True).run()
    assert "tile.openstreetmap.org" in map_component(app)["script"]
    assert not app.exception


def test_a_shared_password_guards_the_view_and_keeps_the_link():
    from conflictmap.access import hash_password

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets["access"] = {"password_sha256": hash_password("open sesame")}
    at.query_params["start"] = "2014-06-01"
    at.query_params["end"] = "2014-06-30"
    at.run()
    assert not at.metric and not at.get("component_instance")  # nothing of the data before sign-in
    at.text_input(key="access.password").input("wrong")
    at.button[0].click().run()
    assert any("not right" in e.value for e in at.error) and not at.metric
    at.text_input(key="access.password").input("open sesame")
    at.button[0].click().run()
    assert not at.exception
    assert at.slider(key="map.dates").value == JUNE_2014  # the shared view, once let in


def test_oidc_sign_in_is_asked_for_and_the_allow_list_applies():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets["auth"] = {
        "client_id": "x",
        "client_secret": "y",
        "redirect_uri": "http://localhost/oauth2callback",
        "cookie_secret": "z",
        "server_metadata_url": "http://localhost/.well-known/openid-configuration",
    }
    at.secrets["access"] = {"allowed_domains": ["desk.org"]}
    at.run()
    assert any("Sign in" in b.label for b in at.button) and not at.metric


def test_many_events_are_counted_in_cells_and_a_cell_click_lists_them(monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_SYNTHETIC_EVENTS", "60000")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.query_params["start"] = "1989-01-01"
    at.query_params["end"] = "2024-12-31"
    at.run()
    assert not at.exception
    args = map_component(at)
    assert "cm-cells" in args["feature_group"]  # the cells layer (layers.EventCells)
    assert any("counted in square cells" in c.value for c in at.caption)
    (component,) = at.get("component_instance")
    key = component.proto.id.rsplit("-", 1)[1]
    unknown = {"_southWest": {"lat": None, "lng": None}, "_northEast": {"lat": None, "lng": None}}
    at.session_state[key] = {"last_object_clicked": {"lat": 33.34, "lng": 44.40}, "bounds": unknown}
    at.run()
    assert not at.exception
    assert any("cell around 33.3400, 44.4000" in c.value for c in at.caption)
    (table,) = [frame.value for frame in at.dataframe]
    assert len(table) > 0 and table["latitude"].between(33.0, 33.7).all()


def _small_working_set(loaded):
    """A working set made of the article's events only (as 'instead of' the shipped data)."""
    from dataclasses import replace

    from conflictmap.filters import filter_choices

    events = loaded.events[loaded.events["dataset"] == "News report"].reset_index(drop=True)
    return replace(loaded, events=events, choices=filter_choices(events), read={"my file.csv": len(events)})


def test_pages_run_on_a_working_set_and_a_stale_selected_event_is_dropped(loaded):
    from conflictmap.app.session import MAP_VIEW, WORKING
    from conflictmap.sharelink import MapView

    for path in PAGE_PATHS:
        at = open_page(path)
        at.session_state[WORKING] = _small_working_set(loaded)
        at.session_state[MAP_VIEW] = MapView(event="ucdp:114064")  # an event of the shipped data only
        at.run()
        assert not at.exception, (path, [e.value for e in at.exception])


def test_text_from_links_and_files_cannot_inject_markdown():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["type"] = ["![x](https://example.invalid/p.png)"]
    at.run()
    (warning,) = [w.value for w in at.warning]
    assert "\\!\\[x\\]\\(https\\:" in warning  # escaped: shown as text, no image fetched
    assert "![x](https://example.invalid/p.png)" in shown(warning)
