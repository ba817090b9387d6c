"""Where the map's JavaScript, CSS, country outlines and basemap come from: this server, always.

The pinned npm files are vendored in the repository under `static/vendor/<package>@<version>/`
(with each package's licence; `scripts/vendor_assets.py` refreshes them from the npm registry and
checks them against `static/package-lock.json`), and the basemap derived from OCHA and Natural
Earth data is under `static/basemap/` (`scripts/derive_basemap.py`). Streamlit serves `static/`
at `/app/static/` (`.streamlit/config.toml`), so the map needs no npm, no CDN and no internet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conflictmap.settings import STATIC_DIR

#: npm package -> version, as pinned in static/package.json and its lock file.
PACKAGES = {
    "leaflet": "1.9.3",
    "leaflet.heat": "0.2.0",
    "leaflet.markercluster": "1.5.3",
    "topojson-client": "3.1.0",
    "world-atlas": "2.0.2",
}
#: Relative to the map's iframe (/component/...), so it also works under --server.baseUrlPath.
LOCAL_BASE = "../../app/static/"

#: Every file the map loads, by name: (package, path in the package); a package of None is ours,
#: under static/basemap/ (derived data and its drawing script), OURS under static/ (our other scripts).
OURS = "conflictmap"
FILES = {
    "leaflet_js": ("leaflet", "dist/leaflet.js"),
    "leaflet_css": ("leaflet", "dist/leaflet.css"),
    "markercluster_js": ("leaflet.markercluster", "dist/leaflet.markercluster.js"),
    "markercluster_css": ("leaflet.markercluster", "dist/MarkerCluster.css"),
    "markercluster_default_css": ("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
    "topojson_js": ("topojson-client", "dist/topojson-client.min.js"),
    "heat_js": ("leaflet.heat", "dist/leaflet-heat.js"),
    "countries": ("world-atlas", "countries-50m.json"),
    "countries_small": ("world-atlas", "countries-110m.json"),  # embedded by the standalone export
    "basemap_js": (None, "basemap.js"),
    "basemap_css": (None, "basemap.css"),
    "basemap_z0": (None, "lines-z0.json"),
    "basemap_z7": (None, "lines-z7.json"),
    "basemap_z10": (None, "lines-z10.json"),
    "basemap_world": (None, "lines-world.json"),
    "basemap_places": (None, "places.json"),
    "basemap_villages": (None, "villages.json"),
    "basemap_units": (None, "units.json"),  # Iraq's governorates and districts as shapes (the choropleth)
    "choropleth_js": (OURS, "maps/choropleth.js"),
    "playback_js": (OURS, "maps/playback.js"),
}


def file_path(name: str) -> str:
    """A file's path under static/: "leaflet_js" -> "vendor/leaflet@1.9.3/dist/leaflet.js"."""
    package, path = FILES[name]
    if package == OURS:
        return path
    return f"basemap/{path}" if package is None else f"vendor/{package}@{PACKAGES[package]}/{path}"


@dataclass(frozen=True)
class MapAssets:
    """URLs of every file the map loads: `base` + the file's path under static/."""

    base: str = LOCAL_BASE

    def url(self, name: str) -> str:
        return self.base + file_path(name)

    @property
    def map_js(self) -> list[tuple[str, str]]:
        return [("leaflet", self.url("leaflet_js"))]  # the basemap loads topojson-client itself

    @property
    def map_css(self) -> list[tuple[str, str]]:
        return [("leaflet_css", self.url("leaflet_css"))]

    @property
    def cluster_js(self) -> list[tuple[str, str]]:
        return [("markerclusterjs", self.url("markercluster_js"))]

    @property
    def heat_js(self) -> list[tuple[str, str]]:
        return [("leaflet_heat", self.url("heat_js"))]

    @property
    def cluster_css(self) -> list[tuple[str, str]]:
        return [
            ("markerclustercss", self.url("markercluster_css")),
            ("markerclusterdefaultcss", self.url("markercluster_default_css")),
        ]


def missing_files(static_dir: Path = STATIC_DIR) -> list[str]:
    """The map's files missing under `static_dir` (none in a complete checkout)."""
    return [file_path(name) for name in FILES if not (static_dir / file_path(name)).is_file()]


def find_assets() -> MapAssets:
    """The map's files as this server serves them."""
    return MapAssets()
