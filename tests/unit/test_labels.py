"""Labels from data as the map, legends and charts show them (issue 14: F6, F20 a and b)."""

import html
import json
import re

import pandas as pd

from conflictmap.datasets import read_events
from conflictmap.labels import LABEL_LIMIT, short, visible, visible_columns
from conflictmap.maps.basemap import OTHER, OTHER_TYPES, PALETTE, TYPE_COLOURS, Legend, chart_types, type_colors
from tests.unit.test_basemap import _events

LONG = "Air strike " + "x" * 4_989 + "<b>"  # 5,000 characters, from a user's file


def _legend(colors: dict[str, str]) -> str:
    return Legend(colors).markup


def test_a_long_event_type_is_cut_in_the_legend_whole_in_its_title_and_escaped():
    markup = _legend(type_colors(["Battles", LONG]))
    (row,) = [r for r in re.findall(r"<div title=\"[^\"]*\">.*?</div>", markup) if "Air strike" in r]
    shown = re.search(r"<bdi>(.*?)</bdi>", row).group(1)
    assert len(html.unescape(shown)) == LABEL_LIMIT and shown.endswith("…")
    title = re.search(r'title="([^"]*)"', row).group(1)
    assert html.unescape(title) == LONG and "<b>" not in markup.replace("<b>Event type</b>", "")
    # the legend's width is bounded whatever its labels (MapStyles)
    from conflictmap.maps.basemap import MapStyles

    css = MapStyles()._template.module.header(MapStyles(), {})
    assert re.search(r"\.cm-legend-events \{ max-width: 240px; \}", css)
    assert "text-overflow: ellipsis" in css and "overflow-wrap: anywhere" in css  # legend rows; popups


def test_more_types_than_colours_never_reuse_a_colour_the_rest_are_other_types():
    names = [f"Type {n}" for n in range(14)]
    colors = type_colors(names)
    own = [colors[name] for name in names[:TYPE_COLOURS]]
    assert len(set(own)) == TYPE_COLOURS and OTHER not in own
    assert {colors[name] for name in names[TYPE_COLOURS:]} == {OTHER} and PALETTE[-1] == OTHER
    markup = _legend(colors)
    assert markup.count("<bdi>") == TYPE_COLOURS
    assert f"{OTHER_TYPES} (4)" in markup and 'title="Type 10; Type 11; Type 12; Type 13"' in markup
    assert _legend(type_colors(names[:5])).count(OTHER_TYPES) == 0


def test_a_chart_sums_the_other_types_and_cuts_long_names():
    names = [f"Type {n}" for n in range(12)] + [LONG]
    colors = type_colors(names)
    table = pd.DataFrame({"period_start": [1] * 13 + [2], "event_type": [*names, "Type 0"],
                          "events": [1] * 14, "fatalities": [2] * 14})  # fmt: skip
    shown, legend, shades = chart_types(table, colors)
    assert legend == [*names[:TYPE_COLOURS], OTHER_TYPES] and shades == [*PALETTE[:TYPE_COLOURS], OTHER]
    other = shown[shown["event_type"] == OTHER_TYPES]
    assert other["events"].tolist() == [3] and other["fatalities"].tolist() == [6]
    assert shown["events"].sum() == 14
    shown, legend, _ = chart_types(table, type_colors([LONG, "Air strike " + "x" * 100, *names[:3]]))
    assert all(len(name) <= LABEL_LIMIT for name in legend) and len(set(legend)) == len(legend)


BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE


def test_bidi_controls_and_invisible_characters_are_taken_out_of_the_data():
    events = pd.concat(
        [
            _events(actor1=f"IS{BIDI} 21 killed\u202c", notes="I\u200bS \u2066x\u2069", source="\ufeffsrc"),
            _events(event_id="e2", actor1="\u0645\u06cc\u200c\u0634\u0648\u062f \u200f(2)"),  # ZWNJ, RLM kept
        ],
        ignore_index=True,
    )
    cleaned = visible_columns(events)
    assert cleaned["actor1"].tolist() == ["IS 21 killed", "\u0645\u06cc\u200c\u0634\u0648\u062f \u200f(2)"]
    assert cleaned["notes"].tolist()[0] == "IS x" and cleaned["source"].tolist()[0] == "src"
    assert cleaned["actor1"].dtype == events["actor1"].dtype and cleaned["fatalities"].equals(events["fatalities"])
    assert visible_columns(cleaned) is cleaned  # nothing to do: no copy
    categorical = events.assign(event_type=pd.Categorical([f"Air{BIDI}strike", "Air strike"]))
    assert visible_columns(categorical)["event_type"].astype(str).tolist() == ["Airstrike", "Air strike"]


def test_a_file_read_from_the_data_folder_loses_them_too(tmp_path):
    from conflictmap.datasets import Shipped
    from conflictmap.schema import Format
    from tests.conftest import ROOT

    header, first, *_ = (ROOT / "data" / "report_events.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "report_events.csv"
    hostile = first.replace("Government of", f"Gov{BIDI}ernment\u200b of")
    path.write_text(f"{header}\n{hostile}\n", encoding="utf-8")
    events, problems, _, _ = read_events((Shipped("report", path, Format.CURATED),))
    assert not problems and len(events) == 1
    assert events["actor1"].iloc[0] == "Government of United States of America"


def test_short_and_visible():
    assert short("x" * 10) == "x" * 10 and len(short("x" * 5000)) == LABEL_LIMIT
    assert visible(f"a{BIDI}b\u2067c\u2069") == "abc"
    assert json.dumps(visible("\u200d")) == '"\\u200d"'  # ZWJ kept (emoji, Indic and Arabic shaping)


def test_two_long_names_alike_in_their_first_characters_stay_apart():
    from conflictmap.labels import short_labels

    twins = [LONG + " one", LONG + " two"]
    labels = short_labels(["Battles", *twins])
    assert len(set(labels.values())) == 3 and all(len(label) <= LABEL_LIMIT for label in labels.values())
    markup = _legend(type_colors(twins))
    assert len(set(re.findall(r"<bdi>(.*?)</bdi>", markup))) == 2
