"""What the commands that work across a portfolio share: its memoranda loaded, and those
that cannot be read named on standard error (the command then exits 1)."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

import typer

from mou.cli.common import OK, PROBLEMS, ListFormat

if TYPE_CHECKING:
    from mou.members import Loaded
    from mou.portfolio import Portfolio


def members(portfolio: Portfolio) -> tuple[list[Loaded], bool]:
    """The portfolio's memoranda with a readable memorandum.yaml, by id, and whether any was
    left out (each named, with what to do)."""
    from mou.escape import terminal_safe
    from mou.members import load_members

    loaded, unreadable = load_members(portfolio)
    for id_ in unreadable:
        typer.echo(
            f"mou: {terminal_safe(id_)}: no readable memorandum.yaml, left out "
            "(`mou validate` says why)",
            err=True,
        )
    return loaded, bool(unreadable)


def _json(data: object) -> None:
    import json

    from mou.escape import json_safe

    sys.stdout.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def portfolio_actions(
    portfolio: Portfolio,
    today: date,
    chosen: tuple[bool, bool, str | None],
    output_format: ListFormat | None,
    language: str,
) -> int:
    """`mou actions` at a portfolio's root: every memorandum's action items (`chosen`: open
    only, overdue only, the owner), by due date, each row with its `memorandum` first."""
    from mou.problems import UsageError
    from mou.selection import action_items, action_rows
    from mou.tables import ACTION_COLUMNS, actions_title, as_csv, print_table, with_memorandum
    from mou.words import Words

    open_only, overdue, owner = chosen
    loaded, failed = members(portfolio)
    parties = sorted({party for member in loaded for party in member.memorandum.party_ids})
    if owner is not None and owner not in parties:
        raise UsageError(f"--owner {owner}: the memoranda declare {', '.join(parties) or 'none'}")
    rows = []
    for member in loaded:
        words = Words(language, member.memorandum)
        found = action_items(
            member.records.entries, today, open_only=open_only, overdue_only=overdue, owner=owner
        )
        rows += [(member.id, item, words) for item in found]
    rows.sort(key=lambda r: (r[1].action.due or date.max, r[1].meeting.model.dated, r[0], r[1].id))
    if output_format in (ListFormat.json, ListFormat.csv):
        data = [{"memorandum": id_} | action_rows([item])[0] for id_, item, _ in rows]
        if output_format is ListFormat.json:
            _json(data)
        else:
            sys.stdout.write(as_csv(data))
    elif loaded:
        words = rows[0][2] if rows else Words(language, loaded[0].memorandum)
        title = actions_title(len(rows), words)
        print_table(output_format, title, with_memorandum(ACTION_COLUMNS), rows, words)
    return PROBLEMS if failed else OK
