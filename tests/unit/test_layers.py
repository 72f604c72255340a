"""The package's layering (DESIGN.md: data flows one way) and the absence of import circles.

Every import counts: module level, inside functions and under ``if TYPE_CHECKING:``. A
layer may import itself and the layers it is allowed to build on (directly or through
them); nothing imports upward, and no group of modules imports itself in a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ccsim"

# What each layer builds on (directly); the closure over this table is what it may import.
BUILDS_ON: dict[str, set[str]] = {
    "_version": set(),
    "errors": set(),
    "scenario": {"errors"},  # pure data, time structure included
    "analytics": {"scenario"},  # closed forms: never the simulator
    "engine": {"scenario"},  # the SimPy model: never pandas, results or the CLI
    "results": {"engine", "analytics", "_version"},  # records -> KPIs; never runs a simulation
    "runner": {"results"},  # the one place that runs replications
    "data": {"runner"},  # call logs, fitting, forecasting
    "staffing": {"runner"},
    "intraday": {"staffing", "data"},
    "reporting": {"results"},  # tables, figures, report: never runs a simulation
    "commands": {"reporting", "intraday"},  # one module per CLI command
    "cli": {"commands"},
    "__main__": {"cli"},  # python -m ccsim
    "": {"commands"},  # the package's curated API (ccsim/__init__.py)
}


def _closure(layer: str) -> set[str]:
    seen: set[str] = set()
    todo = [layer]
    while todo:
        for dep in BUILDS_ON[todo.pop()]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    """Every ccsim module and the ccsim modules it imports (any place in the file)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for a in node.names:  # "from ccsim.x import y": the submodule x.y if there is one
                    sub = f"{target}.{a.name}"
                    found.add(sub if sub in files else target)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        graph[mod] = {t for t in found if t in files and t != mod}
    return graph


def _layer(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else ""


GRAPH = _imports()


def test_every_module_has_a_layer() -> None:
    assert {_layer(m) for m in GRAPH} <= set(BUILDS_ON)


@pytest.mark.parametrize("mod", sorted(GRAPH))
def test_nothing_imports_upward(mod: str) -> None:
    layer = _layer(mod)
    allowed = _closure(layer) | {layer}
    upward = sorted(t for t in GRAPH[mod] if _layer(t) not in allowed)
    assert not upward, f"{mod} (layer {layer or 'ccsim'}) imports from above it: {upward}"


def test_no_import_circles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_the_rule_refuses_what_design_forbids() -> None:
    assert "results" not in _closure("engine") | {"engine"}
    assert "runner" not in _closure("reporting")
    assert "engine" in _closure("staffing")
