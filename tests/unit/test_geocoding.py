"""The offline geocoder on the news article's places, ambiguity, hints and geopy compatibility."""

import pytest
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from conflictmap.geocode.geocoder import OfflineGeocoder, _parts, distance_km
from conflictmap.readers.importing import import_file
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
    # GeoNames also has a Nasiriyah in Libya and one in Syria; Iraq's is the large city.
    match = geocoder.resolve(name)
    assert match.country_code == "IQ"
    assert distance_km((match.latitude, match.longitude), (31.0439, 46.2575)) < 25


def test_a_country_hint_keeps_the_answer_in_that_country(geocoder):
    for hint in ("Iraq", "IQ", "IRQ"):
        assert geocoder.resolve("Baghdad", country=hint).country_code == "IQ"
    # A name known only elsewhere stays unresolved under a hint, and says where it was found.
    match = geocoder.resolve("Springfield", country="Iraq")
    assert not match.resolved
    assert any("(US," in candidate for candidate in match.candidates)


def test_ambiguous_names_are_unresolved_with_their_candidates(geocoder):
    match = geocoder.resolve("Springfield")  # several US cities of similar size
    assert not match.resolved and match.latitude is None
    assert len(match.candidates) >= 2


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


def test_parts_of_a_qualified_name():
    assert _parts("Dalil Air Base, near An Nasiriyah") == [
        ("Dalil Air Base, near An Nasiriyah", False),
        ("Dalil Air Base", False),
        ("An Nasiriyah", True),
    ]
    assert ("Kirkuk", True) in _parts("outskirts of Kirkuk")


def test_it_is_a_geopy_geocoder(geocoder):
    from geopy.geocoders.base import Geocoder

    assert isinstance(geocoder, OfflineGeocoder) and isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Ramadi", country_codes="IQ")
    assert isinstance(location, Location)
    assert location.raw["precision"] == "exact place"
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


def test_a_province_hint_in_any_spelling_keeps_the_answer_in_that_province(geocoder):
    for spelling in ("Nīnawá province", "Nineveh", "Ninawa"):
        match = geocoder.resolve("Al-Hamdaniya", country="IQ", admin1=spelling)
        assert match.admin1 == "Nīnawá province"
    # a name known only in another province is listed, not guessed
    elsewhere = geocoder.resolve("Al-Hamdaniya", country="IQ", admin1="Basra")
    assert not elsewhere.resolved and any("Nīnawá province" in c for c in elsewhere.candidates)
    # a province the gazetteer does not know is no hint at all
    assert geocoder.resolve("Ramadi", country="IQ", admin1="Atlantis province").resolved


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
def test_transliteration_variants_resolve_within_the_hinted_country(geocoder, spelling, truth):
    match = geocoder.resolve(spelling, country="IQ")
    assert match.resolved and "spelling variant" in match.source
    assert distance_km((match.latitude, match.longitude), truth) < 25


def test_variants_need_a_country_and_a_close_spelling(geocoder):
    assert not geocoder.resolve("Nassiriya").resolved  # no hint: no guessing across the world
    assert not geocoder.resolve("Nisrsy", country="IQ").resolved  # same consonants, different name
