"""The progress bar: on standard error, only on a terminal, only past its delay; standard
output is the same with or without it."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from rich.console import Console

from conftest import REPO, Run
from mou import progress

DEMO = str(REPO / "examples" / "demo")


def _bar(after: float) -> tuple[progress.TerminalBar, io.StringIO]:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    return progress.TerminalBar(after=after, console=console), screen


def test_the_bar_shows_the_step_and_the_count_then_clears() -> None:
    bar, screen = _bar(after=0)
    bar.step("Reading", 40)
    for _ in range(40):
        bar.advance()
    bar.close()
    shown = screen.getvalue()
    assert "Reading" in shown and "40/40" in shown


def test_nothing_is_drawn_before_the_delay() -> None:
    bar, screen = _bar(after=3600)
    bar.step("Reading", 10_000)
    for _ in range(10_000):
        bar.advance()
    bar.close()
    assert screen.getvalue() == "" and bar.bar is None


@pytest.mark.parametrize("args", [["validate"], ["review", "--period", "2024", "--format", "md"]])
def test_standard_output_is_the_same_with_the_bar_showing(
    run: Run, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    command = ["--no-cache", "--records", DEMO, *args, "--as-of", "2025-12-31"]
    plain = run(*command)
    bar, screen = _bar(after=0)
    monkeypatch.setattr(progress, "for_terminal", lambda: progress.install(bar))
    with_bar = run(*command)
    assert (with_bar.exit_code, with_bar.stdout) == (plain.exit_code, plain.stdout)
    assert "Reading" in screen.getvalue() and "Checking" in screen.getvalue()
    assert bar.bar is None  # closed: gone


def test_piped_standard_error_gets_no_bar() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mou.start", "--no-cache", "--records", DEMO, "validate"],
        capture_output=True,
        check=False,
    )
    assert result.stderr == b"" and result.stdout.endswith(b"in 47 files.\n")


@pytest.mark.parametrize(
    "args", [["list"], ["actions"], ["show", "2023-03-15-consultations-minsk"]]
)
def test_a_command_without_checks_prints_where_its_output_goes(
    run: Run, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A bar shown while the record is read is gone before the output: nothing the command
    prints goes to the terminal the bar is on (rich would take standard output over)."""
    command = ["--no-cache", "--records", DEMO, *args]
    plain = run(*command)
    bar, screen = _bar(after=0)
    monkeypatch.setattr(progress, "for_terminal", lambda: progress.install(bar))
    with_bar = run(*command)
    assert (with_bar.exit_code, with_bar.stdout) == (plain.exit_code, plain.stdout)
    assert plain.stdout.strip() and "Reading" in screen.getvalue()
    assert bar.bar is None


def test_a_bar_not_yet_shown_keeps_its_clock_when_asked_for_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`mou site` installs a bar before Typer is imported and the CLI asks for one again: the
    first is kept (its second counts from the start), unless it has been shown already."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    class Shown:
        def stop(self) -> None:
            pass

    monkeypatch.setattr(sys, "stderr", Terminal())
    before = progress.reporter()
    try:
        progress.for_terminal()
        first = progress.reporter()
        progress.for_terminal()
        assert progress.reporter() is first
        assert isinstance(first, progress.TerminalBar)
        first.bar = Shown()
        progress.for_terminal()
        assert progress.reporter() is not first
        monkeypatch.setattr(sys, "stderr", io.StringIO())
        progress.for_terminal()
        assert type(progress.reporter()) is progress.Reporter
    finally:
        progress.install(before)
