"""Changing records after they are written: `mou set`, `done`, `rm`, `rename` through the CLI,
and `add-meeting --action` with a status and a done date."""

from __future__ import annotations

import difflib
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, Run

MINSK = "meetings/2025-06-05-consultations-minsk.yaml"
GENEVA = "meetings/2023-10-12-consultations-geneva.yaml"
CONFERENCE = "seminars/2024-05-14-conference-irregular-migration.yaml"
ARRANGEMENT = "arrangements/2024-04-01-arrangement-conference-2024.yaml"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo record, with comments where edits must keep them."""
    root = tmp_path / "records"
    shutil.copytree(REPO / "examples" / "demo", root)
    minsk = root / MINSK
    text = minsk.read_text(encoding="utf-8")
    text = text.replace("status: held\n", "status: held  # as reported by the CIS\n")
    text = text.replace("actions:\n", "# Actions agreed at the end of the day.\nactions:\n")
    minsk.write_text(text.replace("owner: iom\n", "owner: 'iom'\n"), encoding="utf-8")
    return root


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed (-) and added (+) from one text to the other."""
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line for line in diff if line[:1] in "+-"]


# --- set ----------------------------------------------------------------------------------

SET_CASES = [
    (
        ["status=postponed"],
        [
            "- status: held  # as reported by the CIS",
            "+ status: postponed # as reported by the CIS",
        ],
    ),
    (["title.ru=Минск, июнь"], ["-   ru: Консультации в Минске", "+   ru: Минск, июнь"]),
    (["end_date=2025-06-06"], ["+ end_date: 2025-06-06"]),
    (["observers=iom;cis"], ["- observers: [iom]", "+ observers: [iom, cis]"]),
    (["summary=Agreed: a plan"], ['+ summary: "Agreed: a plan"']),
    (
        ["actions.training-evaluation.due=2026-02-28"],
        ["-     due: 2026-01-31", "+     due: 2026-02-28"],
    ),
    (
        ["actions.0.text=Share it"],
        ["-     text: Share the evaluation of the April training", "+     text: Share it"],
    ),
    (
        ["actions.1.id=a2", "actions.1.text=New", "actions.1.owner=cis", "actions.1.status=open"],
        ["+   - id: a2", "+     text: New", "+     owner: cis", "+     status: open"],
    ),
    (["--unset", "observers"], ["- observers: [iom]"]),
]


@pytest.mark.parametrize(("arguments", "expected"), SET_CASES)
def test_set_changes_only_the_lines_it_names(
    run: Run, demo: Path, arguments: list[str], expected: list[str]
) -> None:
    before = (demo / MINSK).read_text(encoding="utf-8")
    result = run("--records", str(demo), "set", "2025-06-05-consultations-minsk", *arguments)
    assert result.exit_code == 0
    assert changed_lines(before, (demo / MINSK).read_text(encoding="utf-8")) == expected
    assert "wrote " in result.output


def test_set_prints_the_change_as_diff_words_it_and_keeps_comments(run: Run, demo: Path) -> None:
    result = run(
        "--records", str(demo), "set", "2025-06-05-consultations-minsk",
        "actions.training-evaluation.status=done", "actions.training-evaluation.done_on=2025-12-01",
    )  # fmt: skip
    assert result.exit_code == 0
    assert "changed: meetings/2025-06-05-consultations-minsk.yaml (meeting)" in result.output
    assert "    actions[0].status: open → done" in result.output
    assert "    actions[0].done_on: — → 2025-12-01" in result.output
    text = (demo / MINSK).read_text(encoding="utf-8")
    assert "# Actions agreed at the end of the day.\nactions:" in text
    assert "owner: 'iom'\n    due: 2026-01-31\n    status: done\n    done_on: 2025-12-01\n" in text
    assert text.startswith("# yaml-language-server: $schema=../../../schema/record.schema.json\n")


def test_set_localized_text_on_a_plain_title_keeps_the_old_text(run: Run, demo: Path) -> None:
    path = demo / "exchanges/2023-01-20-cis-bulletin-2022.yaml"
    text = re.sub(r"subject:\n  en: .*\n  ru: .*\n", "subject: Bulletin\n", path.read_text("utf-8"))
    path.write_text(text, encoding="utf-8")
    result = run(
        "--records", str(demo), "set", "2023-01-20-cis-bulletin-2022", "subject.ru=Бюллетень"
    )
    assert result.exit_code == 0
    # A translation is added: the present text is in the memorandum's other language.
    assert "subject:\n  en: Bulletin\n  ru: Бюллетень\n" in path.read_text(encoding="utf-8")


def test_set_amount_is_written_with_the_currency_minor_unit(run: Run, demo: Path) -> None:
    result = run("--records", str(demo), "set", "2024-04-01-arrangement-conference-2024",
                 "expenses.2.amount=4500")  # fmt: skip
    assert result.exit_code == 0
    assert 'amount: "4500.00"' in (demo / ARRANGEMENT).read_text(encoding="utf-8")
    assert "expenses[2].amount: 4200.00 → 4500.00" in result.output


USAGE_CASES = [
    (
        ["2025-06-05-consultations-mnsk", "status=held"],
        "did you mean 2025-06-05-consultations-minsk",
    ),
    (
        ["2025-06-05-consultations-minsk", "stauts=held"],
        "has no field `stauts` (did you mean status",
    ),
    (
        ["2025-06-05-consultations-minsk", "status=hold"],
        "not one of planned, held, cancelled, postponed",
    ),
    (["2025-06-05-consultations-minsk", "date=5 June"], "date=5 June: not a date"),
    (["2025-06-05-consultations-minsk", "date=2025-02-30"], "not a calendar date"),
    (
        ["2025-06-05-consultations-minsk", "actions.a9.status=done"],
        "has no item `a9`; its ids: training-evaluation",
    ),
    (["2025-06-05-consultations-minsk", "participants.3.name=X"], "numbered from 0"),
    (["2025-06-05-consultations-minsk", "status"], "write KEY=VALUE"),
    (["2025-06-05-consultations-minsk"], "at least one KEY=VALUE"),
    (["2025-06-05-consultations-minsk", "status.x=1"], "`status` is a single value"),
    (["2025-06-05-consultations-minsk", "actions=x"], "set its items one field at a time"),
    (["2025-06-05-consultations-minsk", "kind=seminar"], "has no field `kind`"),
    (["2025-06-05-consultations-minsk", "--unset", "agenda"], "has no `agenda`"),
    (
        ["2024-05-14-conference-irregular-migration", "participants_count=many"],
        "not a whole number",
    ),
    (["2023-01-20-cis-bulletin-2022", "public_domain=perhaps"], "write true or false"),
]


@pytest.mark.parametrize(("arguments", "message"), USAGE_CASES)
def test_set_usage_errors_exit_2_and_write_nothing(
    run: Run, demo: Path, arguments: list[str], message: str
) -> None:
    before = {p: p.read_bytes() for p in demo.rglob("*.yaml")}
    result = run("--records", str(demo), "set", *arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert {p: p.read_bytes() for p in demo.rglob("*.yaml")} == before


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (["end_date=2025-06-01"], "MOU102"),  # before the date
        (["--unset", "title"], "MOU101"),
        (["organizer=unhcr"], "MOU204"),
        (["arrangement=2025-06-05-consultations-minsk"], "MOU203"),
        (["date=2031-01-01"], "MOU306"),  # held in the future
    ],
)
def test_set_refuses_a_result_with_errors(
    run: Run, demo: Path, arguments: list[str], code: str
) -> None:
    before = (demo / MINSK).read_bytes()
    result = run("--records", str(demo), "set", "2025-06-05-consultations-minsk", *arguments)
    assert result.exit_code == 1
    assert code in result.output
    assert "nothing was written" in result.output
    assert (demo / MINSK).read_bytes() == before


def test_set_dry_run_shows_the_change_and_writes_nothing(run: Run, demo: Path) -> None:
    before = (demo / MINSK).read_bytes()
    result = run("--records", str(demo), "set", "2025-06-05-consultations-minsk",
                 "status=cancelled", "--dry-run")  # fmt: skip
    assert result.exit_code == 0
    assert "status: held → cancelled" in result.output
    assert "would write" in result.output
    assert (demo / MINSK).read_bytes() == before


def test_set_the_same_value_writes_nothing(run: Run, demo: Path) -> None:
    result = run("--records", str(demo), "set", "2025-06-05-consultations-minsk", "status=held")
    assert result.exit_code == 0
    assert "Nothing changed." in result.output


# --- done ---------------------------------------------------------------------------------


def test_done_marks_the_action_done_on_the_day(run: Run, demo: Path) -> None:
    before = (demo / MINSK).read_text(encoding="utf-8")
    action = "2025-06-05-consultations-minsk#training-evaluation"
    result = run("--records", str(demo), "done", action, "--on", "2025-12-01")
    assert result.exit_code == 0
    assert changed_lines(before, (demo / MINSK).read_text(encoding="utf-8")) == [
        "-     status: open",
        "+     status: done",
        "+     done_on: 2025-12-01",
    ]
    actions = run("--records", str(demo), "actions", "--open", "--format", "json").output
    assert "training-evaluation" not in actions


def test_done_defaults_to_today(run: Run, demo: Path) -> None:
    result = run("--records", str(demo), "done", "2023-10-12-consultations-geneva#glossary")
    assert result.exit_code == 0
    assert f"done_on: {date.today()}" in (demo / GENEVA).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("2025-06-05-consultations-minsk", "name the action as MEETING_ID#ACTION_ID"),
        (
            "2025-06-05-consultations-minsk#a1",
            "has no action 'a1'; its actions: training-evaluation",
        ),
        ("2023-01-20-cis-bulletin-2022#a1", "is not a meeting"),
        ("2025-06-05-consultations#a1", "did you mean"),
    ],
)
def test_done_usage_errors(run: Run, demo: Path, reference: str, message: str) -> None:
    result = run("--records", str(demo), "done", reference)
    assert result.exit_code == 2
    assert message in result.output


def test_done_in_the_future_is_refused(run: Run, demo: Path) -> None:
    action = "2025-06-05-consultations-minsk#training-evaluation"
    result = run("--records", str(demo), "done", action, "--on", "2999-01-01")
    assert result.exit_code == 1
    assert "nothing was written" in result.output


def test_add_meeting_action_with_status_and_done_date(run: Run, demo: Path) -> None:
    result = run(
        "--records", str(demo), "add-meeting", "--type", "consultation", "--title", "Past talks",
        "--date", "2025-01-10", "--location", "Minsk", "--format", "online", "--organizer", "cis",
        "--observer", "iom", "--action", "Send the minutes;cis;2025-01-31;done;2025-02-01",
        "--action", "Draft the plan;iom;;dropped",
    )  # fmt: skip
    assert result.exit_code == 0
    text = (demo / "meetings/2025-01-10-past-talks.yaml").read_text(encoding="utf-8")
    assert "due: 2025-01-31\n    status: done\n    done_on: 2025-02-01\n" in text
    assert "text: Draft the plan\n    owner: iom\n    status: dropped\n" in text
    assert "MOU308" not in result.output


# --- rm -----------------------------------------------------------------------------------


def test_rm_refuses_while_referenced(run: Run, demo: Path) -> None:
    result = run("--records", str(demo), "rm", "2024-04-01-arrangement-conference-2024")
    assert result.exit_code == 0  # nothing refers to the arrangement itself
    result = run("--records", str(demo), "rm", "2025-02-15-arrangement-counter-trafficking")
    assert result.exit_code == 1
    assert "requests/2024-10-07-training-curriculum.yaml: arrangement" in result.output
    assert "programmes/2025-03-01-counter-trafficking-capacity.yaml: arrangement" in result.output
    assert (demo / "arrangements/2025-02-15-arrangement-counter-trafficking.yaml").exists()


def test_rm_removes_and_dry_run_does_not(run: Run, demo: Path) -> None:
    target = demo / "exchanges/2023-01-20-cis-bulletin-2022.yaml"
    result = run("--records", str(demo), "rm", "2023-01-20-cis-bulletin-2022", "--dry-run")
    assert (result.exit_code, target.exists()) == (0, True)
    assert "would remove" in result.output
    result = run("--records", str(demo), "rm", "2023-01-20-cis-bulletin-2022")
    assert (result.exit_code, target.exists()) == (0, False)
    assert "removed " in result.output
    assert run("--records", str(demo), "rm", "2023-01-20-cis-bulletin-2022").exit_code == 2


def test_rm_never_removes_the_memorandum(run: Run, demo: Path) -> None:
    result = run("--records", str(demo), "rm", "memorandum")
    assert result.exit_code == 1
    assert (demo / "memorandum.yaml").exists()


# --- rename -------------------------------------------------------------------------------


def test_rename_rewrites_every_reference_keeping_comments(run: Run, demo: Path) -> None:
    arrangement = demo / ARRANGEMENT
    arrangement.write_text(
        arrangement.read_text(encoding="utf-8").replace(
            "covers: [2024-05-14-conference-irregular-migration]\n",
            "# What it pays for.\ncovers:  # one seminar\n"
            "  - 2024-05-14-conference-irregular-migration  # the May conference\n",
        ),
        encoding="utf-8",
    )
    before = arrangement.read_text(encoding="utf-8")
    result = run("--records", str(demo), "rename", "2024-05-14-conference-irregular-migration",
                 "2024-05-14-conference")  # fmt: skip
    assert result.exit_code == 0
    assert not (demo / CONFERENCE).exists()
    assert (demo / "seminars/2024-05-14-conference.yaml").exists()
    after = arrangement.read_text(encoding="utf-8")
    assert [" ".join(line.split()) for line in after.splitlines()] == [
        " ".join(line.split())
        for line in before.replace("-irregular-migration  #", "  #").splitlines()
    ]
    assert result.output.startswith(
        "renamed: seminars/2024-05-14-conference-irregular-migration.yaml → "
        "seminars/2024-05-14-conference.yaml\n"
        "changed: arrangements/2024-04-01-arrangement-conference-2024.yaml (arrangement)\n"
        '    covers: ["2024-05-14-conference-irregular-migration"] → ["2024-05-14-conference"]\n'
    )
    assert run("--records", str(demo), "validate", "--as-of", "2025-12-31").exit_code == 0


def test_rename_of_a_record_referenced_by_several(run: Run, demo: Path) -> None:
    result = run("--records", str(demo), "rename", "2025-02-15-arrangement-counter-trafficking",
                 "2025-02-15-counter-trafficking")  # fmt: skip
    assert result.exit_code == 0
    texts = "".join(p.read_text(encoding="utf-8") for p in demo.rglob("*.yaml"))
    assert "arrangement-counter-trafficking" not in texts
    assert texts.count("arrangement: 2025-02-15-counter-trafficking") == 3
    assert not (demo / ".mou-journal").exists()


@pytest.mark.parametrize(
    ("new", "code", "message"),
    [
        ("2024-04-01-arrangement-conference-2024", 1, "exists"),
        ("Conference 2024", 2, "is not a valid id"),
        ("x" * 81, 2, "is not a valid id"),
        ("con", 2, "Windows reserves"),
    ],
)
def test_rename_refusals(run: Run, demo: Path, new: str, code: int, message: str) -> None:
    result = run("--records", str(demo), "rename", "2024-05-14-conference-irregular-migration", new)
    assert result.exit_code == code
    assert message in result.output
    assert (demo / CONFERENCE).exists()


def test_rename_dry_run(run: Run, demo: Path) -> None:
    before = {p: p.read_bytes() for p in demo.rglob("*.yaml")}
    result = run("--records", str(demo), "rename", "2024-05-14-conference-irregular-migration",
                 "2024-05-14-conference", "--dry-run")  # fmt: skip
    assert result.exit_code == 0
    assert "would write" in result.output
    assert {p: p.read_bytes() for p in demo.rglob("*.yaml")} == before


@pytest.mark.parametrize(
    ("content", "message", "done_exit"),
    [
        (b"kind: meeting\ntitle: [unclosed\n", "MOU001 YAML syntax", 1),
        (b"kind: meeting\nstatus: held\nstatus: planned\n", "MOU003 duplicate key `status`", 1),
        (b"kind: meeting\ntitle: \xff\xfe\n", "MOU001 not UTF-8", 1),
        (b"- a\n- b\n", "not a mapping", 2),  # done: not a meeting, a usage error
        (b"kind: visit\n", "no known `kind:`", 2),
    ],
)
def test_set_and_done_refuse_a_file_that_is_not_a_readable_record(
    run: Run, demo: Path, content: bytes, message: str, done_exit: int
) -> None:
    broken = demo / "meetings/2024-01-01-broken.yaml"
    broken.write_bytes(content)
    result = run("--records", str(demo), "set", "2024-01-01-broken", "status=held")
    assert result.exit_code == 1
    assert message in result.output
    assert "mend it with `mou edit 2024-01-01-broken`" in result.output
    assert run("--records", str(demo), "done", "2024-01-01-broken#a1").exit_code == done_exit
    assert broken.read_bytes() == content
