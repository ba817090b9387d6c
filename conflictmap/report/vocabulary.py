"""The words extraction looks for: event triggers in the schema's event-type vocabulary (ACLED's
types and sub-types, as `data/report_events.csv` uses them), countries and their adjectives, actor
names and their usual aliases, and number words. Plain tables, no logic beyond compiling them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from conflictmap.schema import ACLED_EVENT_TYPES

#: Months as reports abbreviate them ("Jan. 20"), lower-cased, without the dot.
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

# event types (the schema's: ACLED's, as the curated data uses them) and ACLED's sub-types
BATTLES, REMOTE, CIVILIANS, PROTESTS, RIOTS, STRATEGIC = ACLED_EVENT_TYPES

AIR_STRIKE = "Air/drone strike"
SHELLING = "Shelling/artillery/missile attack"
SUICIDE = "Suicide bomb"
IED = "Remote explosive/landmine/IED"
GRENADE = "Grenade"
CLASH = "Armed clash"
ATTACK = "Attack"
ABDUCTION = "Abduction/forced disappearance"
PEACEFUL = "Peaceful protest"
INTERVENTION = "Protest with intervention"
VIOLENT_DEMO = "Violent demonstration"
ARRESTS = "Arrests"
TRANSFER = "Non-violent transfer of territory"
BASE = "Headquarters or base established"
OVERTAKES = "Non-state actor overtakes territory"
REGAINS = "Government regains territory"
OTHER = "Other"


@dataclass(frozen=True)
class Trigger:
    """Words that name an event of `event_type`/`sub_event_type`. `rank`: how specific (a drone
    strike beats a strike, which beats an attack, within one event); `violent`: casualties attach
    to it; `casualty`: the words only count dead or hurt ("killed"), they name no kind of event."""

    pattern: re.Pattern[str]
    event_type: str
    sub_event_type: str
    rank: int
    violent: bool = True
    casualty: bool = False
    #: " " + each lower-case word a match may start with (" drone" for "drone[- ]strikes?|drones?"):
    #: a text with no word starting so (none in its `word_starts`) cannot match and is not searched.
    #: (): always searched.
    starts: tuple[str, ...] = ()

    #: The first two letters of its starts (each word it may start with has them).
    keys: frozenset[str] = frozenset()

    def could_match(self, words: WordStarts) -> bool:
        """Whether the pattern may match the text `words` was made of (`word_starts(text)`); False
        only when it cannot."""
        if not self.starts:
            return True
        return not self.keys.isdisjoint(words.keys) and any(start in words.spaced for start in self.starts)


class WordStarts(NamedTuple):
    """A text's words as `word_starts` makes them, and the first two letters of each."""

    spaced: str
    keys: frozenset[str]


def word_starts(text: str) -> WordStarts:
    """`text` with the letters re.I takes for ASCII ones made ASCII, lower-cased, every character
    that is no word's (`[^\\w-]`) a space, after one space: " " + a stem is in it wherever a word of
    `text` starts with what re.I matches the stem to.

    >>> word_starts("U.S. drone-STRIKES, \u212aILLED").spaced
    ' u s  drone-strikes  killed'
    """
    spaced = " " + _NOT_WORD.sub(" ", folded(text))
    return WordStarts(spaced, frozenset(word[:2] for word in spaced.split()))


def folded(text: str) -> str:
    """`text` lower-cased as re.I folds case: İ ı ſ and the Kelvin sign as the ASCII letters re.I
    matches them to, so a word in lower-case ASCII is in `folded(text)` wherever re.I finds it."""
    return text.translate(ASCII_FOLDS).lower()


_NOT_WORD = re.compile(r"[^\w-]")
#: The characters outside ASCII that re.I matches to an ASCII letter (İ ı ſ and the Kelvin sign;
#: tests/unit/test_report_vocabulary.py checks the list against every code point).
ASCII_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def stems(words: str) -> tuple[str, ...]:
    """The literal start of each alternative of `words` (a regex of alternatives), lower-cased; ()
    when one alternative has none (it starts with a group or class).

    >>> stems(r"drone[- ]strikes?|drones?|air ?strikes?|shell(?:s|ing|ed)|IEDs?")
    ('drone', 'drone', 'air', 'shell', 'ied')
    """
    alternatives, depth, start = [], 0, 0
    for index, char in enumerate(words):
        if char in "([" and (index == 0 or words[index - 1] != "\\"):
            depth += 1
        elif char in ")]" and words[index - 1] != "\\":
            depth -= 1
        elif char == "|" and depth == 0:
            alternatives.append(words[start:index])
            start = index + 1
    alternatives.append(words[start:])
    out = []
    for alternative in alternatives:
        literal = ""
        for char in alternative:
            if char in "()[]{}|\\.^$*+?":
                if char in "?*{" and literal:  # the last character is optional: not part of the stem
                    literal = literal[:-1]
                break
            literal += char
        if len(literal.split(" ")[0]) < 2 or _NOT_WORD.sub(" ", literal) != literal:
            return ()  # no literal first two letters, or a character a word has not (only spaces are kept)
        out.append(literal.lower())
    return tuple(out)


def _t(words: str, event_type: str, sub: str, rank: int, violent: bool = True, casualty: bool = False) -> Trigger:
    pattern = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.I)
    starts = tuple(" " + stem for stem in stems(words))
    return Trigger(pattern, event_type, sub, rank, violent, casualty, starts, frozenset(s[1:3] for s in starts))


TRIGGERS: tuple[Trigger, ...] = (
    # English
    _t(r"drone[- ]strikes?|drone attacks?|drones?|unmanned aerial vehicles?|UAVs?", REMOTE, AIR_STRIKE, 9),
    _t(r"air ?strikes?|air[- ]raids?|warplanes?|fighter jets?|bombers?|aerial bombardment", REMOTE, AIR_STRIKE, 9),
    _t(r"suicide (?:bomb(?:er|ers|ing|ings)?|attacks?|vests?|car bombs?)|self-detonat\w*", REMOTE, SUICIDE, 10),
    _t(
        r"IEDs?|VBIEDs?|roadside bombs?|improvised explosive devices?|car bombs?|booby[- ]trap\w*|"
        r"landmines?|sticky bombs?|bombings?|bombs?|blasts?|explosions?|exploded|explosives?",
        REMOTE,
        IED,
        8,
    ),
    _t(r"grenades?", REMOTE, GRENADE, 8),
    _t(
        r"rockets?|mortars?|shell(?:s|ing|ed)|artillery|missiles?|katyushas?|projectiles?",
        REMOTE,
        SHELLING,
        8,
    ),
    _t(r"strikes?|struck|striking", REMOTE, AIR_STRIKE, 5),
    _t(r"clash(?:es|ed)?|firefights?|gunfights?|gun battles?|battles?|fought|fighting between", BATTLES, CLASH, 7),
    _t(r"ambush(?:ed|es)?|assault(?:ed|s)?|raid(?:ed|s)?|offensive|stormed", BATTLES, CLASH, 4),
    _t(r"abduct(?:ed|ion|ions|s)?|kidnap(?:ped|ping|pings|s)?|hostages?|forcibly disappeared", CIVILIANS, ABDUCTION, 8),
    _t(r"assassinat(?:ed|ion|ions)|executed|executions?|beheaded|massacre[ds]?|lynched", CIVILIANS, ATTACK, 7),
    _t(r"shot|shooting|shootings|gunm[ae]n|opened fire|gunfire|snipers?|stabbed", CIVILIANS, ATTACK, 6),
    _t(r"attack(?:s|ed|ing)?|targeted|hit by|came under fire", BATTLES, CLASH, 3),
    _t(r"riots?|rioters|rioting|torched|set fire to", RIOTS, VIOLENT_DEMO, 7),
    _t(
        r"protests?|protesters|protested|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies|ied)|sit-ins?",
        PROTESTS,
        PEACEFUL,
        6,
        False,
    ),
    _t(r"arrest(?:ed|s)?|detained|detention of|captured", STRATEGIC, ARRESTS, 5, False),
    _t(r"hand(?:ed)? ?over|handovers?|transferred control|turned over", STRATEGIC, TRANSFER, 6, False),
    _t(r"seized|took control|overran|overrun|captured the town", STRATEGIC, BASE, 4, False),
    _t(r"recaptured|retook|liberated", BATTLES, REGAINS, 6),
    _t(r"funerals?", STRATEGIC, OTHER, 2, False),
    _t(
        r"kill(?:ed|ing|s)?|dead|died|deaths?|wounded|wounding|injur(?:ed|ing|ies|y)|casualties|lost their lives",
        BATTLES,
        CLASH,
        1,
        casualty=True,
    ),
    # French
    _t(r"frappes? (?:de drone|aériennes?)|raids? aériens?|drones?", REMOTE, AIR_STRIKE, 9),
    _t(r"attentats? suicides?|kamikazes?", REMOTE, SUICIDE, 10),
    _t(r"attentats?|explosions?|engins? explosifs?|bombes?", REMOTE, IED, 8),
    _t(r"roquettes?|obus|tirs? de mortier|missiles?", REMOTE, SHELLING, 8),
    _t(r"frappes?", REMOTE, AIR_STRIKE, 5),
    _t(r"affrontements?|combats?", BATTLES, CLASH, 7),
    _t(r"attaques?|attaqué(?:e|s|es)?", BATTLES, CLASH, 3),
    _t(r"enl[eè]vements?|enlevé(?:e|s|es)?|kidnapp(?:é|ée|és|ées)", CIVILIANS, ABDUCTION, 8),
    _t(r"manifestations?|manifestants", PROTESTS, PEACEFUL, 6, False),
    _t(r"tu[ée](?:e|s|es)?|morts?|bless[ée](?:e|s|es)?|victimes", BATTLES, CLASH, 1, casualty=True),
    # Arabic (no word boundaries around Arabic prefixes: a plain search)
)

ARABIC_TRIGGERS: tuple[Trigger, ...] = tuple(
    Trigger(re.compile(words), event_type, sub, rank, violent, casualty)
    for words, event_type, sub, rank, violent, casualty in (
        (r"طائرة مسيرة|مسيّرة|مسيرة|غارة|غارات|قصف جوي", REMOTE, AIR_STRIKE, 9, True, False),
        (r"انتحاري|انتحارية", REMOTE, SUICIDE, 10, True, False),
        (r"عبوة ناسفة|عبوات ناسفة|انفجار|تفجير|سيارة مفخخة", REMOTE, IED, 8, True, False),
        (r"صاروخ|صواريخ|قذائف|هاون|قصف", REMOTE, SHELLING, 8, True, False),
        (r"اشتباكات|اشتباك|معارك", BATTLES, CLASH, 7, True, False),
        (r"اغتيال|إعدام", CIVILIANS, ATTACK, 7, True, False),
        (r"اختطاف|خطف", CIVILIANS, ABDUCTION, 8, True, False),
        (r"هجوم|هجمات|استهداف", BATTLES, CLASH, 3, True, False),
        (r"تظاهرة|تظاهرات|احتجاج|احتجاجات|متظاهرين", PROTESTS, PEACEFUL, 6, False, False),
        (r"مقتل|قتل|قتلى|قتيل|جرحى|إصابة|مصرع", BATTLES, CLASH, 1, True, True),
    )
)

#: Country names (English, French, Arabic) and adjectives -> ISO 3166 alpha-2.
COUNTRY_NAMES: dict[str, str] = {
    "iraq": "IQ", "irak": "IQ", "العراق": "IQ",
    "syria": "SY", "syrie": "SY", "سوريا": "SY",
    "iran": "IR", "إيران": "IR",
    "turkey": "TR", "türkiye": "TR", "turquie": "TR", "تركيا": "TR",
    "jordan": "JO", "jordanie": "JO", "الأردن": "JO",
    "kuwait": "KW", "koweït": "KW", "الكويت": "KW",
    "saudi arabia": "SA", "arabie saoudite": "SA", "السعودية": "SA",
    "lebanon": "LB", "liban": "LB", "لبنان": "LB",
    "israel": "IL", "israël": "IL",
    "gaza": "PS", "gaza strip": "PS", "west bank": "PS", "palestine": "PS",
    "egypt": "EG", "égypte": "EG", "مصر": "EG",
    "yemen": "YE", "yémen": "YE", "اليمن": "YE",
    "qatar": "QA", "bahrain": "BH", "oman": "OM", "united arab emirates": "AE", "uae": "AE",
    "afghanistan": "AF", "libya": "LY", "libye": "LY", "pakistan": "PK",
    "united states": "US", "united states of america": "US", "u.s.": "US", "u.s.a.": "US", "usa": "US",
    "america": "US", "états-unis": "US", "washington": "US",
    "united kingdom": "GB", "britain": "GB", "u.k.": "GB", "france": "FR", "russia": "RU",
}  # fmt: skip
COUNTRY_ADJECTIVES: dict[str, str] = {
    "iraqi": "IQ", "irakien": "IQ", "irakienne": "IQ", "irakiens": "IQ", "عراقي": "IQ", "العراقية": "IQ",
    "syrian": "SY", "syrien": "SY", "iranian": "IR", "iranien": "IR", "turkish": "TR", "turc": "TR",
    "jordanian": "JO", "kuwaiti": "KW", "saudi": "SA", "lebanese": "LB", "israeli": "IL",
    "palestinian": "PS", "egyptian": "EG", "yemeni": "YE", "afghan": "AF", "libyan": "LY",
    "american": "US", "u.s.": "US", "us": "US", "américain": "US", "américaine": "US", "british": "GB",
    "french": "FR", "russian": "RU",
}  # fmt: skip
#: ISO alpha-2 -> the country's name, as the data's `country` column spells it.
COUNTRY_LABELS: dict[str, str] = {
    "IQ": "Iraq", "SY": "Syria", "IR": "Iran", "TR": "Turkey", "JO": "Jordan", "KW": "Kuwait",
    "SA": "Saudi Arabia", "LB": "Lebanon", "IL": "Israel", "PS": "Palestine", "EG": "Egypt", "YE": "Yemen",
    "QA": "Qatar", "BH": "Bahrain", "OM": "Oman", "AE": "United Arab Emirates", "AF": "Afghanistan",
    "LY": "Libya", "PK": "Pakistan", "US": "United States", "GB": "United Kingdom", "FR": "France",
    "RU": "Russia",
}  # fmt: skip

#: Actors as reports name them, under the name the data uses (UCDP's, where UCDP has the actor).
#: Matched case-insensitively on word boundaries; the longest alias wins.
ACTOR_NAMES: dict[str, tuple[str, ...]] = {
    "IS": (
        "islamic state", "isis", "isil", "daesh", "da'esh", "داعش", "état islamique",
        "islamic state of iraq and the levant", "is militants", "is fighters",
    ),
    "AQI": ("al-qaeda in iraq",),
    "al-Qaida": ("al-qaeda", "al qaeda"),
    "Government of United States of America": (
        "united states", "u.s. forces", "us forces", "u.s. military", "us military", "american forces",
        "u.s.-led coalition", "us-led coalition", "coalition forces", "pentagon", "u.s. troops", "us troops",
        "u.s. soldiers", "u.s. army", "u.s. military personnel", "u.s. airbase", "u.s.", "forces américaines",
        "القوات الأمريكية",
    ),
    "Government of Iraq": (
        "iraqi security forces", "iraqi forces", "iraqi army", "iraqi troops", "iraqi soldiers", "iraqi police",
        "iraqi military", "iraqi government", "counter-terrorism service", "القوات العراقية",
    ),
    "PMF": (
        "popular mobilization forces", "popular mobilisation forces", "popular mobilization units", "hashd al-shaabi",
        "pmf", "pmu", "الحشد الشعبي",
    ),
    "Kataib Hezbollah": ("kataib hezbollah", "kata'ib hezbollah", "kataib hizballah"),
    "Harakat al-Nujaba": ("harakat al-nujaba", "al-nujaba", "nujaba"),
    "Asaib Ahl al-Haq": ("asaib ahl al-haq", "asa'ib ahl al-haq"),
    "Kataib Sayyid al-Shuhada": ("kataib sayyid al-shuhada",),
    "Islamic Resistance in Iraq": ("islamic resistance in iraq",),
    "Peshmerga": ("peshmerga",),
    "PKK": ("pkk", "kurdistan workers' party"),
    "YPG": ("ypg",),
    "SDF": ("sdf",),
    "Government of Turkey": ("turkish forces", "turkish army", "turkish military"),
    "Government of Iran": ("iranian forces", "irgc", "revolutionary guards"),
    "Government of Israel": ("israeli military", "israel"),
    "Iraqi militia groups": ("militia groups", "militia group", "militias"),
    "Militants": ("militants",),
    "Unidentified armed group": ("gunmen", "gunman", "unknown gunmen"),
}  # fmt: skip
ACTOR_ALIASES: dict[str, str] = {alias: name for name, aliases in ACTOR_NAMES.items() for alias in aliases}

#: Words naming the victims of an attack as civilians.
CIVILIAN_WORDS = re.compile(
    r"\b(?:civilians?|wom[ae]n|girls?|boys?|child(?:ren)?|famil(?:y|ies)|worshippers|pilgrims|farmers|shepherds|"
    r"villagers|residents|passers-by|students|journalists?|protesters|shoppers|mourners|a man|men)\b",
    re.I,
)

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a dozen": 12, "a hundred": 100,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10,
}  # fmt: skip
#: Vague amounts: stated, but no number ("left scores dead").
VAGUE_NUMBERS = ("scores", "dozens", "hundreds", "thousands", "several", "many", "numerous", "a number of")
