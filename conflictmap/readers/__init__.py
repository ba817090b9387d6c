"""Readers: each turns one source format into canonical events (see `conflictmap.schema`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd


class ReadError(ValueError):
    """A file that cannot be read at all. The message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


@dataclass(frozen=True)
class ReadResult:
    """Rows read from one file: `read == len(events) + len(rejected)`."""

    path: Path
    format: str
    events: pd.DataFrame
    rejected: pd.DataFrame
    read: int


def read_text_table(path: Path, **options) -> pd.DataFrame:
    """Read a delimited text file as strings, raising `ReadError` with the reason on failure."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, **options)
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    except UnicodeDecodeError as error:
        raise ReadError(path, f"not valid {error.encoding} text at byte {error.start}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise ReadError(path, f"not a readable CSV file ({error})") from None


def require_columns(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ReadError(path, "missing column(s): " + ", ".join(missing))


def blank_to_na(series: pd.Series) -> pd.Series:
    """Strings with blanks as <NA>: `' '` -> <NA>, `'x '` -> `'x'`."""
    text = series.astype("string").str.strip()
    return text.mask(text == "")
