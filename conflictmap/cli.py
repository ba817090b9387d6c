"""Command line over the same core as the dashboard: `python -m conflictmap summary`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path

import pandas as pd

from conflictmap.access import hash_password
from conflictmap.datasets import load_events, shipped
from conflictmap.gazetteer import load_gazetteer
from conflictmap.overrides import offline_geocoder
from conflictmap.readers import ReadError


def summary() -> dict:
    """What the dashboard loads: counts, date range, places and the unresolved place names."""
    loaded = load_events(shipped(), offline_geocoder())
    events, places = loaded.events, loaded.places
    unresolved = places[places["located_by"] == "unresolved"]
    return {
        "events": len(events),
        "places": len(places),
        "unresolved": sorted(unresolved["place"].fillna("").tolist()),
        "date_min": events["date_start"].min().date().isoformat() if len(events) else None,
        "date_max": events["date_start"].max().date().isoformat() if len(events) else None,
        "datasets": {name: int(count) for name, count in events["dataset"].value_counts().items()},
        "located_by": {name: int(count) for name, count in events["located_by"].value_counts().items()},
        "files": {
            "read": loaded.read,
            "rejected": {name: len(rows) for name, rows in loaded.rejected.items()},
            "problems": list(loaded.problems),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conflictmap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("summary", help="print a JSON summary of the data the dashboard loads")
    commands.add_parser("hash-password", help="read a password (not echoed) and print its hash for the secrets")
    bench = commands.add_parser("bench", help="benchmarks that print figures")
    bench.add_argument(
        "what",
        choices=["map", "browser", "geocode"],
        help="map: Python work per slider change; browser: slider change to map redrawn in Chromium; "
        "geocode: the geocoder on real place lists against a naive exact lookup",
    )
    bench.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of synthetic events")
    bench.add_argument("--no-naive", action="store_true", help="skip the naive one-marker-per-event map")
    importing = commands.add_parser("import", help="read a UCDP, ACLED, GDELT or other file into the event schema")
    importing.add_argument("file", type=Path)
    importing.add_argument("--format", default="auto", choices=["auto", "ucdp", "acled", "gdelt", "csv"])
    importing.add_argument("-o", "--output", type=Path, required=True, help="OUT.csv or OUT.parquet")
    importing.add_argument("--map", default=None, help="for other tables: field=Column,... e.g. date=Date,place=Town")
    geocoding = commands.add_parser("geocode", help="add coordinates to a CSV with a 'place' column")
    geocoding.add_argument("file", type=Path)
    geocoding.add_argument("-o", "--output", type=Path, required=True)
    geocoding.add_argument("--country", help="country hint (ISO-2, ISO-3 or name); a row's own 'country' wins")
    geocoding.add_argument(
        "--no-learn",
        action="store_true",
        help="do not use the place names learned from the shipped data's own coordinates",
    )
    exporting = commands.add_parser("export", help="the events of a date window as an HTML map, CSV or GeoJSON")
    exporting.add_argument("--start", type=_date, help="first day, YYYY-MM-DD (default: the data's first)")
    exporting.add_argument("--end", type=_date, help="last day, YYYY-MM-DD (default: the data's last)")
    exporting.add_argument("--format", default="html", choices=["html", "csv", "geojson"])
    exporting.add_argument("-o", "--output", type=Path, required=True)
    exporting.add_argument("--events", type=Path, help="export from this file (any format `import` reads)")
    args = parser.parse_args(argv)
    try:
        return _run(args, parser)
    except (ReadError, OSError, ValueError) as error:
        print(f"conflictmap: {error}", file=sys.stderr)
        return 1


def bench_geocode_lists() -> None:
    """The UCDP place list (country IQ; nothing learned from the UCDP file) and the article's places."""
    from conflictmap.datasets import DATA_DIR
    from conflictmap.geocoding_tools import bench_geocode
    from conflictmap.readers.curated import read_curated

    shared = DATA_DIR.parent.parent / "shared" / "data" / "ucdp-ged-iraq" / "derived_ucdp_iraq_place_coordinates.csv"
    lists = {}
    if shared.exists():
        ucdp = pd.read_csv(shared)
        lists["UCDP place list (IQ)"] = (
            ucdp["where_coordinates"].tolist(),
            list(zip(ucdp["latitude"], ucdp["longitude"], strict=True)),
            "IQ",
            ucdp["adm_1"].fillna("").tolist(),
        )
    article = read_curated(DATA_DIR / "report_events.csv", "News report").events
    truth = {
        "Dalil Air Base, near An Nasiriyah": (30.9353, 46.0903),
        "Ramadi": (33.4258, 43.2992),
        "Taji military base": (33.5297, 44.2561),
        "Baghdad": (33.3153, 44.3661),
        "Ain al-Asad Air Base": (33.7919, 42.4425),
        "Kerman": (30.2839, 57.0834),
    }
    names = [name for name in article["place_identified_as"].fillna(article["place"]) if name in truth]
    iraq = [name for name in names if name != "Kerman"]
    lists["article places (IQ)"] = (iraq, [truth[name] for name in iraq], "IQ", None)
    bench_geocode(load_gazetteer(), lists)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _mapping(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"--map: '{text}' is not field=Column,field=Column")
    return {field.strip(): column.strip() for field, column in pairs}


def import_command(path: Path, format: str, output: Path, mapping: dict[str, str] | None) -> dict:
    """Write the accepted rows (canonical schema) to `output` and the rejected ones beside it."""
    from conflictmap.exporting import events_to_csv, table_to_csv
    from conflictmap.importing import import_file
    from conflictmap.readers import use_system_allocator
    from conflictmap.validation import bounds_from_gazetteer

    use_system_allocator()
    imported = import_file(path, format=format, mapping=mapping, country_bounds=bounds_from_gazetteer(load_gazetteer()))
    if output.suffix.lower() == ".parquet":
        imported.events.to_parquet(output, index=False)
    else:
        output.write_text(events_to_csv(imported.events), encoding="utf-8")
    rejected_path = output.with_name(output.stem + ".rejected.csv")
    rejected_path.write_text(table_to_csv(imported.rejected), encoding="utf-8")
    return {**imported.report, "output": str(output), "rejected_output": str(rejected_path)}


def export_command(start, end, format: str, output: Path, events_file: Path | None) -> dict:
    from conflictmap.exporting import events_to_csv, events_to_geojson
    from conflictmap.filters import Filters, apply_filters, date_bounds
    from conflictmap.mapexport import standalone_map

    geocoder = offline_geocoder()
    if events_file is not None:
        from conflictmap.importing import import_file
        from conflictmap.placing import place_events

        events = place_events(import_file(events_file).events, geocoder).events
        events = events.sort_values("date_start", kind="stable").reset_index(drop=True)
    else:
        events = load_events(shipped(), geocoder).events
    first, last = date_bounds(events)
    shown = apply_filters(events, Filters(start or first, end or last))
    if format == "html":
        text = standalone_map(shown, f"conflictmap: {start or first} to {end or last}")
    elif format == "geojson":
        text = events_to_geojson(shown)
    else:
        text = events_to_csv(shown)
    output.write_text(text, encoding="utf-8")
    return {"events": len(shown), "format": format, "output": str(output), "bytes": len(text.encode("utf-8"))}


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "import":
        print(json.dumps(import_command(args.file, args.format, args.output, _mapping(args.map)), ensure_ascii=False))
        return 0
    if args.command == "geocode":
        from conflictmap.geocoding_tools import InputError, geocode_file

        try:
            geocoder = offline_geocoder()
            if not args.no_learn:
                from conflictmap.learning import learn_places

                geocoder = geocoder.with_learned(
                    learn_places(load_events(shipped(), geocoder).events, geocoder.gazetteer)
                )
            from conflictmap.geocache import CachedGeocoder
            from conflictmap.online import online_fallback

            cached = CachedGeocoder(geocoder)
            report = geocode_file(args.file, args.output, online_fallback(cached), country=args.country)
            cached.save()
            report["answered_from_cache"] = report["distinct_places"] - cached.misses
        except InputError as error:
            print(f"conflictmap: {error}", file=sys.stderr)
            return 1
        print(json.dumps(report, ensure_ascii=False))
        return 0
    if args.command == "export":
        print(json.dumps(export_command(args.start, args.end, args.format, args.output, args.events)))
        return 0
    if args.command == "summary":
        print(json.dumps(summary(), indent=2, ensure_ascii=False))
    elif args.command == "hash-password":
        print(hash_password(getpass.getpass("Shared password: ")))
    elif args.command == "bench":
        from conflictmap import bench as benchmarks

        try:
            sizes = [int(size) for size in args.sizes.split(",")]
        except ValueError:
            parser.error(f"--sizes: '{args.sizes}' is not a comma-separated list of whole numbers")
        if args.what == "geocode":
            bench_geocode_lists()
        elif args.what == "map":
            benchmarks.bench_map(sizes, naive=not args.no_naive)
        else:
            for size in sizes:
                benchmarks.measure_browser(size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
