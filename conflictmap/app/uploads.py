"""A file the analyst gives, read one way on every page (the Data page's import, the Report page's
report): the uploader, and the file as its name and bytes, with a digest for the session keys of
the choices made for it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import streamlit as st


@dataclass(frozen=True)
class Upload:
    """A file the analyst gave, by name and content."""

    name: str
    content: bytes

    @cached_property
    def digest(self) -> str:
        """The session keys of the choices made for this file."""
        return digest(self.content)


def digest(content: bytes) -> str:
    """A short SHA-256 of `content`: what the session keeps for a file or a text is kept under it."""
    return hashlib.sha256(content).hexdigest()[:16]


def upload(label: str, suffixes: Sequence[str], key: str, help: str | None = None) -> Upload | None:
    """The file uploader for files ending in `suffixes` (".csv" or "csv"); None until a file is given."""
    given = st.file_uploader(label, type=[suffix.lstrip(".") for suffix in suffixes], key=key, help=help)
    return None if given is None else Upload(given.name, given.getvalue())
