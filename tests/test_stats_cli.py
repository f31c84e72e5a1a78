"""`mou stats` on the command line: every number it prints for a period is the figure `mou
review` prints for that period (both read as JSON, on the demo), and bad input is a usage
error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import REPO, Run

DEMO = str(REPO / "examples" / "demo")


def _json(run: Run, *args: str) -> Any:
    result = run("--records", DEMO, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("every", "period", "as_of"),
    [
        ("year", None, "2025-12-31"),  # the default: from the signing, 18 columns
        ("half", "2023..2025", "2025-12-31"),
        ("quarter", "2024-03-12..2025-09-30", "2025-06-30"),  # cut units, a cut-off inside
    ],
)
def test_every_figure_is_the_reviews(run: Run, every: str, period: str | None, as_of: str) -> None:
    chosen = ["--period", period] if period else []
    common = ["--every", every, *chosen, "--as-of", as_of]
    by_clause = _json(run, "stats", *common)
    by_kind = _json(run, "stats", *common, "--by", "kind")
    costs = _json(run, "stats", *common, "--costs")
    compared = 0
    labels = [c["label"] for c in by_clause["columns"]]
    for index, label in enumerate([*labels, by_clause["period"]["label"]]):
        if index < len(labels) and by_clause["columns"][index]["start"] > as_of:
            continue  # after the as-of date: `mou review` refuses such a period

        def figure(row: dict[str, Any], key: str = "counts", i: int = index) -> Any:
            return row[key][i] if i < len(labels) else row["total"]

        review = _json(run, "review", "--period", label, "--as-of", as_of)
        clauses = {row["key"]: figure(row) for row in by_clause["rows"]}
        assert clauses == {c["id"]: c["count"] for c in review["clauses"]}, label
        behind = {record for c in review["clauses"] for record in c["records"]}
        assert figure(by_clause["all"]) == len(behind), label
        kinds = {row["key"]: figure(row) for row in by_kind["rows"]}
        if review["period"]["end"] <= as_of:
            # The review's sections count the whole period; its clause counts (and stats)
            # stop at the as-of date: the two agree on periods that are over.
            assert kinds["seminar"] == review["seminars"]["held"], label
            assert kinds["exchange"] == sum(e["count"] for e in review["exchanges"]), label
            assert kinds["request"] == review["requests"]["opened"], label
        amounts = {
            (row["payer"], row["currency"], row["status"]): figure(row, "amounts")
            for row in costs["rows"]
        }
        assert {key: value for key, value in amounts.items() if value != "0"} == {
            (c["payer"], c["currency"], c["status"]): c["amount"]
            for c in review["costs"]
            if c["status"] in ("committed", "paid")
        }, label
        compared += sum(clauses.values())
    assert compared > 40  # the demo's activity was compared, not only empty columns


def test_the_default_runs_from_the_signing_to_the_as_of_date(run: Run) -> None:
    data = _json(run, "stats", "--as-of", "2025-06-30")
    assert data["period"] == {"label": "2008..2025", "start": "2008-01-01", "end": "2025-12-31"}
    assert data["columns"][-1]["cut_off"] == "2025-06-30"
    assert len(data["columns"]) == 18


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--costs", "--by", "party"], "--costs has its own rows"),
        (["--as-of", "2001-01-01"], "before the period 2008 starts"),
        (["--period", "2024-13"], "--period"),
        (["--as-of", "yesterday"], "--as-of"),
        (["--every", "week"], "--every"),
        (["--by", "colour"], "--by"),
    ],
)
def test_bad_options_are_usage_errors(run: Run, args: list[str], message: str) -> None:
    result = run("--records", DEMO, "stats", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_no_memorandum_is_a_refusal(run: Run, tmp_path: Any) -> None:
    (tmp_path / "memorandum.yaml").write_text("kind: memorandum\n", encoding="utf-8")
    result = run("--records", str(tmp_path), "stats")
    assert result.exit_code == 1
    assert "no readable memorandum" in result.output


@pytest.mark.parametrize("output_format", ["table", "md", "csv"])
def test_formats_in_russian(run: Run, output_format: str) -> None:
    result = run(
        "--records", DEMO, "stats", "--period", "2024", "--by", "topic", "--lang", "ru",
        "--format", output_format, "--as-of", "2025-12-31",
    )  # fmt: skip
    assert result.exit_code == 0
    assert "Нерегулярная миграция" in result.stdout
    assert "Итого" in result.stdout or output_format == "csv"


def test_a_wide_table_is_never_squeezed(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = run("--records", DEMO, "stats", "--as-of", "2025-12-31")
    header = next(line for line in result.stdout.splitlines() if "Clause" in line)
    assert header.split() == ["Clause", *(str(year) for year in range(2008, 2026)), "Total"]
    assert any(line.split()[:1] == ["1.2"] for line in result.stdout.splitlines())
    assert "All qualifying records" in result.stdout
