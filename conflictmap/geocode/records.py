"""The gazetteer's records: a place (`Place`), an administrative area a hint can name (`Area`) and what
a hint was taken to mean (`AreaHint`), a country; the kinds of entry and what a match on each is worth;
Iraq's P-codes; the distance between two points. No I/O: every other geocode module may import it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from conflictmap.schema import GeoPrecision

#: What a match on an entry of each kind is worth.
KIND_PRECISION = {
    "locality": GeoPrecision.EXACT.value,
    "neighbourhood": GeoPrecision.EXACT.value,
    "airport": GeoPrecision.EXACT.value,
    "site": GeoPrecision.EXACT.value,
    "city": GeoPrecision.EXACT.value,
    "sub-district": GeoPrecision.SUB_DISTRICT.value,
    "district": GeoPrecision.DISTRICT.value,
    "governorate": GeoPrecision.PROVINCE.value,
}
AREA_LEVELS = ("governorate", "district", "sub-district")
POPULATED = frozenset({"locality", "neighbourhood", "city"})
PCODE = re.compile(r"^IQG\d{2}(Q\d{2}(N\d{2})?)?$", re.IGNORECASE)

#: The entry columns kept as text, in `Gazetteer.text` order; coordinates and populations are arrays.
TEXT_COLUMNS = (
    "name",
    "name_ar",
    "kind",
    "feature_code",
    "status",
    "country",
    "admin1",
    "admin1_code",
    "admin2",
    "admin2_code",
    "admin3",
    "admin3_code",
    "gn_admin1_code",
    "gn_admin2_code",
    "source",
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry (or a learned or pinned place). `kind` is "locality", "neighbourhood",
    "airport", "site", "city" (cities500), "sub-district", "district", "governorate", "learned",
    "override"; `precision` what a match on it is worth; `admin*` names and codes say where it lies
    (`admin1_code` is the P-code in Iraq, "<country>:<region>" elsewhere); `status` "abandoned",
    "destroyed" or "historical" when GeoNames says so; `number` its row in the gazetteer (-1: none);
    `gn_admin1_code`/`gn_admin2_code` the governorate and district P-codes GeoNames' own (older, coarser)
    units put it in, when they differ from the COD-AB polygons' (data sets geocoded with GeoNames name those)."""

    name: str
    latitude: float
    longitude: float
    country_code: str
    admin1: str | None
    population: int
    kind: str
    source: str
    precision: str = GeoPrecision.EXACT.value
    name_ar: str = ""
    admin1_code: str = ""
    admin2: str = ""
    admin2_code: str = ""
    admin3: str = ""
    admin3_code: str = ""
    status: str = ""
    feature_code: str = ""
    number: int = -1
    gn_admin1_code: str = ""
    gn_admin2_code: str = ""

    @property
    def pcode(self) -> str:
        """The finest P-code: the area's own for an admin area, else the sub-district (or district,
        governorate) the place lies in; "" outside Iraq."""
        for code in (self.admin3_code, self.admin2_code, self.admin1_code):
            if code and PCODE.match(code):
                return code
        return ""

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str


@dataclass(frozen=True)
class Area:
    """An administrative area a hint can name: Iraq's COD-AB units (code = P-code) and the
    neighbours' WOF regions (code = "SY:Hamah")."""

    code: str
    level: str  # governorate / district / sub-district
    name: str
    name_ar: str
    parent: str
    country: str
    latitude: float
    longitude: float
    keys: frozenset[str] = field(repr=False)
    spellings: tuple[str, ...] = field(repr=False)
    bbox: tuple[float, float, float, float] | None = None  # min lat, min lon, max lat, max lon

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)

    def holds(self, latitude: float, longitude: float) -> bool:
        """Whether a point is inside the area's bounding box (a coarse check, for places without codes)."""
        if self.bbox is None:
            return False
        low_lat, low_lon, high_lat, high_lon = self.bbox
        return low_lat <= latitude <= high_lat and low_lon <= longitude <= high_lon


@dataclass(frozen=True)
class AreaHint:
    """What a province or district hint was taken to mean (`areas` empty: not found)."""

    text: str
    areas: tuple[Area, ...]
    how: str  # "P-code", "name", "spelling variant", "not found", "no areas known"

    @property
    def area(self) -> Area | None:
        return self.areas[0] if len(self.areas) == 1 else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance: `distance_km((33.34, 44.40), (33.42, 43.31))` is about 101 km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
