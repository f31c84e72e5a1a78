"""Imports point backwards along the pipeline (as beancount's dependency_constraints does):
fields → models → kinds → load → checks → queries (selection, review, history) → write →
output / render → cli. Nothing imports `cli`."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

ORDER = [
    "escape",
    "catalogue",
    "problems",
    "progress",
    "cache",
    "workers",
    "parse",
    "read",
    "portfolio",
    "codes",
    "fields",
    "models",
    "kinds",
    "periods",
    "life",
    "load",
    "checks",
    "findings",
    "ahead",
    "output",
    "validation",
    "portfolio_validation",
    "selection",
    "review",
    "history",
    "stats",
    "status",
    "portfolio_view",
    "members",
    "write",
    "commit",
    "staging",
    "schema",
    "add",
    "keys",
    "lifecycle",
    "sheets",
    "importer",
    "day_format",
    "money_format",
    "words",
    "timeline",
    "grid",
    "tables",
    "lifecycle_text",
    "template_options",
    "sandbox",
    "review_view",
    "render",
    "portfolio_render",
    "stats_render",
    "sqlite_tables",
    "sqlite_export",
    "datasette",
    "workbook",
    "docx_parts",
    "review_docx",
    "ics",
    "folder",
    "site_views",
    "site_timeline",
    "site_history",
    "site_clauses",
    "site",
    "site_record",
    "site_pages",
    "site_build",
    "site_serve",
    "site_portfolio",
    "scaffold",
    "completion",
    "cli",
    "start",
    "__main__",
]
PACKAGES = (
    "scaffold",
    "checks",
    "cli",
)  # modules that are folders: each of their files is that stage


def _files(module: str) -> list[Path]:
    if module in PACKAGES:
        return sorted((REPO / "mou" / module).glob("*.py"))
    return [REPO / "mou" / f"{module}.py"]


def _imports(module: str) -> set[str]:
    found: set[str] = set()
    for path in _files(module):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mou."):
                found.add(node.module.split(".")[1])
            elif isinstance(node, ast.ImportFrom) and node.module == "mou":
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("mou."))
    return found & set(ORDER)


def test_every_module_is_placed() -> None:
    modules = {p.stem for p in (REPO / "mou").glob("*.py") if p.stem != "__init__"}
    packages = {p.parent.name for p in (REPO / "mou").glob("*/__init__.py")}
    assert modules | packages == set(ORDER)


def test_imports_only_point_backwards() -> None:
    for index, module in enumerate(ORDER):
        later = _imports(module) & set(ORDER[index + 1 :])
        assert not later, f"mou.{module} imports later stage(s) {sorted(later)}"


def test_the_cli_package_is_read() -> None:
    """A guard for the guard: the command modules' imports are seen (they import the core)."""
    assert {"cli", "add", "load", "write"} <= _imports("cli")
