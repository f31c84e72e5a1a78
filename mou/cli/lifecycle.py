"""The life-cycle commands: set, done, rename, rm, log, status (edit is in cli/edit.py).
Each parses its options, calls one core function (mou.lifecycle, mou.history, mou.status),
prints, and returns the exit code: 0 written or clean, 1 refused or problems, 2 usage."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mou.cli.across import members
from mou.cli.ask import DiffFormat
from mou.cli.common import (
    MAX_DAYS,
    OK,
    PROBLEMS,
    AsOfOption,
    ContactDetails,
    Language,
    NoticeDaysOption,
    command,
    completion_root,
    no_memorandum,
    parse_as_of,
    portfolio_or_root,
    records_root,
)

if TYPE_CHECKING:
    from mou.lifecycle import Edit
    from mou.portfolio import Portfolio

# --- shell completion (called on <Tab>: cheap, and never an error) ------------------------


def complete_id(context: typer.Context, incomplete: str) -> list[str]:
    from mou.completion import ids

    return ids(completion_root(context), incomplete)


def complete_action(context: typer.Context, incomplete: str) -> list[str]:
    from mou.completion import action_references

    return action_references(completion_root(context), incomplete)


def _record_of(context: typer.Context) -> str | None:
    """The record `mou set` names: parsed, or (when an option still waits for its value, so
    that parsing stopped before the arguments) the first word left over."""
    record = context.params.get("record")
    if record is None:
        record = next((word for word in context.args if not word.startswith("-")), None)
    return record if isinstance(record, str) else None


def complete_key(context: typer.Context, incomplete: str) -> list[str]:
    from mou.completion import keys

    record = _record_of(context)
    return keys(completion_root(context), record, incomplete) if record else []


def complete_unset(context: typer.Context, incomplete: str) -> list[str]:
    from mou.completion import keys

    record = _record_of(context)
    return keys(completion_root(context), record, incomplete, values=False) if record else []


DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Check and show the change; write nothing.")
]
RecordId = Annotated[
    str, typer.Argument(metavar="ID", help="The record's id.", autocompletion=complete_id)
]


def report(root: Path, edit: Edit, dry_run: bool, heading: str | None = None) -> int:
    """Print what a writing command did, or would do: its changes field by field, and the
    problems of the files written. The exit code: 1 when they have errors (nothing written)."""
    from mou.escape import terminal_safe
    from mou.output import as_text, display_path
    from mou.tables import change_lines

    outcome = edit.outcome
    if outcome.problems:
        sys.stderr.write(as_text(outcome.problems, root, len(outcome.changes.writes)))
    if outcome.has_errors:
        paths = ", ".join(display_path(root, p) for p in outcome.changes.writes)
        typer.echo(f"mou: {paths} would have errors; nothing was written", err=True)
        return PROBLEMS
    if not outcome.changes.paths:
        typer.echo("Nothing changed.")
        return OK
    lines = [heading] if heading else []
    for change in edit.changes:
        lines += change_lines(change, markdown=False)
    for path in outcome.changes.paths:
        action = "would write" if dry_run else "wrote"
        if path in outcome.changes.removes:
            action = "would remove" if dry_run else "removed"
        lines.append(f"{action} {display_path(root, path)}")
    typer.echo(terminal_safe("\n".join(lines), newlines=True))
    return OK


@command(name="set")
def set_command(
    context: typer.Context,
    record: RecordId,
    assignments: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KEY=VALUE...",
            help="Fields to set: status=held, title.ru=..., actions.a2.status=done, "
            "participants.0.role=..., observers=iom;cis (a list as a;b;c).",
            autocompletion=complete_key,
            show_default=False,
        ),
    ] = None,
    *,
    unset: Annotated[
        list[str] | None,
        typer.Option(
            "--unset",
            metavar="KEY",
            help="Remove a field or list item.",
            autocompletion=complete_unset,
        ),
    ] = None,
    dry_run: DryRun = False,
) -> int:
    """Change fields of one record, checked with the whole record before anything is written;
    comments, key order and quoting of the other lines are kept."""
    from mou.lifecycle import set_fields
    from mou.problems import UsageError

    pairs = []
    for assignment in assignments or []:
        key, equals, value = assignment.partition("=")
        if not equals:
            raise UsageError(f"{assignment!r}: write KEY=VALUE (or --unset KEY)")
        pairs.append((key.strip(), value))
    if not pairs and not unset:
        raise UsageError("set: give at least one KEY=VALUE or --unset KEY")
    root = records_root(context)
    edit = set_fields(root, record, pairs, unset or [], today=date.today(), dry_run=dry_run)
    return report(root, edit, dry_run)


@command()
def done(
    context: typer.Context,
    action: Annotated[
        str,
        typer.Argument(
            metavar="MEETING#ACTION",
            help="The action item as `mou actions` names it.",
            autocompletion=complete_action,
        ),
    ],
    *,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="When it was done. Default: today."),
    ] = None,
    dry_run: DryRun = False,
) -> int:
    """Mark an action item done: status done, done_on the day (default today)."""
    from mou.lifecycle import mark_done

    root = records_root(context)
    today = date.today()
    day = parse_as_of(on) if on else today
    return report(root, mark_done(root, action, day, today=today, dry_run=dry_run), dry_run)


@command()
def rename(
    context: typer.Context,
    old: Annotated[
        str, typer.Argument(metavar="OLD_ID", help="The record's id.", autocompletion=complete_id)
    ],
    new: Annotated[str, typer.Argument(metavar="NEW_ID", help="Its new id.")],
    *,
    dry_run: DryRun = False,
) -> int:
    """Rename a record (its file, in the same folder) and rewrite every reference to it in
    other records, keeping their comments: all or nothing, even if killed half-way."""
    import dataclasses

    from mou.lifecycle import rename as rename_record

    root = records_root(context)
    edit = rename_record(root, old, new, today=date.today(), dry_run=dry_run)
    planned = edit.outcome.changes
    heading = f"renamed: {' → '.join([*planned.removes, *planned.new])}"
    kept = [change for change in edit.changes if change.change == "changed"]
    return report(root, dataclasses.replace(edit, changes=tuple(kept)), dry_run, heading)


@command()
def rm(context: typer.Context, record: RecordId, *, dry_run: DryRun = False) -> int:
    """Remove a record; refused while other records refer to it."""
    from mou.escape import terminal_safe
    from mou.lifecycle import Edit, ReferencedError, remove

    root = records_root(context)
    try:
        outcome = remove(root, record, today=date.today(), dry_run=dry_run)
    except ReferencedError as error:
        typer.echo(f"mou: {error}; nothing was removed:", err=True)
        for path, field in error.referrers:
            typer.echo(f"  {terminal_safe(path)}: {terminal_safe(field)}", err=True)
        return PROBLEMS
    return report(root, Edit(outcome, ()), dry_run)


@command()
def log(
    context: typer.Context,
    record: RecordId,
    *,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", help="text, md or json.")
    ] = DiffFormat.text,
    contact_details: ContactDetails = False,
) -> None:
    """One record's history from git, newest first: each commit that touched its file
    (following renames), with the changes field by field; uncommitted changes first."""
    from mou.history import GitError, record_log
    from mou.lifecycle_text import log_text
    from mou.problems import UsageError

    root = records_root(context)
    try:
        found = record_log(root, record, contact_details=contact_details)
    except GitError as error:
        raise UsageError(f"log: {error}") from None
    sys.stdout.write(log_text(record, found, output_format.value))


class StatusFormat(StrEnum):
    text = "text"
    json = "json"


@command()
def status(
    context: typer.Context,
    *,
    as_of: AsOfOption = None,
    within: Annotated[
        int,
        typer.Option(
            "--within", metavar="DAYS", min=0, max=MAX_DAYS, help="How far ahead to look."
        ),
    ] = 30,
    notice_days: NoticeDaysOption = 90,
    output_format: Annotated[
        StatusFormat, typer.Option("--format", help="text or json.")
    ] = StatusFormat.text,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit 1 when anything is overdue (for a scheduled job)."),
    ] = False,
    language: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language of the text: en or ru. Default: $MOU_LANG, else the locale's "
            "(ru when it is Russian), else en.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """What needs attention now: overdue and coming actions by owner, clauses behind or due
    by their cadence, planned events past or near, unanswered requests, parties without a
    contact, and the count of findings."""
    from mou.checks import run_checks
    from mou.lifecycle_text import fold, status_json, status_text
    from mou.load import load
    from mou.problems import language_of_environment
    from mou.status import status as status_of

    target = portfolio_or_root(context)
    today = parse_as_of(as_of)
    chosen = language.value if language else language_of_environment()
    if not isinstance(target, Path):
        return _portfolio_status(
            target,
            today,
            within=within,
            notice_days=notice_days,
            json_format=output_format == "json",
            check=check,
            language=chosen,
        )
    records = load(target)
    if records.memorandum is None:
        raise no_memorandum()
    found = status_of(records, run_checks(records, today), today, within, notice_days)
    if output_format == "json":
        sys.stdout.write(status_json(found))
    else:
        sys.stdout.write(fold(status_text(found, chosen)))
    return PROBLEMS if check and found.overdue else OK


def _portfolio_status(
    portfolio: Portfolio,
    today: date,
    *,
    within: int,
    notice_days: int,
    json_format: bool,
    check: bool,
    language: str,
) -> int:
    """`mou status` at a portfolio's root: each memorandum's page under its id, by id (JSON:
    a list, each with its `memorandum`); exit 1 when one cannot be read, or with --check
    when anything of any memorandum is overdue."""
    from mou.checks import run_checks
    from mou.lifecycle_text import fold, portfolio_status_json, portfolio_status_text
    from mou.models import localized
    from mou.status import status as status_of

    loaded, failed = members(portfolio)
    pages = []
    for member in loaded:
        records, memorandum = member.records, member.memorandum
        found = status_of(records, run_checks(records, today), today, within, notice_days)
        pages.append(
            (member.id, localized(memorandum.short_title or memorandum.title, language), found)
        )
    if json_format:
        sys.stdout.write(portfolio_status_json(pages))
    else:
        sys.stdout.write(fold(portfolio_status_text(pages, language)))
    overdue = any(page.overdue for _, _, page in pages)
    return PROBLEMS if failed or (check and overdue) else OK
