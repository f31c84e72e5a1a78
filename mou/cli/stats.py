"""`mou stats`: the review's counts and costs with one column per period."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mou.cli.common import (
    OK,
    PROBLEMS,
    AsOfOption,
    Language,
    PeriodOption,
    command,
    no_memorandum,
    parse_as_of,
    parse_period,
    portfolio_or_root,
)

if TYPE_CHECKING:
    from mou.periods import Period
    from mou.portfolio import Portfolio
    from mou.stats import Stats
    from mou.words import Words


class Every(StrEnum):
    year = "year"
    half = "half"
    quarter = "quarter"
    month = "month"


class By(StrEnum):
    clause = "clause"
    kind = "kind"
    party = "party"
    state = "state"
    topic = "topic"
    memorandum = "memorandum"


class StatsFormat(StrEnum):
    table = "table"
    md = "md"
    csv = "csv"
    json = "json"


EveryOption = Annotated[
    Every, typer.Option("--every", help="One column per year, half, quarter or month.")
]
ByOption = Annotated[
    By | None,
    typer.Option(
        "--by",
        help="One row per clause (default), kind, party, state or topic; at a portfolio's "
        "root, per memorandum.",
        show_default=False,
    ),
]
CostsOption = Annotated[
    bool,
    typer.Option(
        "--costs", help="Committed and paid expenses by payer, currency and status, not counts."
    ),
]
FormatOption = Annotated[StatsFormat, typer.Option("--format", help="table, md, csv or json.")]


@command()
def stats(
    context: typer.Context,
    *,
    period: PeriodOption = None,
    every: EveryOption = Every.year,
    by: ByOption = None,
    costs: CostsOption = False,
    output_format: FormatOption = StatsFormat.table,
    language: Annotated[Language, typer.Option("--lang", help="en or ru.")] = Language.en,
    as_of: AsOfOption = None,
) -> int:
    """Count the qualifying records of many periods side by side (or, with --costs, sum the
    costs): a column per year, half, quarter or month and a total, each figure as `mou
    review` gives it for that period. Default: by clause, every year, from the signing to
    the as-of date."""
    from mou.load import load
    from mou.problems import UsageError
    from mou.stats import default_period
    from mou.stats import stats as build_stats
    from mou.stats_render import render_stats
    from mou.words import Words

    if costs and by is not None:
        raise UsageError("--costs has its own rows (payer, currency, status): drop --by")
    target = portfolio_or_root(context)
    today = parse_as_of(as_of)
    chosen = parse_period(period)
    if not isinstance(target, Path):
        if by is not By.memorandum:
            raise UsageError(
                f"{target.root} is a portfolio: use --by memorandum, or {target.choice()}"
            )
        result, words, failed = _by_memorandum(target, chosen, every.value, today, language.value)
    else:
        if by is By.memorandum:
            raise UsageError("--by memorandum counts a portfolio's memoranda: run it at its root")
        records = load(target)
        memorandum = records.memorandum
        if memorandum is None:
            raise no_memorandum()
        if chosen is None:
            chosen = default_period(memorandum, today, every.value)
        _starts(chosen, today)
        grouping = "costs" if costs else (by or By.clause).value
        result = build_stats(records, chosen, every.value, grouping, today)
        words, failed = Words(language.value, memorandum), False
    rendered = render_stats(result, output_format.value, words)
    if isinstance(rendered, str):
        sys.stdout.write(rendered)
    else:
        from mou.stats_render import print_wide

        print_wide(rendered)
    return PROBLEMS if failed else OK


def _starts(chosen: Period, today: date) -> None:
    from mou.problems import UsageError

    if today < chosen.start:
        raise UsageError(f"--as-of {today} is before the period {chosen.label} starts")


def _by_memorandum(
    portfolio: Portfolio, chosen: Period | None, every: str, today: date, language: str
) -> tuple[Stats, Words, bool]:
    """Every memorandum's qualifying records counted per column (default period: from the
    earliest signing to the as-of date)."""
    from mou.cli.across import members
    from mou.stats import by_memorandum, default_period
    from mou.words import Words

    loaded, failed = members(portfolio)
    if not loaded:
        raise no_memorandum()
    earliest = min((member.memorandum for member in loaded), key=lambda m: m.signed.date)
    if chosen is None:
        chosen = default_period(earliest, today, every)
    _starts(chosen, today)
    pairs = [(member.id, member.records) for member in loaded]
    return by_memorandum(pairs, chosen, every, today), Words(language, earliest), failed
