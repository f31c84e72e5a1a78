"""The review (SPEC §5, §6): statuses and cadence, every aggregate, both languages, escaping."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Run
from mou.checks import run_checks
from mou.escape import markdown_text
from mou.load import load
from mou.periods import PeriodError, add_duration, parse_period
from mou.render import render_review
from mou.review import Review, review
from mou.review_view import review_view
from mou.words import Words

Tree = Callable[[dict[str, str | bytes]], Path]
GOLDEN = Path(__file__).parent / "golden"
DEMO = REPO / "examples" / "demo"
DEMO_AS_OF = "2025-12-31"


def exchange(day: str, sender: str = "cis", receiver: str = "iom") -> str:
    return (
        f"kind: exchange\ndate: {day}\nfrom: {sender}\nto: {receiver}\nsubject: Bulletin\n"
        "public_domain: true\n"
    )


def meeting(day: str, **fields: str) -> str:
    values = {
        "type": "consultation",
        "title": "Talks",
        "status": "held",
        "location": "Minsk",
        "format": "online",
        "organizer": "cis",
        **fields,
    }
    return f"kind: meeting\ndate: {day}\n" + "".join(f"{k}: {v}\n" for k, v in values.items())


def review_of(root: Path, period: str, as_of: str) -> Review:
    records = load(root)
    today = date.fromisoformat(as_of)
    return review(records, parse_period(period), today, run_checks(records, today))


def clause(result: Review, clause_id: str) -> tuple[str, int, int | None, date | None]:
    found = next(c for c in result.clauses if c.clause.id == clause_id)
    return found.status, found.count, found.longest_gap_days, found.next_due


# --- periods and calendar arithmetic ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2024-H1", "2024-01-01", "2024-06-30"),
        ("2024-H2", "2024-07-01", "2024-12-31"),
        ("2024-Q1", "2024-01-01", "2024-03-31"),
        ("2024-Q3", "2024-07-01", "2024-09-30"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024-03-12", "2024-03-12", "2024-03-12"),
        ("2023..2024", "2023-01-01", "2024-12-31"),
        ("2024-01-01..2024-06-30", "2024-01-01", "2024-06-30"),
        ("2024-Q2..2024-11", "2024-04-01", "2024-11-30"),
    ],
)
def test_periods(text: str, start: str, end: str) -> None:
    period = parse_period(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    "text",
    ["24", "2024-Q5", "2024-H3", "2024-13", "2024-02-30", "last year", "2024..2023", "2024-W01"],
)
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


@pytest.mark.parametrize(
    ("day", "duration", "due"),
    [
        ("2024-01-31", "P1M", "2024-02-29"),
        ("2023-11-30", "P3M", "2024-02-29"),
        ("2024-02-29", "P1Y", "2025-02-28"),
        ("2023-08-31", "P6M", "2024-02-29"),
        ("2024-03-31", "P3M", "2024-06-30"),
        ("2024-01-01", "P2W", "2024-01-15"),
    ],
)
def test_calendar_arithmetic(day: str, duration: str, due: str) -> None:
    assert add_duration(date.fromisoformat(day), duration) == date.fromisoformat(due)


# --- clause status and cadence ---------------------------------------------------------------


def test_on_track_at_the_month_end_and_behind_a_day_later(base_tree: Tree) -> None:
    # 2023-11-30 + P3M is 2024-02-29 (2024 is a leap year): on that day still on track.
    on_time = base_tree(
        {
            "a.yaml": exchange("2023-11-30"),
            "b.yaml": exchange("2024-02-29"),
            "c.yaml": exchange("2024-05-20"),
        }
    )
    assert clause(review_of(on_time, "2024-H1", "2024-06-30"), "1.2") == (
        "on-track",
        2,
        91,
        date(2024, 8, 20),
    )


def test_behind_a_day_after_the_month_end(base_tree: Tree) -> None:
    late = base_tree(
        {
            "a.yaml": exchange("2023-11-30"),
            "b.yaml": exchange("2024-03-01"),
            "c.yaml": exchange("2024-05-20"),
        }
    )
    status, count, gap, _ = clause(review_of(late, "2024-H1", "2024-06-30"), "1.2")
    assert (status, count, gap) == ("behind", 2, 92)


def test_meetings_are_one_list_by_date_consultations_first_on_a_day(base_tree: Tree) -> None:
    root = base_tree(
        {
            "b-review.yaml": meeting("2024-03-01", type="review"),
            "a-talks.yaml": meeting("2024-03-01"),
            "c-other.yaml": meeting("2024-01-10", type="other"),
            "d-before.yaml": meeting("2023-12-01"),
        }
    )
    result = review_of(root, "2024", "2024-12-31")
    assert [e.id for e in result.meetings] == ["c-other", "a-talks", "b-review"]
    data = json.loads(render_review(result, "json", "en"))
    assert data["meetings"] == {"consultations": ["a-talks"], "other": ["c-other", "b-review"]}


def test_anchor_is_the_latest_qualifying_date_before_the_period(base_tree: Tree) -> None:
    root = base_tree(
        {
            "a.yaml": exchange("2023-06-01"),
            "b.yaml": exchange("2023-12-20"),
            "c.yaml": exchange("2024-03-10"),
            "d.yaml": exchange("2024-05-30"),
        }
    )
    # anchor 2023-12-20 → 2024-03-10 (81 days) → 2024-05-30 (81) → cut-off 2024-06-30 (31)
    assert clause(review_of(root, "2024-H1", "2025-01-01"), "1.2") == (
        "on-track",
        2,
        81,
        date(2024, 8, 30),
    )


def test_without_an_earlier_record_the_anchor_is_the_period_start(base_tree: Tree) -> None:
    root = base_tree({"c.yaml": exchange("2024-04-15")})
    # 2024-01-01 → 2024-04-15 is 105 days, more than P3M (2024-04-01): behind.
    assert clause(review_of(root, "2024-H1", "2025-01-01"), "1.2") == (
        "behind",
        1,
        105,
        date(2024, 7, 15),
    )


def test_as_of_inside_the_period_is_the_cut_off(base_tree: Tree) -> None:
    root = base_tree(
        {
            "a.yaml": exchange("2024-01-15"),
            "b.yaml": exchange("2024-03-01"),
            "later.yaml": exchange("2024-05-01"),
        }
    )
    result = review_of(root, "2024", "2024-03-20")
    assert result.cut_off == date(2024, 3, 20)
    # Records after the cut-off do not count; the gap runs to the cut-off (19 days).
    assert clause(result, "1.2") == ("on-track", 2, 46, date(2024, 6, 1))


def test_the_gap_to_the_cut_off_can_make_a_clause_behind(base_tree: Tree) -> None:
    root = base_tree({"a.yaml": exchange("2024-01-15")})
    assert clause(review_of(root, "2024", "2024-12-31"), "1.2")[0] == "behind"
    assert clause(review_of(root, "2024", "2024-04-15"), "1.2")[0] == "on-track"


def test_no_activity_and_next_due_from_before_the_period(base_tree: Tree) -> None:
    root = base_tree({"a.yaml": exchange("2023-10-01")})
    # The gap runs from the anchor (2023-10-01) to the cut-off: 457 days.
    assert clause(review_of(root, "2024", "2024-12-31"), "1.2") == (
        "no-activity",
        0,
        457,
        date(2024, 1, 1),
    )


def test_clause_without_cadence_and_clause_without_evidence(base_tree: Tree) -> None:
    visit = (
        'kind: activity\nclause: "1.1"\ntitle: Visit\ndate: 2024-05-01\n'
        "parties: [cis, iom]\nstates: [ARM, KAZ]\n"
    )
    root = base_tree({"v.yaml": visit})
    result = review_of(root, "2024", "2024-12-31")
    assert clause(result, "1.1") == ("on-track", 1, None, None)
    assert clause(result, "5") == ("n/a", 0, None, None)
    assert clause(review_of(root, "2023", "2024-12-31"), "1.1") == ("no-activity", 0, None, None)


def test_only_qualifying_records_count(base_tree: Tree) -> None:
    root = base_tree(
        {
            "held.yaml": meeting("2024-02-01"),
            "planned.yaml": meeting("2024-03-01", status="planned"),
            "cancelled.yaml": meeting("2024-04-01", status="cancelled"),
            "other.yaml": meeting("2024-05-01", type="other"),
            "contact.yaml": "kind: contact\nparty: cis\nname: A\nfrom: 2024-01-01\n",
        }
    )
    assert clause(review_of(root, "2024-H1", "2024-12-31"), "2")[:2] == ("on-track", 1)


def test_bilateral_records_are_left_out_of_every_count(base_tree: Tree) -> None:
    bilateral = (
        'kind: activity\nclause: "1.1"\ntitle: Visit\ndate: 2024-05-01\n'
        "parties: [iom]\nstates: [KAZ]\nscope: bilateral\n"
    )
    programme = (
        "kind: programme\ntitle: P\nstart: 2024-01-01\nstatus: active\nlead: [iom]\n"
        "states: [KGZ]\nscope: bilateral\n"
    )
    root = base_tree({"v.yaml": bilateral, "p.yaml": programme})
    result = review_of(root, "2024", "2024-12-31")
    assert clause(result, "1.1") == ("no-activity", 0, None, None)
    assert result.programmes == ()
    assert sorted(e.id for e in result.bilateral) == ["p", "v"]


# --- the other aggregates -------------------------------------------------------------------


def test_costs_by_payer_currency_and_status(base_tree: Tree) -> None:
    arrangement = """kind: arrangement
title: A
date: 2024-03-01
status: signed
expenses:
  - {item: a, payer: cis, amount: "100.50", currency: USD, status: paid}
  - {item: b, payer: cis, amount: "200.25", currency: USD, status: paid}
  - {item: c, payer: cis, amount: "1000", currency: RUB, status: committed}
  - {item: d, payer: iom, amount: "50", currency: USD, status: planned, date: 2024-12-01}
  - {item: e, payer: iom, amount: "70", currency: EUR, status: paid, date: 2025-01-05}
"""
    draft = arrangement.replace("status: signed", "status: draft")
    root = base_tree({"a.yaml": arrangement, "draft.yaml": draft})
    # As of mid-year: planned future expenses of the period count all the same.
    costs = review_of(root, "2024", "2024-06-30").costs
    assert [(c.payer, c.currency, c.status, c.amount) for c in costs] == [
        ("cis", "RUB", "committed", Decimal("1000")),
        ("cis", "USD", "paid", Decimal("300.75")),
        ("iom", "USD", "planned", Decimal("50")),
    ]


def test_representation_exchanges_requests_actions_contacts(base_tree: Tree) -> None:
    request = (
        "kind: request\ndate: {d}\nrequested_by: cis\naddressed_to: iom\nsubject: S\nstatus: {s}\n"
    )
    root = base_tree(
        {
            "r1.yaml": meeting("2024-02-01", type="representation", observers="[iom]"),
            "r2.yaml": meeting("2024-03-01", type="representation", observers="[iom]"),
            "r3.yaml": meeting(
                "2024-04-01", type="representation", organizer="iom", observers="[cis]"
            ),
            "e1.yaml": exchange("2024-02-01"),
            "e2.yaml": exchange("2024-03-01", "iom", "cis"),
            "q1.yaml": request.format(d="2024-01-10", s="delivered") + "responded_on: 2024-01-20\n",
            "q2.yaml": request.format(d="2024-02-10", s="declined") + "responded_on: 2024-02-25\n",
            "q3.yaml": request.format(d="2024-03-10", s="open"),
            "old.yaml": meeting("2023-05-01") + "actions:\n  - {id: late, text: T, owner: iom, "
            "due: 2023-06-01, status: open}\n",
            "new.yaml": meeting("2024-05-01") + "actions:\n  - {id: a1, text: T, owner: cis, "
            "status: done}\n  - {id: a2, text: T, owner: cis, status: open}\n",
            "c1.yaml": "kind: contact\nparty: cis\nname: A\nfrom: 2023-01-01\nto: 2024-01-10\n",
            "c2.yaml": "kind: contact\nparty: cis\nname: B\nfrom: 2024-01-21\n",
            "c3.yaml": "kind: contact\nparty: cis\nname: C\nfrom: 2024-01-25\nto: 2024-02-01\n",
        }
    )
    result = review_of(root, "2024-H1", "2024-12-31")
    assert result.representation == (("cis", "iom", 2), ("iom", "cis", 1))
    assert result.exchanges == (("cis", "iom", 1), ("iom", "cis", 1))
    assert (result.requests.opened, result.requests.resolved) == (3, 2)
    assert result.requests.median_response_days == 12.5  # the mean of 10 and 15
    assert (result.actions.opened, result.actions.closed) == (2, 1)
    assert [o.id for o in result.actions.overdue] == ["old#late"]
    # cis: 11..20 January without a contact (to is inclusive); iom: never designated.
    assert result.contacts == (("cis", 10), ("iom", 182))


def test_seminar_counts_topics_and_participants(base_tree: Tree, run: Run) -> None:
    seminar = (
        "kind: seminar\nform: seminar\ntitle: S\ndate: {d}\nstatus: {s}\nlocation: M\n"
        "format: online\norganizers: [cis]\ntopics: [{t}]\n"
    )
    root = base_tree(
        {
            "s1.yaml": seminar.format(d="2024-02-01", s="held", t="irregular-migration")
            + "participants_count: 40\nstates: [KAZ, ARM]\n",
            "s2.yaml": seminar.format(d="2024-03-01", s="held", t="irregular-migration")
            + "participants_count: 25\nstates: [ARM]\n",
            "s3.yaml": seminar.format(
                d="2024-04-01", s="cancelled", t="trafficking-in-human-beings"
            ),
            "s4.yaml": seminar.format(d="2024-05-01", s="postponed", t="irregular-migration"),
        }
    )
    s = review_of(root, "2024-H1", "2024-12-31").seminars
    assert (s.held, s.planned, s.cancelled, s.postponed, s.participants) == (2, 0, 1, 1, 65)
    assert s.topics == (("irregular-migration", 2), ("trafficking-in-human-beings", 0))
    assert s.states == ("ARM", "KAZ")
    assert len(s.records) == 4
    markdown = run("--records", str(root), "review", "--period", "2024-H1", "--as-of", "2024-12-31")
    # The postponed sentence keeps its space and the line break after it.
    assert "Cancelled: 1. 1 postponed, not counted.\n65 participants" in markdown.output


# --- the demo record's review: golden files -------------------------------------------------


@pytest.fixture(scope="module")
def demo_review() -> Review:
    return review_of(DEMO, "2024", DEMO_AS_OF)


@pytest.mark.parametrize(
    ("language", "suffix"), [("en", "md"), ("ru", "md"), ("en", "json"), ("ru", "json")]
)
def test_golden_review(language: str, suffix: str, demo_review: Review) -> None:
    rendered = render_review(demo_review, suffix, language)
    golden = GOLDEN / f"review-2024.{language}.{suffix}"
    if os.environ.get("MOU_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8"), (
        f"run MOU_UPDATE_GOLDEN=1 and diff {golden}"
    )


def test_json_has_the_keys_the_spec_names(demo_review: Review) -> None:
    data: dict[str, Any] = json.loads(render_review(demo_review, "json", "en"))
    assert data["period"] == {"label": "2024", "start": "2024-01-01", "end": "2024-12-31"}
    assert data["as_of"] == DEMO_AS_OF
    assert set(data["clauses"][0]) >= {"id", "status", "count", "longest_gap_days", "next_due"}
    assert set(data["seminars"]) >= {"held", "planned", "cancelled", "participants"}
    assert set(data["requests"]) >= {"opened", "resolved", "median_response_days"}
    assert set(data["actions"]) >= {"opened", "closed", "overdue"}
    assert data["costs"][0] == {
        "payer": "cis",
        "currency": "RUB",
        "status": "paid",
        "amount": "2100000.00",
    }
    assert data["contacts"] == [
        {"party": "cis", "days_without": 31},
        {"party": "iom", "days_without": 0},
    ]
    assert data["actions"]["overdue"] == ["2023-10-12-consultations-geneva#glossary"]
    assert [f["code"] for f in data["findings"]] == ["MOU303", "MOU308", "MOU304"]


@pytest.mark.parametrize(
    ("count", "word"),
    [(1, "день"), (2, "дня"), (5, "дней"), (11, "дней"), (21, "день"), (22, "дня"), (112, "дней")],
)
def test_russian_plural_forms(count: int, word: str, demo_review: Review) -> None:
    assert Words("ru", demo_review.memorandum).days(count) == f"{count} {word}"


def test_english_plural_forms(demo_review: Review) -> None:
    words = Words("en", demo_review.memorandum)
    assert (words.days(1), words.days(2), words.days(0)) == ("1 day", "2 days", "0 days")


def test_every_word_of_the_closed_vocabularies_is_translated(demo_review: Review) -> None:
    from mou.words import vocabulary

    words = Words("ru", demo_review.memorandum)
    codes = vocabulary()
    assert {"in-progress", "round-table", "signed", "on-track"} <= set(codes)  # from Literals
    assert [code for code in codes if words.word(code) == code] == []


def test_every_message_is_translated() -> None:
    from babel.messages.pofile import read_po

    with (REPO / "mou" / "locale" / "ru" / "LC_MESSAGES" / "mou.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not untranslated


def test_catalog_template_is_current(tmp_path: Path) -> None:
    import subprocess
    import sys

    pybabel = Path(sys.executable).parent / "pybabel"
    fresh = tmp_path / "mou.pot"
    subprocess.run(
        [
            pybabel,
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "NT:1,2",
            "--no-location",
            "--sort-output",
            "-o",
            fresh,
            ".",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )

    def ids(path: Path) -> list[str]:
        return [line for line in path.read_text().splitlines() if line.startswith("msgid")]

    assert ids(fresh) == ids(REPO / "mou" / "locale" / "mou.pot"), "run `make messages`"


# --- escaping --------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> | [click](javascript:alert(1)) *bold* `code`\n# heading"


def test_record_text_is_escaped_in_html_and_markdown(base_tree: Tree) -> None:
    root = base_tree({"m.yaml": meeting("2024-02-01", title=json.dumps(HOSTILE))})
    result = review_of(root, "2024", "2024-12-31")
    html = render_review(result, "html", "en")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown = render_review(result, "md", "en")
    row = next(line for line in markdown.splitlines() if "alert" in line)
    assert row.count("|") - row.count("\\|") == 6  # five cells: the title broke nothing
    assert "\\[click\\](javascript:alert(1))" in row
    assert "\\<script\\>" in row
    assert "\n# heading" not in markdown


def test_markdown_text_is_inert() -> None:
    assert markdown_text("a | b") == "a \\| b"
    assert markdown_text("# title") == "\\# title"
    assert markdown_text("line\nbreak") == "line break"


def test_the_review_template_is_autoescaped() -> None:
    from mou.render import environment

    template = environment(html=True).from_string("{{ x }}")
    assert template.render(x="<b>") == "&lt;b&gt;"


def test_html_makes_no_external_request(demo_review: Review) -> None:
    import re

    html = render_review(demo_review, "html", "ru")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "@import" not in html and "url(" not in html
    assert "<svg" in html and "Content-Security-Policy" in html


# --- the command -----------------------------------------------------------------------------


def test_review_command_formats_and_output(run: Run, tmp_path: Path) -> None:
    demo = str(DEMO)
    base = ["--records", demo, "review", "--period", "2024", "--as-of", DEMO_AS_OF]
    markdown = run(*base)
    assert markdown.exit_code == 0
    assert markdown.output == (GOLDEN / "review-2024.en.md").read_text(encoding="utf-8")
    text = run(*base, "--format", "text", "--lang", "ru").output
    assert "Совместный обзор реализации" in text and "|---" not in text
    target = tmp_path / "review.html"
    result = run(*base, "--format", "html", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--period", "2024-Q5"], "--period: `2024-Q5` is not a period"),
        (["--period", "2026", "--as-of", "2025-01-01"], "is before the period 2026 starts"),
        (["--period", "2024", "--format", "pdf"], "pdf"),
        (["--period", "2024", "--lang", "fr"], "fr"),
        (["--period", "2024", "--template", "/nonexistent.j2"], "no such file"),
    ],
)
def test_review_usage_errors(options: list[str], message: str, run: Run) -> None:
    result = run("--records", str(DEMO), "review", *options)
    assert result.exit_code == 2
    assert message in result.output


def test_user_template_gets_the_same_data_in_a_sandbox(run: Run, tmp_path: Path) -> None:
    good = tmp_path / "summary.txt.j2"
    good.write_text(
        "{{ review.period.label }}: {% for c in review.clauses %}{{ c.clause.id }}="
        "{{ w.word(c.status) }} {% endfor %}\n"
    )
    base = ["--records", str(DEMO), "review", "--period", "2024", "--as-of", DEMO_AS_OF]
    result = run(*base, "--template", str(good), "--lang", "ru")
    assert result.exit_code == 0
    assert result.output.startswith("2024: 1.1=выполняется 1.2=с отставанием")
    typo = tmp_path / "typo.j2"
    typo.write_text("{{ review.perod.label }}\n")
    assert run(*base, "--template", str(typo)).exit_code == 2
    escape = tmp_path / "escape.j2"
    escape.write_text("{{ review.__class__.__mro__ }}\n")
    result = run(*base, "--template", str(escape))
    assert result.exit_code == 2
    assert "not allowed in a template" in result.output or "has no attribute" in result.output
    broken = tmp_path / "broken.j2"
    broken.write_text("{{ 1 / 0 }}\n")
    result = run(*base, "--template", str(broken))
    assert result.exit_code == 2
    assert "ZeroDivisionError" in result.output
    broken.write_text("{{ review.clauses[0].records|dictsort }}\n")  # (a list, not a mapping)
    result = run(*base, "--template", str(broken))
    assert result.exit_code == 2
    assert "broken.j2:1: AttributeError" in result.output and "Traceback" not in result.output
    html = tmp_path / "page.html"
    html.write_text("<p>{{ review.memorandum.parties[0].id }}{{ '<b>' }}</p>\n")
    assert run(*base, "--template", str(html)).output == "<p>cis&lt;b&gt;</p>\n"


def test_user_template_reads_each_clause_records(run: Run, tmp_path: Path) -> None:
    # A user's template gets each clause's records as a tuple: counted, indexed, sliced,
    # looped over, added to another and repeated, they are the review's.
    page = tmp_path / "clauses.txt.j2"
    page.write_text(
        "{% for c in review.clauses %}{{ c.clause.id }} {{ c.records|length }}"
        "{% if c.records %} {{ c.records[0].id }} {{ c.records[-1:][0].title }}{% endif %}:"
        "{% for r in c.records %} {{ r.id }}/{{ r.kind }}/{{ r.date }}{% endfor %}"
        " {{ (c.records + review.bilateral + c.records * 2)|length }} {{ c.records|tojson }}"
        "{{ '\\n' }}{% endfor %}"
    )
    base = ["--records", str(DEMO), "review", "--period", "2024", "--as-of", DEMO_AS_OF]
    result = run(*base, "--template", str(page))
    assert result.exit_code == 2 and "JSON serializable" in result.output  # (records: views)
    page.write_text(page.read_text().replace(" {{ c.records|tojson }}", ""))
    result = run(*base, "--template", str(page))
    assert result.exit_code == 0, result.output
    review = review_of(DEMO, "2024", DEMO_AS_OF)
    words = Words("en", review.memorandum)
    bilateral = len(review.bilateral)
    expected = []
    for clause in review.clauses:
        line = f"{clause.clause.id} {len(clause.records)}"
        if clause.records:
            line += f" {clause.records[0].id} {words.title(clause.records[-1])}"
        line += ":" + "".join(f" {e.id}/{e.kind}/{e.model.dated}" for e in clause.records)
        expected.append(f"{line} {3 * len(clause.records) + bilateral}")
    assert result.output.splitlines() == expected
    assert any(clause.records for clause in review.clauses)
    # The site's own pages get them made only when read (review_view.Later): the same views.
    plain, later = (review_view(review, words, later=made).clauses for made in (False, True))
    assert all(type(c.records) is tuple for c in plain)
    assert plain == later and hash(plain) == hash(later)
    assert [c.records for c in plain] == [c.records for c in later]
    assert [len(c.records) for c in plain] == [len(c.records) for c in later]


@pytest.mark.parametrize(
    ("period", "labels"),
    [
        ("2024-Q2", ["Apr 24", "May 24", "Jun 24"]),
        ("2023..2025", ["Jan 23", "Jul 23", "Jan 24", "Jul 24", "Jan 25", "Jul 25"]),
        ("2016..2025", [f"Jan {year % 100:02d}" for year in range(2016, 2026)]),
    ],
)
def test_timeline_ticks_fit_the_period(period: str, labels: list[str]) -> None:
    from mou.timeline import timeline

    result = review_of(DEMO, period, DEMO_AS_OF)
    ticks = timeline(result, Words("en", result.memorandum)).ticks
    assert [tick.label for tick in ticks] == labels
    assert all(150 <= tick.x <= 940 for tick in ticks)


def test_contact_details_only_when_asked(demo_review: Review) -> None:
    for output_format in ("md", "html", "json"):
        plain = render_review(demo_review, output_format, "en")
        assert "D. Sergeev" in plain
        assert "@example.org" not in plain and "000 00 00" not in plain
        asked = render_review(demo_review, output_format, "en", contact_details=True)
        assert "d.sergeev@example.org" in asked and "+41 22 000 00 00" in asked.replace("\\+", "+")


def _view_fields(kind: Any, seen: set[Any]) -> set[str]:
    """Every field name reachable from a view class (dataclasses, named tuples, and the
    classes named in their annotations)."""
    import dataclasses
    import typing

    if kind in seen:
        return set()
    seen.add(kind)
    named_tuple = isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields")
    if not (dataclasses.is_dataclass(kind) or named_tuple):
        return set()
    hints = typing.get_type_hints(kind)
    names = set(hints)
    for hint in hints.values():
        for inner in (hint, *typing.get_args(hint)):
            for candidate in (inner, *typing.get_args(inner)):
                names |= _view_fields(candidate, seen)
    return names


def test_the_user_template_api_is_documented() -> None:
    from mou.review_view import ReviewView

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### The user-template API", 1)[1].split("\n### ", 1)[0]
    missing = sorted(n for n in _view_fields(ReviewView, set()) if f"`{n}`" not in section)
    assert not missing, f"README's user-template API lacks {missing}"
