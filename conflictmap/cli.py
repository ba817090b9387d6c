"""Command line over the same core as the dashboard: `python -m conflictmap summary`."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from conflictmap.access import hash_password
from conflictmap.datasets import load_events, shipped
from conflictmap.gazetteer import load_gazetteer
from conflictmap.geocoding import OfflineGeocoder


def summary() -> dict:
    """What the dashboard loads: counts, date range, places and the unresolved place names."""
    loaded = load_events(shipped(), OfflineGeocoder(load_gazetteer()))
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
        choices=["map", "browser"],
        help="map: Python work per slider change; browser: slider change to map redrawn in Chromium",
    )
    bench.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of synthetic events")
    bench.add_argument("--no-naive", action="store_true", help="skip the naive one-marker-per-event map")
    args = parser.parse_args(argv)
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
        if args.what == "map":
            benchmarks.bench_map(sizes, naive=not args.no_naive)
        else:
            for size in sizes:
                benchmarks.measure_browser(size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
