"""`mou stats` as a terminal table, Markdown, CSV or JSON, in English or Russian.

Labels come from the record (clause summaries, party and topic names) and are made inert for
where they land: control characters and bidi overrides escaped for the terminal (and rich
markup never read from them), Markdown escaped, CSV cells neutralised against formulas.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from mou.escape import console_style, markdown_text, terminal_safe
from mou.problems import N_
from mou.stats import ALL, Stats
from mou.tables import as_csv, terminal_width
from mou.words import Words

TITLES = {
    "clause": N_("Qualifying records by clause"),
    "kind": N_("Qualifying records by kind"),
    "party": N_("Qualifying records by party"),
    "state": N_("Qualifying records by state"),
    "topic": N_("Qualifying records by topic"),
    "memorandum": N_("Qualifying records by memorandum"),
    "costs": N_("Committed and paid costs"),
}
HEADINGS = {
    "clause": N_("Clause"),
    "kind": N_("Kind"),
    "party": N_("Party"),
    "state": N_("State"),
    "topic": N_("Topic"),
    "memorandum": N_("Memorandum"),
}
COST_HEADINGS = (N_("Payer"), N_("Currency"), N_("Status"))


def _label(stats: Stats, words: Words, key: str, *, short: bool = False) -> str:
    """A row's name in the language; `short` gives a clause its id only (a terminal table
    has no room for the clauses' sentences)."""
    if key == ALL:
        return words.gettext("All qualifying records")
    if stats.by == "memorandum":
        return key
    if stats.by == "clause":
        if short:
            return key
        summary = next(c.summary for c in stats.clauses if c.id == key)
        return f"{key}. {words.text(summary)}"
    if stats.by == "kind":
        return words.word(key)
    if stats.by == "party":
        return words.party(key)
    if stats.by == "state":
        return words.state(key)
    return words.topic(key)


def _amount(words: Words, amount: Decimal, currency: str) -> str:
    """An amount with its currency's decimals, in the locale's digits, without the code (it
    has a column of its own)."""
    from babel.numbers import format_currency

    if not amount:
        return "0"
    return format_currency(amount, currency, "#,##0.00", locale=words.locale, currency_digits=True)


def table_rows(
    stats: Stats, words: Words, *, terminal: bool = False
) -> tuple[list[str], list[list[str]], int]:
    """Headings, cells (as text for people) and how many leading columns are labels. For a
    terminal, labels are short and a cost row's payer, currency and status share one cell."""
    periods = [column.period.label for column in stats.columns]
    total = words.gettext("Total")
    if stats.by == "costs":
        headings = [words.gettext(h) for h in COST_HEADINGS]
        labels = [
            [words.party(row.payer), row.currency, words.word(row.status)] for row in stats.costs
        ]
        if terminal:
            headings = [" · ".join(headings)]
            labels = [[" · ".join(label)] for label in labels]
        rows = [
            [*label, *(_amount(words, a, row.currency) for a in (*row.amounts, row.total))]
            for label, row in zip(labels, stats.costs, strict=True)
        ]
        return [*headings, *periods, total], rows, len(headings)
    rows = [
        [
            _label(stats, words, row.key, short=terminal),
            *(words.number(n) for n in (*row.counts, row.total)),
        ]
        for row in stats.rows
    ]
    return [words.gettext(HEADINGS[stats.by]), *periods, total], rows, 1


def _title(stats: Stats, words: Words) -> str:
    return f"{words.gettext(TITLES[stats.by])}, {stats.period.label}"


def _notes(stats: Stats, words: Words) -> list[str]:
    notes = [words.gettext("As of %(date)s.") % {"date": words.date(stats.as_of)}]
    if stats.by != "costs" and stats.total.cut_off < stats.period.end:
        notes.append(
            words.gettext("The period is not over: counts run to %(date)s.")
            % {"date": words.date(stats.total.cut_off)}
        )
    return notes


def as_markdown(stats: Stats, words: Words) -> str:
    headings, rows, labels = table_rows(stats, words)
    align = ["---"] * labels + ["--:"] * (len(headings) - labels)
    lines = [
        f"## {markdown_text(_title(stats, words))}",
        "",
        *(markdown_text(note) for note in _notes(stats, words)),
        "",
        "| " + " | ".join(markdown_text(h) for h in headings) + " |",
        "|" + "|".join(align) + "|",
        *("| " + " | ".join(markdown_text(cell) for cell in row) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"


def terminal_table(stats: Stats, words: Words) -> Any:
    """A rich table; record text goes in as `Text`, so rich never reads markup from it. The
    figures and headings are never squeezed: a table of many periods is as wide as it needs
    (the terminal wraps it, `less -S` scrolls it), as `hledger balance` prints."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    headings, rows, labels = table_rows(stats, words, terminal=True)
    caption = " ".join(_notes(stats, words))
    table = Table(
        title=Text(terminal_safe(_title(stats, words))),
        caption=Text(terminal_safe(caption)),
        title_justify="left",
        caption_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
    )
    for index, heading in enumerate(headings):
        numeric = index >= labels
        cells = [heading, *(row[index] for row in rows)]
        widest = max(cell_len(terminal_safe(cell)) for cell in cells)
        table.add_column(
            Text(terminal_safe(heading)),
            justify="right" if numeric else "left",
            no_wrap=numeric,
            overflow="fold",
            min_width=widest if numeric else min(widest, 28),
        )
    for row in rows:
        table.add_row(*(Text(terminal_safe(cell)) for cell in row))
    return table


def print_wide(table: Any) -> None:
    """Print the table at the terminal's width, or wider when its figures need more."""
    from rich.console import Console
    from rich.measure import Measurement

    unbounded = Console(width=100_000)  # a measurement is capped at the console's width
    needed = Measurement.get(unbounded, unbounded.options, table).minimum
    width = max(terminal_width(), needed)
    Console(highlight=False, width=width, **console_style()).print(table, crop=False)


def as_csv_text(stats: Stats, words: Words) -> str:
    """One row per table row: the key (`*` for every qualifying record), its label in the
    language, a column per period, the total; amounts as exact text."""
    periods = [column.period.label for column in stats.columns]
    rows: list[dict[str, Any]]
    if stats.by == "costs":
        rows = [
            {
                "payer": row.payer,
                "currency": row.currency,
                "status": row.status,
                **{p: str(a) for p, a in zip(periods, row.amounts, strict=True)},
                "total": str(row.total),
            }
            for row in stats.costs
        ]
    else:
        rows = [
            {
                stats.by: row.key,
                "label": _label(stats, words, row.key),
                **dict(zip(periods, row.counts, strict=True)),
                "total": row.total,
            }
            for row in stats.rows
        ]
    return as_csv(rows)


def stats_data(stats: Stats) -> dict[str, Any]:
    """The table as data with stable keys: `columns` in order, each row's `counts` (or
    `amounts`, as exact text) in the same order, and the total; `all` is every qualifying
    record counted once."""

    def day(value: date) -> str:
        return value.isoformat()

    data: dict[str, Any] = {
        "period": {
            "label": stats.period.label,
            "start": day(stats.period.start),
            "end": day(stats.period.end),
        },
        "as_of": day(stats.as_of),
        "every": stats.every,
        "by": stats.by,
        "columns": [
            {
                "label": column.period.label,
                "start": day(column.period.start),
                "end": day(column.period.end),
                "cut_off": day(column.cut_off),
            }
            for column in stats.columns
        ],
    }
    if stats.by == "costs":
        data["rows"] = [
            {
                "payer": row.payer,
                "currency": row.currency,
                "status": row.status,
                "amounts": [str(amount) for amount in row.amounts],
                "total": str(row.total),
            }
            for row in stats.costs
        ]
        return data
    data["rows"] = [
        {"key": row.key, "counts": list(row.counts), "total": row.total}
        for row in stats.rows
        if row.key != ALL
    ]
    every = stats.rows[-1]
    data["all"] = {"counts": list(every.counts), "total": every.total}
    return data


def as_json(stats: Stats) -> str:
    return json.dumps(stats_data(stats), ensure_ascii=False, indent=2) + "\n"


def render_stats(stats: Stats, output_format: str, words: Words) -> str | Any:
    """Text for md, csv and json; a rich renderable for the terminal table."""
    if output_format == "json":
        return as_json(stats)
    if output_format == "csv":
        return as_csv_text(stats, words)
    if output_format == "md":
        return as_markdown(stats, words)
    return terminal_table(stats, words)
