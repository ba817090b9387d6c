"""A map as one standalone HTML file: every script, style and data file inlined, so it opens
offline, by e-mail or from a USB stick, with no request leaving the machine. It plays through
time as the app does (`conflictmap.maps.playback`), starting with every event on screen."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd

from conflictmap.errors import ConflictmapError
from conflictmap.filters import date_bounds
from conflictmap.maps.assets import MapAssets, missing_files
from conflictmap.maps.basemap import base_map, type_colors
from conflictmap.maps.choropleth import units_layer
from conflictmap.maps.layers import MARKER_LIMIT, POINT_LIMIT, events_layer
from conflictmap.maps.playback import playback_layer
from conflictmap.settings import STATIC_DIR
from conflictmap.sharelink import Playback

#: Asset URLs are rendered with this prefix, then replaced by the files' contents.
MARKER = "conflictmap-asset:"
_MEDIA_TYPES = {".json": "application/json", ".png": "image/png", ".js": "text/javascript"}
#: The export's playback: every event on screen until play is pressed, then a moving 30-day window.
PLAYBACK = Playback()


class AssetsMissing(ConflictmapError, RuntimeError):
    """The map's files are not in the repository, so a standalone map cannot be made."""


def standalone_map(
    events: pd.DataFrame,
    title: str,
    static_dir: Path = STATIC_DIR,
    playback: Playback | None = PLAYBACK,
    limits: tuple[int, int] = (MARKER_LIMIT, POINT_LIMIT),
    units: tuple[str, str] | None = None,
) -> str:
    """The map of `events` (mode chosen by the same payload budget as the app) as one HTML page,
    with time playback unless `playback` is None; or, with `units` (level, measure: ("district",
    "fatalities")), the choropleth of `events` per admin unit, whose tooltips give each unit's figures."""
    missing = missing_files(static_dir)
    if missing:
        raise AssetsMissing(f"the map's files are missing from {static_dir}: {', '.join(missing)}")
    assets = MapAssets(base=MARKER)
    colors = type_colors(list(pd.Series(events["event_type"]).astype("string").dropna().value_counts().index))
    fmap = base_map(events, colors, assets, full_detail=False)  # no sub-districts or villages: a lighter file
    if units is not None:
        units_layer(events, *units, assets=assets).group.add_to(fmap)
    elif playback is None:
        events_layer(events, colors, limits=limits).group.add_to(fmap)
    else:
        playback_layer(events, colors, playback, date_bounds(events), limits=limits, assets=assets).group.add_to(fmap)
    page = fmap.get_root().render()
    # The 1:110m outlines (108 KB) rather than the app's 1:50m (756 KB): the file is embedded.
    page = page.replace(assets.url("countries"), assets.url("countries_small"))

    def read(path: str) -> str:
        return (static_dir / path).read_text(encoding="utf-8")

    def inline_script(match: re.Match) -> str:
        return "<script>" + read(match.group(1)).replace("</script", "<\\/script") + "</script>"

    def data_url(path: str) -> str:
        encoded = base64.b64encode((static_dir / path).read_bytes()).decode("ascii")
        return f"data:{_MEDIA_TYPES.get(Path(path).suffix, 'application/octet-stream')};base64,{encoded}"

    def inline_style(match: re.Match) -> str:
        folder = Path(match.group(1)).parent

        def image(ref: re.Match) -> str:  # what a style refers to (leaflet.css: the layer control's icon)
            return f"url({data_url((folder / ref.group(1)).as_posix())})"

        css = re.sub(r"url\(([\w./-]+\.png)\)", image, read(match.group(1)))
        return "<style>" + css.replace("</style", "<\\/style") + "</style>"

    marker = re.escape(MARKER)
    page = re.sub(r'<script src="' + marker + r'([^"]+)"></script>', inline_script, page)
    page = re.sub(r'<link rel="stylesheet" href="' + marker + r'([^"]+)"/>', inline_style, page)
    page = re.sub(r'"' + marker + r'([^"]+)"', lambda m: f'"{data_url(m.group(1))}"', page)  # files scripts fetch
    return page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
