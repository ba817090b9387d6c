"""Command line over the same core as the dashboard: `python -m conflictmap summary`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import runpy
import sys
import time
from pathlib import Path
from typing import TextIO

from conflictmap.access import hash_password
from conflictmap.datasets import load_events, read_events, shipped
from conflictmap.errors import ConflictmapError
from conflictmap.geocode.compose import base_geocoder, build_geocoder
from conflictmap.geocode.gazetteer import load_gazetteer
from conflictmap.schema import Format, LocatedBy
from conflictmap.settings import ROOT


def summary() -> dict:
    """What the dashboard loads: counts, date range, places and the unresolved place names."""
    loaded = load_events(shipped(), base_geocoder())
    events, places = loaded.events, loaded.places
    unresolved = places[places["located_by"] == LocatedBy.UNRESOLVED]
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


def build_parser() -> argparse.ArgumentParser:
    """The command line's commands and options (the README documents each: tests/unit/test_docs.py)."""
    parser = argparse.ArgumentParser(prog="python -m conflictmap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("summary", help="print a JSON summary of the data the dashboard loads")
    commands.add_parser("hash-password", help="read a password (not echoed) and print its hash for the secrets")
    importing = commands.add_parser("import", help="read a UCDP, ACLED, GDELT or other file into the event schema")
    importing.add_argument("file", type=Path)
    importing.add_argument("--format", default=Format.AUTO, choices=list(Format))
    importing.add_argument(
        "-o",
        "--output",
        required=True,
        help="OUT.csv, OUT.parquet, or a store folder DIR/ (added to in chunks, each event once)",
    )
    importing.add_argument(
        "--map", type=_mapping, default=None, help="for other tables: field=Column,... e.g. date=Date,place=Town"
    )
    ingest = commands.add_parser("ingest", help="add every file of a folder (GDELT's 15-minute files) to a store")
    ingest.add_argument("folder", type=Path)
    ingest.add_argument("-o", "--output", type=Path, required=True, help="the store folder DIR/")
    ingest.add_argument("--format", default=Format.AUTO, choices=list(Format))
    ingest.add_argument("--pattern", default="*", help="which files of the folder, e.g. '*.export.CSV*' (default all)")
    geocoding = commands.add_parser(
        "geocode",
        help="add coordinates, admin areas, P-code and evidence to a CSV with a 'place' column "
        "(optional hint columns: country, admin1, admin2)",
    )
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
    extracting = commands.add_parser(
        "extract", help="candidate events from a news report (.txt .md .html .pdf .docx, or a CSV with a 'text' column)"
    )
    extracting.add_argument("report", type=Path)
    extracting.add_argument(
        "--published", type=_date, help="publication date, YYYY-MM-DD (default: guessed from the text)"
    )
    extracting.add_argument("--country", help="the report's main country, ISO-2 or name (default: the most named)")
    extracting.add_argument("-o", "--output", type=Path, required=True, help="OUT.csv")
    bench = commands.add_parser(
        "bench", help="run a benchmark of the repository's benchmarks/ folder (it prints figures, not a pass or fail)"
    )
    bench.add_argument("benchmark", metavar="NAME", help="one of: " + ", ".join(benchmark_names()))
    bench.add_argument("options", nargs=argparse.REMAINDER, help="the benchmark's own options (NAME --help)")
    return parser


def benchmark_names() -> list[str]:
    """The benchmarks in the repository's benchmarks/ folder: its modules that run as a script."""
    folder = ROOT / "benchmarks"
    return sorted(
        path.stem for path in folder.glob("*.py") if 'if __name__ == "__main__":' in path.read_text(encoding="utf-8")
    )


def bench_command(name: str, options: list[str]) -> None:
    """Run `benchmarks/NAME.py` with `options` as its command line, as `python -m benchmarks.NAME` would."""
    if name not in benchmark_names():
        known = ", ".join(benchmark_names()) or "none: they live in a clone of the repository, not in the package"
        raise ConflictmapError(f"no benchmark named {name!r} (benchmarks: {known})")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.argv = [f"python -m conflictmap bench {name}", *options]
    runpy.run_module(f"benchmarks.{name}", run_name="__main__", alter_sys=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except (ConflictmapError, OSError) as error:
        print(f"conflictmap: {error}", file=sys.stderr)
        return 1


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
        raise argparse.ArgumentTypeError(f"'{text}' is not field=Column,field=Column")
    return {field.strip(): column.strip() for field, column in pairs}


def _not_the_input(source: Path, *outputs: Path) -> None:
    """Refuse to write over the file being read (`import ok.csv -o ok.csv` would replace it)."""
    for output in outputs:
        if output.exists() and source.exists() and output.resolve() == source.resolve():
            raise ConflictmapError(f"{output} is the file being read: choose another output")


def _write_text(output: Path, text: str) -> None:
    """Write `output` whole or not at all: a full disk leaves the old file, not a cut one.
    (A device or a folder is written as it is: it cannot be replaced, and says why it fails.)"""
    if output.exists() and not output.is_file():
        output.write_text(text, encoding="utf-8")
        return
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def is_store_folder(output: str | Path) -> bool:
    """`-o DIR/` (a trailing slash, an existing folder, or no file suffix) names a store folder."""
    text = str(output)
    return text.endswith(("/", "\\")) or Path(text).is_dir() or not Path(text).suffix


class ProgressBar:
    """A one-line progress bar on stderr: share of the bytes read, events read, events per second."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label, self.stream, self.started = label, stream or sys.stderr, time.monotonic()

    def __call__(self, done: int, total: int, rows: int) -> None:
        share = done / total if total else 1.0
        seconds = max(time.monotonic() - self.started, 1e-9)
        bar = "#" * int(share * 30)
        text = f"\r{self.label} [{bar:<30}] {share:4.0%} {rows:,} rows, {rows / seconds:,.0f} rows/s"
        print(text, end="\n" if done >= total else "", file=self.stream, flush=True)


def import_command(path: Path, format: str, output: Path | str, mapping: dict[str, str] | None) -> dict:
    """Write the accepted rows (canonical schema) to `output` and the rejected ones beside it; an
    output folder is a store, added to in chunks (rejected rows in DIR/rejected/)."""
    if is_store_folder(output):
        from conflictmap.readers.splitting import use_system_allocator
        from conflictmap.readers.validation import bounds_from_gazetteer
        from conflictmap.store.ingest import import_to_store

        use_system_allocator()
        bounds = bounds_from_gazetteer(load_gazetteer())
        return import_to_store(
            path, Path(output), format, mapping, country_bounds=bounds, progress=ProgressBar(path.name)
        )
    output = Path(output)
    from conflictmap.exporting import events_to_csv, table_to_csv
    from conflictmap.readers.importing import import_file
    from conflictmap.readers.splitting import use_system_allocator
    from conflictmap.readers.validation import bounds_from_gazetteer

    rejected_path = output.with_name(output.stem + ".rejected.csv")
    _not_the_input(path, output, rejected_path)
    use_system_allocator()
    imported = import_file(path, format=format, mapping=mapping, country_bounds=bounds_from_gazetteer(load_gazetteer()))
    if output.suffix.lower() == ".parquet":
        imported.events.to_parquet(output, index=False)
    else:
        _write_text(output, events_to_csv(imported.events))
    _write_text(rejected_path, table_to_csv(imported.rejected))
    return {**imported.report, "output": str(output), "rejected_output": str(rejected_path)}


def export_command(
    start: dt.date | None, end: dt.date | None, format: str, output: Path, events_file: Path | None
) -> dict:
    from conflictmap.exporting import events_to_csv, events_to_geojson
    from conflictmap.filters import Filters, apply_filters, date_bounds
    from conflictmap.maps.standalone import standalone_map

    if start and end and end < start:
        raise ConflictmapError(f"--end {end} is before --start {start}")
    if events_file is not None:
        _not_the_input(events_file, output)
    base = base_geocoder()
    if events_file is not None:
        import pandas as pd

        from conflictmap.geocode.placing import place_events
        from conflictmap.readers.importing import import_file

        # placed as the Data page places an added file: the one composition, taught by the shipped
        # data and the file itself
        imported = import_file(events_file).events
        geocoding = build_geocoder(base, learn_from=pd.concat([read_events(shipped())[0], imported]))
        events = place_events(imported, geocoding).events
        geocoding.save()
        events = events.sort_values("date_start", kind="stable").reset_index(drop=True)
    else:
        events = load_events(shipped(), base).events
    first, last = date_bounds(events)
    shown = apply_filters(events, Filters(start or first, end or last))
    if format == "html":
        text = standalone_map(shown, f"conflictmap: {start or first} to {end or last}")
    elif format == "geojson":
        text = events_to_geojson(shown)
    else:
        text = events_to_csv(shown)
    _write_text(output, text)
    return {"events": len(shown), "format": format, "output": str(output), "bytes": len(text.encode("utf-8"))}


def extract_command(report: Path, published: dt.date | None, country: str | None, output: Path) -> dict:
    """Candidate events of a report (or a CSV of reports) to `output`; a progress bar on stderr."""
    from conflictmap.exporting import table_to_csv
    from conflictmap.report.batch import country_code, extract_file

    shipped_events = read_events(shipped())[0]
    geocoding = build_geocoder(base_geocoder(), learn_from=shipped_events)  # the one composition
    actors = sorted(set(shipped_events["actor1"].dropna()) | set(shipped_events["actor2"].dropna()))
    table, summary = extract_file(report, geocoding, published, country_code(country), actors, _progress_bar)
    geocoding.save()
    output.write_text(table_to_csv(table), encoding="utf-8")
    return {**summary, "output": str(output)}


def _progress_bar(done: int, total: int) -> None:
    """A bar on stderr for inputs of many reports."""
    if total < 20 or (done % max(1, total // 100) and done != total):
        return
    width = 30
    filled = width * done // total
    print(f"\rextract [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} reports", end="", file=sys.stderr)
    if done == total:
        print(file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    if args.command == "import":
        print(json.dumps(import_command(args.file, args.format, args.output, args.map), ensure_ascii=False))
        return 0
    if args.command == "ingest":
        from conflictmap.readers.validation import bounds_from_gazetteer
        from conflictmap.store.ingest import ingest_folder

        bounds = bounds_from_gazetteer(load_gazetteer())
        report = ingest_folder(
            args.folder,
            args.output,
            args.format,
            pattern=args.pattern,
            country_bounds=bounds,
            progress=ProgressBar(args.folder.name or str(args.folder)),
        )
        print(json.dumps(report, ensure_ascii=False))
        return 0
    if args.command == "geocode":
        from conflictmap.geocode.batch import geocode_file

        # the one composition, taught (unless --no-learn) by the shipped data's own coordinates
        teacher = None if args.no_learn else read_events(shipped())[0]
        geocoding = build_geocoder(base_geocoder(), learn_from=teacher)
        report = geocode_file(args.file, args.output, geocoding, country=args.country)
        geocoding.save()
        report["answered_from_cache"] = report["distinct_places"] - geocoding.misses
        print(json.dumps(report, ensure_ascii=False))
        return 0
    if args.command == "export":
        print(json.dumps(export_command(args.start, args.end, args.format, args.output, args.events)))
        return 0
    if args.command == "extract":
        print(json.dumps(extract_command(args.report, args.published, args.country, args.output), ensure_ascii=False))
        return 0
    if args.command == "bench":
        bench_command(args.benchmark, args.options)
        return 0
    if args.command == "summary":
        print(json.dumps(summary(), indent=2, ensure_ascii=False))
    elif args.command == "hash-password":
        print(hash_password(getpass.getpass("Shared password: ")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
