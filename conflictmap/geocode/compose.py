"""The one composition of the geocoder: every path that places events (the shipped load, the Data
page, `geocode`, `export`) builds its geocoder here, so a row gets the same answer everywhere.

Two steps, because the first is the expensive one a server keeps: `base_geocoder` (the gazetteers,
the supplement and the analysts' overrides), then `build_geocoder` (the place names learned from the
events at hand, the cache of answers on disk, and the opt-in online fallback).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from conflictmap.geocode.answers import PlaceMatch, Resolver
from conflictmap.geocode.cache import CachedGeocoder
from conflictmap.geocode.gazetteer import load_gazetteer
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.geocode.learned import learn_places
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.nominatim import online_fallback
from conflictmap.geocode.overrides import override_places, read_overrides


def base_geocoder(overrides: Path | None = None, gazetteer: Gazetteer | None = None) -> OfflineGeocoder:
    """The gazetteer (built or loaded from its cache), the curated supplement in it, and the
    analysts' overrides from `overrides` (default data/place_overrides.csv); nothing learned yet."""
    gazetteer = gazetteer or load_gazetteer()
    return OfflineGeocoder(gazetteer, overrides=override_places(read_overrides(overrides), gazetteer))


@dataclass
class Geocoding:
    """The geocoder of one job: `resolve` as the offline geocoder's, through the cache and the online
    fallback; `save` keeps the new answers on disk."""

    offline: OfflineGeocoder
    resolver: Resolver
    cache: CachedGeocoder | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        return self.offline.gazetteer

    def resolve(
        self, query: str, country: str | None = None, admin1: str | None = None, admin2: str | None = None
    ) -> PlaceMatch:
        return self.resolver.resolve(query, country=country, admin1=admin1, admin2=admin2)

    def save(self) -> None:
        if self.cache is not None:
            self.cache.save()

    @property
    def misses(self) -> int:
        """Names the cache did not know (all of them without a cache)."""
        return self.cache.misses if self.cache is not None else 0


def build_geocoder(
    base: OfflineGeocoder | None = None,
    learn_from: pd.DataFrame | None = None,
    cache: bool = True,
    cache_directory: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Geocoding:
    """The geocoder for placing events: `base` (default `base_geocoder()`), taught the spellings the
    events of `learn_from` place precisely (None: nothing learned), answering from the disk cache
    (unless `cache` is False), then online when the settings switch it on (see
    conflictmap.geocode.nominatim; `environ` for tests)."""
    offline = base or base_geocoder()
    if learn_from is not None and len(learn_from):
        offline = offline.with_learned(learn_places(learn_from, offline.gazetteer))
    cached = CachedGeocoder(offline, cache_directory) if cache else None
    resolver: Resolver = cached if cached is not None else offline
    return Geocoding(offline, online_fallback(resolver, environ), cached)
