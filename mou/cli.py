"""The command line. Commands parse options, call one core function, hand the result to an
output function and return an exit code: 0 clean, 1 problems found, 2 usage error.

Only typer is imported at the top: everything heavy is imported inside the command that
needs it, so that `mou --help` costs little more than a bare Typer app.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from mou.models import Memorandum
    from mou.words import Words

OK, PROBLEMS, USAGE = 0, 1, 2

# The kinds `mou add-KIND` writes (mou.add.ADDABLE, kept here so that `mou --help` need not
# import the models; a test keeps the two equal).
ADD_KINDS = (
    "meeting",
    "seminar",
    "exchange",
    "request",
    "programme",
    "arrangement",
    "contact",
    "activity",
)


class Group(TyperGroup):
    """Builds the `add-*` commands only when one of them is used: their options come from the
    models, and importing those costs more than the rest of `mou --help`."""

    _added: dict[str, Any] | None = None

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(f"add-{kind}" for kind in ADD_KINDS)]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name.startswith("add-") and name[4:] in ADD_KINDS:
            if Group._added is None:
                Group._added = _build_add_commands()
            return Group._added[name]
        return super().get_command(ctx, name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name.startswith("add-"):
                article = "an" if name[4] in "aeiou" else "a"
                rows.append((name, f"Add {article} {name[4:]} record."))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(formatter.width - 20)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="mou",
    cls=Group,
    help="Keep the implementation record of a memorandum of understanding as YAML in git: "
    "validate it, ask it questions, render the joint review.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Settings:
    def __init__(self, records: Path | None) -> None:
        self.explicit = records

    def root(self) -> Path:
        """The records root: --records, $MOU_RECORDS, else the nearest folder upward that
        holds records/memorandum.yaml (or is itself a records root, holding memorandum.yaml:
        inside records/meetings/, or in examples/demo/), else ./records."""
        if self.explicit is not None:
            return self.explicit
        here = Path.cwd()
        for folder in (here, *here.parents):
            if (folder / "memorandum.yaml").is_file():
                return folder
            if (folder / "records" / "memorandum.yaml").is_file():
                return folder / "records"
        return Path("records")


def fail(message: str, code: int = USAGE) -> typer.Exit:
    """Print a usage error the way every command does, and give the exit to raise."""
    typer.echo(f"mou: {message}", err=True)
    return typer.Exit(code)


def parse_as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"--as-of {text!r}: expected a date such as 2024-12-31") from None


def records_root(context: typer.Context) -> Path:
    settings: Settings = context.obj
    root = settings.root()
    if not root.is_dir():
        raise fail(
            f"no records folder at {root} (use --records PATH, set MOU_RECORDS, or run `mou init`)"
        )
    return root


@app.callback(invoke_without_command=True)
def main_options(
    context: typer.Context,
    records: Annotated[
        Path | None,
        typer.Option(
            "--records",
            envvar="MOU_RECORDS",
            help="The records root. Default: the nearest records/ holding a memorandum.yaml, "
            "from the current folder upward; else ./records.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        from mou import __version__

        typer.echo(f"mou {__version__}")
        raise typer.Exit(OK)
    if context.invoked_subcommand is None:
        typer.echo(context.get_help())
        raise typer.Exit(USAGE)
    context.obj = Settings(records)


class DiagnosticsFormat(StrEnum):
    text = "text"
    github = "github"
    json = "json"
    sarif = "sarif"


@app.command()
def validate(
    context: typer.Context,
    output_format: Annotated[
        DiagnosticsFormat | None,
        typer.Option(
            "--format",
            help="text, github (workflow annotations; the default when GITHUB_ACTIONS=true), "
            "json or sarif.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="Check dates against this day instead of today."
        ),
    ] = None,
) -> None:
    """Run every check over the whole record. Exit 0 clean, 1 errors (or warnings with --strict)."""
    root = records_root(context)
    today = parse_as_of(as_of)
    if output_format is None:
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        output_format = DiagnosticsFormat.github if in_actions else DiagnosticsFormat.text
    from mou.checks import run_checks
    from mou.load import load
    from mou.output import FORMATTERS, counts

    records = load(root)
    problems = run_checks(records, today)
    sys.stdout.write(FORMATTERS[output_format.value](problems, root, len(records.files)))
    errors, warnings = counts(problems)
    raise typer.Exit(PROBLEMS if errors or (strict and warnings) else OK)


@app.command()
def schema(
    output: Annotated[
        Path, typer.Option("--output", help="Folder to write the schema files into.")
    ] = Path("schema"),
) -> None:
    """Write the JSON Schema of the records: record.schema.json (any kind) and one per kind."""
    from mou.schema import write_schemas

    try:
        written = write_schemas(output)
    except OSError as error:
        raise fail(f"cannot write into {output}: {error.strerror}") from None
    for path in written:
        typer.echo(path.as_posix())


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A diagnostic code, e.g. MOU304.")]) -> None:
    """Explain what a diagnostic code means and how to fix it."""
    from mou.problems import CODES

    found = CODES.get(code.upper())
    if found is None:
        raise fail(f"unknown code {code}; the codes are {', '.join(CODES)}")
    typer.echo(f"{found.code} ({found.severity}): {found.title}\n\n{found.explanation}")


class Language(StrEnum):
    en = "en"
    ru = "ru"


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="2024, 2024-H1, 2024-Q3, 2024-03, 2024-03-12, or a range A..B of these.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        metavar="FILE",
        help="Write here (atomically) instead of printing.",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Take this day as today."),
]
LanguageOption = Annotated[Language, typer.Option("--lang", help="en or ru (record text).")]
ContactDetails = Annotated[
    bool,
    typer.Option(
        "--include-contact-details", help="Show contacts' e-mail and phone (left out by default)."
    ),
]


class ReviewFormat(StrEnum):
    md = "md"
    text = "text"
    html = "html"
    json = "json"


@app.command()
def review(
    context: typer.Context,
    *,
    period: Annotated[
        str,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help="2024, 2024-H1, 2024-Q3, 2024-03, 2024-03-12, or a range A..B of these.",
        ),
    ],
    output_format: Annotated[
        ReviewFormat, typer.Option("--format", help="md, text (for the terminal), html or json.")
    ] = ReviewFormat.md,
    language: Annotated[Language, typer.Option("--lang", help="en or ru.")] = Language.en,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            metavar="FILE",
            help="Render your own Jinja template with "
            "the same data (sandboxed; .html templates are autoescaped).",
            show_default=False,
        ),
    ] = None,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    contact_details: ContactDetails = False,
) -> None:
    """Render the joint review of a period (clause 4): clauses and their cadence, meetings,
    representation, seminars, exchanges, requests, programmes, costs, actions, contacts and
    data quality."""
    from mou.checks import run_checks
    from mou.load import load
    from mou.output import as_text
    from mou.periods import PeriodError, parse_period
    from mou.render import print_terminal, render_review, render_template, render_user_template
    from mou.review import review as build_review

    root = records_root(context)
    try:
        chosen = parse_period(period)
    except PeriodError as error:
        raise fail(f"--period: {error}") from None
    today = parse_as_of(as_of)
    if today < chosen.start:
        raise fail(f"--as-of {today} is before the period {chosen.label} starts")
    if template is not None and not template.is_file():
        raise fail(f"--template {template}: no such file")
    records = load(root)
    problems = run_checks(records, today)
    if records.memorandum is None:
        sys.stderr.write(as_text(problems, root, len(records.files)))
        raise fail("the record has no readable memorandum: nothing to review", PROBLEMS)
    data = build_review(records, chosen, today, problems)
    if template is not None:
        text = _render_user(render_user_template, data, language.value, template, contact_details)
    elif output_format is ReviewFormat.text and output is None and sys.stdout.isatty():
        markdown = render_template(
            data, language.value, "review.md.j2", html=False, contact_details=contact_details
        )
        print_terminal(markdown)
        return
    else:
        text = render_review(
            data, output_format.value, language.value, contact_details=contact_details
        )
    if output is None:
        sys.stdout.write(text)
    else:
        _write_output(text.encode("utf-8"), output)


def _write_output(data: bytes, output: Path) -> None:
    """Write --output (`-`: standard output) through the one safe opener; a path that cannot
    be written is a usage error, and whatever was there is left as it was."""
    from mou.write import UnsafePathError, write_output

    try:
        written = write_output(output, data)
    except UnsafePathError as error:
        raise fail(f"--output {error}") from None
    except OSError as error:
        raise fail(f"--output {output}: cannot write: {error.strerror}") from None
    if written is not None:
        typer.echo(f"wrote {output}", err=True)


def _render_user(
    render_user_template: Any, data: Any, language: str, template: Path, contact_details: bool
) -> str:
    """A user's template: its mistakes are reported with their line, not as a traceback."""
    import jinja2

    try:
        return str(render_user_template(data, language, template, contact_details=contact_details))
    except jinja2.TemplateSyntaxError as error:
        raise fail(f"{template}:{error.lineno}: template syntax: {error.message}") from None
    except jinja2.UndefinedError as error:
        raise fail(f"{template}: {error.message}") from None
    except jinja2.exceptions.SecurityError as error:
        raise fail(f"{template}: not allowed in a template: {error}") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as error:
        # The template's own code failed (a division by zero, a missing key...).
        raise fail(f"{template}: {type(error).__name__}: {error}") from None


# --- asking the record ------------------------------------------------------------------------


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _load_valid(context: typer.Context) -> Any:
    """The record for the query commands: problems are not shown here (`mou validate` does
    that); a record without a readable memorandum cannot be asked much."""
    from mou.load import load

    return load(records_root(context))


def _period_option(text: str | None) -> Any:
    from mou.periods import PeriodError, parse_period

    if text is None:
        return None
    try:
        return parse_period(text)
    except PeriodError as error:
        raise fail(f"--period: {error}") from None


@app.command(name="list")
def list_records(
    context: typer.Context,
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="[KIND]",
            help="meeting, seminar, exchange, request, programme, "
            "arrangement, contact, activity (or their plurals).",
            show_default=False,
        ),
    ] = None,
    *,
    period: PeriodOption = None,
    party: Annotated[
        str | None,
        typer.Option(
            "--party",
            help="In any party field (organizer, observers, from, to, payer, lead, ...).",
            show_default=False,
        ),
    ] = None,
    topic: Annotated[str | None, typer.Option("--topic", show_default=False)] = None,
    status: Annotated[str | None, typer.Option("--status", show_default=False)] = None,
    state: Annotated[
        str | None, typer.Option("--state", help="ISO 3166-1 alpha-3.", show_default=False)
    ] = None,
    clause: Annotated[
        str | None,
        typer.Option(
            "--clause",
            help="Records that evidence the clause (whatever their status).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", help="table, json or csv.")] = (
        ListFormat.table
    ),
    language: LanguageOption = Language.en,
    contact_details: ContactDetails = False,
) -> None:
    """List records, sorted by date, filtered by kind, period, party, topic, status, state or
    clause. `mou list contact` is the directory: it shows e-mail and phone."""
    from mou.models import KINDS
    from mou.selection import Filters, record_rows, select

    if kind is not None:
        # meeting or meetings, activity or activities
        forms = (kind, kind.removesuffix("s"), kind.removesuffix("ies") + "y")
        found_kind = next((form for form in forms if form in KINDS), None)
        if found_kind is None:
            raise fail(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
        kind = found_kind
    records = _load_valid(context)
    wanted_clause = None
    if clause is not None:
        memorandum = records.memorandum
        clauses = {c.id: c for c in memorandum.clauses} if memorandum else {}
        if clause not in clauses:
            raise fail(f"--clause {clause}: the memorandum declares {', '.join(clauses) or 'none'}")
        wanted_clause = clauses[clause]
    filters = Filters(
        kind=kind,
        period=_period_option(period),
        party=party,
        topic=topic,
        status=status,
        state=state,
        clause=wanted_clause,
    )
    found = select(records.entries, filters)
    details = contact_details or kind == "contact"
    rows = record_rows(found, contact_details=details)
    if output_format is ListFormat.json:
        import json

        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif output_format is ListFormat.csv:
        from mou.tables import as_csv

        sys.stdout.write(as_csv(rows, leading=("id", "kind", "path")))
    else:
        from mou.tables import print_rich, records_table

        words = _words(records.memorandum, language.value)
        print_rich(records_table(found, words, contacts=kind == "contact", details=details))


def _words(memorandum: Memorandum | None, language: str) -> Words:
    """The words of a table in `language`; tables name parties as the memorandum does."""
    from mou.words import Words

    if memorandum is None:
        raise fail("the record has no readable memorandum: run `mou validate`", PROBLEMS)
    return Words(language, memorandum)


class ShowFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@app.command()
def show(
    context: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record's id.")],
    output_format: Annotated[ShowFormat, typer.Option("--format", help="yaml or json.")] = (
        ShowFormat.yaml
    ),
) -> None:
    """Show one record, with its references resolved both ways: the records it names, and
    the records that name it (the arrangement covering a seminar, what an arrangement covers)."""
    from mou.selection import show_document

    records = _load_valid(context)
    by_id = records.by_id()
    entry = by_id.get(record_id)
    if entry is None:
        import difflib

        close = difflib.get_close_matches(record_id, list(by_id), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        unreadable = any(
            path.rsplit("/", 1)[-1].rsplit(".", 1)[0] == record_id for path in records.files
        )
        why = " (its file has errors: run `mou validate`)" if unreadable else ""
        raise fail(f"no record {record_id}{why}{hint}")
    document = show_document(entry, records.entries, dates=output_format is ShowFormat.yaml)
    if output_format is ShowFormat.json:
        import json

        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        from mou.write import canonical, dump

        sys.stdout.write(dump(canonical(document, None, fresh=True), None))


@app.command()
def actions(
    context: typer.Context,
    *,
    open_only: Annotated[bool, typer.Option("--open", help="Only open items.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open items past due.")] = False,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", metavar="PARTY", help="Only this party's items.", show_default=False
        ),
    ] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", help="table, json or csv.")] = (
        ListFormat.table
    ),
    as_of: AsOfOption = None,
    language: LanguageOption = Language.en,
) -> None:
    """Action items of every meeting, by due date: who owes what, from which meeting, and how
    many days overdue."""
    from mou.selection import action_items, action_rows

    today = parse_as_of(as_of)
    records = _load_valid(context)
    items = action_items(
        records.entries, today, open_only=open_only, overdue_only=overdue, owner=owner
    )
    rows = action_rows(items)
    if output_format is ListFormat.json:
        import json

        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if output_format is ListFormat.csv:
        from mou.tables import as_csv

        sys.stdout.write(as_csv(rows))
        return
    from mou.tables import actions_table, print_rich

    print_rich(actions_table(items, _words(records.memorandum, language.value)))


@app.command(name="calendar")
def calendar_command(
    context: typer.Context,
    *,
    period: PeriodOption = None,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    language: LanguageOption = Language.en,
) -> None:
    """Meetings, seminars and the due dates of open actions as one iCalendar (.ics) file, with
    a reminder the day before planned events and due dates."""
    from datetime import UTC, datetime

    from mou.ics import calendar

    chosen = _period_option(period)
    today = parse_as_of(as_of)
    stamp = (
        datetime(today.year, today.month, today.day, tzinfo=UTC)
        if as_of
        else datetime.now(UTC).replace(microsecond=0)
    )
    records = _load_valid(context)
    if records.memorandum is None:
        raise fail("the record has no readable memorandum: run `mou validate`", PROBLEMS)
    data = calendar(
        records.entries,
        records.memorandum,
        period=chosen,
        stamp=stamp,
        as_of=today,
        language=language.value,
    )
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        _write_output(data, output)


class DiffFormat(StrEnum):
    md = "md"
    text = "text"
    json = "json"


@app.command()
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
    from mou.checks import run_checks
    from mou.history import GitError, difference, load_revision
    from mou.tables import difference_text

    root = records_root(context)
    today = parse_as_of(as_of)
    try:
        before = load_revision(root, base)
        after = load_revision(root, head)
    except GitError as error:
        raise fail(f"git: {error}") from None
    changes = difference(
        before.entries,
        after.entries,
        run_checks(before, today),
        run_checks(after, today),
        contact_details=contact_details,
    )
    sys.stdout.write(difference_text(changes, output_format.value, base, head or "working tree"))


@app.command()
def fmt(
    context: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")
    ] = False,
) -> None:
    """Rewrite every record in canonical form, keeping comments. Files that cannot be read
    (see `mou validate`) are left as they are."""
    from mou.write import UnsafePathError

    root = records_root(context)
    try:
        _format_all(root, check)
    except UnsafePathError as error:
        raise fail(str(error)) from None


def _format_all(root: Path, check: bool) -> None:
    from mou.parse import parse
    from mou.read import find_files
    from mou.write import FormatError, format_text, lock, schema_reference, write_text

    changed, failed = 0, 0
    with lock(root):
        for path in find_files(root):
            full = root / path
            try:
                data = full.read_bytes()
            except OSError as error:
                typer.echo(f"{path}: cannot read: {error.strerror}", err=True)
                failed += 1
                continue
            found = parse(data, path, positions=False).problems
            try:
                if found:
                    raise FormatError(f"{found[0].code} {found[0].message}")
                after = format_text(data.decode("utf-8"), schema_reference(root, path))
            except FormatError as error:
                typer.echo(f"{path}: not formatted: {error}", err=True)
                failed += 1
                continue
            if after != data.decode("utf-8"):
                changed += 1
                typer.echo(f"{'would reformat' if check else 'reformatted'} {path}")
                if not check:
                    try:
                        write_text(full, after)
                    except OSError as error:
                        typer.echo(f"{path}: cannot write: {error.strerror}", err=True)
                        failed += 1
    total = len(find_files(root))
    verb = "would be reformatted" if check else "reformatted"
    noun = "file" if total == 1 else "files"
    unreadable = f", {failed} not readable" if failed else ""
    typer.echo(f"{changed} of {total} {noun} {verb}{unreadable}.")
    raise typer.Exit(PROBLEMS if failed or (check and changed) else OK)


@app.command()
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
    from mou.scaffold import ScaffoldError, scaffold

    day = parse_as_of(signed) if signed else date.today()
    try:
        written, kept = scaffold(
            directory,
            title=title,
            signed=day,
            place=place,
            parties=party or [],
            languages=language or ["en"],
        )
    except ScaffoldError as error:
        raise fail(str(error), PROBLEMS) from None
    for path in written:
        typer.echo(f"created {path}")
    for path in kept:
        typer.echo(f"kept    {path} (exists)")
    typer.echo(
        "\nNext: fill in the parties, clauses and topics in records/memorandum.yaml, "
        "then run `mou validate`."
        if not party
        else "\nNext: replace the example clause in records/memorandum.yaml, then run "
        "`mou validate`."
    )


# --- add-* ---------------------------------------------------------------------------------

_ADD_HELP = """Add {kind}: one new file in {folder}/, checked with the whole record first.

Required values not given as options are asked for when standard input is a terminal;
otherwise the command names them and exits 2. Lists take the option once per value
(--observer iom --observer cis); structured items are one value with ; between parts.
The id is DATE-slug-of-the-title unless --id is given. Nothing is written if the new
record has an error; --dry-run prints it without writing."""


def _build_add_commands() -> dict[str, Any]:
    from typer.main import get_command

    from mou.add import FOLDERS, with_article

    commands = typer.Typer(add_completion=False, rich_markup_mode=None)
    for kind in ADD_KINDS:
        help_text = _ADD_HELP.format(kind=with_article(kind) + " record", folder=FOLDERS[kind])
        commands.command(name=f"add-{kind}", help=help_text)(_add_function(kind))
    group = get_command(commands)
    return dict(group.commands)  # type: ignore[attr-defined]


def _add_function(kind: str) -> Any:
    """A command function whose signature Typer reads: one option per field of the model."""
    import inspect

    from mou.add import options_for

    def command(context: typer.Context, **values: Any) -> None:
        raise typer.Exit(add_record(context, kind, values))

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter(
            "context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
        )
    ]
    for option in options_for(kind):
        annotation = _option_annotation(kind, option)
        parameters.append(
            inspect.Parameter(option.param, keyword, default=None, annotation=annotation)
        )
    new_id = typer.Option("--id", metavar="ID", help="Use this id, not DATE-slug-of-the-title.")
    parameters.append(
        inspect.Parameter("id", keyword, default=None, annotation=Annotated[str | None, new_id])
    )
    dry_run = typer.Option("--dry-run", help="Print the record and its problems; write nothing.")
    parameters.append(
        inspect.Parameter("dry_run", keyword, default=False, annotation=Annotated[bool, dry_run])
    )
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return command


def _option_annotation(kind: str, option: Any) -> Any:
    from enum import StrEnum

    settings = {"help": option.help, "show_default": False}
    if option.shape == "choice":
        choices = StrEnum(f"{kind}_{option.param}", {c: c for c in option.choices})  # type: ignore[misc]
        return Annotated[choices | None, typer.Option(option.flag, **settings)]
    if option.shape == "flag":
        negative = "--not-" + option.flag[2:]
        return Annotated[bool | None, typer.Option(f"{option.flag}/{negative}", **settings)]
    if option.shape == "number":
        return Annotated[int | None, typer.Option(option.flag, metavar="N", **settings)]
    metavar = option.metavar
    if option.shape in ("localized", "list", "items", "pairs"):
        return Annotated[list[str] | None, typer.Option(option.flag, metavar=metavar, **settings)]
    return Annotated[str | None, typer.Option(option.flag, metavar=metavar, **settings)]


def add_record(context: typer.Context, kind: str, values: dict[str, Any]) -> int:
    """Build one new record from the options (asking for what is missing), have it checked
    and written; print its path, or its problems. The exit code."""
    from mou import add
    from mou.output import as_text, display_path
    from mou.write import UnsafePathError

    root = records_root(context)
    today = date.today()
    try:
        data = add.build(kind, values, today)
    except add.UsageError as error:
        raise fail(str(error)) from None
    absent = add.missing(kind, data)
    if absent and sys.stdin.isatty():
        _ask(root, kind, data, today)
    elif absent:
        flags = ", ".join(option.flag for option in absent)
        raise fail(f"add-{kind}: missing {flags} (in a terminal, mou asks for them)")
    try:
        outcome = add.create(
            root, kind, data, values.get("id"), today=today, dry_run=bool(values.get("dry_run"))
        )
    except add.RefusedError as error:
        raise fail(f"{error}; nothing was written", PROBLEMS) from None
    except UnsafePathError as error:
        raise fail(f"{error}; nothing was written") from None
    if values.get("dry_run"):
        sys.stdout.write(outcome.text)
    if outcome.problems:
        sys.stderr.write(as_text(outcome.problems, root, 1))
    if outcome.has_errors and not values.get("dry_run"):
        shown = display_path(root, outcome.path)
        typer.echo(f"mou: {shown} has errors; nothing was written", err=True)
    elif outcome.written:
        typer.echo(display_path(root, outcome.path))
    return PROBLEMS if outcome.has_errors else OK


def _ask(root: Path, kind: str, data: dict[str, Any], today: date) -> None:
    """Ask for each missing required value, again until the answer is usable."""
    from mou import add

    choices = add.memorandum_choices(root)
    for option in add.options_for(kind):
        add.apply_defaults(kind, data, today)
        if option.required and option.field not in data:
            data[option.field] = _ask_one(option, choices)


def _ask_one(option: Any, declared: dict[str, list[str]]) -> Any:
    from mou.add import as_date

    label = option.field.replace("_", " ").capitalize()
    if option.shape == "flag":
        return typer.confirm(label, err=True)
    known = list(option.choices) or (declared.get(option.ref.to, []) if option.ref else [])
    many = option.shape == "list"
    hint = (
        f" ({', '.join(known)}{'; separate several with commas' if many else ''})" if known else ""
    )
    if option.shape == "date":
        hint = " (YYYY-MM-DD)"
    while True:
        answer = typer.prompt(f"{label}{hint}", err=True).strip()
        values = [part.strip() for part in answer.split(",")] if many else [answer]
        wrong = [value for value in values if known and value not in known]
        if not answer or any(not value for value in values):
            typer.echo("  A value is needed.", err=True)
        elif wrong:
            typer.echo(f"  Not one of {', '.join(known)}: {', '.join(wrong)}", err=True)
        elif option.shape == "date" and isinstance(as_date(answer), str):
            typer.echo(f"  {answer} is not a date: write it as 2024-03-12.", err=True)
        elif option.shape == "number" and not answer.isdigit():
            typer.echo(f"  {answer} is not a whole number.", err=True)
        elif option.shape == "date":
            return as_date(answer)
        elif option.shape == "number":
            return int(answer)
        else:
            return values if many else answer


def main() -> None:
    app()
