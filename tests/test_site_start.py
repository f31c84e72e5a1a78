"""`mou site` starts reading the record before Typer is imported (`start.early_site`): the
command line is only recognized there; the full CLI still reads it, decides, and reports, and
takes the reading only for the record it resolves."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Run
from mou import start
from mou.read import EARLY_READING

DEMO = str(REPO / "examples" / "demo")
AS_OF = "2025-12-31"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["site"], {}),
        (["--no-cache", "--records", DEMO, "site"], {"no_cache": "yes", "records": DEMO}),
        (
            [f"--records={DEMO}", "site", "--output", "out", f"--as-of={AS_OF}"],
            {"records": DEMO, "output": "out", "as_of": AS_OF},
        ),
        (["site", "--include-contact-details"], {"contact_details": "yes"}),
    ],
)
def test_a_plain_site_build_is_recognized(args: list[str], expected: dict[str, str]) -> None:
    assert start._site_arguments(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["site", "--serve"],
        ["site", "--help"],
        ["site", "--port", "9000"],
        ["site", "-m", "cis-iom"],
        ["site", "--output"],
        ["site", "--output", "a", "--output", "b"],
        ["site", "--records", DEMO],
        ["--records=", "site"],
        ["site", "extra"],
        ["validate"],
        ["--records", DEMO],
        [],
    ],
    ids=" ".join,
)
def test_any_other_command_line_is_left_to_the_cli(args: list[str]) -> None:
    assert start._site_arguments(args) is None


def _same(one: Path, other: Path) -> bool:
    compared = filecmp.dircmp(one, other, ignore=[".mou-site-keys"])
    pending = [compared]
    while pending:
        found = pending.pop()
        if found.left_only or found.right_only or found.diff_files or found.funny_files:
            return False
        pending.extend(found.subdirs.values())
    return True


def test_the_site_command_takes_the_reading_of_its_record(run: Run, tmp_path: Path) -> None:
    plain, early = tmp_path / "plain", tmp_path / "early"
    common = ["--no-cache", "--records", DEMO, "site", "--as-of", AS_OF, "--output"]
    assert run(*common, str(plain)).exit_code == 0
    try:
        start.early_site([*common, str(early)])
        assert list(EARLY_READING) == [Path(DEMO).resolve()]
        assert run(*common, str(early)).exit_code == 0
        assert EARLY_READING == {}  # taken
    finally:
        EARLY_READING.clear()
    assert _same(plain, early)


def test_a_reading_of_another_record_is_dropped(run: Run, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(DEMO, other)
    (other / "exchanges" / "2024-02-20-migration-statistics.yaml").unlink(missing_ok=True)
    try:
        start.early_site(["--no-cache", "--records", DEMO, "site"])
        result = run("--no-cache", "--records", str(other), "site", "--output", str(tmp_path / "s"))
        assert result.exit_code == 0
        assert EARLY_READING == {}
    finally:
        EARLY_READING.clear()
    built = run("--no-cache", "--records", str(other), "site", "--output", str(tmp_path / "t"))
    assert built.exit_code == 0 and _same(tmp_path / "s", tmp_path / "t")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["site", "--as-of", "soon"], "--as-of"),
        (["--records", "/no/such/folder", "site"], "/no/such/folder"),
        (["site", "--as-of", "9999-06-01"], "reach no further than 9998"),  # (periods end)
    ],
)
def test_what_the_cli_refuses_it_still_refuses(tmp_path: Path, args: list[str], said: str) -> None:
    """Through the program itself (`start.main`), where the reading starts early."""
    command = [sys.executable, "-m", "mou", *args, "--output", str(tmp_path / "s")]
    if "--records" not in args:
        command[3:3] = ["--records", DEMO]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    "options",
    [
        ["--as-of", "2026-13-01"],
        ["--as-of", "0999-01-01"],
        ["--as-of", "9999-01-01"],
        ["--output", "/dev/null"],
    ],
)
def test_nothing_is_read_ahead_for_a_command_the_cli_refuses(options: list[str]) -> None:
    """The CLI refuses these before it reads the record: no parse is started for them."""
    try:
        start.early_site(["--no-cache", "--records", DEMO, "site", *options])
        assert EARLY_READING == {}
    finally:
        EARLY_READING.clear()
