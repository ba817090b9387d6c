"""UCDP Georeferenced Event Dataset (GED) CSV files.

Reads both the HDX export (45 columns, GED 19.1, with an HXL hashtag row under the header)
and the current release layout (49 columns: adds relid, code_status, where_description and
the *_dset_id columns). Codebook terms (Högbladh 2019, UCDP GED Codebook 19.1):

- type_of_violence: 1 state-based conflict, 2 non-state conflict, 3 one-sided violence
- where_prec: 1 exact place ... 7 international waters or airspace (our GEO_PRECISIONS, in order)
- date_prec: 1 exact day, 2 two to six days, 3 about a week, 4 about a month, 5 a year or more
- best / low / high: fatality estimates
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conflictmap.readers import ReadResult, blank_to_na, read_text_table, require_columns
from conflictmap.schema import DATE_PRECISIONS, GEO_PRECISIONS, conform
from conflictmap.validation import split_valid

DATASET = "UCDP GED"

VIOLENCE_TYPES = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}

REQUIRED = [
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "best",
]

#: canonical column -> UCDP column, for messages about rejected rows
SOURCE_COLUMNS = {
    "date_start": "date_start",
    "date_end": "date_end",
    "latitude": "latitude",
    "longitude": "longitude",
    "fatalities": "best",
    "fatalities_low": "low",
    "fatalities_high": "high",
    "place": "where_coordinates",
}


def is_hxl_row(row: pd.Series) -> bool:
    """HDX puts a row of HXL hashtags (`#date+year`, `#geo+lat`, ...) under the header."""
    cells = [cell.strip() for cell in row if cell.strip()]
    return bool(cells) and all(cell.startswith("#") for cell in cells)


def _code_label(codes: pd.Series, labels: tuple[str, ...]) -> pd.Series:
    numbers = pd.to_numeric(codes, errors="coerce")
    mapping = {float(i + 1): label for i, label in enumerate(labels)}
    return numbers.map(mapping).astype("string")


def _whole(series: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(series, errors="coerce")
    return numbers.where(numbers == numbers.round()).astype("Int64")


def _notes(raw: pd.DataFrame) -> pd.Series:
    def part(column: str, label: str) -> pd.Series:
        if column not in raw.columns:
            return pd.Series("", index=raw.index)
        return (label + raw[column].astype(str)).where(raw[column].str.strip() != "", "")

    deaths = (
        "Deaths: side A "
        + raw.get("deaths_a", "?")
        + ", side B "
        + raw.get("deaths_b", "?")
        + ", civilians "
        + raw.get("deaths_civilians", "?")
        + ", unknown "
        + raw.get("deaths_unknown", "?")
        + "."
    )
    text = (
        part("conflict_name", "Conflict: ")
        + ". "
        + part("dyad_name", "Dyad: ")
        + ". "
        + deaths
        + " "
        + part("where_description", "Where: ")
    )
    return text.str.replace(r"(^|\s)\.\s", " ", regex=True).str.strip()


def _source(raw: pd.DataFrame) -> pd.Series:
    article = raw["source_article"].str.strip().str.strip('"') if "source_article" in raw else None
    office = raw.get("source_office", pd.Series("", index=raw.index)).str.strip()
    headline = raw.get("source_headline", pd.Series("", index=raw.index)).str.strip()
    fallback = (office + ": " + headline).where(headline != "", office)
    if article is None:
        return blank_to_na(fallback)
    return blank_to_na(article.where(article != "", fallback))


def read_ucdp(path: Path | str) -> ReadResult:
    """Read a UCDP GED CSV file into canonical events, rejecting rows that fail the checks."""
    path = Path(path)
    raw = read_text_table(path)
    require_columns(path, raw, REQUIRED)
    lines = pd.Series(raw.index + 2, index=raw.index)  # header is line 1
    if len(raw) and is_hxl_row(raw.iloc[0]):
        raw, lines = raw.iloc[1:], lines.iloc[1:]

    events = pd.DataFrame(index=raw.index)
    events["event_id"] = "ucdp:" + raw["id"].str.strip()
    events["date_start"] = pd.to_datetime(raw["date_start"], errors="coerce", format="mixed")
    events["date_end"] = pd.to_datetime(raw["date_end"], errors="coerce", format="mixed")
    events["date_precision"] = _code_label(raw.get("date_prec", pd.Series(dtype=str)), DATE_PRECISIONS)
    events["event_type"] = raw["type_of_violence"].str.strip().map(VIOLENCE_TYPES)
    events["sub_event_type"] = blank_to_na(raw.get("conflict_name", pd.Series("", index=raw.index)))
    events["actor1"] = blank_to_na(raw["side_a"])
    events["actor2"] = blank_to_na(raw["side_b"])
    events["fatalities"] = _whole(raw["best"])
    events["fatalities_low"] = _whole(raw.get("low", pd.Series("", index=raw.index)))
    events["fatalities_high"] = _whole(raw.get("high", pd.Series("", index=raw.index)))
    events["place"] = blank_to_na(raw.get("where_coordinates", pd.Series("", index=raw.index)))
    events["admin1"] = blank_to_na(
        raw.get("adm_1", pd.Series("", index=raw.index)).str.replace(r"\s+", " ", regex=True)
    )
    events["admin2"] = blank_to_na(raw.get("adm_2", pd.Series("", index=raw.index)))
    events["country"] = blank_to_na(raw.get("country", pd.Series("", index=raw.index)))
    events["latitude"] = pd.to_numeric(raw["latitude"], errors="coerce")
    events["longitude"] = pd.to_numeric(raw["longitude"], errors="coerce")
    events["geo_precision"] = _code_label(raw["where_prec"], GEO_PRECISIONS)
    events["located_by"] = "source coordinates"
    events["source"] = _source(raw)
    events["notes"] = _notes(raw)
    events["dataset"] = DATASET
    events = conform(events)

    checked = split_valid(events, raw, SOURCE_COLUMNS, lines)
    return ReadResult(
        path=path,
        format="ucdp",
        events=checked.accepted.reset_index(drop=True),
        rejected=checked.rejected,
        read=checked.read,
    )
