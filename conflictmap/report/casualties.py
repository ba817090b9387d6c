"""The dead and hurt a piece states: "killing five militants", "between 10 and 12 were killed",
"left scores dead" (stated, no number)."""

from __future__ import annotations

import re

from conflictmap.report.vocabulary import NUMBER_WORDS, VAGUE_NUMBERS

NUMBER = r"(?:\d[\d,]*|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + ")"
_AT_LEAST = r"(?:at least |about |around |nearly |some |up to |more than |over |almost )?"


def _count(word: str) -> int | None:
    word = word.casefold().replace(",", "")
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def casualties(text: str, verbs: str) -> tuple[int | None, int | None, int | None, str]:
    """(best, low, high, note) of the people a piece says were `verbs` (killed/injured)."""
    patterns = (
        rf"\bbetween ({NUMBER}) and ({NUMBER}) (?:[\w.-]+ ){{0,3}}?(?:were |have been )?(?:{verbs})",
        rf"\b(?:{verbs}) {_AT_LEAST}({NUMBER})\b(?! (?:days?|weeks?|months?|years?|times?|hours?)\b)",
        rf"\b{_AT_LEAST}({NUMBER}) (?:[\w.’'-]+ ){{0,4}}?(?:(?:were|was|have been|had been|are|being) )?(?:{verbs})\b",
        rf"\b(?:leaving|left) ({NUMBER}) (?:[\w-]+ ){{0,2}}?(?:dead|wounded|injured)",
    )
    for number, pattern in enumerate(patterns):
        for match in re.finditer(pattern, text, re.I):
            if number == 0:
                low, high = _count(match.group(1)), _count(match.group(2))
                return low, low, high, ""
            value = _count(match.group(1))
            if value is None or value > 100_000 or re.fullmatch(r"(?:19|20)\d\d,?", match.group(1)):
                continue  # a year is not a count
            at_least = re.search(r"at least|more than|over|up to", match.group(), re.I)
            return value, (value if at_least else None), None, ""
    vague = re.search(
        rf"\b(?:{_VAGUE})(?: of)? (?:[\w-]+ ){{0,2}}?(?:{verbs}|dead)\b"
        rf"|\bleft (?:{_VAGUE}) (?:dead|wounded|injured)\b",
        text,
        re.I,
    )
    if vague:
        return None, None, None, f"'{vague.group()}': no number"
    if re.search(rf"\b(?:a|an|the|one) (?:[\w’'-]+ ){{0,8}}?(?:was|has been|had been) (?:{verbs})\b", text, re.I):
        return 1, None, None, ""
    return None, None, None, ""


_VAGUE = "|".join(VAGUE_NUMBERS)
KILLED = r"killed|killing|kills|kill|dead|died|slain|lost their lives|tués?|morts?"
INJURED = r"injured|injuring|wounded|wounding|hurt|injuries|blessés?"
