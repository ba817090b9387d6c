"""Refresh the map's vendored npm files in static/vendor/ from the npm registry, checked against the lock.

    python scripts/vendor_assets.py           # fetch each pinned tarball with `npm pack`, check, write
    python scripts/vendor_assets.py --check   # the same, but only report files that differ (exit 1)

For each package in `conflictmap.maps.assets.PACKAGES` it runs `npm pack <name>@<version>` (npm's
own registry settings and cache), checks the tarball's sha512 against the `integrity` recorded in
static/package-lock.json (a mismatch stops everything: nothing is written), and copies exactly the
files the map loads (`assets.FILES`), the images leaflet.css points at and the package's licence
to static/vendor/<name>@<version>/. Folders of versions no longer pinned are removed.

To move to another version: change static/package.json, run
`npm install --package-lock-only --ignore-scripts --prefix static` (updates the lock only), set the same
version in `PACKAGES`, then run this script. Needs npm; the app itself never does.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conflictmap.maps.assets import FILES, PACKAGES  # noqa: E402

STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
LOCK = STATIC / "package-lock.json"
#: Files not named in FILES that a vendored file needs: the licence, images leaflet.css refers to.
EXTRA = {
    "leaflet": ["LICENSE", "dist/images/layers.png", "dist/images/layers-2x.png", "dist/images/marker-icon.png",
                "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png"],
    "leaflet.heat": ["LICENSE"],
    "leaflet.markercluster": ["MIT-LICENCE.txt"],
    "topojson-client": ["LICENSE"],
    "world-atlas": ["LICENSE"],
}  # fmt: skip


class VendorError(RuntimeError):
    pass


def wanted(package: str) -> list[str]:
    """The paths inside `package` to vendor: "world-atlas" -> ["countries-50m.json", ..., "LICENSE"]."""
    return sorted({path for name, path in FILES.values() if name == package} | set(EXTRA.get(package, [])))


def lock_integrity(lock: dict, package: str, version: str) -> str:
    """The lock's `integrity` for `package`, after checking that the lock pins `version`."""
    entry = lock["packages"].get(f"node_modules/{package}")
    if entry is None:
        raise VendorError(f"{package} is not in {LOCK.name}: run npm install --package-lock-only --prefix static")
    if entry["version"] != version:
        raise VendorError(f"{package}: the lock pins {entry['version']}, conflictmap.maps.assets pins {version}")
    return entry["integrity"]


def sri(data: bytes) -> str:
    """Subresource-integrity string of `data`, as npm writes it: "sha512-<base64>"."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def npm_pack(package: str, version: str, into: Path) -> bytes:
    """The registry tarball of package@version, fetched by npm."""
    result = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--json", "--pack-destination", str(into), "--ignore-scripts"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise VendorError(f"npm pack {package}@{version} failed: {result.stderr.strip()}")
    filename = json.loads(result.stdout)[0]["filename"]
    return (into / filename).read_bytes()


def files_from_tarball(tarball: Path, paths: list[str]) -> dict[str, bytes]:
    """The `paths` (relative to the package root) read from an npm tarball."""
    found = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            # npm tarballs hold one top folder, usually "package/"
            inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if member.isfile() and inner in paths:
                found[inner] = archive.extractfile(member).read()
    missing = sorted(set(paths) - set(found))
    if missing:
        raise VendorError(f"{tarball.name} lacks {', '.join(missing)}")
    return found


def vendor(check: bool) -> list[str]:
    """Fetch, verify, and write (or, with `check`, compare); returns the vendored paths that differ."""
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    fetched: dict[str, dict[str, bytes]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for package, version in PACKAGES.items():
            expected = lock_integrity(lock, package, version)
            data = npm_pack(package, version, Path(scratch))
            if sri(data) != expected:
                raise VendorError(f"{package}@{version}: the tarball's {sri(data)} is not the lock's {expected}")
            tarball = Path(scratch) / f"{package}-{version}.tgz"
            tarball.write_bytes(data)
            fetched[package] = files_from_tarball(tarball, wanted(package))
            print(f"{package}@{version}: integrity ok, {len(fetched[package])} files")
    differing = []
    for package, files in fetched.items():
        folder = VENDOR / f"{package}@{PACKAGES[package]}"
        for path, data in files.items():
            target = folder / path
            if not target.is_file() or target.read_bytes() != data:
                differing.append(str(target.relative_to(ROOT)))
                if not check:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        stray = [p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() not in files]
        differing += [str(p.relative_to(ROOT)) for p in stray]
        if not check:
            for path in stray:
                path.unlink()
    pinned = {f"{package}@{version}" for package, version in PACKAGES.items()}
    for old in sorted(p for p in VENDOR.iterdir() if p.is_dir() and p.name not in pinned):
        differing.append(str(old.relative_to(ROOT)))
        if not check:
            shutil.rmtree(old)
    return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if a vendored file differs")
    args = parser.parse_args(argv)
    VENDOR.mkdir(parents=True, exist_ok=True)
    try:
        differing = vendor(args.check)
    except VendorError as error:
        print(f"vendor_assets: {error}", file=sys.stderr)
        return 1
    for path in differing:
        print(("differs: " if args.check else "written: ") + path)
    return 1 if args.check and differing else 0


if __name__ == "__main__":
    sys.exit(main())
