"""`mou stats` and `mou status` follow the clause text in force at each date, as the review
does (one function counts a clause for all three: `review.clause_in_force`). The illustrative
memorandum of tests/cases/life-illustrative/: protocol-1 (2015-03-02) adds clause 6, changes
clause 2's text and removes clause 1.1; activities for 1.1 are added here on 2015-01-10 (in
force) and 2015-06-01 (after its removal), and for 6 on 2015-02-01 (before it existed) beside
the case's 2016-04-12. A termination ends every clause the day before it takes effect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, case_tree

AS_OF = "2016-12-31"


def _activity(clause: str, day: str) -> str:
    return (
        f'kind: activity\nclause: "{clause}"\ntitle: Work under {clause}\ndate: {day}\n'
        "parties: [cis, iom]\nstates: [ARM, KAZ]\n"
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    found = case_tree("life-illustrative", tmp_path / "life")
    for clause, day in (("1.1", "2015-01-10"), ("1.1", "2015-06-01"), ("6", "2015-02-01")):
        (found / f"{day}-activity.yaml").write_text(_activity(clause, day), encoding="utf-8")
    return found


def _edit(root: Path, old: str, new: str) -> None:
    memorandum = root / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8")
    assert old in text
    memorandum.write_text(text.replace(old, new, 1), encoding="utf-8")


def _terminate(root: Path, day: str) -> None:
    memorandum = root / "memorandum.yaml"
    with memorandum.open("a", encoding="utf-8") as handle:
        handle.write(f"terminated:\n  date: {day}\n  by: iom\n")


def _json(run: Run, root: Path, *options: str) -> Any:
    result = run("--records", str(root), *options, "--format", "json")
    assert result.exit_code == 0
    return json.loads(result.output)


def stats_rows(run: Run, root: Path, *options: str) -> dict[str, tuple[list[int | None], int]]:
    data = _json(run, root, "stats", "--as-of", AS_OF, *options)
    return {row["key"]: (row["counts"], row["total"]) for row in data["rows"]}


def review_counts(run: Run, root: Path, period: str) -> dict[str, int]:
    data = _json(run, root, "review", "--period", period, "--as-of", AS_OF)
    return {clause["id"]: clause["count"] for clause in data["clauses"]}


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # before the amendment: the text as signed; 6 does not exist yet
        ("2014", {"1.1": ([0], 0), "1.2": ([0], 0), "2": ([0], 0)}),
        # across it: 1.1 counts up to 2015-03-01, 6 from 2015-03-02 (not the training before)
        ("2015", {"1.1": ([1], 1), "1.2": ([0], 0), "2": ([0], 0), "6": ([0], 0)}),
        # after it: 1.1 is gone
        ("2016", {"1.2": ([0], 0), "2": ([0], 0), "6": ([1], 1)}),
        # columns before, across and after: a clause not in force in a column has no figure
        (
            "2014..2016",
            {
                "1.1": ([0, 1, None], 1),
                "1.2": ([0, 0, 0], 0),
                "2": ([0, 0, 0], 0),
                "6": ([None, 0, 1], 1),
            },
        ),
    ],
)
def test_stats_rows_follow_the_amendment(
    run: Run, root: Path, period: str, expected: dict[str, tuple[list[int | None], int]]
) -> None:
    assert stats_rows(run, root, "--period", period) == expected


@pytest.mark.parametrize("every", ["year", "half", "quarter"])
def test_every_stats_figure_is_the_reviews(run: Run, root: Path, every: str) -> None:
    data = _json(run, root, "stats", "--as-of", AS_OF, "--period", "2014..2016", "--every", every)
    for index, column in enumerate(data["columns"]):
        shown = {row["key"]: row["counts"][index] for row in data["rows"]}
        in_force = {key: count for key, count in shown.items() if count is not None}
        assert in_force == review_counts(run, root, column["label"]), column["label"]
    assert {row["key"]: row["total"] for row in data["rows"]} == review_counts(
        run, root, "2014..2016"
    )


def test_stats_labels_are_the_amended_text(run: Run, root: Path) -> None:
    options = ("--records", str(root), "stats", "--as-of", AS_OF, "--format", "md")
    before = run(*options, "--period", "2014").output
    assert "| 2\\. Consultations. |" in before and "Joint training" not in before
    after = run(*options, "--period", "2014..2016").output
    assert "| 2\\. Consultations twice a year. | 0 | 0 | 0 | 0 |" in after
    assert "| 6\\. Joint training of officials. | — | 0 | 1 | 1 |" in after
    csv = run(*options[:-2], "--format", "csv", "--period", "2014..2016").output
    assert "6,6. Joint training of officials.,,0,1,1\n" in csv
    russian = run(*options, "--period", "2016", "--lang", "ru").output
    assert "Консультации дважды в год." in russian


def test_stats_after_a_termination_mid_period(run: Run, root: Path) -> None:
    _terminate(root, "2016-05-15")  # with effect from: in force up to 2016-05-14
    for day in ("2016-05-14", "2016-05-15", "2016-05-16", "2016-08-01"):
        (root / f"{day}-activity.yaml").write_text(_activity("6", day), encoding="utf-8")
    rows = stats_rows(run, root, "--period", "2016", "--every", "quarter")
    assert rows == {
        "1.2": ([0, 0, None, None], 0),
        "2": ([0, 0, None, None], 0),
        # 2016-04-12 and the day before the termination took effect; none on or after it
        "6": ([0, 2, None, None], 2),
    }
    assert stats_rows(run, root, "--period", "2016", "--every", "quarter", "--by", "kind")[
        "activity"
    ] == ([0, 2, 0, 0], 2)  # records on or after the day it took effect are not counted
    assert review_counts(run, root, "2016") == {"1.2": 0, "2": 0, "6": 2}
    assert review_counts(run, root, "2016-07..2016-12") == {}


def status_clauses(run: Run, root: Path, as_of: str) -> list[str]:
    data = _json(run, root, "status", "--as-of", as_of)
    return [clause["id"] for group in ("behind", "due") for clause in data["clauses"][group]]


def test_status_clauses_follow_the_amendment(run: Run, root: Path) -> None:
    # Give the clauses the amendment adds and removes a cadence, so that status shows them.
    _edit(root, "evidence: [activity]\n", "evidence: [activity]\n    cadence: P1Y\n")
    _edit(root, "evidence: [seminar]\n", "evidence: [seminar]\n          cadence: P1Y\n")
    assert status_clauses(run, root, "2015-01-01") == ["1.2", "2", "1.1"]
    before = run("--records", str(root), "status", "--as-of", "2015-01-01").output
    assert "    2  due 2009-03-19 (2114 days ago; never acted on; every P6M)  Consultations.\n" in (
        before
    )
    assert status_clauses(run, root, "2015-03-02") == ["1.2", "2"]  # 1.1 removed, 6 not due
    text = run("--records", str(root), "status", "--as-of", "2016-03-10").output
    # 6, never acted on since it was added (the training before does not count), was due one
    # cadence after the amendment that added it; 2 reads as amended
    assert "    6  due 2016-03-02 (8 days ago; never acted on; every P1Y)  Joint training" in text
    assert "Consultations twice a year." in text
    # 1.1's last record, 2015-06-01, came after its removal: it would be due 2016-06-01
    assert status_clauses(run, root, "2016-06-15") == ["1.2", "2"]


def test_status_after_a_termination(run: Run, root: Path) -> None:
    _terminate(root, "2016-05-15")  # with effect from: in force up to 2016-05-14
    assert status_clauses(run, root, "2016-05-14") == ["1.2", "2"]
    assert status_clauses(run, root, "2016-05-15") == []
    assert status_clauses(run, root, "2016-05-16") == []
    for day, line in (
        ("2016-05-14", "The memorandum: in force, entered into force on 2008-10-01"),
        ("2016-05-15", "terminated: its last day in force was 2016-05-14"),
        ("2016-05-16", "terminated: its last day in force was 2016-05-14"),
    ):
        text = run("--records", str(root), "status", "--as-of", day).output
        assert line in text
        assert ("Clauses" in text) is (day == "2016-05-14")
