import json
import subprocess
import sys
from pathlib import Path

import pytest

from conflictmap.cli import main
from tests.conftest import FIXTURES, ROOT


def test_summary_reports_every_shipped_event():
    result = subprocess.run(
        [sys.executable, "-m", "conflictmap", "summary"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    summary = json.loads(result.stdout)
    assert summary["events"] == 7473 + 9
    assert summary["datasets"] == {"UCDP GED": 7473, "News report": 9}
    assert summary["unresolved"] == []
    assert summary["date_min"] == "1989-01-01" and summary["date_max"] == "2024-01-23"
    assert summary["places"] >= 470
    assert summary["located_by"]["supplement"] == 3


def test_unknown_command_is_a_usage_error_not_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "conflictmap", "nope"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and "invalid choice" in result.stderr


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "conflictmap", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_import_writes_accepted_and_rejected_rows_and_reports(tmp_path):
    out = tmp_path / "gdelt.csv"
    result = _cli("import", str(FIXTURES / "gdelt_20191024143000_lines1-200.export.CSV"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == "gdelt" and report["read"] == report["accepted"] + report["rejected"] == 200
    assert (report["accepted"], report["rejected"]) == (194, 6)
    assert sum(report["reasons"].values()) == report["rejected"]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == report["accepted"] + 1 and lines[0].startswith("event_id,")
    rejected = (tmp_path / "gdelt.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert len(rejected) == report["rejected"] + 1


def test_import_of_an_unreadable_file_is_one_line_and_exit_1(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    result = _cli("import", str(broken), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("conflictmap: broken.xlsx") and len(result.stderr.strip().splitlines()) == 1
    missing = _cli("import", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "out.csv"))
    assert missing.returncode == 1 and "file not found" in missing.stderr


def test_export_makes_a_standalone_map_and_data_files(tmp_path):
    import re

    html = tmp_path / "map.html"
    result = _cli("export", "--start", "2024-01-01", "--end", "2024-01-31", "--format", "html", "-o", str(html))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["events"] == 4
    page = html.read_text(encoding="utf-8")
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="', page)  # everything inlined
    geojson = tmp_path / "events.geojson"
    assert _cli("export", "--format", "geojson", "-o", str(geojson), "--start", "2024-01-01").returncode == 0
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 4
    bad = _cli("export", "--start", "2024-02-30", "-o", str(tmp_path / "x.csv"))
    assert bad.returncode == 2 and "is not a date" in bad.stderr


def test_geocode_keeps_every_row_and_column_and_adds_provenance(tmp_path):
    import pandas as pd

    names = tmp_path / "places.csv"
    names.write_text(
        "id,place,country,note\n1,Ramadi,,a\n2,An Nasiriyah,Iraq,b\n3,Qqqzzzx,,c\n4,Kerman,Iran,d\n5,Ramadi,,e\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = _cli("geocode", str(names), "-o", str(out), "--country", "IQ")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["resolved"] == 4
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns) == [
        "id",
        "place",
        "country",
        "note",
        "latitude",
        "longitude",
        "precision",
        "matched_name",
        "admin1",
        "admin2",
        "pcode",
        "evidence",
        "match_source",
        "candidates",
    ]
    assert table["id"].tolist() == ["1", "2", "3", "4", "5"]
    assert table.loc[2, "latitude"] == "" and table.loc[2, "match_source"] == "unresolved"
    assert table.loc[3, "matched_name"] == "Kerman"  # the row's own country wins over --country
    # Ramadi is learned from the shipped UCDP events' own coordinates, unless told not to learn
    assert table.loc[0, "precision"] == "exact place" and table.loc[0, "match_source"] == "learned"
    assert _cli("geocode", str(names), "-o", str(out), "--country", "IQ", "--no-learn").returncode == 0
    plain = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert plain.loc[0, "match_source"] == "gazetteer" and plain.loc[0, "matched_name"] == "Ramadi"
    assert "Anb" in plain.loc[0, "admin1"] and plain.loc[0, "pcode"].startswith("IQG01"), plain.loc[0].to_dict()
    assert plain.loc[0, "evidence"], "every answer says why"


def test_geocode_without_a_place_column_is_one_line_and_exit_1(tmp_path):
    names = tmp_path / "places.csv"
    names.write_text("town\nRamadi\n", encoding="utf-8")
    result = _cli("geocode", str(names), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "conflictmap: places.csv: no 'place' column (columns: town)"


def test_export_html_without_the_maps_files_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    from conflictmap import cli
    from conflictmap.maps import standalone

    monkeypatch.setattr(standalone, "missing_files", lambda static_dir=None: ["vendor/leaflet/leaflet.js"])
    html = tmp_path / "map.html"
    code = cli.main(["export", "--start", "2024-01-01", "--format", "html", "-o", str(html)])
    captured = capsys.readouterr()
    assert code == 1 and not html.exists() and captured.out == ""
    assert "Traceback" not in captured.err and len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith("conflictmap: the map's files are missing from ")
    assert captured.err.rstrip().endswith(": vendor/leaflet/leaflet.js")


def test_bench_runs_a_benchmark_with_its_own_options(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["bench", "browser", "--help"])
    assert exit.value.code == 0
    assert "python -m conflictmap bench browser" in capsys.readouterr().out


def test_bench_names_an_unknown_benchmark(capsys):
    assert main(["bench", "nonesuch"]) == 1
    message = capsys.readouterr().err
    assert "no benchmark named 'nonesuch'" in message and "geocode" in message


def test_import_refuses_to_write_over_its_own_input(tmp_path, capsys):
    source = tmp_path / "ok.csv"
    source.write_text("date,place,latitude,longitude\n2024-01-04,Baghdad,33.3,44.4\n", encoding="utf-8")
    before = source.read_bytes()
    assert main(["import", str(source), "-o", str(tmp_path / "." / "ok.csv")]) == 1
    assert "is the file being read" in capsys.readouterr().err and source.read_bytes() == before


def test_import_refuses_a_device_instead_of_reading_it_forever(tmp_path, capsys):
    assert main(["import", "/dev/zero", "-o", str(tmp_path / "out.csv")]) == 1
    assert "not a regular file" in capsys.readouterr().err


def test_a_full_disk_leaves_no_cut_output_behind(tmp_path, capsys, monkeypatch):
    source = tmp_path / "ok.csv"
    source.write_text("date,place,latitude,longitude\n2024-01-04,Baghdad,33.3,44.4\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    output.write_text("the analyst's earlier output\n", encoding="utf-8")
    real = Path.write_text

    def full(self, text, *args, **kwargs):
        real(self, text[:10], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    assert main(["import", str(source), "-o", str(output)]) == 1
    monkeypatch.undo()
    assert "No space left on device" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "the analyst's earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.csv", "out.csv"]


def test_export_refuses_an_end_before_the_start(tmp_path, capsys):
    assert main(["export", "--start", "2024-01-10", "--end", "2024-01-01", "-o", str(tmp_path / "x.csv")]) == 1
    assert "before --start" in capsys.readouterr().err
