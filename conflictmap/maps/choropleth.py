"""Events or fatalities per admin unit of Iraq (governorate or district) as a choropleth layer.

The units are OCHA's COD-AB governorates and districts, shipped as `static/basemap/units.json`
(`scripts/derive_basemap.py` dissolves the sub-districts the basemap's lines come from, so fills and
lines agree). The browser fetches that file once and caches it; each rerun sends only a value and a
class per unit (a few hundred bytes), drawn by `static/choropleth.js`.

Which unit an event belongs to is decided by its coordinates, with the same shapes the map draws
(`locate`, a vectorised point-in-polygon test): the events' own `admin1`/`admin2` are free text in
each source's spelling ("Nīnawá province", "Qaḑā’ al Mawşil"), and geocoded events carry the
point the gazetteer gave them. An event counts in a district only when its place is known to the
district or better, and in a governorate only when known to the province or better: an event placed
at a province's centre says nothing about the district under that point. Events outside Iraq's units
or known only to a region or the country are counted apart, and the legend says how many.

A click on a unit reaches Python as the clicked point (`st_folium`'s `last_object_clicked`), and
`unit_at` finds the unit under it with the same shapes.
"""

from __future__ import annotations

import functools
import json
import weakref
from dataclasses import dataclass
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from conflictmap.maps.assets import MapAssets
from conflictmap.maps.layers import Layer, Plan
from conflictmap.maps.payload import script_json
from conflictmap.schema import GeoPrecision, LayerMode
from conflictmap.settings import STATIC_DIR

UNITS_FILE = STATIC_DIR / "basemap" / "units.json"
LEVELS = ("governorate", "district")
MEASURES = ("events", "fatalities")
#: The words the legend uses for each measure's unit.
MEASURE_WORDS = {"events": ("event", "events"), "fatalities": ("killed", "killed")}
#: Place precisions fine enough to say which unit of each level an event lies in.
PRECISE_ENOUGH = {
    "district": frozenset({GeoPrecision.EXACT, GeoPrecision.NEAR, GeoPrecision.SUB_DISTRICT, GeoPrecision.DISTRICT}),
    "governorate": frozenset(
        {GeoPrecision.EXACT, GeoPrecision.NEAR, GeoPrecision.SUB_DISTRICT, GeoPrecision.DISTRICT, GeoPrecision.PROVINCE}
    ),
}
#: ColorBrewer's YlOrRd, light to dark (sequential, readable with colour-blindness); units with none
#: are left pale grey, apart from every class.
CLASS_COLORS = ("#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
ZERO_COLOR = "#eeeeee"
#: At most this many classes (fewer when there are fewer distinct values).
CLASS_COUNT = 5
#: Latitude strips the point-in-polygon test works in: each strip tests its points against the
#: few edges that cross it, not against every edge of the country.
STRIP = 0.05


# --- the units -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Units:
    """The units of one level: P-codes, names (English, Arabic), parent P-code, and rings as
    (n, 2) arrays of (longitude, latitude), closed, one list of rings per unit."""

    level: str
    pcodes: tuple[str, ...]
    names: tuple[str, ...]
    names_ar: tuple[str, ...]
    parents: tuple[str, ...]
    rings: tuple[tuple[np.ndarray, ...], ...]

    def index(self, pcode: str) -> int | None:
        return self.pcodes.index(pcode) if pcode in self.pcodes else None


def decode_ring(flat: list[int], scale: int) -> np.ndarray:
    """A ring as scripts/derive_basemap.py encodes it (the first point, then deltas, in 1/scale
    degree) -> (n, 2) floats: [4450, 3325, 25, -25] at 100 -> [[44.5, 33.25], [44.75, 33.0]]."""
    return np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) / scale


@functools.cache
def load_units(path: Path = UNITS_FILE) -> dict[str, Units]:
    """Both levels of units.json, read once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    scale = data["scale"]
    out = {}
    for level, unit in data["levels"].items():
        out[level] = Units(
            level=level,
            pcodes=tuple(unit["pcode"]),
            names=tuple(unit["name"]),
            names_ar=tuple(unit["name_ar"]),
            parents=tuple(unit["parent"]),
            rings=tuple(tuple(decode_ring(ring, scale) for ring in rings) for rings in unit["rings"]),
        )
    return out


def locate(latitude: np.ndarray, longitude: np.ndarray, rings: tuple[tuple[np.ndarray, ...], ...]) -> np.ndarray:
    """For each point, the number of the unit (`rings[k]`, k) it lies in, or -1 (vectorised).

    Even-odd ray casting: a point is inside a unit when a ray from it to the east crosses the unit's
    edges an odd number of times (holes and separate parts are just more rings). The edges are
    bucketed by latitude strip so that each point meets only the edges of its strip. A point exactly
    on a shared border goes to one of the two units.

    >>> square = np.array([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], dtype=float)
    >>> locate(np.array([1.0, 3.0]), np.array([1.0, 1.0]), ((square,),)).tolist()
    [0, -1]
    """
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    found = np.full(len(lat), -1, dtype=np.int64)
    parts = [
        (np.column_stack([ring[:-1], ring[1:]]), unit) for unit, unit_rings in enumerate(rings) for ring in unit_rings
    ]
    if not parts or not len(lat):
        return found
    edges = np.concatenate([edge for edge, _ in parts])  # x0, y0, x1, y1
    owner = np.concatenate([np.full(len(edge), unit, dtype=np.int64) for edge, unit in parts])
    keep = edges[:, 1] != edges[:, 3]  # horizontal edges never cross an eastward ray
    edges, owner = edges[keep], owner[keep]
    low, high = np.minimum(edges[:, 1], edges[:, 3]), np.maximum(edges[:, 1], edges[:, 3])
    south, north = low.min(), high.max()
    west, east = np.minimum(edges[:, 0], edges[:, 2]).min(), np.maximum(edges[:, 0], edges[:, 2]).max()
    candidate = np.flatnonzero((lat >= south) & (lat <= north) & (lon >= west) & (lon <= east))
    if not len(candidate):
        return found
    strip_of_point = ((lat[candidate] - south) // STRIP).astype(np.int64)
    first_strip, last_strip = ((low - south) // STRIP).astype(np.int64), ((high - south) // STRIP).astype(np.int64)
    # every (strip, edge) pair, sorted by strip
    spans = last_strip - first_strip + 1
    edge_of_pair = np.repeat(np.arange(len(edges)), spans)
    offset = np.arange(len(edge_of_pair)) - np.repeat(np.cumsum(spans) - spans, spans)
    strip_of_pair = first_strip[edge_of_pair] + offset
    order = np.argsort(strip_of_pair, kind="stable")
    edge_of_pair, strip_of_pair = edge_of_pair[order], strip_of_pair[order]
    point_order = np.argsort(strip_of_point, kind="stable")
    strips = np.unique(strip_of_point)
    point_bounds = np.asarray(np.searchsorted(strip_of_point[point_order], np.concatenate([strips, strips + 1])))
    pair_bounds = np.asarray(np.searchsorted(strip_of_pair, np.concatenate([strips, strips + 1])))
    n = len(strips)
    x0, y0, x1, y1 = edges[:, 0], edges[:, 1], edges[:, 2], edges[:, 3]
    for k in range(n):
        points = candidate[point_order[point_bounds[k] : point_bounds[n + k]]]
        mine = edge_of_pair[pair_bounds[k] : pair_bounds[n + k]]
        if not len(mine):
            continue
        for chunk in range(0, len(points), max(1, 2_000_000 // len(mine))):
            at = points[chunk : chunk + max(1, 2_000_000 // len(mine))]
            py, px = lat[at][:, None], lon[at][:, None]
            ey0, ey1 = y0[mine][None, :], y1[mine][None, :]
            spans_y = (ey0 > py) != (ey1 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                cross_x = x0[mine][None, :] + (py - ey0) * (x1[mine] - x0[mine])[None, :] / (ey1 - ey0)
            crossing = spans_y & (px < cross_x)
            rows, columns = np.nonzero(crossing)
            if not len(rows):
                continue
            units = owner[mine][columns]
            key = rows.astype(np.int64) * len(rings) + units
            counts = np.bincount(key, minlength=len(at) * len(rings)).reshape(len(at), len(rings))
            inside = counts % 2 == 1
            has = inside.any(axis=1)
            found[at[has]] = inside[has].argmax(axis=1)
    return found


def assign(events: pd.DataFrame, units: dict[str, Units] | None = None) -> pd.DataFrame:
    """Per event (same index), the P-code of its governorate and district, <NA> where it lies in
    neither or its place is too coarse for that level (see the module's docstring), and whether
    its point lies in a unit at all (`inside`)."""
    units = units or load_units()
    districts = units["district"]
    located = events["latitude"].notna().to_numpy() & events["longitude"].notna().to_numpy()
    lat = events["latitude"].to_numpy(dtype=float, na_value=np.nan)
    lon = events["longitude"].to_numpy(dtype=float, na_value=np.nan)
    # distinct points only: events repeat places
    keys = np.where(located, np.round(lat * 1e5) * 1e8 + np.round(lon * 1e5), np.nan)
    distinct, inverse = np.unique(keys, return_inverse=True)
    first = np.full(len(distinct), -1, dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(keys))[::-1]
    number = locate(lat[first], lon[first], districts.rings)[inverse]
    governorates = units["governorate"]
    parent = np.array([governorates.pcodes.index(code) for code in districts.parents], dtype=np.int64)
    precision = events["geo_precision"].astype("string").fillna("")
    inside = number >= 0
    fine = {level: precision.isin(PRECISE_ENOUGH[level]).to_numpy() for level in LEVELS}
    district = pd.Categorical.from_codes(np.where(inside & fine["district"], number, -1), pd.Index(districts.pcodes))
    in_governorate = np.where(inside & fine["governorate"], parent[np.maximum(number, 0)], -1)
    governorate = pd.Categorical.from_codes(in_governorate, pd.Index(governorates.pcodes))
    # categorical P-codes: they read as text, and count as integers (`unit_counts`)
    return pd.DataFrame({"governorate": governorate, "district": district, "inside": inside}, index=events.index)


_ASSIGNED: dict[int, tuple[weakref.ref, pd.DataFrame]] = {}


def assigned(events: pd.DataFrame) -> pd.DataFrame:
    """`assign(events)`, kept while `events` lives: the app passes its whole data set, shared by
    every session, and reads each view's rows from it (`assigned(everything).loc[shown.index]`)."""
    kept = _ASSIGNED.get(id(events))
    if kept is not None and kept[0]() is events:
        return kept[1]
    result = assign(events)
    key = id(events)
    _ASSIGNED[key] = (weakref.ref(events, lambda _: _ASSIGNED.pop(key, None)), result)
    return result


# --- counts and classes ----------------------------------------------------------------------------


def unit_counts(events: pd.DataFrame, codes: pd.Series, units: Units) -> pd.DataFrame:
    """Events and fatalities per unit of `units` (every unit, zeros included), from each event's
    P-code at that level (`codes`, aligned with `events`: `assign`'s categorical column, or text)."""
    if isinstance(codes.dtype, pd.CategoricalDtype) and tuple(codes.cat.categories) == units.pcodes:
        number = codes.cat.codes.to_numpy().astype(np.int64)
    else:
        number = pd.Index(units.pcodes).get_indexer(pd.Index(codes.astype("string").fillna("")))
    inside = number >= 0
    deaths = events["fatalities"].fillna(0).to_numpy(dtype=np.int64)
    size = len(units.pcodes)
    return pd.DataFrame(
        {
            "pcode": units.pcodes,
            "name": units.names,
            "name_ar": units.names_ar,
            "events": np.bincount(number[inside], minlength=size),
            "fatalities": np.bincount(number[inside], weights=deaths[inside], minlength=size).astype(np.int64),
        }
    )


@dataclass(frozen=True)
class Class:
    """Values from `low` to `high` (inclusive), drawn in `color`, held by `units` units."""

    low: int
    high: int
    color: str
    units: int


def classes(values: np.ndarray | pd.Series, count: int = CLASS_COUNT) -> list[Class]:
    """Zero apart (when any unit has none), then up to `count` classes of the other values with
    about as many units in each (quantiles), bounds whole numbers.

    >>> [(c.low, c.high, c.units) for c in classes(np.array([0, 0, 1, 2, 3, 10, 50, 400]), 3)]
    [(0, 0, 2), (1, 2, 2), (3, 10, 2), (11, 400, 2)]
    """
    values = np.asarray(values, dtype=np.int64)
    out = []
    if (values == 0).any():
        out.append(Class(0, 0, ZERO_COLOR, int((values == 0).sum())))
    positive = np.sort(values[values > 0])
    if not len(positive):
        return out
    count = min(count, len(np.unique(positive)))
    uppers = [int(np.quantile(positive, k / count, method="inverted_cdf")) for k in range(1, count)]
    uppers = [*sorted({upper for upper in uppers if upper < positive[-1]}), int(positive[-1])]
    colors = _class_colors(len(uppers))
    low = int(positive[0])
    for upper, color in zip(uppers, colors, strict=True):
        held = int(((positive >= low) & (positive <= upper)).sum())
        out.append(Class(low, upper, color, held))
        low = upper + 1
    return out


def _class_colors(count: int) -> list[str]:
    """`count` of CLASS_COLORS spread from light to dark (one class: the darkest)."""
    if count == 1:
        return [CLASS_COLORS[-1]]
    return [CLASS_COLORS[int(k)] for k in np.round(np.linspace(0, len(CLASS_COLORS) - 1, count))]


def class_of(values: np.ndarray, found: list[Class]) -> np.ndarray:
    """Each value's class number in `found`."""
    highs = np.array([c.high for c in found], dtype=np.int64)
    return np.searchsorted(highs, np.asarray(values, dtype=np.int64), side="left")


def _amount(value: int, measure: str) -> str:
    one, many = MEASURE_WORDS[measure]
    return f"{value:,} {one if value == 1 else many}"


def class_label(found: Class, measure: str) -> str:
    """A legend line: "0 events · 3 districts", "1–12 killed · 4 districts"."""
    span = _amount(found.low, measure) if found.low == found.high else f"{found.low:,}–{_amount(found.high, measure)}"
    return span


def unit_word(level: str, count: int) -> str:
    return f"{count:,} {level if count == 1 else level + 's'}"


@dataclass(frozen=True)
class Coverage:
    """How many of the view's events the choropleth counts, and why the others are not."""

    counted: int
    too_coarse: int  # inside Iraq, but placed at a province, region or country: not in one unit
    outside: int  # in no unit of Iraq (another country, at sea, or not located)

    def text(self, level: str) -> str:
        """ "7,102 events counted; not counted: 230 known only to a province or coarser, 3 outside Iraq"."""
        coarser = "a province" if level == "district" else "a region"
        apart = [f"{self.too_coarse:,} known only to {coarser} or coarser"] if self.too_coarse else []
        apart += [f"{self.outside:,} outside Iraq or not located"] if self.outside else []
        return f"{self.counted:,} events counted" + (f"; not counted: {', '.join(apart)}" if apart else "")


def coverage(codes: pd.DataFrame, level: str) -> Coverage:
    """From `assign`'s columns for the view's events: counted at `level`, too coarse, outside."""
    has = codes[level].cat.codes.to_numpy() >= 0
    inside = codes["inside"].to_numpy()
    return Coverage(int(has.sum()), int((inside & ~has).sum()), int((~inside).sum()))


# --- the layer -------------------------------------------------------------------------------------


def legend_lines(found: list[Class], measure: str, level: str) -> list[dict[str, object]]:
    """The legend's class rows: colour, "1–32 killed", "16 districts", and the class's upper bound."""
    return [
        {"color": c.color, "label": class_label(c, measure), "held": unit_word(level, c.units), "high": c.high}
        for c in found
    ]


def legend_title(measure: str, level: str) -> str:
    """ "Events per district", "Killed per governorate"."""
    return f"{'Events' if measure == 'events' else 'Killed (best estimates)'} per {level}"


def method_text(found: list[Class], level: str) -> str:
    positive = [c for c in found if c.high > 0]
    if len(positive) <= 1:
        return "One class: every unit with any has the same colour."
    zero = " (none: grey)" if found and found[0].high == 0 else ""
    return f"{len(positive)} classes with about as many {level}s in each (quantiles){zero}."


class Choropleth(MacroElement):
    """The choropleth layer: an L.featureGroup on the map at once (streamlit-folium hears clicks on
    it), filled by static/maps/choropleth.js, loaded beside the map the first time one is drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (group, o) {
            var layer = L.featureGroup();
            function draw() {
                if (!layer._map) { return; }
                window.conflictmapChoropleth(layer, o);
            }
            function start() {
                if (window.conflictmapChoropleth) { draw(); return; }
                var loading = window.conflictmapChoroplethScript;
                window.conflictmapChoroplethScript = loading || new Promise(function (ok, no) {
                    var script = document.createElement("script");
                    script.src = o.script; script.onload = ok; script.onerror = no;
                    document.head.appendChild(script);
                });
                window.conflictmapChoroplethScript.then(draw, function () {
                    if (layer._map) { layer._map.getContainer().setAttribute("data-units", "failed: script"); }
                });
            }
            layer.once("add", start);
            layer.addTo(group);
            return layer;
        })({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, options: dict[str, object]) -> None:
        super().__init__()
        self._name = "Choropleth"
        self.options = script_json(options)


@dataclass(frozen=True)
class UnitsLayer(Layer):
    """The choropleth as the map's events layer: its level, measure, each drawn event's unit at
    that level (`codes`, aligned with the drawn events) and the counts per unit."""

    level: str = "district"
    measure: str = "events"
    codes: pd.Series | None = None
    counts: pd.DataFrame | None = None


def units_layer(
    events: pd.DataFrame,
    level: str,
    measure: str,
    assets: MapAssets,
    everything: pd.DataFrame | None = None,
    selected: str | None = None,
) -> UnitsLayer:
    """`events` counted per unit of `level` ("governorate" or "district") by `measure` ("events" or
    "fatalities"), as one layer. `everything`: the data set `events` were filtered from, whose units
    are found once and kept (`assigned`); `selected`: a unit's P-code to outline."""
    units = load_units()[level]
    codes = assigned(everything).loc[events.index] if everything is not None else assign(events)
    counts = unit_counts(events, codes[level], units)
    found = classes(counts[measure].to_numpy())
    numbers = class_of(counts[measure].to_numpy(), found)
    covered = coverage(codes, level)
    options = {
        "url": assets.url("basemap_units"),
        "script": assets.url("choropleth_js"),
        "level": level,
        "measure": measure,
        "events": counts["events"].tolist(),
        "fatalities": counts["fatalities"].tolist(),
        "class_of": numbers.tolist(),
        "classes": legend_lines(found, measure, level),
        "selected": selected,
        "words": {"events": MEASURE_WORDS["events"], "fatalities": MEASURE_WORDS["fatalities"]},
        "legend": {
            "title": legend_title(measure, level),
            "method": method_text(found, level),
            "coverage": covered.text(level) + ".",
        },
    }
    group = folium.FeatureGroup(name="Events")
    Choropleth(options).add_to(group)
    reason = (
        f"{legend_title(measure, level)} (OCHA COD-AB units): {covered.text(level)}. An event counts where its "
        f"coordinates lie, when its place is known to the {level} or better. Click a {level} to list its events."
    )
    return UnitsLayer(
        group=group, plan=Plan(LayerMode.UNITS, reason), level=level, measure=measure, codes=codes[level],
        counts=counts,
    )  # fmt: skip


def unit_at(latitude: float, longitude: float, level: str) -> str | None:
    """The P-code of the unit of `level` under a point (a click), None outside every unit."""
    units = load_units()[level]
    number = int(locate(np.array([latitude]), np.array([longitude]), units.rings)[0])
    return units.pcodes[number] if number >= 0 else None


def unit_name(pcode: str, level: str) -> str:
    """ "Al-Mosul district (Ninewa)", "Ninewa governorate"."""
    units = load_units()
    number = units[level].index(pcode)
    if number is None:
        return pcode
    name = f"{units[level].names[number]} {level}"
    if level == "district":
        parent = units["governorate"].index(units[level].parents[number])
        if parent is not None:
            name += f" ({units['governorate'].names[parent]})"
    return name
