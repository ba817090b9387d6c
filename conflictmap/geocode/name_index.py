"""The name index of the gazetteer: every name of every place under its `name_key`, and the keys under
their consonant skeleton per country, where spelling variants are looked for. Both are `Postings`, a
compact multimap that pickles as three flat objects.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from conflictmap.geocode.normalise import name_key, spelling_of_key

#: Countries whose names are searched under spelling variants: where Arabic, Persian, Kurdish and
#: Turkish names are transliterated many ways (the Arab League, Iraq's neighbours and theirs).
VARIANT_COUNTRIES = frozenset(
    {"DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS", "QA", "SA"}
    | {"SO", "SD", "SY", "TN", "AE", "YE", "IR", "TR", "IL", "AF", "PK", "AZ", "AM", "GE", "CY"}
)
_VOWELS = re.compile("[aeiou]")
_LATIN_OR_ARABIC = re.compile(r"^[\sa-z0-9\u00c0-\u024f\u1e00-\u1eff\u0600-\u06ff]+$")


class Postings:
    """A compact multimap str -> ints: the sorted keys (pickled as one newline-joined string), one
    array of values and one of offsets. Three flat objects to pickle; a key is found by bisection,
    so loading makes no dict of a million keys."""

    def __init__(self, mapping: Mapping[str, Sequence[int]]) -> None:
        keys = sorted(mapping)
        values: list[int] = []
        offsets = [0]
        for key in keys:
            values.extend(dict.fromkeys(mapping[key]))
            offsets.append(len(values))
        self.keys = keys
        self.values = np.asarray(values, dtype=np.int32)
        self.offsets = np.asarray(offsets, dtype=np.int32)

    def __getstate__(self) -> tuple:
        return ("\n".join(self.keys), self.values, self.offsets)

    def __setstate__(self, state: tuple) -> None:
        text, self.values, self.offsets = state
        self.keys = text.split("\n") if text else []

    def row(self, key: str) -> int | None:
        row = bisect_left(self.keys, key)
        return row if row < len(self.keys) and self.keys[row] == key else None

    def get(self, key: str) -> list[int]:
        row = self.row(key)
        return [] if row is None else self.at(row)

    def at(self, row: int) -> list[int]:
        return self.values[self.offsets[row] : self.offsets[row + 1]].tolist()

    def __len__(self) -> int:
        return len(self.keys)


def name_postings(names: Sequence[Sequence[str]]) -> Postings:
    """Name key -> the numbers of the places bearing a name of that key (`names[i]`: place i's names)."""
    memo: dict[str, str] = {}
    index: dict[str, list[int]] = defaultdict(list)
    for number, place_names in enumerate(names):
        keys = set()
        for text in place_names:
            key = memo.get(text)
            if key is None:
                key = memo[text] = name_key(text)
            keys.add(key)
        keys.discard("")
        for key in keys:
            index[key].append(number)
    return Postings(index)


def variant_postings(index: Postings, country_of: Sequence[str]) -> Postings:
    """(country, consonant skeleton) -> rows of `index`, for the Latin and Arabic keys of places in
    VARIANT_COUNTRIES (`country_of[n]`: place n's country)."""
    variants: dict[str, list[int]] = defaultdict(list)
    spell = spelling_of_key.__wrapped__  # no cache: each key once
    for row, key in enumerate(index.keys):
        if not key.isascii() and not _LATIN_OR_ARABIC.match(key):
            continue
        countries_here = {country_of[n] for n in index.at(row)} & VARIANT_COUNTRIES
        if not countries_here:
            continue
        bone = _VOWELS.sub("", spell(key))
        if len(bone) < 2:
            continue
        for country in countries_here:
            variants[country + bone].append(row)
    return Postings(variants)
