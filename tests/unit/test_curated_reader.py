import pandas as pd

from conflictmap.readers.importing import import_file
from tests.conftest import ROOT

HEADER = "event_id,date_start,date_end,event_type,fatalities,place,country,notes,source\n"


def test_the_article_events(tmp_path):
    result = import_file(ROOT / "data" / "report_events.csv", format="curated", dataset="News report").result
    assert result.read == 9 and len(result.events) == 9 and result.rejected.empty
    events = result.events.set_index("event_id")
    strike = events.loc["report:2024-01-04-baghdad"]
    assert str(strike["date_start"].date()) == "2024-01-04" and strike["fatalities"] == 1
    assert strike["actor2"] == "Harakat al-Nujaba" and strike["place"] == "Baghdad"
    assert events.loc["report:2024-01-20-western-iraq", "place"] == "a US airbase in western Iraq"
    # "scores dead": no number stated, so no number recorded
    assert pd.isna(events.loc["report:2024-01-03-kerman", "fatalities"])
    assert (result.events["dataset"] == "News report").all()


def test_every_row_is_accepted_or_rejected_with_reasons(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        HEADER
        + "ok,2024-01-04,,Air strike,1,Baghdad,Iraq,fine,src\n"
        + "bad-date,2024-13-40,,Air strike,1,Baghdad,Iraq,,src\n"
        + "bad-deaths,2024-01-04,,Air strike,many,Baghdad,Iraq,,src\n"
        + "no-place,2024-01-04,,Air strike,0,,Iraq,,src\n"
        + "backwards,2024-01-04,2024-01-01,Air strike,0,Baghdad,Iraq,,src\n",
        encoding="utf-8",
    )
    result = import_file(path, format="curated", dataset="x").result
    assert result.read == 5 and len(result.events) == 1 and len(result.rejected) == 4
    reasons = dict(zip(result.rejected["event_id"], result.rejected["rejection_reasons"], strict=True))
    assert reasons["bad-date"] == "column 'date_start': value '2024-13-40': not a valid date"
    assert reasons["bad-deaths"] == "column 'fatalities': value 'many': not a whole number"
    assert reasons["no-place"] == "column 'place': value '': neither coordinates nor a place name"
    assert reasons["backwards"] == "column 'date_end': value '2024-01-01': ends before it starts"
    assert result.rejected["line"].tolist() == [3, 4, 5, 6]
