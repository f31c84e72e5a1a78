"""Commands that render the record for people: review, calendar."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mou.cli.common import (
    OK,
    PROBLEMS,
    AsOfOption,
    ContactDetails,
    Language,
    LanguageOption,
    OutputOption,
    PeriodOption,
    command,
    no_memorandum,
    parse_as_of,
    parse_period,
    portfolio_or_root,
    records_root,
    refuse_clashes,
    write_output,
)

if TYPE_CHECKING:
    from mou.review import Review


class ReviewFormat(StrEnum):
    md = "md"
    text = "text"
    html = "html"
    json = "json"
    docx = "docx"


RequiredPeriod = Annotated[
    str,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="2024, 2024-H1, 2024-Q3, 2024-03, 2024-03-12, or a range A..B of these.",
    ),
]
ReviewFormatOption = Annotated[
    ReviewFormat,
    typer.Option(
        "--format", help="md, text (for the terminal), html, json, or docx (Word; needs --output)."
    ),
]
ReferenceOption = Annotated[
    Path | None,
    typer.Option(
        "--reference-doc",
        metavar="FILE",
        help="With --format docx: a .docx whose styles and page set-up to use (as pandoc).",
        show_default=False,
    ),
]
TemplateOption = Annotated[
    Path | None,
    typer.Option(
        "--template",
        metavar="FILE",
        help="Render your own Jinja template with "
        "the same data (sandboxed; .html templates are autoescaped).",
        show_default=False,
    ),
]


@command()
def review(
    context: typer.Context,
    *,
    period: RequiredPeriod,
    output_format: ReviewFormatOption = ReviewFormat.md,
    language: Annotated[Language, typer.Option("--lang", help="en or ru.")] = Language.en,
    template: TemplateOption = None,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    contact_details: ContactDetails = False,
    reference_doc: ReferenceOption = None,
) -> None:
    """Render the joint review of a period (clause 4): clauses and their cadence, meetings,
    representation, seminars, exchanges, requests, programmes, costs, actions, contacts and
    data quality."""
    from mou.checks import run_checks
    from mou.load import load
    from mou.output import as_text
    from mou.problems import UsageError
    from mou.read import input_problem
    from mou.render import print_terminal, render_review, render_template
    from mou.review import review as build_review

    root = records_root(context)
    inputs = ((template, "--template"), (reference_doc, "--reference-doc"))
    refuse_clashes(((output, "--output"),), inputs, root)
    chosen = parse_period(period)
    assert chosen is not None  # --period is required
    today = parse_as_of(as_of)
    if today < chosen.start:
        raise UsageError(f"--as-of {today} is before the period {chosen.label} starts")
    if template is not None and (problem := input_problem(template)) is not None:
        raise UsageError(f"--template {template}: {problem}")
    if output_format is ReviewFormat.docx or reference_doc is not None:
        _check_docx(output_format, output, template, reference_doc)
    records = load(root)
    problems = run_checks(records, today)
    if records.memorandum is None:
        sys.stderr.write(as_text(problems, root, len(records.files)))
        raise no_memorandum("nothing to review")
    data = build_review(records, chosen, today, problems)
    if output_format is ReviewFormat.docx and output is not None:
        write_output(output, _docx(data, language.value, reference_doc, contact_details))
        return
    if template is not None:
        text = _render_user(data, language.value, template, contact_details)
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
        write_output(output, text)


def _check_docx(
    output_format: ReviewFormat, output: Path | None, template: Path | None, reference: Path | None
) -> None:
    """A Word review is a binary file: it needs --output, and python-docx (an extra)."""
    from mou.problems import UsageError
    from mou.read import input_problem

    if output_format is not ReviewFormat.docx:
        raise UsageError("--reference-doc goes with --format docx")
    if template is not None:
        raise UsageError("--template renders text; --format docx cannot use it")
    if output is None or str(output) == "-":
        raise UsageError("--format docx writes a binary file: give --output FILE")
    if reference is not None and (problem := input_problem(reference)) is not None:
        raise UsageError(f"--reference-doc {reference}: {problem}")
    try:
        import docx  # noqa: F401
    except ImportError:
        raise UsageError(
            "--format docx needs python-docx: pip install 'mou[docx]' (or python-docx)"
        ) from None


def _docx(data: Review, language: str, reference: Path | None, contact_details: bool) -> bytes:
    from mou.problems import UsageError
    from mou.review_docx import ReferenceError, review_docx

    try:
        return review_docx(data, language, reference=reference, contact_details=contact_details)
    except ReferenceError as error:
        raise UsageError(f"--reference-doc {error}") from None


def _render_user(data: Review, language: str, template: Path, contact_details: bool) -> str:
    """A user's template: its mistakes are reported with their line, not as a traceback."""
    import jinja2

    from mou.problems import UsageError
    from mou.render import render_user_template

    try:
        return str(render_user_template(data, language, template, contact_details=contact_details))
    except jinja2.TemplateSyntaxError as error:
        raise UsageError(f"{template}:{error.lineno}: template syntax: {error.message}") from None
    except jinja2.UndefinedError as error:
        raise UsageError(f"{template}: {error.message}") from None
    except jinja2.exceptions.SecurityError as error:
        raise UsageError(f"{template}: not allowed in a template: {error}") from None
    except RecursionError:
        where = _template_line(sys.exc_info()[2], template)
        raise UsageError(f"{where}: the template calls or includes itself without end") from None
    except (
        jinja2.TemplateError,
        ArithmeticError,
        AssertionError,
        AttributeError,
        LookupError,
        TypeError,
        ValueError,
    ) as error:
        # The template's own code failed (a division by zero, a missing key, a bad argument
        # to a filter or to w.date, a filter given what it cannot read (`dictsort` of a
        # list), a limit of mou.sandbox...).
        where = _template_line(error.__traceback__, template)
        detail = str(error) or "a function was given a value of the wrong kind"
        raise UsageError(f"{where}: {type(error).__name__}: {detail}") from None


def _template_line(trace: Any, template: Path) -> str:
    """`TEMPLATE:LINE` of the deepest frame of the traceback in the user's template."""
    import traceback

    lines = [f.lineno for f in traceback.extract_tb(trace) if f.filename == str(template)]
    return f"{template}:{lines[-1]}" if lines and lines[-1] else str(template)


@command(name="calendar")
def calendar_command(
    context: typer.Context,
    *,
    period: PeriodOption = None,
    output: OutputOption = None,
    as_of: AsOfOption = None,
    language: LanguageOption = Language.en,
) -> int:
    """Meetings, seminars and the due dates of open actions as one iCalendar (.ics) file, with
    a reminder the day before planned events and due dates (at a portfolio's root, of every
    memorandum, each summary beginning with its id)."""
    from datetime import UTC, datetime

    from mou.ics import calendar
    from mou.load import load

    chosen = parse_period(period)
    today = parse_as_of(as_of)
    stamp = (
        datetime(today.year, today.month, today.day, tzinfo=UTC)
        if as_of
        else datetime.now(UTC).replace(microsecond=0)
    )
    target = portfolio_or_root(context)
    refuse_clashes(
        ((output, "--output"),), root=target if isinstance(target, Path) else target.root
    )
    failed = False
    if isinstance(target, Path):
        records = load(target)
        if records.memorandum is None:
            raise no_memorandum()
        data = calendar(
            records.entries,
            records.memorandum,
            period=chosen,
            stamp=stamp,
            as_of=today,
            language=language.value,
        )
    else:
        from mou.cli.across import members
        from mou.ics import portfolio_calendar

        loaded, failed = members(target)
        data = portfolio_calendar(
            [(member.id, member.records.entries, member.memorandum) for member in loaded],
            target.root.resolve().name,
            period=chosen,
            stamp=stamp,
            as_of=today,
            language=language.value,
        )
    if output is None:
        # On a terminal, record text never reaches it raw (an escape sequence, a bidi
        # override in a title): shown escaped, its lines as the terminal's; piped, the file.
        sys.stdout.buffer.write(_on_terminal(data) if sys.stdout.isatty() else data)
    else:
        write_output(output, data)
    return PROBLEMS if failed else OK


def _on_terminal(data: bytes) -> bytes:
    from mou.escape import terminal_safe

    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    return terminal_safe(text, newlines=True).encode("utf-8")
