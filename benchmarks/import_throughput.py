"""Import throughput: rows per second and peak memory of the CSV readers on 1,000,000-row files
made by repeating the real samples in ../shared/data, against a naive reader in the same run.

    .venv/bin/python -m conflictmap bench import_throughput            # 1,000,000 rows each
    .venv/bin/python -m conflictmap bench import_throughput --rows 200000

The UCDP file repeats the 7,473 GED events of conflict_data_irq.csv (header and HXL row once),
the GDELT file the 2,111 rows of the 15-minute export; each copy adds an offset to the event id
so that ids stay unique (repeated ids would be rejected as duplicates, which is not what is being
measured). Each measurement runs in its own process, so its peak memory (ru_maxrss) is its own:
"peak" is the whole process, "added" the growth over the process before the file was read.
Each reader runs --repeat times (default 3) and the fastest run is shown with all the times:
on a shared 2-core machine other processes can only slow a run down.

The fast path is `conflictmap.readers.importing.import_file` with the country boxes the app passes
(swapped-coordinate check on). The naive path is what a first version would do: pandas'
default `read_csv`, then one Python function per row (`DataFrame.apply(axis=1)`) to build and
check each event.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
UCDP = SHARED_DATA / "ucdp-ged-iraq" / "conflict_data_irq.csv"
GDELT = SHARED_DATA / "gdelt-2.0-sample" / "20191024143000.export.CSV"


def build_ucdp(path: Path, rows: int) -> None:
    with UCDP.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, hxl, body = table[0], table[1], table[2:]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerow(hxl)
        for number in range(rows):
            copy, row = divmod(number, len(body))
            source = body[row]
            writer.writerow([str(int(source[0]) + copy * 10_000_000), *source[1:]])


def build_gdelt(path: Path, rows: int) -> None:
    lines = GDELT.read_bytes().splitlines(keepends=True)
    with path.open("wb") as handle:
        for number in range(rows):
            copy, row = divmod(number, len(lines))
            event_id, rest = lines[row].split(b"\t", 1)
            handle.write(str(int(event_id) + copy * 10_000_000_000).encode() + b"\t" + rest)


# ---------------------------------------------------------------------------------------------
# The naive reader: default read_csv, then Python per row.

CAMEO = {f"{n:02d}": f"root {n}" for n in range(1, 21)}


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def naive_ucdp(path: Path) -> tuple[int, int]:
    import pandas as pd

    raw = pd.read_csv(path, low_memory=False).iloc[1:]  # skip the HXL row

    def event(row):
        try:
            start = datetime.strptime(str(row["date_start"])[:10], "%Y-%m-%d")
        except ValueError:
            start = None
        latitude, longitude = _number(row["latitude"]), _number(row["longitude"])
        notes = (
            f"Conflict: {row['conflict_name']}. Dyad: {row['dyad_name']}. Deaths: side A {row['deaths_a']}, "
            f"side B {row['deaths_b']}, civilians {row['deaths_civilians']}, unknown {row['deaths_unknown']}."
        )
        valid = start is not None and latitude is not None and longitude is not None
        return {
            "event_id": f"ucdp:{row['id']}",
            "date_start": start,
            "event_type": {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}.get(
                _number(row["type_of_violence"])
            ),
            "actor1": row["side_a"],
            "actor2": row["side_b"],
            "fatalities": _number(row["best"]),
            "place": row["where_coordinates"],
            "latitude": latitude,
            "longitude": longitude,
            "notes": notes,
            "valid": valid,
        }

    events = pd.DataFrame(list(raw.apply(event, axis=1)))
    return len(raw), int(events["valid"].sum())


def naive_gdelt(path: Path) -> tuple[int, int]:
    import pandas as pd

    from conflictmap.readers.gdelt import GDELT2_COLUMNS

    raw = pd.read_csv(path, sep="\t", header=None, names=list(GDELT2_COLUMNS), low_memory=False)

    def event(row):
        try:
            start = datetime.strptime(str(row["SQLDATE"]), "%Y%m%d")
        except ValueError:
            start = None
        latitude, longitude = _number(row["ActionGeo_Lat"]), _number(row["ActionGeo_Long"])
        place = row["ActionGeo_FullName"] if isinstance(row["ActionGeo_FullName"], str) else None
        notes = (
            f"Quad class {row['QuadClass']}. Goldstein scale: {row['GoldsteinScale']}. "
            f"Average tone: {row['AvgTone']:.2f}. Coverage: mentions {row['NumMentions']}, "
            f"sources {row['NumSources']}, articles {row['NumArticles']}."
        )
        valid = start is not None and ((latitude is not None and longitude is not None) or place is not None)
        return {
            "event_id": f"gdelt:{row['GLOBALEVENTID']}",
            "date_start": start,
            "event_type": CAMEO.get(f"{int(row['EventRootCode']):02d}"),
            "sub_event_type": f"CAMEO {row['EventCode']}",
            "actor1": row["Actor1Name"],
            "actor2": row["Actor2Name"],
            "place": place,
            "country": place.rsplit(",", 1)[-1].strip() if place else None,
            "latitude": latitude,
            "longitude": longitude,
            "source": row["SOURCEURL"],
            "notes": notes,
            "valid": valid,
        }

    events = pd.DataFrame(list(raw.apply(event, axis=1)))
    return len(raw), int(events["valid"].sum())


# ---------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(kind: str, approach: str, path: Path) -> dict:
    """One measurement, in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    import pandas  # noqa: F401  (imported before the baseline, as the app has it loaded)

    from conflictmap.readers.importing import import_file
    from conflictmap.readers.splitting import use_system_allocator

    bounds = None
    if approach == "fast":
        use_system_allocator()  # as `python -m conflictmap import` does
        from conflictmap.geocode.gazetteer import load_gazetteer
        from conflictmap.readers.validation import bounds_from_gazetteer

        bounds = bounds_from_gazetteer(load_gazetteer())
    baseline = _rss_mb()
    started = time.perf_counter()
    if approach == "fast":
        report = import_file(path, country_bounds=bounds).report
        read, accepted = report["read"], report["accepted"]
    else:
        read, accepted = (naive_ucdp if kind == "ucdp" else naive_gdelt)(path)
    seconds = time.perf_counter() - started
    peak = _rss_mb()
    return {
        "reader": kind,
        "approach": approach,
        "rows": read,
        "accepted": accepted,
        "seconds": round(seconds, 2),
        "rows_per_second": round(read / seconds),
        "peak_mb": round(peak),
        "added_mb": round(peak - baseline),
    }


def _in_subprocess(kind: str, approach: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", kind, approach, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-naive", action="store_true", help="measure only the readers")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each reader (the best is shown: other processes only slow it)"
    )
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "APPROACH", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, approach, path = args.measure
        print(json.dumps(measure(kind, approach, Path(path))))
        return

    import pandas as pd
    import pyarrow as pa

    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, pyarrow {pa.__version__}, "
        f"{__import__('os').cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory(prefix="import-throughput-") as folder:
        files = {"ucdp": Path(folder) / "ucdp_ged.csv", "gdelt": Path(folder) / "gdelt.export.CSV"}
        started = time.perf_counter()
        build_ucdp(files["ucdp"], args.rows)
        build_gdelt(files["gdelt"], args.rows)
        sizes = ", ".join(f"{kind} {path.stat().st_size / 1e6:.0f} MB" for kind, path in files.items())
        print(f"built {args.rows:,}-row files in {time.perf_counter() - started:.0f} s: {sizes}")
        header = f"{'reader':8}{'approach':10}{'rows':>11}{'accepted':>11}{'seconds':>9}{'rows/s':>10}"
        print(header + f"{'peak MB':>9}{'added MB':>10}")
        results = {}
        for kind, path in files.items():
            for approach in ("fast", "naive"):
                if approach == "naive" and args.skip_naive:
                    continue
                runs = [_in_subprocess(kind, approach, path) for _ in range(args.repeat if approach == "fast" else 1)]
                result = min(runs, key=lambda run: run["seconds"])
                results[(kind, approach)] = result
                every = "" if len(runs) == 1 else "   (runs: " + ", ".join(f"{run['seconds']} s" for run in runs) + ")"
                print(
                    f"{kind:8}{approach:10}{result['rows']:>11,}{result['accepted']:>11,}{result['seconds']:>9}"
                    f"{result['rows_per_second']:>10,}{result['peak_mb']:>9,}{result['added_mb']:>10,}{every}"
                )
        for kind in files:
            if (kind, "naive") in results:
                fast, naive = results[(kind, "fast")], results[(kind, "naive")]
                ratio = fast["rows_per_second"] / naive["rows_per_second"]
                print(f"{kind}: fast path {ratio:.1f}x the naive rows/s")
        target = 200_000
        slow = [kind for kind in files if results[(kind, "fast")]["rows_per_second"] < target]
        print(f"target {target:,} rows/s: " + ("met by every reader" if not slow else f"NOT met by {', '.join(slow)}"))


if __name__ == "__main__":
    main()
