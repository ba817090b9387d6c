from pathlib import Path

import pandas as pd
import pytest

from conflictmap.readers.importing import import_file
from conflictmap.readers.table import ReadError
from conflictmap.schema import EVENT_COLUMNS
from tests.conftest import ROOT

SHIPPED = ROOT / "data" / "ucdp_ged_iraq.csv"


@pytest.fixture(scope="module")
def result():
    return import_file(SHIPPED, format="ucdp").result


def test_reads_every_event_and_skips_the_hxl_row(result):
    assert result.read == 7473
    assert len(result.events) == 7473 and result.rejected.empty
    assert not result.events["event_id"].str.contains("#").any()
    assert result.events["event_id"].is_unique


def test_maps_into_the_canonical_schema(result):
    events = result.events
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert events.dtypes.astype(str).to_dict() == {c: str(pd.Series(dtype=d).dtype) for c, d in EVENT_COLUMNS.items()}
    assert events["event_type"].value_counts().to_dict() == {
        "State-based conflict": 5775,
        "One-sided violence": 1553,
        "Non-state conflict": 145,
    }
    first = events.set_index("event_id").loc["ucdp:114064"]
    assert first["place"] == "Al Fallūjah town"
    assert first["admin1"] == "Al Anbār province"
    assert first["geo_precision"] == "exact place"
    assert first["date_precision"] == "2-6 days"
    assert (first["fatalities"], first["fatalities_low"], first["fatalities_high"]) == (8, 8, 8)
    assert first["actor1"] == "Government of Iraq" and first["actor2"] == "IS"
    assert "Iraq violence kills 14" in first["source"]
    assert first["located_by"] == "source coordinates"
    assert events["latitude"].between(29, 38).all() and events["longitude"].between(38, 49).all()


def test_admin1_spacing_is_normalised(result):
    # HDX has "Al Başrah  province" with two spaces; the filter must not offer two Basras.
    assert "Al Başrah province" in set(result.events["admin1"])
    assert not result.events["admin1"].dropna().str.contains("  ").any()


def _write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "ged.csv"
    frame.to_csv(path, index=False)
    return path


def _sample(rows: int = 5) -> pd.DataFrame:
    raw = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    return raw.iloc[1 : rows + 1].reset_index(drop=True)  # without the HXL row


#: The column order of recent GED releases (e.g. 24.1, 25.1): 49 columns.
CURRENT_LAYOUT = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]


def test_reads_the_current_49_column_release_layout(tmp_path):
    assert len(CURRENT_LAYOUT) == 49
    sample = _sample()
    frame = pd.DataFrame({c: sample.get(c, "") for c in CURRENT_LAYOUT})
    frame["relid"], frame["code_status"] = "IRQ-2014-1-524-1", "Clear"
    frame["where_description"] = "near the market"
    result = import_file(_write(tmp_path, frame), format="ucdp").result
    assert len(result.events) == 5 and result.rejected.empty
    assert result.events["event_id"].tolist() == ["ucdp:" + i for i in sample["id"]]
    assert "Where: near the market" in result.events["notes"].iloc[0]


def test_bad_rows_are_rejected_with_line_column_and_value(tmp_path):
    frame = _sample(6)
    frame.loc[0, "date_start"] = "2019-02-30"
    frame.loc[1, "latitude"] = "133.4"
    frame.loc[2, "best"] = "-3"
    frame.loc[3, "longitude"] = "east"
    result = import_file(_write(tmp_path, frame), format="ucdp").result
    assert result.read == 6 == len(result.events) + len(result.rejected)
    reasons = dict(zip(result.rejected["line"], result.rejected["rejection_reasons"], strict=True))
    assert reasons[2] == "column 'date_start': value '2019-02-30': not a valid date"
    assert reasons[3] == "column 'latitude': value '133.4': out of range (-90 to 90)"
    assert reasons[4] == "column 'best': value '-3': negative"
    assert reasons[5] == "column 'longitude': value 'east': not a number"
    # rejected rows keep all their original columns
    assert set(frame.columns) <= set(result.rejected.columns)


def test_a_file_missing_columns_is_a_read_error(tmp_path):
    path = tmp_path / "ged.csv"
    path.write_text("id,year\n1,2014\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"ged.csv: missing column\(s\): type_of_violence"):
        import_file(path, format="ucdp")


def test_a_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="file not found"):
        import_file(tmp_path / "nope.csv", format="ucdp")


def test_precision_codes_follow_the_ucdp_codebook_whatever_our_levels():
    from conflictmap.readers.ucdp import DATE_PRECISIONS, WHERE_PRECISIONS

    # UCDP GED codebook 19.1: where_prec 1-7, date_prec 1-5; our schema may add levels of its own
    assert [str(level) for level in WHERE_PRECISIONS] == [
        "exact place",
        "within 25 km",
        "district (admin2)",
        "province (admin1)",
        "region of a country",
        "country",
        "international waters or airspace",
    ]
    assert [str(level) for level in DATE_PRECISIONS] == ["day", "2-6 days", "week", "month", "year or more"]
