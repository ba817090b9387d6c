"""Online geocoding as an option, never the default: Nominatim (OpenStreetMap) through geopy,
asked only for names the offline gazetteer does not know (not for ambiguous or doubtful ones).

Enabled by CONFLICTMAP_ONLINE_GEOCODER=nominatim with CONFLICTMAP_NOMINATIM_USER_AGENT set to a
real contact (Nominatim's usage policy asks for one, and for at most one request per second, no
bulk geocoding — so requests go through geopy's RateLimiter). When the service cannot be reached
the offline answer stands and the failure is kept in `failures`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter

from conflictmap import settings
from conflictmap.errors import ConflictmapError
from conflictmap.geocode.answers import ADMIN1, ADMIN2, COUNTRY, EXACT, PlaceMatch, Resolver

#: Nominatim's `addresstype` -> our precision.
LEVELS = {
    "country": COUNTRY,
    "state": ADMIN1,
    "province": ADMIN1,
    "region": ADMIN1,
    "county": ADMIN2,
    "district": ADMIN2,
    "municipality": ADMIN2,
}


#: Offline refusals that no online answer should overrule: bad input, evidence against every answer,
#: or several places (or one weak one) the online service would pick from just as blindly. Only a
#: name the gazetteer does not know goes online.
OFFLINE_ONLY = frozenset(
    {
        "empty name",
        "name too long",
        "control characters",
        "no letters",
        "mixed scripts",
        "unknown country",
        "unknown province",
        "district not in province",
        "only elsewhere",
        "not a village",
        "ambiguous",
        "weak evidence",
    }
)


class OnlineNotConfigured(ConflictmapError, ValueError):
    """Online geocoding was asked for without a user agent that identifies the deployment."""


@dataclass
class OnlineFallback:
    """`resolve` tries `offline` first, then Nominatim (`nominatim`: a geopy geocoder)."""

    offline: Resolver
    nominatim: Any  # a geopy geocoder (geopy ships no types)
    min_delay_seconds: float = 1.0
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.limited = RateLimiter(
            self.nominatim.geocode, min_delay_seconds=self.min_delay_seconds, max_retries=0, swallow_exceptions=False
        )

    def resolve(
        self, query: str, country: str | None = None, admin1: str | None = None, admin2: str | None = None
    ) -> PlaceMatch:
        match = self.offline.resolve(query, country=country, admin1=admin1, admin2=admin2)
        if match.resolved or match.reason in OFFLINE_ONLY:
            return match
        try:
            location = self.limited(
                ", ".join(p for p in (query, admin2, admin1) if p),
                country_codes=[match.country_code.lower()] if match.country_code else None,
                exactly_one=True,
                addressdetails=False,
            )
        except GeopyError as error:  # offline, timed out, refused, rate-limited: the offline answer stands
            self.failures.append(f"{query}: {type(error).__name__}: {error}")
            return match
        if location is None:
            return match
        level = LEVELS.get(str(location.raw.get("addresstype", "")), EXACT)
        return PlaceMatch(
            query=query,
            latitude=location.latitude,
            longitude=location.longitude,
            precision=level,
            located_by="online",
            matched_name=location.address,
            country_code=match.country_code,
            source=f"Nominatim (OpenStreetMap), {location.raw.get('osm_type', '')} {location.raw.get('osm_id', '')}",
            evidence=f"offline: {match.reason or 'unresolved'}; Nominatim's first answer for the name and its hints",
        )


def online_fallback(offline: Resolver, environ: Mapping[str, str] | None = None) -> Resolver:
    """`offline` alone unless online geocoding is switched on (see the module's doc)."""
    if settings.online_geocoder(environ) != "nominatim":
        return offline
    agent = settings.nominatim_user_agent(environ)
    if not agent:
        raise OnlineNotConfigured(
            "set CONFLICTMAP_NOMINATIM_USER_AGENT to a contact for this deployment "
            "(Nominatim's usage policy) to use online geocoding"
        )
    from geopy.geocoders import Nominatim

    return OnlineFallback(offline, Nominatim(user_agent=agent, timeout=10))
