"""A place name as asked, checked and cut into the names to try: control characters, empty and
overlong names refused with a reason; "Dalil Air Base, near An Nasiriyah" tried whole, then part by
part, each part knowing whether it is only "near" the event.
"""

from __future__ import annotations

import re

NEAR_WORDS = re.compile(r"^(?:near|outside|outskirts of|close to|north of|south of|east of|west of)\s+", re.I)
_SPLIT = re.compile(r",|،|;|؛|\s+\bnear\b\s+|\s+\bin\b\s+|\s+\bof\b\s+|\s+-\s+", re.I)
#: Control characters (Unicode category Cc: C0, DEL, C1).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Longest place name taken: anything longer is not a place name.
MAX_NAME = 200


def check_name(query: object) -> tuple[str, str, str]:
    """(cleaned name, reason, evidence): reason "" when the name can be looked up.

    >>> check_name("  Ramadi\\t")[:2]
    ('Ramadi', '')
    >>> check_name("Ram\\x00adi")[1], check_name("")[1], check_name("x" * 201)[1]
    ('control characters', 'empty name', 'name too long')
    """
    if query is None or (isinstance(query, float) and query != query):
        return "", "empty name", "no place name given"
    text = str(query)
    if len(text) > MAX_NAME:
        return (
            text[:60] + "…",
            "name too long",
            f"a name of {len(text):,} characters is not a place name (at most {MAX_NAME})",
        )
    text = re.sub(r"[\t\r\n]+", " ", text)
    controls = sorted({f"U+{ord(ch):04X}" for ch in CONTROL.findall(text)})
    if controls:
        return text, "control characters", f"the name holds control characters ({', '.join(controls[:3])})"
    text = " ".join(text.split())
    if not text:
        return "", "empty name", "no place name given"
    if not any(ch.isalpha() for ch in text):
        return text, "no letters", "the name has no letters"
    return text, "", ""


def clean_hint(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(str(value).split())
    if not text or len(text) > MAX_NAME or CONTROL.search(text):
        return None if not text else text[:MAX_NAME]
    return text


def name_parts(query: str) -> list[tuple[str, bool]]:
    """The names to try, most specific first, each with whether it is only "near" the event.

    >>> name_parts("Dalil Air Base, near An Nasiriyah")
    [('Dalil Air Base, near An Nasiriyah', False), ('Dalil Air Base', False), ('An Nasiriyah', True)]
    """
    parts: list[tuple[str, bool]] = [(query, False)]
    near_whole = NEAR_WORDS.match(query)
    if near_whole:
        parts.append((query[near_whole.end() :], True))
    pieces = [piece.strip() for piece in _SPLIT.split(query) if piece and piece.strip()]
    if len(pieces) > 1:
        text = query
        for piece in pieces[:6]:
            position = text.find(piece)
            before = text[:position] if position >= 0 else ""
            near = bool(re.search(r"\bnear\b|\boutside\b|\boutskirts\b", before, re.I)) or bool(NEAR_WORDS.match(piece))
            cleaned = NEAR_WORDS.sub("", piece).strip()
            parts.append((cleaned, near))
            text = text[position + len(piece) :] if position >= 0 else text
    return list(dict.fromkeys(parts))
