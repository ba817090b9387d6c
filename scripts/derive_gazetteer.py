#!/usr/bin/env python3
"""Derive the offline gazetteer shipped in data/gazetteer/ from the real data in ../shared/data/.

Inputs (read only, see each folder's PROVENANCE.md):
  wof-gazetteer-iraq-neighbours/wof_{iq,sy,ir,tr,jo,sa,kw}.tsv[.gz]   Who's On First records
  hdx-cod-ab-iraq/irq_admbnda_adm{1,2,3}_cso_20190603.geojson          OCHA/CSO COD-AB polygons
  hdx-cod-ab-iraq/irq_admin_centroids_cso_20190603.tsv                 their centroids

Outputs:
  data/gazetteer/places.tsv.gz      one row per place (gzip without name or timestamp: deterministic)
  data/gazetteer/admin_areas.tsv    every COD-AB governorate, district and sub-district
  data/gazetteer/PROVENANCE.md      sources, licences, attribution, what was kept and skipped, sizes
  --holdout OUT.csv (optional)      ~500 Iraqi localities with an Arabic name, FOR BENCHMARKS ONLY: the
                                    benchmark must build its index with these rows' Arabic names removed.
                                    Refused inside data/ (it is not shipped).

Run from the repository root:  python scripts/derive_gazetteer.py [--shared ../shared/data]
Standard library + numpy only; the same inputs give the same output bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "data" / "gazetteer"
WOF_DIR = "wof-gazetteer-iraq-neighbours"
COD_DIR = "hdx-cod-ab-iraq"
COD_FILES = {
    1: "irq_admbnda_adm1_cso_20190603.geojson",
    2: "irq_admbnda_adm2_cso_20190603.geojson",
    3: "irq_admbnda_adm3_cso_20190603.geojson",
}
COD_CENTROIDS = "irq_admin_centroids_cso_20190603.tsv"
COD_ADM0 = "irq_admbnda_adm0_cso_itos_20190603.geojson"
COUNTRIES = ("IQ", "SY", "IR", "TR", "JO", "SA", "KW")
#: Neighbours that are cut to their notable places (see `keep_neighbour_row`); the others are kept whole.
CUT_COUNTRIES = frozenset({"IR", "TR"})

PLACE_COLUMNS = [
    "id",
    "name",
    "name_ar",
    "alternates",
    "kind",
    "feature_code",
    "status",
    "latitude",
    "longitude",
    "country",
    "population",
    "admin1_pcode",
    "admin1",
    "admin2_pcode",
    "admin2",
    "admin3_pcode",
    "admin3",
    "gn_admin1_pcode",
    "gn_admin2_pcode",
]
ADMIN_COLUMNS = [
    "pcode",
    "level",
    "name",
    "name_ar",
    "alternates",
    "parent_pcode",
    "latitude",
    "longitude",
    "min_lat",
    "min_lon",
    "max_lat",
    "max_lon",
]
HOLDOUT_COLUMNS = ["name_ar", "latitude", "longitude", "admin1", "admin2", "id"]
HOLDOUT_SEED = 20240607
HOLDOUT_SIZE = 500
HOLDOUT_NOTE = "for benchmarks only; the benchmark must build its index with these rows' Arabic names removed"

KIND_OF_PLACETYPE = {
    "locality": "locality",
    "neighbourhood": "neighbourhood",
    "microhood": "neighbourhood",
    "macrohood": "neighbourhood",
    "campus": "airport",  # every WOF campus in these files is an airport / air base
    "county": "district",
    "localadmin": "district",
    "region": "governorate",
}
STATUS_OF_CODE = {"PPLQ": "abandoned", "PPLW": "destroyed", "PPLH": "historical"}
LEVEL_NAME = {1: "governorate", 2: "district", 3: "sub-district"}
NEAREST_KM = 5.0
#: IR/TR villages this close to Iraq's border (COD-AB adm0 outline) are kept whatever their notability.
BORDER_KM = 100.0
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQ = 111.320

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff\u02b0-\u02ff]")


class InputMissing(Exception):
    """An input file or folder is not where --shared says it is."""


# ----------------------------------------------------------------------------------------- names


def clean(value: str) -> str:
    """NFC, no tab/newline/`|` (they separate fields and alternates), single spaces, stripped."""
    value = unicodedata.normalize("NFC", str(value))
    value = re.sub(r"[\t\r\n|]+", " ", value)
    return re.sub(r"\s+", " ", value).strip()


def is_arabic(value: str) -> bool:
    return bool(ARABIC_SCRIPT.search(value))


def is_latin(value: str) -> bool:
    """Latin letters and no letters of another script (so `At Tājī` yes, `الفلوجة` or `Багдад` no)."""
    return bool(LATIN_LETTER.search(value)) and not NON_LATIN_LETTER.search(value)


def parse_names(raw: str) -> dict[str, list[str]]:
    """The `names` column: JSON object of `name:<lang>_x_<kind>` -> list of names ('' -> {})."""
    if not raw:
        return {}
    data = json.loads(raw)
    out: dict[str, list[str]] = {}
    for key, values in data.items():
        if isinstance(values, str):
            values = [values]
        out[key] = [clean(v) for v in values if v is not None and clean(v)]
    return out


def arabic_name(names: dict[str, list[str]]) -> str:
    """The Arabic preferred name written in Arabic script, else the first Arabic-script Arabic variant.

    WOF's `name:ara_x_preferred` is sometimes Latin (one `At Tājī` has `["At Tājī"]`); those are no
    Arabic name. Untagged (`und`) Arabic-script variants are not used: they may be Kurdish or Persian.
    """
    for key in ("name:ara_x_preferred", "name:ara_x_variant"):
        for value in names.get(key, []):
            if is_arabic(value):
                return value
    return ""


def best_label(row: dict[str, str], names: dict[str, list[str]]) -> str:
    """Best English/Latin label: gn_name (diacritics), else English preferred, else the primary name,
    else an English or untagged Latin variant, else any Latin name; the primary name if nothing is Latin
    (Fallujah's primary is `الفلوجة`, Ramadi's `Ramadie`: both have an English preferred name)."""
    candidates = [
        row.get("gn_name", ""),
        *names.get("name:eng_x_preferred", []),
        row.get("name", ""),
        row.get("gn_asciiname", ""),
        *names.get("name:eng_x_variant", []),
        *names.get("name:und_x_variant", []),
        *(v for key in sorted(names) for v in names[key]),
    ]
    for value in candidates:
        value = clean(value)
        if value and is_latin(value):
            return value
    return clean(row.get("name", ""))


def all_names(row: dict[str, str], names: dict[str, list[str]]) -> list[str]:
    """name, gn_name, gn_asciiname and every `names` value, in that order (keys sorted), deduplicated."""
    seen: dict[str, None] = {}
    for value in (row.get("name", ""), row.get("gn_name", ""), row.get("gn_asciiname", "")):
        if clean(value):
            seen.setdefault(clean(value))
    for key in sorted(names):
        for value in names[key]:
            if value:
                seen.setdefault(value)
    return list(seen)


# ------------------------------------------------------------------------------------- WOF rows


@dataclass
class Place:
    wof_id: str
    country: str
    kind: str
    label: str
    name_ar: str
    names: list[str]
    feature_code: str
    population: int | None
    lat: float
    lon: float
    region_id: str
    gn_admin: tuple[str, str] = ("", "")  # GeoNames' admin1 and admin2 codes of the record
    extra_names: list[str] = field(default_factory=list)  # from rows this one supersedes
    admin: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return STATUS_OF_CODE.get(self.feature_code, "")

    def alternates(self) -> list[str]:
        out: dict[str, None] = {}
        for value in (*self.names, *self.extra_names):
            if value and value != self.label and value != self.name_ar:
                out.setdefault(value)
        return list(out)


def wof_path(shared: Path, country: str) -> Path:
    base = shared / WOF_DIR / f"wof_{country.lower()}.tsv"
    for candidate in (base, base.with_suffix(".tsv.gz")):
        if candidate.exists():
            return candidate
    raise InputMissing(f"no {base.name} or {base.name}.gz in {base.parent}")


def read_wof(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def superseded_by(row: dict[str, str]) -> list[str]:
    raw = row.get("wof_superseded_by", "") or "[]"
    return [str(x) for x in json.loads(raw)]


def to_float(value: str) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if np.isfinite(out) else None


def population_of(value: str) -> int | None:
    """GeoNames population; 0 means unknown in GeoNames, so it is left empty."""
    number = to_float(value)
    return int(number) if number and number > 0 else None


def point_of(row: dict[str, str]) -> tuple[float, float] | None:
    """WOF's label point when it has one (inside the polygon; Baghdad's geom centroid is 5 km off),
    else its geometry point (the GeoNames point itself for villages)."""
    lat, lon = to_float(row.get("lbl_latitude", "")), to_float(row.get("lbl_longitude", ""))
    if lat is None or lon is None:
        lat, lon = to_float(row.get("latitude", "")), to_float(row.get("longitude", ""))
    if lat is None or lon is None:
        return None
    return lat, lon


def keep_neighbour_row(row: dict[str, str], kind: str, names: dict[str, list[str]]) -> bool:
    """The cut for big neighbours (IR, TR): every admin area and airport; localities and neighbourhoods
    that are notable (GeoNames population, a PPLA*/PPLC seat, a WOF-curated city record not from GeoNames)
    or have an Arabic name. (`derive_places` also keeps those within BORDER_KM of Iraq's border.)"""
    if kind in ("governorate", "district", "airport"):
        return True
    code = row.get("gn_feature_code", "")
    return bool(
        population_of(row.get("gn_population", ""))
        or code.startswith("PPLA")
        or code == "PPLC"
        or (row.get("src_geom", "") != "geonames" and kind == "locality")
        or arabic_name(names)
    )


@dataclass
class WofResult:
    places: list[Place]
    skipped: Counter
    followed: int  # superseded rows whose names were merged into their successor
    regions: dict[str, str]  # region wof_id -> label (deprecated ones too, for the join)
    border_kept: Counter = field(default_factory=Counter)  # country -> rows kept only for being near Iraq


def derive_places(
    rows_by_country: dict[str, list[dict[str, str]]], border: Polygon | None = None, border_km: float = BORDER_KM
) -> WofResult:
    """Select and shape WOF rows. Deprecated rows are skipped; superseded rows are skipped and followed:
    their names go to the alternates of the row that supersedes them (chains followed), which also takes
    their Arabic name, feature code and population when it has none. Rows of CUT_COUNTRIES that fail
    `keep_neighbour_row` are kept when `border` is given and they lie within `border_km` of its outline."""
    skipped: Counter = Counter()
    by_id: dict[str, dict[str, str]] = {}
    for rows in rows_by_country.values():
        for row in rows:
            by_id[row["wof_id"]] = row
    regions = {
        row["wof_id"]: best_label(row, parse_names(row.get("names", "")))
        for row in by_id.values()
        if row.get("placetype") == "region"
    }

    places: dict[str, Place] = {}
    predecessors: list[dict[str, str]] = []
    pending: list[Place] = []  # cut-country rows kept only if near the border
    border_kept: Counter = Counter()
    for country in rows_by_country:
        for row in rows_by_country[country]:
            key = (country, row.get("placetype", ""))
            if superseded_by(row):
                predecessors.append(row)
                continue
            if row.get("edtf_deprecated", ""):
                skipped[(*key, "deprecated")] += 1
                continue
            kind = KIND_OF_PLACETYPE.get(row.get("placetype", ""))
            if kind is None:
                skipped[(*key, "placetype not shipped")] += 1
                continue
            point = point_of(row)
            if point is None:
                skipped[(*key, "no coordinates")] += 1
                continue
            names = parse_names(row.get("names", ""))
            place = Place(
                wof_id=row["wof_id"],
                country=row.get("country", "") or country,
                kind=kind,
                label=best_label(row, names),
                name_ar=arabic_name(names),
                names=all_names(row, names),
                feature_code=row.get("gn_feature_code", ""),
                population=population_of(row.get("gn_population", "")),
                lat=round(point[0], 5),
                lon=round(point[1], 5),
                region_id=row.get("region_id", ""),
                gn_admin=(row.get("gn_admin1_code", ""), row.get("gn_admin2_code", "")),
            )
            if country in CUT_COUNTRIES and not keep_neighbour_row(row, kind, names):
                pending.append(place)
            else:
                places[place.wof_id] = place

    followed = 0
    waiting = {place.wof_id: place for place in pending}
    for row in predecessors:
        target = resolve_successor(row["wof_id"], by_id)
        place = (places.get(target) or waiting.get(target)) if target else None
        key = (row.get("country", ""), row.get("placetype", ""))
        if place is None:
            skipped[(*key, "superseded, successor not shipped (deprecated or not a place)")] += 1
            continue
        skipped[(*key, "superseded, followed: names merged into successor")] += 1
        followed += 1
        names = parse_names(row.get("names", ""))
        place.extra_names.extend(all_names(row, names))
        place.name_ar = place.name_ar or arabic_name(names)
        if not place.feature_code and row.get("gn_feature_code", ""):
            place.feature_code = row["gn_feature_code"]
        if place.population is None:
            place.population = population_of(row.get("gn_population", ""))

    if pending:
        # notable after the merge above, or near Iraq
        near = np.array(
            [
                bool(p.name_ar or p.population or p.feature_code.startswith("PPLA") or p.feature_code == "PPLC")
                for p in pending
            ]
        )
        if border is not None:
            lon = np.array([p.lon for p in pending])
            lat = np.array([p.lat for p in pending])
            pad = border_km / KM_PER_DEG_LAT * 2  # generous degrees; the distance below decides
            min_lon, min_lat, max_lon, max_lat = border.bbox
            box = (lon >= min_lon - pad) & (lon <= max_lon + pad) & (lat >= min_lat - pad) & (lat <= max_lat + pad)
            idx = np.flatnonzero(box & ~near)
            by_border = np.zeros(len(pending), dtype=bool)
            by_border[idx] = distance_km_to_edges(lon[idx], lat[idx], border) <= border_km
            for place in np.asarray(pending, dtype=object)[by_border]:
                border_kept[place.country] += 1
            near |= by_border
        for place, keep in zip(pending, near, strict=True):
            if keep:
                places[place.wof_id] = place
            else:
                skipped[(place.country, place.kind, "cut: not notable, no Arabic name, far from Iraq")] += 1

    ordered = sorted(
        places.values(),
        key=lambda p: (
            COUNTRIES.index(p.country) if p.country in COUNTRIES else len(COUNTRIES),
            p.country,
            int(p.wof_id),
        ),
    )
    return WofResult(ordered, skipped, followed, regions, border_kept)


def resolve_successor(wof_id: str, by_id: dict[str, dict[str, str]]) -> str | None:
    """Follow `wof_superseded_by` (first successor) until a row that is not superseded; None on a cycle
    or a missing row."""
    seen = {wof_id}
    current = wof_id
    while True:
        row = by_id.get(current)
        if row is None:
            return None
        nxt = superseded_by(row)
        if not nxt:
            return current
        current = nxt[0]
        if current in seen:
            return None
        seen.add(current)


# ------------------------------------------------------------------------------------ polygons


@dataclass
class Polygon:
    pcode: str
    level: int
    name: str
    name_ar: str
    parent: str
    alternates: list[str]
    rings: list[np.ndarray]  # each (n, 2) lon/lat, closed
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    edges: np.ndarray = field(repr=False, default=None)  # (m, 4) x1, y1, x2, y2 over all rings

    def __post_init__(self) -> None:
        parts = []
        for ring in self.rings:
            if len(ring) < 2:
                continue
            parts.append(np.hstack([ring[:-1], ring[1:]]))
        self.edges = np.vstack(parts) if parts else np.zeros((0, 4))


def rings_of(geometry: dict) -> list[np.ndarray]:
    if geometry["type"] == "Polygon":
        polys = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polys = geometry["coordinates"]
    else:
        raise ValueError(f"unsupported geometry {geometry['type']}")
    out = []
    for poly in polys:
        for ring in poly:
            arr = np.asarray([pt[:2] for pt in ring], dtype=float)
            if len(arr) and not np.array_equal(arr[0], arr[-1]):
                arr = np.vstack([arr, arr[:1]])
            out.append(arr)
    return out


def load_cod_level(path: Path, level: int) -> list[Polygon]:
    """One COD-AB level. Alternates: the ADMnALT1EN/ALT2EN/ALT1AR/ALT2AR and ADMn_REF values (all empty in
    the 2019 release, kept for later releases)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    prefix = f"ADM{level}"
    for feature in data["features"]:
        props = feature["properties"]
        rings = rings_of(feature["geometry"])
        allpts = np.vstack(rings)
        name, name_ar = clean(props.get(f"{prefix}_EN") or ""), clean(props.get(f"{prefix}_AR") or "")
        alternates = []
        for key in (f"{prefix}_REF", f"{prefix}ALT1EN", f"{prefix}ALT2EN", f"{prefix}ALT1AR", f"{prefix}ALT2AR"):
            value = clean(props.get(key) or "")
            if value and value not in (name, name_ar) and value not in alternates:
                alternates.append(value)
        out.append(
            Polygon(
                pcode=props[f"{prefix}_PCODE"],
                level=level,
                name=name,
                name_ar=name_ar,
                parent=props.get(f"ADM{level - 1}_PCODE", "") if level > 1 else "",
                alternates=alternates,
                rings=rings,
                bbox=(allpts[:, 0].min(), allpts[:, 1].min(), allpts[:, 0].max(), allpts[:, 1].max()),
            )
        )
    out.sort(key=lambda p: p.pcode)
    return out


def points_in_polygon(lon: np.ndarray, lat: np.ndarray, poly: Polygon, chunk: int = 2_000_000) -> np.ndarray:
    """Even-odd ray casting (a ray to +x) of many points against one polygon (all rings: holes and parts
    work by parity). Points exactly on an edge may land on either side."""
    inside = np.zeros(len(lon), dtype=bool)
    if len(lon) == 0 or len(poly.edges) == 0:
        return inside
    x1, y1, x2, y2 = (poly.edges[:, i][None, :] for i in range(4))
    step = max(1, chunk // len(poly.edges))
    for start in range(0, len(lon), step):
        px = lon[start : start + step, None]
        py = lat[start : start + step, None]
        crosses = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        hits = crosses & (px < x_at)
        inside[start : start + step] = (hits.sum(axis=1) % 2) == 1
    return inside


def distance_km_to_edges(lon: np.ndarray, lat: np.ndarray, poly: Polygon, chunk: int = 2_000_000) -> np.ndarray:
    """Distance from each point to the polygon's boundary, km, in a local equirectangular projection."""
    out = np.full(len(lon), np.inf)
    if len(lon) == 0 or len(poly.edges) == 0:
        return out
    step = max(1, chunk // len(poly.edges))
    for start in range(0, len(lon), step):
        plon, plat = lon[start : start + step, None], lat[start : start + step, None]
        kx = np.cos(np.radians(plat)) * KM_PER_DEG_LON_EQ
        ax = (poly.edges[None, :, 0] - plon) * kx
        ay = (poly.edges[None, :, 1] - plat) * KM_PER_DEG_LAT
        bx = (poly.edges[None, :, 2] - plon) * kx
        by = (poly.edges[None, :, 3] - plat) * KM_PER_DEG_LAT
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        cx, cy = ax + t * dx, ay + t * dy
        out[start : start + step] = np.sqrt(cx * cx + cy * cy).min(axis=1)
    return out


def locate(
    lon: np.ndarray, lat: np.ndarray, polys: list[Polygon], max_km: float = NEAREST_KM
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the polygon holding each point (-1 none) and how: 1 inside, 2 nearest within max_km, 0 none.
    A point inside two polygons (shared edge, overlap) gets the first in P-code order."""
    found = np.full(len(lon), -1, dtype=int)
    for i, poly in enumerate(polys):
        min_lon, min_lat, max_lon, max_lat = poly.bbox
        cand = np.flatnonzero((found < 0) & (lon >= min_lon) & (lon <= max_lon) & (lat >= min_lat) & (lat <= max_lat))
        if len(cand):
            found[cand[points_in_polygon(lon[cand], lat[cand], poly)]] = i
    how = np.where(found >= 0, 1, 0)
    rest = np.flatnonzero(found < 0)
    if len(rest) and max_km > 0:
        best = np.full(len(rest), np.inf)
        best_i = np.full(len(rest), -1, dtype=int)
        dlat = max_km / KM_PER_DEG_LAT
        for i, poly in enumerate(polys):
            min_lon, min_lat, max_lon, max_lat = poly.bbox
            dlon = max_km / (KM_PER_DEG_LON_EQ * max(np.cos(np.radians(max(abs(min_lat), abs(max_lat)) + dlat)), 0.01))
            near = (
                (lon[rest] >= min_lon - dlon)
                & (lon[rest] <= max_lon + dlon)
                & (lat[rest] >= min_lat - dlat)
                & (lat[rest] <= max_lat + dlat)
            )
            idx = np.flatnonzero(near)
            if not len(idx):
                continue
            dist = distance_km_to_edges(lon[rest][idx], lat[rest][idx], poly)
            better = (dist <= max_km) & (dist < best[idx])
            best[idx[better]] = dist[better]
            best_i[idx[better]] = i
        ok = best_i >= 0
        found[rest[ok]] = best_i[ok]
        how[rest[ok]] = 2
    return found, how


def interior_point(poly: Polygon, near_lat: float, lines: int = 41) -> tuple[float, float]:
    """A point inside the polygon: on horizontal lines across the bbox, the midpoint of the widest inside
    interval (even-odd crossings), preferring wide intervals near `near_lat`. Deterministic."""
    _, min_lat, _, max_lat = poly.bbox
    best = None
    x1, y1, x2, y2 = (poly.edges[:, i] for i in range(4))
    for k in range(lines):
        # offset from exact vertex latitudes by a fraction that is unlikely to hit a vertex
        y = min_lat + (max_lat - min_lat) * (k + 0.5 + 1e-7) / lines
        crosses = (y1 > y) != (y2 > y)
        if not crosses.any():
            continue
        xs = np.sort(x1[crosses] + (y - y1[crosses]) * (x2[crosses] - x1[crosses]) / (y2[crosses] - y1[crosses]))
        widths = (xs[1::2] - xs[0::2]) * np.cos(np.radians(y))
        if not len(widths):
            continue
        j = int(np.argmax(widths))
        score = widths[j] - 0.05 * abs(y - near_lat)  # tie-break towards the centroid's latitude
        if best is None or score > best[0]:
            best = (score, y, (xs[2 * j] + xs[2 * j + 1]) / 2)
    if best is None:
        raise ValueError(f"no interior point found for {poly.pcode}")
    return best[1], best[2]


@dataclass
class AdminResult:
    polygons: dict[int, list[Polygon]]
    points: dict[str, tuple[float, float]]  # pcode -> representative (lat, lon)
    moved: list[str]  # pcodes whose given centroid was outside their polygon


def read_centroids(path: Path) -> dict[str, tuple[float, float]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["pcode"]: (float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(fh, delimiter="\t")}


def load_border(path: Path) -> Polygon:
    """Iraq's outline (COD-AB adm0) as a Polygon, for the border-distance cut."""
    feature = json.loads(path.read_text(encoding="utf-8"))["features"][0]
    rings = rings_of(feature["geometry"])
    allpts = np.vstack(rings)
    return Polygon(
        "IQ",
        0,
        "Iraq",
        "",
        "",
        [],
        rings,
        (allpts[:, 0].min(), allpts[:, 1].min(), allpts[:, 0].max(), allpts[:, 1].max()),
    )


def derive_admin_areas(shared: Path) -> AdminResult:
    cod = shared / COD_DIR
    polygons = {level: load_cod_level(cod / name, level) for level, name in COD_FILES.items()}
    centroids = read_centroids(cod / COD_CENTROIDS)
    points: dict[str, tuple[float, float]] = {}
    moved: list[str] = []
    for level in sorted(polygons):
        for poly in polygons[level]:
            c = centroids.get(poly.pcode)
            if c is not None and points_in_polygon(np.array([c[1]]), np.array([c[0]]), poly)[0]:
                points[poly.pcode] = c
                continue
            near_lat = c[0] if c is not None else (poly.bbox[1] + poly.bbox[3]) / 2
            lat, lon = interior_point(poly, near_lat)
            assert points_in_polygon(np.array([lon]), np.array([lat]), poly)[0], poly.pcode
            points[poly.pcode] = (lat, lon)
            moved.append(poly.pcode)
    return AdminResult(polygons, points, moved)


def assign_admin(places: list[Place], admin: AdminResult, country: str = "IQ") -> Counter:
    """COD-AB admin1/2/3 for the places of `country`: the sub-district holding the point (or the nearest
    within 5 km), its district and governorate from its P-codes. A point with no sub-district tries the
    district level, then the governorate level. Returns counts of how each point was placed."""
    stats: Counter = Counter()
    todo = [p for p in places if p.country == country]
    if not todo:
        return stats
    lon = np.array([p.lon for p in todo])
    lat = np.array([p.lat for p in todo])
    by_pcode = {poly.pcode: poly for polys in admin.polygons.values() for poly in polys}
    result: dict[int, tuple[int, int, int]] = {}
    remaining = np.arange(len(todo))
    for level in (3, 2, 1):
        if not len(remaining):
            break
        found, how = locate(lon[remaining], lat[remaining], admin.polygons[level])
        for j, i in enumerate(remaining):
            if found[j] >= 0:
                result[int(i)] = (level, int(found[j]), int(how[j]))
        remaining = remaining[found < 0]
    for i, place in enumerate(todo):
        if i not in result:
            stats["no polygon within 5 km"] += 1
            continue
        level, idx, how = result[i]
        poly = admin.polygons[level][idx]
        stats[f"adm{level} {'inside' if how == 1 else 'nearest <= 5 km'}"] += 1
        chain = [poly]
        while chain[-1].parent:
            chain.append(by_pcode[chain[-1].parent])
        # a district's or governorate's own point says nothing about the units below it
        deepest = {"governorate": 1, "district": 2}.get(place.kind, 3)
        for unit in chain:
            if unit.level > deepest:
                continue
            place.admin[f"admin{unit.level}_pcode"] = unit.pcode
            place.admin[f"admin{unit.level}"] = unit.name
    # independent check: does the governorate polygon agree with the sub-district's parent?
    found1, how1 = locate(lon, lat, admin.polygons[1], max_km=0)
    for i, place in enumerate(todo):
        if how1[i] == 1 and place.admin.get("admin1_pcode") != admin.polygons[1][found1[i]].pcode:
            stats["check: adm1 polygon differs from sub-district's governorate"] += 1
    return stats


def assign_geonames_units(places: list[Place], country: str = "IQ") -> Counter:
    """The COD-AB governorate and district that GeoNames' own admin1 and admin2 (`gn_admin*_code`) stand
    for, where they differ from the COD-AB polygons' (`gn_admin1_pcode`, `gn_admin2_pcode`).

    GeoNames' units are older and coarser than COD-AB's and their boundaries differ, so a village near a
    boundary is in one governorate or district by one and in its neighbour by the other; data sets geocoded
    with GeoNames (UCDP GED's `adm_1`/`adm_2`) name GeoNames' unit. A GeoNames unit stands for the COD-AB
    unit holding most of its places (a plurality; a tie: none). Returns how many places differ."""
    stats: Counter = Counter()
    todo = [p for p in places if p.country == country and p.kind in ("locality", "neighbourhood")]
    for level, column in ((1, "admin1_pcode"), (2, "admin2_pcode")):
        votes: dict[str, Counter] = {}
        for place in todo:
            unit = place.gn_admin[level - 1]
            if unit and place.admin.get(column):
                votes.setdefault(unit, Counter())[place.admin[column]] += 1
        stands_for = {}
        for unit, counts in votes.items():
            top = counts.most_common(2)
            if len(top) == 1 or top[0][1] > top[1][1]:
                stands_for[unit] = top[0][0]
        for place in todo:
            code = stands_for.get(place.gn_admin[level - 1], "")
            if code and code != place.admin.get(column):
                place.admin[f"gn_{column}"] = code
                stats[f"adm{level} differs"] += 1
    return stats


def assign_neighbour_admin1(places: list[Place], regions: dict[str, str]) -> None:
    for place in places:
        if place.country == "IQ":
            continue
        if place.kind == "governorate":
            place.admin["admin1"] = place.label
        elif place.region_id in regions:
            place.admin["admin1"] = regions[place.region_id]


# --------------------------------------------------------------------------------------- output


def fmt(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def place_records(places: list[Place]) -> list[list[str]]:
    out = []
    for p in places:
        out.append(
            [
                f"wof:{p.wof_id}",
                p.label,
                p.name_ar,
                "|".join(p.alternates()),
                p.kind,
                p.feature_code,
                p.status,
                fmt(p.lat),
                fmt(p.lon),
                p.country,
                "" if p.population is None else str(p.population),
                *(p.admin.get(k, "") for k in PLACE_COLUMNS[11:]),
            ]
        )
    return out


def admin_records(admin: AdminResult) -> list[list[str]]:
    out = []
    for level in sorted(admin.polygons):
        for poly in admin.polygons[level]:
            lat, lon = admin.points[poly.pcode]
            min_lon, min_lat, max_lon, max_lat = poly.bbox
            out.append(
                [
                    poly.pcode,
                    LEVEL_NAME[level],
                    poly.name,
                    poly.name_ar,
                    "|".join(poly.alternates),
                    poly.parent,
                    fmt(lat),
                    fmt(lon),
                    # bbox rounded outwards so it still contains the polygon
                    fmt(np.floor(min_lat * 1e5) / 1e5),
                    fmt(np.floor(min_lon * 1e5) / 1e5),
                    fmt(np.ceil(max_lat * 1e5) / 1e5),
                    fmt(np.ceil(max_lon * 1e5) / 1e5),
                ]
            )
    return out


def tsv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """gzip -9 -n: no file name, mtime 0, so the bytes depend on the content only."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def holdout_rows(places: list[Place], size: int = HOLDOUT_SIZE, seed: int = HOLDOUT_SEED) -> list[list[str]]:
    pool = sorted(
        (p for p in places if p.country == "IQ" and p.kind == "locality" and p.name_ar), key=lambda p: int(p.wof_id)
    )
    picked = random.Random(seed).sample(pool, min(size, len(pool)))
    picked.sort(key=lambda p: int(p.wof_id))
    return [
        [p.name_ar, fmt(p.lat), fmt(p.lon), p.admin.get("admin1", ""), p.admin.get("admin2", ""), f"wof:{p.wof_id}"]
        for p in picked
    ]


def holdout_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HOLDOUT_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def human(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


# ------------------------------------------------------------------------------------ PROVENANCE


def provenance_commits(shared: Path) -> tuple[str, str]:
    """The commit tables / lines of the shared PROVENANCE files, copied so the shipped file cites them."""
    wof = (shared / WOF_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in wof.splitlines() if re.match(r"\| (IQ|SY|JO|KW|SA|IR|TR) ", line))
    cod = (shared / COD_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    m = re.search(r"HEAD commit\s+`([0-9a-f]{40})`\s+\(([\d-]+)\)", cod)
    cod_line = f"`{m.group(1)}` ({m.group(2)})" if m else "(see hdx-cod-ab-iraq/PROVENANCE.md)"
    return table, cod_line


def provenance_md(shared: Path, summary: dict) -> str:
    table, cod_commit = provenance_commits(shared)
    s = summary
    skipped_lines = "\n".join(f"| {c} | {pt} | {why} | {n} |" for (c, pt, why), n in sorted(s["skipped"].items()))
    kept_lines = "\n".join(
        f"| {c} | {k} | {n} | {s['with_ar'].get((c, k), 0)} |"
        for (c, k), n in sorted(s["kept"].items(), key=lambda kv: (COUNTRIES.index(kv[0][0]), kv[0][1]))
    )
    border_lines = ", ".join(f"{c} {n}" for c, n in sorted(s["border_kept"].items())) or "no"
    status_lines = ", ".join(f"{k} {v}" for k, v in sorted(s["status"].items()))
    assign_lines = ", ".join(f"{k}: {v}" for k, v in sorted(s["assign"].items()))
    unit_lines = ", ".join(f"{k}: {v}" for k, v in sorted(s["geonames_units"].items())) or "none differ"
    return f"""# data/gazetteer — offline gazetteer for Iraq and its neighbours

Derived, not hand-written: `python scripts/derive_gazetteer.py` (from the repository root; `--shared DIR`
points at the real data, default `../shared/data`) rebuilds every file here byte for byte from the
inputs below (standard library + numpy; `places.tsv.gz` is written like `gzip -9 -n`, mtime 0).

## Sources

1. **Who's On First** (https://whosonfirst.org), repositories `whosonfirst-data/whosonfirst-data-admin-XX`,
   flattened to one TSV per country (`../shared/data/{WOF_DIR}/`, see its PROVENANCE.md):

| country | repository | commit (HEAD) | commit date |
|---|---|---|---|
{table}

   For Iraq this is in substance the GeoNames populated-place layer (a ~2018 GeoNames snapshot) with
   GeoNames' alternate names, plus WOF admin records, neighbourhoods and airports.
2. **OCHA / Iraq Central Statistics Organization COD-AB, 2019-06-03** ("Iraq - Subnational Administrative
   Boundaries", https://data.humdata.org/dataset/cod-ab-irq), as GeoJSON from
   https://github.com/lawenhunar/map-visualization commit {cod_commit}
   (`../shared/data/{COD_DIR}/`, see its PROVENANCE.md), with its centroid table.

## Licences and the attribution to show

- WOF's own work is CC0; "Crediting Who's On First is recommended and linking back to this License is
  required" (https://whosonfirst.org/docs/licenses/). Sourced properties keep their licences: GeoNames
  (CC BY 4.0), foursquare Quattroshapes (CC BY), Yahoo! GeoPlanet (CC BY 3.0 US); Natural Earth,
  OurAirports public domain; Wikidata CC0.
- COD-AB: HDX attribution licence (most COD-ABs are CC BY-IGO 3.0, some CC BY 4.0; **confirm the licence
  shown on the HDX Iraq page before a release**). Attribution and redistribution allowed either way.
- Attribution text (About/Sources page and README):

  > Place names and coordinates: Who's On First (https://whosonfirst.org, licence:
  > https://whosonfirst.org/docs/licenses/), including data from GeoNames (geonames.org, CC BY 4.0),
  > foursquare Quattroshapes (CC BY) and Yahoo! GeoPlanet (CC BY 3.0 US).
  > Administrative boundaries: Iraq Central Statistics Organization (CSO) / OCHA, via the Humanitarian
  > Data Exchange (HDX), COD-AB Iraq 2019-06-03.

## Files

| file | size | rows |
|---|---|---|
| `places.tsv.gz` | {human(s["places_gz"])} ({human(s["places_raw"])} unpacked) | {s["places_rows"]} |
| `admin_areas.tsv` | {human(s["admin_bytes"])} | {s["admin_rows"]} ({s["admin_levels"]}) |

### `places.tsv.gz` (UTF-8, tab-separated, header row, gzip)

`{", ".join(PLACE_COLUMNS)}`

- `id` `wof:<Who's On First id>`. `name` the best Latin label: GeoNames' `gn_name` (with diacritics),
  else WOF's English preferred name, else the primary name (WOF primaries can be odd: Ramadi's is
  `Ramadie`, Fallujah's is Arabic). `name_ar` WOF's Arabic preferred name when it is written in Arabic
  script (some are Latin), else the first Arabic-script Arabic variant; untagged Arabic-script variants
  are not promoted (they may be Kurdish or Persian) but stay in `alternates`.
- `alternates` every other distinct name of the record (`name`, `gn_name`, `gn_asciiname`, every value of
  WOF's `names`, in every language), NFC, `|`-joined; plus the names of the records it supersedes.
- `kind` locality / neighbourhood / airport (WOF campus) / district (WOF county, TR localadmin) /
  governorate (WOF region). `feature_code` the GeoNames code; `status` abandoned (PPLQ), destroyed
  (PPLW), historical (PPLH), else empty — flagged, not dropped:
  {status_lines}.
- `latitude`/`longitude` WOF's label point when it has one (inside the polygon), else its point: for
  villages the GeoNames point; for districts/governorates a point of the polygon, **not the seat**.
  Rounded to 5 decimals. `population` GeoNames population, empty when unknown (GeoNames' 0).
- Iraqi rows: `admin1..3` (P-code and English name) from the COD-AB sub-district polygon holding the
  point, else the nearest within {NEAREST_KM:g} km (then the district, then the governorate level); district and
  governorate follow from the sub-district's P-codes. {assign_lines}.
  District rows carry admin1/admin2 only and governorate rows admin1 only (their point says nothing
  about the units below). WOF's 19th Iraqi governorate is Halabja (split from Sulaymaniyah in 2014, not
  in the 2019 COD-AB), so its admin1 is Al-Sulaymaniyah.
  `gn_admin1_pcode`/`gn_admin2_pcode` (Iraqi villages and neighbourhoods): the COD-AB governorate and
  district that GeoNames' own admin1/admin2 codes of the record stand for (each GeoNames unit standing
  for the COD-AB unit that holds most of its places), only where they differ from the polygons':
  GeoNames' units are older and coarser, and data sets geocoded with GeoNames (UCDP) name them
  ({unit_lines}).
  Neighbours: `admin1` is the WOF region's name (no P-code), `admin2`/`admin3` empty.
- Sorted by country (IQ, SY, IR, TR, JO, SA, KW) and numeric id.

Rows kept:

| country | kind | rows | with `name_ar` |
|---|---|---|---|
{kept_lines}

Rows skipped (placetype as in WOF):

| country | placetype | why | rows |
|---|---|---|---|
{skipped_lines}

Deprecated rows (`edtf_deprecated` set) are dropped. Superseded rows (`wof_superseded_by`) are dropped and
followed: {s["followed"]} had their names (and Arabic name, feature code, population where the successor
had none) merged into the record that supersedes them. `mz_is_current` is not used (mostly -1). Iran and
Turkey are cut to keep the folder small: all their admin areas and airports, and localities /
neighbourhoods with a GeoNames population, a PPLA*/PPLC code, a WOF-curated (non-GeoNames) city record,
or an Arabic name, or lying within {BORDER_KM:g} km of Iraq's border (COD-AB adm0 outline; cross-border
strikes and camps): {border_lines} rows were kept for that last reason only. Syria, Jordan, Saudi
Arabia and Kuwait are kept whole (minus deprecated/superseded rows); so is Iraq.

### `admin_areas.tsv` (UTF-8, tab-separated, header row)

`{", ".join(ADMIN_COLUMNS)}`

Every COD-AB unit: `level` governorate / district / sub-district, English and Arabic names (OCHA
romanization, e.g. `Al-Kadhmiyah`, `Jurf Al-Sakhar`; `Markaz X` is the centre sub-district of district
X), `alternates` the source's ADMnALT*/ADMn_REF values (the ALT columns are all empty in the 2019
release; {s["admin_alternates"]} units have a REF spelling such as `Al-Madain`), `parent_pcode`
the unit above (empty for governorates). `latitude`/`longitude` a point **inside** the polygon: the
provided area-weighted centroid where it falls inside its own polygon, else the midpoint of the widest
inside span on a horizontal line ({len(s["moved"])} units needed that: {", ".join(s["moved"]) or "none"}). It is not
the seat. `min_lat..max_lon` the polygon's bounding box, rounded outwards. The polygons are generalised:
fine for coarse point-in-polygon, not for boundary work.

## Held-out Arabic evaluation list (not shipped here)

`python scripts/derive_gazetteer.py --holdout OUT.csv` writes {HOLDOUT_SIZE} Iraqi localities with an Arabic
name (seeded sample, seed {HOLDOUT_SEED}), columns `{", ".join(HOLDOUT_COLUMNS)}`. It is **{HOLDOUT_NOTE}**.
The script refuses to write it inside `data/`.
"""


# ------------------------------------------------------------------------------------------ main


def run(shared: Path, out_dir: Path, countries: tuple[str, ...], holdout: Path | None) -> dict:
    started = time.monotonic()
    missing = [p for p in (shared / WOF_DIR, shared / COD_DIR) if not p.is_dir()]
    if missing:
        raise InputMissing("missing input folder(s): " + ", ".join(str(p) for p in missing))
    for name in (*COD_FILES.values(), COD_CENTROIDS, COD_ADM0):
        if not (shared / COD_DIR / name).exists():
            raise InputMissing(f"missing {shared / COD_DIR / name}")
    paths = {c: wof_path(shared, c) for c in countries}

    rows_by_country = {c: read_wof(paths[c]) for c in countries}
    wof = derive_places(rows_by_country, border=load_border(shared / COD_DIR / COD_ADM0))
    admin = derive_admin_areas(shared)
    assign = assign_admin(wof.places, admin)
    geonames_units = assign_geonames_units(wof.places)
    assign_neighbour_admin1(wof.places, wof.regions)

    places_raw = tsv_bytes(PLACE_COLUMNS, place_records(wof.places))
    places_gz = gzip_bytes(places_raw)
    admin_tsv = tsv_bytes(ADMIN_COLUMNS, admin_records(admin))
    summary = {
        "read": {c: len(r) for c, r in rows_by_country.items()},
        "kept": Counter((p.country, p.kind) for p in wof.places),
        "with_ar": Counter((p.country, p.kind) for p in wof.places if p.name_ar),
        "admin_alternates": sum(1 for v in admin.polygons.values() for poly in v if poly.alternates),
        "status": Counter(f"{p.country} {p.status}" for p in wof.places if p.status),
        "skipped": wof.skipped,
        "followed": wof.followed,
        "border_kept": wof.border_kept,
        "assign": assign,
        "geonames_units": geonames_units,
        "moved": admin.moved,
        "places_rows": len(wof.places),
        "places_raw": len(places_raw),
        "places_gz": len(places_gz),
        "admin_rows": sum(len(v) for v in admin.polygons.values()),
        "admin_levels": ", ".join(f"{len(admin.polygons[lv])} {LEVEL_NAME[lv]}s" for lv in sorted(admin.polygons)),
        "admin_bytes": len(admin_tsv),
    }
    prov = provenance_md(shared, summary).encode("utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "places.tsv.gz").write_bytes(places_gz)
    (out_dir / "admin_areas.tsv").write_bytes(admin_tsv)
    (out_dir / "PROVENANCE.md").write_bytes(prov)
    summary["provenance_bytes"] = len(prov)
    if holdout is not None:
        rows = holdout_rows(wof.places)
        holdout.parent.mkdir(parents=True, exist_ok=True)
        holdout.write_bytes(holdout_bytes(rows))
        summary["holdout"] = (holdout, len(rows))
    summary["seconds"] = time.monotonic() - started
    return summary


def print_summary(s: dict, out_dir: Path) -> None:
    print("rows read:", ", ".join(f"{c} {n}" for c, n in s["read"].items()))
    print("rows kept per country and kind:")
    for country in COUNTRIES:
        kinds = {k: n for (c, k), n in s["kept"].items() if c == country}
        if kinds:
            print(f"  {country}: {sum(kinds.values()):6d}  " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"  total {s['places_rows']}")
    print("flagged status:", ", ".join(f"{k} {v}" for k, v in sorted(s["status"].items())) or "none")
    print("rows skipped:")
    for (country, placetype, why), n in sorted(s["skipped"].items()):
        print(f"  {country} {placetype}: {why}: {n}")
    print(f"superseded rows followed (names merged into successor): {s['followed']}")
    print(
        f"IR/TR rows kept only for lying within {BORDER_KM:g} km of Iraq:",
        ", ".join(f"{c} {n}" for c, n in sorted(s["border_kept"].items())) or "none",
    )
    print("Iraqi points placed on COD-AB polygons:", ", ".join(f"{k}: {v}" for k, v in sorted(s["assign"].items())))
    print(
        f"admin areas: {s['admin_rows']} ({s['admin_levels']}); centroid outside own polygon, interior point "
        f"picked: {len(s['moved'])} {' '.join(s['moved'])}"
    )
    print(f"wrote {out_dir / 'places.tsv.gz'}: {human(s['places_gz'])} ({human(s['places_raw'])} unpacked)")
    print(f"wrote {out_dir / 'admin_areas.tsv'}: {human(s['admin_bytes'])}")
    print(f"wrote {out_dir / 'PROVENANCE.md'}: {human(s['provenance_bytes'])}")
    print(f"data/gazetteer total: {human(s['places_gz'] + s['admin_bytes'] + s['provenance_bytes'])}")
    if "holdout" in s:
        path, n = s["holdout"]
        print(f"wrote holdout {path}: {n} rows ({HOLDOUT_NOTE})")
    print(f"took {s['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="folder holding wof-gazetteer-iraq-neighbours/ and hdx-cod-ab-iraq/ "
        "(default: ../shared/data beside the repository)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: data/gazetteer)")
    parser.add_argument(
        "--countries",
        default=",".join(COUNTRIES),
        help="comma-separated ISO-2 codes of the WOF files to read (default: all seven)",
    )
    parser.add_argument(
        "--holdout",
        type=Path,
        default=None,
        help=f"also write the Arabic held-out list here (outside data/; {HOLDOUT_NOTE})",
    )
    args = parser.parse_args(argv)
    countries = tuple(c.strip().upper() for c in args.countries.split(",") if c.strip())
    if "IQ" not in countries:
        parser.error("--countries must include IQ")
    if args.holdout is not None:
        holdout = args.holdout.resolve()
        if holdout.is_relative_to((REPO / "data").resolve()) or holdout.is_relative_to(args.out.resolve()):
            parser.error(f"--holdout {args.holdout} is inside data/: the held-out list must not be shipped")
    if not args.shared.is_dir():
        print(
            f"error: --shared {args.shared} does not exist or is not a folder; the real data lives in "
            f"../shared/data beside the repository (see its README.md). Nothing written.",
            file=sys.stderr,
        )
        return 2
    try:
        summary = run(args.shared, args.out, countries, args.holdout)
    except InputMissing as exc:
        print(f"error: {exc}. Nothing written.", file=sys.stderr)
        return 2
    print_summary(summary, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
