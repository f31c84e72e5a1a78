"""Shell completion is on: commands, options, record ids, what the memorandum declares and
periods complete on <Tab>; `-h` is `--help`; NO_COLOR leaves no escape sequence at all."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO, Run

DEMO = str(REPO / "examples" / "demo")


def _complete(words: list[str], incomplete: str) -> list[str]:
    from typer._completion_classes import BashComplete
    from typer.main import get_command

    from mou.cli import app

    shell = BashComplete(get_command(app), {}, "mou", "_MOU_COMPLETE")
    return [item.value for item in shell.get_completions(["--records", DEMO, *words], incomplete)]


@pytest.mark.parametrize(
    "words,incomplete,expected",
    [
        ([], "ex", ["explain", "export"]),
        (["list"], "--sta", ["--status", "--state"]),
        (["list", "--party"], "", ["cis", "iom"]),
        (["actions", "--owner"], "i", ["iom"]),
        (["list", "--state"], "K", ["KAZ", "KGZ"]),
        (["list", "--topic"], "tr", ["trafficking-in-human-beings"]),
        (["list", "--clause"], "1.", ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]),
        (["list", "meeting", "--status"], "", ["planned", "held", "cancelled", "postponed"]),
        (["list", "--period"], "2025-Q", ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]),
        (["show"], "2025-04", ["2025-04-08-training-cross-border-cooperation",
                               "2025-04-22-cis-bulletin-2024"]),
    ],
)  # fmt: skip
def test_tab_completes(words: list[str], incomplete: str, expected: list[str]) -> None:
    assert _complete(words, incomplete) == expected


def test_completion_can_be_installed(run: Run) -> None:
    helped = run("--help").output
    assert "--install-completion" in helped and "--show-completion" in helped


@pytest.mark.parametrize("words", [["-h"], ["list", "-h"], ["validate", "-h"]])
def test_dash_h_is_help(words: list[str], run: Run) -> None:
    result = run(*words)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: mou")


def test_no_color_means_no_escape_sequence_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table on a terminal: bold headings without NO_COLOR, plain text with it."""
    import io

    from rich.console import Console

    from mou.escape import console_style
    from mou.grid import Grid, GridColumn

    grid = Grid("1 record", [GridColumn("Id")], [["a1"]])

    def shown() -> str:
        out = io.StringIO()
        Console(file=out, force_terminal=True, width=40, **console_style()).print(grid)
        return out.getvalue()

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[1m" in shown()
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in shown()


def test_completion_keeps_the_fast_entry_fast() -> None:
    """`mou --version` and `mou --help` import no pydantic (completion is Typer's own)."""
    code = (
        "import sys; sys.argv = ['mou', '--help']\n"
        "from mou.start import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
