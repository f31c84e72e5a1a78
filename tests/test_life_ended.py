"""Nothing falls due once a memorandum has ended: the review, stats and status count a clause
through `review.clause_in_force`, which gives no next due date past the clause's last day."""

from __future__ import annotations

import json
from pathlib import Path

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
    """cis-unodc was terminated on 2026-03-31; its clause 1 was last acted on in 2026 and runs
    every six months: due in September 2026 had the memorandum gone on, due never now."""
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
