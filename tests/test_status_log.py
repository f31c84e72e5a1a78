"""`mou status` (golden output for a fixed --as-of) and `mou log` on a real git repository
with a rename; shell completion of ids, MEETING#ACTION references and keys."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import typer

from conftest import REPO, Run, build_tree

DEMO = str(REPO / "examples" / "demo")
GOLDEN = Path(__file__).parent / "golden"

# --- status -------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_status_golden(run: Run, output_format: str) -> None:
    result = run("--records", DEMO, "status", "--as-of", "2025-12-31", "--format", output_format)
    assert result.exit_code == 0
    golden = GOLDEN / f"status-2025-12-31.{output_format}"
    if os.environ.get("MOU_UPDATE_GOLDEN"):
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8"), (
        f"run MOU_UPDATE_GOLDEN=1 and diff {golden}"
    )


def status_of(run: Run, root: str, *options: str) -> dict[str, object]:
    result = run("--records", root, "status", "--format", "json", *options)
    data: dict[str, object] = json.loads(result.output)
    return data


def test_status_windows_and_check(run: Run) -> None:
    near = status_of(run, DEMO, "--as-of", "2025-12-31")
    far = status_of(run, DEMO, "--as-of", "2025-12-31", "--within", "90")
    assert near["events"] == {"past": [], "coming": []}
    assert far["events"] == {
        "past": [],
        "coming": [
            {"id": "2026-03-12-consultations-geneva", "kind": "meeting", "date": "2026-03-12"}
        ],
    }
    assert near["actions"]["due"] == []  # type: ignore[index]
    due = far["actions"]["due"]  # type: ignore[index]
    assert [a["id"] for a in due] == ["2025-06-05-consultations-minsk#training-evaluation"]
    assert run("--records", DEMO, "status", "--as-of", "2025-12-31", "--check").exit_code == 1
    assert run("--records", DEMO, "status", "--as-of", "2025-12-31").exit_code == 0


def test_status_planned_event_past_its_date_says_how_to_mark_it(
    run: Run, base_tree: typer.Context
) -> None:
    root = base_tree(  # type: ignore[operator]
        {
            "meetings/2024-03-01-talks.yaml": (
                "kind: meeting\ntype: consultation\ntitle: Talks\ndate: 2024-03-01\n"
                "status: planned\nlocation: Minsk\nformat: online\norganizer: cis\n"
            ),
            "contacts/cis-a.yaml": "kind: contact\nparty: cis\nname: A\nfrom: 2020-01-01\n",
        }
    )
    result = run("--records", str(root), "status", "--as-of", "2024-03-10")
    assert "2024-03-01-talks  2024-03-01  meeting  Talks" in result.output
    assert "mou set 2024-03-01-talks status=held" in result.output
    assert "Parties without a designated contact:\n    iom\n" in result.output
    data = status_of(run, str(root), "--as-of", "2024-03-10", "--check")
    assert data["overdue"] is True
    assert data["parties_without_contact"] == ["iom"]
    quiet = status_of(run, str(root), "--as-of", "2024-02-01", "--within", "10")
    assert quiet["events"] == {"past": [], "coming": []}


def test_status_escapes_record_text(run: Run, base_tree: typer.Context) -> None:
    root = base_tree(  # type: ignore[operator]
        {
            "meetings/2024-03-01-talks.yaml": (
                'kind: meeting\ntype: consultation\ntitle: "Talks\\e[31m\\u202e"\n'
                "date: 2024-03-01\nstatus: planned\nlocation: Minsk\nformat: online\n"
                "organizer: cis\n"
            ),
        }
    )
    result = run("--records", str(root), "status", "--as-of", "2024-03-10")
    assert "\x1b" not in result.output
    assert "\u202e" not in result.output
    assert "Talks\\x1b[31m\\u202e" in result.output


# --- log ----------------------------------------------------------------------------------


def git(folder: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Anna Petrova")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "anna@example.org")
        monkeypatch.setenv(f"GIT_{who}_DATE", "2025-06-06T10:00:00+00:00")
    shutil.copytree(DEMO, tmp_path / "records")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "The demo record")
    return tmp_path


def test_log_follows_renames_newest_first(run: Run, repository: Path) -> None:
    root = str(repository / "records")
    old, new = "2025-06-05-consultations-minsk", "2025-06-05-minsk"
    assert run("--records", root, "set", old, "status=cancelled").exit_code == 0
    git(repository, "commit", "-qam", "Cancelled")
    assert run("--records", root, "rename", old, new).exit_code == 0
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "Shorter id")
    assert run("--records", root, "set", new, "summary=Moved online").exit_code == 0

    result = run("--records", root, "log", new, "--format", "json")
    assert result.exit_code == 0
    log = json.loads(result.output)
    summary = [(r["subject"], r["change"], r["path"], r["renamed_from"]) for r in log]
    assert summary == [
        (None, "changed", f"meetings/{new}.yaml", None),
        ("Shorter id", "renamed", f"meetings/{new}.yaml", f"meetings/{old}.yaml"),
        ("Cancelled", "changed", f"meetings/{old}.yaml", None),
        ("The demo record", "added", f"meetings/{old}.yaml", None),
    ]
    assert log[0]["fields"] == [{"field": "summary", "before": None, "after": "Moved online"}]
    assert log[2]["fields"] == [{"field": "status", "before": "held", "after": "cancelled"}]
    assert log[2]["author"] == "Anna Petrova"
    assert log[2]["date"] == "2025-06-06T10:00:00+00:00"

    text = run("--records", root, "log", new).output
    assert text.startswith(f"History of {new}\n\nworking tree (not committed)\n")
    assert "    status: held → cancelled" in text
    assert f"  renamed from meetings/{old}.yaml" in text
    markdown = run("--records", root, "log", new, "--format", "md").output
    assert "- changed: `meetings/2025-06-05-consultations-minsk.yaml` (meeting)" in markdown
    assert "  - `status`: `held` → `cancelled`" in markdown


def test_log_of_a_removed_record(run: Run, repository: Path) -> None:
    root = str(repository / "records")
    assert run("--records", root, "rm", "2023-01-20-cis-bulletin-2022").exit_code == 0
    log = json.loads(run("--records", root, "log", "2023-01-20-cis-bulletin-2022",
                         "--format", "json").output)  # fmt: skip
    assert [(r["commit"] is None, r["change"]) for r in log] == [
        (True, "removed"),
        (False, "added"),
    ]
    git(repository, "commit", "-qam", "Removed")
    log = json.loads(run("--records", root, "log", "2023-01-20-cis-bulletin-2022",
                         "--format", "json").output)  # fmt: skip
    assert [(r["subject"], r["change"]) for r in log] == [
        ("Removed", "removed"),
        ("The demo record", "added"),
    ]


def test_log_outside_git_and_of_an_unknown_record(
    run: Run, repository: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    unknown = run("--records", str(repository / "records"), "log", "no-such-record")
    assert unknown.exit_code == 2
    assert "no record 'no-such-record'" in unknown.output
    outside = build_tree(
        tmp_path_factory.mktemp("plain"), {"memorandum.yaml": "kind: memorandum\n"}
    )
    result = run("--records", str(outside), "log", "memorandum")
    assert result.exit_code == 2
    assert "is not in a git repository: a record's history is read from git" in result.output
    git(outside, "init", "-q")  # no commit yet: the record is all working tree
    result = run("--records", str(outside), "log", "memorandum", "--format", "json")
    assert result.exit_code == 0
    assert [(r["commit"], r["change"]) for r in json.loads(result.output)] == [(None, "added")]


# --- completion ---------------------------------------------------------------------------


def test_completion_of_ids_actions_and_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from mou import completion

    root = Path(DEMO)
    assert completion.ids(root, "2025-06") == ["2025-06-05-consultations-minsk"]
    assert "2025-06-05-consultations-minsk#" in completion.action_references(root, "2025-")
    assert completion.action_references(root, "2025-06-05-consultations-minsk#") == [
        "2025-06-05-consultations-minsk#training-evaluation"
    ]
    keys = completion.keys(root, "2025-06-05-consultations-minsk", "actions.")
    assert "actions.training-evaluation.status=" in keys
    assert "actions.training-evaluation.done_on=" in keys
    assert completion.keys(root, "2025-06-05-consultations-minsk", "status=p") == [
        "status=planned",
        "status=postponed",
    ]
    assert completion.keys(root, "no-such-record", "s") == []


MINSK = "2025-06-05-consultations-minsk"


@pytest.mark.parametrize(
    ("words", "incomplete", "expected"),
    [
        (["rename"], "2024-05", ["2024-05-14-conference-irregular-migration"]),
        (["set"], "2025-06", [MINSK]),
        (["set", MINSK], "status=p", ["status=planned", "status=postponed"]),
        (["done"], f"{MINSK}#", [f"{MINSK}#training-evaluation"]),
        (["set", MINSK, "--unset"], "actions.training-evaluation.d", [
            "actions.training-evaluation.done_on", "actions.training-evaluation.due",
        ]),
        (["set", "no-such-record"], "s", []),
    ],
)  # fmt: skip
def test_shell_completion_through_the_command_line(
    words: list[str], incomplete: str, expected: list[str]
) -> None:
    """What the shell gets on <Tab> once completion is installed (the callbacks as wired)."""
    from typer._completion_classes import BashComplete
    from typer.main import get_command

    from mou.cli import app

    shell = BashComplete(get_command(app), {}, "mou", "_MOU_COMPLETE")
    found = shell.get_completions(["--records", DEMO, *words], incomplete)
    assert [item.value for item in found] == expected


@pytest.mark.parametrize("language", ["en", "ru"])
def test_status_fits_an_80_column_terminal_without_breaking_a_word(
    run: Run, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    folded = run("status", "--as-of", "2025-12-31", "--lang", language).output
    monkeypatch.setenv("COLUMNS", "400")
    wide = run("status", "--as-of", "2025-12-31", "--lang", language).output
    assert max(len(line) for line in folded.splitlines()) <= 80
    assert max(len(line) for line in wide.splitlines()) > 80  # there was something to fold
    assert folded.split() == wide.split()  # the same words, none broken
    monkeypatch.delenv("COLUMNS")
    assert run("status", "--as-of", "2025-12-31", "--lang", language).output == wide  # a pipe


def test_fold_keeps_short_lines_and_a_word_longer_than_the_line() -> None:
    from mou.lifecycle_text import fold

    word = "x" * 30
    assert fold("  short\n\nline", 20) == "  short\n\nline"
    assert fold(f"    id  {word} end", 20) == f"    id\n        {word}\n        end"


@pytest.mark.parametrize("word", ["会议纪要", "👩‍👩‍👧", "résumé", "word"])
def test_fold_counts_terminal_cells_not_characters(word: str) -> None:
    """A line of wide characters (CJK, emoji: two cells each) is folded by the cells it
    takes on the screen, so no folded line is wider than the terminal."""
    from mou.grid import cell_width
    from mou.lifecycle_text import fold

    line = "  overdue: " + " ".join([word] * 30)
    folded = fold(line, 40).split("\n")
    assert all(cell_width(part) <= 40 for part in folded), folded
    assert " ".join(folded).split() == line.split()  # the same words, none broken
    assert folded[1].startswith("      ") and not folded[1].startswith("       ")
