"""`mou import FILE --kind KIND`: rows of a spreadsheet as new records."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mou.cli.common import ADD_KINDS, OK, PROBLEMS, command, records_root, say

if TYPE_CHECKING:
    from mou.importer import Outcome


@command(name="import")
def import_sheet(
    context: typer.Context,
    source: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .xlsx workbook or a .csv file.")
    ],
    *,
    kind: Annotated[
        str,
        typer.Option("--kind", metavar="KIND", help=f"What each row is: {', '.join(ADD_KINDS)}."),
    ],
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME",
            help="The workbook's sheet. Default: the one named after the kind's folder "
            "(exchanges), else the only one.",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be written; write nothing.")
    ] = False,
) -> int:
    """Add the rows of a sheet as records of one kind: checked together with the whole
    record, then written all at once, or not at all. Rows already in the record (same
    date and title) are skipped, so an import can be run again."""
    from mou.escape import one_line, terminal_safe
    from mou.importer import ImportFileError, run_import
    from mou.kinds import kind_named
    from mou.problems import UsageError

    found = kind_named(kind)  # exchange or exchanges
    if found is None or not found.addable:
        raise UsageError(f"--kind {kind}: the kinds are {', '.join(ADD_KINDS)}")
    kind = found.name
    root = records_root(context)
    try:
        outcome = run_import(root, source, kind, today=date.today(), sheet=sheet, dry_run=dry_run)
    except ImportFileError as error:
        raise UsageError(str(error)) from None
    for skipped in outcome.skipped:
        message = f"{skipped.where}: skipped, already in the record as {skipped.same_as}"
        say(one_line(message), err=True)
    for finding in outcome.findings:
        say(one_line(str(finding)), err=True)
    if dry_run:
        for record in outcome.records:
            sys.stdout.write(f"# row {record.row} → {record.path}\n")
            sys.stdout.write(terminal_safe(record.text, newlines=True))
    return _summary(root, outcome, dry_run=dry_run)


def _summary(root: Path, outcome: Outcome, *, dry_run: bool) -> int:
    """The last line: what was (or would be) written, or why nothing was."""
    from mou.output import display_path

    errors = sum(1 for f in outcome.findings if f.severity == "error")
    if errors:
        say(f"mou: {_count(errors, 'error')}; nothing was written", err=True)
        return PROBLEMS
    if not outcome.records:
        say("nothing to import: every row is already in the record", err=dry_run)
        return OK
    folder = display_path(root, outcome.folder or "")
    verb = "would write" if dry_run else "wrote"
    line = f"{verb} {_count(len(outcome.records), 'record')} to {folder}/"
    if outcome.skipped:
        line += f"; {_count(len(outcome.skipped), 'row')} already in the record, skipped"
    say(line, err=dry_run)
    return OK


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
