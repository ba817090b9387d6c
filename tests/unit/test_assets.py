"""The map's files are in the repository (no npm, no CDN), with their licences, pinned as the lock
file says, and a standalone export carries every one of them inline."""

import base64
import importlib.util
import json
import re
import sys

import pandas as pd
import pytest

from conflictmap.maps.assets import FILES, LOCAL_BASE, PACKAGES, MapAssets, file_path, missing_files
from conflictmap.maps.basemap import BANDS, VILLAGE_ZOOM, base_map, type_colors
from conflictmap.maps.standalone import AssetsMissing, standalone_map
from conflictmap.schema import conform
from conflictmap.settings import STATIC_DIR, map_labels
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
    # every file is in one of the two kinds of export: played through time, or a choropleth
    page = standalone_map(_events(), "test map") + standalone_map(_events(), "test map", units=("district", "events"))
    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=", page)  # nothing loaded from elsewhere
    assert "conflictmap-asset:" not in page and LOCAL_BASE not in page
    for name, (_, path) in FILES.items():
        if path.endswith((".js", ".css")):  # inlined, or embedded for the script that loads it
            file = STATIC_DIR / file_path(name)
            text, data = file.read_text(encoding="utf-8"), file.read_bytes()
            inlined = text[:200].replace("</script", "<\\/script") in page
            assert inlined or base64.b64encode(data).decode("ascii") in page, f"{name} is not in the page"
    assert "data:application/json;base64," in page  # the outlines, embedded
    assert "https://cdn" not in page and "unpkg.com" not in page


def test_without_its_files_a_standalone_export_says_which_are_missing(tmp_path):
    assert set(missing_files(tmp_path)) == {file_path(name) for name in FILES}
    with pytest.raises(AssetsMissing, match=re.escape("leaflet@1.9.3/dist/leaflet.js")):
        standalone_map(_events(), "test map", static_dir=tmp_path)


# --- the offline basemap: static/basemap/, scripts/derive_basemap.py -------------------------------


def _derive_script():
    spec = importlib.util.spec_from_file_location("derive_basemap", ROOT / "scripts" / "derive_basemap.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["derive_basemap"] = module
    spec.loader.exec_module(module)
    return module


def _json(name: str) -> dict:
    return json.loads((STATIC_DIR / file_path(name)).read_text(encoding="utf-8"))


def _decode(line: list[int], scale: int) -> list[tuple[float, float]]:
    """(lon, lat) of a basemap line: its first point, then deltas, in units of 1/scale degree."""
    lon = lat = 0
    points = []
    for i in range(0, len(line), 2):
        lon, lat = lon + line[i], lat + line[i + 1]
        points.append((lon / scale, lat / scale))
    return points


def test_each_line_file_is_the_zoom_band_the_map_asks_for():
    derive = _derive_script()
    assert [(b.name, b.min_zoom) for b in derive.BANDS] == list(BANDS)
    for name, zoom in BANDS:
        data = _json(f"basemap_{name}")
        assert (data["band"], data["min_zoom"]) == (name, zoom)
        assert {"borders", "coast", "governorates", "provinces", "rivers", "lakes"} <= set(data["layers"])
        assert ("districts" in data["layers"]) == (zoom >= 7) and ("subdistricts" in data["layers"]) == (zoom >= 10)
        for line in data["layers"]["governorates"]:  # Iraq's lines are in Iraq
            for lon, lat in _decode(line, data["scale"]):
                assert 38.7 <= lon <= 48.7 and 29.0 <= lat <= 37.4, (lon, lat)
    village = {"status": "", "kind": "locality", "population": "", "feature_code": "PPL", "country": "IQ"}
    assert derive.gazetteer_zoom(village) == VILLAGE_ZOOM


def test_the_line_files_stay_small_and_coarser_bands_smaller():
    sizes = [(STATIC_DIR / file_path(f"basemap_{name}")).stat().st_size for name, _ in BANDS]
    assert sizes == sorted(sizes) and sizes[0] < 150_000  # the first map fetches only the first band


def test_places_are_named_in_english_and_arabic_by_zoom():
    places = _json("basemap_places")
    rows = {name: i for i, name in reversed(list(enumerate(places["name"])))}
    baghdad = rows["Baghdad"]
    assert places["name_ar"][baghdad] == "بغداد" and places["kinds"][places["kind"][baghdad]] == "capital"
    assert places["zoom"][baghdad] <= 4 and places["zoom"][rows["Mosul"]] <= 6
    assert places["zoom"][rows["Sadr City"]] == 11  # a neighbourhood, at city zoom
    assert all(z <= m for z, m in zip(places["zoom"], places["max_zoom"], strict=True))
    assert places["zoom"] == sorted(places["zoom"])  # most important first, as the browser places them
    villages = _json("basemap_villages")
    assert len(villages["name"]) > 10_000 and set(villages["zoom"]) == {VILLAGE_ZOOM}
    assert "Az Aubayr" not in places["name"]  # a typo in the sources, fixed


def test_the_basemap_adds_little_to_what_every_rerun_sends():
    events = _events()
    colors = type_colors(["Air strike", "Rocket attack"])
    with_basemap = base_map(events, colors, MapAssets()).get_root().render()
    options = re.search(r"\}\)\(map_\w+, (\{.*?\})\);", with_basemap).group(1)
    assert len(options) < 1_500  # the options only: the drawing code and data are cached files
    assert json.loads(options)["labels"] == "en"


def test_labels_follow_the_setting(monkeypatch):
    assert map_labels({"CONFLICTMAP_LABELS": "AR"}) == "ar" and map_labels({}) == "en"
    assert map_labels({"CONFLICTMAP_LABELS": "fr"}) == "en"
    monkeypatch.setenv("CONFLICTMAP_LABELS", "ar")
    page = base_map(_events(), type_colors(["Air strike"]), MapAssets()).get_root().render()
    assert '"labels": "ar"' in page


def test_a_standalone_export_embeds_the_basemap_without_the_city_detail():
    page = standalone_map(_events(), "test map")
    assert page.count("data:application/json;base64,") == 5  # outlines, two line bands, the world's, places
    options = json.loads(re.search(r"\}\)\(map_\w+, (\{.*?\})\);", page).group(1))
    assert options["villages"] is None and [b["url"] is None for b in options["bands"]] == [False, False, True]


def test_douglas_peucker_and_the_line_encoding():
    derive = _derive_script()
    line = [(44.0, 33.0), (44.5, 33.004), (45.0, 33.0), (45.5, 33.5)]
    assert derive.simplify(line, 0.01) == [(44.0, 33.0), (45.0, 33.0), (45.5, 33.5)]
    assert _decode(derive.encode(line, 1000), 1000) == line
    assert derive.encode([(44.0, 33.0), (44.0001, 33.0)], 1000) == [44000, 33000]  # a repeat, dropped


def test_lines_are_cut_to_what_lies_outside_the_region():
    derive = _derive_script()
    parts = derive.outside_box([(0.0, 5.0), (10.0, 5.0), (20.0, 5.0)], (5.0, 0.0, 15.0, 10.0))
    assert parts == [[(0.0, 5.0), (5.0, 5.0)], [(15.0, 5.0), (20.0, 5.0)]]
    assert derive.outside_box([(6.0, 5.0), (7.0, 5.0)], (5.0, 0.0, 15.0, 10.0)) == []


def test_iraq_admin_lines_are_classed_by_the_highest_level_they_separate():
    derive = _derive_script()

    def unit(code: str, x0: float, y0: float) -> dict:
        ring = [[x0, y0], [x0 + 1, y0], [x0 + 1, y0 + 1], [x0, y0 + 1], [x0, y0]]
        return {
            "properties": {"ADM1_PCODE": code[:2], "ADM2_PCODE": code[:3], "ADM3_PCODE": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    # a row of four squares: G1 (D1: S1, S2; D2: S3) | G2 (S4)
    lines = derive.iraq_admin_lines([unit("G1aa", 0, 0), unit("G1ab", 1, 0), unit("G1bc", 2, 0), unit("G2cd", 3, 0)])
    assert [sorted(line) for line in lines["subdistricts"]] == [[(1.0, 0.0), (1.0, 1.0)]]
    assert [sorted(line) for line in lines["districts"]] == [[(2.0, 0.0), (2.0, 1.0)]]
    assert [sorted(line) for line in lines["governorates"]] == [[(3.0, 0.0), (3.0, 1.0)]]
