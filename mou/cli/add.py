"""The `add-*` commands, one per addable kind, built from the models when one is used (see
`common.Group`): one option per field, as mou.add derives them."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mou.cli.common import ADD_KINDS, OK, PROBLEMS, exits, records_root, say

if TYPE_CHECKING:
    from typer import _click as click

    from mou.add import Option

_ADD_HELP = """Add {kind}: one new file in {folder}/, checked with the whole record first.

Required values not given as options are asked for when standard input is a terminal;
otherwise the command names them and exits 2. Lists take the option once per value
(--observer iom --observer cis); structured items are one value with ; between parts.
The id is DATE-slug-of-the-title unless --id is given. Nothing is written if the new
record has an error; --dry-run prints it without writing."""


def build_add_commands() -> dict[str, click.Command]:
    """`add-KIND` → its command, for every addable kind."""
    from typer.main import get_command

    from mou.add import with_article
    from mou.kinds import KINDS

    commands = typer.Typer(add_completion=False, rich_markup_mode=None)
    for kind in ADD_KINDS:
        help_text = _ADD_HELP.format(kind=with_article(kind) + " record", folder=KINDS[kind].folder)
        commands.command(name=f"add-{kind}", help=help_text)(exits(_add_function(kind)))
    group = get_command(commands)
    return dict(group.commands)  # type: ignore[attr-defined]


def _add_function(kind: str) -> Any:
    """A command function whose signature Typer reads: one option per field of the model.
    (Any: the signature is made at run time, which no static type can describe.)"""
    import inspect

    from mou.add import options_for

    def command(context: typer.Context, **values: Any) -> int:
        return add_record(context, kind, values)

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter(
            "context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )
    ]
    for option in options_for(kind):
        annotation = _option_annotation(kind, option)
        parameters.append(
            inspect.Parameter(option.param, keyword, default=None, annotation=annotation)
        )
    new_id = typer.Option("--id", metavar="ID", help="Use this id, not DATE-slug-of-the-title.")
    parameters.append(
        inspect.Parameter("id", keyword, default=None, annotation=Annotated[str | None, new_id])
    )
    dry_run = typer.Option("--dry-run", help="Print the record and its problems; write nothing.")
    parameters.append(
        inspect.Parameter("dry_run", keyword, default=False, annotation=Annotated[bool, dry_run])
    )
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return command


def _option_annotation(kind: str, option: Option) -> Any:
    """The annotation Typer reads for one option (Any: a type made at run time)."""
    from enum import StrEnum

    settings: dict[str, Any] = {"help": option.help, "show_default": False}
    if option.shape == "choice":
        choices = StrEnum(f"{kind}_{option.param}", {c: c for c in option.choices})  # type: ignore[misc]
        return Annotated[choices | None, typer.Option(option.flag, **settings)]
    if option.shape == "flag":
        negative = "--not-" + option.flag[2:]
        return Annotated[bool | None, typer.Option(f"{option.flag}/{negative}", **settings)]
    if option.shape == "number":
        return Annotated[int | None, typer.Option(option.flag, metavar="N", **settings)]
    metavar = option.metavar
    if option.shape in ("localized", "list", "items", "pairs"):
        return Annotated[list[str] | None, typer.Option(option.flag, metavar=metavar, **settings)]
    return Annotated[str | None, typer.Option(option.flag, metavar=metavar, **settings)]


def add_record(context: typer.Context, kind: str, values: dict[str, Any]) -> int:
    """Build one new record from the options (asking for what is missing), have it checked
    and written; print its path, or its problems. The exit code."""
    from mou import add
    from mou.cli.prompts import ask_missing
    from mou.escape import terminal_safe
    from mou.output import as_text, display_path
    from mou.problems import RefusalError, UsageError
    from mou.write import UnsafePathError

    root = records_root(context)
    today = date.today()
    data = add.build(kind, values, today)
    absent = add.missing(kind, data)
    if absent and sys.stdin.isatty():
        ask_missing(root, kind, data, today)
    elif absent:
        flags = ", ".join(option.flag for option in absent)
        raise UsageError(f"add-{kind}: missing {flags} (in a terminal, mou asks for them)")
    dry_run = bool(values.get("dry_run"))
    try:
        outcome = add.create(root, kind, data, values.get("id"), today=today, dry_run=dry_run)
    except add.RefusedError as error:
        raise RefusalError(f"{error}; nothing was written") from None
    except UnsafePathError as error:
        raise UsageError(f"{error}; nothing was written") from None
    if dry_run:
        sys.stdout.write(terminal_safe(outcome.text, newlines=True))
    if outcome.problems:
        sys.stderr.write(as_text(outcome.problems, root, 1))
    if outcome.has_errors and not dry_run:
        shown = display_path(root, outcome.path)
        say(f"mou: {shown} has errors; nothing was written", err=True)
    elif outcome.written:
        say(display_path(root, outcome.path))
    return PROBLEMS if outcome.has_errors else OK
