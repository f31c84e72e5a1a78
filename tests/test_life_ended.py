"""Nothing falls due once a memorandum has ended: the review, stats and status count a clause
through `review.clause_in_force`, which gives no next due date past the clause's last day."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mou.cli import app

PORTFOLIO = Path(__file__).parent.parent / "examples" / "portfolio"


def review(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(
        app, ["--records", str(PORTFOLIO), "-m", "cis-unodc", "review", *args, "--format", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def test_a_terminated_memorandums_clauses_fall_due_no_more() -> None:
    """cis-unodc was terminated with effect from 2026-03-31; its clause 1 was last acted on in
    2026 and runs every six months: due in September 2026 had the memorandum gone on, due never
    now."""
    after = review("--period", "2026", "--as-of", "2026-06-30")
    clauses = {c["id"]: c for c in after["clauses"]}  # type: ignore[attr-defined]
    assert clauses["1"]["count"] == 1
    assert clauses["1"]["next_due"] is None
    # Before: the report of 2025-04-30 made the next one due on 2025-10-30, in force then.
    before = review("--period", "2025", "--as-of", "2025-06-30")
    clauses = {c["id"]: c for c in before["clauses"]}  # type: ignore[attr-defined]
    assert clauses["1"]["next_due"] == "2025-10-30"
    # The report of 2025-10-28 would make one due on 2026-04-28, after the termination.
    late = review("--period", "2025", "--as-of", "2025-12-31")
    clauses = {c["id"]: c for c in late["clauses"]}  # type: ignore[attr-defined]
    assert clauses["1"]["next_due"] is None


def _copy_with_reports(tmp_path: Path, days: tuple[str, ...]) -> Path:
    """cis-unodc with a report exchanged on each of `days` (clause 1's evidence)."""
    root = tmp_path / "cis-unodc"
    shutil.copytree(PORTFOLIO / "cis-unodc", root)
    template = (root / "exchanges" / "2026-03-20-smuggling-report.yaml").read_text("utf-8")
    for day in days:
        text = template.replace("date: 2026-03-20", f"date: {day}")
        (root / "exchanges" / f"{day}-report.yaml").write_text(text, encoding="utf-8")
    return root


def _json(*args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


# cis-unodc is terminated "with effect from 31 March 2026" (`terminated.date: 2026-03-31`): in
# force up to 2026-03-30, terminated from 2026-03-31 on, in every command alike.
@pytest.mark.parametrize(
    ("day", "state", "counted"),
    [
        ("2026-03-30", "in-force", 1),
        ("2026-03-31", "terminated", 0),
        ("2026-04-01", "terminated", 0),
    ],
)
def test_the_day_a_termination_takes_effect(
    tmp_path: Path, day: str, state: str, counted: int
) -> None:
    root = _copy_with_reports(tmp_path, (day,))
    records = ("--records", str(root))
    status = _json(*records, "status", "--as-of", day)
    assert (status["life"]["state"], status["life"]["ends"]) == (state, "2026-03-30")
    row = _json(*records, "portfolio", "--as-of", day)["memoranda"][0]
    assert (row["state"], row["ends"]) == (state, "2026-03-30")
    reviewed = _json(*records, "review", "--period", day, "--as-of", day)
    assert reviewed["life"]["state"] == state
    # the day's report counts for clause 1 only while the memorandum is in force
    assert [(c["id"], c["count"]) for c in reviewed["clauses"] if c["id"] == "1"] == (
        [("1", 1)] if counted else []
    )
    stats = _json(*records, "stats", "--period", "2026-Q1..2026-Q2", "--every", "quarter")
    clause = next(r for r in stats["rows"] if r["key"] == "1")
    assert clause["counts"] == [1 + counted, None]  # 03-20 too; none in force in Q2
    # a record dated on or after the day is MOU311, and only then
    found = _json(*records, "validate", "--as-of", "2026-06-30")
    warned = [p["path"] for p in found["diagnostics"] if p["code"] == "MOU311"]
    assert warned == ([] if counted else [f"exchanges/{day}-report.yaml"])


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "- Terminated with effect from: 31 Mar 2026"),
        ("ru", "- Прекращён с: 31 мар. 2026\u202fг."),
    ],
)
def test_the_review_says_when_the_termination_took_effect(language: str, line: str) -> None:
    options = ["--period", "2026", "--as-of", "2026-06-30", "--format", "md", "--lang", language]
    result = CliRunner().invoke(
        app, ["--records", str(PORTFOLIO), "-m", "cis-unodc", "review", *options]
    )
    assert line in result.output.splitlines()


def test_a_clause_that_ends_before_it_falls_due_is_not_listed() -> None:
    """On 2026-03-01 cis-unodc's clause 1 (last report 2025-10-28, every six months) would fall
    due on 2026-04-28, after its last day in force (2026-03-30): status lists it neither as
    due nor, as it once did, as never acted on since signing."""
    data = _json("--records", str(PORTFOLIO), "-m", "cis-unodc", "status", "--as-of", "2026-03-01")
    assert data["clauses"] == {"behind": [], "due": []}
    assert data["life"]["state"] == "in-force"
