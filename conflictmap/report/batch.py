"""The `extract` command's body: a report file (or a CSV of reports, one a row) to candidate events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from conflictmap.report.candidates import Extraction
from conflictmap.report.dates import publication_date
from conflictmap.report.extract import extract_events
from conflictmap.report.places import Geocoder, main_country
from conflictmap.report.table import candidates_frame, output_frame, source_of
from conflictmap.report.text import ReportError, file_text
from conflictmap.report.vocabulary import COUNTRY_LABELS, COUNTRY_NAMES


def country_code(value: str | None) -> str | None:
    """ "IQ", "iq", "Iraq", "IRQ" -> "IQ"; None or "" -> None; anything else is refused.

    >>> country_code("Iraq"), country_code("sy")
    ('IQ', 'SY')
    """
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if text.upper() in COUNTRY_LABELS:
        return text.upper()
    if text.casefold() in COUNTRY_NAMES:
        return COUNTRY_NAMES[text.casefold()]
    iso3 = {"IRQ": "IQ", "SYR": "SY", "IRN": "IR", "TUR": "TR", "JOR": "JO", "KWT": "KW", "SAU": "SA", "LBN": "LB"}
    if text.upper() in iso3:
        return iso3[text.upper()]
    raise ReportError(f"country {text!r}: give an ISO code (IQ) or a name (Iraq)")


def read_report(
    text: str, geocoder: Geocoder, published: dt.date | None, country: str | None, known_actors: Sequence[str]
) -> tuple[Extraction, str]:
    """One report: its publication date and country guessed where not given; (extraction, notes)."""
    notes = []
    if published is None:
        published, why = publication_date(text)
        notes.append(f"publication date: {why}")
    if country is None:
        country, why = main_country(text)
        notes.append(f"country: {why}")
    return extract_events(text, published, country, geocoder, known_actors), "; ".join(notes)


def extract_file(
    path: Path,
    geocoder: Geocoder,
    published: dt.date | None = None,
    country: str | None = None,
    known_actors: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The candidates of a report file, or of each row of a CSV with a `text` column (and optional
    `published`, `country` columns, which win over the options); then the first column, `row`, is
    the row each came from (1-based, the header not counted). Returns (rows, summary)."""
    if path.suffix.lower() != ".csv":
        text = file_text(path.read_bytes(), path.name)
        extraction, notes = read_report(text, geocoder, published, country, known_actors)
        if progress is not None:
            progress(1, 1)
        table = output_frame(candidates_frame(extraction.candidates), source_of(path.stem, extraction.published))
        return table, _summary(table, 1, [notes])
    try:
        reports = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise ReportError(f"{path.name}: not a readable CSV ({error})") from None
    if "text" not in reports.columns:
        raise ReportError(f"{path.name}: a CSV of reports needs a 'text' column (it has: {', '.join(reports.columns)})")
    frames: list[pd.DataFrame] = []
    problems: list[str] = []
    for number, values in enumerate(reports.to_dict("records"), start=1):
        try:
            day = dt.date.fromisoformat(values["published"]) if values.get("published") else published
        except ValueError:
            raise ReportError(
                f"{path.name}: row {number}, column 'published': {values['published']!r} is not YYYY-MM-DD"
            ) from None
        where = country_code(values.get("country")) or country
        text = str(values["text"])
        if text.strip():
            try:
                extraction, _ = read_report(text, geocoder, day, where, known_actors)
            except ReportError as error:
                problems.append(f"row {number}: {error}")
            else:
                table = output_frame(
                    candidates_frame(extraction.candidates),
                    source_of(f"{path.stem} row {number}", extraction.published),
                )
                table.insert(0, "row", number)
                frames.append(table)
        if progress is not None:
            progress(number, len(reports))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["row"])
    return table, _summary(table, len(reports), problems)


def _summary(table: pd.DataFrame, reports: int, notes: list[str]) -> dict:
    events = int(table["is_event"].sum()) if "is_event" in table.columns else 0
    return {
        "reports": reports,
        "candidates": len(table),
        "events": events,
        "not_events": len(table) - events,
        "notes": notes,
    }
