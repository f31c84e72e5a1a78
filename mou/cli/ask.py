"""Commands that ask the record questions: list, show, actions, diff."""

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
    ContactDetails,
    Language,
    LanguageOption,
    ListFormat,
    PeriodOption,
    command,
    complete_id,
    completer,
    no_memorandum,
    parse_as_of,
    parse_period,
    portfolio_or_root,
    records_root,
)

if TYPE_CHECKING:
    from mou.load import Entry, RecordSet
    from mou.models import Clause, Memorandum
    from mou.words import Words


def _left_out(records: RecordSet, language: str = "en") -> int:
    """Files left out of a listing, said on standard error (in `language`) with exit 1
    (`mou validate` says more): those that could not be read, and the folders of memoranda or
    portfolios nested in this one's (MOU403, `read.own_files`), not this memorandum's
    records."""
    from mou.escape import terminal_safe
    from mou.problems import N_, NT, T, catalog, render

    read = {entry.path for entry in records.entries}
    missing = {p.path: p.code for p in records.problems if p.path not in read}
    nested = sorted(
        {path.rpartition("/")[0] + "/" for path, code in missing.items() if code == "MOU403"}
    )
    broken = sorted(path for path, code in missing.items() if code != "MOU403")
    told = [
        (
            nested,
            NT("{n} folder", "{n} folders", len(nested)),
            N_(
                "left out {count} holding a memorandum or portfolio nested in this one's "
                "(MOU403: not this memorandum's records; move it out)"
            ),
        ),
        (
            broken,
            NT("{n} file", "{n} files", len(broken)),
            N_("left out {count} that could not be read (`mou validate` says why)"),
        ),
    ]
    for paths, count, template in told:
        if paths:
            text = render(T(template, count=count).words(), catalog(language))
            typer.echo(f"mou: {text}: {', '.join(terminal_safe(p) for p in paths)}", err=True)
    return PROBLEMS if nested or broken else OK


def _print_json(data: object) -> None:
    import json

    from mou.escape import json_safe

    sys.stdout.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def _kind(word: str | None) -> str | None:
    """--kind: meeting or meetings, activity or activities."""
    from mou.kinds import KINDS, kind_named
    from mou.problems import UsageError

    if word is None:
        return None
    found = kind_named(word)
    if found is None:
        raise UsageError(f"unknown kind {word!r}; the kinds are {', '.join(KINDS)}")
    return found.name


def _clause(memorandum: Memorandum | None, wanted: str | None) -> Clause | None:
    if wanted is None:
        return None
    clauses = {c.id: c for c in memorandum.clauses} if memorandum else {}
    _declared("--clause", wanted, list(clauses))
    return clauses[wanted]


def _declared(option: str, wanted: str | None, choices: list[str]) -> None:
    """A filter's value the memorandum must declare: exit 2 with the valid ones otherwise."""
    from mou.problems import UsageError

    if wanted is not None and wanted not in choices:
        raise UsageError(
            f"{option} {wanted}: the memorandum declares {', '.join(choices) or 'none'}"
        )


def _check_filters(
    memorandum: Memorandum | None, kind: str | None, filters: dict[str, str | None]
) -> None:
    """--party, --topic, --state, --status: values that could match a record, else exit 2
    with the valid ones (a typo would otherwise print an empty table)."""
    from mou import codes
    from mou.kinds import KINDS
    from mou.problems import UsageError

    _declared("--party", filters.get("party"), memorandum.party_ids if memorandum else [])
    _declared("--topic", filters.get("topic"), memorandum.topic_ids if memorandum else [])
    state = filters.get("state")
    if state is not None and state not in codes.states():
        named = ", ".join(memorandum.states) if memorandum and memorandum.states else "none"
        raise UsageError(
            f"--state {state}: not an ISO 3166-1 alpha-3 code; the memorandum names {named}"
        )
    status = filters.get("status")
    if status is not None:
        statuses = _statuses(kind)
        if status not in statuses:
            of = f" of {KINDS[kind].plural}" if kind else ""
            raise UsageError(f"--status {status}: the statuses{of} are {', '.join(statuses)}")


def _statuses(kind: str | None) -> list[str]:
    """The statuses of `kind` (a name or plural), of every kind without one."""
    from mou.fields import fields, literals
    from mou.kinds import KINDS, kind_named

    named = kind_named(kind) if kind else None
    models = [named.model] if named else [k.model for k in KINDS.values()]
    found = [w for m in models for f in fields(m) if f.key == "status" for w in literals(f.core)]
    return list(dict.fromkeys(found))


def _complete_status(context: typer.Context, incomplete: str) -> list[str]:
    kind = context.params.get("kind")  # or, when parsing stopped early, the first word left
    kind = kind or next((word for word in context.args if not word.startswith("-")), None)
    statuses = _statuses(kind if isinstance(kind, str) else None)
    return [status for status in statuses if status.startswith(incomplete)]


KindArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="[KIND]",
        help="meeting, seminar, exchange, request, programme, "
        "arrangement, contact, activity (or their plurals).",
        show_default=False,
    ),
]
PartyOption = Annotated[
    str | None,
    typer.Option(
        "--party",
        help="In any party field (organizer, observers, from, to, payer, lead, ...).",
        show_default=False,
        autocompletion=completer("parties"),
    ),
]
TopicOption = Annotated[
    str | None,
    typer.Option("--topic", show_default=False, autocompletion=completer("topics")),
]
StatusOption = Annotated[
    str | None, typer.Option("--status", show_default=False, autocompletion=_complete_status)
]
StateOption = Annotated[
    str | None,
    typer.Option(
        "--state",
        help="ISO 3166-1 alpha-3.",
        show_default=False,
        autocompletion=completer("states"),
    ),
]
ClauseOption = Annotated[
    str | None,
    typer.Option(
        "--clause",
        help="Records that evidence the clause (whatever their status).",
        show_default=False,
        autocompletion=completer("clauses"),
    ),
]
ColumnsOption = Annotated[
    str | None,
    typer.Option(
        "--columns",
        metavar="A,B,C",
        help="With --format json or csv: these columns, in this order (see the README for "
        "each kind's).",
        show_default=False,
    ),
]
ListFormatOption = Annotated[
    ListFormat | None,
    typer.Option(
        "--format",
        help="table, tsv (plain tab-separated rows), json or csv. Default: a table on a "
        "terminal, plain rows in a pipe or past 1000 rows.",
        show_default=False,
    ),
]


@command(name="list")
def list_records(
    context: typer.Context,
    kind: KindArgument = None,
    *,
    period: PeriodOption = None,
    party: PartyOption = None,
    topic: TopicOption = None,
    status: StatusOption = None,
    state: StateOption = None,
    clause: ClauseOption = None,
    output_format: ListFormatOption = None,
    columns: ColumnsOption = None,
    language: LanguageOption = Language.en,
    contact_details: ContactDetails = False,
) -> int:
    """List records, sorted by date, filtered by kind, period, party, topic, status, state or
    clause. `mou list contact` is the directory: it shows e-mail and phone."""
    from mou.load import load
    from mou.selection import Filters, select

    kind = _kind(kind)
    chosen = _columns(kind, output_format, columns)
    records = load(records_root(context))
    wanted_clause = _clause(records.memorandum, clause)
    wanted = {"party": party, "topic": topic, "state": state, "status": status}
    _check_filters(records.memorandum, kind, wanted)
    filters = Filters(
        kind=kind,
        period=parse_period(period),
        party=party,
        topic=topic,
        status=status,
        state=state,
        clause=wanted_clause,
    )
    found = select(records.entries, filters)
    details = contact_details or kind == "contact"
    if output_format in (ListFormat.json, ListFormat.csv):
        _print_rows(found, output_format, kind, chosen, details=details)
    else:
        from mou.tables import print_table, record_columns, records_title

        words = _words(records.memorandum, language.value)
        shown = record_columns(contacts=kind == "contact", details=details)
        print_table(output_format, records_title(len(found), words), shown, found, words)
    return _left_out(records, language.value)


def _columns(
    kind: str | None, output_format: ListFormat | None, wanted: str | None
) -> tuple[str, ...] | None:
    """--columns: the columns asked for (None: the kind's), checked before anything is read."""
    from mou.problems import UsageError
    from mou.selection import choose_columns

    if wanted is None:
        return None
    if output_format not in (ListFormat.json, ListFormat.csv):
        raise UsageError("--columns chooses the columns of --format json or csv")
    return choose_columns(kind, wanted)


def _print_rows(
    found: list[Entry],
    output_format: ListFormat,
    kind: str | None,
    chosen: tuple[str, ...] | None,
    *,
    details: bool,
) -> None:
    """`mou list` as JSON or CSV: the columns `chosen`, else the kind's. In JSON each record
    has its own kind's columns; in CSV every row has the same, every kind's when no kind was
    asked for."""
    from mou.selection import list_columns, record_rows
    from mou.tables import csv_lines, json_lines

    if output_format is ListFormat.json:  # written as the rows are made: 50,000 take 200 MB
        sys.stdout.writelines(json_lines(record_rows(found, chosen, contact_details=details)))
    else:
        columns = chosen or list_columns(kind)
        rows = record_rows(found, columns, contact_details=details)
        sys.stdout.writelines(csv_lines(rows, columns))


def _words(memorandum: Memorandum | None, language: str) -> Words:
    """The words of a table in `language`; tables name parties as the memorandum does."""
    from mou.words import Words

    if memorandum is None:
        raise no_memorandum()
    return Words(language, memorandum)


class ShowFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@command()
def show(
    context: typer.Context,
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="A record's id.", autocompletion=complete_id)
    ],
    output_format: Annotated[ShowFormat, typer.Option("--format", help="yaml or json.")] = (
        ShowFormat.yaml
    ),
) -> None:
    """Show one record, with its references resolved both ways: the records it names, and
    the records that name it (the arrangement covering a seminar, what an arrangement covers)."""
    from mou.load import load
    from mou.selection import find_record, show_document

    records = load(records_root(context))
    entry = find_record(records, record_id)
    document = show_document(entry, records.entries, dates=output_format is ShowFormat.yaml)
    if output_format is ShowFormat.json:
        _print_json(document)
    else:
        from mou.escape import terminal_safe
        from mou.write import canonical, dump

        text = dump(canonical(document, None, fresh=True), None)
        sys.stdout.write(terminal_safe(text, newlines=True))


@command()
def actions(
    context: typer.Context,
    *,
    open_only: Annotated[bool, typer.Option("--open", help="Only open items.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open items past due.")] = False,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="PARTY",
            help="Only this party's items.",
            show_default=False,
            autocompletion=completer("parties"),
        ),
    ] = None,
    output_format: ListFormatOption = None,
    as_of: AsOfOption = None,
    language: LanguageOption = Language.en,
) -> int:
    """Action items of every meeting, by due date: who owes what, from which meeting, and how
    many days overdue (at a portfolio's root, of every memorandum, its id first)."""
    from mou.load import load
    from mou.selection import action_items, action_rows

    today = parse_as_of(as_of)
    target = portfolio_or_root(context)
    if not isinstance(target, Path):
        from mou.cli.across import portfolio_actions

        chosen = (open_only, overdue, owner)
        return portfolio_actions(target, today, chosen, output_format, language.value)
    records = load(target)
    memorandum = records.memorandum
    _declared("--owner", owner, memorandum.party_ids if memorandum else [])
    items = action_items(
        records.entries, today, open_only=open_only, overdue_only=overdue, owner=owner
    )
    if output_format is ListFormat.json:
        _print_json(action_rows(items))
    elif output_format is ListFormat.csv:
        from mou.tables import as_csv

        sys.stdout.write(as_csv(action_rows(items)))
    else:
        from mou.tables import ACTION_COLUMNS, actions_title, print_table

        words = _words(records.memorandum, language.value)
        print_table(output_format, actions_title(len(items), words), ACTION_COLUMNS, items, words)
    return OK


class DiffFormat(StrEnum):
    md = "md"
    text = "text"
    json = "json"


@command()
def diff(
    context: typer.Context,
    base: Annotated[str, typer.Argument(help="A git revision: a branch, tag or commit.")],
    head: Annotated[
        str | None,
        typer.Argument(
            help="Another revision. Default: the working tree, as it is on disk.",
            show_default=False,
        ),
    ] = None,
    *,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", help="md (for a pull request), text or json.")
    ] = DiffFormat.md,
    as_of: AsOfOption = None,
    contact_details: ContactDetails = False,
) -> None:
    """What changed in the record between two git revisions: records added, removed and
    changed (field by field), and the findings that appeared or went away."""
    from mou.history import GitError, diff_revisions
    from mou.problems import UsageError
    from mou.tables import difference_text

    root = records_root(context)
    today = parse_as_of(as_of)
    try:
        changes = diff_revisions(root, base, head, today, contact_details=contact_details)
    except GitError as error:
        raise UsageError(f"git: {error}") from None
    sys.stdout.write(difference_text(changes, output_format.value, base, head or "working tree"))
