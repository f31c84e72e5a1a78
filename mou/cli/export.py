"""`mou export`: the record in the formats other tools read, one subcommand per format on the
`export` group (`sqlite`, `xlsx`; another format is one more function decorated
`@subcommand()`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mou.cli.common import (
    OK,
    PROBLEMS,
    AsOfOption,
    Command,
    ContactDetails,
    Language,
    app,
    exits,
    no_memorandum,
    output_path,
    output_refused,
    parse_as_of,
    portfolio_or_root,
    refuse_clashes,
    say,
)

if TYPE_CHECKING:
    from mou.portfolio import Portfolio

export = typer.Typer(
    name="export",
    help="Write the whole record in a format other tools read: SQLite (for SQL and Datasette) "
    "or an Excel workbook.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(export)

FileArgument = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        help="The file to write (replaced atomically).",
        show_default=False,
        parser=output_path,
    ),
]


def subcommand(name: str) -> Callable[[Command], Command]:
    """Register `mou export NAME`, under the exit-code policy."""

    def register(function: Command) -> Command:
        export.command(name=name)(exits(function))
        return function

    return register


Output = tuple[Path, str]  # a file to write as the user typed it, and its option (or FILE)


def targets(found: Portfolio | Path, *paths: Output) -> list[Path]:
    """The files to write, each checked (a regular file or a new path; never a folder, FIFO,
    device, standard output, a record file or the same file twice) before any is written;
    refused (`output_refused`) at the first that is not."""
    from mou.problems import UsageError
    from mou.write import output_target

    for path, option in paths:
        if str(path) == "-":
            kind = "database" if option != "--metadata" else "metadata"
            raise UsageError(f"{option} -: the {kind} is a file, and cannot go to standard output")
    refuse_clashes(paths, root=found if isinstance(found, Path) else found.root)
    checked = []
    for path, option in paths:
        try:
            checked.append(output_target(path, option))
        except (UsageError, OSError) as error:
            raise output_refused(error, path, option) from None
    if len(set(checked)) < len(checked):
        options = " and ".join(option for _, option in paths)
        raise output_refused(
            UsageError(f"{options} name the same file: {paths[0][0]}"), paths[0][0]
        )
    return checked


def write(files: list[tuple[Path, bytes]], given: Sequence[Output]) -> None:
    """Write the checked files atomically, each said as the user typed it (`given`); none is
    replaced unless all can be written (`staging.replace_all`); what cannot is refused
    (MOU502), saying which were written already."""
    from mou.staging import replace_all

    written: list[str] = []

    def refused(index: int, error: OSError) -> Exception:
        path, option = given[index]
        refusal = output_refused(error, path, option)
        if written:
            also = f"{refusal.args[0]} (written already: {', '.join(written)})"
            refusal.args = (also, *refusal.args[1:])
        return refusal

    def done(index: int) -> None:
        written.append(str(given[index][0]))
        say(f"wrote {given[index][0]}", err=True)

    replace_all(files, refused, done)


@subcommand("sqlite")
def sqlite(
    context: typer.Context,
    file: FileArgument,
    *,
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata",
            metavar="FILE",
            help="Where Datasette's metadata goes. Default: metadata.yaml beside FILE.",
            show_default=False,
            parser=output_path,
        ),
    ] = None,
    as_of: AsOfOption = None,
    contact_details: ContactDetails = False,
) -> int:
    """Write the record as one SQLite database: a table per kind, child tables with keys,
    full-text search on titles and summaries, the validation findings and views; and
    Datasette's metadata.yaml beside it. Browse it with `datasette FILE -m metadata.yaml`."""
    from mou.checks import run_checks
    from mou.datasette import metadata_yaml
    from mou.load import load
    from mou.sqlite_export import database

    found = portfolio_or_root(context)
    today = parse_as_of(as_of)
    described = metadata if metadata is not None else Path(file.parent) / "metadata.yaml"
    given = ((file, "FILE"), (described, "--metadata"))
    target, beside = targets(found, *given)
    if not isinstance(found, Path):
        return _portfolio_sqlite(found, given, (target, beside), today, contact_details)
    records = load(found)
    memorandum = records.memorandum
    if memorandum is None:
        raise no_memorandum()
    data = database(records, run_checks(records, today), today, contact_details=contact_details)
    # Datasette names a database after its file: the metadata is keyed by that name.
    described_data = metadata_yaml(memorandum, file.stem, today).encode("utf-8")
    write([(target, data), (beside, described_data)], given)
    return OK


def _checked(portfolio: Portfolio, today: date) -> tuple[list[Any], bool]:
    """Each readable memorandum of the portfolio as (id, records, findings)."""
    from mou.checks import run_checks
    from mou.cli.across import members

    loaded, failed = members(portfolio)
    if not loaded:
        raise no_memorandum("nothing to export")
    found = [(m.id, m.records, run_checks(m.records, today)) for m in loaded]
    return found, failed


def _portfolio_sqlite(
    portfolio: Portfolio,
    given: Sequence[Output],
    files: tuple[Path, Path],
    today: date,
    contact_details: bool,
) -> int:
    """`mou export sqlite` at a portfolio's root: one database of every memorandum."""
    from mou.datasette import portfolio_metadata_yaml
    from mou.sqlite_export import portfolio_database

    target, beside = files
    found, failed = _checked(portfolio, today)
    data = portfolio_database(found, today, contact_details=contact_details)
    memoranda = [(id_, records.memorandum) for id_, records, _ in found]
    name = portfolio.root.resolve().name
    described = portfolio_metadata_yaml(memoranda, name, given[0][0].stem, today)
    write([(target, data), (beside, described.encode("utf-8"))], given)
    return PROBLEMS if failed else OK


@subcommand("xlsx")
def xlsx(
    context: typer.Context,
    file: FileArgument,
    *,
    language: Annotated[
        Language, typer.Option("--lang", help="en or ru: the headers and words of the sheets.")
    ] = Language.en,
    as_of: AsOfOption = None,
    contact_details: ContactDetails = False,
) -> int:
    """Write the record as an Excel workbook: a sheet per kind (the columns `mou import`
    reads), then the action items, the costs and the findings."""
    from mou.checks import run_checks
    from mou.load import load
    from mou.workbook import export as workbook

    found = portfolio_or_root(context)
    today = parse_as_of(as_of)
    (target,) = targets(found, (file, "FILE"))
    if not isinstance(found, Path):
        from mou.workbook import export_members

        every, failed = _checked(found, today)
        data = export_members(every, today, language.value, contact_details=contact_details)
        write([(target, data)], [(file, "FILE")])
        return PROBLEMS if failed else OK
    records = load(found)
    if records.memorandum is None:
        raise no_memorandum("nothing to export")
    findings = run_checks(records, today)
    data = workbook(records, findings, today, language.value, contact_details=contact_details)
    write([(target, data)], [(file, "FILE")])
    return OK
