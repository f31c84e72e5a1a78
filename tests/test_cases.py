"""Data-driven cases: tests/cases/<name>/ holds record files and expected.txt, one line per
expected problem as `PATH:LINE:COLUMN CODE`. Each case is laid over tests/cases/_base/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import CASES, case_tree
from mou.checks import validate

AS_OF = date(2025, 6, 1)
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def found(root: Path) -> list[str]:
    return [f"{p.path}:{p.line}:{p.column} {p.code}" for p in validate(root, AS_OF).problems]


@pytest.mark.parametrize("name", NAMES)
def test_case(name: str, tmp_path: Path) -> None:
    expected = (CASES / name / "expected.txt").read_text(encoding="utf-8").split("\n")
    problems = validate(case_tree(name, tmp_path / name), AS_OF).problems
    for problem in problems:
        print(f"{problem.path}:{problem.line}:{problem.column} {problem.code} {problem.message}")
    assert found(tmp_path / name) == [line for line in expected if line]


def test_every_code_has_a_case() -> None:
    from test_edges import OUTPUT_REFUSALS
    from test_portfolio import PORTFOLIO_CASES

    from mou.problems import CODES

    covered = {
        line.split()[-1]
        for name in NAMES
        for line in (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    }
    covered |= {problem[0] for _, expected in PORTFOLIO_CASES for problem in expected}
    covered |= {code for _, _, code in OUTPUT_REFUSALS}  # refusals of a command, not findings
    assert set(CODES) <= covered, f"codes without a case: {sorted(set(CODES) - covered)}"
