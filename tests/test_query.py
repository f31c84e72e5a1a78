"""Asking the record: `mou list`, `mou show`, `mou actions`, `mou calendar`, `mou diff`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Run, build_tree, case_tree, git

Tree = Callable[[dict[str, str | bytes]], Path]
DEMO = str(REPO / "examples" / "demo")


def listed(run: Run, *options: str) -> list[str]:
    result = run("--records", DEMO, "list", *options, "--format", "json")
    assert result.exit_code == 0
    return [row["id"] for row in json.loads(result.output)]


# --- mou list --------------------------------------------------------------------------------


def test_list_filters(run: Run) -> None:
    assert listed(run, "exchanges", "--period", "2024", "--party", "iom") == [
        "2024-01-18-cis-bulletin-2023",
        "2024-04-25-iom-border-brief",
        "2024-11-12-cis-biometric-overview",
    ]
    assert listed(run, "seminar", "--status", "cancelled") == [
        "2024-09-10-workshop-biometric-documents"
    ]
    assert listed(run, "--topic", "biometric-documents", "--period", "2024") == [
        "2024-09-10-workshop-biometric-documents",
        "2024-11-12-cis-biometric-overview",
    ]
    assert listed(run, "--state", "TJK", "activity") == ["2025-08-20-tajikistan-referral-meeting"]
    assert listed(run, "--clause", "4") == [
        "2024-02-20-joint-review-2023",
        "2025-02-25-joint-review-2024",
    ]
    # --party matches any party field: payer of an expense, lead of a programme, observer...
    assert "2025-02-15-arrangement-counter-trafficking" in listed(run, "--party", "cis")
    # A programme is in a period when any day of start..end is.
    assert listed(run, "programme", "--period", "2024-06") == [
        "2023-01-01-labour-migration-data",
        "2024-01-15-kyrgyzstan-border-project",
    ]


def test_list_json_has_id_kind_path_and_every_field(run: Run) -> None:
    rows = json.loads(run("--records", DEMO, "list", "request", "--format", "json").output)
    first = rows[0]
    assert (first["id"], first["kind"], first["path"]) == (
        "2023-06-05-experts-trafficking-seminar",
        "request",
        "requests/2023-06-05-experts-trafficking-seminar.yaml",
    )
    assert first["responded_on"] == "2023-06-15"
    assert first["subject"]["ru"].startswith("Эксперты")


def test_list_rows_are_sorted_by_date(run: Run) -> None:
    output = run("--records", DEMO, "list", "meeting", "--period", "2024").output
    header, *rows = output.splitlines()
    assert header.split("\t") == ["date", "kind", "id", "title", "status"]
    dates = [row.split("\t")[0] for row in rows]
    assert dates == sorted(dates) and len(dates) == 5


def test_list_usage_errors(run: Run) -> None:
    assert run("--records", DEMO, "list", "minutes").exit_code == 2
    assert run("--records", DEMO, "list", "--clause", "9").exit_code == 2
    assert run("--records", DEMO, "list", "--period", "soon").exit_code == 2


INJECTIONS = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "\nLF",
    "\0NUL",
]


def test_csv_neutralises_formulas_and_keeps_numbers(base_tree: Tree, run: Run) -> None:
    files: dict[str, str | bytes] = {
        f"s{i}.yaml": "kind: seminar\nform: seminar\ntitle: "
        + json.dumps(title)
        + f"\ndate: 2024-0{i + 1}-01\nstatus: planned\nlocation: M\nformat: online\n"
        "organizers: [cis]\ntopics: [irregular-migration]\nparticipants_count: 40\n"
        for i, title in enumerate(INJECTIONS)
    }
    root = base_tree(files)
    result = run("--records", str(root), "list", "seminar", "--format", "csv")
    assert result.stdout_bytes.count(b"\r\n") == len(INJECTIONS) + 1  # RFC 4180 line ends
    output = result.stdout_bytes.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(output, newline="")))
    # CR and NUL are written as `\uXXXX` (nothing raw in a CSV), so no longer a formula's start
    escaped = {"\rCR": "\\u000dCR", "\0NUL": "\\u0000NUL"}
    assert [row["title"] for row in rows] == [escaped.get(t, "'" + t) for t in INJECTIONS]
    assert {row["participants_count"] for row in rows} == {"40"}  # a number, not '40


def test_contact_details_only_in_the_directory(base_tree: Tree, run: Run) -> None:
    contact = (
        "kind: contact\nparty: cis\nname: A. Ivanov\nemail: a@example.org\n"
        "phone: +7 495 000\nfrom: 2024-01-01\n"
    )
    root = base_tree({"c.yaml": contact})
    directory = run("--records", str(root), "list", "contact", "--format", "json").output
    assert "a@example.org" in directory and "+7 495 000" in directory
    everything = run("--records", str(root), "list", "--format", "json").output
    assert "a@example.org" not in everything and "+7 495 000" not in everything
    asked = run("--records", str(root), "list", "--format", "json", "--include-contact-details")
    assert "a@example.org" in asked.output
    shown = run("--records", str(root), "show", "c").output
    assert "a@example.org" in shown


# --- mou show --------------------------------------------------------------------------------


def test_show_resolves_references_both_ways(run: Run) -> None:
    seminar = json.loads(
        run(
            "--records",
            DEMO,
            "show",
            "2024-05-14-conference-irregular-migration",
            "--format",
            "json",
        ).output
    )
    assert seminar["record"]["participants_count"] == 120
    assert seminar["referred_by"] == [
        {
            "field": "covers",
            "id": "2024-04-01-arrangement-conference-2024",
            "kind": "arrangement",
            "path": "arrangements/2024-04-01-arrangement-conference-2024.yaml",
            "title": {
                "en": "Special arrangement on the 2024 conference on irregular migration",
                "ru": "Специальная договоренность о конференции 2024 года по нерегулярной миграции",
            },
        }
    ]
    arrangement = json.loads(
        run(
            "--records", DEMO, "show", "2023-08-01-arrangement-seminar-2023", "--format", "json"
        ).output
    )
    assert [link["id"] for link in arrangement["refers_to"]] == [
        "2023-09-19-seminar-countering-trafficking",
        "2023-01-01-labour-migration-data",
    ]
    assert [link["id"] for link in arrangement["referred_by"]] == [  # by date
        "2023-01-01-labour-migration-data",
        "2023-09-19-seminar-countering-trafficking",
    ]


def test_show_yaml_reads_like_the_record(run: Run) -> None:
    output = run("--records", DEMO, "show", "2024-08-19-biometrics-equipment").output
    assert output.startswith("id: 2024-08-19-biometrics-equipment\n")
    assert "  date: 2024-08-19\n" in output and "  status: declined\n" in output


def test_show_unknown_id_suggests_close_ones(run: Run) -> None:
    result = run("--records", DEMO, "show", "2024-05-14-conference")
    assert result.exit_code == 2
    assert (
        "no record 2024-05-14-conference; did you mean 2024-05-14-conference-irregular-migration"
        in result.output
    )


def test_show_a_record_whose_file_is_broken(base_tree: Tree, run: Run) -> None:
    root = base_tree({"broken.yaml": "kind: exchange\ndate: 2024-13-45\n"})
    result = run("--records", str(root), "show", "broken")
    assert result.exit_code == 2
    assert "its file has errors: run `mou validate`" in result.output


# --- mou actions ------------------------------------------------------------------------------


def test_actions_filters_and_days_overdue(run: Run) -> None:
    def items(*options: str) -> list[tuple[str, Any]]:
        output = run(
            "--records", DEMO, "actions", "--as-of", "2025-12-31", "--format", "json", *options
        ).output
        return [(row["id"], row["overdue_days"]) for row in json.loads(output)]

    assert items("--overdue") == [("2023-10-12-consultations-geneva#glossary", 700)]
    assert items("--open") == [
        ("2023-10-12-consultations-geneva#glossary", 700),
        ("2025-06-05-consultations-minsk#training-evaluation", None),
    ]
    assert len(items()) == 8
    assert [i for i, _ in items("--owner", "iom", "--open")] == [
        "2025-06-05-consultations-minsk#training-evaluation"
    ]
    options = ("--overdue", "--as-of", "2025-12-31", "--format", "table")
    table = run("--records", DEMO, "actions", *options).output
    assert "700" in table and "2023-10-12-consultations-geneva#glossary" in table


# --- mou calendar ----------------------------------------------------------------------------


def test_calendar_parses_back_with_every_event_uid_and_alarm(run: Run, tmp_path: Path) -> None:
    from icalendar import Calendar

    target = tmp_path / "mou.ics"
    result = run(
        "--records",
        DEMO,
        "calendar",
        "--as-of",
        "2025-12-31",
        "--lang",
        "ru",
        "--output",
        str(target),
    )
    assert result.exit_code == 0
    raw = target.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded, as RFC 5545 wants
    parsed = Calendar.from_ical(raw)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    # 13 meetings + 6 seminars + 2 open actions with a due date
    assert len(events) == 21
    council = events["2024-06-20-council-of-heads-of-migration-bodies@mou.invalid"]
    assert str(council["summary"]) == (
        "Заседание Совета руководителей миграционных органов государств – участников СНГ"
    )  # Cyrillic intact across the folded lines
    assert council.decoded("dtstart").isoformat() == "2024-06-20"
    assert council.decoded("dtstamp").isoformat().startswith("2025-12-31T00:00:00")
    planned = events["2026-03-12-consultations-geneva@mou.invalid"]
    (alarm,) = planned.walk("VALARM")
    assert alarm.decoded("trigger").days == -1
    due = events["2025-06-05-consultations-minsk#training-evaluation@mou.invalid"]
    assert str(due["summary"]).startswith("Срок: ")
    assert due.walk("VALARM")
    assert not events["2024-06-20-council-of-heads-of-migration-bodies@mou.invalid"].walk("VALARM")
    assert b"@example.org" not in raw  # no contact details in a calendar


def test_calendar_period_filter_and_stable_uids(run: Run) -> None:
    first = run("--records", DEMO, "calendar", "--period", "2024-Q2", "--as-of", "2025-12-31")
    second = run("--records", DEMO, "calendar", "--period", "2024-Q2", "--as-of", "2025-12-31")
    assert first.stdout == second.stdout
    uids = [line for line in first.stdout.splitlines() if line.startswith("UID:")]
    assert uids == [
        "UID:2024-04-18-consultations-online@mou.invalid",
        "UID:2024-05-14-conference-irregular-migration@mou.invalid",
        "UID:2024-06-20-council-of-heads-of-migration-bodies@mou.invalid",
    ]


def test_calendar_uids_are_unique_by_construction(tmp_path: Path, run: Run) -> None:
    """A meeting `x-a1` and the action `a1` of meeting `x` are two events."""
    meeting = (
        "kind: meeting\ntype: consultation\ntitle: {title}\ndate: 2024-05-01\n"
        "status: held\nlocation: Minsk\nformat: online\norganizer: cis\nobservers: [iom]\n{actions}"
    )
    actions = "actions:\n  - {id: a1, text: Report, owner: cis, due: 2024-09-01, status: open}\n"
    root = case_tree("clean", tmp_path / "case")
    build_tree(
        root,
        {
            "meetings/2024-05-01-x.yaml": meeting.format(title="X", actions=actions),
            "meetings/2024-05-01-x-a1.yaml": meeting.format(title="X a1", actions=""),
        },
    )
    result = run("--records", str(root), "calendar", "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.output
    uids = [line for line in result.stdout.splitlines() if line.startswith("UID:")]
    assert "UID:2024-05-01-x-a1@mou.invalid" in uids
    assert "UID:2024-05-01-x#a1@mou.invalid" in uids
    assert len(uids) == len(set(uids))


# --- mou diff --------------------------------------------------------------------------------


EXCHANGE = (
    "kind: exchange\ndate: 2024-01-01\nfrom: cis\nto: iom\nsubject: Bulletin\npublic_domain: true\n"
)
ARRANGEMENT = """kind: arrangement
title: A
date: 2024-01-01
status: signed
expenses:
  - {item: Venue, payer: cis, amount: "100.00", currency: USD, status: planned}
"""
CONTACT = "kind: contact\nparty: cis\nname: A\nemail: a@example.org\nfrom: 2024-01-01\n"


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A repository with records/ in three commits: v1 adds, v2 changes and deletes, v3 adds a
    record with an error."""
    repo = tmp_path / "repo"
    memorandum = (REPO / "tests" / "cases" / "_base" / "memorandum.yaml").read_text()
    build_tree(
        repo / "records",
        {
            "memorandum.yaml": memorandum,
            "exchanges/e1.yaml": EXCHANGE,
            "exchanges/e2.yaml": EXCHANGE,
            "a1.yaml": ARRANGEMENT,
            "contacts/c1.yaml": CONTACT,
        },
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    build_tree(
        repo / "records",
        {
            "a1.yaml": ARRANGEMENT.replace('"100.00"', '"250.00"').replace("planned", "paid"),
            "exchanges/e3.yaml": EXCHANGE.replace("Bulletin", "Report"),
            "contacts/c1.yaml": CONTACT.replace("a@example.org", "b@example.org"),
        },
    )
    (repo / "records" / "exchanges" / "e2.yaml").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v2")
    git(repo, "tag", "v2")
    build_tree(
        repo / "records", {"exchanges/e4.yaml": EXCHANGE.replace("from: cis", "from: unhcr")}
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v3")
    return repo


def test_diff_between_revisions(history: Path, run: Run) -> None:
    records = str(history / "records")
    data = json.loads(run("--records", records, "diff", "v1", "v2", "--format", "json").output)
    assert [(c["id"], c["change"]) for c in data["changes"]] == [
        ("a1", "changed"),
        ("c1", "changed"),
        ("e2", "removed"),
        ("e3", "added"),
    ]  # the contact's e-mail changed: shown as a change, its values hidden
    (c1,) = [c for c in data["changes"] if c["id"] == "c1"]
    hidden = "(hidden: --include-contact-details shows it)"
    assert c1["fields"] == [{"field": "email", "before": hidden, "after": hidden}]
    (a1,) = [c for c in data["changes"] if c["id"] == "a1"]
    assert a1["fields"] == [
        {"field": "expenses[0].amount", "before": "100.00", "after": "250.00"},
        {"field": "expenses[0].status", "before": "planned", "after": "paid"},
    ]
    assert data["new_findings"] == [] and data["resolved_findings"] == []
    detailed = json.loads(
        run(
            "--records",
            records,
            "diff",
            "v1",
            "v2",
            "--format",
            "json",
            "--include-contact-details",
        ).output
    )
    (c1,) = [c for c in detailed["changes"] if c["id"] == "c1"]
    assert "@" in c1["fields"][0]["before"] and "@" in c1["fields"][0]["after"]


def test_diff_reports_a_new_error_and_defaults_to_the_working_tree(history: Path, run: Run) -> None:
    records = str(history / "records")
    markdown = run("--records", records, "diff", "v2", "HEAD").output
    assert markdown.startswith("## Record changes: v2 → HEAD\n\n1 added.\n")
    assert "### New findings" in markdown
    assert "error MOU204 `exchanges/e4.yaml:3`: unknown party `unhcr`:" in markdown  # code spans
    (history / "records" / "exchanges" / "e4.yaml").unlink()  # fixed, not yet committed
    fixed = json.loads(run("--records", records, "diff", "HEAD", "--format", "json").output)
    assert [(c["id"], c["change"]) for c in fixed["changes"]] == [("e4", "removed")]
    assert [p["code"] for p in fixed["resolved_findings"]] == ["MOU204"]


def test_diff_calls_a_record_that_became_unreadable_invalid(history: Path, run: Run) -> None:
    records = history / "records"
    (records / "exchanges" / "e3.yaml").write_text("kind: exchange\ntitle: [\n", "utf-8")
    (records / "exchanges" / "e1.yaml").write_text(EXCHANGE.replace("from:", "frm:"), "utf-8")
    found = json.loads(run("--records", str(records), "diff", "HEAD", "--format", "json").output)
    changes = {c["id"]: c for c in found["changes"]}
    assert {i: c["change"] for i, c in changes.items()} == {"e1": "invalid", "e3": "invalid"}
    assert [f["code"] for f in changes["e3"]["findings"]] == ["MOU001"]
    assert "MOU103" in [f["code"] for f in changes["e1"]["findings"]]
    text = run("--records", str(records), "diff", "HEAD", "--format", "text").output
    assert "2 invalid." in text and "invalid: exchanges/e3.yaml (exchange)" in text
    assert "    error MOU001 exchanges/e3.yaml:" in text


def test_diff_usage_errors(history: Path, run: Run, tmp_path: Path) -> None:
    result = run("--records", str(history / "records"), "diff", "no-such-tag")
    assert result.exit_code == 2
    assert "'no-such-tag' is not a known revision" in result.output
    outside = build_tree(tmp_path / "plain" / "records", {"memorandum.yaml": "kind: memorandum\n"})
    assert run("--records", str(outside), "diff", "HEAD").exit_code == 2


def test_actions_csv(run: Run) -> None:
    result = run("--records", DEMO, "actions", "--open", "--as-of", "2025-12-31", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline="")))
    assert [(row["id"], row["overdue_days"]) for row in rows] == [
        ("2023-10-12-consultations-geneva#glossary", "700"),
        ("2025-06-05-consultations-minsk#training-evaluation", ""),
    ]


def test_diff_as_text(history: Path, run: Run) -> None:
    text = run("--records", str(history / "records"), "diff", "v1", "v2", "--format", "text")
    hidden = "(hidden: --include-contact-details shows it)"
    assert text.output.splitlines()[:10] == [
        "Record changes: v1 → v2",
        "",
        "1 added, 2 changed, 1 removed.",
        "",
        "changed: a1.yaml (arrangement)",
        "    expenses[0].amount: 100.00 → 250.00",
        "    expenses[0].status: planned → paid",
        "",
        "changed: contacts/c1.yaml (contact)",
        f"    email: {hidden} → {hidden}",
    ]


def test_counted_by_is_each_evidence_entry_read_once() -> None:
    """`counted_by(clause)` (the clause's evidence read once, for many records) answers as
    `models.evidences` does entry by entry, with an activity counting for the clause it names,
    for every record of the demo against its clauses and against every kind and meeting type."""
    from mou.load import load
    from mou.models import MEETING_TYPES, Activity, Clause, evidences
    from mou.selection import counted_by

    records = load(REPO / "examples" / "demo")
    assert records.memorandum is not None
    kinds = sorted({entry.kind for entry in records.entries} - {"memorandum"})
    made = [
        Clause(id="9", summary="x", evidence=(kind, *(f"meeting/{t}" for t in types)))
        for kind in kinds
        for types in ((), MEETING_TYPES[:1], MEETING_TYPES)
        if kind != "meeting" or types
    ]
    for clause in [*records.memorandum.clauses, *made]:
        counts = counted_by(clause)
        for entry in records.entries:
            model = entry.model
            expected = (
                model.clause == clause.id
                if isinstance(model, Activity)
                else any(evidences(item, model) for item in clause.evidence)
            )
            assert counts(model) == expected, (clause.id, clause.evidence, entry.id)
