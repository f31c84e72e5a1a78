"""Tables and text for people and spreadsheets: CSV (formulas neutralised), terminal tables
(`mou list`, `mou actions`), Markdown escaping, and the text of `mou diff`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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
    with = + - @ tab CR LF or NUL gets a leading apostrophe). Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(CSV_TRIGGERS) else text


def as_csv(rows: Sequence[dict[str, Any]], leading: Sequence[str] = ()) -> str:
    """RFC 4180 CSV (CRLF line ends, quoting as needed): one row per dict, the columns in
    first-seen order after `leading`."""
    import csv
    import io

    columns = list(dict.fromkeys([*leading, *(key for row in rows for key in row)]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


# --- terminal tables ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """A column of a terminal table: its heading (a message), how a row's cell reads, and
    whether the cell may wrap (dates and ids never do)."""

    name: str
    cell: Callable[[T, Words], str]
    no_wrap: bool = False


def _contact(entry: Entry) -> Contact:
    assert isinstance(entry.model, Contact)
    return entry.model


RECORD_COLUMNS: tuple[Column[Entry], ...] = (
    Column(N_("Date"), lambda e, w: str(e.model.dated), no_wrap=True),
    Column(N_("Kind"), lambda e, w: w.word(e.kind)),
    Column(N_("Id"), lambda e, w: e.id, no_wrap=True),
    Column(N_("Title"), lambda e, w: w.text(title_of(e))),
    Column(N_("Status"), lambda e, w: w.word(getattr(e.model, "status", "") or "")),
)


def contact_columns(details: bool) -> tuple[Column[Entry], ...]:
    """The directory's columns; e-mail and phone stay empty unless `details`."""
    return (
        Column(N_("Party"), lambda e, w: w.party(_contact(e).party)),
        Column(N_("Name"), lambda e, w: w.text(_contact(e).name)),
        Column(N_("Position"), lambda e, w: w.text(_contact(e).position)),
        Column(N_("E-mail"), lambda e, w: (_contact(e).email or "") if details else ""),
        Column(N_("Phone"), lambda e, w: (_contact(e).phone or "") if details else ""),
        Column(N_("From"), lambda e, w: str(_contact(e).from_), no_wrap=True),
        Column(N_("To"), lambda e, w: str(_contact(e).to or ""), no_wrap=True),
    )


ACTION_COLUMNS: tuple[Column[ActionItem], ...] = (
    Column(N_("Due"), lambda i, w: str(i.action.due or ""), no_wrap=True),
    Column(N_("Owner"), lambda i, w: w.party(i.action.owner)),
    Column(N_("Action"), lambda i, w: w.text(i.action.text)),
    Column(N_("Status"), lambda i, w: w.word(i.action.status)),
    Column(N_("Days overdue"), lambda i, w: str(i.overdue_days or "")),
    Column(
        N_("Meeting"),
        lambda i, w: f"{w.text(title_of(i.meeting))} ({i.meeting.model.dated})",
    ),
)


def as_table(title: str, columns: Sequence[Column[T]], rows: Sequence[T], words: Words) -> Any:
    """A rich table fitted to the terminal: long text wraps, nothing is cut, and the columns
    marked `no_wrap` are never broken across lines."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(words.gettext(column.name), overflow="fold", no_wrap=column.no_wrap)
    for row in rows:
        table.add_row(*(column.cell(row, words) for column in columns))
    return table


def records_table(entries: Sequence[Entry], words: Words, *, contacts: bool, details: bool) -> Any:
    """`mou list` for a terminal; the contact directory has its own columns."""
    columns = contact_columns(details) if contacts else RECORD_COLUMNS
    count = words.ngettext("%(num)s record", "%(num)s records", len(entries))
    return as_table(count % {"num": len(entries)}, columns, entries, words)


def actions_table(items: Sequence[ActionItem], words: Words) -> Any:
    """`mou actions` for a terminal."""
    count = words.ngettext("%(num)s action item", "%(num)s action items", len(items))
    return as_table(count % {"num": len(items)}, ACTION_COLUMNS, items, words)


def print_rich(renderable: Any) -> None:
    from rich.console import Console

    Console(highlight=False).print(renderable)


# --- Markdown safety ---------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|^[#+-])")


def markdown_text(value: object) -> str:
    """Record text made inert in Markdown: one line, markup characters escaped, so that a title
    cannot break a table, start a heading, or inject a link, image or HTML."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


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
            }
            for c in difference.changes
        ],
        "new_findings": [diagnostic(p) for p in difference.new_findings],
        "resolved_findings": [diagnostic(p) for p in difference.resolved_findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class _Style:
    """Markdown for a pull request, or plain text."""

    markdown: bool

    def code(self, text: str) -> str:
        return f"`{text}`" if self.markdown else text

    def value(self, value: Any) -> str:
        """A field's value on one line."""
        if value is None:
            text = "—"
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        text = " ".join(text.split())
        if not self.markdown:
            return text
        return f"`{text}`" if "`" not in text else markdown_text(text)

    def prefix(self, markdown: str, text: str = "") -> str:
        return markdown if self.markdown else text


def _change_lines(change: Change, style: _Style) -> list[str]:
    lines = ["", f"{style.prefix('- ')}{change.change}: {style.code(change.path)} ({change.kind})"]
    for field, before, after in change.fields:
        lines.append(
            f"{style.prefix('  - ', '    ')}{style.code(field)}: "
            f"{style.value(before)} → {style.value(after)}"
        )
    return lines


def _finding_lines(title: str, problems: Sequence[Problem], style: _Style) -> list[str]:
    if not problems:
        return []
    lines = ["", f"{style.prefix('### ')}{title}", ""]
    for p in problems:
        message = markdown_text(p.message) if style.markdown else p.message
        where = style.code(f"{p.path}:{p.line}")
        lines.append(f"{style.prefix('- ')}{p.severity} {p.code} {where}: {message}")
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
