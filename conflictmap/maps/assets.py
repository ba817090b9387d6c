"""Where the map's JavaScript, CSS and country outlines come from.

By default from this server: `scripts/install.sh` installs them from the npm registry into
`static/node_modules/`, and Streamlit serves that folder at `/app/static/` (see
`.streamlit/config.toml`). When they are not installed (the plain `pip install` route, e.g.
Streamlit Community Cloud), the same packages are taken from the public jsDelivr CDN instead,
and the About page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conflictmap.settings import STATIC_DIR

#: npm package -> version; must match static/package.json.
PACKAGES = {
    "leaflet": "1.9.3",
    "leaflet.heat": "0.2.0",
    "leaflet.markercluster": "1.5.3",
    "topojson-client": "3.1.0",
    "world-atlas": "2.0.2",
}
#: Relative to the map's iframe (/component/...), so it also works under --server.baseUrlPath.
LOCAL_BASE = "../../app/static/node_modules/"
CDN_BASE = "https://cdn.jsdelivr.net/npm/"

FILES = {
    "leaflet_js": ("leaflet", "dist/leaflet.js"),
    "leaflet_css": ("leaflet", "dist/leaflet.css"),
    "markercluster_js": ("leaflet.markercluster", "dist/leaflet.markercluster.js"),
    "markercluster_css": ("leaflet.markercluster", "dist/MarkerCluster.css"),
    "markercluster_default_css": ("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
    "topojson_js": ("topojson-client", "dist/topojson-client.min.js"),
    "heat_js": ("leaflet.heat", "dist/leaflet-heat.js"),
    "countries": ("world-atlas", "countries-50m.json"),
}


@dataclass(frozen=True)
class MapAssets:
    """URLs of every file the map loads. `local` is False when they come from the CDN."""

    local: bool
    base: str

    def url(self, name: str) -> str:
        package, path = FILES[name]
        if self.local:
            return f"{self.base}{package}/{path}"
        return f"{self.base}{package}@{PACKAGES[package]}/{path}"

    @property
    def map_js(self) -> list[tuple[str, str]]:
        return [("leaflet", self.url("leaflet_js")), ("topojson", self.url("topojson_js"))]

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
    """The asset files not installed under `static_dir/node_modules`."""
    return [
        f"{package}/{path}"
        for package, path in FILES.values()
        if not (static_dir / "node_modules" / package / path).is_file()
    ]


def find_assets(static_dir: Path = STATIC_DIR) -> MapAssets:
    """Local assets when all are installed, else the CDN."""
    if missing_files(static_dir):
        return MapAssets(local=False, base=CDN_BASE)
    return MapAssets(local=True, base=LOCAL_BASE)
