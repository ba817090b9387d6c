"""The suite and the core are hermetic: no test module or core module refers to a `../shared`
folder beside the repository (a user's clone has none). Test data is in data/ and tests/fixtures/."""

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

#: A string literal that names the folder ("shared", 'shared') or a path into it (../shared).
REFERENCE = re.compile(r"""["']shared["']|\.\./shared""")


def _docstring_lines(tree: ast.AST) -> set[int]:
    """Lines of module, class and function docstrings: prose, which may say what the code never reads."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def test_no_test_or_core_module_refers_to_shared():
    assert REFERENCE.search('SHARED_DATA = ROOT.parent / "shared" / "data"') and REFERENCE.search("'../shared/data'")
    assert not REFERENCE.search('dg.main(["--shared", str(FIXTURE)])')  # the gazetteer script's option
    this = Path(__file__).resolve()
    found = []
    for path in sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "conflictmap").rglob("*.py")]):
        if path == this or ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        prose = _docstring_lines(ast.parse(text))
        for number, line in enumerate(text.splitlines(), start=1):
            if number not in prose and REFERENCE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "modules that refer to ../shared:\n" + "\n".join(found)
