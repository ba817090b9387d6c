"""What a server process loads once and shares, read-only, with every session: the geocoder,
the shipped data placed on the map, the country boxes and the map's files."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from conflictmap.datasets import Loaded, load_events, shipped, with_synthetic
from conflictmap.geocode.compose import base_geocoder
from conflictmap.geocode.geocoder import OfflineGeocoder
from conflictmap.maps.assets import MapAssets, find_assets
from conflictmap.readers.validation import CountryBounds, bounds_from_gazetteer
from conflictmap.settings import events_dir, synthetic_count


@st.cache_resource(show_spinner="Loading the offline gazetteer (the first start builds its index: under a minute)…")
def geocoder() -> OfflineGeocoder:
    """The process's base geocoder (gazetteers, supplement, overrides); each load and each added
    file completes it through `conflictmap.geocode.compose.build_geocoder`."""
    return base_geocoder()


def shared_data() -> Loaded:
    """The shipped data, loaded once per server process and shared (read-only) by all sessions."""
    return _load_from(str(events_dir()), synthetic_count())


@st.cache_resource(show_spinner="Reading and geocoding the events…")
def _load_from(directory: str, synthetic: int) -> Loaded:
    return with_synthetic(load_events(shipped(Path(directory)), geocoder()), synthetic)


def reload_geocoding() -> None:
    """After the overrides changed: geocode everything again (for every session of this server)."""
    geocoder.clear()
    _load_from.clear()


@st.cache_resource
def country_bounds() -> CountryBounds:
    """Approximate country boxes from the gazetteer, for the swapped-coordinates check."""
    return bounds_from_gazetteer(geocoder().gazetteer)


@st.cache_resource
def assets() -> MapAssets:
    return find_assets()
