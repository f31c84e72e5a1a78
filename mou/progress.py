"""Progress of the long steps (reading a large record, checking it), shown as a bar on a
terminal.

The steps report to whatever reporter is installed, which by default shows nothing. The
command line installs a `TerminalBar` only when standard error is a terminal: it draws
nothing during the first second (a small record never sees it), then a transient rich bar on
standard error, which it clears at the end. Standard output is never touched, so piped or
redirected output is the same with or without it.
"""

from __future__ import annotations

import time
from typing import Any


class Reporter:
    """Shows nothing: what steps report to when no terminal is watching."""

    def step(self, label: str, total: int) -> None:
        """A new step of `total` units begins."""

    def advance(self, units: int = 1) -> None:
        """`units` more of the current step are done."""

    def close(self) -> None:
        """The work is over: clear whatever was shown."""


class TerminalBar(Reporter):
    """A rich progress bar on standard error, shown once the work has taken `after` seconds."""

    def __init__(self, *, after: float = 1.0, console: Any = None) -> None:
        self.after = after
        self.started = time.monotonic()
        self.console = console
        self.label, self.total, self.done = "", 0, 0
        self.bar: Any = None
        self.task: Any = None

    def step(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        if self.bar is not None:
            self.bar.update(self.task, description=label, total=total, completed=0)

    def advance(self, units: int = 1) -> None:
        self.done += units
        if self.bar is None:
            if time.monotonic() - self.started < self.after:
                return
            self._show()
        self.bar.update(self.task, completed=self.done)

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from mou.escape import console_style

        console = self.console or Console(stderr=True, **console_style())
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            # What the command prints goes where it was sent (a file, a pipe), not to the
            # terminal the bar is on: rich would otherwise take standard output over.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task = self.bar.add_task(self.label, total=self.total, completed=self.done)
        self.bar.start()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


_installed: list[Reporter] = [Reporter()]


def reporter() -> Reporter:
    """The reporter steps report to."""
    return _installed[-1]


def install(new: Reporter) -> None:
    """Report to `new` from now on (replacing the one installed before, which is closed)."""
    _installed[-1].close()
    _installed[-1] = new


def for_terminal() -> None:
    """Install a `TerminalBar` when standard error is a terminal, else the silent reporter. A
    bar installed already and not yet shown is kept, with its clock (`mou site` installs one
    before Typer is imported, and the CLI asks again)."""
    import sys

    if not sys.stderr.isatty():
        install(Reporter())
        return
    current = reporter()
    if not (isinstance(current, TerminalBar) and current.bar is None):
        install(TerminalBar())
