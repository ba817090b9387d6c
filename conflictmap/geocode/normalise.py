"""Place-name normalisation: many spellings of one place become one lookup key, in Latin and in
Arabic script.

>>> name_key("Al Fallūjah town")
'fallujah'
>>> name_key("An-Nāṣiriyah")
'nasiriyah'
>>> name_key("Ain al-Asad Air Base")
'ain asad'
>>> name_key("قرية الناصرية") == name_key("الناصريّة")
True
>>> kind_words("قرية الناصرية"), kind_words("Hay Al Nasir")
(frozenset({'village'}), frozenset({'neighbourhood'}))

Three keys, coarser and coarser: `name_key` (the words of the name, without articles and words
like "village"), `spelling_key` (one string shared by common transliterations, Arabic script
transliterated) and `skeleton` (its consonants: the bucket spelling variants are searched in).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

APOSTROPHES = "'’‘ʻʿʼ`´ʾ"
ARTICLES = frozenset({"al", "an", "ar", "as", "ash", "at", "ad", "az", "el", "adh", "ath", "es", "ed", "et", "ez"})
LEADING_WORDS = frozenset({"a", "an", "the"})

#: Words that say what kind of place a name is -> that kind. Dropped from the key; `kind_words`
#: keeps them. Arabic words are given folded (`fold`): ة is written ه, the hamza of قضاء dropped.
FEATURE_WORDS: dict[str, str] = {
    "military base": "site",
    "air base": "site",
    "airbase": "site",
    "air field": "site",
    "airfield": "site",
    "airport": "site",
    "base": "site",
    "camp": "site",
    "oil refinery": "site",
    "refinery": "site",
    "railroad station": "site",
    "railway station": "site",
    "train station": "site",
    "sub district": "sub-district",
    "subdistrict": "sub-district",
    "nahiya": "sub-district",
    "nahiyat": "sub-district",
    "nahiyah": "sub-district",
    "nahia": "sub-district",
    "markaz": "sub-district",  # OCHA: "Markaz Al-Ramadi", the centre sub-district of a district
    "district": "district",
    "qada": "district",
    "qadaa": "district",
    "qadha": "district",
    "governorate": "governorate",
    "province": "governorate",
    "muhafazat": "governorate",
    "muhafaza": "governorate",
    "muhafazah": "governorate",
    "town": "town",
    "city": "town",
    "village": "village",
    "qarya": "village",
    "qaryat": "village",
    "qariyat": "village",
    "qaryah": "village",
    "neighbourhood": "neighbourhood",
    "neighborhood": "neighbourhood",
    "hay": "neighbourhood",
    "hayy": "neighbourhood",
    "mahalla": "neighbourhood",
    "mahallat": "neighbourhood",
    "area": "area",
    # Arabic, folded
    "قريه": "village",
    "حي": "neighbourhood",
    "محله": "neighbourhood",
    "ناحيه": "sub-district",
    "مركز": "sub-district",
    "قضا": "district",
    "محافظه": "governorate",
    "مدينه": "town",
    "بلده": "town",
    "قصبه": "town",
    "مطار": "site",
    "قاعده": "site",
    "معسكر": "site",
    "مخيم": "site",
    "منطقه": "area",
}
KINDS = ("village", "neighbourhood", "town", "sub-district", "district", "governorate", "site", "area")
SITE_WORDS = frozenset(word for word, kind in FEATURE_WORDS.items() if kind == "site" and word.isascii())
_FEATURE_RE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(FEATURE_WORDS, key=len, reverse=True)) + r")(?!\w)"
)
#: "Albu", "Al Bu", "Āl Bū" (the family of): one word, "bu", as Arabic "البو" becomes.
_ALBU = re.compile(r"\b(?:aa?l|el)\s?b(?:u|o|ou)\b")

# Arabic script -------------------------------------------------------------------------------
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_FOLD = str.maketrans(
    {
        "\u0640": None,  # tatweel
        "\u0621": None,  # a bare hamza
        "\u0671": "\u0627",  # alef wasla -> alef (the other alef forms lose their hamza in NFKD)
        "\u0629": "\u0647",  # taa marbuta -> haa
        "\u0649": "\u064a",  # alef maqsura -> yaa
        "\u06cc": "\u064a",  # Farsi yeh
        "\u06ce": "\u064a",  # Kurdish yeh with v
        "\u06d2": "\u064a",  # yeh barree
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u06d5": "\u0647",  # Kurdish ae -> haa
        "\u06be": "\u0647",  # heh doachashmee
        "\u06c1": "\u0647",  # heh goal
        "\u06c6": "\u0648",  # Kurdish oe -> waw
        "\u0695": "\u0631",  # Kurdish rreh -> reh
        "\u06b5": "\u0644",  # Kurdish lam with v
        **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # Persian digits
        **dict.fromkeys(APOSTROPHES),  # "Ba‘qūbah" is "Baqubah"
    }
)
#: Arabic letters (after `fold`) -> the Latin letters transliterations use, for `spelling_key`.
_ARABIC_LATIN = str.maketrans(
    {
        "ا": "a",
        "ب": "b",
        "ت": "t",
        "ث": "th",
        "ج": "j",
        "ح": "h",
        "خ": "kh",
        "د": "d",
        "ذ": "dh",
        "ر": "r",
        "ز": "z",
        "س": "s",
        "ش": "sh",
        "ص": "s",
        "ض": "d",
        "ط": "t",
        "ظ": "dh",
        "ع": "",
        "غ": "gh",
        "ف": "f",
        "ق": "q",
        "ك": "k",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ه": "h",
        "و": "w",
        "ي": "y",
        "پ": "p",
        "چ": "ch",
        "ژ": "zh",
        "گ": "g",
        "ڤ": "v",
    }
)
#: Invisible format characters copied with Arabic text (bidi marks, joiners): dropped silently.
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0xFEFF, *range(0x202A, 0x202F)])


def fold(text: str) -> str:
    """Lower case, no diacritics (Latin or Arabic), no apostrophes or tatweel, one form of each Arabic
    letter that is written several ways (alef/hamza forms, taa marbuta, alef maqsura, Persian and
    Kurdish letters), words split by single spaces.

    >>> fold("Qaḑā’ al-Mawşil")
    'qada al mawsil'
    >>> fold("أَلْمَوْصِل") == fold("الموصل") == fold("إلموصـــل")
    True
    >>> fold("ناحيةُ") == fold("ناحيه"), fold("ديالى") == fold("ديالي")
    (True, True)
    """
    if text.isascii():
        plain = text.lower().translate(_ASCII_APOSTROPHES)
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(_INVISIBLE))
        plain = decomposed.translate(_COMBINING).casefold().translate(_ARABIC_FOLD)
    plain = _NON_WORD.sub(" ", plain).replace("_", " ")
    return " ".join(plain.split())


#: Every combining mark of the Basic Multilingual Plane (Latin diacritics, Arabic harakat): dropped.
_COMBINING = dict.fromkeys(c for c in range(0x10000) if unicodedata.combining(chr(c)))
_ASCII_APOSTROPHES = str.maketrans({ch: None for ch in APOSTROPHES if ch.isascii()})
_NON_WORD = re.compile(r"[^\w]+")


def has_arabic(text: str) -> bool:
    return bool(ARABIC.search(text))


_LATIN: frozenset[str] = frozenset({"latin"})
_NONE: frozenset[str] = frozenset()


def scripts(text: str) -> frozenset[str]:
    """The scripts of a name's letters: "latin", "arabic" or "other" (Cyrillic, Greek, CJK…).

    >>> sorted(scripts("Al-Fallujah الفلوجة"))
    ['arabic', 'latin']
    >>> sorted(scripts("Rаmadi"))  # a Cyrillic "а"
    ['latin', 'other']
    """
    if text.isascii():  # most names: no letter to look up
        return _LATIN if any(ch.isalpha() for ch in text) else _NONE
    found = set()
    for ch in text:
        if not ch.isalpha():
            continue
        if ARABIC.match(ch):
            found.add("arabic")
        elif ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
            found.add("latin")
        else:
            found.add("other")
    return frozenset(found)


def _without_article(word: str) -> str:
    """Arabic "ال" off the front of a word: "الناصريه" -> "ناصريه" (not off a two-letter word)."""
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


@lru_cache(maxsize=100_000)
def kind_words(text: str) -> frozenset[str]:
    """The kinds of place a name's feature words say: `"Al-Asad military base"` -> `{"site"}`."""
    return frozenset(FEATURE_WORDS[w] for w in _FEATURE_RE.findall(_arabic_words(fold(text))))


def feature_words(text: str) -> frozenset[str]:
    """The feature words themselves, folded: `"Qaḑā’ al Fallūjah"` -> `{"qada"}`."""
    return frozenset(_FEATURE_RE.findall(_arabic_words(fold(text))))


def _arabic_words(folded: str) -> str:
    """Arabic words without their article, a lone "ال" (of "آل بو") dropped."""
    if folded.isascii() or not ARABIC.search(folded):
        return folded
    words = [_without_article(word) for word in folded.split() if word != "ال"]
    return " ".join(words)


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """The lookup key of a place name: folded, without articles and feature words.

    >>> name_key("Albu Faraj"), name_key("Āl Bū Faraj"), name_key("al-Bo Faraj")
    ('bu faraj', 'bu faraj', 'bu faraj')
    >>> name_key("محافظة البصرة"), name_key("البصرة")
    ('بصره', 'بصره')
    >>> name_key("Hay Al Askari"), name_key("Al Ḩayy town")  # a feature word alone is the name
    ('askari', 'hayy')
    """
    folded = _arabic_words(fold(text))
    if "b" in folded:
        folded = _ALBU.sub("bu", folded)
    words = folded.split()
    while len(words) > 1 and words[0] in LEADING_WORDS:
        words = words[1:]
    if _FEATURE_FIRST.isdisjoint(words):
        core = [word for word in words if word not in ARTICLES]
    else:
        core = [word for word in _FEATURE_RE.sub(" ", " ".join(words)).split() if word not in ARTICLES]
    if not core and words:  # only feature words: the first is the name ("Al Ḩayy town" -> "hayy")
        named = [word for word in words if word not in ARTICLES] or words
        rest = _FEATURE_RE.sub(" ", " ".join(named[1:])).split()
        core = [named[0], *rest]
    return " ".join(core)


_FEATURE_FIRST = frozenset(word.split()[0] for word in FEATURE_WORDS)

_VARIANTS = (
    ("ou", "u"),
    ("ee", "i"),
    ("oo", "u"),
    ("o", "u"),
    ("q", "k"),
    ("x", "k"),  # Kurdish Latin x = kh
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
_NISBA = re.compile(r"(?<=[a-z])(iyyah|iyah|iyya|iya|ieh|iye|iyeh|ia|yah|ya)\b")


@lru_cache(maxsize=200_000)
def spelling_key(text: str) -> str:
    """A key shared by common transliterations of one Arabic name: q/k, ou/u, e/a, w/u, y/i,
    -iyah/-iya/-ia, doubled letters, a silent h. Arabic script is transliterated first.

    >>> spelling_key("Nassiriya") == spelling_key("An Nāşirīyah")
    True
    >>> spelling_key("Baqouba") == spelling_key("Ba‘qūbah")
    True
    >>> spelling_key("Qarat Tabbah") == spelling_key("Qarah Tabah")
    True
    >>> spelling_key("الفلوجة"), spelling_key("Fallujah")
    ('fluga', 'faluga')
    """
    return spelling_of_key(name_key(text))


@lru_cache(maxsize=100_000)
def spelling_of_key(key: str) -> str:
    """`spelling_key` of a text that is already a `name_key`."""
    if not key.isascii():
        key = _FINAL_HAA.sub("ah", key).translate(_ARABIC_LATIN)  # a final ه/ة: -ah
    key = _NISBA.sub("i", key)
    key = _CONSTRUCT.sub("a", key)
    key = _FINAL_AH.sub("a", key)
    for old, new in _VARIANTS:
        key = key.replace(old, new)
    key = _SILENT_H.sub("", key)
    key = _DOUBLED.sub(r"\1", key)
    return key.replace(" ", "")


_FINAL_HAA = re.compile("\u0647(?=\\s|$)")
_FINAL_AH = re.compile(r"ah\b")
#: The taa marbuta of a noun before another ("Qaryat X", "Qarat Tabbah"): spelled -at there, -ah alone.
_CONSTRUCT = re.compile(r"(?<=[a-z]{3})at(?= )")
_SILENT_H = re.compile(r"(?<=[^aeiou\s])h|h\b")
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)
def skeleton(text: str) -> str:
    """The consonants of `spelling_key`: the coarse key under which spelling variants are searched,
    the same for a name in Latin or Arabic script.

    >>> skeleton("Tikreet"), skeleton("Tikrīt"), skeleton("تكريت")
    ('tkrt', 'tkrt', 'tkrt')
    >>> skeleton("الناصرية") == skeleton("An Nāşirīyah")
    True
    """
    return _VOWELS.sub("", spelling_key(text))


def skeleton_of_key(key: str) -> str:
    """`skeleton` of a text that is already a `name_key`."""
    return _VOWELS.sub("", spelling_of_key(key))


_VOWELS = re.compile("[aeiou]")


@lru_cache(maxsize=100_000)
def has_nisba(text: str) -> bool:
    """Whether a name ends in the adjective ending -iya(h) ("of Hamdan": Hamdaniya): a name with it
    and one without are different names, however alike they look.

    >>> has_nisba("Al-Hamdaniya"), has_nisba("Hamdan"), has_nisba("الحمدانية")
    (True, False, True)
    """
    key = name_key(text)
    if has_arabic(key):
        return bool(re.search(r"يه$|يا$", key))
    return bool(re.search(r"(iyyah|iyah|iyya|iya|ieh|iye|iyeh|ia)$", key))


#: Words of place names that are common nouns or adjectives ("the city", "new", "military"): a name
#: made only of them names many places, found in a gazetteer or not.
_GENERIC_TEXT = (
    "madina madinah medina mdina qarya qaria jadida jadidah jdeideh jdaideh jedida qadima qadim "
    "askari sinaa sinai sinaiya sinaa'a mahatta sikak jami jamia jamiah suq souk shurta dubbat "
    "muallimin thawra thawrah hurriya salam nasr wahda andalus quds jihad shuhada amil ummal "
    "mustashfa matar mina jisr nahr wadi jabal tall tell bir ain shamali shamaliya janubi janubiya "
    "sharqi sharqiya gharbi gharbiya wusta awsat kabir kabira saghir saghira sghir ula thaniya "
    "sakani sakaniya mujamma mintaqa buyut qasr mazraa mazraah mazari bustan hadiqa tahrir khadra "
    "bayda hamra sawda zarqa markaz hay hayy mahalla baladiya mashru mushtal "
    "مدينه قريه جديده قديمه عسكري صناعي صناعه محطه سكك جامع جامعه سوق شرطه ضباط معلمين ثوره حريه "
    "سلام نصر وحده اندلس قدس جهاد شهدا عمال مستشفي مطار ميناء جسر نهر وادي جبل تل بئر عين شمالي "
    "شماليه جنوبي جنوبيه شرقي شرقيه غربي غربيه وسطي اوسط كبير كبيره صغير صغيره اولي ثانيه سكني "
    "مجمع منطقه بيوت قصر مزرعه بستان حديقه تحرير خضراء بيضاء حمراء سوداء زرقاء مركز حي محله"
)
GENERIC_WORDS = tuple(_GENERIC_TEXT.split())
_GENERIC_KEYS = frozenset(spelling_key(word) for word in GENERIC_WORDS) - {""}


@lru_cache(maxsize=100_000)
def is_generic(text: str) -> bool:
    """Whether a name is made only of common nouns and adjectives, so that finding it once is no
    evidence of where a list's place of that name is.

    >>> is_generic("Al Madinah"), is_generic("Hay Al Askari"), is_generic("Al Jadida ash Sharqiya")
    (True, True, True)
    >>> is_generic("الحي العسكري"), is_generic("Ain al-Asad"), is_generic("Tall Afar")
    (True, False, False)
    """
    words = name_key(text).split()
    return bool(words) and all(spelling_key(word) in _GENERIC_KEYS for word in words)


def likeness(a: str, b: str) -> float:
    """How alike two names are as spellings of one name, 0 to 1: the difflib ratio of their spelling
    keys, 0 when one has the -iya ending and the other not ("Hamdan", "Hamdaniya") or their consonant
    skeletons start differently.

    >>> round(likeness("Tikreet", "Tikrīt"), 2), likeness("Hamdan", "Al-Hamdaniya")
    (1.0, 0.0)
    """
    return _likeness(a, b, 0.0)


def alike(a: str, b: str, threshold: float) -> float:
    """`likeness(a, b)` when it is at least `threshold`, else 0 (faster: most pairs are ruled out
    by difflib's quick upper bounds)."""
    return _likeness(a, b, threshold)


def _likeness(a: str, b: str, threshold: float) -> float:
    if has_nisba(a) != has_nisba(b):
        return 0.0
    first, second = spelling_key(a), spelling_key(b)
    bones = skeleton(a), skeleton(b)
    if not first or not second or not all(bones) or bones[0][0] != bones[1][0]:
        return 0.0
    matcher = SequenceMatcher(None, first, second)
    if threshold and (matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold):
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else 0.0
