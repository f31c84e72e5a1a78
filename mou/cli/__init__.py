"""The command line: `mou`. Each command group is a module of this package that registers
its commands on `app` (mou.cli.common) with `@command()`; importing it here is all it takes.

    check   validate, schema, explain, fmt        report  review, calendar
    ask     list, show, actions, diff             setup   init
    stats   stats                                 export  export sqlite, export xlsx
    portfolio  portfolio (a row per memorandum of a portfolio)
    add     the add-* commands (built when used)  prompts asking for missing values
    lifecycle  set, done, rename, rm, log, status
    edit    edit
    site    site (the static site, --serve)
    importing  import
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mou.cli.common import ADD_KINDS, OK, USAGE, Settings, app, complete_memorandum

# The command modules register their commands in the order of `mou --help`.
# isort: off
from mou.cli import (
    check,
    report,
    ask,
    stats,
    portfolio,
    export,
    importing,
    setup,
    lifecycle,
    edit,
    site,
)
# isort: on

__all__ = [
    "ADD_KINDS",
    "app",
    "ask",
    "check",
    "edit",
    "export",
    "importing",
    "lifecycle",
    "main",
    "portfolio",
    "report",
    "setup",
    "site",
    "stats",
]


@app.callback(invoke_without_command=True)
def main_options(
    context: typer.Context,
    records: Annotated[
        Path | None,
        typer.Option(
            "--records",
            envvar="MOU_RECORDS",
            help="The records root, or a portfolio's root. Default: the nearest records/ "
            "holding a memorandum.yaml, from the current folder upward (or the portfolio "
            "there); else ./records.",
            show_default=False,
        ),
    ] = None,
    memorandum: Annotated[
        str | None,
        typer.Option(
            "--memorandum",
            "-m",
            metavar="ID",
            help="In a portfolio of memoranda: the one to work on (its folder's name).",
            show_default=False,
            autocompletion=complete_memorandum,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Compute everything again, without reading or writing the cache "
            "(also MOU_NO_CACHE=1).",
        ),
    ] = False,
) -> None:
    from mou import cache, progress

    cache.set_enabled(not no_cache)
    progress.for_terminal()
    if version:
        from mou import __version__

        typer.echo(f"mou {__version__}")
        raise typer.Exit(OK)
    if context.invoked_subcommand is None:
        typer.echo(context.get_help())
        raise typer.Exit(USAGE)
    context.obj = Settings(records, memorandum)


def main(prog_name: str | None = None) -> None:
    app(prog_name=prog_name)
