"""A map as one standalone HTML file: every script, style and the country outlines inlined, so
it opens offline, by e-mail or from a USB stick, with no request leaving the machine."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd

from conflictmap.errors import ConflictmapError
from conflictmap.maps.assets import FILES, MapAssets, missing_files
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.layers import events_layer
from conflictmap.settings import STATIC_DIR

#: The outlines a standalone file embeds: 1:110m (108 KB) rather than the app's 1:50m (756 KB).
EXPORT_OUTLINES = ("world-atlas", "countries-110m.json")


class AssetsMissing(ConflictmapError, RuntimeError):
    """The map's files are not installed, so a standalone map cannot be made."""


def _read(static_dir: Path, package: str, path: str) -> str:
    return (static_dir / "node_modules" / package / path).read_text(encoding="utf-8")


def standalone_map(events: pd.DataFrame, title: str, static_dir: Path = STATIC_DIR) -> str:
    """The map of `events` (mode chosen by the same payload budget as the app) as one HTML page."""
    if missing_files(static_dir):
        raise AssetsMissing("the map's files are not installed: run scripts/install.sh")
    marker = "conflictmap-asset:"
    assets = MapAssets(local=True, base=marker)
    colors = type_colors(list(pd.Series(events["event_type"]).astype("string").dropna().value_counts().index))
    fmap = base_map(events, colors, assets)
    events_layer(events, colors).group.add_to(fmap)
    page = fmap.get_root().render()

    outlines = base64.b64encode(_read(static_dir, *EXPORT_OUTLINES).encode("utf-8")).decode("ascii")
    page = page.replace(f'"{assets.url("countries")}"', f'"data:application/json;base64,{outlines}"')
    by_url = {assets.url(name): (package, path) for name, (package, path) in FILES.items()}

    def inline_script(match: re.Match) -> str:
        package, path = by_url[match.group(1)]
        return "<script>" + _read(static_dir, package, path).replace("</script", "<\\/script") + "</script>"

    def inline_style(match: re.Match) -> str:
        package, path = by_url[match.group(1)]
        return "<style>" + _read(static_dir, package, path) + "</style>"

    page = re.sub(r'<script src="(' + re.escape(marker) + r'[^"]+)"></script>', inline_script, page)
    page = re.sub(r'<link rel="stylesheet" href="(' + re.escape(marker) + r'[^"]+)"/>', inline_style, page)
    return page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
