"""Trust at the edges (issue 9): nothing written outside the record, no hang or crash on any
input, every output escaped. One test per class of hostile input; the fuzz harness
(test_fuzz.py) keeps the classes closed."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from mou import read
from mou.escape import code_span, github_plain, markdown_text, terminal_safe, uri_path
from mou.models import id_error
from mou.parse import parse
from mou.periods import PeriodError, parse_period
from mou.problems import Problem
from mou.write import UnsafePathError, record_target, write_output

Tree = Callable[[dict[str, str | bytes]], Path]

# --- escaping -----------------------------------------------------------------------------

TERMINAL = [
    ("\x1b]0;TITLE\x07", "\\x1b]0;TITLE\\x07"),
    ("\x1b[2J", "\\x1b[2J"),
    ("a\u202eb", "a\\u202eb"),
    ("tab\tstays", "tab\tstays"),
    ("line\nbreak\r", "line\\nbreak\\r"),
    ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
    ("Кириллица, 中文", "Кириллица, 中文"),
]


@pytest.mark.parametrize(("text", "shown"), TERMINAL)
def test_terminal_safe_escapes_controls_and_bidi(text: str, shown: str) -> None:
    assert terminal_safe(text) == shown


def test_terminal_safe_keeps_newlines_where_the_format_allows() -> None:
    assert terminal_safe("a\nb\r\x1b", newlines=True) == "a\nb\\r\\x1b"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("::error file=evil.yaml::INJECTED", "\\::error file=evil.yaml::INJECTED"),
        ("  ::warning::x", "  \\::warning::x"),
        ("##[error]x", "\\##[error]x"),
        ("a\n::error::x", "a\\n::error::x"),
        ("plain: line", "plain: line"),
    ],
)
def test_github_plain_lines_never_start_a_command(line: str, shown: str) -> None:
    assert github_plain(line) == shown


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("plain", "`plain`"),
        ("a`b", "``a`b``"),
        ("`![img](https://x)`", "`` `![img](https://x)` ``"),
        ("a``b`", "``` a``b` ```"),
        ("a|b", "`a¦b`"),
        ("two\nlines\x1b", "`two lines\\x1b`"),
    ],
)
def test_code_span_holds_any_backticks(text: str, span: str) -> None:
    assert code_span(text) == span


def test_markdown_text_cannot_start_markup() -> None:
    assert markdown_text("# [link](x) <b> | *a*") == "\\# \\[link\\](x) \\<b\\> \\| \\*a\\*"
    assert markdown_text("1. item") == "1\\. item"


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("records/meetings/a.yaml", "records/meetings/a.yaml"),
        ("Bad, name:50%.yaml", "Bad%2C%20name%3A50%25.yaml"),
        ("встреча.yaml", "%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0.yaml"),
        ("a\nb.yaml", "a%0Ab.yaml"),
    ],
)
def test_uris_are_percent_encoded(path: str, uri: str) -> None:
    assert uri_path(path) == uri


# --- reading ------------------------------------------------------------------------------


def _diagnostics(run: Run, root: Path) -> dict[str, tuple[str, str]]:
    result = run("--records", str(root), "validate", "--format", "json", "--as-of", "2025-01-01")
    assert result.exit_code in (0, 1)
    found = json.loads(result.output)["diagnostics"]
    return {d["path"]: (d["code"], d["message"]) for d in found}


def test_special_files_are_reported_never_read(base_tree: Tree, run: Run, tmp_path: Path) -> None:
    root = base_tree({})
    os.mkfifo(root / "fifo.yaml")
    (root / "zero.yaml").symlink_to("/dev/zero")
    outside = tmp_path / "outside.yaml"
    outside.write_text("kind: exchange\n")
    (root / "outside.yaml").symlink_to(outside)
    (root / "inside.yaml").symlink_to(root / "memorandum.yaml")
    found = _diagnostics(run, root)
    assert found["fifo.yaml"] == ("MOU001", "a named pipe (FIFO), not a regular file: not read")
    assert found["zero.yaml"][1].startswith("a symbolic link to a place outside the records root")
    assert found["outside.yaml"][1].startswith("a symbolic link to a place outside")
    assert "inside.yaml" in found  # read: a duplicate of the memorandum, reported as such


def test_unreadable_files_and_folders_are_diagnostics(
    base_tree: Tree, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({"secret.yaml": "kind: exchange\n", "locked/a.yaml": "kind: exchange\n"})
    real_open, real_scandir = os.open, os.scandir

    def deny_open(path: str, *args: int) -> int:
        if str(path).endswith("secret.yaml"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args)

    def deny_scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "open", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    found = _diagnostics(run, root)
    assert found["secret.yaml"] == ("MOU001", "cannot read: Permission denied")
    assert found["locked"] == ("MOU001", "cannot read this folder: Permission denied")


def test_a_file_that_grows_is_read_only_to_the_limit(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_bytes(b"a: 1\n" * 100)
    problem = read.read_record_file(tmp_path, "big.yaml", limit=64)
    assert isinstance(problem, Problem)
    assert problem.code == "MOU004"


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["9" * 5000, "-" + "1" * 4301, "0x" + "f" * 4000, "!!int " + "7" * 9000]
)
def test_huge_integers_are_a_problem_on_that_value(number: str) -> None:
    parsed = parse(f"kind: meeting\nparticipants_count: {number}\n".encode(), "x.yaml")
    assert [(p.code, p.line, p.column) for p in parsed.problems] == [("MOU102", 2, 21)]


@pytest.mark.parametrize(
    ("text", "where", "shown"),
    [
        ("kind: x\nsubject: ab\x00c\n", (2, 12), "U+0000"),
        ("kind: x\nsubject: éé\ufffe\n", (2, 12), "U+FFFE"),
    ],
)
def test_forbidden_characters_are_located(text: str, where: tuple[int, int], shown: str) -> None:
    problems = parse(text.encode("utf-8"), "x.yaml").problems
    assert [(p.code, (p.line, p.column)) for p in problems] == [("MOU001", where)]
    assert shown in problems[0].message


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0001", "0999", "9999", "2025..9999", "0001-H1..2024"])
def test_periods_at_the_ends_of_the_calendar_are_refused(text: str) -> None:
    with pytest.raises(PeriodError, match="within the years 1000–9998"):
        parse_period(text)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--period", "1000"],
        ["--period", "9998", "--as-of", "9999-12-31"],
        ["--period", "2025..9998"],
    ],
)
@pytest.mark.parametrize("output_format", ["text", "md", "json", "html"])
def test_extreme_periods_render(
    arguments: list[str], output_format: str, base_tree: Tree, run: Run
) -> None:
    root = base_tree({})
    result = run("--records", str(root), "review", *arguments, "--format", output_format)
    assert result.exit_code in (0, 1)


# --- ids and written paths ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../../../tmp/x", "a/b", "/tmp/abs", "con", "nul", "com1", "lpt9", "a.", "a ", ""]
)
def test_bad_ids_are_refused(name: str) -> None:
    assert id_error(name)


def test_good_ids_pass() -> None:
    assert id_error("2024-03-12-talks") is None
    assert id_error("console") is None


@pytest.mark.parametrize("relative", ["../x.yaml", "/tmp/x.yaml", "a/../../x.yaml"])
def test_written_paths_stay_inside_the_root(relative: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        record_target(tmp_path, relative)


def test_a_link_out_of_the_root_is_not_written_through(tmp_path: Path) -> None:
    (tmp_path / "meetings").symlink_to("/tmp")
    with pytest.raises(UnsafePathError):
        record_target(tmp_path, "meetings/x.yaml")


EXCHANGE = shlex.split("--date 2024-01-01 --from cis --to iom --subject Memo --public-domain")


@pytest.mark.parametrize(
    "given", ["../../../../tmp/h9-escape", "a/b", "/tmp/h9-abs", "con", "Upper", "x.yaml"]
)
def test_add_with_a_bad_id_exits_2_and_writes_nothing(
    given: str, base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    root = base_tree({})
    before = sorted(tmp_path.rglob("*"))
    result = run("--records", str(root), "add-exchange", *EXCHANGE, "--id", given)
    assert result.exit_code == 2
    assert "nothing was written" in result.output
    assert sorted(tmp_path.rglob("*")) == before
    assert not Path("/tmp/h9-escape.yaml").exists()
    assert not Path("/tmp/h9-abs.yaml").exists()


def test_a_lock_that_cannot_be_taken_exits_2_with_advice(base_tree: Tree, run: Run) -> None:
    root = base_tree({})
    (root / ".mou.lock").mkdir()  # cannot be opened as the lock file: as a foreign lock
    for command in (["add-exchange", *EXCHANGE, "--id", "memo"], ["fmt"]):
        result = run("--records", str(root), *command)
        assert result.exit_code == 2
        assert ".mou.lock: cannot take the lock" in result.output
        assert "you need write access" in result.output
    assert not (root / "exchanges").exists()


# --- --output -----------------------------------------------------------------------------


def test_output_refuses_devices_fifos_and_folders(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "link-to-null").symlink_to("/dev/null")
    for target in (Path("/dev/null"), fifo, tmp_path, tmp_path / "link-to-null"):
        with pytest.raises(UnsafePathError):
            write_output(target, b"x")
    assert fifo.is_fifo()
    assert (tmp_path / "link-to-null").is_symlink()
    assert Path("/dev/null").is_char_device()


def test_output_through_a_link_writes_the_file_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("old")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    write_output(tmp_path / "link.txt", b"new")
    assert (tmp_path / "link.txt").is_symlink()
    assert (tmp_path / "real.txt").read_text() == "new"


@pytest.mark.parametrize(
    "command",
    [
        ["review", "--period", "2024", "--format", "md"],
        ["calendar"],
    ],
)
def test_every_output_option_goes_through_the_safe_opener(
    command: list[str], base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    root = base_tree({})
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    result = run("--records", str(root), *command, "--output", str(fifo))
    assert result.exit_code == 2
    assert "regular file" in result.output
    assert fifo.is_fifo()
    result = run("--records", str(root), *command, "--output", "-")
    assert result.exit_code in (0, 1)
    assert not (Path.cwd() / "-").exists()
    assert result.output.strip()


@pytest.mark.parametrize(
    "journal",
    [
        '[{"write": "exchanges/x.yaml", "from": "../../outside.yaml"}]',
        '[{"write": "../escaped.yaml", "from": "0.yaml"}]',
        '{"not": "a list"}',
        "not json",
    ],
)
def test_a_hostile_journal_moves_nothing_in_or_out(
    journal: str, base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    root = base_tree({".mou-journal/journal.json": journal, ".mou-journal/0.yaml": "kind: x\n"})
    (tmp_path / "outside.yaml").write_text("secret\n")
    result = run("--records", str(root), "validate")
    assert result.exit_code == 2
    assert "mou: " in result.output
    assert (tmp_path / "outside.yaml").read_text() == "secret\n"
    assert not (tmp_path / "escaped.yaml").exists()
    assert not (root / "exchanges").exists()
