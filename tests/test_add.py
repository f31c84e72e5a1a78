"""`mou add-*`: what is written, where, under which id; and every refusal writes nothing."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Run
from mou.kinds import ADDABLE as ADD_KINDS
from mou.kinds import MODELS as KINDS
from mou.load import load
from mou.read import find_files
from mou.write import format_text, schema_reference

Tree = Callable[[dict[str, str | bytes]], Path]

ARRANGEMENT = """kind: arrangement
title: Special arrangement
date: 2024-01-10
status: signed
"""

# kind → (options, the file it must write, what the record must hold)
# fmt: off
CASES: dict[str, tuple[list[str], str, dict[str, Any]]] = {
    "meeting": (
        shlex.split(
        "--type consultation --title 'Talks in Geneva' --date 2024-03-12 --location"
        ' Geneva --format online --organizer iom --observer cis --participant'
        " 'A. Ivanov;cis;head of delegation' --action 'Send the plan;cis;2024-04-30'"
        " --agenda 'Work plan' --agenda on --arrangement 2024-01-10-arrangement"
        ),
        "meetings/2024-03-12-talks-in-geneva.yaml",
        {'type': 'consultation',
         'title': 'Talks in Geneva',
         'date': '2024-03-12',
         'status': 'held',
         'location': 'Geneva',
         'format': 'online',
         'organizer': 'iom',
         'observers': ['cis'],
         'participants': [{'name': 'A. Ivanov', 'party': 'cis', 'role': 'head of delegation'}],
         'actions': [{'id': 'a1',
                      'text': 'Send the plan',
                      'owner': 'cis',
                      'due': '2024-04-30',
                      'status': 'open'}],
         'agenda': ['Work plan', 'on'],
         'arrangement': '2024-01-10-arrangement'},
    ),
    "seminar": (
        shlex.split(
        "--form round-table --title 'Round table' --date 2024-05-20 --location 'ru=Минск'"
        ' --location en=Minsk --format hybrid --organizer cis --organizer iom --topic'
        ' irregular-migration --state KAZ --participants-count 40 --arrangement'
        ' 2024-01-10-arrangement'
        ),
        "seminars/2024-05-20-round-table.yaml",
        {'form': 'round-table',
         'title': 'Round table',
         'date': '2024-05-20',
         'status': 'held',
         'location': {'ru': 'Минск', 'en': 'Minsk'},
         'format': 'hybrid',
         'organizers': ['cis', 'iom'],
         'topics': ['irregular-migration'],
         'states': ['KAZ'],
         'participants_count': 40,
         'arrangement': '2024-01-10-arrangement'},
    ),
    "exchange": (
        shlex.split(
        "--date 2024-02-01 --from cis --to iom --subject 'Bulletin 2023' --public-domain"
        " --item 'Bulletin;https://example.org/b.pdf;ru' --topic irregular-migration"
        ),
        "exchanges/2024-02-01-bulletin-2023.yaml",
        {'date': '2024-02-01',
         'from': 'cis',
         'to': 'iom',
         'subject': 'Bulletin 2023',
         'public_domain': True,
         'topics': ['irregular-migration'],
         'items': [{'title': 'Bulletin', 'url': 'https://example.org/b.pdf', 'language': 'ru'}]},
    ),
    "request": (
        shlex.split(
        '--date 2024-02-15 --requested-by cis --addressed-to iom --subject'
        " 'Experts for a course'"
        ),
        "requests/2024-02-15-experts-for-a-course.yaml",
        {'date': '2024-02-15',
         'requested_by': 'cis',
         'addressed_to': 'iom',
         'subject': 'Experts for a course',
         'status': 'open'},
    ),
    "programme": (
        shlex.split(
        "--title 'Joint programme' --start 2023-01-01 --status active --lead cis --lead"
        " iom --state ARM --state KAZ --objective 'Train trainers' --arrangement"
        ' 2024-01-10-arrangement'
        ),
        "programmes/2023-01-01-joint-programme.yaml",
        {'title': 'Joint programme',
         'start': '2023-01-01',
         'status': 'active',
         'lead': ['cis', 'iom'],
         'states': ['ARM', 'KAZ'],
         'objectives': ['Train trainers'],
         'arrangement': '2024-01-10-arrangement'},
    ),
    "arrangement": (
        shlex.split(
        "--title 'Arrangement on the seminar' --date 2024-04-01 --status signed"
        " --condition 'cis;Venue' --condition 'iom;Experts' --expense"
        " 'Venue;cis;12500;RUB;paid' --expense 'Travel;iom;800.5;USD' --document"
        " 'Scan;documents/scan.txt;private;ru'"
        ),
        "arrangements/2024-04-01-arrangement-on-the-seminar.yaml",
        {'title': 'Arrangement on the seminar',
         'date': '2024-04-01',
         'status': 'signed',
         'conditions': {'cis': 'Venue', 'iom': 'Experts'},
         'expenses': [{'item': 'Venue',
                       'payer': 'cis',
                       'amount': '12500.00',
                       'currency': 'RUB',
                       'status': 'paid'},
                      {'item': 'Travel',
                       'payer': 'iom',
                       'amount': '800.50',
                       'currency': 'USD',
                       'status': 'planned'}],
         'documents': [{'title': 'Scan',
                        'path': 'documents/scan.txt',
                        'public': False,
                        'language': 'ru'}]},
    ),
    "contact": (
        shlex.split(
        "--party cis --name 'А. Иванов' --email a.ivanov@example.org --from 2020-01-01"
        ),
        "contacts/2020-01-01-a-ivanov.yaml",
        {'party': 'cis',
         'name': 'А. Иванов',
         'email': 'a.ivanov@example.org',
         'from': '2020-01-01'},
    ),
    "activity": (
        shlex.split(
        "--clause 1.1 --title 'Study visit' --date 2024-06-01 --party cis --party iom"
        ' --state ARM --state KAZ'
        ),
        "activities/2024-06-01-study-visit.yaml",
        {'clause': '1.1',
         'title': 'Study visit',
         'date': '2024-06-01',
         'parties': ['cis', 'iom'],
         'states': ['ARM', 'KAZ']},
    ),
}
# fmt: on


@pytest.fixture
def root(base_tree: Tree) -> Path:
    return base_tree(
        {"arrangements/2024-01-10-arrangement.yaml": ARRANGEMENT, "documents/scan.txt": "scan"}
    )


def test_every_kind_has_a_case() -> None:
    assert set(CASES) == set(ADD_KINDS)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_add_writes_the_record_asked_for(
    kind: str, root: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    options, path, expected = CASES[kind]
    monkeypatch.chdir(root.parent)
    result = run("--records", "records", f"add-{kind}", *options)
    assert result.exit_code == 0
    assert result.stdout == f"records/{path}\n"  # the path, relative to the current folder
    records = load(root)
    entry = next(e for e in records.entries if e.path == path)
    assert entry.model == KINDS[kind].model_validate({"kind": kind, **expected})
    text = (root / path).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert format_text(text, schema_reference(root, path)) == text  # canonical
    # A YAML 1.1 reader sees the same values ("on" stays text, amounts stay strings).
    assert _as_text(yaml.safe_load(text)) == {"kind": kind, **expected}


def _as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def test_russian_title_is_transliterated(root: Path, run: Run) -> None:
    result = run(
        "--records",
        str(root),
        "add-meeting",
        "--type",
        "consultation",
        "--title",
        "Консультации в Минске",
        "--date",
        "2024-12-20",
        "--location",
        "Минск",
        "--format",
        "in-person",
        "--organizer",
        "cis",
        "--observer",
        "iom",
    )
    assert result.exit_code == 0
    written = root / "meetings" / "2024-12-20-konsultatsii-v-minske.yaml"
    assert "title: Консультации в Минске\n" in written.read_text(encoding="utf-8")


def test_taken_ids_get_a_number(root: Path, run: Run) -> None:
    options = CASES["request"][0]
    for _ in range(3):
        assert run("--records", str(root), "add-request", *options).exit_code == 0
    names = sorted(p.name for p in (root / "requests").iterdir())
    assert names == [
        "2024-02-15-experts-for-a-course-2.yaml",
        "2024-02-15-experts-for-a-course-3.yaml",
        "2024-02-15-experts-for-a-course.yaml",
    ]


def test_id_option_and_an_existing_id(root: Path, run: Run) -> None:
    options = CASES["request"][0]
    assert run("--records", str(root), "add-request", *options, "--id", "my-request").exit_code == 0
    assert (root / "requests" / "my-request.yaml").is_file()
    before = _snapshot(root)
    result = run("--records", str(root), "add-request", *options, "--id", "my-request")
    assert result.exit_code == 1
    assert "a record with this id exists" in result.output
    assert _snapshot(root) == before


def test_status_defaults_to_held_up_to_today_and_planned_after(root: Path, run: Run) -> None:
    for day, status in ((date.today(), "held"), (date.today() + timedelta(days=1), "planned")):
        result = run(
            "--records",
            str(root),
            "add-meeting",
            "--type",
            "other",
            "--title",
            f"On {day}",
            "--date",
            day.isoformat(),
            "--location",
            "Minsk",
            "--format",
            "online",
            "--organizer",
            "cis",
        )
        assert result.exit_code == 0
        assert f"status: {status}\n" in (root.parent / result.stdout.strip()).read_text()


def test_dry_run_prints_and_writes_nothing(root: Path, run: Run) -> None:
    before = _snapshot(root)
    result = run("--records", str(root), "add-request", *CASES["request"][0], "--dry-run")
    assert result.exit_code == 0
    assert "subject: Experts for a course\n" in result.stdout
    assert _snapshot(root) == before


def _snapshot(root: Path) -> dict[str, bytes]:
    return {path: (root / path).read_bytes() for path in find_files(root)}


def test_missing_options_exit_2_naming_each(root: Path, run: Run) -> None:
    before = _snapshot(root)
    result = run("--records", str(root), "add-meeting", "--title", "Talks")
    assert result.exit_code == 2
    assert "missing --type, --date, --location, --format, --organizer" in result.output
    assert _snapshot(root) == before


REFUSALS = {
    "unknown party": (["--organizer", "unhcr"], 1, "MOU204 unknown party `unhcr`"),
    "bad date": (["--date", "2024-13-45"], 2, "--date 2024-13-45: not a date"),
    "bad due date": (["--action", "Plan;cis;2024-02-30"], 1, "MOU102 `actions[0].due`: 2024-02-30"),
    "dangling arrangement": (["--arrangement", "nothing"], 1, "MOU203 no record `nothing`"),
    "bad participant": (["--participant", "A. Ivanov"], 2, "expected NAME;PARTY[;ROLE]"),
    "closed vocabulary": (["--format", "telepathy"], 2, "telepathy"),
    "not-public exchange": (None, 1, "MOU301"),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusals_write_nothing(name: str, root: Path, run: Run) -> None:
    extra, code, message = REFUSALS[name]
    meeting = shlex.split(
        "--type consultation --title Talks --date 2024-03-12 --location Geneva --format online "
        "--organizer iom"
    )
    if extra is None:
        command = shlex.split(
            "add-exchange --date 2024-01-01 --from cis --to iom --subject Memo --not-public-domain"
        )
    else:
        command = ["add-meeting", *meeting, *extra]
    before = _snapshot(root)
    result = run("--records", str(root), *command)
    assert result.exit_code == code
    assert message in result.output
    assert _snapshot(root) == before
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]


def test_amount_finer_than_the_currency_is_refused(root: Path, run: Run) -> None:
    before = _snapshot(root)
    result = run(
        "--records",
        str(root),
        "add-arrangement",
        "--title",
        "A",
        "--date",
        "2024-04-01",
        "--status",
        "draft",
        "--expense",
        "Venue;cis;100.505;USD",
    )
    assert result.exit_code == 1
    assert "MOU102 100.505 USD: 3 decimal places, but USD has 2" in result.output
    assert _snapshot(root) == before


def test_warnings_are_shown_but_do_not_block(root: Path, run: Run) -> None:
    result = run(
        "--records",
        str(root),
        "add-activity",
        "--clause",
        "1.1",
        "--title",
        "Visit",
        "--date",
        "2024-06-01",
        "--party",
        "iom",
        "--state",
        "KAZ",
    )
    assert result.exit_code == 0
    assert "warning MOU303" in result.stderr
    assert result.stdout.strip().endswith("activities/2024-06-01-visit.yaml")


def test_bilingual_text_needs_a_language_for_each_value(root: Path, run: Run) -> None:
    result = run(
        "--records",
        str(root),
        "add-request",
        "--date",
        "2024-02-15",
        "--requested-by",
        "cis",
        "--addressed-to",
        "iom",
        "--subject",
        "en=Experts",
        "--subject",
        "Эксперты",
    )
    assert result.exit_code == 2
    assert "each value is LANG=TEXT" in result.output
