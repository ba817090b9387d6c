"""Text from data as the pages show it: invisible controls taken out, long labels cut.

Names, notes and sources come from analysts' files, exports of unknown tools and pasted reports.
Two kinds of character in them mislead a reader and are removed when the data is read
(`datasets`), and from any text a page shows through `app.widgets.plain`:

- bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): a right-to-left
  override reverses the text after it ("Trojan Source"), so "IS" can be made to show as "SI" and
  a note can show another number than it holds;
- zero-width and invisible characters (U+200B zero-width space, U+2060–U+2064 word joiner and
  invisible operators, U+FEFF, U+180E, U+00AD soft hyphen): "IS" and "I\\u200bS" look the same
  but are two actors to the filters.

Kept: the marks LRM, RLM and ALM (U+200E, U+200F, U+061C) and the joiners ZWNJ and ZWJ (U+200C,
U+200D), which Arabic, Persian and Kurdish spelling needs; they reorder nothing beyond the
neutral characters beside them, and HTML the app writes isolates each value (`<bdi>`).
"""

from __future__ import annotations

import re

import pandas as pd

#: The characters taken out of text from data (see the module's docstring).
INVISIBLE = "[\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff\u180e\u00ad]"
_INVISIBLE = re.compile(INVISIBLE)
#: The longest label a legend, an option list or a chart shows whole; the full text goes in a title.
LABEL_LIMIT = 48


def visible(text: str) -> str:
    """`text` without bidirectional controls and invisible characters.

    >>> visible("IS\\u202e 21 killed\\u202c")
    'IS 21 killed'
    >>> persian = "\\u0645\\u06cc\\u200c\\u0634\\u0648\\u062f"  # ZWNJ in its middle, kept
    >>> visible("I\\u200bS") == "IS", visible(persian) == persian
    (True, True)
    """
    return _INVISIBLE.sub("", text)


def visible_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `visible` applied to every text column that holds such a character (a
    vectorised check per column; clean columns are not copied)."""
    changed = {}
    for column in frame.columns:
        series = frame[column]
        if not (pd.api.types.is_string_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype)):
            continue
        text = series.astype("string") if isinstance(series.dtype, pd.CategoricalDtype) else series
        try:
            found = text.str.contains(INVISIBLE, regex=True, na=False)
        except (AttributeError, TypeError):  # an object column holding other things than text
            continue
        if found.any():
            cleaned = text.str.replace(INVISIBLE, "", regex=True)
            changed[column] = cleaned.astype(series.dtype) if not isinstance(series.dtype, pd.CategoricalDtype) \
                else cleaned.astype("category")  # fmt: skip
    return frame.assign(**changed) if changed else frame


def short(label: str, limit: int = LABEL_LIMIT) -> str:
    """`label` cut to `limit` characters with an ellipsis (the full text belongs in a title).

    >>> short("Explosions/Remote violence")
    'Explosions/Remote violence'
    >>> short("x" * 5000, 10)
    'xxxxxxxxx…'
    """
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
