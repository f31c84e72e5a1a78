"""What every command shares: the Typer app, the records root, option types and parsing, and
the one exit-code policy.

A command is a plain function decorated with `@command()`: it parses its options, calls one
core function, prints, and returns an exit code (or None for 0). Whatever goes wrong is an
exception with a message: `UsageError` (exit 2) or `RefusalError` (exit 1), both printed as
`mou: ...` by `exits`, the one place that turns outcomes into exit codes.

Only typer is imported here: everything heavy is imported inside the command that needs it,
so that `mou --help` costs little more than a bare Typer app.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path, PosixPath, WindowsPath
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    # typer carries its own copy of click: these are the types its Group methods take.
    from typer import _click as click

    from mou.periods import Period
    from mou.portfolio import Portfolio

OK, PROBLEMS, USAGE = 0, 1, 2
INTERRUPTED = 130  # Ctrl+C: the shell's code for it (as `start.main` gives any command)

# The kinds `mou add-KIND` writes: mou.kinds.ADDABLE, kept here so that `mou --help` need not
# import the models (tests/test_cli_layout.py keeps the two equal).
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

    _added: dict[str, click.Command] | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(f"add-{kind}" for kind in ADD_KINDS)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name.startswith("add-") and name[4:] in ADD_KINDS:
            if Group._added is None:
                from mou.cli.add import build_add_commands

                Group._added = build_add_commands()
            return Group._added[name]
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> object:
        from typer._click.exceptions import BadParameter

        try:
            return super().invoke(ctx)
        except BadParameter as error:  # an option's value Typer refused: say it plainly
            error.message = plain_choice_message(error.message)
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
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


def plain_choice_message(message: str) -> str:
    """Typer's `Value error, 'pdf' is not one of 'md', 'text'.` → `'pdf' is not one of: md,
    text`; other messages unchanged (without pydantic's `Value error, `)."""
    import re

    message = message.removeprefix("Value error, ")
    refused = re.fullmatch(r"(.*) is not one of (.*?)\.?", message, re.DOTALL)
    if refused is None:
        return message
    choices = ", ".join(choice.strip().strip("'") for choice in refused[2].split(","))
    return f"{refused[1]} is not one of: {choices}"


app = typer.Typer(
    name="mou",
    cls=Group,
    help="Keep the implementation record of a memorandum of understanding as YAML in git: "
    "validate it, ask it questions, render the joint review.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

Command = TypeVar("Command", bound=Callable[..., int | None])


def exits(function: Command) -> Callable[..., None]:
    """The exit-code policy, around a command: a returned code (None is 0), `UsageError` → 2,
    `RefusalError` → 1, their message printed as `mou: ...`. Nothing else is caught: a bug is a
    traceback, never a silent exit."""

    @functools.wraps(function)
    def run(*args: object, **kwargs: object) -> None:
        from mou.problems import RefusalError, UsageError

        try:
            code = function(*args, **kwargs)
        except UsageError as error:
            say(f"mou: {error}", err=True)
            code = USAGE
        except RefusalError as error:
            say(f"mou: {error}", err=True)
            code = PROBLEMS
        if code:
            raise typer.Exit(code)

    return run


def say(text: str, *, err: bool = False) -> None:
    """Print a message line (stdout, or stderr with `err`): whatever record text or file
    name it holds is shown escaped (`mou.escape.terminal_safe`), never raw."""
    from mou.escape import terminal_safe

    typer.echo(terminal_safe(text, newlines=True), err=err)


def command(name: str | None = None) -> Callable[[Command], Command]:
    """Register a command of `mou`, under the exit-code policy."""

    def register(function: Command) -> Command:
        app.command(name=name)(exits(function))
        return function

    return register


# --- the records root ---------------------------------------------------------------------


class Settings:
    def __init__(self, records: Path | None, memorandum: str | None = None) -> None:
        self.explicit = records
        self.memorandum = memorandum  # -m ID: one memorandum of a portfolio

    def root(self) -> Path:
        """The folder given or found: a records root, or a portfolio's root."""
        from mou.portfolio import discover

        return discover(self.explicit)


def _member_root(root: Path, memorandum: str | None) -> Path:
    """The records root of one memorandum: `root` itself, or with a portfolio the member
    `-m` names (also from inside one member's folder); a usage error naming the ids when
    `root` is a portfolio and no `-m` was given."""
    from mou.portfolio import find_portfolio
    from mou.problems import UsageError

    portfolio = find_portfolio(root)
    if portfolio is None and memorandum is not None:
        portfolio = find_portfolio(root.parent)
        if portfolio is None or root.name not in portfolio.ids():
            raise UsageError(f"-m {memorandum}: {root} is one memorandum, not a portfolio")
    if portfolio is None:
        return root
    if memorandum is None:
        raise UsageError(
            f"{root} is a portfolio: this command works on one memorandum; {portfolio.choice()}"
        )
    return portfolio.member(memorandum).root


def _settle(root: Path) -> None:
    """A change to several files that a killed `mou` left half-done (a rename's journal) is
    completed or discarded, so that no command sees it."""
    from mou.read import JOURNAL_FOLDER

    if (root / JOURNAL_FOLDER).is_dir():
        from mou.commit import recover
        from mou.write import lock

        with lock(root):
            recover(root)


def records_root(context: typer.Context) -> Path:
    """The records root of the one memorandum a command works on (with a portfolio, the
    member `-m` names), settled first (`_settle`)."""
    from mou.problems import UsageError

    settings: Settings = context.obj
    root = _member_root(settings.root(), settings.memorandum)
    _settle(root)
    if not root.is_dir():
        raise UsageError(
            f"no records folder at {root} (use --records PATH, set MOU_RECORDS, or run `mou init`)"
        )
    from mou.read import looks_like_records

    if not (root / "memorandum.yaml").exists():
        from mou.kinds import KINDS

        if not looks_like_records(root, [kind.folder for kind in KINDS.values()]):
            raise UsageError(
                f"{root} is not a records folder: no memorandum.yaml, no record file or kind "
                "folder in it (use --records PATH, set MOU_RECORDS, or run `mou init`)"
            )
    return root


def portfolio_or_root(context: typer.Context) -> Portfolio | Path:
    """What a command that works across a portfolio works on: the portfolio (each member
    settled first), or, with `-m` or for a single memorandum, its records root."""
    from mou.portfolio import find_portfolio

    settings: Settings = context.obj
    if settings.memorandum is None:
        portfolio = find_portfolio(settings.root())
        if portfolio is not None:
            for member in portfolio.members:
                _settle(member.root)
            return portfolio
    return records_root(context)


# --- options ------------------------------------------------------------------------------


def parse_as_of(text: str | None, option: str = "--as-of") -> date:
    """--as-of (or another date `option`, named in the message): the day, today when not given."""
    from mou.problems import UsageError

    if text is None:
        return date.today()
    from mou.periods import FIRST_YEAR

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected a date such as 2024-12-31") from None
    if day.year < FIRST_YEAR:  # periods and cadences reach back from it
        raise UsageError(f"{option} {text}: a date from the year {FIRST_YEAR} on")
    return day


def parse_period(text: str | None) -> Period | None:
    """--period: the period, None when not given."""
    from mou.periods import PeriodError
    from mou.periods import parse_period as parse
    from mou.problems import UsageError

    if text is None:
        return None
    try:
        return parse(text)
    except PeriodError as error:
        raise UsageError(f"--period: {error}") from None


def write_output(output: Path, data: str | bytes) -> None:
    """Write --output (`-`: standard output) through the one safe opener; a path that cannot
    be written is refused (`output_refused`), and whatever was there is left as it was."""
    from mou.problems import UsageError
    from mou.write import write_output as write

    try:
        written = write(output, data.encode("utf-8") if isinstance(data, str) else data)
    except (UsageError, OSError) as error:
        raise output_refused(error, output) from None
    if written is not None:
        say(f"wrote {output}", err=True)


# The codes of an output refused: mou will not write there, or the system would not.
OUTPUT_UNSAFE, OUTPUT_FAILED = "MOU501", "MOU502"


def output_refused(error: Exception, target: Path, option: str = "--output") -> Exception:
    """The one refusal of an output (`--output`, an export's FILE, `--metadata`), exit 2:
    MOU501 where mou will not write (`error` is the UsageError saying why: not a regular
    file, a folder mou did not write, a link leading out), MOU502 where the system would
    not (`error` is the OSError: no permission, a full or read-only disk)."""
    from mou.problems import CommandError, UsageError

    if isinstance(error, CommandError) and error.code is not None:
        return error  # refused already
    if isinstance(error, OSError):
        where = f"{option} {target}" if option.startswith("-") else str(target)
        return UsageError(f"{where}: cannot write: {error.strerror or error}", OUTPUT_FAILED)
    return UsageError(str(error), OUTPUT_UNSAFE)


# A path given ending in a slash (`newdir/`), so naming a folder: `Path` drops the slash. The
# system's own kind of path (a PosixPath cannot be made on Windows, nor a bare Path subclass).
if sys.platform == "win32":

    class FolderPath(WindowsPath):
        pass

else:

    class FolderPath(PosixPath):
        pass


def output_path(text: str) -> Path:
    """An output option's value as a path, one ending in a slash (or the system's separator)
    kept a `FolderPath`."""
    ends = ("/", os.sep, os.altsep or "/")
    return FolderPath(text) if text.endswith(ends) else Path(text)


def refuse_clashes(
    outputs: tuple[tuple[Path | None, str], ...],
    inputs: tuple[tuple[Path | None, str], ...] = (),
    root: Path | None = None,
) -> None:
    """Refuse (MOU501), before anything is read or written, an output (path, option) that
    would destroy what the command reads: one of its `inputs`, or a record file (a .yaml or
    .yml) under the records `root`, compared once every `.`, `..` and link is resolved; or
    that ends in a slash (a folder, where a file goes)."""
    from mou.read import SUFFIXES, inside

    given = {os.path.realpath(path): f"{option} {path}" for path, option in inputs if path}
    for path, option in outputs:
        if path is None or str(path) == "-":
            continue
        where = f"{option} {path}" if option.startswith("-") else str(path)
        real = os.path.realpath(path)
        if isinstance(path, FolderPath):
            where, reason = f"{where}/", "ends in a slash, so names a folder: a file goes there"
        elif real in given:
            reason = f"is the file {given[real]}, which this command reads"
        elif root is not None and real.endswith(SUFFIXES) and inside(root, real):
            reason = f"is a record file under the records root {root}"
        else:
            continue
        raise output_refused(ValueError(f"{where} {reason}; nothing was written"), path, option)


def output_folder(target: Path, option: str = "--output") -> Path:
    """`target` as the folder an output of many files goes into: refused (MOU501) when
    something other than a folder is there (a file, a device), before anything is written."""
    import stat

    from mou.read import not_regular

    try:
        mode = os.stat(target).st_mode
    except OSError:
        return target  # not there yet (made when written), or said when it is written
    if not stat.S_ISDIR(mode):
        what = not_regular(mode) or "a file"
        message = f"{option} {target} is {what}: {option} writes into a folder"
        raise output_refused(ValueError(message), target, option)
    return target


def no_memorandum(then: str = "run `mou validate`") -> Exception:
    """The refusal of a command that needs the memorandum, when it cannot be read."""
    from mou.problems import RefusalError

    return RefusalError(f"the record has no readable memorandum: {then}")


class Language(StrEnum):
    en = "en"
    ru = "ru"


class ListFormat(StrEnum):
    table = "table"
    tsv = "tsv"
    json = "json"
    csv = "csv"


# --- shell completion (called on <Tab>: cheap, and never an error) ------------------------


def completion_root(context: typer.Context) -> Path:
    """The records root to complete from: -m's member of a portfolio, or the root found."""
    from mou.problems import UsageError

    params = context.find_root().params
    records, memorandum = params.get("records"), params.get("memorandum")
    root = Settings(Path(records) if records else None).root()
    try:
        return _member_root(root, memorandum)
    except UsageError:  # a portfolio without -m: nothing to complete
        return root


def complete_memorandum(context: typer.Context, incomplete: str) -> list[str]:
    """-m: the ids of the portfolio's memoranda (from inside one member, its siblings')."""
    from mou.portfolio import find_portfolio

    records = context.find_root().params.get("records")
    root = Settings(Path(records) if records else None).root()
    portfolio = find_portfolio(root) or find_portfolio(root.parent)
    ids = portfolio.ids() if portfolio is not None else []
    return [id_ for id_ in ids if id_.startswith(incomplete)]


def complete_period(incomplete: str) -> list[str]:
    from mou.completion import periods

    return periods(incomplete)


def completer(what: str) -> Callable[[typer.Context, str], list[str]]:
    """Completion of what the memorandum declares: `parties`, `topics`, `clauses`, `states`."""

    def complete(context: typer.Context, incomplete: str) -> list[str]:
        from mou.completion import declared

        return declared(completion_root(context), what, incomplete)

    return complete


def complete_id(context: typer.Context, incomplete: str) -> list[str]:
    from mou.completion import ids

    return ids(completion_root(context), incomplete)


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="2024, 2024-H1, 2024-Q3, 2024-03, 2024-03-12, or a range A..B of these.",
        show_default=False,
        autocompletion=complete_period,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        metavar="FILE",
        help="Write here (atomically) instead of printing.",
        show_default=False,
        parser=output_path,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Take this day as today."),
]
# The longest look ahead or back a --within or --notice-days may ask for (a century): a day
# past it would leave the calendar, which ends in 9999.
MAX_DAYS = 36525

NoticeDaysOption = Annotated[
    int,
    typer.Option(
        "--notice-days",
        metavar="DAYS",
        min=0,
        max=MAX_DAYS,
        help="Warn this many days before a memorandum's notice deadline.",
    ),
]
LanguageOption = Annotated[Language, typer.Option("--lang", help="en or ru (record text).")]
ContactDetails = Annotated[
    bool,
    typer.Option(
        "--include-contact-details", help="Show contacts' e-mail and phone (left out by default)."
    ),
]
