"""A report cut into the pieces events are read from: sentences, photo captions (a caption is one
piece: its dateline and date hold for all of it) and headlines, each with its place in the text so
the page can highlight it. Repeated captions (a caption printed twice, with the credit written two
ways) are read once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from conflictmap.report.vocabulary import MONTH_ABBREVIATIONS


class Kind(StrEnum):
    SENTENCE = "sentence"
    CAPTION = "caption"
    HEADLINE = "headline"


@dataclass(frozen=True)
class Piece:
    """A stretch of the report: `text == report[start:end]`."""

    start: int
    end: int
    text: str
    kind: Kind


#: A photo credit closing a paragraph: "(AP Photo)", "(Ahmad Al-Rubaye/ AFP via Getty Images)",
#: "Photo by Mark Wilson/Getty Images", "Thaier Al-Sudani/Reuters".
CREDIT = re.compile(
    r"(?:\((?:[^()]{0,80}(?:Photo|Getty|AFP|Reuters|AP\b|EPA|Anadolu|Images|Xinhua|Pool)[^()]{0,40})\)"
    r"|(?:Photo(?:graph)?s? (?:by|:)|Credit:)[^.\n]{2,80}"
    r"|[A-Z][\w.'’ -]{1,40}/\s?(?:AFP|Getty Images|Reuters|AP|EPA|Anadolu|Xinhua)[\w ]{0,25}"
    r"|AP Photo(?:/[\w. ]+)?)\s*\.?\s*$"
)
#: A wire or agency dateline opening a caption: "AN NASIRIYAH, IRAQ - APRIL 10:".
CAPTION_DATELINE = re.compile(r"^[A-Z][A-Z'’ .-]{2,40}(?:,\s*[A-Z][A-Z .]{2,30})?\s*[-–—]\s*[A-Z]+\.? \d{1,2}:")
#: Words before a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "st",
        "no",
        "vs",
        *MONTH_ABBREVIATIONS,
        "u.s",
        "u.k",
        "u.n",
        "a.m",
        "p.m",
        "e.g",
        "i.e",
        "etc",
        "approx",
        "inc",
        "jr",
        "sr",
        "gov",
        "sen",
        "rep",
        "pres",
        "prof",
        "brig",
        "adm",
        "cpl",
        "pvt",
        "sgt",
        "fig",
        "al",
    ]
)
_END = re.compile(r"[.!?؟]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9\u0600-\u06ff])|[.!?؟]+[\"”’')\]]*$")


def _is_headline(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 18 and not re.search(r"[.!?؟:\"”]$", line.strip())


def sentences(text: str, offset: int = 0) -> list[Piece]:
    """`text` cut at sentence ends, keeping abbreviations ("U.S.", "Jan.", "Mr.") and initials whole.

    >>> [p.text for p in sentences("On Jan. 4, a U.S. strike hit Baghdad. Two died.")]
    ['On Jan. 4, a U.S. strike hit Baghdad.', 'Two died.']
    """
    pieces: list[Piece] = []
    start = 0
    for match in _END.finditer(text):
        before = text[start : match.start()].rsplit(None, 1)
        word = before[-1].casefold().rstrip(".") if before else ""
        if match.group().startswith(".") and (word in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", word)):
            continue
        end = match.end()
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            pieces.append(Piece(offset + start + lead, offset + end, chunk.strip(), Kind.SENTENCE))
        start = end
    rest = text[start:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        pieces.append(
            Piece(offset + start + lead, offset + start + lead + len(rest.strip()), rest.strip(), Kind.SENTENCE)
        )
    return pieces


def _caption_key(paragraph: str) -> str:
    """A caption without its credit, for spotting the same caption printed twice."""
    return re.sub(r"\W+", " ", CREDIT.sub("", paragraph)).strip().casefold()


def pieces(text: str) -> list[Piece]:
    """The report's sentences, captions and headlines, in order; a repeated caption once."""
    out: list[Piece] = []
    seen_captions: set[str] = set()
    position = 0
    for line in text.split("\n"):
        start = text.index(line, position) if line else position
        position = start + len(line)
        paragraph = line.strip()
        if not paragraph:
            continue
        start += len(line) - len(line.lstrip())
        if CREDIT.search(paragraph) or CAPTION_DATELINE.match(paragraph):
            key = _caption_key(paragraph)
            if key in seen_captions:
                continue
            seen_captions.add(key)
            out.append(Piece(start, start + len(paragraph), paragraph, Kind.CAPTION))
        elif _is_headline(paragraph):
            out.append(Piece(start, start + len(paragraph), paragraph, Kind.HEADLINE))
        else:
            out.extend(sentences(paragraph, start))
    return out


_QUOTE = re.compile(r"“[^”]*”|\"[^\"\n]*\"|«[^»]*»")


def quoted(text: str) -> list[tuple[int, int]]:
    """The spans of `text` inside quotation marks (speech: its words are not the report's events)."""
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
