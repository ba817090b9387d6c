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
import pyarrow as pa
import pyarrow.compute as pc

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


#: Columns the app fills from its own vocabulary (never from a file's text): not searched.
VOCABULARY = frozenset({"date_precision", "geo_precision", "located_by"})


def _holds_invisible(series: pd.Series) -> bool:
    """Whether any text of `series` holds an INVISIBLE character (Arrow's regex kernel: about 50 ms
    a column at a million rows; a categorical's categories only)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = pd.Series(series.cat.categories)
        if not pd.api.types.is_string_dtype(series.dtype):
            return False
    try:
        text = pa.array(series.array, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # an object column holding other things than text
        return False
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return False
    return bool(pc.any(pc.match_substring_regex(text, INVISIBLE)).as_py())


def visible_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `visible` applied to every text column that holds such a character (checked
    per column in Arrow; clean columns are not copied, a clean frame is returned as it is).
    0.6–0.7 s for a million synthetic events with none (1.5–2.2 s with pandas' own regex), on a loaded
    2-core machine."""
    changed: dict[str, pd.Series] = {}
    for column in frame.columns:
        series = frame[column]
        is_text = pd.api.types.is_string_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype)
        if column in VOCABULARY or not is_text or not _holds_invisible(series):
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            changed[column] = series.astype("string").str.replace(INVISIBLE, "", regex=True).astype("category")
        else:
            changed[column] = series.str.replace(INVISIBLE, "", regex=True).astype(series.dtype)
    return frame.assign(**changed) if changed else frame


def short(label: str, limit: int = LABEL_LIMIT) -> str:
    """`label` cut to `limit` characters with an ellipsis (the full text belongs in a title).

    >>> short("Explosions/Remote violence")
    'Explosions/Remote violence'
    >>> short("x" * 5000, 10)
    'xxxxxxxxx…'
    """
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def short_labels(names: list[str], limit: int = LABEL_LIMIT) -> dict[str, str]:
    """Each name's `short` label, made unique: two long names alike in their first `limit`
    characters are told apart by a number, as an option list or a legend must.

    >>> list(short_labels(["A", "x" * 60 + "1", "x" * 60 + "2"], 10).values())
    ['A', 'xxxxxxxxx…', 'xxxx… (3)']
    """
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for number, name in enumerate(names, start=1):
        label = short(visible(name), limit)
        if label in taken:
            label = short(visible(name), limit - 5) + f" ({number})"
        labels[name] = label
        taken.add(label)
    return labels
