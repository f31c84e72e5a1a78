"""Tables and text for people and spreadsheets: CSV (formulas neutralised), terminal tables
(`mou list`, `mou actions`), Markdown escaping, and the text of `mou diff`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mou.escape import code_span, console_style, json_safe, markdown_message, one_line
from mou.grid import Grid, GridColumn, tsv_lines
from mou.history import CHANGE_KINDS, Change, Difference
from mou.load import Entry
from mou.models import Contact
from mou.output import diagnostic
from mou.problems import N_, Problem
from mou.selection import ActionItem, title_of
from mou.words import Words

T = TypeVar("T")

# --- CSV ---------------------------------------------------------------------------------------

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet cannot take for a formula (OWASP's advice: text starting
    with = + - @ tab CR LF or NUL gets a leading apostrophe), its control and bidi characters
    written as `\\uXXXX` as in JSON (`escape.json_safe`: tab and line feed kept, quoted) and a
    backslash doubled (as in TSV, so each value reads back unambiguously), so a CSV shown in a
    terminal clears no screen and reorders no text. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, dict | list):
        text = json_safe(json.dumps(value, ensure_ascii=False))  # (JSON doubles backslashes)
    else:  # a backslash doubled, so that `\u202e` written by the record is not one escaped here
        text = json_safe(str(value).replace("\\", "\\\\"))
    return "'" + text if text.startswith(CSV_TRIGGERS) else text


def as_csv(rows: Sequence[dict[str, Any]], leading: Sequence[str] = ()) -> str:
    """RFC 4180 CSV (CRLF line ends, quoting as needed): one row per dict, the columns in
    first-seen order after `leading`."""

    columns = list(dict.fromkeys([*leading, *(key for row in rows for key in row)]))
    return "".join(csv_lines(rows, columns))


def csv_lines(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """`as_csv` of rows whose keys are among `columns`, row by row as they come."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def json_lines(rows: Iterable[Any]) -> Iterator[str]:
    """`json.dumps(list(rows), ensure_ascii=False, indent=2)` with strings made terminal-safe
    (`escape.json_safe`), piece by piece as the rows come, and a newline at the end."""
    first = True
    for row in rows:
        text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + json_safe(text)
        first = False
    yield "[]\n" if first else "\n]\n"


# --- terminal tables ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """A column of a terminal table: its key (the header of plain rows), its heading (a
    message), how a row's cell reads, whether the cell may wrap (dates and ids never do), and
    when it is dropped from a terminal too narrow for every column (1 first, None never)."""

    key: str
    name: str
    cell: Callable[[T, Words], str]
    no_wrap: bool = False
    drop: int | None = None


def _contact(entry: Entry) -> Contact:
    assert isinstance(entry.model, Contact)
    return entry.model


# The date goes first when the terminal is narrow: every id but a contact's begins with it.
RECORD_COLUMNS: tuple[Column[Entry], ...] = (
    Column("date", N_("Date"), lambda e, w: str(e.model.dated), no_wrap=True, drop=1),
    Column("kind", N_("Kind"), lambda e, w: w.word(e.kind), drop=3),
    Column("id", N_("Id"), lambda e, w: e.id, no_wrap=True),
    Column("title", N_("Title"), lambda e, w: w.text(title_of(e))),
    Column(
        "status", N_("Status"), lambda e, w: w.word(getattr(e.model, "status", "") or ""), drop=2
    ),
)


def _detail(key: str, name: str, details: bool, drop: int) -> Column[Entry]:
    """A contact's e-mail or phone, whole; empty unless `details`."""
    return Column(
        key, name, lambda e, w: (getattr(_contact(e), key) or "") if details else "", True, drop
    )


def contact_columns(details: bool) -> tuple[Column[Entry], ...]:
    """The directory's columns; e-mail and phone stay empty unless `details`."""
    return (
        Column("id", N_("Id"), lambda e, w: e.id, no_wrap=True),
        Column("party", N_("Party"), lambda e, w: w.party(_contact(e).party), drop=5),
        Column("name", N_("Name"), lambda e, w: w.text(_contact(e).name)),
        Column("position", N_("Position"), lambda e, w: w.text(_contact(e).position), drop=3),
        _detail("email", N_("E-mail"), details, drop=6),
        _detail("phone", N_("Phone"), details, drop=4),
        Column("from", N_("From"), lambda e, w: str(_contact(e).from_), no_wrap=True, drop=2),
        Column("to", N_("To"), lambda e, w: str(_contact(e).to or ""), no_wrap=True, drop=1),
    )


ACTION_COLUMNS: tuple[Column[ActionItem], ...] = (
    Column("due", N_("Due"), lambda i, w: str(i.action.due or ""), no_wrap=True, drop=5),
    Column("id", N_("Id"), lambda i, w: i.id, no_wrap=True),
    Column("owner", N_("Owner"), lambda i, w: w.party(i.action.owner), drop=3),
    Column("action", N_("Action"), lambda i, w: w.text(i.action.text)),
    Column("status", N_("Status"), lambda i, w: w.word(i.action.status), drop=2),
    Column("overdue_days", N_("Days overdue"), lambda i, w: str(i.overdue_days or ""), drop=4),
    Column(
        "meeting",
        N_("Meeting"),
        lambda i, w: f"{w.text(title_of(i.meeting))} ({i.meeting.model.dated})",
        drop=1,
    ),
)

# A terminal table of more rows than this is not laid out unless asked (`--format table`):
# the rows stream as plain text, since nobody reads thousands of rows laid out.
LARGE = 1000


def lay_out(output_format: str | None, rows: int, terminal: bool) -> bool:
    """Whether rows are laid out as a table (else plain rows): `--format table` or `tsv`
    decides; by default a table on a terminal, unless the result is large."""
    if output_format is not None:
        return output_format == "table"
    return terminal and rows <= LARGE


def as_table(title: str, columns: Sequence[Column[T]], rows: Sequence[T], words: Words) -> Grid:
    """A table fitted to the terminal when printed (`mou.grid`): ids and dates whole, text
    folded on words, columns dropped in their declared order when the terminal is narrow."""
    return Grid(
        title,
        [GridColumn(words.gettext(c.name), c.no_wrap, c.drop) for c in columns],
        [[one_line(column.cell(row, words)) for column in columns] for row in rows],
    )


def plain_rows(columns: Sequence[Column[T]], rows: Iterable[T], words: Words) -> Iterator[str]:
    """The table's rows as tab-separated lines under a header of column keys."""
    keys = [column.key for column in columns]
    return tsv_lines(keys, ([column.cell(row, words) for column in columns] for row in rows))


def record_columns(*, contacts: bool, details: bool) -> tuple[Column[Entry], ...]:
    """`mou list`'s columns; the contact directory has its own."""
    return contact_columns(details) if contacts else RECORD_COLUMNS


def records_title(count: int, words: Words) -> str:
    return words.ngettext("%(num)s record", "%(num)s records", count) % {"num": count}


def _member_cell(column: Column[T]) -> Callable[[tuple[str, T, Words], Words], str]:
    return lambda row, words: column.cell(row[1], row[2])


def with_memorandum(columns: Sequence[Column[T]]) -> tuple[Column[tuple[str, T, Words]], ...]:
    """The columns of a table across a portfolio, for rows (memorandum id, row, its words):
    the memorandum's id first, then each column read with its own memorandum's words (its
    parties' names)."""
    first: Column[tuple[str, T, Words]] = Column(
        "memorandum", N_("Memorandum"), lambda row, words: row[0], no_wrap=True
    )
    return (
        first,
        *(Column(c.key, c.name, _member_cell(c), c.no_wrap, c.drop) for c in columns),
    )


def actions_title(count: int, words: Words) -> str:
    return words.ngettext("%(num)s action item", "%(num)s action items", count) % {"num": count}


def print_table(
    output_format: str | None,
    title: str,
    columns: Sequence[Column[T]],
    rows: Sequence[T],
    words: Words,
) -> None:
    """Rows on standard output: a table laid out, or plain rows streamed (see `lay_out`)."""
    import sys

    terminal = sys.stdout.isatty()
    if not lay_out(output_format, len(rows), terminal):
        sys.stdout.writelines(plain_rows(columns, rows, words))
        return
    table = as_table(title, columns, rows, words)
    if terminal:
        print_rich(table)
    else:  # a table asked for in a pipe: no styles, so no need of rich
        sys.stdout.writelines(line + "\n" for line in table.lines(terminal_width()))


def terminal_width() -> int:
    """The terminal's width (`COLUMNS` where set; 80 when there is no terminal)."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def print_rich(renderable: Any) -> None:
    """A table on standard output, at the terminal's width; lines are never cropped, so an
    id wider than the terminal wraps in the terminal, whole."""
    from rich.console import Console

    Console(highlight=False, width=terminal_width(), **console_style()).print(
        renderable, crop=False
    )


# --- mou diff -------------------------------------------------------------------------------


def difference_json(difference: Difference, base: str, head: str) -> str:
    document = {
        "base": base,
        "head": head,
        "changes": [
            {
                "id": c.id,
                "kind": c.kind,
                "path": c.path,
                "change": c.change,
                "fields": [{"field": f, "before": b, "after": a} for f, b, a in c.fields],
                **({"findings": [diagnostic(p) for p in c.findings]} if c.findings else {}),
            }
            for c in difference.changes
        ],
        "new_findings": [diagnostic(p) for p in difference.new_findings],
        "resolved_findings": [diagnostic(p) for p in difference.resolved_findings],
    }
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


@dataclass(frozen=True, slots=True)
class _Style:
    """Markdown for a pull request, or plain text."""

    markdown: bool

    def code(self, text: str) -> str:
        """A path or a field name: a code span in Markdown, escaped text otherwise."""
        return code_span(text) if self.markdown else one_line(text)

    def value(self, value: Any) -> str:
        """A field's value on one line."""
        if value is None:
            text = "—"
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return self.code(" ".join(text.split()))

    def prefix(self, markdown: str, text: str = "") -> str:
        return markdown if self.markdown else text


def _change_lines(change: Change, style: _Style) -> list[str]:
    lines = ["", f"{style.prefix('- ')}{change.change}: {style.code(change.path)} ({change.kind})"]
    for field, before, after in change.fields:
        lines.append(
            f"{style.prefix('  - ', '    ')}{style.code(field)}: "
            f"{style.value(before)} → {style.value(after)}"
        )
    return lines + _findings(change.findings, style, style.prefix("  - ", "    "))


def change_lines(change: Change, *, markdown: bool) -> list[str]:
    """One record's change as `mou diff` words it: `changed: PATH (KIND)`, then a line per
    field, `FIELD: BEFORE → AFTER` (used by every command that reports what it changed)."""
    return _change_lines(change, _Style(markdown))[1:]


def _finding_lines(title: str, problems: Sequence[Problem], style: _Style) -> list[str]:
    if not problems:
        return []
    return [
        "",
        f"{style.prefix('### ')}{title}",
        "",
        *_findings(problems, style, style.prefix("- ")),
    ]


def _findings(problems: Sequence[Problem], style: _Style, prefix: str) -> list[str]:
    lines = []
    for p in problems:
        message = markdown_message(p.message) if style.markdown else one_line(p.message)
        where = style.code(f"{p.path}:{p.line}")
        lines.append(f"{prefix}{p.severity} {p.code} {where}: {message}")
    return lines


def difference_text(difference: Difference, output_format: str, base: str, head: str) -> str:
    """A difference as Markdown for a pull request (md), plain text, or JSON."""
    if output_format == "json":
        return difference_json(difference, base, head)
    style = _Style(markdown=output_format == "md")
    changes = difference.changes
    counts = {kind: sum(1 for c in changes if c.change == kind) for kind in CHANGE_KINDS}
    lines = [f"{style.prefix('## ')}Record changes: {base} → {head}", ""]
    if not changes:
        lines.append("No record changed.")
    else:
        lines.append(", ".join(f"{n} {kind}" for kind, n in counts.items() if n) + ".")
    for change in changes:
        lines += _change_lines(change, style)
    lines += _finding_lines("New findings", difference.new_findings, style)
    lines += _finding_lines("Findings resolved", difference.resolved_findings, style)
    return "\n".join(lines) + "\n"
