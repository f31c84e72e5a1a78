"""Setting up a records repository: init."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from mou.cli.common import command, parse_as_of, say


@command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="The new records repository (created if needed).")
    ] = Path("."),
    *,
    title: Annotated[str, typer.Option("--title", help="The memorandum's full title.")] = (
        "Memorandum of understanding"
    ),
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
    kind folders, the JSON Schema, a CI workflow and a pre-commit hook."""
    from mou.scaffold import scaffold

    written, kept = scaffold(
        directory,
        title=title,
        signed=parse_as_of(signed, "--signed") if signed else date.today(),
        place=place,
        parties=party or [],
        languages=language or ["en"],
    )
    for path in written:
        say(f"created {path}")
    for path in kept:
        say(f"kept    {path} (exists)")
    typer.echo(
        "\nNext: fill in the parties, clauses and topics in records/memorandum.yaml, "
        "then run `mou validate`."
        if not party
        else "\nNext: replace the example clause in records/memorandum.yaml, then run "
        "`mou validate`."
    )
