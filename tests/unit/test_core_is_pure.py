"""The core never imports Streamlit; only conflictmap.ui does."""

import subprocess
import sys

from tests.conftest import ROOT

CORE = [path.stem for path in (ROOT / "conflictmap").glob("*.py") if path.stem not in ("ui", "__main__")]


def test_core_modules_do_not_import_streamlit():
    modules = (
        ", ".join(f"conflictmap.{name}" for name in CORE) + ", conflictmap.readers.ucdp, conflictmap.readers.curated"
    )
    code = f"import sys, {modules}; assert 'streamlit' not in sys.modules, 'streamlit imported'; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert len(CORE) >= 10
