"""The true record and the demo record stay valid, and the demo stays what its README says."""

from __future__ import annotations

from datetime import date

from conftest import REPO
from mou.checks import validate


def test_true_record_is_clean() -> None:
    assert validate(REPO / "records", date.today()).problems == []


def test_demo_has_exactly_its_three_deliberate_warnings() -> None:
    problems = validate(REPO / "examples" / "demo", date(2025, 12, 31)).problems
    assert [(p.code, p.record) for p in problems] == [
        ("MOU303", "2025-08-20-tajikistan-referral-meeting"),
        ("MOU308", "2023-10-12-consultations-geneva"),
        ("MOU304", "2025-04-08-training-cross-border-cooperation"),
    ]


def test_demo_memorandum_is_the_true_one() -> None:
    true = (REPO / "records" / "memorandum.yaml").read_text(encoding="utf-8").splitlines()
    demo = (REPO / "examples" / "demo" / "memorandum.yaml").read_text(encoding="utf-8").splitlines()
    # The schema modeline differs (the demo sits one folder deeper), and the demo is tagged
    # illustrative, so that its rendered reviews say so.
    assert demo[-1] == "tags: [illustrative]"
    assert true[1:] == [line for line in demo[1:-3]]


def test_demo_covers_every_kind_and_every_acted_clause() -> None:
    from mou.kinds import MODELS as KINDS
    from mou.load import load
    from mou.models import evidences

    records = load(REPO / "examples" / "demo")
    assert {entry.kind for entry in records.entries} == set(KINDS)
    memorandum = records.memorandum
    assert memorandum is not None
    for clause in memorandum.clauses:
        if not clause.evidence:
            continue  # clause 5: a scope rule, never acted on
        assert any(
            getattr(entry.model, "clause", None) == clause.id
            or any(evidences(item, entry.model) for item in clause.evidence)
            for entry in records.entries
        ), clause.id
