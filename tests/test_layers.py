"""Imports point backwards along the pipeline (as beancount's dependency_constraints does):
parse → models → load → checks → queries (selection, review, history) → write → output /
render → cli. Nothing imports `cli`."""

from __future__ import annotations

import ast

from conftest import REPO

ORDER = [
    "escape",
    "problems",
    "parse",
    "read",
    "codes",
    "models",
    "periods",
    "load",
    "checks",
    "output",
    "selection",
    "review",
    "history",
    "write",
    "schema",
    "add",
    "words",
    "timeline",
    "tables",
    "render",
    "ics",
    "scaffold",
    "cli",
]


def _imports(module: str) -> set[str]:
    path = REPO / "mou" / (f"{module}/__init__.py" if module == "scaffold" else f"{module}.py")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mou."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "mou":
            found.update(alias.name for alias in node.names)
    return found & set(ORDER)


def test_every_module_is_placed() -> None:
    modules = {p.stem for p in (REPO / "mou").glob("*.py") if p.stem != "__init__"}
    assert modules | {"scaffold"} == set(ORDER)


def test_imports_only_point_backwards() -> None:
    for index, module in enumerate(ORDER):
        later = _imports(module) & set(ORDER[index:])
        assert not later, f"mou.{module} imports later stage(s) {sorted(later)}"
