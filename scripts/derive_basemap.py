#!/usr/bin/env python3
"""Derive the offline basemap in static/basemap/ from OCHA COD-AB, Natural Earth and the gazetteer.

Inputs (read only; see each folder's PROVENANCE.md):
  hdx-cod-ab-iraq/irq_admbnda_adm3_cso_20190603.geojson   Iraq's 294 sub-districts, with their district
                                                           and governorate: every admin line of Iraq
  natural-earth-mideast/ne_10m_*.mideast.geojson           neighbours' admin-1 lines, land borders, coast,
                                                           rivers, lakes, populated places (lon 24-64, lat 12-43)
  natural-earth-mideast/world/ne_50m_admin_0_boundary_lines_land.geojson   borders outside that box
  data/gazetteer/places.tsv.gz, admin_areas.tsv (this repository; optional): towns and villages with Arabic
                                                           names, and a point inside each admin unit

Outputs (static/basemap/), fetched by the browser and cached, never embedded in the map script:
  lines-z0.json, lines-z7.json, lines-z10.json   lines per zoom band (z <= 6, 7-9, >= 10), simplified
                                                 (Douglas-Peucker) and quantized for that band
  lines-world.json                               land borders outside the region (Natural Earth 50m)
  places.json                                    labels of cities, towns, admin units and water, by zoom
  villages.json                                  Iraq's villages (fetched from zoom 12 on)
  PROVENANCE.md                                  sources, licences, attribution, what was derived and how

A line is a flat list of integers: the first point, then deltas, as [lon, lat, dlon, dlat, ...] in units
of 1/scale degree. Run from the repository root: python scripts/derive_basemap.py [--shared ../shared/data]
Standard library only; the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import itertools
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "static" / "basemap"
GAZETTEER = REPO / "data" / "gazetteer"
COD = "hdx-cod-ab-iraq"
NE = "natural-earth-mideast"
COD_ADM3 = f"{COD}/irq_admbnda_adm3_cso_20190603.geojson"
COD_CENTROIDS = f"{COD}/irq_admin_centroids_cso_20190603.tsv"
NE_FILES = {
    "provinces": f"{NE}/ne_10m_admin_1_internal_lines.derived.mideast.geojson",
    "borders": f"{NE}/ne_10m_admin_0_boundary_lines_land.mideast.geojson",
    "coast": f"{NE}/ne_10m_coastline.mideast.geojson",
    "rivers": f"{NE}/ne_10m_rivers_lake_centerlines.mideast.geojson",
    "lakes": f"{NE}/ne_10m_lakes.mideast.geojson",
    "places": f"{NE}/ne_10m_populated_places.mideast.geojson",
    "world": f"{NE}/world/ne_50m_admin_0_boundary_lines_land.geojson",
}
#: The box the Natural Earth 10m extract covers (west, south, east, north); 50m borders outside it.
REGION = (24.0, 12.0, 64.0, 43.0)


@dataclass(frozen=True)
class Band:
    """Zooms `min_zoom`..`max_zoom` share one file: lines simplified to `tolerance` degrees (about half
    a pixel at the band's highest zoom) and stored in units of 1/`scale` degree."""

    name: str
    min_zoom: int
    max_zoom: int
    tolerance: float
    scale: int


BANDS = (
    Band("z0", 0, 6, 0.02, 1_000),
    Band("z7", 7, 9, 0.0015, 2_000),
    Band("z10", 10, 18, 0.0001, 20_000),
)
#: Land borders outside REGION, in one file the browser fetches only when the view leaves REGION.
WORLD = Band("world", 0, 18, 0.01, 1_000)
#: Admin lines of Iraq by the highest level they separate; districts from z7, sub-districts from z10.
IRAQ_LEVELS = {"governorates": 0, "districts": 7, "subdistricts": 10}
#: Rivers drawn from this zoom by Natural Earth scalerank (the Tigris is 4, the Karkheh 8).
RIVER_MIN_ZOOM = ((4, 0), (7, 5), (99, 7))
#: Natural Earth's 1:10m rivers are generalised by up to a kilometre or so: not drawn (nor named) closer in.
RIVER_MAX_ZOOM = 12
#: NE calls reaches by their local names; the labels say what an analyst calls the river.
RIVER_NAMES = {"دجلة": "Tigris", "الفرات": "Euphrates"}
#: Known typos in the sources' labels (Natural Earth, and a WOF record copied from it).
SPELLING_FIXES = {"Az Aubayr": "Az Zubayr"}
LAKE_NAMES = {"Milh": "Lake Razazah", "Tharthar": "Lake Tharthar", "Habbaniyah": "Lake Habbaniyah"}


class InputMissing(RuntimeError):
    pass


# --- geometry ---------------------------------------------------------------------------------------


def read_features(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputMissing(f"{path} is missing (see --shared)")
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def lines_of(geometry: dict | None) -> list[list[tuple[float, float]]]:
    """Every line or ring of a geometry as a list of (lon, lat)."""
    if geometry is None:
        return []
    kind, coords = geometry["type"], geometry["coordinates"]
    parts = {
        "LineString": [coords],
        "MultiLineString": coords,
        "Polygon": coords,
        "MultiPolygon": [ring for polygon in coords for ring in polygon],
    }[kind]
    return [[(float(x), float(y)) for x, y, *_ in part] for part in parts]


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the fewest points within `tolerance` degrees of the line; ends kept.

    >>> simplify([(0, 0), (1, 0.001), (2, 0)], 0.01)
    [(0, 0), (2, 0)]
    """
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            # distance from the chord (or from its start, when the line comes back to it)
            distance = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def encode(points: list[tuple[float, float]], scale: int) -> list[int]:
    """Quantized, delta-encoded [lon, lat, dlon, dlat, ...]; repeated points dropped.

    >>> encode([(44.5, 33.25), (44.75, 33.0)], 100)
    [4450, 3325, 25, -25]
    """
    flat, last = [], None
    for lon, lat in points:
        q = (round(lon * scale), round(lat * scale))
        if q == last:
            continue
        flat += [q[0], q[1]] if last is None else [q[0] - last[0], q[1] - last[1]]
        last = q
    return flat


def encode_lines(lines: list[list[tuple[float, float]]], band: Band, closed: bool = False) -> list[list[int]]:
    """Simplify and encode each line for `band`, dropping what shrinks to nothing."""
    out = []
    for line in lines:
        coded = encode(simplify(line, band.tolerance), band.scale)
        if len(coded) >= (8 if closed else 4):
            out.append(coded)
    return out


def bbox_of(line: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    return min(xs), min(ys), max(xs), max(ys)


def outside_box(line: list[tuple[float, float]], box: tuple[float, float, float, float]) -> list[list]:
    """The parts of `line` outside `box` (Liang-Barsky per segment), as separate lines."""
    west, south, east, north = box
    parts, current = [], []
    for (x0, y0), (x1, y1) in itertools.pairwise(line):
        dx, dy = x1 - x0, y1 - y0
        t0, t1, crosses = 0.0, 1.0, True
        for p, q in ((-dx, x0 - west), (dx, east - x0), (-dy, y0 - south), (dy, north - y0)):
            if p == 0:
                if q < 0:
                    crosses = False
                    break
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
        if crosses and t0 < t1:  # the segment runs inside from t0 to t1
            if t0 > 0:
                current = current or [(x0, y0)]
                current.append((x0 + t0 * dx, y0 + t0 * dy))
            if len(current) >= 2:
                parts.append(current)
            current = [(x0 + t1 * dx, y0 + t1 * dy), (x1, y1)] if t1 < 1 else []
        else:
            current = current or [(x0, y0)]
            current.append((x1, y1))
    if len(current) >= 2:
        parts.append(current)
    return parts


def iraq_admin_lines(features: list[dict]) -> dict[str, list[list[tuple[float, float]]]]:
    """Iraq's internal admin lines from its sub-district polygons, each shared edge once, classed by the
    highest level it separates, and chained between junctions (so simplification leaves no gaps).

    The polygons share their vertices exactly (18,602 of 20,827 edges are shared by two of them);
    edges on one polygon only are the country's outline, drawn from Natural Earth instead.
    """
    sides: dict[tuple, list[tuple[str, str, str]]] = defaultdict(list)
    for feature in features:
        p = feature["properties"]
        unit = (p["ADM1_PCODE"], p["ADM2_PCODE"], p["ADM3_PCODE"])
        for ring in lines_of(feature["geometry"]):
            for a, b in itertools.pairwise(ring):
                if a != b:
                    sides[(min(a, b), max(a, b))].append(unit)
    degree: Counter = Counter()
    level_of: dict[tuple, str] = {}
    for edge, units in sides.items():
        degree[edge[0]] += 1
        degree[edge[1]] += 1
        if len(units) == 2:
            (g1, d1, _), (g2, d2, _) = units
            level_of[edge] = "governorates" if g1 != g2 else "districts" if d1 != d2 else "subdistricts"
    neighbours: dict[tuple, list[tuple]] = defaultdict(list)
    for a, b in sorted(level_of):
        neighbours[a].append(b)
        neighbours[b].append(a)
    used: set[tuple] = set()
    chains: dict[str, list] = {level: [] for level in IRAQ_LEVELS}

    def walk(start: tuple, following: tuple) -> list[tuple]:
        first = (min(start, following), max(start, following))
        level, chain, previous, point = level_of[first], [start], start, following
        used.add(first)
        while True:
            chain.append(point)
            if degree[point] != 2 or point == start:
                return chain
            (onward,) = [n for n in neighbours[point] if n != previous] or [None]
            edge = (min(point, onward), max(point, onward)) if onward else None
            if onward is None or edge in used or level_of.get(edge) != level:
                return chain
            used.add(edge)
            previous, point = point, onward

    # Chains start at junctions first, then whatever is left is a closed ring (an enclave).
    for start in sorted(neighbours, key=lambda p: (degree[p] == 2, p)):
        for following in sorted(neighbours[start]):
            edge = (min(start, following), max(start, following))
            if edge not in used:
                chains[level_of[edge]].append(walk(start, following))
    return chains


#: Iraq's governorates and districts as filled shapes (units.json, for the choropleth and for placing
#: events in their unit): one tolerance, fine enough that an event 50 m inside a border stays inside.
UNITS = Band("units", 0, 18, 0.0005, 20_000)


def dissolve(features: list[dict], level: str) -> dict[str, list[list[tuple[float, float]]]]:
    """The rings of each unit of `level` ("ADM1" or "ADM2") made from its sub-districts: every edge the
    unit's sub-districts share with each other cancels out, the rest chain into closed rings."""
    edges: dict[str, list[tuple]] = defaultdict(list)
    for feature in features:
        code = feature["properties"][f"{level}_PCODE"]
        for ring in lines_of(feature["geometry"]):
            edges[code] += [(a, b) for a, b in itertools.pairwise(ring) if a != b]
    rings: dict[str, list] = {}
    for code, directed in sorted(edges.items()):
        count = Counter((min(a, b), max(a, b)) for a, b in directed)
        outward: dict[tuple, list[tuple]] = defaultdict(list)
        for a, b in directed:
            if count[(min(a, b), max(a, b))] == 1:
                outward[a].append(b)
        for targets in outward.values():
            targets.sort(reverse=True)
        found = []
        for start in sorted(outward):
            while outward[start]:
                ring, point = [start], start
                while outward[point]:
                    point = outward[point].pop()
                    ring.append(point)
                    if point == start:
                        break
                if len(ring) >= 4 and ring[0] == ring[-1]:
                    found.append(ring)
        rings[code] = found
    return rings


def simplify_shared(rings: dict[str, list[list[tuple[float, float]]]], tolerance: float) -> dict[str, list]:
    """Douglas-Peucker on every ring, keeping the points where borders meet and simplifying each stretch
    between them once, the same way for both units it separates: neighbours keep sharing their edge."""
    near: dict[tuple, set] = defaultdict(set)
    for unit_rings in rings.values():
        for ring in unit_rings:
            for a, b in itertools.pairwise(ring):
                near[a].add(b)
                near[b].add(a)
    junction = {point for point, others in near.items() if len(others) > 2}
    done: dict[tuple, list] = {}

    def stretch(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        forward = points[0] < points[-1] or (points[0] == points[-1] and points[1] <= points[-2])
        key = tuple(points) if forward else tuple(reversed(points))
        if key not in done:
            done[key] = simplify(list(key), tolerance)
        return done[key] if forward else list(reversed(done[key]))

    out: dict[str, list] = {}
    for code, unit_rings in rings.items():
        simplified = []
        for ring in unit_rings:
            body = ring[:-1]
            cuts = [i for i, point in enumerate(body) if point in junction]
            if not cuts:  # a ring that meets no other border: start it at its lowest point
                low = body.index(min(body))
                body = body[low:] + body[:low]
                cuts = [0]
            body = body[cuts[0]:] + body[: cuts[0]]
            cuts = [i - cuts[0] for i in cuts] + [len(body)]
            closed = [*body, body[0]]
            points: list[tuple[float, float]] = []
            for a, b in itertools.pairwise(cuts):
                part = stretch(closed[a : b + 1])
                points += part if not points else part[1:]
            if len(set(points)) >= 3:
                simplified.append(points)
        out[code] = simplified
    return out


def admin_units(features: list[dict]) -> dict[str, object]:
    """units.json: per level (governorate, district) the units' P-codes, names (English, Arabic) and
    rings (closed, encoded as the lines are), sorted by P-code; a district's parent is its governorate."""
    levels: dict[str, object] = {}
    for level, key in (("governorate", "ADM1"), ("district", "ADM2")):
        names = {}
        for feature in features:
            p = feature["properties"]
            names[p[f"{key}_PCODE"]] = (p[f"{key}_EN"], p[f"{key}_AR"], p["ADM1_PCODE"])
        rings = simplify_shared(dissolve(features, key), UNITS.tolerance)
        codes = sorted(rings)
        levels[level] = {
            "pcode": codes,
            "name": [names[code][0] for code in codes],
            "name_ar": [names[code][1] for code in codes],
            "parent": [names[code][2] for code in codes],
            "rings": [[encode(ring, UNITS.scale) for ring in rings[code]] for code in codes],
        }
    return {"scale": UNITS.scale, "tolerance": UNITS.tolerance, "levels": levels}


# --- names -----------------------------------------------------------------------------------------

_ARTICLE = re.compile(r"^(?:a[lnrsdtz]|ash|ath|adh|el)[\s-]+")


def name_key(name: str) -> str:
    """A name folded for comparing spellings: "Ar Ramadi" -> "ramadi", "Tall ‘Afar" -> "tallafar"."""
    text = unicodedata.normalize("NFKD", name or "").lower()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _ARTICLE.sub("", text)
    return re.sub(r"[^a-z0-9]", "", text)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return 111.2 * math.hypot(lat2 - lat1, (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2)))


@dataclass
class Label:
    name: str
    name_ar: str
    lat: float
    lon: float
    zoom: int
    kind: str  # capital, city, town, village, admin1, admin2, water
    rank: float  # larger first, within a zoom
    max_zoom: int = 99


def gazetteer_rows(folder: Path) -> list[dict[str, str]]:
    path = folder / "places.tsv.gz"
    if not path.is_file():
        return []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def population(row: dict[str, str]) -> int:
    return int(row["population"]) if row.get("population", "").isdigit() else 0


def ne_place_zoom(p: dict) -> int:
    """The zoom a Natural Earth place is labelled from: capitals first, Iraq's cities before others'."""
    if p["adm0cap"]:
        return 4
    big = (p["pop_max"] or 0) >= 100_000
    if p["adm0_a3"] == "IRQ":
        return 6 if p["featurecla"] == "Admin-1 capital" or big else 7
    if p["featurecla"] == "Admin-1 capital" and (p["pop_max"] or 0) >= 1_000_000:
        return 6
    return 7 if (p["pop_max"] or 0) >= 300_000 else 8


def gazetteer_zoom(row: dict[str, str]) -> int | None:
    """The zoom a gazetteer locality is labelled from (None: not labelled). Iraq's district seats and
    WOF's curated towns (no GeoNames code) from 8, sub-district seats from 9, villages from 11; the
    neighbours' towns by population. Abandoned, destroyed and historical places are left out."""
    if row["status"] or row["kind"] not in ("locality", "neighbourhood"):
        return None
    people, code, iraq = population(row), row["feature_code"], row["country"] == "IQ"
    if row["kind"] == "neighbourhood":
        return 11 if iraq else None
    if people >= 100_000:
        return 7
    if people >= 30_000 or code in ("PPLA", "PPLA2", "PPLC") or (iraq and code == ""):
        return 8
    if people >= 10_000 or code == "PPLA3":
        return 9
    return 12 if iraq else None


def place_labels(ne_places: list[dict], gazetteer: list[dict[str, str]]) -> list[Label]:
    """Natural Earth's places, named (and given Arabic) from the gazetteer record that matches, then
    the gazetteer's towns and villages not already labelled."""
    towns = [r for r in gazetteer if gazetteer_zoom(r) is not None]
    by_cell: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in towns:
        row["_lat"], row["_lon"] = float(row["latitude"]), float(row["longitude"])
        by_cell[(int(row["_lat"] * 5), int(row["_lon"] * 5))].append(row)

    def near(lat: float, lon: float, radius_km: float) -> list[tuple[float, dict]]:
        found = []
        for i in range(int(lat * 5) - 1, int(lat * 5) + 2):
            for j in range(int(lon * 5) - 1, int(lon * 5) + 2):
                for row in by_cell.get((i, j), []):
                    distance = km(lat, lon, row["_lat"], row["_lon"])
                    if distance <= radius_km:
                        found.append((distance, row))
        return sorted(found, key=lambda item: (item[0], item[1]["id"]))

    labels, taken = [], set()
    for p in sorted(ne_places, key=lambda p: (p["scalerank"], -(p["pop_max"] or 0), p["name"])):
        lat, lon = float(p["latitude"]), float(p["longitude"])
        keys = {name_key(p["name"]), name_key(p.get("name_en") or "")} - {""}
        candidates = [(d, r) for d, r in near(lat, lon, 15) if r["country"] == p["iso_a2"]]
        named = [r for _, r in candidates if keys & {name_key(n) for n in [r["name"], *r["alternates"].split("|")]}]
        # the record named so first (WOF's "Sewera" also lists "Tikrit"), then a populated one, then the nearest
        match = next((r for r in named if name_key(r["name"]) in keys), None) or next(
            (r for r in named if population(r)), named[0] if named else None
        )
        english = p.get("name_en") or (match["name"] if match and match["feature_code"] == "" else p["name"])
        if match is None:  # a notable town just there under another spelling
            match = next((r for d, r in candidates if d <= 5 and gazetteer_zoom(r) <= 8), None)
            english = p.get("name_en") or (match["name"] if match else p["name"])
        english = SPELLING_FIXES.get(english, english)
        arabic = p.get("name_ar") or (match["name_ar"] if match else "")
        if match:
            taken.add(match["id"])
        kind = "capital" if p["adm0cap"] else "city"
        labels.append(Label(english, arabic, lat, lon, ne_place_zoom(p), kind, float(p["pop_max"] or 0)))
    placed = [(label.lat, label.lon, name_key(label.name), label.name_ar) for label in labels]
    for row in sorted(towns, key=lambda r: (gazetteer_zoom(r), -population(r), r["id"])):
        if row["id"] in taken:
            continue
        lat, lon, key = row["_lat"], row["_lon"], name_key(row["name"])
        # the same town under another record (WOF keeps a few twins): same name or Arabic name nearby
        if any(
            km(lat, lon, a, b) < 10 and (key == k or (row["name_ar"] and row["name_ar"] == ar))
            for a, b, k, ar in placed
        ):
            continue
        zoom = gazetteer_zoom(row)
        kind = "village" if zoom >= 12 else "town"
        labels.append(Label(row["name"], row["name_ar"], lat, lon, zoom, kind, float(population(row))))
        if zoom <= 9:
            placed.append((lat, lon, key, row["name_ar"]))
    return labels


def admin_labels(shared: Path) -> list[Label]:
    """Governorate names at z6-8, district names at z9-10, sub-district names at z11-12, at a point inside
    each unit; not the "Markaz X" sub-districts, the centres of district X, whose town is labelled."""
    path = GAZETTEER / "admin_areas.tsv"
    if path.is_file():
        rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
        units = [(r["level"], r["name"], r["name_ar"], float(r["latitude"]), float(r["longitude"])) for r in rows]
    else:  # the COD centroids (2 of 413 fall just outside their unit)
        rows = list(csv.DictReader((shared / COD_CENTROIDS).open(encoding="utf-8"), delimiter="\t"))
        level_names = {"adm1": "governorate", "adm2": "district", "adm3": "sub-district"}
        units = [
            (level_names[r["level"]], r["name_en"], r["name_ar"], float(r["latitude"]), float(r["longitude"]))
            for r in rows
        ]
    zooms = {"governorate": (6, 8, "admin1"), "district": (9, 10, "admin2"), "sub-district": (11, 12, "admin2")}
    return [
        Label(name, arabic, lat, lon, zooms[level][0], zooms[level][2], 0.0, zooms[level][1])
        for level, name, arabic, lat, lon in sorted(units)
        if level in zooms and not name.startswith("Markaz ")
    ]


def water_labels(rivers: list[dict], lakes: list[dict]) -> list[Label]:
    """A label every ~2.5 degrees along the main rivers inside the region, and one per lake."""
    labels = []
    for feature in rivers:
        p = feature["properties"]
        arabic = p.get("name_ar") or ""
        name = RIVER_NAMES.get(arabic) or p.get("name_en") or p.get("name")
        if not name or "?" in name or p["scalerank"] > 8:
            continue
        zoom = 7 if p["scalerank"] <= 4 else 8
        for line in lines_of(feature["geometry"]):
            walked, next_at = 0.0, 0.5
            for (x0, y0), (x1, y1) in itertools.pairwise(line):
                walked += math.hypot(x1 - x0, y1 - y0)
                if walked >= next_at:
                    labels.append(Label(name, arabic, y1, x1, zoom, "water", 10 - p["scalerank"], RIVER_MAX_ZOOM))
                    next_at = walked + 2.5
    for feature in lakes:
        p = feature["properties"]
        name = LAKE_NAMES.get(p.get("name_en")) or p.get("name")
        if not name:
            continue
        ring = max(lines_of(feature["geometry"]), key=len)
        west, south, east, north = bbox_of(ring)
        zoom = 7 if p["scalerank"] <= 6 else 8
        labels.append(Label(name, p.get("name_ar") or "", (south + north) / 2, (west + east) / 2, zoom, "water", 5))
    return labels


# --- files -----------------------------------------------------------------------------------------


def dumps(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def labels_json(labels: list[Label], scale: int = 10_000) -> bytes:
    """Labels as columns, most important first: the browser places them in this order."""
    order = sorted(labels, key=lambda label: (label.zoom, -label.rank, label.kind, label.name))
    kinds = sorted({label.kind for label in order})
    return dumps(
        {
            "scale": scale,
            "kinds": kinds,
            "name": [label.name for label in order],
            "name_ar": [label.name_ar or "" for label in order],
            "lat": [round(label.lat * scale) for label in order],
            "lon": [round(label.lon * scale) for label in order],
            "zoom": [label.zoom for label in order],
            "max_zoom": [min(label.max_zoom, 99) for label in order],
            "kind": [kinds.index(label.kind) for label in order],
        }
    )


def derive(shared: Path, out: Path) -> dict[str, int]:
    """Write every file; returns their sizes in bytes."""
    cod = read_features(shared / COD_ADM3)
    ne = {layer: read_features(shared / path) for layer, path in NE_FILES.items()}
    iraq = iraq_admin_lines(cod)
    provinces = [
        line for f in ne["provinces"] if f["properties"]["adm0_a3"] != "IRQ" for line in lines_of(f["geometry"])
    ]
    borders, disputed = [], []
    for f in ne["borders"]:
        cls = f["properties"]["featurecla"]
        if cls.startswith("Overlay limit"):
            continue  # UN buffer zones and UNDOF limits: not borders
        (borders if cls.startswith("International") else disputed).extend(lines_of(f["geometry"]))
    coast = [line for f in ne["coast"] for line in lines_of(f["geometry"])]
    world = [part for f in ne["world"] for line in lines_of(f["geometry"]) for part in outside_box(line, REGION)]
    rivers_by_zoom = defaultdict(list)
    for f in ne["rivers"]:
        zoom = next(z for rank, z in RIVER_MIN_ZOOM if f["properties"]["scalerank"] <= rank)
        rivers_by_zoom[zoom] += lines_of(f["geometry"])
    lakes = [lines_of(f["geometry"]) for f in ne["lakes"]]  # every ring: the browser fills even-odd

    sizes = {}
    out.mkdir(parents=True, exist_ok=True)
    data = dumps({"band": WORLD.name, "scale": WORLD.scale, "layers": {"world": encode_lines(world, WORLD)}})
    (out / "lines-world.json").write_bytes(data)
    sizes["lines-world.json"] = len(data)
    for band in BANDS:
        layers = {
            "borders": encode_lines(borders, band),
            "disputed": encode_lines(disputed, band),
            "coast": encode_lines(coast, band),
            "provinces": encode_lines(provinces, band),
            "rivers": encode_lines(
                [ln for z, lines in rivers_by_zoom.items() if z <= band.max_zoom for ln in lines], band
            ),
            "lakes": [encode_lines(polygon, band, closed=True) for polygon in lakes],
        }
        layers["lakes"] = [polygon for polygon in layers["lakes"] if polygon]
        for level, zoom in IRAQ_LEVELS.items():
            if zoom <= band.min_zoom:
                layers[level] = encode_lines(iraq[level], band)
        data = dumps({"band": band.name, "min_zoom": band.min_zoom, "max_zoom": band.max_zoom, "scale": band.scale,
                      "layers": layers})  # fmt: skip
        (out / f"lines-{band.name}.json").write_bytes(data)
        sizes[f"lines-{band.name}.json"] = len(data)

    data = dumps(admin_units(cod))
    (out / "units.json").write_bytes(data)
    sizes["units.json"] = len(data)

    gazetteer = gazetteer_rows(GAZETTEER)
    labels = place_labels([f["properties"] for f in ne["places"]], gazetteer)
    labels += admin_labels(shared) + water_labels(ne["rivers"], ne["lakes"])
    for name, part in (
        ("places.json", [label for label in labels if label.kind != "village"]),
        ("villages.json", [label for label in labels if label.kind == "village"]),
    ):
        data = labels_json(part)
        (out / name).write_bytes(data)
        sizes[name] = len(data)
    counts = Counter(label.kind for label in labels)
    provenance = provenance_md(shared, sizes, counts, bool(gazetteer))
    (out / "PROVENANCE.md").write_text(provenance, encoding="utf-8")
    return sizes


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "(missing)"


def provenance_md(shared: Path, sizes: dict[str, int], counts: Counter, with_gazetteer: bool) -> str:
    inputs = [COD_ADM3, *NE_FILES.values()]
    table = "\n".join(f"| `{name}` | {size / 1024:.0f} KB |" for name, size in sizes.items())
    hashes = "\n".join(f"- `{path}` sha256 `{sha256(shared / path)}`" for path in inputs)
    gazetteer = (
        f"- `data/gazetteer/places.tsv.gz` sha256 `{sha256(GAZETTEER / 'places.tsv.gz')}`\n"
        f"- `data/gazetteer/admin_areas.tsv` sha256 `{sha256(GAZETTEER / 'admin_areas.tsv')}`"
        if with_gazetteer
        else "- the gazetteer was not there: Natural Earth places only"
    )
    kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(counts.items()))
    buffer = io.StringIO()
    buffer.write(f"""# static/basemap — the offline basemap

Derived, not hand-written: `python scripts/derive_basemap.py` (from the repository root; `--shared DIR`
points at the real data, default `../shared/data`) rebuilds every file here byte for byte. The browser
fetches these files from `/app/static/basemap/` and caches them; the map script only names them.
`basemap.js` and `basemap.css` (hand-written) draw them: see `conflictmap/maps/basemap.py`.

## Attribution (shown on the map and the About page)

> Boundaries of Iraq: Iraq Central Statistics Organization (CSO) / OCHA, via the Humanitarian Data
> Exchange (HDX), COD-AB Iraq 2019-06-03. Borders, coast, rivers, lakes, cities: Natural Earth (public
> domain). Neighbours' provinces: Natural Earth via Elastic Maps Service. Towns and villages: Who's On
> First, including GeoNames (CC BY 4.0).

## Sources and licences

1. **OCHA / Iraq CSO COD-AB, 2019-06-03** (`../shared/data/{COD}/`, its PROVENANCE.md): the 294 sub-district
   polygons with their district and governorate. HDX attribution licence (CC BY-IGO 3.0 family; confirm
   on the HDX Iraq page before a release). Every internal admin line of Iraq is an edge shared by two
   sub-districts, classed by the highest level it separates (governorate, district, sub-district), so the
   three levels never disagree; the country's outline comes from Natural Earth.
2. **Natural Earth** 10m, clipped to lon 24–64 E, lat 12–43 N (`../shared/data/{NE}/`, its PROVENANCE.md):
   land borders (International boundary solid; Disputed, Indefinite and Line of control dashed; UN
   overlay limits left out), coastline, rivers and lake centrelines, lakes, populated places. Public
   domain. Outside that box, Natural Earth 50m land borders. Natural Earth shows de facto boundaries.
3. **Neighbours' first-level units**: the internal admin-1 lines derived from Elastic Maps Service's
   edition of Natural Earth admin-1 (Iraq's own lines are left out: COD-AB draws them). A cautious
   reading of Elastic's licence treats this geometry as ODbL; the units that exist only in Elastic's
   file (`ems_admin_1_units_not_in_natural_earth…`) are not used.
4. **Towns and villages**: `data/gazetteer/` (Who's On First, GeoNames CC BY 4.0; see its PROVENANCE.md):
   Arabic names for Natural Earth's places (the record that matches by name within 15 km, else the
   nearest town within 5 km), Iraq's district and sub-district seats and curated towns, the
   neighbours' towns by population, Iraq's villages; abandoned, destroyed and historical places left out.
   Governorate and district names (COD-AB) sit at a point inside each unit.

## Files

| file | size |
|---|---|
{table}

Labels: {kinds}. Each label has the zoom it appears from (capitals 4; Iraq's cities 6, other cities
7–8; district seats and towns 8; sub-district seats 9; neighbourhoods 11; villages 12; governorate names
6–8, district names 9–10, sub-district names 11–12; rivers and lakes 7–8); the browser places them most
important first, beside event clusters rather than over them, and skips any that would overlap another.

Lines per zoom band: Douglas-Peucker tolerance and quantization per band —
""")
    for band in (*BANDS, WORLD):
        buffer.write(f"- `{band.name}`: zoom {band.min_zoom}–{band.max_zoom}, tolerance {band.tolerance}°, "
                     f"units of 1/{band.scale}°\n")  # fmt: skip
    buffer.write(f"""
Districts appear from zoom 7, sub-districts from 10; rivers by Natural Earth scalerank (Tigris, Euphrates,
Shatt al-Arab from the start), and only up to zoom 12: closer in, their 1:10m generalisation (up to a
kilometre or so) would put places on the wrong bank.

## Inputs (sha256)

{hashes}
{gazetteer}
""")
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the real data (default ../shared/data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default static/basemap)")
    args = parser.parse_args(argv)
    try:
        sizes = derive(args.shared, args.out)
    except InputMissing as error:
        print(f"derive_basemap: {error}", file=sys.stderr)
        return 1
    for name, size in sizes.items():
        print(f"{name:18} {size / 1024:8.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
