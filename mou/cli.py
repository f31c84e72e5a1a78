"""The command line. Commands parse options, call one core function, hand the result to an
output function and return an exit code: 0 clean, 1 problems found, 2 usage error.

Only typer is imported at the top: everything heavy is imported inside the command that
needs it, so that `mou --help` costs little more than a bare Typer app.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

OK, PROBLEMS, USAGE = 0, 1, 2

app = typer.Typer(
    name="mou",
    help="Keep the implementation record of a memorandum of understanding as YAML in git: "
    "validate it, ask it questions, render the joint review.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Settings:
    def __init__(self, records: Path | None) -> None:
        self.explicit = records

    def root(self) -> Path:
        """The records root: --records, $MOU_RECORDS, the nearest records/ upward, ./records."""
        if self.explicit is not None:
            return self.explicit
        here = Path.cwd()
        for folder in (here, *here.parents):
            if (folder / "records" / "memorandum.yaml").is_file():
                return folder / "records"
        return Path("records")


def fail(message: str, code: int = USAGE) -> typer.Exit:
    """Print a usage error the way every command does, and give the exit to raise."""
    typer.echo(f"mou: {message}", err=True)
    return typer.Exit(code)


def parse_as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"--as-of {text!r}: expected a date such as 2024-12-31") from None


def records_root(context: typer.Context) -> Path:
    settings: Settings = context.obj
    root = settings.root()
    if not root.is_dir():
        raise fail(
            f"no records folder at {root} (use --records PATH, set MOU_RECORDS, or run `mou init`)"
        )
    return root


@app.callback(invoke_without_command=True)
def main_options(
    context: typer.Context,
    records: Annotated[
        Path | None,
        typer.Option(
            "--records",
            envvar="MOU_RECORDS",
            help="The records root. Default: the nearest records/ holding a memorandum.yaml, "
            "from the current folder upward; else ./records.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        from mou import __version__

        typer.echo(f"mou {__version__}")
        raise typer.Exit(OK)
    if context.invoked_subcommand is None:
        typer.echo(context.get_help())
        raise typer.Exit(USAGE)
    context.obj = Settings(records)


class DiagnosticsFormat(StrEnum):
    text = "text"
    github = "github"
    json = "json"
    sarif = "sarif"


@app.command()
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
) -> None:
    """Run every check over the whole record. Exit 0 clean, 1 errors (or warnings with --strict)."""
    from mou.checks import run_checks
    from mou.load import load
    from mou.output import FORMATTERS, counts

    root = records_root(context)
    today = parse_as_of(as_of)
    if output_format is None:
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        output_format = DiagnosticsFormat.github if in_actions else DiagnosticsFormat.text
    records = load(root)
    problems = run_checks(records, today)
    sys.stdout.write(FORMATTERS[output_format.value](problems, root, len(records.files)))
    errors, warnings = counts(problems)
    raise typer.Exit(PROBLEMS if errors or (strict and warnings) else OK)


@app.command()
def schema(
    output: Annotated[
        Path, typer.Option("--output", help="Folder to write the schema files into.")
    ] = Path("schema"),
) -> None:
    """Write the JSON Schema of the records: record.schema.json (any kind) and one per kind."""
    from mou.schema import write_schemas

    for path in write_schemas(output):
        typer.echo(path.as_posix())


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A diagnostic code, e.g. MOU304.")]) -> None:
    """Explain what a diagnostic code means and how to fix it."""
    from mou.problems import CODES

    found = CODES.get(code.upper())
    if found is None:
        raise fail(f"unknown code {code}; the codes are {', '.join(CODES)}")
    typer.echo(f"{found.code} ({found.severity}): {found.title}\n\n{found.explanation}")


def main() -> None:
    app()
