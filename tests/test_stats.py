"""`mou stats`: one column per period, and every figure the one `mou review` gives for it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from mou.load import RecordSet, load
from mou.periods import parse_period
from mou.review import Review, review
from mou.stats import ALL, Stats, default_period, split, stats

Tree = Callable[[dict[str, str | bytes]], Path]
DEMO = REPO / "examples" / "demo"
# The base memorandum with a clause that joint programmes evidence.
WITH_PROGRAMMES = (REPO / "tests" / "cases" / "_base" / "memorandum.yaml").read_text(
    encoding="utf-8"
) + '  - id: "1.4"\n    summary: Joint programmes.\n    evidence: [programme]\n'


@pytest.fixture(scope="module")
def demo() -> RecordSet:
    return load(DEMO)


@pytest.mark.parametrize(
    ("period", "every", "labels"),
    [
        ("2024", "year", ["2024"]),
        ("2023..2024", "half", ["2023-H1", "2023-H2", "2024-H1", "2024-H2"]),
        ("2024-H2", "quarter", ["2024-Q3", "2024-Q4"]),
        ("2024-Q1", "month", ["2024-01", "2024-02", "2024-03"]),
        ("2024-11..2025-02", "month", ["2024-11", "2024-12", "2025-01", "2025-02"]),
        # A unit the period only partly covers is cut to it and says so.
        ("2024-03-12..2024-07-01", "quarter", ["2024-03-12..2024-03-31", "2024-Q2", "2024-07-01"]),
        ("2024-02-10..2024-02-20", "year", ["2024-02-10..2024-02-20"]),
    ],
)
def test_columns_are_calendar_units(period: str, every: str, labels: list[str]) -> None:
    columns = split(parse_period(period), every)
    assert [c.label for c in columns] == labels
    # Every label reads back, as a --period, as the same days.
    assert [(c.start, c.end) for c in columns] == [
        (parse_period(c.label).start, parse_period(c.label).end) for c in columns
    ]
    assert columns[0].start == parse_period(period).start
    assert columns[-1].end == parse_period(period).end


def test_default_period_runs_from_signing_to_the_as_of_date(demo: RecordSet) -> None:
    assert demo.memorandum is not None
    yearly = default_period(demo.memorandum, date(2025, 12, 31), "year")
    assert (yearly.label, yearly.start, yearly.end) == (
        "2008..2025",
        date(2008, 1, 1),
        date(2025, 12, 31),
    )
    quarterly = default_period(demo.memorandum, date(2025, 5, 2), "quarter")
    assert (quarterly.label, quarterly.end) == ("2008-Q3..2025-Q2", date(2025, 6, 30))


def _review(records: RecordSet, label: str, as_of: date) -> Review:
    return review(records, parse_period(label), as_of)


def _clause_counts(found: Review) -> dict[str, int]:
    return {c.clause.id: c.count for c in found.clauses}


def _qualifying(found: Review) -> dict[str, str]:
    """id → kind of every record behind the review's clause counts."""
    return {e.id: e.kind for c in found.clauses for e in c.records}


def _columns(result: Stats) -> list[str]:
    return [c.period.label for c in result.columns]


EVERY_WAY = [
    (period, every, as_of)
    for period, as_of in (("2023..2025", "2025-12-31"), ("2023-07..2025-09", "2025-06-30"))
    for every in ("year", "half", "quarter", "month")
]


@pytest.mark.parametrize(("period", "every", "as_of"), EVERY_WAY)
def test_clause_counts_are_the_reviews(
    demo: RecordSet, period: str, every: str, as_of: str
) -> None:
    today = date.fromisoformat(as_of)
    result = stats(demo, parse_period(period), every, "clause", today)
    by_clause = {row.key: row for row in result.rows}
    checked = 0
    for index, label in enumerate(_columns(result)):
        if parse_period(label).start > today:
            assert all(row.counts[index] == 0 for row in result.rows)
            continue
        found = _review(demo, label, today)
        for clause_id, count in _clause_counts(found).items():
            assert by_clause[clause_id].counts[index] == count, (label, clause_id)
            checked += count
        assert by_clause[ALL].counts[index] == len(_qualifying(found)), label
    whole = _review(demo, period, today)
    assert {key: row.total for key, row in by_clause.items() if key != ALL} == _clause_counts(whole)
    assert by_clause[ALL].total == len(_qualifying(whole))
    assert checked > 20  # the demo has activity in these periods: the test compares something


@pytest.mark.parametrize("every", ["year", "quarter"])
def test_kind_counts_are_the_reviews(demo: RecordSet, every: str) -> None:
    today = date(2025, 12, 31)
    result = stats(demo, parse_period("2023..2025"), every, "kind", today)
    rows = {row.key: row for row in result.rows}
    for index, label in enumerate(_columns(result)):
        found = _review(demo, label, today)
        kinds = Counter(_qualifying(found).values())
        assert {key: row.counts[index] for key, row in rows.items() if key != ALL} == {
            key: kinds[key] for key in rows if key != ALL
        }
        # The figures the review prints for these kinds, one by one.
        assert rows["seminar"].counts[index] == found.seminars.held
        assert rows["exchange"].counts[index] == sum(n for _, _, n in found.exchanges)
        assert rows["request"].counts[index] == found.requests.opened
        qualifying_programmes = [
            e for e in found.programmes if getattr(e.model, "status", "") in ("active", "completed")
        ]
        assert rows["programme"].counts[index] == len(qualifying_programmes)


@pytest.mark.parametrize("every", ["year", "half", "month"])
def test_costs_are_the_reviews(demo: RecordSet, every: str) -> None:
    today = date(2025, 6, 30)  # costs take the whole period, whatever the as-of date
    result = stats(demo, parse_period("2023..2025"), every, "costs", today)
    assert result.costs
    for index, label in enumerate([*_columns(result), "2023..2025"]):
        found = review(demo, parse_period(label), today)
        expected = {
            (c.payer, c.currency, c.status): c.amount
            for c in found.costs
            if c.status in ("committed", "paid")
        }
        got = {
            (row.payer, row.currency, row.status): (
                row.amounts[index] if index < len(result.columns) else row.total
            )
            for row in result.costs
        }
        assert {key: amount for key, amount in got.items() if amount} == expected, label


def test_currencies_are_never_added(base_tree: Tree) -> None:
    root = base_tree(
        {
            "a.yaml": "kind: arrangement\ntitle: Costs\ndate: 2024-02-01\nstatus: signed\n"
            "expenses:\n"
            "  - {item: Hall, payer: cis, amount: '100.00', currency: USD, status: paid}\n"
            "  - {item: Hall, payer: cis, amount: '50.00', currency: EUR, status: paid}\n"
            "  - {item: Tea, payer: cis, amount: '7.50', currency: USD, status: paid,"
            " date: 2024-08-01}\n"
            "  - {item: Later, payer: iom, amount: '9.00', currency: USD, status: planned}\n"
        }
    )
    result = stats(load(root), parse_period("2024"), "half", "costs", date(2024, 12, 31))
    assert [(r.payer, r.currency, r.status, r.amounts, r.total) for r in result.costs] == [
        ("cis", "EUR", "paid", (Decimal("50.00"), Decimal(0)), Decimal("50.00")),
        ("cis", "USD", "paid", (Decimal("100.00"), Decimal("7.50")), Decimal("107.50")),
    ]


def test_programmes_count_in_every_column_they_run_and_once_in_the_total(
    base_tree: Tree,
) -> None:
    root = base_tree(
        {
            "memorandum.yaml": WITH_PROGRAMMES,
            "p.yaml": "kind: programme\ntitle: Data\nstart: 2023-05-01\nend: 2024-03-31\n"
            "status: active\nlead: [cis, iom]\n",
            "b.yaml": "kind: activity\nclause: '1.1'\ntitle: Visit\ndate: 2024-02-01\n"
            "parties: [iom]\nstates: [ARM]\nscope: bilateral\n",
        }
    )
    result = stats(load(root), parse_period("2022..2025"), "year", "kind", date(2025, 12, 31))
    rows = {row.key: row for row in result.rows}
    assert (rows["programme"].counts, rows["programme"].total) == ((0, 1, 1, 0), 1)
    # Bilateral cooperation (clause 5) is left out, as in the review.
    assert (rows["activity"].counts, rows["activity"].total) == ((0, 0, 0, 0), 0)


def test_nothing_counts_after_the_as_of_date(base_tree: Tree) -> None:
    root = base_tree(
        {
            "memorandum.yaml": WITH_PROGRAMMES,
            "p.yaml": "kind: programme\ntitle: Data\nstart: 2023-05-01\nstatus: active\n"
            "lead: [cis, iom]\n",
        }
    )
    result = stats(load(root), parse_period("2023..2026"), "year", "kind", date(2024, 6, 30))
    rows = {row.key: row for row in result.rows}
    assert rows["programme"].counts == (1, 1, 0, 0)


@pytest.mark.parametrize(
    ("by", "keys"),
    [
        ("party", ["cis", "iom"]),
        ("topic", ["irregular-migration", "trafficking-in-human-beings", "smuggling"]),
        ("state", ["ARM", "KAZ", "RUS", "UZB"]),
    ],
)
def test_groupings_show_what_the_memorandum_declares_then_the_rest(
    base_tree: Tree, by: str, keys: list[str]
) -> None:
    root = base_tree(
        {
            "e.yaml": "kind: exchange\ndate: 2024-01-10\nfrom: cis\nto: iom\nsubject: S\n"
            "public_domain: true\ntopics: [smuggling, irregular-migration]\n",
            "a.yaml": "kind: activity\nclause: '1.1'\ntitle: Visit\ndate: 2024-02-01\n"
            "parties: [iom, cis]\nstates: [UZB, ARM]\n",
        }
    )
    result = stats(load(root), parse_period("2024"), "year", by, date(2024, 12, 31))
    assert [row.key for row in result.rows] == [*keys, ALL]
    assert result.rows[-1].total == 2


# --- output ----------------------------------------------------------------------------------

HOSTILE = """kind: memorandum
title: Hostile
signed: {date: 2008-09-19, place: Minsk, languages: [en]}
parties:
  - {id: cis, name: "=HYPERLINK(\\"http://x\\")", short: "@cis | `code`"}
  - {id: iom, name: "IOM \\e[31mred\\u202eevil [bold]x[/bold]"}
topics:
  - {id: smuggling, name: "+1|2 <b>"}
clauses:
  - {id: "1.2", summary: "-2 # heading | cell", evidence: [exchange]}
"""
EXCHANGE = (
    "kind: exchange\ndate: 2024-01-10\nfrom: cis\nto: iom\nsubject: S\npublic_domain: true\n"
    "topics: [smuggling]\n"
)


@pytest.fixture
def hostile(base_tree: Tree) -> RecordSet:
    return load(base_tree({"memorandum.yaml": HOSTILE, "e.yaml": EXCHANGE}))


def _render(records: RecordSet, by: str, output_format: str) -> str:
    from mou.stats_render import render_stats
    from mou.words import Words

    assert records.memorandum is not None
    result = stats(records, parse_period("2024"), "half", by, date(2024, 12, 31))
    rendered = render_stats(result, output_format, Words("en", records.memorandum))
    if isinstance(rendered, str):
        return rendered
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(rendered)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("by", ["party", "topic"])
def test_csv_cells_cannot_become_formulas(hostile: RecordSet, by: str) -> None:
    import csv

    rendered = _render(hostile, by, "csv")
    labels = [row[1] for row in list(csv.reader(rendered.splitlines()))[1:-1]]
    assert labels and all(not label.startswith(("=", "+", "-", "@")) for label in labels)
    assert any(label.startswith(("'=", "'+", "'@")) for label in labels)


def test_markdown_cells_cannot_break_the_table(hostile: RecordSet) -> None:
    for by in ("party", "topic", "clause"):
        rendered = _render(hostile, by, "md")
        table = [line for line in rendered.splitlines() if line.startswith("|")]
        assert all(line.count("|") - line.count("\\|") == 5 for line in table), rendered
        assert "<b>" not in rendered and "`code`" not in rendered


def test_terminal_shows_control_and_bidi_characters_escaped(hostile: RecordSet) -> None:
    rendered = _render(hostile, "party", "table")
    assert "\x1b" not in rendered and "\u202e" not in rendered
    assert "\\x1b[31mred\\u202eevil [bold]x[/bold]" in rendered  # markup shown, not applied


def test_json_has_stable_keys(demo: RecordSet) -> None:
    import json

    from mou.stats_render import stats_data

    result = stats(demo, parse_period("2023..2025"), "year", "clause", date(2025, 12, 31))
    data = stats_data(result)
    assert list(data) == ["period", "as_of", "every", "by", "columns", "rows", "all"]
    assert [c["label"] for c in data["columns"]] == ["2023", "2024", "2025"]
    assert data["rows"][1] == {"key": "1.2", "counts": [4, 3, 4], "total": 11}
    assert data["all"]["total"] == len(
        {
            e.id
            for c in review(demo, parse_period("2023..2025"), date(2025, 12, 31)).clauses
            for e in c.records
        }
    )
    costs = stats_data(stats(demo, parse_period("2024"), "half", "costs", date(2025, 12, 31)))
    assert costs["rows"][0] == {
        "payer": "cis",
        "currency": "RUB",
        "status": "paid",
        "amounts": ["2100000.00", "0"],
        "total": "2100000.00",
    }
    json.dumps(data)


GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize(
    ("by", "language", "suffix"),
    [("clause", "en", "md"), ("costs", "ru", "md"), ("party", "ru", "csv"), ("kind", "en", "json")],
)
def test_golden_stats(demo: RecordSet, by: str, language: str, suffix: str) -> None:
    """The demo's 2023..2025, every half: the complete outputs, kept as golden files."""
    import os

    from mou.stats_render import render_stats
    from mou.words import Words

    assert demo.memorandum is not None
    result = stats(demo, parse_period("2023..2025"), "half", by, date(2025, 12, 31))
    rendered = render_stats(result, suffix, Words(language, demo.memorandum))
    assert isinstance(rendered, str)
    golden = GOLDEN / f"stats-{by}.{language}.{suffix}"
    if os.environ.get("MOU_UPDATE_GOLDEN"):
        golden.write_bytes(rendered.encode("utf-8"))  # CSV keeps its CRLF
    assert rendered == golden.read_bytes().decode("utf-8"), (
        f"run MOU_UPDATE_GOLDEN=1 and diff {golden}"
    )
