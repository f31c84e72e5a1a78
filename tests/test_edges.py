"""Trust at the edges (issue 9): nothing written outside the record, no hang or crash on any
input, every output escaped. One test per class of hostile input; the fuzz harness
(test_fuzz.py) keeps the classes closed."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, Run
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


def test_a_folder_that_refuses_the_write_exits_2_with_advice(
    base_tree: Tree, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only kind folder (the lock taken, the write refused): exit 2, nothing written.
    Tests run as root, which permissions do not stop, so the refusal is injected."""
    from mou import commit

    def refuse(root: Path, changes: object) -> None:
        raise PermissionError(13, "Permission denied", str(root / "exchanges"))

    monkeypatch.setattr(commit, "apply", refuse)
    root = base_tree({})
    result = run("--records", str(root), "add-exchange", *EXCHANGE, "--id", "memo")
    assert result.exit_code == 2
    assert "exchanges: Permission denied; you need write access" in result.output
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


# Each output refused, data-driven: what is at the place ("device": /dev/null), the words of
# the command line ({place} is replaced), and the code. MOU501: mou will not write there;
# MOU502: the system would not (a file where a folder should be on the way).
OUTPUT_REFUSALS = [
    ("device", ["review", "--period", "2024", "--output", "{place}"], "MOU501"),
    ("folder", ["calendar", "--output", "{place}"], "MOU501"),
    ("fifo", ["review", "--period", "2024", "--output", "{place}"], "MOU501"),
    ("folder", ["export", "sqlite", "{place}"], "MOU501"),
    ("file", ["export", "sqlite", "{place}", "--metadata", "{place}"], "MOU501"),
    ("device", ["export", "xlsx", "{place}"], "MOU501"),
    ("used", ["site", "--output", "{place}"], "MOU501"),
    ("file", ["site", "--output", "{place}"], "MOU501"),
    ("device", ["schema", "--output", "{place}"], "MOU501"),
    ("file", ["review", "--period", "2024", "--output", "{place}/x.md"], "MOU502"),
    ("file", ["calendar", "--output", "{place}/x.ics"], "MOU502"),
    ("file", ["export", "xlsx", "{place}/x.xlsx"], "MOU502"),
]


def _place(what: str, tmp_path: Path) -> Path:
    place = tmp_path / "place"
    if what == "device":
        return Path(os.devnull)
    if what == "fifo":
        os.mkfifo(place)
    elif what == "folder":
        place.mkdir()
    elif what == "used":
        place.mkdir()
        (place / "notes.txt").write_text("mine")
    else:
        place.write_text("mine")
    return place


@pytest.mark.parametrize(("what", "words", "code"), OUTPUT_REFUSALS)
def test_an_output_refused_is_said_with_its_code(
    what: str, words: list[str], code: str, *, base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    root = base_tree({})
    place = _place(what, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    command = [word.replace("{place}", str(place)) for word in words]
    result = run("--records", str(root), *command)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mou: error {code} ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert sorted(tmp_path.rglob("*")) == before  # nothing written, nothing removed
    assert what != "file" or place.read_text() == "mine"
    explained = run("explain", code)
    assert explained.exit_code == 0 and "exits" in explained.stdout


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


# --- user templates -----------------------------------------------------------------------

TEMPLATES = {
    "self.md.j2": ('{% include "self.md.j2" %}', "self.md.j2:1: the template calls or includes"),
    "macro.md.j2": (
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
        "macro.md.j2:1: the template calls or includes itself",
    ),
    "huge.md.j2": ('{{ "a" * 3000000000 }}', "would build a value past the template limits"),
    "power.md.j2": ("{{ 10 ** 10000000 }}", "would build a value past the template limits"),
    "date.md.j2": ('{{ w.date("x") }}', "date.md.j2:1: TypeError: a date was expected, not str"),
    "double.md.j2": (
        '{% set ns = namespace(s="ab") %}{% for i in range(64) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "more memory than allowed",
    ),
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_a_failing_user_template_is_a_clean_error(
    name: str, base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    text, message = TEMPLATES[name]
    (tmp_path / name).write_text(text + "\n")
    result = run(
        "--records", str(base_tree({})), "review", "--period", "2024",
        "--template", str(tmp_path / name),
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output


def test_a_slow_user_template_is_stopped(
    base_tree: Tree, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mou import sandbox

    monkeypatch.setattr(sandbox, "SECONDS", 1)
    slow = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    (tmp_path / "slow.md.j2").write_text(slow)
    result = run(
        "--records", str(base_tree({})), "review", "--period", "2024",
        "--template", str(tmp_path / "slow.md.j2"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "ran for more than 1 s" in result.output


def test_user_templates_see_contact_details_only_when_asked(run: Run, tmp_path: Path) -> None:
    template = tmp_path / "contacts.md.j2"
    template.write_text(
        "{% for c in review.contact_persons %}[{{ c.email }}|{{ c.phone }}]{% endfor %}\n"
        "{{ review }}\n"
    )
    demo = str(REPO / "examples" / "demo")
    arguments = ["--records", demo, "review", "--period", "2021..2025", "--template"]
    hidden = run(*arguments, str(template))
    shown = run(*arguments, str(template), "--include-contact-details")
    assert hidden.exit_code == shown.exit_code == 0
    assert "@example.org" in shown.output
    assert "@" not in hidden.output
    assert "+375" not in hidden.output


@pytest.mark.parametrize("day", ["0001-01-01", "0999-12-31"])
def test_an_as_of_before_the_year_1000_is_refused(day: str, base_tree: Tree, run: Run) -> None:
    result = run("--records", str(base_tree({})), "validate", "--as-of", day)
    assert result.exit_code == 2
    assert "a date from the year 1000 on" in result.output


# --- bounded values -----------------------------------------------------------------------

ARRANGEMENT = """kind: arrangement
title: Costs
date: 2024-01-10
status: signed
expenses:
  - item: Venue
    payer: cis
    amount: {amount}
    currency: USD
"""


@pytest.mark.parametrize(
    ("amount", "valid"),
    [
        ('"12345678901234567890123456789.00"', False),
        ("1e400000", False),
        ('"1000000000000000"', False),
        ('"999999999999999.99"', True),
        ("1E+3", True),
    ],
)
@pytest.mark.parametrize("output_format", ["md", "text", "html", "json"])
def test_every_amount_that_validates_renders_exactly(
    amount: str, valid: bool, output_format: str, base_tree: Tree, run: Run
) -> None:
    root = base_tree({"2024-01-10-costs.yaml": ARRANGEMENT.format(amount=amount)})
    checked = run("--records", str(root), "validate", "--format", "json", "--as-of", "2025-01-01")
    codes = {d["code"] for d in json.loads(checked.output)["diagnostics"]}
    assert ("MOU102" not in codes) is valid
    result = run("--records", str(root), "review", "--period", "2024", "--format", output_format)
    assert result.exit_code in (0, 1)
    if valid and output_format == "json":
        assert "E+" not in result.output and "e+" not in result.output


def test_diagnostics_are_capped_per_file(base_tree: Tree, run: Run) -> None:
    items = ", ".join(["{}"] * 400)
    root = base_tree({"2024-01-01-many.yaml": f"kind: meeting\nparticipants: [{items}]\n"})
    result = run("--records", str(root), "validate", "--format", "json", "--as-of", "2025-01-01")
    found = [d for d in json.loads(result.output)["diagnostics"] if "many" in d["path"]]
    assert len(found) == 51
    assert found[-1]["message"].startswith("… and ")
    assert found[-1]["severity"] == "error"


def test_a_list_past_its_limit_stops_the_file(base_tree: Tree, run: Run) -> None:
    items = ", ".join(["{}"] * 340_000)  # the 1 MiB file of the issue: 680,007 diagnostics
    root = base_tree(
        {"2024-01-01-many.yaml": f"kind: meeting\nparticipants: [{items}]\n"[:1_000_000]}
    )
    result = run("--records", str(root), "validate", "--format", "json", "--as-of", "2025-01-01")
    found = [d for d in json.loads(result.output)["diagnostics"] if "many" in d["path"]]
    assert [(d["code"], d["message"]) for d in found] == [
        ("MOU004", "a list of more than 1,000 items")
    ]


def test_mou_records_slash_fails_at_once(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for root in ("/", str(tmp_path)):
        result = run("--records", root, "validate")
        assert result.exit_code == 2
        assert "is not a records folder" in result.output


# --- output escaping per destination ------------------------------------------------------

FORGED = "a\n::error file=evil.yaml::INJECTED"


def test_github_lines_never_forge_an_annotation(
    base_tree: Tree, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({f"{FORGED}.yaml": "kind: exchange\ntitle: \x1b]0;TITLE\x07\n"})
    monkeypatch.chdir(root)
    lines = run("validate", "--format", "github").output.splitlines()
    commands = [line for line in lines if line.lstrip().startswith(("::", "##["))]
    assert len(commands) == 2  # mou's own two annotations, on the escaped file name
    assert all(line.startswith("::error file=a%0A%3A%3Aerror file=evil.yaml") for line in commands)
    assert all("\x1b" not in line for line in lines)


def test_text_outputs_show_control_characters_escaped(base_tree: Tree, run: Run) -> None:
    title = "\x1b]0;TITLE\x07\u202eevil"
    root = base_tree({"2024-01-01-x.yaml": f'kind: exchange\nsubject: "{title}"\n'})
    for arguments in (["validate"], ["validate", "--format", "github"], ["list"]):
        output = run("--records", str(root), *arguments).output
        assert "\x1b" not in output and "\u202e" not in output and "\x07" not in output


def _git(folder: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(
        ["git", "-C", str(folder), *identity, *arguments], check=True, capture_output=True
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository whose records/ (the base memorandum) is committed as `base`."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "tests" / "cases" / "_base", repo / "records")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "tag", "base")
    return repo


NAMES = ["Bad, name:50%", "встреча", "a\nb", "back`tick"]


def test_sarif_uris_are_encoded_and_relative_to_the_repository(
    repository: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urllib.parse import unquote

    root = repository / "records"
    for name in NAMES:
        (root / f"{name}.yaml").write_text("kind: nothing\n")
    uri = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$")  # RFC 3986 path characters
    seen = []
    for cwd in (repository, root, repository.parent):
        monkeypatch.chdir(cwd)
        sarif = json.loads(run("--records", str(root), "validate", "--format", "sarif").output)
        locations = [r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]]
        uris = sorted({loc["artifactLocation"]["uri"] for loc in locations})
        assert all(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%" for loc in locations)
        assert all(uri.fullmatch(u) and not u.startswith("/") for u in uris)
        seen.append(uris)
    assert seen[0] == seen[1] == seen[2]  # wherever mou is run from
    assert {unquote(u) for u in seen[0]} == {f"records/{name}.yaml" for name in NAMES}


def test_markdown_diff_keeps_hostile_names_in_their_code_spans(repository: Path, run: Run) -> None:
    root = repository / "records"
    name = "x`![img](https:evil.example-x.png)`"
    (root / f"{name}.yaml").write_text("kind: exchange\n")
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", "hostile")
    output = run("--records", str(root), "diff", "base", "HEAD", "--format", "md").output
    span = f"``{name}.yaml:1``"  # a fence longer than any run of backticks inside: inert
    assert span in output
    assert output.count("![img]") == output.count(span)


def test_a_large_blob_is_not_read_by_diff(repository: Path, run: Run) -> None:
    root = repository / "records"
    (root / "big.yaml").write_bytes(b"kind: exchange\nnotes: |\n" + b"  x\n" * 600_000)
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", "big")
    result = run("--records", str(root), "diff", "base", "HEAD", "--format", "json")
    found = json.loads(result.output)["new_findings"]
    assert [(f["path"], f["code"]) for f in found] == [("big.yaml", "MOU004")]


def test_contact_values_are_never_quoted(base_tree: Tree, run: Run) -> None:
    contact = (
        "kind: contact\nparty: cis\nname: X\nemail: 'Name <private@leak.example>'\n"
        "phone: '+1 555'\nfrom: 2024-01-01\n"
    )
    root = base_tree({"contacts/x.yaml": contact})
    for output_format in ("text", "json", "sarif", "github"):
        result = run("--records", str(root), "validate", "--format", output_format)
        assert "MOU102" in result.output
        assert "private@leak" not in result.output
    review = run("--records", str(root), "review", "--period", "2024", "--format", "md")
    assert "private@leak" not in review.output


def test_export_xlsx_takes_control_characters(base_tree: Tree, run: Run, tmp_path: Path) -> None:
    """Found by the fuzz harness: a file name holding ESC crashed the workbook."""
    root = base_tree({"seminars/\x1b[2J.yaml": "kind: seminar\n"})
    result = run("--records", str(root), "export", "xlsx", str(tmp_path / "record.xlsx"))
    assert result.exit_code in (0, 1)
    assert (tmp_path / "record.xlsx").stat().st_size > 0


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{path}", "--kind", "exchange"],
        ["review", "--period", "2024", "--template", "{path}"],
        [
            "review",
            "--period",
            "2024",
            "--format",
            "docx",
            "--output",
            "{out}",
            "--reference-doc",
            "{path}",
        ],
    ],
    ids=["import", "template", "reference-doc"],
)
def test_input_files_that_are_not_files_say_what_they_are(
    command: list[str], base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    """An input file that is a FIFO would hang the read: refused at once, named for what it is."""
    root = base_tree({})
    fifo = tmp_path / "input.csv"
    os.mkfifo(fifo)
    for path, said in (
        (fifo, "a named pipe (FIFO), not a regular file"),
        (tmp_path / "none", "no such file"),
    ):
        args = [part.format(path=path, out=tmp_path / "out.docx") for part in command]
        result = run("--records", str(root), *args)
        assert result.exit_code == 2
        assert f"{path}: {said}" in result.output
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize("command", [["validate"], ["list"], ["site", "--output", "s"]])
def test_a_records_path_the_system_refuses_is_said_without_a_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    """A name longer than the system allows (found by a tester): the path and the system's
    words, exit code 2 as for a missing records folder."""
    import sys

    long = tmp_path / ("a" * 300)
    done = subprocess.run(
        [sys.executable, "-m", "mou", "--records", str(long), *command],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "File name too long" in done.stderr and str(long) in done.stderr


def test_a_current_folder_removed_is_said_without_a_traceback(tmp_path: Path) -> None:
    import sys

    gone = tmp_path / "gone"
    gone.mkdir()
    script = f"cd {shlex.quote(str(gone))} && rmdir {shlex.quote(str(gone))} && exec " + (
        shlex.join([sys.executable, "-m", "mou", "--records", str(REPO / "records"), "validate"])
    )
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "the current folder" in done.stderr


def test_a_calendar_shown_on_a_terminal_carries_no_raw_control(tmp_path: Path) -> None:
    """`mou calendar` on a terminal (found by a tester): a title's escape sequence and bidi
    override are shown escaped; piped, the .ics bytes are the file's."""
    import pty
    import sys

    root = tmp_path / "records"
    shutil.copytree(REPO / "examples" / "demo", root)
    (root / "meetings" / "2025-03-03-odd.yaml").write_text(
        'kind: meeting\ntype: consultation\ntitle: "A\\e[31mB\\u202eC"\ndate: 2025-03-03\n'
        "status: planned\nlocation: Geneva\nformat: online\norganizer: cis\n",
        "utf-8",
    )
    command = [sys.executable, "-m", "mou", "--records", str(root), "calendar"]
    piped = subprocess.run(command, capture_output=True, check=False)
    assert b"\x1b[31m" in piped.stdout and "\u202e".encode() in piped.stdout
    leader, follower = pty.openpty()
    with subprocess.Popen(command, stdout=follower, stderr=subprocess.DEVNULL) as shown:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # (the terminal's end closed: all was read)
                break
            if not chunk:
                break
            chunks.append(chunk)
    os.close(leader)
    seen = b"".join(chunks)
    assert shown.returncode == 0 and b"BEGIN:VCALENDAR" in seen
    assert b"\x1b[31m" not in seen and "\u202e".encode() not in seen
    assert b"\\x1b[31m" in seen and b"\\u202e" in seen
