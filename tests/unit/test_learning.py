"""Place names learned from events that carry coordinates."""

import pandas as pd

from conflictmap.geocode.learned import learn_places
from conflictmap.geocode.records import distance_km
from conflictmap.schema import conform


def _events(rows):
    return conform(pd.DataFrame(rows))


def test_a_file_teaches_its_own_spellings(geocoder):
    teacher = _events(
        [
            {
                "event_id": f"e{n}",
                "place": "Tall Zzuwayrat village",
                "country": "Iraq",
                "admin1": "Al Anbār province",
                "latitude": 33.518 + n / 1000,
                "longitude": 42.986,
                "geo_precision": "exact place",
                "located_by": "source coordinates",
                "dataset": "team",
            }
            for n in range(3)
        ]
    )
    assert not geocoder.resolve("Tall Zzuwayrat village", country="IQ").resolved  # no gazetteer has it
    taught = geocoder.with_learned(learn_places(teacher, geocoder.gazetteer))
    match = taught.resolve("Tall Zzuwayrat", country="Iraq")
    assert match.resolved and match.located_by == "learned" and match.precision == "exact place"
    assert distance_km((match.latitude, match.longitude), (33.519, 42.986)) < 1
    assert match.source == "learned from 3 precisely placed events in team"
    assert not taught.resolve("Tall Zzuwayrat", country="Iran").resolved  # learned for Iraq only


def test_districts_and_provinces_are_learned_at_their_level(loaded, geocoder):
    learned = learn_places(loaded.events[loaded.events["dataset"] == "UCDP GED"], geocoder.gazetteer)
    taught = geocoder.with_learned(learned)
    district = taught.resolve("Qaḑā’ al Fallūjah", country="IQ")
    assert district.precision == "district (admin2)" and district.located_by == "learned"
    province = taught.resolve("Al Anbār province", country="IQ")
    assert province.precision == "province (admin1)"


def test_coarse_events_do_not_teach_a_place_name(geocoder):
    coarse = _events(
        [
            {
                "event_id": "c",
                "place": "Somewhere vague",
                "country": "Iraq",
                "latitude": 33.0,
                "longitude": 44.0,
                "geo_precision": "province (admin1)",
                "located_by": "source coordinates",
            }
        ]
    )
    assert len(learn_places(coarse, geocoder.gazetteer)) == 0


def test_site_words_leave_sites_to_the_curated_supplement(loaded, geocoder):
    taught = geocoder.with_learned(learn_places(loaded.events, geocoder.gazetteer))
    match = taught.resolve("Al-Asad military base", country="IQ")
    assert match.located_by == "supplement"


def test_one_name_at_places_far_apart_teaches_nothing(geocoder):
    # two villages of one name, 200 km apart: their median is neither
    teacher = _events(
        [
            {
                "event_id": f"e{n}",
                "place": "Tall Zzuwayrat",
                "country": "Iraq",
                "latitude": latitude,
                "longitude": 43.0,
                "geo_precision": "exact place",
                "located_by": "source coordinates",
            }
            for n, latitude in enumerate((33.0, 34.8))
        ]
    )
    assert len(learn_places(teacher, geocoder.gazetteer)) == 0


def test_learned_places_keep_their_province_code_and_obey_hints(geocoder):
    teacher = _events(
        [
            {
                "event_id": "e1",
                "place": "Tall Zzuwayrat",
                "country": "Iraq",
                "admin1": "Al Anbār province",
                "latitude": 33.5,
                "longitude": 42.9,
                "geo_precision": "exact place",
                "located_by": "source coordinates",
            }
        ]
    )
    learned = learn_places(teacher, geocoder.gazetteer)
    assert learned.places[0].admin1_code == "IQG01"
    taught = geocoder.with_learned(learned)
    assert taught.resolve("Tall Zzuwayrat", country="IQ", admin1="Anbar").located_by == "learned"
    assert not taught.resolve("Tall Zzuwayrat", country="IQ", admin1="Basra").resolved
