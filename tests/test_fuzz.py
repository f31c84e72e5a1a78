"""The fuzz harness (issue 9): hypothesis builds hostile record trees — random bytes, YAML
fragments with tags, anchors, huge numbers, control characters and bidi overrides, special
files (FIFO, link to /dev/zero, link out of the root, folder named *.yaml), hostile file
names (newlines, backticks, `::error`) — and runs every command and format on them.

For each command: exit 0, 1 or 2; no traceback; no file written outside the records root;
bounded time (an alarm in-process, a timeout and `resource` limits in a subprocess); and no
raw control or bidi character in any output that lands in a terminal or a log.

`make test` runs a small derandomised sample (MOU_FUZZ_EXAMPLES, default 3); `make fuzz`
runs many more with fresh randomness and prints hypothesis's statistics.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from conftest import REPO
from mou.cli import app
from mou.escape import has_unsafe

DEMO = REPO / "examples" / "demo"
EXAMPLES = int(os.environ.get("MOU_FUZZ_EXAMPLES", "3"))
RANDOM = os.environ.get("MOU_FUZZ_RANDOM") == "1"
MOU = Path(sys.executable).parent / "mou"
SECONDS = 60  # per command: far above any real run, so only a hang trips it
MEMORY = 2 * 1024**3  # address space of a subprocess

FUZZ = settings(
    max_examples=EXAMPLES,
    phases=list(Phase) if os.environ.get("MOU_FUZZ_SHRINK", "1") == "1" else list(Phase)[:4],
    derandomize=not RANDOM,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- what hostile trees are made of -------------------------------------------------------

EVIL_TEXT = [
    "\x1b]0;TITLE\x07",
    "\x1b[2J\x1b[31mred",
    "a\u202eevil\u202c",
    "\u2066isolate\u2069",
    "\x9b31m",
    "\x7f",
    "\r overwrite",
    "`",
    "```",
    "x`![img](https://evil.example/x.png)`",
    "[link](javascript:alert(1))",
    "<script>alert(1)</script>",
    "::error file=evil.yaml::INJECTED",
    "line\n::warning::forged",
    "##[error]legacy",
    "| a | b |",
    "# heading",
    '=HYPERLINK("https://evil.example")',
    "{{ 7 * 7 }}{% for x in y %}",
    "Name <private@leak.example>",
    "%0A%25",
    "Кириллица",
]
# Values as YAML source text: what a JSON dump cannot express, or should not.
RAW_VALUES = [
    "9" * 5000,
    "-" + "1" * 4400,
    "0x" + "f" * 5000,
    "1e400000",
    '"12345678901234567890123456789.00"',
    "12345678901234567.5",
    "0.0000000000000000000001",
    ".inf",
    ".nan",
    "-1",
    "!!python/object:os.system {}",
    "!!binary aGVsbG8=",
    "!custom x",
    "&anchor [1, 2]",
    "*alias",
    "[" * 70 + "]" * 70,
    "{}",
    "[]",
    "~",
    "2024-13-45",
    "0001-01-01",
    "9999-12-31",
    "yes",
    "'2024-02-30'",
    "not-an-email",
    "P999999999Y",
]
KEYS = [
    "title",
    "subject",
    "summary",
    "notes",
    "date",
    "end_date",
    "status",
    "location",
    "amount",
    "email",
    "phone",
    "name",
    "participants",
    "actions",
    "expenses",
    "tags",
    "documents",
    "organizer",
    "participants_count",
    "period_reviewed",
    "\x1b[2Jkey",
    "ключ",
]
SEEDS = [
    "meetings/2024-11-20-consultations-geneva.yaml",
    "meetings/2024-02-20-joint-review-2023.yaml",
    "seminars/2025-04-08-training-cross-border-cooperation.yaml",
    "exchanges/2024-01-18-cis-bulletin-2023.yaml",
    "contacts/cis-a-petrova.yaml",
    "arrangements/2024-04-01-arrangement-conference-2024.yaml",
    "activities/2024-07-09-study-visit-armenia-kazakhstan.yaml",
    "programmes/2023-01-01-labour-migration-data.yaml",
]
NAMES = [
    "a\n::error file=evil.yaml::INJECTED",
    "back`tick",
    "`![x](https:--e)`",
    "Bad, name:50%",
    "встреча",
    "\x1b[2J",
    "a\u202eb",
    "con",
    "::warning::x",
    " spaced ",
    "UPPER",
]
SPECIAL = ["fifo", "zero", "outside", "folder", "dangling"]

text_values = st.one_of(
    st.sampled_from(EVIL_TEXT),
    st.text(max_size=30),
    st.lists(st.sampled_from(EVIL_TEXT), min_size=2, max_size=4).map("".join),
)


def _scalar(draw: st.DrawFn) -> str:
    """One value as YAML source."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.sampled_from(RAW_VALUES))
    if choice == 1:
        many = draw(st.integers(1, 400))
        return "[" + ", ".join(["{}"] * many) + "]"
    text = draw(text_values)
    return json.dumps(text, ensure_ascii=draw(st.booleans()))


@st.composite
def record_text(draw: st.DrawFn) -> bytes:
    """A file's content: a seed record with hostile values, a fragment, or random bytes."""
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(st.binary(max_size=200))
    if shape == 1:
        lines = draw(st.lists(st.sampled_from(RAW_VALUES + EVIL_TEXT), min_size=1, max_size=5))
        return "\n".join(f"k{i}: {line}" for i, line in enumerate(lines)).encode()
    seed = yaml.safe_load((DEMO / draw(st.sampled_from(SEEDS))).read_text(encoding="utf-8"))
    lines = [f"{json.dumps(key)}: {json.dumps(value, default=str)}" for key, value in seed.items()]
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(KEYS))
        lines.append(f"{json.dumps(key)}: {_scalar(draw)}")
    if draw(st.booleans()):  # the last value of a key wins in a dict, so no duplicate keys
        lines = list({line.split(":", 1)[0]: line for line in lines}.values())
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def hostile_tree(draw: st.DrawFn) -> dict[str, Any]:
    """Relative path → bytes (a file) or the name of a special file."""
    files: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 4))):
        folder = draw(st.sampled_from(["meetings", "exchanges", "contacts", "seminars", ""]))
        name = draw(
            st.one_of(
                st.sampled_from(NAMES),
                st.from_regex(r"20[0-9]{2}-[01][0-9]-[0-3][0-9]-[a-z]{1,8}", fullmatch=True),
            )
        )
        path = f"{folder}/{name}.yaml".lstrip("/")
        if "/" in name or name in (".", ".."):
            continue
        files[path] = draw(st.sampled_from(SPECIAL)) if draw(st.integers(0, 6)) == 0 else None
        if files[path] is None:
            files[path] = draw(record_text())
    if draw(st.integers(0, 3)) == 0:  # the memorandum itself made hostile
        memorandum = yaml.safe_load((DEMO / "memorandum.yaml").read_text(encoding="utf-8"))
        memorandum[draw(st.sampled_from(["title", "short_title"]))] = draw(text_values)
        files["memorandum.yaml"] = json.dumps(memorandum, default=str).encode()
    return files


def build(base: Path, files: dict[str, Any]) -> Path:
    """The records root under `base`: the demo memorandum and `files`; an `outside` file."""
    root = base / "records"
    root.mkdir()
    shutil.copy(DEMO / "memorandum.yaml", root / "memorandum.yaml")
    outside = base / "outside.yaml"
    outside.write_text("kind: exchange\nsubject: outside the root\n")
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif content == "fifo":
            os.mkfifo(target)
        elif content == "zero":
            target.symlink_to("/dev/zero")
        elif content == "outside":
            target.symlink_to(outside)
        elif content == "folder":
            target.mkdir()
        else:
            target.symlink_to(base / "nowhere")
    return root


def git_history(base: Path) -> bool:
    """Two commits: the demo memorandum alone, then the hostile tree; False without git."""
    if shutil.which("git") is None:
        return False
    records = base / "records"
    hostile = base / "hostile"
    records.rename(hostile)
    records.mkdir()
    shutil.copy(DEMO / "memorandum.yaml", records / "memorandum.yaml")

    def git(*arguments: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=f", "-c", "user.email=f@f", *arguments],
            cwd=base,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", "records")
    git("commit", "-q", "-m", "base")
    shutil.rmtree(records)
    hostile.rename(records)
    adding = ["git", "add", "--ignore-errors", "-A", "records"]  # a FIFO cannot be added
    subprocess.run(adding, cwd=base, capture_output=True, check=False)
    git("commit", "-q", "--allow-empty", "-m", "hostile")
    return True


# --- the commands, and what every run must satisfy -----------------------------------------

# (arguments, where the output lands: "terminal" outputs must hold no raw control character)
COMMANDS: list[tuple[list[str], str]] = [
    *[(["validate", "--format", f], "terminal") for f in ("text", "github", "json", "sarif")],
    *[
        (["review", "--period", "2024", "--as-of", "2025-12-31", "--format", f], "terminal")
        for f in ("text", "md", "json")
    ],
    (["review", "--period", "2023..2025", "--format", "html", "--lang", "ru"], "html"),
    *[(["list", "--format", f], "terminal") for f in ("table", "json")],
    (["list", "--format", "csv"], "terminal"),
    (["actions"], "terminal"),
    (["actions", "--format", "csv"], "terminal"),
    (["calendar"], "file"),
    (["show", "2024-11-20-consultations-geneva"], "terminal"),
    (["fmt", "--check"], "terminal"),
    *[(["stats", "--format", f, "--as-of", "2025-12-31"], "terminal") for f in ("table", "md")],
    (["stats", "--format", "json", "--costs", "--as-of", "2025-12-31"], "terminal"),
    (["status", "--as-of", "2025-12-31"], "terminal"),
    *[(["portfolio", "--as-of", "2025-12-31", "--format", f], "terminal") for f in ("table", "md")],
    (["portfolio", "--format", "html", "--lang", "ru"], "html"),
    (["portfolio", "--format", "csv", "--sort", "title"], "terminal"),
    (["site", "--output", "out/site", "--as-of", "2025-12-31"], "terminal"),
    (["export", "sqlite", "out/record.db"], "terminal"),
    (["export", "xlsx", "out/record.xlsx"], "terminal"),
    (["set", "2024-11-20-consultations-geneva", "summary=\x1b[2J"], "terminal"),
    (["done", "2024-11-20-consultations-geneva#programme-draft"], "terminal"),
    (["rename", "2024-11-20-consultations-geneva", "con"], "terminal"),
    (["rm", "no-such-record"], "terminal"),
]
# Where commands are told to write (--output, FILE): beside the root, checked separately.
OUT = "out"
DIFFS: list[tuple[list[str], str]] = [
    *[(["diff", "HEAD~1", "--format", f], "terminal") for f in ("md", "text", "json")],
    (["log", "2024-11-20-consultations-geneva"], "terminal"),
]


def adds(text: str) -> list[tuple[list[str], str]]:
    """add-* with a hostile value and a hostile id (which must be refused, exit 2)."""
    exchange = ["--date", "2024-01-01", "--from", "cis", "--to", "iom", "--public-domain"]
    return [
        (["add-exchange", *exchange, "--subject", text or "x", "--dry-run"], "terminal"),
        (["add-exchange", *exchange, "--subject", "x", "--id", "../" + text], "terminal"),
    ]


class HangError(Exception):
    pass


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: Any) -> None:
        raise HangError(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(base: Path, root: Path) -> dict[str, tuple[int, int]]:
    """Every entry outside the records root (and its .git) with its size and mtime."""
    found: dict[str, tuple[int, int]] = {}
    for directory, folders, files in os.walk(base):
        if Path(directory) == base:
            folders[:] = [f for f in folders if f not in (root.name, ".git", OUT)]
        for name in [*folders, *files]:
            status = os.lstat(os.path.join(directory, name))
            found[os.path.join(directory, name)] = (status.st_size, status.st_mtime_ns)
    return found


def check(arguments: list[str], lands: str, result: Result, output: str) -> None:
    shown = " ".join(repr(a) for a in arguments)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"mou {shown} raised") from result.exception
    assert result.exit_code in (0, 1, 2), f"mou {shown}: exit {result.exit_code}"
    assert "Traceback" not in output, f"mou {shown}: a traceback"
    if lands == "terminal":
        lines = output.splitlines()
        raw = [line for line in lines if has_unsafe(line)]
        assert not raw, f"mou {shown}: raw control character in {raw[:3]!r}"


def run_in_process(base: Path, root: Path, commands: list[tuple[list[str], str]]) -> None:
    (base / OUT).mkdir(exist_ok=True)
    before = snapshot(base, root)
    for arguments, lands in commands:
        with alarm(SECONDS):
            result = CliRunner().invoke(app, ["--records", str(root), *arguments])
        output = result.stdout + (result.stderr if result.stderr_bytes is not None else "")
        check(arguments, lands, result, output)
    assert snapshot(base, root) == before, "a file was written outside the records root"
    written = [
        p for p in (base / OUT).rglob("*") if p.is_symlink() or not p.resolve().is_relative_to(base)
    ]
    assert not written, f"written outside the temporary root: {written}"


@FUZZ
@given(files=hostile_tree(), text=text_values)
def test_every_command_survives_a_hostile_tree(
    files: dict[str, Any], text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    root = build(base, files)
    cwd = os.getcwd()
    os.chdir(base)
    try:
        history = git_history(base)
        run_in_process(base, root, COMMANDS + (DIFFS if history else []) + adds(text))
        (root / "exchanges").mkdir(exist_ok=True)
        run_in_process(base, root, [(["fmt"], "terminal")])
    finally:
        os.chdir(cwd)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))


SUBPROCESS_EXAMPLES = max(2, EXAMPLES // 4)


@settings(FUZZ, max_examples=SUBPROCESS_EXAMPLES)
@given(files=hostile_tree(), special=st.sampled_from(SPECIAL))
def test_hostile_trees_stay_within_time_and_memory(
    files: dict[str, Any], special: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The classes that hang or eat memory (a FIFO, /dev/zero) in a real process, under
    `resource` limits: a regression fails here instead of hanging the suite."""
    base = tmp_path_factory.mktemp("fuzz")
    root = build(base, {**files, f"meetings/special-{special}.yaml": special})
    for arguments in (["validate", "--format", "json"], ["review", "--period", "2024"]):
        done = subprocess.run(
            [str(MOU), "--records", str(root), *arguments],
            capture_output=True,
            timeout=SECONDS,
            preexec_fn=_limits,
            cwd=base,
            check=False,
        )
        assert done.returncode in (0, 1, 2), done.stderr.decode(errors="replace")
        assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
