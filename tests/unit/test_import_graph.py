"""The house keeps its shape: no import cycle between modules, and every import points down the
layers below (a unit imports only units of its own rank or lower). Read from the source's AST, so
a new module is covered without a list to update; imports under `if TYPE_CHECKING:` count too.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.conftest import ROOT

PACKAGE = ROOT / "conflictmap"

#: Each unit (a top-level module or a sub-package) and its rank: imports go to the same rank or lower.
RANK = {
    "schema": 0,
    "errors": 0,
    "settings": 0,
    "filters": 1,
    "access": 1,
    "search": 1,
    "synthetic": 1,
    "exporting": 1,
    "places": 1,
    "figures": 2,
    "sharelink": 2,
    "geocode": 2,
    "readers": 3,
    "report": 3,
    "maps": 3,
    "charts": 3,
    "datasets": 4,
    "store": 4,
    "cli": 5,
    "app": 5,
    "__main__": 6,
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _imports(name: str, tree: ast.Module, modules: dict[str, ast.Module]) -> set[str]:
    """The package's modules that `name` imports (`from a import b` counts a.b when it is a module)."""
    is_package = (PACKAGE / name.removeprefix("conflictmap").replace(".", "/").strip("/") / "__init__.py").exists()
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            candidates = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name and candidate != "conflictmap":
                targets.add(candidate)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, tree, modules) for name, tree in modules.items()}


def _unit(module: str) -> str:
    return module.split(".")[1] if module != "conflictmap" else ""


def test_no_import_cycles():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


def test_every_import_points_down_the_layers():
    graph = _graph()
    units = {_unit(module) for module in graph} - {""}
    assert units <= set(RANK), f"units without a rank (add them to RANK): {sorted(units - set(RANK))}"
    upward = defaultdict(set)
    for module, targets in graph.items():
        for target in targets:
            if RANK[_unit(target)] > RANK[_unit(module)]:
                upward[module].add(target)
    assert not upward, f"imports that run back up the layers: {dict(upward)}"


def test_the_streamlit_glue_is_imported_by_no_core_module():
    graph = _graph()
    importers = sorted(
        m for m, targets in graph.items() if any(_unit(t) == "app" for t in targets) and _unit(m) != "app"
    )
    assert not importers, importers


def test_the_package_never_imports_benchmarks_or_tests():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.split(".")[0] in ("benchmarks", "tests") for n in names), path
