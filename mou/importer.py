"""Rows of a spreadsheet (.xlsx or .csv) as new records of one kind (`mou import`).

The columns are those `mou export xlsx` writes (mou/sheets.py). Every row is turned into a
record as `add-*` builds one (defaults, ids, canonical YAML), then all of them are checked
together with the existing record; a single error anywhere and nothing is written. Each
diagnostic names its cell, `exchanges.xlsx:Sheet1!D14`.

A row that matches an existing record of the kind (same date, and the same title in some
language) is reported and skipped, so that an import can be run again.

Writing: the new files are written and fsynced in a hidden folder next to their kind's
folder, which one rename then turns into `exchanges/imported-DATE/`: a reader sees every
row of the import or none of them, even if mou is killed half-way (what is left is then a
dot-named folder, which is never read as records, and which the next import removes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mou.add import Option, apply_defaults, new_id, with_article
from mou.kinds import KINDS
from mou.read import input_problem
from mou.sheets import (
    ID_COLUMN,
    CellError,
    Column,
    column_named,
    field_value,
    kind_options,
    text_of,
)

IMPORTED_FOLDER = "imported-{date}"
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):")


class ImportFileError(ValueError):
    """The file cannot be read as a sheet at all (a usage error); the message says why."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A diagnostic of the import, located at a cell: `exchanges.xlsx:Sheet1!D14`."""

    where: str
    severity: str  # error, warning
    code: str  # MOU1xx... for a record's problem, IMPORT for the sheet's own
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity} {self.code} {self.message}"


@dataclass(frozen=True, slots=True)
class NewRecord:
    row: int
    id: str
    path: str  # relative to the records root
    text: str


@dataclass(frozen=True, slots=True)
class Skipped:
    row: int
    where: str
    same_as: str  # the id of the record it matches, or `row N`


@dataclass(slots=True)
class Outcome:
    records: list[NewRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    folder: str | None = None  # where the records went (or would go)
    written: bool = False

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == "error" for finding in self.findings)


# --- reading the sheet -----------------------------------------------------------------------


@dataclass(slots=True)
class Sheet:
    file: str  # the file's name, as diagnostics show it
    name: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (row number, cells)
    findings: list[Finding] = field(default_factory=list)

    def where(self, column: int, row: int) -> str:
        """`FILE:SHEET!D14` for the 0-based column and 1-based row."""
        from openpyxl.utils import get_column_letter

        return f"{self.file}:{self.name}!{get_column_letter(column + 1)}{row}"


def read_sheet(path: Path, kind: str, sheet: str | None = None) -> Sheet:
    """The sheet to import: a .csv file, or a workbook's sheet named `sheet`, else the one
    named after the kind's folder (`exchanges`), else its only sheet."""
    problem = input_problem(path)
    if problem is not None:
        raise ImportFileError(f"{path}: {problem}")
    if path.suffix.lower() == ".csv":
        if sheet is not None:
            raise ImportFileError("--sheet: a CSV file has one sheet")
        return _read_csv(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, kind, sheet)
    raise ImportFileError(f"{path}: expected a .xlsx or .csv file")


def _read_csv(path: Path) -> Sheet:
    import csv

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{path}: not UTF-8 text; save the sheet as CSV UTF-8") from None
    try:
        table = list(csv.reader(text.splitlines()))
    except csv.Error as error:
        raise ImportFileError(f"{path}: not CSV: {error}") from None
    if not table:
        raise ImportFileError(f"{path}: empty")
    rows = [(number, cells) for number, cells in enumerate(table[1:], start=2)]
    return Sheet(path.name, path.stem, table[0], rows)


def _read_workbook(path: Path, kind: str, wanted: str | None) -> Sheet:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(f"{path}: not an Excel workbook ({error})") from None
    names = workbook.sheetnames
    if wanted is not None:
        if wanted not in names:
            raise ImportFileError(f"--sheet {wanted}: the sheets are {', '.join(names)}")
        name = wanted
    elif KINDS[kind].folder in names or kind in names:
        name = KINDS[kind].folder if KINDS[kind].folder in names else kind
    elif len(names) == 1:
        name = names[0]
    else:
        raise ImportFileError(
            f"{path}: which sheet? none is called {KINDS[kind].folder}; "
            f"choose one with --sheet ({', '.join(names)})"
        )
    worksheet = workbook[name]
    table = [list(row) for row in worksheet.iter_rows()]
    sheet = Sheet(
        path.name,
        name,
        [cell.value for cell in table[0]] if table else [],
        [(number, [c.value for c in row]) for number, row in enumerate(table[1:], start=2)],
    )
    for merged in sorted(worksheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        where = f"{sheet.file}:{name}!{merged.coord}"
        sheet.findings.append(
            Finding(where, "error", "IMPORT", "merged cells: unmerge them, one value per cell")
        )
    for row in table:
        for cell in row:
            if cell.data_type == "f":
                sheet.findings.append(
                    Finding(
                        f"{sheet.file}:{name}!{cell.coordinate}",
                        "error",
                        "IMPORT",
                        "a formula: paste its value instead (mou imports values only)",
                    )
                )
    return sheet


# --- rows → records ---------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(sheet: Sheet, kind: str) -> tuple[dict[int, Column], list[Finding]]:
    """The sheet's columns by position, and what is wrong with the header."""
    found: dict[int, Column] = {}
    findings = []
    seen: dict[str, int] = {}
    width = max([len(sheet.header), *(len(cells) for _, cells in sheet.rows)], default=0)
    header = [*sheet.header, *([None] * (width - len(sheet.header)))]
    for index, value in enumerate(header):
        if _blank(value):
            if any(index < len(cells) and not _blank(cells[index]) for _, cells in sheet.rows):
                findings.append(_sheet_error(sheet, index, 1, "values under an empty header"))
            continue
        name = text_of(value).strip()
        column = column_named(kind, name)
        if column is None:
            known = ", ".join(_column_names(kind))
            message = (
                f"unknown column `{name}`; the columns of {with_article(kind)} sheet are {known}"
            )
            findings.append(_sheet_error(sheet, index, 1, message))
        elif name in seen:
            findings.append(_sheet_error(sheet, index, 1, f"column `{name}` given twice"))
        else:
            seen[name] = index
            found[index] = column
    return found, findings


def _column_names(kind: str) -> list[str]:
    names = [ID_COLUMN]
    for option in kind_options(kind):
        localized = option.shape == "localized"
        names.append(f"{option.field}[_LANG]" if localized else option.field)
    return names


def _sheet_error(sheet: Sheet, column: int, row: int, message: str) -> Finding:
    return Finding(sheet.where(column, row), "error", "IMPORT", message)


@dataclass(slots=True)
class Row:
    number: int
    data: dict[str, Any]
    cells: dict[str, int]  # field (or `id`) → column index of its first cell
    id: str | None = None
    failed: set[str] = field(default_factory=set)  # fields whose cell has a problem


def _row(
    sheet: Sheet, kind: str, number: int, cells: list[Any], header: dict[int, Column]
) -> tuple[Row | None, list[Finding]]:
    """One row as a record's data (None for an empty row), and its cells' problems."""
    if all(_blank(value) for value in cells):
        return None, []
    row = Row(number, {"kind": kind}, {})
    findings = []
    for index, value in enumerate(cells):
        column = header.get(index)
        if column is None or _blank(value):
            continue
        key = ID_COLUMN if column.option is None else column.option.field
        row.cells.setdefault(key, index)
        try:
            _put(row, column, value)
        except CellError as error:
            row.failed.add(key)
            findings.append(_sheet_error(sheet, index, number, f"`{column.name}`: {error}"))
    return row, findings


def _put(row: Row, column: Column, value: Any) -> None:
    if column.option is None:
        row.id = text_of(value).strip()
        return
    option = column.option
    if option.shape != "localized":
        row.data[option.field] = field_value(option, value)
        return
    text = text_of(value).strip()
    present = row.data.get(option.field)
    if column.language is None:
        if present is not None:
            raise CellError(f"`{option.field}` is given with and without a language")
        row.data[option.field] = text
    elif isinstance(present, str):
        raise CellError(f"`{option.field}` is given with and without a language")
    else:
        row.data.setdefault(option.field, {})[column.language] = text


def _title_key(kind: str, data: dict[str, Any]) -> tuple[Any, frozenset[str]]:
    """What makes a row the same as a record: its date and its title's texts."""
    day = data.get(KINDS[kind].date_key)
    title = data.get(KINDS[kind].title_field)
    texts = title.values() if isinstance(title, dict) else [title] if title else []
    return day, frozenset(" ".join(str(text).split()).casefold() for text in texts)


Known = dict[Any, list[tuple[str, frozenset[str]]]]  # date → (id or `row N`, title texts)


def _existing_keys(records: Any, kind: str) -> Known:
    from mou.selection import record_data

    known: Known = {}
    for entry in records.entries:
        if entry.kind == kind:
            day, texts = _title_key(kind, record_data(entry, dates=True))
            known.setdefault(day, []).append((entry.id, texts))
    return known


def _match(key: tuple[Any, frozenset[str]], known: Known) -> str | None:
    """The record (or earlier row) of the same date that shares a title text with `key`."""
    day, texts = key
    if not isinstance(day, date):
        return None
    return next((name for name, other in known.get(day, ()) if texts & other), None)


def plan_rows(
    sheet: Sheet, kind: str, records: Any, today: date
) -> tuple[list[Row], list[Skipped], list[Finding]]:
    """The rows to write (with their data, defaults applied), the rows skipped as already in
    the record, and every problem of the header and the cells."""
    header, findings = _header(sheet, kind)
    findings = [*sheet.findings, *findings]
    known = _existing_keys(records, kind)
    rows: list[Row] = []
    skipped: list[Skipped] = []
    absent_columns = _required_without_column(kind, header)
    for number, cells in sheet.rows:
        row, problems = _row(sheet, kind, number, cells, header)
        findings += problems
        if row is None:
            continue
        apply_defaults(kind, row.data, today)
        key = _title_key(kind, row.data)
        same_as = _match(key, known)
        if same_as is not None:
            skipped.append(Skipped(number, sheet.where(0, number), same_as))
            continue
        known.setdefault(key[0], []).append((f"row {number}", key[1]))
        for option in _missing(kind, row.data):
            if option.field not in absent_columns and option.field not in row.failed:
                message = f"`{option.field}` is required"
                findings.append(
                    _sheet_error(sheet, _column_of(header, option.field), number, message)
                )
        rows.append(row)
    for name in absent_columns:
        message = f"no column for `{name}`, which every {kind} needs"
        findings.append(_sheet_error(sheet, len(sheet.header), 1, message))
    return rows, skipped, findings


def _required_without_column(kind: str, header: dict[int, Column]) -> list[str]:
    present = {column.option.field for column in header.values() if column.option is not None}
    derived = {"status"} if kind in ("meeting", "seminar", "request") else set()
    return [
        option.field
        for option in _missing(kind, {"kind": kind})
        if option.field not in present and option.field not in derived
    ]


def _missing(kind: str, data: dict[str, Any]) -> list[Option]:
    """As `add.missing`, with the kind's options computed once (a sheet has many rows)."""
    derived = {"status"} if kind in ("meeting", "seminar") and "date" not in data else set()
    wanted = [o for o in kind_options(kind) if o.required and o.field not in data]
    return [o for o in wanted if o.field not in derived]


def _column_of(header: dict[int, Column], field_name: str) -> int:
    found = [i for i, c in header.items() if c.option is not None and c.option.field == field_name]
    return found[0] if found else 0


# --- checking and writing -----------------------------------------------------------------------


def run_import(
    root: Path, path: Path, kind: str, *, today: date, sheet: str | None = None, dry_run: bool
) -> Outcome:
    """Import the rows of `path` as records of `kind`: all of them or, on any error, none.
    Under the records root's lock, like `add-*`."""
    from mou.checks import run_checks
    from mou.load import load
    from mou.read import find_files
    from mou.read import record_id as id_of
    from mou.staging import write_folder
    from mou.write import lock, render_record, schema_reference

    table = read_sheet(path, kind, sheet)
    with lock(root):
        records = load(root)
        rows, skipped, findings = plan_rows(table, kind, records, today)
        outcome = Outcome(skipped=skipped, findings=findings)
        folder = _free_folder(root, kind, today)
        outcome.folder = folder
        taken = {id_of(p) for p in find_files(root)}
        outcome.findings += _choose_ids(table, kind, rows, taken)
        if outcome.has_errors:  # the sheet's own problems first, the records' once it has none
            return outcome
        by_path: dict[str, Row] = {}
        schema = schema_reference(root, f"{folder}/record.yaml")
        for row in rows:
            if row.id is None:
                continue
            record_path = f"{folder}/{row.id}.yaml"
            text = render_record(row.data, schema)
            outcome.records.append(NewRecord(row.number, row.id, record_path, text))
            by_path[record_path] = row
        if not outcome.records:
            return outcome
        extra = {record.path: record.text.encode("utf-8") for record in outcome.records}
        problems = run_checks(load(root, extra=extra), today)
        outcome.findings += _locate(table, problems, by_path, extra)
        if dry_run or outcome.has_errors:
            return outcome
        write_folder(root / folder, {f"{r.id}.yaml": r.text for r in outcome.records})
        outcome.written = True
    return outcome


def _free_folder(root: Path, kind: str, today: date) -> str:
    base = f"{KINDS[kind].folder}/{IMPORTED_FOLDER.format(date=today.isoformat())}"
    candidate, number = base, 1
    while (root / candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _choose_ids(sheet: Sheet, kind: str, rows: list[Row], taken: set[str]) -> list[Finding]:
    """Each row's id: its `id` cell, else one made as `add-*` makes them."""
    findings = []
    for row in rows:
        if row.id is not None:
            if row.id in taken:
                where = row.cells.get(ID_COLUMN, 0)
                message = f"id `{row.id}`: a record (or an earlier row) has this id"
                findings.append(_sheet_error(sheet, where, row.number, message))
                row.id = None
                continue
        else:
            row.id = new_id(kind, row.data, taken)
        taken.add(row.id)
    return findings


def _locate(
    sheet: Sheet, problems: list[Any], rows: dict[str, Row], texts: dict[str, bytes]
) -> Iterator[Finding]:
    """The new records' problems, at the cell of the field they are about."""
    lines: dict[str, list[tuple[int, str]]] = {}
    for problem in problems:
        row = rows.get(problem.path)
        if row is None:
            continue
        if problem.path not in lines:
            lines[problem.path] = _keys_by_line(texts[problem.path].decode("utf-8"))
        key = next((k for line, k in reversed(lines[problem.path]) if line <= problem.line), None)
        if problem.code == "MOU201":
            key = ID_COLUMN
        column = row.cells.get(key or "", 0)
        yield Finding(
            sheet.where(column, row.number), str(problem.severity), problem.code, problem.message
        )


def _keys_by_line(text: str) -> list[tuple[int, str]]:
    """(line, key) of each top-level key of a record's text."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _KEY.match(line)
        if match:
            found.append((number, match[1]))
    return found
