"""Place-name normalisation: many spellings of one place become one lookup key.

>>> name_key("Al Fallūjah town")
'fallujah'
>>> name_key("An-Nāṣiriyah")
'nasiriyah'
>>> name_key("Ain al-Asad Air Base")
'ain asad'
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'’‘ʻʿʼ`´"
ARTICLES = frozenset({"al", "an", "ar", "as", "ash", "at", "ad", "az", "el", "adh", "ath"})
LEADING_WORDS = frozenset({"a", "an", "the"})
#: Words that say what kind of place a name is. Dropped from the key; `feature_words` keeps them.
FEATURE_WORDS = (
    "military base",
    "air base",
    "airbase",
    "air field",
    "airfield",
    "airport",
    "base",
    "camp",
    "sub district",
    "subdistrict",
    "district",
    "governorate",
    "province",
    "town",
    "city",
    "village",
    "neighbourhood",
    "neighborhood",
    "qada",
    "qadaa",
    "nahiya",
    "nahiyat",
)
SITE_WORDS = frozenset({"military base", "air base", "airbase", "air field", "airfield", "airport", "base", "camp"})
_FEATURE_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in FEATURE_WORDS) + r")\b")


def fold(text: str) -> str:
    """Lower case, no diacritics, no apostrophes, words split by single spaces.

    >>> fold("Qaḑā’ al-Mawşil")
    'qada al mawsil'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold()
    plain = re.sub("[" + APOSTROPHES + "]", "", plain)
    plain = re.sub(r"[^\w]+", " ", plain).replace("_", " ")
    return " ".join(plain.split())


def feature_words(text: str) -> frozenset[str]:
    """The feature words in a name: `"Al-Asad military base"` -> `{"military base"}`."""
    return frozenset(_FEATURE_RE.findall(fold(text)))


def name_key(text: str) -> str:
    """The lookup key of a place name: folded, without articles and feature words."""
    folded = _FEATURE_RE.sub(" ", fold(text))
    words = folded.split()
    while words and words[0] in LEADING_WORDS and len(words) > 1:
        words = words[1:]
    kept = [word for word in words if word not in ARTICLES] or words
    return " ".join(kept)


_VARIANTS = (
    ("ou", "u"),
    ("ee", "i"),
    ("oo", "u"),
    ("q", "k"),
    ("e", "a"),
    ("w", "u"),
    ("y", "i"),
    ("j", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "s"),
)


def spelling_key(text: str) -> str:
    """A key shared by common transliterations of one Arabic name: q/k, ou/u, e/a, w/u, y/i,
    -iyah/-iya/-ia, doubled letters, a silent h.

    >>> spelling_key("Nassiriya") == spelling_key("An Nāşirīyah")
    True
    >>> spelling_key("Baqouba") == spelling_key("Ba‘qūbah")
    True
    """
    key = name_key(text)
    key = re.sub(r"(?<=[a-z])(iyyah|iyah|iyya|iya|ieh|iye|ia)\b", "i", key)
    key = re.sub(r"ah\b", "a", key)
    for old, new in _VARIANTS:
        key = key.replace(old, new)
    key = re.sub(r"(?<=[^aeiou\s])h|h\b", "", key)
    key = re.sub(r"(.)\1+", r"\1", key)
    return key.replace(" ", "")


def skeleton(text: str) -> str:
    """The consonants of `spelling_key`: the coarse key under which spelling variants are searched.

    >>> skeleton("Tikreet"), skeleton("Tikrīt")
    ('tkrt', 'tkrt')
    """
    return re.sub(r"[aeiou]", "", spelling_key(text))
