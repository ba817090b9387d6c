"""scripts/derive_gazetteer.py on tiny invented inputs (tests/fixtures/gazetteer_inputs/, see its README):
skips, supersession, status flags, labels and Arabic names, alternates, point-in-polygon assignment,
interior points, determinism. Never reads ../shared/."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import sys

import numpy as np
import pytest

from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "gazetteer_inputs"
WOF = FIXTURE / "wof-gazetteer-iraq-neighbours"


def _load_script():
    spec = importlib.util.spec_from_file_location("derive_gazetteer", ROOT / "scripts" / "derive_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["derive_gazetteer"] = module
    spec.loader.exec_module(module)
    return module


dg = _load_script()


@pytest.fixture(scope="module")
def admin():
    return dg.derive_admin_areas(FIXTURE)


@pytest.fixture(scope="module")
def wof():
    rows = {"IQ": dg.read_wof(WOF / "wof_iq.tsv"), "SY": dg.read_wof(WOF / "wof_sy.tsv")}
    return dg.derive_places(rows, border=dg.load_border(FIXTURE / dg.COD_DIR / dg.COD_ADM0))


@pytest.fixture(scope="module")
def placed(wof, admin):
    stats = dg.assign_admin(wof.places, admin)
    dg.assign_neighbour_admin1(wof.places, wof.regions)
    return {p.wof_id: p for p in wof.places}, stats


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("gazetteer")
    holdout = tmp_path_factory.mktemp("bench") / "holdout.csv"
    code = dg.main(["--shared", str(FIXTURE), "--out", str(out), "--countries", "IQ,SY", "--holdout", str(holdout)])
    assert code == 0
    return out, holdout


def _tsv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter="\t"))


# ------------------------------------------------------------------------------ selection


def test_deprecated_and_superseded_rows_are_skipped_and_counted(wof):
    ids = {p.wof_id for p in wof.places}
    assert "1002" not in ids  # deprecated
    assert "1003" not in ids and "1004" in ids  # superseded, successor kept
    assert "1012" not in ids  # superseded by a deprecated row
    assert "900002" not in ids and "900003" in ids  # superseded governorate
    assert "85632191" not in ids  # the country row
    assert wof.skipped[("IQ", "locality", "deprecated")] == 1
    assert wof.skipped[("IQ", "locality", "superseded, followed: names merged into successor")] == 1
    assert wof.skipped[("IQ", "locality", "superseded, successor not shipped (deprecated or not a place)")] == 1
    assert wof.skipped[("SY", "locality", "deprecated")] == 1
    assert wof.followed == 2


def test_superseded_names_move_to_the_successor(wof):
    new = next(p for p in wof.places if p.wof_id == "1004")
    assert new.label == "Tall New"
    assert new.alternates() == ["Tall Old", "Tall Qadīm", "Tall Qadim"]
    # the successor had no Arabic name, feature code or population: it takes the predecessor's
    assert (new.name_ar, new.feature_code, new.population) == ("تل قديم", "PPLA2", 1500)


def test_status_flags_and_population(wof):
    by_id = {p.wof_id: p for p in wof.places}
    assert by_id["1005"].status == "abandoned" and by_id["1005"].population == 1200
    assert by_id["1006"].status == "destroyed"
    assert by_id["1001"].status == "" and by_id["1001"].population is None  # GeoNames 0 = unknown
    assert dg.STATUS_OF_CODE["PPLH"] == "historical"


def test_kinds(wof):
    by_id = {p.wof_id: p for p in wof.places}
    assert by_id["1010"].kind == "airport"
    assert by_id["1011"].kind == "district"
    assert by_id["900001"].kind == "governorate"
    assert by_id["1001"].kind == "locality"


# ---------------------------------------------------------------------------------- names


def test_arabic_primary_gets_english_label_and_arabic_name(wof):
    fallujah = next(p for p in wof.places if p.wof_id == "1007")
    assert fallujah.label == "Fallujah"
    assert fallujah.name_ar == "الفلوجة"
    assert fallujah.alternates() == ["Falloujah", "Эль-Фаллуджа"]
    assert (fallujah.lat, fallujah.lon) == (33.1, 41.1)  # WOF label point, not the geometry centroid


def test_latin_ara_preferred_is_no_arabic_name(wof):
    taji = next(p for p in wof.places if p.wof_id == "1008")
    assert taji.label == "At Tājī"
    assert taji.name_ar == ""
    assert taji.alternates() == ["At Taji", "Camp Taji"]  # deduplicated, the label left out


def test_alternates_dedupe_and_drop_empty(wof):
    village = next(p for p in wof.places if p.wof_id == "1001")
    assert village.label == "Qaryat Sa‘īd"  # gn_name, with diacritics
    assert village.name_ar == "قرية سعيد"
    assert village.alternates() == ["Qaryat Sa'id", "Qaryat Said"]


def test_clean_and_scripts():
    assert dg.clean(" a\tb|c\n ") == "a b c"
    assert dg.is_latin("Nāḩiyat Jurf aş Şakhr") and not dg.is_latin("الفلوجة") and not dg.is_latin("Багдад")
    assert dg.is_arabic("ناحية جرف الصخر") and not dg.is_arabic("At Tājī")


# ------------------------------------------------------------------------------- polygons


def test_ray_casting_square_and_horseshoe(admin):
    west, horseshoe = admin.polygons[3]
    lon = np.array([41.0, 39.9, 43.0, 43.0, 42.25])
    lat = np.array([33.0, 33.0, 32.2, 33.5, 33.5])
    assert dg.points_in_polygon(lon, lat, west).tolist() == [True, False, False, False, False]
    assert dg.points_in_polygon(lon, lat, horseshoe).tolist() == [False, False, True, False, True]


def test_centroid_outside_its_polygon_gets_an_interior_point(admin):
    assert admin.moved == ["IQG92Q01N01"]
    lat, lon = admin.points["IQG92Q01N01"]
    horseshoe = admin.polygons[3][1]
    assert dg.points_in_polygon(np.array([lon]), np.array([lat]), horseshoe)[0]
    assert admin.points["IQG91Q01N01"] == (33.0, 41.0)  # inside: the given centroid is kept


def test_point_in_polygon_assignment(placed):
    by_id, stats = placed
    assert [by_id["1001"].admin.get(k) for k in ("admin1_pcode", "admin2_pcode", "admin3_pcode", "admin3")] == [
        "IQG91",
        "IQG91Q01",
        "IQG91Q01N01",
        "Markaz West",
    ]
    assert by_id["1005"].admin["admin3_pcode"] == "IQG92Q01N01"
    # in the horseshoe's notch: no sub-district, so the district level answers
    assert by_id["1006"].admin == {
        "admin1_pcode": "IQG92",
        "admin1": "East Gov",
        "admin2_pcode": "IQG92Q01",
        "admin2": "East District",
    }
    assert by_id["1008"].admin["admin3_pcode"] == "IQG91Q01N01"  # ~2 km outside: nearest within 5 km
    assert by_id["1009"].admin == {}  # ~90 km outside: nothing
    assert stats == {"adm3 inside": 7, "adm3 nearest <= 5 km": 1, "adm2 inside": 2, "no polygon within 5 km": 1}


def test_admin_rows_stop_at_their_own_level(placed):
    by_id, _ = placed
    assert set(by_id["1011"].admin) == {"admin1_pcode", "admin1", "admin2_pcode", "admin2"}
    assert set(by_id["900001"].admin) == {"admin1_pcode", "admin1"}


def test_neighbours_get_admin1_from_the_wof_region(placed):
    by_id, _ = placed
    assert by_id["8001"].admin == {"admin1": "Aleppo Governorate"}
    assert by_id["8001"].label == "Ḩalab"


def test_big_neighbours_are_cut_but_keep_border_villages():
    border = dg.load_border(FIXTURE / dg.COD_DIR / dg.COD_ADM0)

    def row(wof_id, lat, lon, **kw):
        base = dict.fromkeys(
            [
                "edtf_deprecated",
                "gn_name",
                "gn_asciiname",
                "gn_population",
                "gn_feature_code",
                "lbl_latitude",
                "lbl_longitude",
                "region_id",
            ],
            "",
        )
        base.update(
            wof_id=wof_id,
            placetype="locality",
            name=f"Deh {wof_id}",
            latitude=str(lat),
            longitude=str(lon),
            country="IR",
            wof_superseded_by="[]",
            names="{}",
            src_geom="geonames",
        )
        base.update(kw)
        return base

    rows = {
        "IQ": [],
        "IR": [
            row("1", 33.0, 44.5),  # ~47 km from the border: kept
            row("2", 33.0, 48.0),  # ~370 km away, nothing notable: cut
            row("3", 33.0, 48.0, gn_feature_code="PPLA2"),  # a seat: kept
            row("4", 33.0, 48.0, names='{"name:ara_x_preferred": ["ده"]}'),  # an Arabic name: kept
            row("5", 33.0, 48.0, placetype="county"),  # admin areas are kept
        ],
    }
    result = dg.derive_places(rows, border=border)
    assert [p.wof_id for p in result.places] == ["1", "3", "4", "5"]
    assert result.border_kept == {"IR": 1}
    assert result.skipped[("IR", "locality", "cut: not notable, no Arabic name, far from Iraq")] == 1


def _village(wof_id: str, gn: tuple[str, str], admin1: str, admin2: str):
    place = dg.Place(wof_id, "IQ", "locality", wof_id, "", [wof_id], "PPL", None, 33.0, 44.0, "", gn_admin=gn)
    place.admin.update(admin1_pcode=admin1, admin2_pcode=admin2)
    return place


def test_geonames_units_stand_for_the_cod_unit_holding_most_of_their_places():
    # GeoNames' district "99" holds three villages in COD-AB's IQG10Q01 and one in IQG16Q04: it stands
    # for IQG10Q01, so the fourth village gets gn_admin2_pcode IQG10Q01 (and its governorate IQG10)
    places = [
        _village("1", ("10.0", "99.0"), "IQG10", "IQG10Q01"),
        _village("2", ("10.0", "99.0"), "IQG10", "IQG10Q01"),
        _village("3", ("10.0", "99.0"), "IQG10", "IQG10Q01"),
        _village("4", ("10.0", "99.0"), "IQG16", "IQG16Q04"),
        _village("5", ("10.0", "77.0"), "IQG10", "IQG10Q02"),  # a unit split evenly stands for nothing
        _village("6", ("10.0", "77.0"), "IQG10", "IQG10Q03"),
    ]
    stats = dg.assign_geonames_units(places)
    assert places[3].admin["gn_admin2_pcode"] == "IQG10Q01" and places[3].admin["gn_admin1_pcode"] == "IQG10"
    assert all("gn_admin2_pcode" not in p.admin for p in places[:3] + places[4:]), "only where they differ"
    assert stats == {"adm1 differs": 1, "adm2 differs": 1}


def test_successor_chain_and_cycle():
    rows = {
        "a": {"wof_superseded_by": "[2]"},
        "2": {"wof_superseded_by": "[3]"},
        "3": {"wof_superseded_by": "[]"},
        "x": {"wof_superseded_by": '["y"]'},
        "y": {"wof_superseded_by": '["x"]'},
    }
    assert dg.resolve_successor("a", rows) == "3"
    assert dg.resolve_successor("x", rows) is None
    assert dg.resolve_successor("missing", rows) is None


# ------------------------------------------------------------------------------- end to end


def test_outputs_columns_and_contents(built):
    out, _ = built
    places = _tsv(gzip.decompress((out / "places.tsv.gz").read_bytes()))
    assert list(places[0]) == dg.PLACE_COLUMNS
    by_id = {r["id"]: r for r in places}
    assert by_id["wof:1007"]["name"] == "Fallujah" and by_id["wof:1007"]["name_ar"] == "الفلوجة"
    assert by_id["wof:1005"]["status"] == "abandoned" and by_id["wof:1006"]["status"] == "destroyed"
    assert by_id["wof:1004"]["alternates"] == "Tall Old|Tall Qadīm|Tall Qadim"
    assert by_id["wof:1001"]["population"] == "" and by_id["wof:1004"]["population"] == "1500"
    assert by_id["wof:1001"]["admin3"] == "Markaz West" and by_id["wof:8001"]["admin1_pcode"] == ""
    assert "wof:1002" not in by_id and "wof:1003" not in by_id

    areas = _tsv((out / "admin_areas.tsv").read_bytes())
    assert list(areas[0]) == dg.ADMIN_COLUMNS
    assert [(a["pcode"], a["level"], a["parent_pcode"]) for a in areas] == [
        ("IQG91", "governorate", ""),
        ("IQG92", "governorate", ""),
        ("IQG91Q01", "district", "IQG91"),
        ("IQG92Q01", "district", "IQG92"),
        ("IQG91Q01N01", "sub-district", "IQG91Q01"),
        ("IQG92Q01N01", "sub-district", "IQG92Q01"),
    ]
    horseshoe = areas[-1]
    assert horseshoe["alternates"] == "Hadwa" and horseshoe["name_ar"] == "حدوة"
    assert (horseshoe["min_lat"], horseshoe["min_lon"], horseshoe["max_lat"], horseshoe["max_lon"]) == (
        "32",
        "42",
        "34",
        "44",
    )

    provenance = (out / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in provenance and "python scripts/derive_gazetteer.py" in provenance
    assert "`0000000000000000000000000000000000000000`" in provenance


def test_gzip_is_deterministic(built, tmp_path):
    out, _ = built
    raw = (out / "places.tsv.gz").read_bytes()
    assert raw[3] == 0 and raw[4:8] == b"\0\0\0\0"  # no file name, mtime 0
    again = tmp_path / "again"
    assert dg.main(["--shared", str(FIXTURE), "--out", str(again), "--countries", "IQ,SY"]) == 0
    for name in ("places.tsv.gz", "admin_areas.tsv", "PROVENANCE.md"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_holdout(built):
    _, holdout = built
    rows = list(csv.DictReader(holdout.open(encoding="utf-8")))
    assert list(rows[0]) == dg.HOLDOUT_COLUMNS
    # every Iraqi locality with an Arabic name (fewer than the sample size), no other country, no admin row
    assert [r["id"] for r in rows] == ["wof:1001", "wof:1004", "wof:1005", "wof:1006", "wof:1007"]
    assert rows[0]["name_ar"] == "قرية سعيد" and rows[0]["admin2"] == "West District"


def test_holdout_sample_is_seeded():
    places = [dg.Place(str(i), "IQ", "locality", f"v{i}", "قرية", [], "PPL", None, 33.0, 44.0, "") for i in range(2000)]
    first = dg.holdout_rows(places)
    assert len(first) == dg.HOLDOUT_SIZE and first == dg.holdout_rows(places)


def test_holdout_refused_inside_data(tmp_path):
    with pytest.raises(SystemExit) as exc:
        dg.main(["--shared", str(FIXTURE), "--out", str(tmp_path), "--holdout", str(ROOT / "data" / "h.csv")])
    assert exc.value.code == 2
    assert not (ROOT / "data" / "h.csv").exists()


def test_missing_shared_says_so(tmp_path, capsys):
    assert dg.main(["--shared", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_country_file_says_so(tmp_path, capsys):
    assert dg.main(["--shared", str(FIXTURE), "--out", str(tmp_path / "out"), "--countries", "IQ,IR"]) == 2
    assert "wof_ir.tsv" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_gz_input_is_read(tmp_path):
    folder = tmp_path / dg.WOF_DIR
    folder.mkdir()
    (folder / "wof_tr.tsv.gz").write_bytes(gzip.compress((WOF / "wof_sy.tsv").read_bytes()))
    path = dg.wof_path(tmp_path, "TR")
    assert path.name == "wof_tr.tsv.gz" and len(dg.read_wof(path)) == 4
