"""A report's text from what an analyst brings: pasted text, or a .txt, .md, .html, .pdf or .docx
file. Refuses, with a message naming the file and the problem, what holds no readable text (a binary
file named .txt, a PDF with no text layer), and what is too long to be one report."""

from __future__ import annotations

import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import PurePath

from conflictmap.errors import ConflictmapError
from conflictmap.labels import INVISIBLE

#: The longest report taken, in characters (a long feature is 100,000; 5 MB of text is not a report).
MAX_CHARACTERS = 1_000_000
SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


class ReportError(ConflictmapError, ValueError):
    """A report that cannot be read: the message names it and says why."""


def clean_text(text: str) -> str:
    """Text normalised for reading: Unicode NFC, no-break spaces and tabs to spaces, control
    characters, bidi overrides and invisible characters removed, line endings unified, runs of blank lines collapsed.

    >>> clean_text("On\\u00a0Jan. 20,\\r\\nrockets\\x00 hit")
    'On Jan. 20,\\nrockets hit'
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\t]", " ", text)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)
    text = re.sub(INVISIBLE, "", text)  # bidi overrides and invisible characters (conflictmap.labels)
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r"\n\s*\n\s*\n+", "\n\n", text)
    return text.strip()


def check_text(text: str, name: str = "the text") -> str:
    """`text` cleaned, or a ReportError when it is empty, too long, or not text at all."""
    if len(text) > MAX_CHARACTERS:
        raise ReportError(
            f"{name}: {len(text):,} characters is too long for one report (at most {MAX_CHARACTERS:,}); "
            "split it, or give a CSV with one report per row"
        )
    cleaned = clean_text(text)
    if not cleaned:
        raise ReportError(f"{name}: there is no text to read")
    letters = sum(ch.isalpha() for ch in cleaned)
    if letters < 0.3 * len(cleaned.replace(" ", "")):
        raise ReportError(
            f"{name}: this does not look like text (only {letters:,} letters in {len(cleaned):,} characters)"
        )
    return cleaned


class _Visible(HTMLParser):
    """The text a browser would show: no scripts, styles or templates; blocks on their own lines."""

    HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "svg", "iframe", "object"})
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption", "caption", "blockquote",
         "section", "article", "header", "footer", "time", "title"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "meta" and not self.hidden:
            values = dict(attrs)
            if (values.get("property") or values.get("name") or "") in ("article:published_time", "date", "pubdate"):
                self.parts.append(f"\nPublished: {values.get('content') or ''}\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML page (scripts and styles dropped), one block a line.

    >>> html_text("<p>Rockets hit <b>Erbil</b>.</p><script>alert(1)</script><p>Two hurt.</p>")
    'Rockets hit Erbil.\\nTwo hurt.'
    """
    parser = _Visible()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _decode(content: bytes, name: str) -> str:
    if b"\x00" in content[:8192]:
        raise ReportError(f"{name}: this is a binary file, not text")
    for encoding in ("utf-8-sig", "cp1256" if re.search(rb"[\xc1-\xda]", content[:4096]) else "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("utf-8", errors="replace")


def _pdf_text(content: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ReportError(f"{name}: not a readable PDF ({error})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise ReportError(
            f"{name}: the PDF has no text layer ({len(pages)} page(s) of images); run it through OCR first, "
            "or paste its text"
        )
    return text


def _docx_text(content: bytes, name: str) -> str:
    import zipfile

    from docx import Document

    try:
        document = Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReportError(f"{name}: not a readable Word document ({error})") from None
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def file_text(content: bytes, name: str) -> str:
    """The report's text from a file's bytes, by its name's suffix (.txt, .md, .html, .pdf, .docx)."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ReportError(f"{name}: a report must be one of {', '.join(SUFFIXES)} (not {suffix or 'no suffix'})")
    if len(content) > 4 * MAX_CHARACTERS:
        raise ReportError(f"{name}: {len(content):,} bytes is too long for one report")
    if suffix == ".pdf":
        text = _pdf_text(content, name)
    elif suffix == ".docx":
        text = _docx_text(content, name)
    else:
        text = _decode(content, name)
        if suffix in (".html", ".htm") or re.match(r"\s*<(?:!doctype|html)", text[:200], re.I):
            text = html_text(text)
        elif suffix == ".md":
            text = re.sub(r"(?m)^#{1,6}\s*|\*\*|__|`|!?\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", text)
    return check_text(text, name)
