"""`mou stats`: the review's counts and costs with one column per period."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from mou.cli.common import (
    AsOfOption,
    Language,
    PeriodOption,
    command,
    no_memorandum,
    parse_as_of,
    parse_period,
    records_root,
)


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
        help="One row per clause (default), kind, party, state or topic.",
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
) -> None:
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
    root = records_root(context)
    today = parse_as_of(as_of)
    chosen = parse_period(period)
    records = load(root)
    memorandum = records.memorandum
    if memorandum is None:
        raise no_memorandum()
    if chosen is None:
        chosen = default_period(memorandum, today, every.value)
    if today < chosen.start:
        raise UsageError(f"--as-of {today} is before the period {chosen.label} starts")
    grouping = "costs" if costs else (by or By.clause).value
    result = build_stats(records, chosen, every.value, grouping, today)
    rendered = render_stats(result, output_format.value, Words(language.value, memorandum))
    if isinstance(rendered, str):
        sys.stdout.write(rendered)
    else:
        from mou.stats_render import print_wide

        print_wide(rendered)
