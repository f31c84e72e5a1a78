"""`mou portfolio`: one row per memorandum of a portfolio, with a traffic light."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mou.cli.common import (
    OK,
    PROBLEMS,
    AsOfOption,
    Language,
    NoticeDaysOption,
    OutputOption,
    command,
    parse_as_of,
    portfolio_or_root,
    refuse_clashes,
    say,
    write_output,
)

if TYPE_CHECKING:
    from mou.portfolio import Member, Portfolio
    from mou.portfolio_view import Overview
    from mou.problems import Problem


class PortfolioFormat(StrEnum):
    table = "table"
    md = "md"
    html = "html"
    json = "json"
    csv = "csv"


class Sort(StrEnum):
    """The columns `--sort` orders by (mou.portfolio_view.SORTS), each what needs attention
    first."""

    light = "light"
    id = "id"
    title_ = "title"  # (`title` is a method of str)
    state = "state"
    clauses = "clauses"
    last = "last"
    overdue = "overdue"
    next = "next"


@command()
def portfolio(
    context: typer.Context,
    *,
    as_of: AsOfOption = None,
    output_format: Annotated[
        PortfolioFormat, typer.Option("--format", help="table, md, html, json or csv.")
    ] = PortfolioFormat.table,
    sort: Annotated[
        Sort,
        typer.Option(
            "--sort",
            help="light (red first), id, title, state, clauses (most behind first), last "
            "(longest quiet first), overdue (most first) or next (soonest deadline first).",
        ),
    ] = Sort.light,
    language: Annotated[Language, typer.Option("--lang", help="en or ru.")] = Language.en,
    notice_days: NoticeDaysOption = 90,
    output: OutputOption = None,
) -> int:
    """One row per memorandum of the portfolio: parties, state of life, clauses on track,
    behind or without activity this year, the last qualifying record, overdue actions, the
    next deadline and a traffic light (red, amber, green) with its reasons. In one
    memorandum's folder, its one row. Exit 1 when a memorandum does not validate (its row
    says so) or the portfolio has problems (see `mou validate`)."""
    from mou.portfolio_view import portfolio_rows

    found = portfolio_or_root(context)
    root, members, problems = _members(found)
    refuse_clashes(((output, "--output"),), root=root)
    today = parse_as_of(as_of)
    rows = portfolio_rows(members, today, sort.value, language.value, notice_days)
    _write(rows, output_format.value, language.value, output)
    if problems:  # what `mou validate` says of the portfolio as a whole (MOU401-MOU403)
        from mou.output import as_text

        lines = as_text(problems, root, 0, language.value).splitlines()[:-1]
        say("\n".join(lines), err=True)
    invalid = [row.id for row in rows.rows if row.state == "invalid"]
    if invalid:
        say(
            f"mou: {len(invalid)} of {len(rows.rows)} memoranda do not validate: "
            f"{', '.join(invalid)} (`mou validate` says why)",
            err=True,
        )
    return PROBLEMS if invalid or problems else OK


def _members(found: Portfolio | Path) -> tuple[Path, list[Member], list[Problem]]:
    """The root, the memoranda to show and the portfolio's own problems: a portfolio's
    members and the folders whose memorandum.yaml is no regular file (counted, as invalid:
    `mou validate` reports them), or the one memorandum of a records root (its id the
    folder's name)."""
    from mou.portfolio import Member, Portfolio, portfolio_problems

    if isinstance(found, Portfolio):
        members = [*found.members, *found.unreadable]
        return found.root, members, portfolio_problems(found)
    return found, [Member(found.resolve().name, found)], []


def _write(rows: Overview, output_format: str, language: str, output: Path | None) -> None:
    from mou.portfolio_render import render_portfolio, table
    from mou.tables import print_rich, terminal_width

    if output_format != "table":
        text = render_portfolio(rows, output_format, language)
    elif output is None and sys.stdout.isatty():
        print_rich(table(rows, language))
        return
    else:
        text = "\n".join(table(rows, language).lines(terminal_width())) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_output(output, text)
