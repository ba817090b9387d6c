"""Online geocoding is opt-in, rate-limited and fails gracefully. Nominatim is mocked: tests never
touch the network."""

import pytest
from geopy.exc import GeocoderUnavailable
from geopy.location import Location

from conflictmap.geocode.nominatim import OnlineFallback, OnlineNotConfigured, online_fallback


class FakeNominatim:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def geocode(self, query, **options):
        self.calls.append((query, options))
        if self.error:
            raise self.error
        return self.answer


def test_off_by_default_and_refused_without_a_user_agent(geocoder):
    assert online_fallback(geocoder, environ={}) is geocoder
    with pytest.raises(OnlineNotConfigured, match="CONFLICTMAP_NOMINATIM_USER_AGENT"):
        online_fallback(geocoder, environ={"CONFLICTMAP_ONLINE_GEOCODER": "nominatim"})
    on = online_fallback(
        geocoder,
        environ={"CONFLICTMAP_ONLINE_GEOCODER": "nominatim", "CONFLICTMAP_NOMINATIM_USER_AGENT": "desk@example.org"},
    )
    assert isinstance(on, OnlineFallback) and on.nominatim.headers["User-Agent"] == "desk@example.org"


def test_only_unresolved_names_go_online_at_most_once_a_second(geocoder):
    village = Location(
        "Abu Tibban, Anbar, Iraq", (33.52, 42.99), {"addresstype": "village", "osm_type": "node", "osm_id": 1}
    )
    fake = FakeNominatim(answer=village)
    online = OnlineFallback(geocoder, fake)
    now, slept = [100.0], []
    online.limited._clock = lambda: now[0]
    online.limited._sleep = lambda seconds: (slept.append(seconds), now.__setitem__(0, now[0] + seconds))
    assert online.resolve("Ramadi", country="IQ").located_by != "online" and fake.calls == []
    first = online.resolve("Qqqzzzx hamlet", country="IQ")
    second = online.resolve("Zzyqqx hamlet", country="IQ")
    assert first.located_by == "online" and first.precision == "exact place" and second.latitude == 33.52
    assert fake.calls[0][1]["country_codes"] == ["iq"] and len(fake.calls) == 2
    assert slept and abs(sum(slept) - 1.0) < 1e-9  # the second request waited for the rate limit


def test_a_failing_service_leaves_the_offline_answer(geocoder):
    online = OnlineFallback(geocoder, FakeNominatim(error=GeocoderUnavailable("no route to host")))
    match = online.resolve("Qqqzzzx hamlet", country="IQ")
    assert not match.resolved and online.failures == ["Qqqzzzx hamlet: GeocoderUnavailable: no route to host"]
