"""The hints of one row, understood: the country (ISO-2, ISO-3 or name), the province (admin1) and
the district (admin2) as the gazetteer's areas, in any spelling or script or as P-codes, and the
hints a name carries in its later parts ("Al-Hamdaniya, Basra"). A hint that names nothing, or
contradicts another, stops the row with its reason (`Unresolved`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from conflictmap.geocode.answers import PlaceMatch, refusal
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.query import NEAR_WORDS, clean_hint
from conflictmap.geocode.records import PCODE, Area, AreaHint


@dataclass(frozen=True)
class Hints:
    """The hints of one row, understood: the country, and the province and district as areas."""

    country: str | None = None
    province: Area | None = None
    district: Area | None = None
    notes: tuple[str, ...] = ()

    @property
    def area(self) -> Area | None:
        return self.district or self.province

    def describe(self) -> str:
        parts = []
        if self.district:
            parts.append(f"{self.district.level} {self.district.name} ({self.district.code})")
        if self.province:
            code = f" ({self.province.code})" if PCODE.match(self.province.code) else ""
            parts.append(f"province {self.province.name}{code}")
        return " in ".join(parts)


class Unresolved(Exception):
    """A hint or a name that stops the resolution with a reason (caught in `resolve`)."""

    def __init__(self, match: PlaceMatch) -> None:
        super().__init__(match.reason)
        self.match = match


def read_hints(gazetteer: Gazetteer, country: str | None, admin1: str | None, admin2: str | None) -> Hints:
    """The row's hints as areas; `Unresolved` for a country or province that does not exist, or a
    district named outside the province given (a district only spelled like one elsewhere, as
    "Qaḑā’ Baghdād" is like Al-Baaj, is not used)."""
    notes: list[str] = []
    country = clean_hint(country)
    admin1, admin2 = clean_hint(admin1), clean_hint(admin2)
    code = None
    if country:
        code = gazetteer.country_code(country)
        if code is None:
            raise Unresolved(refusal("", "unknown country", f"country '{country}' is not a country name or ISO code"))
    province = district = None
    if admin1:
        hint = gazetteer.find_area(admin1, "governorate", code)
        if hint.area is not None:
            province = hint.area
            if code is None:
                code = province.country
                notes.append(f"country {code} from the province given")
        elif hint.how == "no areas known":
            notes.append(f"province '{admin1}' not used: no provinces known for {code or 'that country'}")
        else:
            where = f" of {gazetteer.countries[code].name}" if code in gazetteer.countries else ""
            alike = f" (alike: {', '.join(a.name for a in hint.areas)})" if hint.areas else ""
            raise Unresolved(refusal("", "unknown province", f"'{admin1}' is not a province{where}{alike}", code))
    if admin2:
        hint = gazetteer.find_area(admin2, "district", code, within=province.code if province else None)
        if hint.area is None and province is not None:
            anywhere = gazetteer.find_area(admin2, "district", code)
            if anywhere.area is not None and anywhere.how in ("name", "P-code"):
                raise Unresolved(
                    refusal(
                        "",
                        "district not in province",
                        f"district '{admin2}' ({anywhere.area.name}) is not in the province given ({province.name})",
                        code,
                    )
                )
        if hint.area is None and province is not None:
            # an older district that COD-AB has as a sub-district of a larger one ("Abū Ghurayb district"):
            # the district it is part of now (the sub-district alone is smaller than the old district was)
            # (its exact name only: a sub-district merely spelled like it says too little)
            found = gazetteer.find_area(admin2, "sub-district", code, within=province.code)
            smaller = found.area if found.how in ("name", "P-code") else None
            larger = gazetteer.areas.get(smaller.parent) if smaller is not None else None
            if smaller is not None and larger is not None:
                hint = AreaHint(admin2, (larger,), "older district")
                notes.append(
                    f"district '{admin2}' is sub-district {smaller.name} ({smaller.code}) of district {larger.name} "
                    "in COD-AB: that district used"
                )
        if hint.area is not None:
            district = hint.area
            if province is None:
                province = gazetteer.areas.get(district.parent)
                code = code or district.country
        else:
            notes.append(f"district '{admin2}' not recognised, not used")
    return Hints(code, province, district, tuple(notes))


def hints_in_name(
    gazetteer: Gazetteer, query: str, parts: list[tuple[str, bool]], hints: Hints
) -> tuple[Hints, list[tuple[str, bool]]]:
    """ "Al-Hamdaniya, Basra": a later part naming the country, a province or a district of it
    is a hint for the first (unless it contradicts the row's own hints)."""
    pieces = [p.strip() for p in re.split(r",|،|;|؛", query) if p.strip()]
    if len(pieces) < 2:
        return hints, parts
    province, district, country = hints.province, hints.district, hints.country
    used = []
    for piece in pieces[1:]:
        if NEAR_WORDS.match(piece):
            continue
        code = gazetteer.country_code(piece)
        if code is not None and country in (None, code):
            country = code
            used.append(piece)
            continue
        if country is None:
            continue
        area = gazetteer.find_area(piece, "governorate", country).area
        if area is not None and (province is None or area.code == province.code):
            province = area
            used.append(piece)
            continue
        area = gazetteer.find_area(piece, "district", country, within=province.code if province else None).area
        if area is not None and (district is None or area.code == district.code):
            district = area
            province = province or gazetteer.areas.get(area.parent)
            used.append(piece)
    if not used:
        return hints, parts
    notes = (*hints.notes, f"read {', '.join(repr(u) for u in used)} in the name as hints")
    first = (pieces[0], False)
    rest = [p for p in parts if p[0] not in used and p != first]
    return Hints(country, province, district, notes), [first, *rest]


def with_notes(match: PlaceMatch, hints: Hints) -> PlaceMatch:
    if not hints.notes:
        return match
    return replace(match, evidence="; ".join(part for part in (match.evidence, *hints.notes) if part))
