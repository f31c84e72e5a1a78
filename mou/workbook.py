"""The record as an Excel workbook (`mou export xlsx`): a sheet per kind, plus the action
items, the costs and the findings, built with openpyxl.

The kinds' sheets are the import format (mou/sheets.py): their headers are field names in
every language, so that an exported sheet, edited, goes back in with `mou import`. The
other three sheets are for reading: their headers and words follow `--lang`. Dates are date
cells, amounts numbers shown in their currency; text that a spreadsheet would run as a
formula is neutralised as in CSV. The same record and as-of date give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mou.escape import terminal_safe
from mou.kinds import ADDABLE, KINDS
from mou.load import Entry, RecordSet
from mou.models import Arrangement
from mou.problems import N_, Problem
from mou.selection import action_items, record_data
from mou.sheets import Column, cell_value, columns
from mou.tables import csv_cell

if TYPE_CHECKING:
    from mou.words import Words

DATE_FORMAT = "yyyy-mm-dd"
WIDEST = 60  # characters: longer text wraps in the cell rather than widening the column
ACTIONS = (
    N_("Meeting"),
    N_("Meeting date"),
    N_("Action"),
    N_("Text"),
    N_("Owner"),
    N_("Due"),
    N_("Status"),
    N_("Done on"),
    N_("Overdue by (days)"),
)
COSTS = (
    N_("Arrangement"),
    N_("Arrangement status"),
    N_("Item"),
    N_("Payer"),
    N_("Date"),
    N_("Status"),
    N_("Currency"),
    N_("Amount"),
    N_("Counted in reviews"),
)
FINDINGS = (
    N_("Severity"),
    N_("Code"),
    N_("Path"),
    N_("Line"),
    N_("Column"),
    N_("Record"),
    N_("Message"),
)


def export(
    records: RecordSet,
    findings: Sequence[Problem],
    as_of: date,
    language: str,
    *,
    contact_details: bool = False,
) -> bytes:
    """The workbook's bytes. `as_of` dates the overdue actions and the file's properties."""
    return export_members(
        [("", records, findings)], as_of, language, contact_details=contact_details
    )


def export_members(
    members: Sequence[tuple[str, RecordSet, Sequence[Problem]]],
    as_of: date,
    language: str,
    *,
    contact_details: bool = False,
) -> bytes:
    """The workbook of one memorandum (its id "") or of a portfolio's, given as (id,
    records, findings): then every sheet has a `memorandum` column first (and its kinds'
    sheets are for reading, not for `mou import`)."""
    from openpyxl import Workbook

    from mou.words import Words, translations

    lead = len(members) > 1 or members[0][0] != ""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for kind in ADDABLE:
        entries = [
            (id_, entry)
            for id_, records, _ in members
            for entry in sorted(
                (e for e in records.entries if e.kind == kind), key=lambda e: (e.model.dated, e.id)
            )
        ]
        if entries:
            _kind_sheet(workbook, kind, entries, lead=lead, contact_details=contact_details)
    tables: dict[str, list[list[Any]]] = {"Actions": [], "Costs": [], "Findings": []}
    for id_, records, findings in members:
        if records.memorandum is None:
            raise ValueError("the record has no readable memorandum")
        words = Words(language, records.memorandum)
        first = [id_] if lead else []
        for title, rows in (
            ("Actions", _actions(records, as_of, words)),
            ("Costs", _costs(records, words)),
            ("Findings", _findings(findings, words)),
        ):
            tables[title] += [[*first, *row] for row in rows]
    gettext = translations(language).gettext
    heading = [gettext(N_("Memorandum"))] if lead else []
    for title, headers in (
        (N_("Actions"), ACTIONS),
        (N_("Costs"), COSTS),
        (N_("Findings"), FINDINGS),
    ):
        names = [*heading, *(gettext(header) for header in headers)]
        _table(workbook, gettext(title), names, tables[title])
    stamp = datetime(as_of.year, as_of.month, as_of.day)
    workbook.properties.creator = "mou"
    workbook.properties.created = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def _kind_sheet(
    workbook: Any, kind: str, entries: list[tuple[str, Entry]], *, lead: bool, contact_details: bool
) -> None:
    data = [(id_, e.id, record_data(e, contact_details=contact_details)) for id_, e in entries]
    layout: list[Column] = columns(kind, [record for _, _, record in data])
    rows = [
        [*([id_] if lead else []), *(cell_value(column, rid, record) for column in layout)]
        for id_, rid, record in data
    ]
    names = [*(["memorandum"] if lead else []), *(column.name for column in layout)]
    _table(workbook, KINDS[kind].folder, names, rows)


def _actions(records: RecordSet, as_of: date, words: Words) -> list[list[Any]]:
    return [
        [
            item.meeting.id,
            item.meeting.model.dated,
            item.action.id,
            words.text(item.action.text),
            item.action.owner,
            item.action.due,
            words.word(item.action.status),
            item.action.done_on,
            item.overdue_days,
        ]
        for item in action_items(records.entries, as_of)
    ]


def _costs(records: RecordSet, words: Words) -> list[list[Any]]:
    """One row per expense; `Counted in reviews`: its arrangement is signed or closed (the
    review's costs are the sums of these rows by payer, currency and status, per period)."""
    rows = []
    for entry in sorted(records.entries, key=lambda e: (e.model.dated, e.id)):
        arrangement = entry.model
        if not isinstance(arrangement, Arrangement):
            continue
        for expense in arrangement.expenses:
            rows.append(
                [
                    entry.id,
                    words.word(arrangement.status),
                    words.text(expense.item),
                    expense.payer,
                    expense.date or arrangement.date,
                    words.word(expense.status),
                    expense.currency,
                    Money(expense.amount, expense.currency),
                    arrangement.status in ("signed", "closed"),
                ]
            )
    return rows


def _findings(findings: Sequence[Problem], words: Words) -> list[list[Any]]:
    """The findings as `mou validate` words them (in English, as its messages are)."""
    return [
        [words.word(p.severity), p.code, p.path, p.line, p.column, p.record, p.message]
        for p in findings
    ]


class Money:
    """An amount and its currency: a number cell shown with the currency's decimals."""

    def __init__(self, amount: Decimal, currency: str) -> None:
        self.amount = amount
        self.currency = currency

    @property
    def number_format(self) -> str:
        from mou import codes

        places = codes.minor_unit(self.currency) if self.currency in codes.currencies() else 2
        digits = "#,##0" + ("." + "0" * places if places else "")
        currency = re.sub(r"[^A-Z]", "", self.currency)
        return f'{digits} "{currency}"'


def _table(workbook: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    """A sheet: a bold, frozen header row with an auto-filter, and columns as wide as their
    content (up to WIDEST characters)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append([csv_cell(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(header) for header in headers]
    for row in rows:
        sheet.append([_cell(value) for value in row])
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _width(value))
    _formats(sheet, rows)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width, WIDEST) + 2
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str) and len(cell.value) > WIDEST:
                cell.alignment = wrap
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _formats(sheet: Any, rows: list[list[Any]]) -> None:
    for row_number, row in enumerate(rows, start=2):
        for column_number, value in enumerate(row, start=1):
            if isinstance(value, date):
                sheet.cell(row_number, column_number).number_format = DATE_FORMAT
            elif isinstance(value, Money):
                sheet.cell(row_number, column_number).number_format = value.number_format


def _cell(value: Any) -> Any:
    """A value as openpyxl takes it: text neutralised, dates and numbers as they are."""
    if value is None or isinstance(value, bool | int | date):
        return value
    if isinstance(value, Money):
        return value.amount
    # Control characters are not allowed in the sheet's XML: shown escaped, as in a terminal.
    return csv_cell(terminal_safe(str(value), newlines=True))


def _width(value: Any) -> int:
    if isinstance(value, date):
        return 10
    if isinstance(value, Money):
        return len(f"{value.amount:,}") + len(value.currency) + 1
    return max((len(line) for line in str(value).splitlines()), default=0)


# --- reproducible files ---------------------------------------------------------------------

_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """An Office file (a zip) made reproducible: every member dated 1980-01-01 (zip's
    epoch), and the document's created/modified properties set to `stamp`."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + iso + rb"\g<3>", content)
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, content)
    return buffer.getvalue()
