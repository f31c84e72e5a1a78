"""Commands that check and tidy the record: validate, schema, explain, fmt."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mou.cli.common import (
    OK,
    PROBLEMS,
    Language,
    command,
    output_folder,
    output_refused,
    parse_as_of,
    portfolio_or_root,
    records_root,
    say,
)


class DiagnosticsFormat(StrEnum):
    text = "text"
    github = "github"
    json = "json"
    sarif = "sarif"


@command()
def validate(
    context: typer.Context,
    output_format: Annotated[
        DiagnosticsFormat | None,
        typer.Option(
            "--format",
            help="text, github (workflow annotations; the default when GITHUB_ACTIONS=true), "
            "json or sarif.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="Check dates against this day instead of today."
        ),
    ] = None,
    language: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language of the messages: en or ru. Default: $MOU_LANG, else the locale's "
            "(ru when it is Russian), else en.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Run every check over the whole record (at a portfolio's root: over every memorandum,
    in one run). Exit 0 clean, 1 errors (or warnings with --strict)."""
    found = portfolio_or_root(context)
    today = parse_as_of(as_of)
    from mou import validation
    from mou.portfolio_validation import validate_any
    from mou.problems import language_of_environment

    root, outcome = validate_any(found, today)
    chosen = output_format.value if output_format else validation.default_format()
    text, code = validation.report(
        outcome,
        root,
        chosen,
        strict=strict,
        language=language.value if language else language_of_environment(),
    )
    sys.stdout.write(text)
    return code


@command()
def schema(
    output: Annotated[
        Path, typer.Option("--output", help="Folder to write the schema files into.")
    ] = Path("schema"),
) -> None:
    """Write the JSON Schema of the records: record.schema.json (any kind) and one per kind."""
    from mou.problems import UsageError
    from mou.schema import write_schemas

    try:
        written = write_schemas(output_folder(output))
    except (UsageError, OSError) as error:
        raise output_refused(error, output) from None
    for path in written:
        typer.echo(path.as_posix())


@command()
def explain(code: Annotated[str, typer.Argument(help="A diagnostic code, e.g. MOU304.")]) -> None:
    """Explain what a diagnostic code means and how to fix it."""
    from mou.problems import CODES, UsageError

    found = CODES.get(code.upper())
    if found is None:
        raise UsageError(f"unknown code {code}; the codes are {', '.join(CODES)}")
    typer.echo(f"{found.code} ({found.severity}): {found.title}\n\n{found.explanation}")


@command()
def fmt(
    context: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")
    ] = False,
) -> int:
    """Rewrite every record in canonical form, keeping comments. Files that cannot be read
    (see `mou validate`) are left as they are."""
    from mou.escape import one_line
    from mou.write import format_tree

    report = format_tree(records_root(context), check=check)
    for file in report.files:
        if file.outcome == "changed":
            say(f"{'would reformat' if check else 'reformatted'} {one_line(file.path)}")
        else:
            say(f"{one_line(file.path)}: {file.reason}", err=True)
    verb = "would be reformatted" if check else "reformatted"
    noun = "file" if report.total == 1 else "files"
    unreadable = f", {report.failed} not readable" if report.failed else ""
    typer.echo(f"{report.changed} of {report.total} {noun} {verb}{unreadable}.")
    return PROBLEMS if report.failed or (check and report.changed) else OK
