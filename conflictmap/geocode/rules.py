"""The rules that decide one name: its places found in the gazetteer, weighed against the hints,
answered with the evidence or refused with the reason and the candidates.

Precision comes before recall: a wrong point is worse than none. A name is answered only when the
evidence holds:

- a name found at several places (farther apart than SAME_PLACE_KM) is unresolved, with its
  candidates, unless a hint (country, province, district) leaves one, or one is a city and the others
  villages;
- a place found once is answered according to the hints it agrees with: inside the district given,
  any place; inside the province given, a name that is not generic ("Al Madinah", "Hay Al Askari")
  and either notable (a town of NOTABLE_POPULATION, an admin area, a curated site) or not common in
  the region; with the country alone, a notable place only;
- a spelling variant ("Nassiriya" for "An Nāşirīyah", "الفلوجة" for "Fallujah") needs a country hint,
  a close spelling with the same -iya ending, one place only, and a district that agrees or a
  notable place;
- "village" in the name never lands on a city; "district", "sub-district", "governorate" (in Latin
  or Arabic) answer the admin area, at its precision, with its P-code.
"""

from __future__ import annotations

from collections.abc import Iterable

from conflictmap.geocode.answers import (
    ADMIN1,
    ADMIN2,
    ADMIN3,
    EXACT,
    MAX_CANDIDATES,
    NEAR,
    Candidate,
    PlaceMatch,
    answer,
    as_candidate,
    refusal,
)
from conflictmap.geocode.hints import Hints
from conflictmap.geocode.lookups import Gazetteer
from conflictmap.geocode.normalise import (
    alike,
    has_arabic,
    is_generic,
    kind_words,
    name_key,
    skeleton,
    spelling_key,
    spelling_of_key,
)
from conflictmap.geocode.ranking import SAME_PLACE_KM, cluster_places, representative, representatives
from conflictmap.geocode.records import AREA_LEVELS, PCODE, POPULATED, Area, Place, distance_km

AREA_KINDS = frozenset(AREA_LEVELS)
SITES = frozenset({"site", "airport"})
#: A town this big is notable: found once in the country, it is the place meant.
NOTABLE_POPULATION = 5_000
#: A place this big is a city, never a "village".
CITY_POPULATION = 50_000
#: A town this big, ten times the size of any other place of its name, is the one meant.
DOMINANT_POPULATION = 20_000
#: A name borne by this many places in the country, or in the region, is common: finding it once in
#: a province proves little.
COMMON_IN_COUNTRY = 6
COMMON_IN_REGION = 12
#: How alike spellings must be (`likeness`) to be one name: same script, across scripts.
VARIANT_SCORE = 0.85
CROSS_SCRIPT_SCORE = 0.75
#: At most this many rivals are listed beside an answer.
MAX_RIVALS = 6
#: The countries whose places count in how common a name is (Arabic-speaking and their neighbours).
REGION_COUNTRIES = frozenset({"IQ", "SY", "JO", "KW", "SA", "IR", "TR", "LB", "EG", "AE", "QA", "BH", "OM", "YE", "PS"})


class Outcome:
    """What the parts of one name found, for the refusal when none is answered."""

    def __init__(self, query: str, hints: Hints) -> None:
        self.query, self.hints = query, hints
        self.reason, self.evidence = "not found", "no place of that name in the gazetteer"
        self.candidates: list[Candidate] = []
        self.final = False  # a refusal the other parts must not overrule (e.g. only elsewhere)
        self.rank = 0

    def refuse(
        self, reason: str, evidence: str, candidates: Iterable[Candidate] = (), final: bool = False, rank: int = 1
    ) -> None:
        """Keep the strongest reason (the first part's, unless a later one found more)."""
        if rank > self.rank:
            self.reason, self.evidence, self.rank = reason, evidence, rank
        self.candidates.extend(candidates)
        self.final = self.final or final

    def refusal(self) -> PlaceMatch:
        where = f" in {self.hints.describe()}" if self.hints.area else ""
        evidence = self.evidence if self.reason != "not found" else f"no place of that name{where} in the gazetteer"
        unique = list({str(c): c for c in self.candidates}.values())
        return refusal(self.query, self.reason, evidence, self.hints.country, unique)


class Decision:
    """The decision for one part of a name: find its places, weigh the evidence, answer or refuse."""

    def __init__(
        self, gazetteer: Gazetteer, query: str, part: str, key: str, near: bool, hints: Hints, outcome: Outcome
    ) -> None:
        self.gazetteer = gazetteer
        self.query, self.part, self.key, self.near, self.hints, self.outcome = query, part, key, near, hints, outcome
        self.kinds = kind_words(part)
        self._variant_cache: list[tuple[Place, bool]] | None = None

    @property
    def generic(self) -> bool:
        return is_generic(self.part)

    # the steps ---------------------------------------------------------------------
    def decide(self) -> PlaceMatch | None:
        country = self.hints.country
        found = self.gazetteer.lookup(self.key, country)
        elsewhere = self.gazetteer.lookup(self.key) if country and not found else []
        exact = self._weigh(found, variant=False)
        if exact is not None or self.outcome.final:
            return exact
        if country and not any(p.kind not in AREA_KINDS for p in found):
            variants = self._variants()
            # the same spelling key (doubled letters, a silent h, e/a, q/k…) is the same name
            alike = [p for p, same in variants if same]
            match = self._weigh(alike, variant=False) if alike else self._weigh([p for p, _ in variants], variant=True)
            if match is not None or self.outcome.final:
                return match
        if elsewhere and not found:
            where = self.gazetteer.countries.get(country or "")
            self.outcome.refuse(
                "only elsewhere",
                f"'{self.part}' is only known outside {where.name if where else country}",
                [as_candidate(p) for p in elsewhere[:5]],
                rank=1,
            )
        return None

    def _variants(self) -> list[tuple[Place, bool]]:
        """Places of the hinted country spelled like the part, the closest spellings only, each with
        whether its spelling key is the part's own (a difference of doubled letters or vowels)."""
        if self._variant_cache is not None:
            return self._variant_cache
        arabic = has_arabic(self.part)
        scored: list[tuple[float, Place, bool]] = []
        area = self.hints.area
        for key, place in self.gazetteer.lookup_variants(self.key, self.hints.country or ""):
            if area is not None and not self._in_hints(place, geonames=False):
                continue  # a spelling variant is looked for inside the hints only
            same_script = has_arabic(key) == arabic
            score = alike(self.key, key, VARIANT_SCORE if same_script else CROSS_SCRIPT_SCORE)
            if score:
                scored.append((score, place, same_script and score >= 0.999))
        best: dict[int, tuple[Place, bool]] = {}
        if scored:
            top = max(score for score, _, _ in scored)
            for score, place, same in scored:
                if score >= top - 0.02:
                    best[place.number] = (place, same or best.get(place.number, (place, False))[1])
        self._variant_cache = list(best.values())
        return self._variant_cache

    def _in_hints(self, place: Place, geonames: bool = True) -> bool:
        area = self.hints.area
        return area is None or self._within(place, area, geonames)

    def _within(self, place: Place, area: Area, geonames: bool = True) -> bool:
        """Whether a place lies in an area: by its codes (P-codes nest: IQG15Q04N01 is in IQG15Q04,
        in IQG15), else, for a place without codes or coded only to a larger area that holds this one
        (a curated site known by its province, asked for in a district), by the area's bounding box.
        `geonames`: GeoNames' own units count too (not for a spelling variant: two weak signs are no
        strong one)."""
        code = place.admin3_code or place.admin2_code or place.admin1_code
        if not code:
            return area.holds(place.latitude, place.longitude)
        if not PCODE.match(area.code):
            return place.admin1_code == area.code
        if code.startswith(area.code) or (geonames and self._by_geonames(place, area)):
            return True
        return area.code.startswith(code) and area.holds(place.latitude, place.longitude)

    @staticmethod
    def _by_cod(place: Place, area: Area) -> bool:
        code = place.admin3_code or place.admin2_code or place.admin1_code
        return not code or not PCODE.match(area.code) or code.startswith(area.code) or area.code.startswith(code)

    @staticmethod
    def _by_geonames(place: Place, area: Area) -> bool:
        """Whether GeoNames' own units put the place in the area (a governorate or district) where the
        COD-AB polygons do not: their boundaries differ, and data sets geocoded with GeoNames name its units."""
        return any(code and code.startswith(area.code) for code in (place.gn_admin1_code, place.gn_admin2_code))

    def _fits(self, place: Place) -> bool:
        """Whether a place is the kind the name says: a "village" is no city, a "district" a district."""
        kinds = self.kinds
        for level in ("governorate", "district", "sub-district"):
            if level in kinds:
                return place.kind == level
        if "site" in kinds:
            return place.kind in SITES
        if "village" in kinds:
            return place.kind in POPULATED and place.population < CITY_POPULATION
        if "neighbourhood" in kinds:
            return place.kind in ("neighbourhood", "locality")
        return place.kind not in SITES

    def _weigh(self, places: list[Place], variant: bool) -> PlaceMatch | None:
        if not places:
            return None
        fitting = [p for p in places if self._fits(p)]
        if not fitting and self.kinds & (AREA_KINDS | {"site"}):
            fitting = [p for p in places if p.kind in POPULATED]  # a town for the area or the site
        if not fitting and not self.kinds:
            fitting = [p for p in places if p.kind in SITES]  # a site's own name ("Q-West")
        if not fitting:
            big = [p for p in places if p.kind in POPULATED and p.population >= CITY_POPULATION]
            if "village" in self.kinds and big:
                self.outcome.refuse(
                    "not a village",
                    f"'{self.part}' is a village; the place of that name is a city of {big[0].population:,}",
                    [as_candidate(big[0])],
                    rank=2,
                )
            return None
        inside = [p for p in fitting if self._in_hints(p, geonames=not variant)]
        outside = [p for p in fitting if not self._in_hints(p, geonames=not variant)]
        if "town" in self.kinds:  # a town is a living place, not one a record calls a village
            # (among the places the hints leave: a living namesake elsewhere does not hide the village here)
            living = [p for p in inside if not p.status and "village" not in kind_words(p.name)]
            inside = living or inside
        if not inside:
            if outside and self.hints.area:
                origin = self.hints.area.point
                self.outcome.refuse(
                    "only elsewhere",
                    f"'{self.part}' is not known in the {self.hints.describe()}; only elsewhere",
                    [as_candidate(p, origin) for p in representatives(outside, self.key)[:6]],
                    final=not variant,
                    rank=3,
                )
            return None
        areas = [p for p in inside if p.kind in AREA_KINDS]
        others = [p for p in inside if p.kind not in AREA_KINDS]
        if self.kinds & AREA_KINDS and areas:
            pool = areas
        elif others:
            # admin areas of the same name are the name at another level (mostly after their seat),
            # not rivals; a site word asks for the project's curated sites first
            curated = [p for p in others if p.source.startswith("supplement")]
            pool = curated if "site" in self.kinds and curated else others
        else:
            pool = areas
            if not variant and self.hints.country:
                seat = self._seat(areas)
                if seat is not None:
                    return seat
        clusters = self._rivals(cluster_places(pool))
        if len(clusters) > 1:
            return self._ambiguous(clusters, outside, variant)
        best = representative(clusters[0], self.key)
        return self._accept(best, clusters[0], outside, variant)

    def _rivals(self, clusters: list[list[Place]]) -> list[list[Place]]:
        """Clusters that are different places: a record named as an area ("Nāḩiyat al Karmah") in the
        same sub-district or district as a plain one ("Al Karmah") is that place at another level."""
        if len(clusters) < 2:
            return clusters
        plain = [c for c in clusters if not all(_named_as_area(p) for p in c)]
        if not plain:
            return clusters
        codes = {code for c in plain for p in c for code in (p.admin3_code, p.admin2_code) if code}
        return [
            c
            for c in clusters
            if c in plain or not any(code in codes for p in c for code in (p.admin3_code, p.admin2_code) if code)
        ]

    def _area(self, place: Place) -> Area:
        return self.gazetteer.areas.get(place.pcode) or Area(
            place.pcode,
            place.kind,
            place.name,
            "",
            "",
            place.country_code,
            place.latitude,
            place.longitude,
            frozenset(),
            (),
        )

    def _seat(self, areas: list[Place]) -> PlaceMatch | None:
        """Only admin areas have the exact name ("Muqdadiya" is district Al-Muqdadiya): a town spelled
        like it inside that area is its seat, and what a bare name means."""
        variants = [p for p, _ in self._variants() if p.kind in POPULATED]
        seats = [p for p in variants if any(self._within(p, self._area(a)) for a in areas)]
        clusters = self._rivals(cluster_places(seats))
        if len(clusters) != 1:
            return None
        area = areas[0]
        best = representative(clusters[0], self.key)
        precision = NEAR if self.near else EXACT
        evidence = (
            f"'{self.part}' is the name of {area.kind} {area.name} ({area.pcode}); {best.name}, spelled alike, "
            f"is the one town of that name inside it"
        )
        return answer(self.query, best, precision, "gazetteer", evidence, source_note="; matched as a spelling variant")

    def _ambiguous(self, clusters: list[list[Place]], outside: list[Place], variant: bool) -> PlaceMatch | None:
        """Several places: a town among villages is the one meant, so is the one the project's curated
        list names among places of no note; else the name stays unresolved."""
        every = clusters

        def size(cluster: list[Place], own: bool) -> int:
            """A town's population (not an area's, as "Qaḑā’ X" records carry), if its own name is the name."""
            towns = [p for p in cluster if not _named_as_area(p) and (not own or _own_name(p, self.key))]
            return max((p.population for p in towns), default=0)

        sizes = sorted(((size(c, True), i) for i, c in enumerate(every)), reverse=True)
        top, index = sizes[0]
        second = max((size(c, False) for i, c in enumerate(every) if i != index), default=0)
        curated = [i for i, c in enumerate(every) if any(p.source.startswith("supplement") for p in c)]
        others_plain = len(curated) == 1 and not any(
            _notable(p) for i, c in enumerate(every) if i != curated[0] for p in c
        )
        if not variant and "village" not in self.kinds:
            chosen, because = None, ""
            if top >= DOMINANT_POPULATION and top >= 10 * max(second, 1):
                chosen, because = index, f"a town of {top:,}; the other places of that name are far smaller"
            elif others_plain:
                chosen, because = curated[0], "the project's curated list names it; the others are places of no note"
            elif self.hints.area is not None:
                seats = [(i, seat) for i, c in enumerate(every) if (seat := self._seat_in(c))]
                if len(seats) == 1:
                    chosen, because = seats[0][0], f"{seats[0][1]}; the other places of that name are not"
            if chosen is not None:
                best = representative(every[chosen], self.key)
                rivals = [representative(c, self.key) for i, c in enumerate(every) if i != chosen]
                return self._accept(best, every[chosen], [*rivals, *outside], variant, because)
        origin = self.hints.area.point if self.hints.area else None
        reps = [representative(c, self.key) for c in every]
        where = (
            f" in the {self.hints.describe()}"
            if self.hints.area
            else (f" in {self.hints.country}" if self.hints.country else "")
        )
        word = "spelled like" if variant else "named"
        self.outcome.refuse(
            "ambiguous",
            f"{len(every)} places {word} '{self.part}'{where}; no hint picks one",
            [as_candidate(p, origin) for p in reps[:MAX_CANDIDATES]],
            rank=4,
        )
        return None

    def _seat_in(self, cluster: list[Place]) -> str:
        """Why a place of the cluster is the seat of the sub-district or district named after it ("" if
        none is): a record named as that area ("Nāḩiyat al Karmah"), or a town whose name, in Latin or
        Arabic script, is the name of the sub-district or district it lies in. A list that names "Al Karmah"
        in Al-Anbar means the seat of nahiya Al-Garma, not a namesake village elsewhere in the province."""
        for place in cluster:
            if place.kind not in POPULATED:
                continue
            if _named_as_area(place) and _own_name(place, self.key):
                return f"{place.name} is the seat of the area of that name"
            for code in (place.admin3_code, place.admin2_code):
                area = self.gazetteer.areas.get(code)
                if area is not None and self._names_area(place, area):
                    return f"{place.name} is the seat of {area.level} {area.name} ({area.code}), named after it"
        return ""

    def _names_area(self, place: Place, area: Area) -> bool:
        """Whether the name asked (or the place's Arabic name) is the area's own name."""
        if self.key in area.keys or (place.name_ar and name_key(place.name_ar) in area.keys):
            return True
        spelled = spelling_of_key(self.key)
        return any(spelling_key(spelling) == spelled for spelling in area.spellings)

    def _namesakes(self) -> tuple[int, int]:
        """How many distinct populated places bear the name: in the hinted country, in the region
        (places of one name in one 0.1-degree cell, about 10 km, count once)."""
        country, region = set(), set()
        for code, latitude, longitude in self.gazetteer.count(self.key, REGION_COUNTRIES, POPULATED):
            cell = (code, round(latitude, 1), round(longitude, 1))
            region.add(cell)
            if code == self.hints.country:
                country.add(cell)
        return len(country), len(region)

    def _accept(
        self, best: Place, cluster: list[Place], outside: list[Place], variant: bool, chosen: str = ""
    ) -> PlaceMatch | None:
        """One place (or the one `chosen` among several, saying why): answer it if the evidence holds."""
        hints = self.hints
        level = "district" if hints.district else "province" if hints.province else "country" if hints.country else ""
        # an admin area the name names at its own level ("ناحية جرف الصخر", "Markaz Al-Ramadi") is as
        # good as a notable place: there are few of them
        notable = _notable(best) or bool(chosen) or (best.kind in AREA_KINDS and best.kind in self.kinds)
        # the seat of a sub-district or district named after it, asked for inside its province: few places are
        # (only asked where it can decide: found by its name, in a province, not notable already)
        seat = bool(level == "province" and not variant and not notable and self._seat_in([best]))
        notable = notable or seat
        seat_note = self._seat_in([best]) if seat else ""
        short = len(skeleton(self.part)) < 4
        why_not = None
        if variant:
            if level == "province" and ((short and not notable) or self.generic):
                why_not = "a spelling variant of a short or generic name, with only the province given"
            elif level == "country" and not (notable and not self.generic):
                why_not = "a spelling variant of a small place, with only the country given"
            elif level == "":
                why_not = "a spelling variant, with no country given"
        elif self.generic and level != "district" and best.kind not in AREA_KINDS:
            why_not = f"'{self.part}' is a generic name: found once, it proves nothing without the district"
        elif level == "province" and not notable and _tribal(self.key):
            why_not = (
                f"'{self.part}' is a tribe's name (Albu …, 'the family of'): its villages lie wherever the tribe "
                "does, so one found in the province proves little: the district would decide"
            )
        elif level == "province" and not notable:
            in_country, in_region = self._namesakes()
            if in_country >= COMMON_IN_COUNTRY or in_region >= COMMON_IN_REGION:
                why_not = (
                    f"'{self.part}' is a common name ({in_country} places in {hints.country}, {in_region} in the "
                    "region): the district would decide"
                )
        elif level == "country" and not notable:
            why_not = (
                f"'{best.name}' is a small place and only the country is given: the province or district would decide"
            )
        elif level == "" and not notable:
            why_not = "a small place, and no country given"
        if why_not:
            self.outcome.refuse(
                "weak evidence", why_not, [as_candidate(best, hints.area.point if hints.area else None)], rank=2
            )
            return None
        origin = best.point
        away = sorted((km, i, p) for i, p in enumerate(outside) if (km := distance_km(origin, p.point)) > SAME_PLACE_KM)
        rivals = representatives([p for _, _, p in away[: MAX_RIVALS * 4]], self.key)[:MAX_RIVALS]  # nearest first
        precision = best.precision
        if best.kind not in AREA_KINDS:
            if "governorate" in self.kinds:
                precision = ADMIN1  # a town matched for a province's name stands for the province
            elif "district" in self.kinds:
                precision = ADMIN2
            elif "sub-district" in self.kinds and best.kind in POPULATED and _named_as_area(best):
                precision = ADMIN3
            elif self.near or "area" in self.kinds or ("site" in self.kinds and best.kind in POPULATED):
                precision = NEAR  # a site answered by the town it is named after lies near it, not at it
        located_by = "supplement" if best.source.startswith("supplement") else "gazetteer"
        return answer(
            self.query,
            best,
            precision,
            located_by,
            self._evidence(best, cluster, rivals, variant, level, chosen or seat_note, notable),
            rivals,
            "; matched as a spelling variant" if variant else "",
        )

    def _evidence(
        self,
        best: Place,
        cluster: list[Place],
        rivals: list[Place],
        variant: bool,
        level: str,
        chosen: str,
        notable: bool,
    ) -> str:
        kind = best.kind if best.kind != "city" else "town"
        size = f" of {best.population:,} people" if best.population else ""
        status = f" ({best.status})" if best.status else ""
        where = ", ".join(x for x in (best.admin2, best.admin1) if x)
        how = "spelled like" if variant else "named"
        said = [f"'{self.part}': the {kind}{status}{size} {how} it, {best.name}" + (f" in {where}" if where else "")]
        if level in ("district", "province"):
            area = self.hints.area
            assert area is not None
            by = " (by GeoNames' units; COD-AB's boundaries put it outside)" if not self._by_cod(best, area) else ""
            said.append(f"inside the {self.hints.describe()} given{by}")
        elif level == "country" and not chosen:
            said.append(f"the only place of that name in {best.country_code}")
        if chosen:
            said.append(chosen)
        elif notable and level == "country":
            said.append("a notable place")
        if len(cluster) > 1:
            said.append(f"{len(cluster)} records within {SAME_PLACE_KM:.0f} km taken as one place")
        if rivals:
            nearest = min(distance_km(best.point, r.point) for r in rivals)
            said.append(f"{len(rivals)} other place(s) of that name, nearest {nearest:,.0f} km away")
        return "; ".join(said)


def _tribal(key: str) -> bool:
    """Whether a name key is a tribe's ("Albu Faraj", "Āl Bū Faraj", "البو فراج" all key as "bu …").

    >>> _tribal("bu faraj"), _tribal("بو فراج"), _tribal("buhriz")
    (True, True, False)
    """
    return key.startswith(("bu ", "بو "))


def _own_name(place: Place, key: str) -> bool:
    """Whether `key` is the place's own name, not one of its alternates."""
    return name_key(place.name) == key or skeleton(place.name) == skeleton(key)


_AREA_NAMED: dict[int, bool] = {}


def _named_as_area(place: Place) -> bool:
    """Whether a populated place's own name says it is an area ("Nāḩiyat al Karmah", "Qaḑā’ …")."""
    found = _AREA_NAMED.get(place.number) if place.number >= 0 else None
    if found is None:
        found = bool(kind_words(place.name) & AREA_KINDS)
        if place.number >= 0 and len(_AREA_NAMED) < 500_000:
            _AREA_NAMED[place.number] = found
    return found


def _notable(place: Place) -> bool:
    """A town of NOTABLE_POPULATION, a province's or district's seat or area, a curated site: a place
    a list would name without saying more. (A sub-district's seat or area is not: "Bahar" is also a
    village.)"""
    return (
        place.population >= NOTABLE_POPULATION
        or place.kind in ("governorate", "district")
        or place.source.startswith("supplement")
        or place.feature_code in ("PPLA", "PPLA2", "PPLC")
    )
