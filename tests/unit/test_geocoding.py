"""The offline geocoder: the news article's places, Arabic names, admin areas and P-codes, hints,
precision before recall (ambiguity, generic names, villages and cities, spelling variants), bad input,
and geopy compatibility."""

import math

import pytest
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.query import name_parts
from conflictmap.geocode.records import distance_km
from conflictmap.readers.importing import import_file
from conflictmap.schema import GeoPrecision
from tests.conftest import ROOT

#: Where the article's places really are: Wikipedia's coordinates (Baghdad, Ramadi, An Nasiriyah,
#: Kerman, Camp Taji) and UCDP GED's for Ain al-Asad Air Base ("Ain Assad Air Base"). The air
#: base "near An Nasiriyah" (Dalil/Tallil) is checked against Tallil's position.
TRUTH = {
    "report:2003-04-10-nasiriyah": (30.9353, 46.0903),
    "report:2016-01-04-ramadi": (33.4258, 43.2992),
    "report:2020-08-23-taji": (33.5297, 44.2561),
    "report:2023-12-04-baghdad-funeral": (33.3153, 44.3661),
    "report:2024-01-03-kerman": (30.2839, 57.0834),
    "report:2024-01-04-baghdad": (33.3153, 44.3661),
    "report:2024-01-20-western-iraq": (33.7919, 42.4425),
}
FALLUJAH = (33.35, 43.78)


@pytest.fixture(scope="module")
def placed_article(loaded):
    return loaded.events[loaded.events["dataset"] == "News report"].set_index("event_id")


def test_every_article_event_is_placed(placed_article):
    assert len(placed_article) == 9
    assert placed_article["latitude"].notna().all()
    assert (placed_article["located_by"] != "unresolved").all()


@pytest.mark.parametrize("event_id", sorted(TRUTH))
def test_article_places_sit_within_25_km_of_where_they_are(placed_article, event_id):
    event = placed_article.loc[event_id]
    assert distance_km((event["latitude"], event["longitude"]), TRUTH[event_id]) < 25
    assert event["geo_precision"] in ("exact place", "within 25 km")


def test_vague_article_places_are_placed_at_their_level(placed_article):
    north = placed_article.loc["report:2023-12-03-northern-iraq"]
    assert north["geo_precision"] == "region of a country"
    assert 34.5 < north["latitude"] < 37.5 and 41 < north["longitude"] < 46.5  # northern Iraq
    country = placed_article.loc["report:2024-01-23-iraq"]
    assert country["geo_precision"] == "country"
    assert 29 < country["latitude"] < 37.5 and 38.8 < country["longitude"] < 48.6


def test_the_article_file_has_no_coordinates():
    result = import_file(ROOT / "data" / "report_events.csv", format="curated", dataset="News report").result
    assert result.events["latitude"].isna().all()


@pytest.mark.parametrize("name", ["An Nasiriyah", "Nasiriyah", "an-Nāşirīyah", "AN NASIRIYAH"])
def test_nasiriyah_lands_in_iraq_without_a_hint(geocoder, name):
    # GeoNames also has a Nasiriyah in Libya and one in Syria, and Iraq villages of that name; the
    # city is many times larger than any of them
    match = geocoder.resolve(name)
    assert match.country_code == "IQ"
    assert distance_km((match.latitude, match.longitude), (31.0439, 46.2575)) < 25
    assert "far smaller" in match.evidence and match.candidates  # the rivals are listed


def test_a_country_hint_keeps_the_answer_in_that_country(geocoder):
    for hint in ("Iraq", "IQ", "IRQ"):
        assert geocoder.resolve("Baghdad", country=hint).country_code == "IQ"
    # A name known only elsewhere stays unresolved under a hint, and says where it was found.
    match = geocoder.resolve("Springfield", country="Iraq")
    assert not match.resolved and match.reason == "only elsewhere"
    assert any(candidate.country_code == "US" for candidate in match.candidates)


def test_ambiguous_names_are_unresolved_with_their_candidates(geocoder):
    match = geocoder.resolve("Springfield")  # several US cities of similar size
    assert not match.resolved and match.latitude is None and match.reason == "ambiguous"
    assert len(match.candidates) >= 2


def test_a_name_at_several_places_needs_a_hint_that_picks_one(geocoder):
    # a dozen Iraqi villages are called Hamdan: unresolved, with the candidates and their distances
    anywhere = geocoder.resolve("Hamdan", country="IQ")
    assert not anywhere.resolved and anywhere.reason == "ambiguous" and len(anywhere.candidates) >= 2
    province = geocoder.resolve("Hamdan", country="IQ", admin1="Ninawa")
    assert not province.resolved and all(c.km is not None for c in province.candidates)
    district = geocoder.resolve("Hamdan", country="IQ", admin1="Ninawa", admin2="Al-Hatra")
    assert district.resolved and district.admin2_pcode == "IQG15Q04" and "district Al-Hatra" in district.evidence
    assert district.candidates and all(c.km > 25 for c in district.candidates)  # the rivals, how far


def test_unknown_and_empty_names_are_unresolved_never_zero_zero(geocoder):
    for name in ("Qqqzzzx", "", "   "):
        match = geocoder.resolve(name, country="Iraq")
        assert not match.resolved
        assert match.latitude is None and match.longitude is None


def test_near_qualifier_lowers_precision(geocoder):
    match = geocoder.resolve("near Kirkuk", country="Iraq")
    assert match.precision == "within 25 km"
    assert distance_km((match.latitude, match.longitude), (35.468, 44.392)) < 5


def test_region_phrases_resolve_at_region_level(geocoder):
    west = geocoder.resolve("western Iraq")
    assert west.precision == "region of a country" and west.longitude < 43
    south_east = geocoder.resolve("southeastern Iran")
    assert south_east.precision == "region of a country"
    assert south_east.latitude < 31 and south_east.longitude > 56


def test_site_words_prefer_the_curated_supplement(geocoder):
    match = geocoder.resolve("Al-Asad military base", country="IQ")
    assert match.located_by == "supplement" and match.matched_name == "Ain al-Asad Air Base"
    assert "Wikipedia" in match.source
    # without a site word, a town of that name is not an air base
    balad = geocoder.resolve("Balad", country="IQ", admin1="Salah ad Din")
    assert balad.resolved and balad.located_by == "gazetteer" and "Air Base" not in balad.matched_name


def test_parts_of_a_qualified_name():
    assert name_parts("Dalil Air Base, near An Nasiriyah") == [
        ("Dalil Air Base, near An Nasiriyah", False),
        ("Dalil Air Base", False),
        ("An Nasiriyah", True),
    ]
    assert ("Kirkuk", True) in name_parts("outskirts of Kirkuk")


def test_it_is_a_geopy_geocoder(geocoder):
    from geopy.geocoders.base import Geocoder

    assert isinstance(geocoder, OfflineGeocoder) and isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Ramadi", country_codes="IQ")
    assert isinstance(location, Location)
    assert location.raw["precision"] == "exact place" and location.raw["pcode"].startswith("IQG01")
    assert geocoder.geocode("Qqqzzzx") is None
    assert isinstance(geocoder.geocode("Ramadi", exactly_one=False), list)
    # works under geopy's rate limiter, with an injected clock: no real waiting
    limited = RateLimiter(geocoder.geocode, min_delay_seconds=1)
    limited._clock = lambda: 1000.0
    limited._sleep = lambda seconds: None
    assert limited("Baghdad").latitude == pytest.approx(33.34, abs=0.05)


def test_the_geocoder_is_offline(geocoder, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the offline geocoder opened a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert geocoder.resolve("Tikrit", country="Iraq").resolved


def test_distance_km():
    assert distance_km((33.34, 44.40), (33.42, 43.31)) == pytest.approx(101, abs=2)
    assert distance_km((0.0, 0.0), (0.0, 0.0)) == 0


# hints ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["Nīnawá province", "Nineveh", "Ninawa", "Ninewa", "نينوى", "IQG15"])
def test_a_province_hint_in_any_spelling_or_script_or_as_a_p_code(geocoder, spelling):
    match = geocoder.resolve("Hamdan", country="IQ", admin1=spelling, admin2="Al-Hatra")
    assert match.resolved and match.admin1 == "Nīnawá province" and match.admin1_pcode == "IQG15"


def test_a_name_only_in_another_province_is_listed_not_guessed(geocoder):
    elsewhere = geocoder.resolve("Al-Hamdaniya", country="IQ", admin1="Basra")
    assert not elsewhere.resolved and elsewhere.reason == "only elsewhere"
    assert any(c.admin1 == "Nīnawá province" and c.km > 500 for c in elsewhere.candidates)
    # the same said in the name itself
    named = geocoder.resolve("Al-Hamdaniya, Basra", country="IQ")
    assert not named.resolved and any(c.admin1 == "Nīnawá province" for c in named.candidates)


def test_hints_that_do_not_exist_or_disagree_are_a_reason_not_an_error(geocoder):
    province = geocoder.resolve("Ramadi", country="IQ", admin1="Atlantis province")
    assert not province.resolved and province.reason == "unknown province" and "Atlantis" in province.evidence
    assert geocoder.resolve("Ramadi", country="IQ", admin1="IQG99").reason == "unknown province"
    assert geocoder.resolve("Ramadi", country="Atlantis").reason == "unknown country"
    assert geocoder.resolve("Ramadi", country="IQ", admin1="Anbar", admin2="Basrah").reason == (
        "district not in province"
    )
    # a district the gazetteer does not know is said, and not used
    unknown = geocoder.resolve("Ramadi", country="IQ", admin1="Anbar", admin2="Qqqzzzx")
    assert unknown.resolved and "not recognised" in unknown.evidence


def test_the_province_gives_the_country(geocoder):
    match = geocoder.resolve("Ramadi", admin1="Al Anbar")
    assert match.resolved and match.country_code == "IQ" and "country IQ from the province" in match.evidence


# admin areas and P-codes ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "precision", "pcode"),
    [
        ("Qaḑā’ al Fallūjah", GeoPrecision.DISTRICT, "IQG01Q01"),
        ("قضاء الفلوجة", GeoPrecision.DISTRICT, "IQG01Q01"),
        ("ناحية جرف الصخر", GeoPrecision.SUB_DISTRICT, "IQG07Q04N01"),
        ("Jurf Al-Sakhar sub-district", GeoPrecision.SUB_DISTRICT, "IQG07Q04N01"),
        ("محافظة البصرة", GeoPrecision.PROVINCE, "IQG02"),
        ("Basra governorate", GeoPrecision.PROVINCE, "IQG02"),
        ("IQG15Q03", GeoPrecision.DISTRICT, "IQG15Q03"),
    ],
)
def test_admin_areas_answer_at_their_own_precision_with_their_p_code(geocoder, name, precision, pcode):
    match = geocoder.resolve(name, country="IQ")
    assert match.resolved and match.precision == precision and match.pcode == pcode


def test_a_place_carries_its_admin_areas_and_p_codes(geocoder):
    match = geocoder.resolve("Ramadi", country="IQ")
    assert (match.admin1, match.admin1_pcode) == ("Al Anbār province", "IQG01")
    assert (match.admin2, match.admin2_pcode) == ("Al-Ramadi", "IQG01Q03")
    assert match.pcode.startswith("IQG01Q03N") and match.name_ar == "الرمادي"


def test_destroyed_and_abandoned_places_are_flagged(geocoder):
    match = geocoder.resolve("Sālim", country="IQ", admin1="Diyala", admin2="Kifri")
    assert match.resolved and match.status == "destroyed" and "destroyed" in match.evidence


# Arabic script -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["الفلوجة", "الفلوجه", "الفَلُّوجَة", "مدينة الفلوجة", "الفلوجـــة"])
def test_arabic_names_resolve_through_the_gazetteers_arabic_names(geocoder, name):
    match = geocoder.resolve(name, country="IQ")
    assert match.resolved and distance_km((match.latitude, match.longitude), FALLUJAH) < 10


def test_arabic_neighbourhoods_and_villages(geocoder):
    neighbourhood = geocoder.resolve("حي الحارثية", country="IQ", admin1="بغداد")
    assert neighbourhood.matched_name == "Al Ḩārithīyah" and neighbourhood.admin2_pcode == "IQG08Q03"
    # "village of Nasiriya" is never the city of Nasiriyah; two villages of that name in Sinjar district
    village = geocoder.resolve("قرية الناصرية", country="IQ", admin1="نينوى", admin2="سنجار")
    assert not village.resolved and village.reason == "ambiguous"
    assert all(c.kind == "locality" and c.population < 50_000 for c in village.candidates)


# precision before recall ---------------------------------------------------------------------
def test_a_village_never_lands_on_a_city(geocoder):
    match = geocoder.resolve("Baghdad village", country="IQ")
    assert not match.resolved and match.reason == "not a village"


@pytest.mark.parametrize("name", ["Al Madinah", "Hay Al Askari", "Al Jadida", "Al madenah Village", "الحي العسكري"])
def test_generic_names_need_the_district(geocoder, name):
    assert not geocoder.resolve(name, country="IQ").resolved
    assert not geocoder.resolve(name, country="IQ", admin1="Basra").resolved


def test_a_generic_name_inside_the_district_given_is_answered(geocoder):
    match = geocoder.resolve("Al Madinah", country="IQ", admin1="Basra", admin2="Al-Midaina")
    assert match.resolved and match.admin2_pcode == "IQG02Q04"


def test_with_the_country_alone_only_notable_places_are_answered(geocoder):
    # Bashshar village is in GeoNames once, near Mosul; a list's "Bashshar Village" may be another
    match = geocoder.resolve("Bashshar Village", country="IQ")
    assert not match.resolved and match.reason == "weak evidence"
    assert geocoder.resolve("Bashshar Village", country="IQ", admin1="Ninawa", admin2="Al-Mosul").resolved


@pytest.mark.parametrize(
    ("spelling", "truth"),
    [
        ("Nassiriya", (31.0439, 46.2575)),
        ("Tikreet", (34.6158, 43.6786)),
        ("Baqouba", (33.7466, 44.6437)),
        ("Shirqat", (35.5106, 43.2303)),
        ("Muqdadiya", (33.9783, 44.9369)),
    ],
)
def test_transliteration_variants_of_towns_resolve_within_the_hinted_country(geocoder, spelling, truth):
    match = geocoder.resolve(spelling, country="IQ")
    assert match.resolved
    assert distance_km((match.latitude, match.longitude), truth) < 25


def test_variants_need_a_country_and_a_close_spelling_with_the_same_ending(geocoder):
    assert geocoder.resolve("Tikreet").resolved is False  # no hint: no guessing across the world
    assert not geocoder.resolve("Nisrsy", country="IQ").resolved  # same consonants, different name
    # "Hamdan" is not "Al-Hamdaniya" ("of Hamdan"), however alike they look
    for hints in ({}, {"admin1": "Ninawa"}):
        match = geocoder.resolve("Hamdan", country="IQ", **hints)
        assert "amdaniy" not in (match.matched_name or "")
    # a short name is not matched by its spelling to a small place with only the country given
    assert not geocoder.resolve("Bahar", country="IQ").resolved
    assert not geocoder.resolve("Bahrah", country="IQ").resolved


def test_the_answer_says_why(geocoder):
    match = geocoder.resolve("Hīt town", country="IQ", admin1="Al Anbār province")
    assert match.resolved and "inside the province Al-Anbar (IQG01) given" in match.evidence
    refused = geocoder.resolve("Hamdan", country="IQ")
    assert "places named 'Hamdan'" in refused.evidence


# bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty name"),
        ("   ", "empty name"),
        (None, "empty name"),
        (math.nan, "empty name"),
        ("Ramadi" * 2000, "name too long"),
        ("Ram\x00adi", "control characters"),
        ("Ramadi\x1b[31m", "control characters"),
        ("Rаmadi", "mixed scripts"),  # a Cyrillic "а"
        ("Fallujah الموصل", "mixed scripts"),  # two places
        ("12345", "no letters"),
        ("---", "no letters"),
    ],
)
def test_bad_names_are_unresolved_with_the_reason(geocoder, name, reason):
    match = geocoder.resolve(name, country="IQ", admin1="Anbar")
    assert not match.resolved and match.reason == reason and match.evidence
    assert match.latitude is None and match.longitude is None
    assert len(match.query) <= 200


@pytest.mark.parametrize(
    "hints",
    [
        {"admin1": "x" * 10_000},
        {"admin1": "Anbar\x00"},
        {"admin2": "قضاء" * 3000},
        {"country": "\x07"},
        {"country": "Iraq", "admin1": "Basra", "admin2": "Sinjar"},
    ],
)
def test_bad_hints_never_raise(geocoder, hints):
    match = geocoder.resolve("Ramadi", **hints)
    assert match.latitude is None or (match.latitude, match.longitude) != (0, 0)


def test_a_name_in_both_scripts_is_answered_when_they_agree(geocoder):
    match = geocoder.resolve("Fallujah الفلوجة", country="IQ")
    assert match.resolved and "the Latin name agrees" in match.evidence
    assert distance_km((match.latitude, match.longitude), FALLUJAH) < 10


# district hints drawn by other lines ----------------------------------------------------------
def test_a_district_only_spelled_like_one_of_another_province_is_not_used(geocoder):
    # "Qaḑā’ Baghdād" (the capital's old district) is no COD-AB district; it spells like Al-Baaj, in Nineveh
    match = geocoder.resolve("Az Za‘farānīyah town", country="IQ", admin1="Baghdād province", admin2="Qaḑā’ Baghdād")
    assert match.resolved and match.admin1_pcode == "IQG08"
    assert "not recognised, not used" in match.evidence


def test_a_site_known_by_its_province_answers_in_its_district(geocoder):
    match = geocoder.resolve("Ain Assad Air Base", country="IQ", admin1="Al Anbār province", admin2="Hīt district")
    assert match.resolved and distance_km((match.latitude, match.longitude), (33.79, 42.44)) < 10


def test_a_district_hint_still_keeps_the_name_inside_it(geocoder):
    # the district narrows: a village of that name only in another district, by either lines, stays out
    match = geocoder.resolve("Al Fawwālīyah village", country="IQ", admin1="Diyālá province", admin2="Baquba")
    assert not match.resolved and match.reason == "only elsewhere"


def test_geonames_units_count_where_their_boundaries_differ_from_cod_abs(geocoder):
    # COD-AB's polygons put Al Fawwālīyah in Balad (Salah al-Din); GeoNames' own units, which UCDP's
    # adm_1/adm_2 name, in Diyala's Al-Khalis: that hint finds it, and the evidence says by which lines
    match = geocoder.resolve("Al Fawwālīyah village", country="IQ", admin1="Diyālá province", admin2="Al-Khalis")
    assert match.resolved and match.admin2_pcode == "IQG16Q04"
    assert "by GeoNames' units" in match.evidence
    # a spelling variant is not looked for across those lines (two weak signs are no strong one)
    assert not geocoder.resolve("Al Fawaliya village", country="IQ", admin1="Diyala", admin2="Al-Khalis").resolved


def test_a_noun_before_another_is_spelled_at_or_ah(geocoder):
    # the taa marbuta of "Qarat Tabbah" (a noun before another) is the "-ah" of Qarah Tabah
    match = geocoder.resolve("Qarat Tabbah town", country="IQ", admin1="Diyālá province", admin2="Qaḑā’ Kifrī")
    assert match.resolved and match.matched_name == "Qarah Tabah"
    assert distance_km((match.latitude, match.longitude), (34.433, 44.935)) < 1
