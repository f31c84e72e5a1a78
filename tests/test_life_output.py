"""The memorandum's life shown: the review's "Life of the memorandum" (md, text, html, json,
golden for a fixed day), `mou status` warning before the notice deadline (`--notice-days`),
the calendar's notice deadline and term end. The illustrative memorandum of
tests/cases/life-illustrative/: in force 2008-10-01, P5Y, renewed automatically for P2Y,
notice P6M, amended on 2015-03-02. Memoranda without these fields show none of it (the
existing goldens stay byte-identical)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, Run, case_tree

GOLDEN = Path(__file__).parent / "golden"
DEMO = str(REPO / "examples" / "demo")


@pytest.fixture
def life_root(tmp_path: Path) -> str:
    return str(case_tree("life-illustrative", tmp_path / "life"))


def test_review_golden(run: Run, life_root: str) -> None:
    result = run(
        "--records", life_root, "review", "--period", "2016", "--as-of", "2016-05-01",
        "--format", "md",
    )  # fmt: skip
    assert result.exit_code == 0
    golden = GOLDEN / "life-review-2016.md"
    if os.environ.get("MOU_UPDATE_GOLDEN"):
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2010-06-01", ("in-force", 0, "2013-09-30", "2013-03-30")),
        ("2013-01-01", ("notice-window", 0, "2013-09-30", "2013-03-30")),
        ("2013-10-01", ("in-force", 1, "2015-09-30", "2015-03-30")),
        ("2017-03-30", ("notice-window", 2, "2017-09-30", "2017-03-30")),
        ("2017-03-31", ("in-force", 2, "2017-09-30", "2017-03-30")),
    ],
)
def test_review_json_life_follows_the_renewals(
    run: Run, life_root: str, as_of: str, expected: tuple[str, int, str, str]
) -> None:
    state, renewals, term_end, notice_by = expected
    result = run(
        "--records", life_root, "review", "--period", as_of[:4], "--as-of", as_of,
        "--format", "json",
    )  # fmt: skip
    life = json.loads(result.output)["life"]
    assert (life["state"], life["in_force_since"]) == (state, "2008-10-01")
    assert life["term"]["renewals"] == renewals
    assert (life["term"]["end"], life["term"]["notice_by"]) == (term_end, notice_by)
    assert [(a["id"], a["added"], a["changed"], a["removed"]) for a in life["amendments"]] == [
        ("protocol-1", ["6"], ["2"], ["1.1"])
    ]


def test_a_memorandum_without_life_shows_none(run: Run) -> None:
    data = json.loads(
        run("--records", DEMO, "review", "--period", "2024", "--format", "json").output
    )
    assert "life" not in data
    text = run("--records", DEMO, "review", "--period", "2024", "--format", "md").output
    assert "Life of the memorandum" not in text
    status = json.loads(run("--records", DEMO, "status", "--format", "json").output)
    assert "life" not in status
    calendar = run("--records", DEMO, "calendar", "--as-of", "2025-01-01").output
    assert "memorandum-notice" not in calendar


def test_review_html_and_russian_text(run: Run, life_root: str) -> None:
    options = ("review", "--period", "2016", "--as-of", "2016-05-01")
    html = run("--records", life_root, *options, "--format", "html").output
    assert "<h2>Life of the memorandum</h2>" in html
    assert "<li>Last day to give notice: 30 Mar 2017</li>" in html
    assert "<td>Protocol on joint training</td><td>6</td><td>2</td><td>1.1</td>" in html
    text = run("--records", life_root, *options, "--format", "text", "--lang", "ru").output
    assert "Срок действия Меморандума" in text
    assert "Протокол о совместном обучении" in text


def test_amendment_titles_are_escaped(run: Run, tmp_path: Path) -> None:
    root = case_tree("life-illustrative", tmp_path / "life")
    memorandum = root / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8").replace(
        "{en: Protocol on joint training, ru: Протокол о совместном обучении}",
        '"<script>x</script> | *bold*"',
    )
    memorandum.write_text(text, encoding="utf-8")
    options = ("--records", str(root), "review", "--period", "2016", "--as-of", "2016-05-01")
    html = run(*options, "--format", "html").output
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    md = run(*options, "--format", "md").output
    assert "| *bold*" not in md


def status_text(run: Run, root: str, *options: str) -> str:
    result = run("--records", root, "status", *options)
    assert result.exit_code == 0
    return result.output


def test_status_warns_from_90_days_before_the_notice_deadline(run: Run, life_root: str) -> None:
    deadline = "notice of non-renewal or termination by 2017-03-30"
    assert deadline not in status_text(run, life_root, "--as-of", "2016-12-29")
    assert f"{deadline} (in 90 days)" in status_text(run, life_root, "--as-of", "2016-12-30")
    assert f"{deadline} (today)" in status_text(run, life_root, "--as-of", "2017-03-30")
    assert "notice of" not in status_text(run, life_root, "--as-of", "2017-03-31")
    shorter = ("--as-of", "2017-01-30", "--notice-days", "30")
    assert "notice of" not in status_text(run, life_root, *shorter)
    assert deadline in status_text(run, life_root, "--as-of", "2017-02-28", "--notice-days", "30")
    data = json.loads(status_text(run, life_root, "--as-of", "2017-01-01", "--format", "json"))
    assert data["life"]["state"] == "notice-window"
    assert data["life"]["term"]["notice_by"] == "2017-03-30"


def test_status_says_when_the_memorandum_ended(run: Run, tmp_path: Path) -> None:
    root = case_tree("life-illustrative", tmp_path / "life")
    memorandum = root / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8").replace("renewal: automatic", "renewal: none")
    memorandum.write_text(text.replace("renewal_term: P2Y\n", ""), encoding="utf-8")
    out = status_text(run, str(root), "--as-of", "2014-01-01")
    assert "expired: its last day in force was 2013-09-30" in out


def test_calendar_has_the_notice_deadline_and_the_term_end(run: Run, life_root: str) -> None:
    out = run("--records", life_root, "calendar", "--as-of", "2017-01-01").output
    assert "UID:memorandum-notice-2@mou.invalid" in out
    assert "DTSTART;VALUE=DATE:20170330" in out
    assert "UID:memorandum-term-end-2@mou.invalid" in out
    assert "DTSTART;VALUE=DATE:20170930" in out
    outside = run("--records", life_root, "calendar", "--as-of", "2017-01-01", "--period", "2016")
    assert "memorandum-notice" not in outside.output


@pytest.mark.parametrize(
    ("language", "summary"),
    [("en", "Termination takes effect"), ("ru", "Прекращение действия вступает в силу")],
)
def test_calendar_has_the_day_a_termination_takes_effect(
    run: Run, tmp_path: Path, language: str, summary: str
) -> None:
    """A termination recorded ahead of time: its day (`terminated.date`, the first day no
    longer in force) is an event, and the current term's notice and end are not."""
    from icalendar import Calendar

    root = case_tree("life-illustrative", tmp_path / "life")
    memorandum = root / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8")
    memorandum.write_text(text + "terminated: {date: 2017-06-30, by: iom}\n", encoding="utf-8")
    options = ("--records", str(root), "calendar", "--as-of", "2017-01-01", "--lang", language)
    out = run(*options).stdout_bytes
    ended = {
        str(event["uid"]): event
        for event in Calendar.from_ical(out).walk("VEVENT")
        if str(event["uid"]).startswith("memorandum-")
    }
    assert list(ended) == ["memorandum-terminated@mou.invalid"]
    event = ended["memorandum-terminated@mou.invalid"]
    assert str(event["summary"]).endswith(f": {summary}")
    assert event.decoded("dtstart") == date(2017, 6, 30)
    assert event.walk("VALARM")[0]["description"] == summary  # a reminder the day before
    outside = run(*options, "--period", "2016").output
    assert "memorandum-terminated" not in outside


def clause_counts(run: Run, root: Path, period: str) -> dict[str, int]:
    options = ("--records", str(root), "review", "--period", period, "--as-of", "2016-12-31")
    result = run(*options, "--format", "json")
    return {c["id"]: c["count"] for c in json.loads(result.output)["clauses"]}


def clause_text(run: Run, root: Path, period: str) -> str:
    options = ("--records", str(root), "review", "--period", period, "--as-of", "2016-12-31")
    return str(run(*options, "--format", "md").output)


def test_clauses_follow_the_amendment_before_across_and_after(run: Run, tmp_path: Path) -> None:
    # protocol-1 (2015-03-02) adds clause 6, changes 2, removes 1.1.
    root = case_tree("life-illustrative", tmp_path / "life")
    for day in ("2015-01-10", "2015-06-01"):
        (root / f"{day}-activity.yaml").write_text(
            f'kind: activity\nclause: "1.1"\ntitle: Cooperation\ndate: {day}\n'
            "parties: [cis, iom]\nstates: [ARM, KAZ]\n",
            encoding="utf-8",
        )
    (root / "2015-02-01-activity.yaml").write_text(
        'kind: activity\nclause: "6"\ntitle: Training before the protocol\ndate: 2015-02-01\n'
        "parties: [cis, iom]\nstates: [ARM, KAZ]\n",
        encoding="utf-8",
    )
    before = clause_counts(run, root, "2014")
    assert list(before) == ["1.1", "1.2", "2"]
    assert "| 2. Consultations. |" in clause_text(run, root, "2014")
    across = clause_counts(run, root, "2015")
    assert list(across) == ["1.1", "1.2", "2", "6"]
    assert across["1.1"] == 1  # the activity of 2015-01-10, not the one after removal
    assert "| 2. Consultations twice a year. |" in clause_text(run, root, "2015")
    assert across["6"] == 0  # training before the protocol added the clause does not count
    after = clause_counts(run, root, "2016")
    assert list(after) == ["1.2", "2", "6"]
    assert after["6"] == 1  # 2016-04-12
