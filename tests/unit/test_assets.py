"""The map's files are in the repository (no npm, no CDN), with their licences, pinned as the lock
file says, and a standalone export carries every one of them inline."""

import importlib.util
import json
import re

import pandas as pd
import pytest

from conflictmap.maps.assets import FILES, LOCAL_BASE, PACKAGES, MapAssets, file_path, missing_files
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.standalone import AssetsMissing, standalone_map
from conflictmap.schema import conform
from conflictmap.settings import STATIC_DIR
from tests.conftest import ROOT


def _vendor_script():
    spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _events() -> pd.DataFrame:
    return conform(
        pd.DataFrame(
            {
                "event_id": ["e1", "e2"],
                "date_start": [pd.Timestamp("2024-01-04")] * 2,
                "event_type": ["Air strike", "Rocket attack"],
                "place": ["Baghdad", "Ramadi"],
                "latitude": [33.34, 33.42],
                "longitude": [44.40, 43.31],
                "geo_precision": ["exact place", "exact place"],
                "located_by": ["source coordinates", "source coordinates"],
            }
        )
    )


def _declared(fmap) -> list[str]:
    """Every file URL the rendered map declares (scripts, styles) or fetches (quoted asset URLs)."""
    page = fmap.get_root().render()
    links = [url for _, url in fmap.default_js + fmap.default_css]
    fetched = re.findall(r'"(' + re.escape(LOCAL_BASE) + r'[^"]+)"', page)
    return sorted(set(links + fetched))


def test_every_file_the_map_declares_is_in_the_repository():
    fmap = base_map(_events(), type_colors(["Air strike", "Rocket attack"]), MapAssets())
    declared = _declared(fmap)
    assert len(declared) >= 8
    for url in declared:
        assert url.startswith(LOCAL_BASE), url  # served by this app, never a CDN
        assert (STATIC_DIR / url.removeprefix(LOCAL_BASE)).is_file(), url
    assert missing_files() == []


def test_images_the_vendored_styles_refer_to_are_vendored_too():
    for name in ("leaflet_css", "markercluster_css", "markercluster_default_css"):
        css = STATIC_DIR / file_path(name)
        for ref in re.findall(r"url\(([^)#]+)\)", css.read_text(encoding="utf-8")):
            assert (css.parent / ref.strip("'\"")).is_file(), f"{css.name} refers to a missing {ref}"


def test_each_vendored_package_carries_its_licence_and_nothing_unpinned():
    folders = {p.name for p in (STATIC_DIR / "vendor").iterdir() if p.is_dir()}
    assert folders == {f"{package}@{version}" for package, version in PACKAGES.items()}
    for folder in folders:
        assert any(re.match(r"(LICEN[CS]E|MIT-LICENCE)", p.name) for p in (STATIC_DIR / "vendor" / folder).iterdir())


def test_pins_match_the_npm_manifest_and_lock():
    manifest = json.loads((STATIC_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((STATIC_DIR / "package-lock.json").read_text(encoding="utf-8"))
    assert manifest["dependencies"] == PACKAGES
    vendor = _vendor_script()
    for package, version in PACKAGES.items():
        assert vendor.lock_integrity(lock, package, version).startswith("sha512-")
    with pytest.raises(vendor.VendorError, match=r"the lock pins 1\.9\.3"):
        vendor.lock_integrity(lock, "leaflet", "1.9.4")


def test_the_refresh_script_checks_sha512_as_npm_writes_it():
    vendor = _vendor_script()
    # `printf '' | openssl dgst -sha512 -binary | base64`
    assert vendor.sri(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )
    assert set(vendor.wanted("leaflet")) >= {"LICENSE", "dist/leaflet.js", "dist/images/layers.png"}


def test_a_standalone_export_inlines_every_file():
    page = standalone_map(_events(), "test map")
    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=", page)  # nothing loaded from elsewhere
    assert "conflictmap-asset:" not in page and LOCAL_BASE not in page
    for name, (_, path) in FILES.items():
        if path.endswith((".js", ".css")):
            text = (STATIC_DIR / file_path(name)).read_text(encoding="utf-8")
            assert text[:200].replace("</script", "<\\/script") in page, f"{name} is not inlined"
    assert "data:application/json;base64," in page  # the outlines, embedded
    assert "https://cdn" not in page and "unpkg.com" not in page


def test_without_its_files_a_standalone_export_says_which_are_missing(tmp_path):
    assert set(missing_files(tmp_path)) == {file_path(name) for name in FILES}
    with pytest.raises(AssetsMissing, match=re.escape("leaflet@1.9.3/dist/leaflet.js")):
        standalone_map(_events(), "test map", static_dir=tmp_path)
