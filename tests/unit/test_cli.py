import json
import subprocess
import sys

from tests.conftest import ROOT


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
