"""The problems table: what is wrong with rejected rows kept as data (line, column, value, kind,
detail), worded only for the REASONS column, counted and queried without parsing text."""

import pandas as pd
import pytest

from conflictmap.readers.importing import fix_swapped, import_file, swappable
from conflictmap.readers.validation import (
    LINE,
    PROBLEM_COLUMNS,
    REASONS,
    problem_table,
    reason_counts,
    reasons_by_line,
)
from conflictmap.schema import RejectionKind


def iraq(country: str) -> tuple[float, float, float, float] | None:
    """A rough box for Iraq, so the swap check needs no gazetteer."""
    return (29.0, 38.5, 37.5, 48.8) if country == "Iraq" else None


TABLE = """id,date,place,country,latitude,longitude,fatalities
ok,2024-01-04,Baghdad,Iraq,33.3128,44.3615,1
bad-date,2024-13-40,Baghdad,Iraq,33.3,44.3,1
two,soon,Baghdad,Iraq,95,44.3,1
swapped,2024-01-04,Baghdad,Iraq,44.3615,33.3128,0
swapped-and-negative,2024-01-04,Baghdad,Iraq,44.3615,33.3128,-3
dup,2024-01-05,Mosul,Iraq,,,1
dup,2024-01-06,Mosul,Iraq,,,1
twice,2024-01-07,Kirkuk,Iraq,,,0
twice,2024-01-07,Kirkuk,Iraq,,,0
short,2024-01-08
"""


@pytest.fixture(scope="module")
def imported():
    return import_file(TABLE.encode(), "events.csv", country_bounds=iraq)


SWAP = "44.3615, 33.3128 is outside Iraq; 33.3128, 44.3615 is inside"


def _rows(problems: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in problems.itertuples(index=False)]


def test_one_row_per_problem_with_line_column_value_kind_and_detail(imported):
    problems = imported.result.problems
    assert tuple(problems.columns) == PROBLEM_COLUMNS
    assert _rows(problems) == [
        (3, "date", "2024-13-40", RejectionKind.BAD_DATE, ""),
        (4, "date", "soon", RejectionKind.BAD_DATE, ""),
        (4, "latitude", "95", RejectionKind.OUT_OF_RANGE, "-90 to 90"),
        (5, "latitude", "44.3615", RejectionKind.SWAPPED, SWAP),
        (6, "fatalities", "-3", RejectionKind.NEGATIVE, ""),
        (6, "latitude", "44.3615", RejectionKind.SWAPPED, SWAP),
        (7, "id", "dup", RejectionKind.ID_CONFLICT, "also on line 8"),
        (8, "id", "dup", RejectionKind.ID_CONFLICT, "also on line 7"),
        (10, "", "", RejectionKind.DUPLICATE, "of line 9"),
        (11, "", "", RejectionKind.WRONG_WIDTH, "2, the header has 7, at the end of the file: is it cut short?"),
    ]
    assert set(problems["kind"]) <= set(RejectionKind)
    assert all(type(kind) is str for kind in problems["kind"])  # plain strings, like the schema's columns


def test_every_rejected_row_has_its_problems_and_no_accepted_row_has_any(imported):
    result = imported.result
    assert set(result.problems[LINE]) == set(result.rejected[LINE])
    assert result.events["event_id"].tolist() == ["events:ok", "events:twice"]
    assert result.read == 10 == len(result.events) + len(result.rejected)


def test_the_reasons_column_is_the_problems_worded(imported):
    rejected = imported.rejected
    reasons = dict(zip(rejected[LINE], rejected[REASONS], strict=True))
    assert reasons[4] == (
        "column 'date': value 'soon': not a valid date; column 'latitude': value '95': out of range (-90 to 90)"
    )
    assert reasons[10] == "row: exact duplicate (of line 9)"
    assert reasons[11] == "row: wrong number of fields (2, the header has 7, at the end of the file: is it cut short?)"
    assert reasons == reasons_by_line(imported.result.problems).to_dict()


def test_a_malformed_row_is_a_problem_with_the_whole_row():
    imported = import_file(b"date,place,latitude,longitude\n2024-01-04,Baghdad\n2024-01-05,Basra,30.5,47.8\n", "x.csv")
    assert _rows(imported.result.problems) == [(2, "", "", RejectionKind.WRONG_WIDTH, "2, the header has 4")]
    assert imported.rejected[REASONS].tolist() == ["row: wrong number of fields (2, the header has 4)"]


def test_swappable_only_when_the_swap_is_the_rows_only_problem(imported):
    chosen = swappable(imported.result)
    assert chosen.index.equals(imported.rejected.index)
    assert imported.rejected.loc[chosen, LINE].tolist() == [5]  # line 6 is also negative


def test_fixing_the_swap_takes_its_problems_away(imported):
    fixed = fix_swapped(imported)
    assert 5 not in set(fixed.result.problems[LINE]) and 5 not in set(fixed.rejected[LINE])
    assert set(fixed.result.problems[LINE]) == set(fixed.rejected[LINE])
    assert "column 'latitude': latitude and longitude look swapped" in fixed.report["reasons"]  # line 6 stays
    assert fixed.report["reasons"] == reason_counts(fixed.result.problems)


def test_reason_counts_are_the_problems_counted_by_column_and_kind(imported):
    problems = imported.result.problems
    counts = reason_counts(problems)
    assert counts == {
        "column 'date': not a valid date": 2,
        "column 'id': same event id with different content": 2,
        "column 'latitude': latitude and longitude look swapped": 2,
        "column 'fatalities': negative": 1,
        "column 'latitude': out of range": 1,
        "row: exact duplicate": 1,
        "row: wrong number of fields": 1,
    }
    by_kind = problems["kind"].value_counts().to_dict()
    for kind in RejectionKind:
        assert sum(n for key, n in counts.items() if key.endswith(f": {kind}")) == by_kind.get(kind, 0)
    assert imported.report["reasons"] == counts


def test_a_clean_file_has_no_problems():
    imported = import_file(b"date,place\n2024-01-04,Baghdad\n", "x.csv")
    assert imported.result.problems.empty and tuple(imported.result.problems.columns) == PROBLEM_COLUMNS
    assert reason_counts(imported.result.problems) == {} and not swappable(imported.result).any()


def test_the_words_come_from_the_table_alone():
    problems = problem_table(
        [
            (7, "Deaths", "=1+1", RejectionKind.NOT_WHOLE, ""),
            (2, "lat", "north", RejectionKind.NOT_A_NUMBER, ""),
            (7, "", "", RejectionKind.DUPLICATE, "of line 3"),
        ]
    )
    assert reasons_by_line(problems).to_dict() == {
        7: "column 'Deaths': value '=1+1': not a whole number; row: exact duplicate (of line 3)",
        2: "column 'lat': value 'north': not a number",
    }
    assert reason_counts(problems) == {
        "column 'Deaths': not a whole number": 1,
        "column 'lat': not a number": 1,
        "row: exact duplicate": 1,
    }
