"""Place names learned from events that carry coordinates."""

import pandas as pd

from conflictmap.geocode.geocoder import distance_km
from conflictmap.geocode.learned import learn_places
from conflictmap.schema import conform


def _events(rows):
    return conform(pd.DataFrame(rows))


def test_a_file_teaches_its_own_spellings(geocoder):
    teacher = _events(
        [
            {
                "event_id": f"e{n}",
                "place": "Abu Tibban village",
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
    assert not geocoder.resolve("Abu Tibban village", country="IQ").resolved  # GeoNames lacks it
    taught = geocoder.with_learned(learn_places(teacher, geocoder.gazetteer))
    match = taught.resolve("Abu Tibban", country="Iraq")
    assert match.resolved and match.located_by == "learned" and match.precision == "exact place"
    assert distance_km((match.latitude, match.longitude), (33.519, 42.986)) < 1
    assert match.source == "learned from 3 precisely placed events in team"
    assert not taught.resolve("Abu Tibban", country="Iran").resolved  # learned for Iraq only


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
