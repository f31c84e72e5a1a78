"""`mou edit ID`: the record in the user's editor, checked before it is written, reopened
with its problems on top (as `kubectl edit` does) until it is valid or given up."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mou.cli.common import OK, PROBLEMS, command, records_root
from mou.cli.lifecycle import RecordId, report

if TYPE_CHECKING:
    from mou.problems import Problem

HEADER = "# mou edit: "


def _interactive() -> bool:
    return sys.stdin.isatty()


@command()
def edit(context: typer.Context, record: RecordId) -> int:
    """Edit a record in $VISUAL, else $EDITOR, else vi. Saved unchanged: nothing written.
    Invalid: the editor opens again with the problems as comments at the top (not when
    standard input is not a terminal: then the edited copy is kept and its path printed)."""
    import shutil
    import tempfile

    from mou.lifecycle import record_path

    root = records_root(context)
    path = record_path(root, record)
    original = (root / path).read_bytes()
    folder = Path(tempfile.mkdtemp(prefix="mou-edit-"))
    copy = folder / path.rsplit("/", 1)[-1]
    copy.write_bytes(original)
    code = _edit_rounds(root, path, original, copy)  # on a failure, the copy is kept
    if code == OK or not copy.read_bytes().strip():
        shutil.rmtree(folder, ignore_errors=True)
    return code


def _edit_rounds(root: Path, path: str, original: bytes, copy: Path) -> int:
    """Open the editor until the record is written, unchanged, or given up. The exit code."""
    from mou.lifecycle import save_edited
    from mou.output import as_text
    from mou.problems import RefusalError

    shown = original.decode("utf-8", "replace")
    first = True
    while True:
        _open_editor(copy)
        text = copy.read_text(encoding="utf-8", errors="replace")
        body = "".join(
            line for line in text.splitlines(keepends=True) if not line.startswith(HEADER)
        )
        if not body.strip():
            typer.echo("mou: the file is empty; nothing was written", err=True)
            return PROBLEMS
        if text == shown or body.encode("utf-8") == original:
            if first or body.encode("utf-8") == original:
                typer.echo("No change; nothing was written.")
                return OK
            typer.echo(f"mou: saved unchanged; nothing was written (your copy: {copy})", err=True)
            return PROBLEMS
        first = False
        try:
            edited = save_edited(root, path, original, body, today=date.today())
        except RefusalError as error:
            typer.echo(f"mou: {error}; nothing was written (your copy: {copy})", err=True)
            return PROBLEMS
        if edited.outcome.written:
            return report(root, edited, dry_run=False)
        if not _interactive():
            sys.stderr.write(as_text(edited.outcome.problems, root, 1))
            typer.echo(f"mou: nothing was written; your edited copy is kept at {copy}", err=True)
            return PROBLEMS
        shown = "\n".join(_header(edited.outcome.problems, copy.name)) + "\n" + body
        copy.write_text(shown, encoding="utf-8")


def _header(problems: list[Problem], name: str) -> list[str]:
    """The problems as comment lines for the top of the file, their line numbers counted
    in the file as the editor shows it (below these lines)."""
    from mou.escape import one_line

    size = 2 + len(problems)
    lines = [
        f"{HEADER}the record has errors; fix them and save, or save it unchanged or empty",
        f"{HEADER}to give up. These lines are removed when the record is read again.",
    ]
    for p in problems:
        lines.append(
            f"{HEADER}{name}:{p.line + size}:{p.column}: {p.severity} {p.code} "
            f"{one_line(p.message)}"
        )
    return lines


def _open_editor(copy: Path) -> None:
    import shlex
    import subprocess

    from mou import child_environment
    from mou.problems import RefusalError, UsageError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        result = subprocess.run(
            [*shlex.split(editor), str(copy)], check=False, env=child_environment()
        )
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot start the editor {editor!r}: {error}") from None
    if result.returncode != 0:
        raise RefusalError(
            f"the editor exited with status {result.returncode}; nothing was written "
            f"(your copy: {copy})"
        )
