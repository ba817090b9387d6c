"""The rules that decide a name, on a tiny invented gazetteer (tests/fixtures/gazetteer_small/, see the
fixtures README): the seat of the sub-district named after it, a "town" that only a "Qaryat" record
names, a tribe's name, GeoNames' own units where COD-AB's boundaries differ, a WOF alternate that is
another district's own name, an older district that COD-AB has as a sub-district. Built without
cities500 in well under a second; never reads ../shared/."""

from __future__ import annotations

import pytest

from conflictmap.geocode.gazetteer import INDEX_CODE, build_gazetteer, fingerprint
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.records import distance_km
from conflictmap.geocode.sources import SourceFiles
from tests.conftest import FIXTURES

SMALL = FIXTURES / "gazetteer_small"
FILES = SourceFiles(
    places=SMALL / "places.tsv",
    admin_areas=SMALL / "admin_areas.tsv",
    supplement=SMALL / "places_supplement.csv",
    admin1_names=SMALL / "admin1.csv",
    world=False,
)


@pytest.fixture(scope="module")
def small() -> Gazetteer:
    return build_gazetteer(files=FILES)


@pytest.fixture(scope="module")
def geocoder(small) -> OfflineGeocoder:
    return OfflineGeocoder(small)


def _at(match, point, km=1.0) -> bool:
    return match.resolved and distance_km((match.latitude, match.longitude), point) < km


def test_the_seat_of_the_sub_district_named_after_it_is_the_town_meant(geocoder):
    # two Al Karmah in Alpha: the one in sub-district Al-Garma (الكرمة, its Arabic name) is its seat
    match = geocoder.resolve("Al Karmah town", country="IQ", admin1="Alpha")
    assert _at(match, (33.2, 43.2)) and "seat of sub-district Al-Garma" in match.evidence
    assert [c.name for c in match.candidates] == ["Al Karmah"], "the namesake is listed as a rival"


def test_the_seat_rule_needs_a_province_or_district(geocoder):
    # with the country alone a sub-district's seat is no evidence ("Bahar" is also a village)
    match = geocoder.resolve("Al Karmah town", country="IQ")
    assert not match.resolved and match.reason == "ambiguous"


def test_a_town_only_a_qaryat_record_names_in_the_province_is_still_found(geocoder):
    # a living "Sarāy" in another province must not hide "Qaryat Sarāy" in the province given
    match = geocoder.resolve("Sarāy town", country="IQ", admin1="Alpha")
    assert _at(match, (33.1, 43.7))


def test_a_tribes_name_needs_the_district(geocoder):
    province = geocoder.resolve("Albū Jawārī village", country="IQ", admin1="Alpha")
    assert not province.resolved and province.reason == "weak evidence" and "tribe" in province.evidence
    district = geocoder.resolve("Albū Jawārī village", country="IQ", admin1="Alpha", admin2="Zora")
    assert _at(district, (33.3, 43.8))


def test_geonames_units_put_a_place_in_the_district_a_data_set_names(geocoder):
    # COD-AB's polygon puts Al Fawwālīyah in Dibis; GeoNames' units in Zora: both hints find it
    by_cod = geocoder.resolve("Al Fawwālīyah village", country="IQ", admin1="Alpha", admin2="Dibis")
    by_geonames = geocoder.resolve("Al Fawwālīyah village", country="IQ", admin1="Alpha", admin2="Zora")
    assert _at(by_cod, (33.9, 43.1)) and "GeoNames" not in by_cod.evidence
    assert _at(by_geonames, (33.9, 43.1)) and "by GeoNames' units" in by_geonames.evidence
    # and a governorate: Tall Sīqah is in Kirkuk district of Alpha by COD-AB, in Beta by GeoNames
    assert _at(geocoder.resolve("Tall Sīqah", country="IQ", admin1="Beta"), (34.3, 43.4))
    assert _at(geocoder.resolve("Tall Sīqah", country="IQ", admin1="Alpha"), (34.3, 43.4))


def test_a_spelling_variant_is_not_looked_for_across_geonames_lines(geocoder):
    match = geocoder.resolve("Al Fawaliya village", country="IQ", admin1="Alpha", admin2="Zora")
    assert not match.resolved


def test_a_wof_alternate_that_is_another_districts_name_is_not_taken(small):
    # WOF's district "Dabes" (merged into COD-AB's Dibis) lists "Kirkuk" among its names
    hint = small.find_area("Qaḑā’ Kirkūk", "district", "IQ", within="IQG01")
    assert [a.code for a in hint.areas] == ["IQG01Q03"]
    assert [a.code for a in small.find_area("Dabes", "district", "IQ").areas] == ["IQG01Q02"]


def test_an_older_district_that_cod_ab_has_as_a_sub_district_is_the_district_holding_it(geocoder):
    match = geocoder.resolve("Az Zaydān village", country="IQ", admin1="Alpha", admin2="Abu Ghraib district")
    assert _at(match, (33.7, 43.2)) and "sub-district Abu Ghraib (IQG01Q02N02) of district Dibis" in match.evidence
    # only by its exact name: a sub-district merely spelled like the district given is not used
    spelled = geocoder.resolve("Az Zaydān village", country="IQ", admin1="Alpha", admin2="Abū Ghurayb district")
    assert not spelled.resolved and "not recognised" in spelled.evidence
    assert geocoder.resolve("Az Zaydān village", country="IQ", admin1="Alpha").reason == "ambiguous"


def test_the_index_fingerprint_covers_the_code_that_builds_it(monkeypatch, tmp_path):
    names = {path.name for path in INDEX_CODE}
    assert {"normalise.py", "records.py", "name_index.py", "sources.py", "lookups.py"} <= names
    before = fingerprint(files=FILES)
    changed = tmp_path / "lookups.py"
    changed.write_text(next(p for p in INDEX_CODE if p.name == "lookups.py").read_text() + "\n# changed\n")
    import conflictmap.geocode.gazetteer as gazetteer_module

    code = tuple(changed if p.name == "lookups.py" else p for p in INDEX_CODE)
    monkeypatch.setattr(gazetteer_module, "INDEX_CODE", code)
    assert fingerprint(files=FILES) != before


def test_the_answer_cache_key_lists_every_module_that_decides_an_answer():
    from conflictmap.geocode.cache import RULES

    names = {path.name for path in RULES}
    assert {"records.py", "sources.py", "name_index.py", "lookups.py", "gazetteer.py", "rules.py"} <= names


@pytest.mark.parametrize("name", ["Tall Sīqah railroad station", "Tall Sīqah oil refinery"])
def test_a_station_or_refinery_named_after_a_village_is_near_it(geocoder, name):
    match = geocoder.resolve(name, country="IQ", admin1="Alpha")
    assert _at(match, (34.3, 43.4)) and match.precision == "within 25 km"
