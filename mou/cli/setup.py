"""Setting up a records repository: init."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from mou.cli.common import Settings, command, parse_as_of, say


@command()
def init(
    context: typer.Context,
    directory: Annotated[
        Path,
        typer.Argument(
            help="The new records repository (created if needed); inside a portfolio, the new "
            "memorandum's id."
        ),
    ] = Path("."),
    *,
    portfolio: Annotated[
        bool,
        typer.Option("--portfolio", help="Start a portfolio of memoranda in DIRECTORY instead."),
    ] = False,
    memorandum_id: Annotated[
        str | None,
        typer.Option("--id", metavar="ID", help="Inside a portfolio: the new memorandum's id."),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            help="The memorandum's full title (the portfolio's, with --portfolio). Default: "
            "Memorandum of understanding.",
            show_default=False,
        ),
    ] = None,
    signed: Annotated[
        str | None,
        typer.Option("--signed", metavar="DATE", help="Date of signature. Default: today."),
    ] = None,
    place: Annotated[str, typer.Option("--place", help="Place of signature.")] = (
        "(place of signature)"
    ),
    party: Annotated[
        list[str] | None,
        typer.Option("--party", metavar="ID=NAME", help="A party (repeat for each)."),
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", metavar="CODE", help="A language of the authentic texts."),
    ] = None,
) -> None:
    """Start a records repository for a memorandum: records/memorandum.yaml to fill in, the
    kind folders, the JSON Schema, a CI workflow and a pre-commit hook. With --portfolio, a
    portfolio repository; inside a portfolio, `mou init ID` adds a memorandum's folder."""
    from mou.problems import UsageError
    from mou.scaffold import scaffold
    from mou.scaffold.portfolio import portfolio_of, scaffold_member, scaffold_portfolio

    if portfolio:
        written, kept = scaffold_portfolio(directory, title=title)
        _report(written, kept, "\nNext: `mou init ID` here adds a memorandum.")
        return
    settings: Settings = context.obj
    where = settings.root()  # inside a memorandum of a portfolio: that memorandum
    root = portfolio_of(where)
    day = parse_as_of(signed, "--signed") if signed else date.today()
    parties, languages = party or [], language or ["en"]
    if root is None and memorandum_id is not None:
        raise UsageError(f"--id {memorandum_id}: not inside a portfolio (see --portfolio)")
    if root is None:
        title = title or "Memorandum of understanding"
        written, kept = scaffold(
            directory, title=title, signed=day, place=place, parties=parties, languages=languages
        )
        _report(written, kept, _next("records/memorandum.yaml", bool(party)))
        return
    given = None if directory == Path(".") else directory.as_posix()
    if memorandum_id is not None and given not in (None, memorandum_id):
        raise UsageError(f"--id {memorandum_id} and {given}: give the new memorandum's id once")
    new = memorandum_id or given
    if new is None:
        raise UsageError(f"{root} is a portfolio: `mou init ID` adds the memorandum ID to it")
    title = title or f"Memorandum of understanding ({new})"
    written, kept = scaffold_member(
        root, new, title=title, signed=day, place=place, parties=parties, languages=languages
    )
    _report(written, kept, _next(f"{new}/memorandum.yaml", bool(party)))


def _report(written: list[str], kept: list[str], then: str) -> None:
    for path in written:
        say(f"created {path}")
    for path in kept:
        say(f"kept    {path} (exists)")
    typer.echo(then)


def _next(memorandum: str, parties: bool) -> str:
    if parties:
        return f"\nNext: replace the example clause in {memorandum}, then run `mou validate`."
    return (
        f"\nNext: fill in the parties, clauses and topics in {memorandum}, then run `mou validate`."
    )
