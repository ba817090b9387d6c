"""Row checks shared by every reader: each row read is either accepted or rejected with reasons.

Readers parse leniently (a bad value becomes <NA>), then `split_valid` compares the parsed
events with the raw text to say what is wrong and where. The checks are vectorised, and what
they find is kept as data: a problems table (`PROBLEM_COLUMNS`), one row per problem, with the
row's line, the file's column (empty for a problem with the whole row), the value, its
`RejectionKind` and a detail. `reason_counts` tallies it; only `reasons_by_line` words it, as the
REASONS text of rejected rows: "column 'x': value 'y': <kind>[ (detail)]", or
"row: <kind> (detail)" for a problem with the whole row, joined by "; ".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictmap.geocode.normalise import name_key
from conflictmap.schema import RejectionKind, conform

if TYPE_CHECKING:
    from pandas.api.extensions import ExtensionArray

    from conflictmap.geocode.lookups import Gazetteer

#: Column added to rejected rows: one line per problem, "column 'x': value 'y': reason".
REASONS = "rejection_reasons"
#: Column added to rejected rows: the row's line number in the file (header = line 1).
LINE = "line"

#: The columns of a problems table: the row's line, the file's column ("" for the whole row),
#: the value as the file has it (at most 80 characters), the `RejectionKind` and a detail.
COLUMN, VALUE, KIND, DETAIL = "column", "value", "kind", "detail"
PROBLEM_COLUMNS = (LINE, COLUMN, VALUE, KIND, DETAIL)

#: A country's approximate box, (south, west, north, east) in degrees, or None when unknown.
Box = tuple[float, float, float, float]
#: Looks up the box of a country as a file names it ("Iraq", "IQ", "IRQ").
CountryBounds = Callable[[str], Box | None]


def problem_table(records: Iterable[Sequence] = ()) -> pd.DataFrame:
    """A problems table from (line, column, value, kind, detail) records.

    >>> problem_table([(3, "date", "soon", RejectionKind.BAD_DATE, "")]).to_dict("records")
    [{'line': 3, 'column': 'date', 'value': 'soon', 'kind': 'not a valid date', 'detail': ''}]
    """
    return _typed(pd.DataFrame(list(records), columns=list(PROBLEM_COLUMNS)))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the problems table's columns and dtypes, numbered from 0."""
    frame = frame.reset_index(drop=True)
    typed: dict[str, pd.Series] = {LINE: frame[LINE].astype("Int64")}
    typed.update({name: frame[name].astype("str") for name in (COLUMN, VALUE, KIND, DETAIL)})
    return pd.DataFrame(typed)


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a file's rows. `read == len(accepted) + len(rejected)`."""

    accepted: pd.DataFrame  # canonical events
    rejected: pd.DataFrame  # the raw rows, all original columns, plus LINE and REASONS
    read: int
    #: the rejected rows as parsed events, index-aligned with `rejected` (<NA> rows for rows
    #: that could not be split into columns)
    rejected_events: pd.DataFrame | None = None
    #: what is wrong with the rejected rows, one row per problem, in line order
    problems: pd.DataFrame = field(default_factory=problem_table)


def split_valid(
    events: pd.DataFrame,
    raw: pd.DataFrame,
    source_columns: dict[str, str],
    lines: pd.Series,
    *,
    malformed: pd.DataFrame | None = None,
    malformed_problems: pd.DataFrame | None = None,
    full_rows: Callable[[pd.Index], pd.DataFrame] | None = None,
    country_bounds: CountryBounds | None = None,
) -> Checked:
    """Check parsed `events` against the `raw` text they came from (same index).

    `source_columns` maps a canonical column to the raw column it was read from, so a
    problem names the column the analyst knows. `lines` gives each row's line number.
    `raw` may hold only the columns that were parsed: then `full_rows(index)` returns every
    original column of the rejected rows. `malformed` rows (with LINE; their problems in
    `malformed_problems`) were set aside by the reader because they could not be split into
    columns; they count as read and rejected. With `country_bounds`, points outside their stated
    country that fall inside it once latitude and longitude are swapped are rejected (see
    `swap_coordinates`).
    """
    found: list[pd.DataFrame] = []  # problems, indexed by the row of `events` they are in

    def flag(mask: pd.Series, column: str | None, kind: RejectionKind, detail: str | pd.Series = "") -> None:
        """A `kind` problem in `column` (None: with the whole row) of the rows where `mask` holds;
        `detail` is one text for all, or a text per row (indexed like `events`)."""
        chosen = mask.index[mask.fillna(False).to_numpy(dtype=bool)]
        if not len(chosen):
            return
        source = "" if column is None else source_columns.get(column, column)
        values: object = ""
        if column is not None and source in raw.columns:
            values = raw.loc[chosen, source].astype("str").fillna("").str.slice(0, 80).to_numpy()
        found.append(
            pd.DataFrame(
                {
                    LINE: lines.loc[chosen].to_numpy(),
                    COLUMN: source,
                    VALUE: values,
                    KIND: str(kind),
                    DETAIL: detail if isinstance(detail, str) else detail.loc[chosen].to_numpy(),
                },
                index=chosen,
            )
        )

    def unparsed(column: str) -> pd.Series:
        """Rows whose raw cell holds text that did not parse (blank cells are not errors).
        Only the rows that did not parse are looked at: on clean files, none."""
        missing = events[column].isna().to_numpy()
        source = source_columns.get(column)
        found = np.zeros(len(events), dtype=bool)
        if missing.any() and source is not None and source in raw.columns:
            found[missing] = _has_text(raw[source].iloc[np.flatnonzero(missing)]).to_numpy()
        return pd.Series(found, index=events.index)

    flag(events["date_start"].isna(), "date_start", RejectionKind.BAD_DATE)
    flag(unparsed("date_end"), "date_end", RejectionKind.BAD_DATE)
    flag(events["date_end"] < events["date_start"], "date_end", RejectionKind.ENDS_BEFORE_START)
    bad_coordinate = {}
    for column, limit in (("latitude", 90), ("longitude", 180)):
        bad_coordinate[column] = unparsed(column)
        flag(bad_coordinate[column], column, RejectionKind.NOT_A_NUMBER)
        flag(events[column].abs() > limit, column, RejectionKind.OUT_OF_RANGE, f"-{limit} to {limit}")
    has_coordinates = events["latitude"].notna() & events["longitude"].notna()
    not_numbers = bad_coordinate["latitude"] | bad_coordinate["longitude"]
    only_one = (events["latitude"].notna() ^ events["longitude"].notna()) & ~not_numbers
    flag(only_one, "latitude", RejectionKind.ONE_COORDINATE)
    flag(events["latitude"].eq(0) & events["longitude"].eq(0), "latitude", RejectionKind.PLACEHOLDER_POINT)
    unplaced = ~has_coordinates & ~only_one & ~not_numbers
    if unplaced.any():
        rows = events.loc[unplaced]
        has_place = _has_text(rows["place"]) | _has_text(rows["place_identified_as"])
        flag(has_place.reindex(events.index, fill_value=True).eq(False), "place", RejectionKind.NOWHERE)
    for column in ("fatalities", "fatalities_low", "fatalities_high"):
        flag(unparsed(column), column, RejectionKind.NOT_WHOLE)
        flag(events[column] < 0, column, RejectionKind.NEGATIVE)
    if country_bounds is not None:
        swapped = looks_swapped(events, country_bounds)
        rows = events.loc[swapped]
        where = zip(rows["latitude"], rows["longitude"], rows["country"], strict=True)
        detail = [f"{lat:g}, {lon:g} is outside {country}; {lon:g}, {lat:g} is inside" for lat, lon, country in where]
        flag(swapped, "latitude", RejectionKind.SWAPPED, pd.Series(detail, index=rows.index, dtype="str"))

    full = full_rows or (lambda index: raw.loc[index])
    duplicates = _duplicates(events, raw, source_columns, lines, full)
    for kind, blamed in ((RejectionKind.ID_CONFLICT, "event_id"), (RejectionKind.DUPLICATE, None)):
        chosen = duplicates[duplicates[KIND] == kind]
        flag(pd.Series(True, index=chosen.index), blamed, kind, chosen[DETAIL])

    problems = pd.concat(found) if found else problem_table()
    bad = events.index.isin(problems.index)
    bad_index = events.index[bad]
    rejected = full(bad_index).copy()
    rejected.insert(0, LINE, lines.loc[bad_index].astype("Int64"))
    rejected_events = keep_rows(events, bad)
    read = len(events)
    if malformed is not None and len(malformed):
        read += len(malformed)
        rejected = pd.concat([rejected, malformed], ignore_index=True)
        blank = conform(pd.DataFrame(index=pd.RangeIndex(len(malformed))))
        rejected_events = pd.concat([rejected_events.reset_index(drop=True), blank], ignore_index=True)
        order = np.argsort(rejected[LINE].to_numpy(dtype="int64"), kind="stable")
        rejected, rejected_events = rejected.iloc[order], rejected_events.iloc[order]
        if malformed_problems is not None:
            problems = pd.concat([problems, malformed_problems])
    problems = _typed(problems)
    problems = problems.iloc[np.argsort(problems[LINE].to_numpy(dtype="int64"), kind="stable")]
    problems = problems.reset_index(drop=True)
    rejected[REASONS] = reasons_by_line(problems).reindex(rejected[LINE].to_numpy()).tolist()
    return Checked(
        accepted=keep_rows(events, ~bad),
        rejected=rejected.reset_index(drop=True),
        read=read,
        rejected_events=rejected_events.reset_index(drop=True),
        problems=problems,
    )


def _has_text(series: pd.Series) -> pd.Series:
    """True where a text cell holds anything but blanks (checked by Arrow, without copying)."""
    array = pa.array(series.astype("string"), from_pandas=True)
    found = pc.fill_null(pc.match_substring_regex(array, r"\S"), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index)


def keep_rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """`frame.loc[mask]`, column by column: Arrow columns are filtered by Arrow, which is several
    times faster than pandas' take on a million rows. No copy when every row is kept."""
    mask = np.asarray(mask, dtype=bool)
    if mask.all():
        return frame
    keep = pa.array(mask)
    columns: dict[Hashable, ExtensionArray] = {}
    for name in frame.columns:
        values = frame[name].array
        chunked = getattr(values, "_pa_array", None)  # pandas' Arrow-backed arrays
        if chunked is not None:
            columns[name] = pd.array(pc.filter(chunked, keep), dtype=frame[name].dtype)
        else:
            columns[name] = values[mask]
    kept = pd.DataFrame(columns, index=frame.index[mask], copy=False)
    return kept


def _row_keys(rows: pd.DataFrame) -> pd.Series:
    """A hash of each row's full text: equal rows, equal keys."""
    return pd.util.hash_pandas_object(rows.astype("str").fillna(""), index=False)


def _line_list(numbers: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    more = f" and {len(numbers) - limit} more" if len(numbers) > limit else ""
    return ("line " if len(numbers) == 1 else "lines ") + shown + more


def _duplicates(
    events: pd.DataFrame,
    raw: pd.DataFrame,
    source_columns: dict[str, str],
    lines: pd.Series,
    full_rows: Callable[[pd.Index], pd.DataFrame],
) -> pd.DataFrame:
    """Repeated rows, with KIND and DETAIL, indexed like `events`: an id on rows with different
    content rejects them all; an exact repeat of an earlier row is rejected, the first kept."""
    found: dict[object, tuple[RejectionKind, str]] = {}
    id_source = source_columns.get("event_id")
    if id_source is not None and id_source in raw.columns:
        ids = events["event_id"]
        repeated = ids.notna() & ids.duplicated(keep=False)
        if not repeated.any():
            return pd.DataFrame(columns=[KIND, DETAIL])
        candidates = events.index[repeated]
        keys = _row_keys(full_rows(candidates))
        group = ids.loc[candidates]
    else:
        candidates = events.index
        keys = _row_keys(full_rows(candidates) if len(raw.columns) else raw)
        group = keys
    keys.index = candidates
    frame = pd.DataFrame({"group": group.to_numpy(), "key": keys.to_numpy(), "line": lines.loc[candidates].to_numpy()})
    frame.index = candidates
    variants = frame.groupby("group", sort=False)["key"].transform("nunique")
    differing = frame[variants > 1]
    if len(differing):
        by_group = differing.groupby("group", sort=False)["line"].agg(list)
        for index, row in differing.iterrows():
            others = [n for n in by_group[row["group"]] if n != row["line"]]
            found[index] = (RejectionKind.ID_CONFLICT, f"also on {_line_list(others)}")
    same = frame[variants == 1]
    repeats = same.duplicated(["group", "key"], keep="first")
    if repeats.any():
        first_line = same.groupby(["group", "key"], sort=False)["line"].transform("first")
        for index in same.index[repeats.to_numpy()]:
            found[index] = (RejectionKind.DUPLICATE, f"of line {first_line.at[index]}")
    return pd.DataFrame(list(found.values()), index=list(found), columns=[KIND, DETAIL])


# ---------------------------------------------------------------------------------------------
# Swapped coordinates


def looks_swapped(events: pd.DataFrame, country_bounds: CountryBounds) -> pd.Series:
    """True where a point lies outside its stated country's box but inside it once latitude
    and longitude are swapped. Rows whose country has no known box are never flagged."""
    country = events["country"].astype("string")
    codes, names = pd.factorize(country, use_na_sentinel=True)
    boxes = np.full((len(names) + 1, 4), np.nan)
    for number, name in enumerate(names):
        box = country_bounds(str(name))
        if box is not None:
            boxes[number] = box
    rows = boxes[np.where(codes < 0, len(names), codes)]
    south, west, north, east = rows.T
    lat = events["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = events["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        inside = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        inside_swapped = (lon >= south) & (lon <= north) & (lat >= west) & (lat <= east)
    return pd.Series(~inside & inside_swapped, index=events.index)


def swap_coordinates(events: pd.DataFrame, rows: pd.Series | pd.Index | Sequence[Hashable]) -> pd.DataFrame:
    """A copy of `events` with latitude and longitude swapped in `rows` (a boolean mask or
    index labels), for the analyst who accepts the fix offered for swapped coordinates.

    >>> events = pd.DataFrame({"latitude": [44.4, 33.3], "longitude": [33.3, 44.4]})
    >>> swap_coordinates(events, [0]).values.tolist()
    [[33.3, 44.4], [33.3, 44.4]]
    """
    fixed = events.copy()
    labels = rows.index[rows.to_numpy()] if isinstance(rows, pd.Series) and rows.dtype == bool else pd.Index(rows)
    latitude = fixed.loc[labels, "latitude"].copy()
    fixed.loc[labels, "latitude"] = fixed.loc[labels, "longitude"]
    fixed.loc[labels, "longitude"] = latitude
    return fixed


def bounds_from_gazetteer(gazetteer: Gazetteer, margin: float = 1.0, minimum_places: int = 3) -> CountryBounds:
    """Approximate country boxes from the gazetteer's populated places, widened by `margin`
    degrees (towns rarely sit on the border). Countries with fewer than `minimum_places`
    places, or names the gazetteer does not know, have no box. Boxes are computed on first use.
    """
    codes: dict[str, str] = {}
    for country in gazetteer.countries.values():
        for text in (country.name, country.iso3, country.iso2):
            codes.setdefault(name_key(text), country.iso2)
    boxes: dict[str, Box | None] = {}

    def bounds(country: str) -> Box | None:
        code = codes.get(name_key(country))
        if code is None:
            return None
        if code not in boxes:
            places = gazetteer.places_in(code)
            if len(places) < minimum_places:
                boxes[code] = None
            else:
                lats = [place.latitude for place in places]
                lons = [place.longitude for place in places]
                boxes[code] = (min(lats) - margin, min(lons) - margin, max(lats) + margin, max(lons) + margin)
        return boxes[code]

    return bounds


# ---------------------------------------------------------------------------------------------
# Reports


def reasons_by_line(problems: pd.DataFrame) -> pd.Series:
    """Each line's problems worded as its REASONS text, in the order found, indexed by line.

    >>> texts = reasons_by_line(problem_table([
    ...     (3, "date", "soon", RejectionKind.BAD_DATE, ""),
    ...     (3, "lat", "133", RejectionKind.OUT_OF_RANGE, "-90 to 90"),
    ...     (5, "", "", RejectionKind.DUPLICATE, "of line 4")]))
    >>> for line, text in texts.items():
    ...     print(line, text)
    3 column 'date': value 'soon': not a valid date; column 'lat': value '133': out of range (-90 to 90)
    5 row: exact duplicate (of line 4)
    """
    column, detail = problems[COLUMN], problems[DETAIL]
    where = ("column '" + column + "': value '" + problems[VALUE] + "': ").where(column != "", "row: ")
    texts = where + problems[KIND] + (" (" + detail + ")").where(detail != "", "")
    joined: dict[int, str] = {}  # a loop, not groupby: pandas' is ten times slower on many lines
    for line, text in zip(problems[LINE].tolist(), texts.tolist(), strict=True):
        joined[line] = f"{joined[line]}; {text}" if line in joined else text
    return pd.Series(list(joined.values()), index=pd.Index(list(joined), dtype="int64", name=LINE), dtype="str")


def reason_counts(problems: pd.DataFrame) -> dict[str, int]:
    """How many rows were rejected for each kind of problem, by column ("row" for problems
    with the whole row), most frequent first.

    >>> reason_counts(problem_table([
    ...     (2, "date", "2024-13-01", RejectionKind.BAD_DATE, ""),
    ...     (3, "date", "soon", RejectionKind.BAD_DATE, ""),
    ...     (3, "lat", "133", RejectionKind.OUT_OF_RANGE, "-90 to 90"),
    ...     (4, "", "", RejectionKind.DUPLICATE, "of line 2")]))
    {"column 'date': not a valid date": 2, "column 'lat': out of range": 1, 'row: exact duplicate': 1}
    """
    column = problems[COLUMN]
    keys = ("column '" + column + "'").where(column != "", "row") + ": " + problems[KIND]
    counts = {str(key): int(count) for key, count in keys.value_counts().items()}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
