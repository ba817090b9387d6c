"""The core never imports Streamlit: only the glue in conflictmap/app/ does. Every module outside
app/ is imported in a fresh interpreter (globbed, so a new module is covered)."""

import subprocess
import sys

from tests.conftest import ROOT

PACKAGE = ROOT / "conflictmap"
CORE = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
    if "app" not in path.relative_to(PACKAGE).parts[:1] and path.name != "__main__.py"
)


def test_core_modules_do_not_import_streamlit():
    code = f"import sys, {', '.join(CORE)}; assert 'streamlit' not in sys.modules, 'streamlit imported'; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert {"conflictmap.readers.ucdp", "conflictmap.geocode.geocoder", "conflictmap.maps.state"} <= set(CORE)
    assert not any(name.startswith("conflictmap.app") for name in CORE)
