"""The app's pages, defined once: the sidebar's navigation, the access gate and the tests read
this list. The entry file `dashboard.py` is the Map page; every other page is a file in `pages/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conflictmap.settings import ROOT


@dataclass(frozen=True)
class Page:
    path: str  # relative to the repository, as `st.page_link` takes it
    title: str
    icon: str  # a Material icon, drawn by Streamlit's own font (no request leaves the machine)
    url: str  # the page's address under the app's root

    @property
    def file(self) -> Path:
        return ROOT / self.path


PAGES = (
    Page("dashboard.py", "Map", ":material/map:", "/"),
    Page("pages/1_Timeline.py", "Timeline", ":material/bar_chart:", "/Timeline"),
    Page("pages/2_Events.py", "Events", ":material/table_rows:", "/Events"),
    Page("pages/3_Places.py", "Places", ":material/place:", "/Places"),
    Page("pages/4_About.py", "About", ":material/info:", "/About"),
    Page("pages/5_Data.py", "Data", ":material/upload_file:", "/Data"),
    Page("pages/6_Report.py", "Report", ":material/article:", "/Report"),
)


def page_titled(title: str) -> Page:
    """The listed page of that title; a page that is not listed is refused (it would be a page
    no navigation shows and no test covers)."""
    for page in PAGES:
        if page.title == title:
            return page
    raise LookupError(f"no page titled {title!r} in conflictmap.app.pages.PAGES")
