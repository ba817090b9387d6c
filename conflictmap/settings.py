"""Every setting the app reads, in one place: the repository's own folders and the
`CONFLICTMAP_*` environment variables (documented in the README's "Configuration").

Each function reads the environment when called (`environ` for tests), so a setting can change
between runs of a test or a server without re-importing anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"  # shipped data: events, the gazetteer supplement, the overrides
STATIC_DIR = ROOT / "static"  # served by Streamlit at /app/static/: favicon, the map's files


def _get(name: str, environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get(name, "").strip()


def events_dir(environ: Mapping[str, str] | None = None) -> Path:
    """CONFLICTMAP_DATA_DIR: the folder of the event files the dashboard loads (default data/)."""
    return Path(_get("CONFLICTMAP_DATA_DIR", environ) or DATA_DIR)


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """CONFLICTMAP_CACHE_DIR: where the gazetteer index and geocoding answers are kept."""
    return Path(_get("CONFLICTMAP_CACHE_DIR", environ) or Path.home() / ".cache" / "conflictmap")


def synthetic_count(environ: Mapping[str, str] | None = None) -> int:
    """CONFLICTMAP_SYNTHETIC_EVENTS: synthetic events to add, for load tests and benchmarks (0: none)."""
    text = _get("CONFLICTMAP_SYNTHETIC_EVENTS", environ)
    return int(text) if text.isdigit() else 0


def online_geocoder(environ: Mapping[str, str] | None = None) -> str | None:
    """CONFLICTMAP_ONLINE_GEOCODER: "nominatim" switches on online geocoding; off (None) by default."""
    return _get("CONFLICTMAP_ONLINE_GEOCODER", environ).lower() or None


def map_labels(environ: Mapping[str, str] | None = None) -> str:
    """CONFLICTMAP_LABELS: the language of the map's place names, "en" (default) or "ar" (Arabic, where
    a name in Arabic is known; the map's layer control switches too)."""
    return "ar" if _get("CONFLICTMAP_LABELS", environ).lower() == "ar" else "en"


def store_url(environ: Mapping[str, str] | None = None) -> str | None:
    """CONFLICTMAP_STORE: the event store the pages ask, as a URL (`duckdb:///path/DIR`,
    `postgresql://…`, `spark://local`…; see `conflictmap.store.engines`); unset (None): in memory."""
    return _get("CONFLICTMAP_STORE", environ) or None


def nominatim_user_agent(environ: Mapping[str, str] | None = None) -> str:
    """CONFLICTMAP_NOMINATIM_USER_AGENT: a contact for the deployment, required by Nominatim's policy."""
    return _get("CONFLICTMAP_NOMINATIM_USER_AGENT", environ)
