"""The persistent geocoding cache: a second load geocodes nothing; changed inputs start afresh."""

import pandas as pd

from conflictmap.geocode.cache import CachedGeocoder
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.overrides import override_places


def test_a_second_run_geocodes_nothing(tmp_path, geocoder):
    first = CachedGeocoder(geocoder, tmp_path)
    answers = [first.resolve(name, country="IQ") for name in ("Ramadi", "Tikrit", "Qqqzzzx", "Ramadi")]
    assert first.misses == 3
    first.save()
    second = CachedGeocoder(geocoder, tmp_path)
    again = [second.resolve(name, country="IQ") for name in ("Ramadi", "Tikrit", "Qqqzzzx", "Ramadi")]
    assert second.misses == 0 and again == answers


def test_changed_overrides_start_a_fresh_cache(tmp_path, geocoder):
    plain = CachedGeocoder(geocoder, tmp_path)
    plain.resolve("Ramadi", country="IQ")
    plain.save()
    table = pd.DataFrame(
        [{"place": "Ramadi", "country": "IQ", "latitude": "33.5", "longitude": "43.1", "precision": "", "note": ""}]
    )
    pinned = OfflineGeocoder(geocoder.gazetteer, overrides=override_places(table, geocoder.gazetteer))
    cached = CachedGeocoder(pinned, tmp_path)
    assert cached.path != plain.path
    assert cached.resolve("Ramadi", country="IQ").located_by == "override" and cached.misses == 1
