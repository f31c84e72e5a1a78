"""`mou edit ID` with an editor script standing in for the user: valid, invalid, unchanged,
emptied, the second round with the problems at the top, and standard input not a terminal."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO, Run

MINSK = "meetings/2025-06-05-consultations-minsk.yaml"
RECORD = "2025-06-05-consultations-minsk"

# The editor: each round it is called, it applies the next of the edits given to it (a
# Python replacement: old → new; "" empties the file; "=" saves unchanged), and it copies
# what it was shown to shown-N.yaml.
EDITOR = """
import pathlib, sys
file = pathlib.Path(sys.argv[-1])
state = pathlib.Path(sys.argv[1])
rounds = state / "rounds"
done = int(rounds.read_text()) if rounds.exists() else 0
rounds.write_text(str(done + 1))
(state / f"shown-{done}.yaml").write_text(file.read_text())
edits = (state / "edits").read_text().split("\\n---\\n")
edit = edits[done]
if edit == "exit":
    sys.exit(3)
if edit == "":
    file.write_text("")
elif edit != "=":
    old, new = edit.split(" => ")
    file.write_text(file.read_text().replace(old, new))
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "editor"
    state.mkdir()
    script = state / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script} {state}")
    return state


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    shutil.copytree(REPO / "examples" / "demo", root)
    return root


def edits(state: Path, *steps: str) -> None:
    (state / "edits").write_text("\n---\n".join(steps), encoding="utf-8")


def rounds(state: Path) -> int:
    return int((state / "rounds").read_text())


def test_valid_edit_is_written_as_written(run: Run, root: Path, editor: Path) -> None:
    edits(editor, "status: held => status: cancelled  # the hall was closed")
    before = (root / MINSK).read_text(encoding="utf-8")
    result = run("--records", str(root), "edit", RECORD)
    assert result.exit_code == 0
    after = (root / MINSK).read_text(encoding="utf-8")
    assert after == before.replace("status: held", "status: cancelled  # the hall was closed")
    assert rounds(editor) == 1


def test_unchanged_writes_nothing(run: Run, root: Path, editor: Path) -> None:
    edits(editor, "=")
    before = (root / MINSK).stat().st_mtime_ns
    result = run("--records", str(root), "edit", RECORD)
    assert result.exit_code == 0
    assert "No change" in result.output
    assert (root / MINSK).stat().st_mtime_ns == before


def test_invalid_without_a_terminal_keeps_the_copy(run: Run, root: Path, editor: Path) -> None:
    edits(editor, "status: held => status: finished")
    before = (root / MINSK).read_bytes()
    result = run("--records", str(root), "edit", RECORD)
    assert result.exit_code == 1
    assert "MOU102" in result.output
    kept = re.search(r"your edited copy is kept at (\S+)", result.output)
    assert kept is not None
    assert "status: finished" in Path(kept[1]).read_text(encoding="utf-8")
    assert (root / MINSK).read_bytes() == before
    assert rounds(editor) == 1
    shutil.rmtree(Path(kept[1]).parent)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mou.cli.edit._interactive", lambda: True)


@pytest.mark.usefixtures("terminal")
def test_invalid_reopens_with_the_problems_on_top(run: Run, root: Path, editor: Path) -> None:
    edits(
        editor,
        "status: held => status: finished",
        "status: finished => status: held\nsummary: Good talks",
    )
    result = run("--records", str(root), "edit", RECORD)
    assert result.exit_code == 0
    assert rounds(editor) == 2
    shown = (editor / "shown-1.yaml").read_text(encoding="utf-8").splitlines()
    assert shown[0].startswith("# mou edit: the record has errors")
    problem = next(line for line in shown if "MOU102" in line)
    # The line number is the one the editor shows, below the comment lines.
    line = int(re.search(r"\.yaml:(\d+):", problem)[1])  # type: ignore[index]
    assert shown[line - 1] == "status: finished"
    text = (root / MINSK).read_text(encoding="utf-8")
    assert "summary: Good talks" in text
    assert "# mou edit" not in text


@pytest.mark.parametrize(
    ("steps", "interactive", "message"),
    [
        (["status: held => status: finished", "="], True, "saved unchanged; nothing was written"),
        (["status: held => status: finished", ""], True, "the file is empty; nothing was written"),
        ([""], False, "the file is empty; nothing was written"),
        (["exit"], False, "the editor exited with status 3; nothing was written"),
    ],
)
def test_giving_up_writes_nothing(
    run: Run,
    root: Path,
    editor: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    steps: list[str],
    interactive: bool,
    message: str,
) -> None:
    monkeypatch.setattr("mou.cli.edit._interactive", lambda: interactive)
    edits(editor, *steps)
    before = (root / MINSK).read_bytes()
    result = run("--records", str(root), "edit", RECORD)
    assert result.exit_code == 1
    assert message in result.output
    assert (root / MINSK).read_bytes() == before
    assert rounds(editor) == len(steps)


def test_record_changed_meanwhile_is_not_overwritten(run: Run, root: Path, editor: Path) -> None:
    # The "editor" also changes the record itself, as another person saving meanwhile would.
    edits(editor, "status: held => status: cancelled")
    script = editor / "editor.py"
    script.write_text(
        script.read_text(encoding="utf-8")
        + f"\npathlib.Path({str(root / MINSK)!r}).write_text('kind: meeting\\n# theirs\\n')\n",
        encoding="utf-8",
    )
    result = run("--records", str(root), "edit", RECORD)
    assert result.exit_code == 1
    assert "changed while you were editing it" in result.output
    assert (root / MINSK).read_text(encoding="utf-8") == "kind: meeting\n# theirs\n"


def test_unknown_record_and_missing_editor(
    run: Run, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("--records", str(root), "edit", "2025-06-05-minsk").exit_code == 2
    monkeypatch.setenv("VISUAL", "/nonexistent/editor")
    result = run("--records", str(root), "edit", RECORD)
    assert result.exit_code == 2
    assert "cannot start the editor" in result.output
