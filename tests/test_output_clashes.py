"""An output that would destroy what the command reads or the record (an input given on the
command line, a record file), a path ending in a slash where a file goes, `-` for a file that
cannot go to standard output, and several outputs written all or none (mou/cli/common.py
`refuse_clashes`, mou/cli/export.py, mou/staging.py `replace_all`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

Tree = Callable[[dict[str, str | bytes]], Path]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (links as their target's path), to compare before and after."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path)] = os.readlink(path).encode()
        elif path.is_file():
            found[str(path)] = path.read_bytes()
        else:
            found[str(path)] = b"<folder>"
    return found


REVIEW = ["review", "--period", "2024"]
# The words of the command line ({tmp} is the temporary folder, {root} the records root), and
# what the refusal says after `mou: error MOU501 `.
CLASHES = [
    ([*REVIEW, "--template", "{tmp}/t.md", "--output", "{tmp}/t.md"], "--template"),
    ([*REVIEW, "--template", "{tmp}/t.md", "--output", "{tmp}/sub/../t.md"], "--template"),
    ([*REVIEW, "--template", "{tmp}/t.md", "--output", "{tmp}/link.md"], "--template"),
    (
        [
            *REVIEW,
            "--format",
            "docx",
            "--reference-doc",
            "{tmp}/r.docx",
            "--output",
            "{tmp}/r.docx",
        ],
        "--reference-doc",
    ),
    (["calendar", "--output", "{root}/memorandum.yaml"], "record file"),
    (["calendar", "--output", "{root}/../records/meetings/new.yml"], "record file"),
    (["calendar", "--output", "{tmp}/record.yaml"], "record file"),  # a link into the root
    (["portfolio", "--output", "{root}/memorandum.yaml"], "record file"),
    (["export", "sqlite", "{tmp}/x.db", "--metadata", "{root}/memorandum.yaml"], "record file"),
    (["export", "sqlite", "{root}/x.db"], "record file"),  # its metadata.yaml in the root
    (["export", "xlsx", "{root}/memorandum.yaml"], "record file"),
    ([*REVIEW, "--output", "{tmp}/new/"], "ends in a slash"),
    (["calendar", "--output", "{tmp}/new/"], "ends in a slash"),
    (["portfolio", "--output", "{tmp}/new/"], "ends in a slash"),
    (["export", "sqlite", "{tmp}/new/"], "ends in a slash"),
    (["export", "sqlite", "{tmp}/x.db", "--metadata", "{tmp}/new/"], "ends in a slash"),
    (["export", "xlsx", "{tmp}/new/"], "ends in a slash"),
]


@pytest.mark.parametrize(("words", "said"), CLASHES)
def test_an_output_that_would_destroy_an_input_is_refused(
    words: list[str], said: str, *, base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    root = base_tree({})
    (tmp_path / "t.md").write_text("# mine\n")
    (tmp_path / "r.docx").write_bytes(b"mine")
    (tmp_path / "link.md").symlink_to(tmp_path / "t.md")
    (tmp_path / "record.yaml").symlink_to(root / "memorandum.yaml")
    (tmp_path / "sub").mkdir()
    before = _files(tmp_path)
    command = [w.replace("{tmp}", str(tmp_path)).replace("{root}", str(root)) for w in words]
    result = run("--records", str(root), *command)
    assert result.exit_code == 2
    assert result.stderr.startswith("mou: error MOU501 ") and result.stderr.count("\n") == 1
    assert said in result.stderr and "nothing was written" in result.stderr
    assert "wrote" not in result.stderr
    assert _files(tmp_path) == before


@pytest.mark.parametrize("kind", ["sqlite", "xlsx"])
def test_a_database_or_workbook_cannot_go_to_standard_output(
    kind: str, base_tree: Tree, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({})
    monkeypatch.chdir(tmp_path)
    result = run("--records", str(root), "export", kind, "-")
    assert result.exit_code == 2
    assert result.stderr.startswith("mou: FILE -: ") and "standard output" in result.stderr
    assert not (tmp_path / "-").exists() and result.stdout == ""


def test_no_output_is_replaced_unless_all_can_be_written(
    base_tree: Tree, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.db").write_bytes(b"mine")
    (tmp_path / "proc").symlink_to("/proc/self")  # no file can be made there, even by root
    before = _files(tmp_path)
    result = run("--records", str(root), "export", "sqlite", "old.db", "--metadata", "proc/m.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("mou: error MOU502 --metadata proc/m.yaml: cannot write: ")
    assert "wrote" not in result.stderr
    assert _files(tmp_path) == before


def test_a_later_output_that_fails_anyway_says_what_was_written(
    base_tree: Tree, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({})
    monkeypatch.chdir(tmp_path)
    replace = os.replace

    def second_fails(source: str, target: Path) -> None:
        if Path(target).name == "m.yaml":
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(os, "replace", second_fails)
    result = run("--records", str(root), "export", "sqlite", "x.db", "--metadata", "m.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "wrote x.db\nmou: error MOU502 --metadata m.yaml: cannot write: No space left on device "
        "(written already: x.db)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "records") == ["x.db"]


def test_explain_says_which_links_a_site_refuses(run: Run) -> None:
    explained = " ".join(run("explain", "MOU501").stdout.split())
    assert "a path `mou site` writes is a symbolic link" in explained
    assert "a link leading out" not in explained
    assert "ends in a slash" in explained or "ending in a slash" in explained
