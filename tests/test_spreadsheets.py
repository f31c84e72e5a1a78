"""`mou export xlsx` and `mou import`: the workbook's cells, the round trip, bad sheets."""

from __future__ import annotations

import io
import shutil
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from conftest import REPO, Run
from mou.checks import run_checks
from mou.importer import Outcome, run_import
from mou.kinds import ADDABLE, KINDS
from mou.load import load
from mou.periods import parse_period
from mou.review import review as build_review
from mou.selection import record_data
from mou.workbook import export
from mou.write import LOCK_NAME

DEMO = REPO / "examples" / "demo"
AS_OF = date(2025, 12, 31)
KIND_SHEETS = {kind: KINDS[kind].folder for kind in ADDABLE}  # kind → its sheet


def demo_workbook(language: str = "en", root: Path = DEMO) -> bytes:
    records = load(root)
    return export(records, run_checks(records, AS_OF), AS_OF, language, contact_details=True)


@pytest.fixture(scope="module")
def exported() -> bytes:
    return demo_workbook()


def test_export_is_deterministic_and_dated_by_as_of(exported: bytes) -> None:
    assert demo_workbook() == exported
    book = load_workbook(io.BytesIO(exported))
    assert book.properties.created == datetime(2025, 12, 31)
    assert book.properties.modified == datetime(2025, 12, 31)


def test_a_sheet_per_kind_then_actions_costs_findings(exported: bytes) -> None:
    book = load_workbook(io.BytesIO(exported))
    assert book.sheetnames == [*KIND_SHEETS.values(), "Actions", "Costs", "Findings"]
    russian = load_workbook(io.BytesIO(demo_workbook("ru")))
    assert russian.sheetnames[-3:] == ["Поручения", "Расходы", "Замечания"]
    assert russian["Расходы"]["D1"].value == "Плательщик"
    # The kinds' sheets are the import format: field names in every language.
    assert [c.value for c in russian["exchanges"][1]] == [c.value for c in book["exchanges"][1]]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
        assert all(sheet.column_dimensions[c].width >= 4 for c in "ABC")


def test_dates_are_date_cells_and_amounts_numbers_in_their_currency(exported: bytes) -> None:
    book = load_workbook(io.BytesIO(exported))
    sheet = book["exchanges"]
    header = [c.value for c in sheet[1]]
    first = sheet.cell(2, header.index("date") + 1)
    assert first.data_type == "d" and first.value == datetime(2023, 1, 20)
    assert first.number_format == "yyyy-mm-dd"
    costs = book["Costs"]
    amounts = {(row[3].value, row[6].value): row[7] for row in costs.iter_rows(min_row=2)}
    assert amounts[("cis", "RUB")].number_format == '#,##0.00 "RUB"'
    assert isinstance(amounts[("cis", "RUB")].value, int | float)


def test_costs_sheet_adds_up_to_the_reviews_costs(exported: bytes) -> None:
    book = load_workbook(io.BytesIO(exported))
    records = load(DEMO)
    for label in ("2023", "2024", "2025"):
        period = parse_period(label)
        totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for row in book["Costs"].iter_rows(min_row=2, values_only=True):
            _, _, _, payer, day, status, currency, amount, counted = row
            assert isinstance(day, datetime)
            if counted and day.date() in period:
                totals[(str(payer), str(currency), str(status))] += Decimal(str(amount))
        review = build_review(records, period, AS_OF)
        assert {(c.payer, c.currency, c.status): c.amount for c in review.costs} == dict(totals)


def test_actions_and_findings_agree_with_the_record(exported: bytes) -> None:
    book = load_workbook(io.BytesIO(exported))
    records = load(DEMO)
    review = build_review(records, parse_period("2024"), AS_OF, run_checks(records, AS_OF))
    rows = list(book["Actions"].iter_rows(min_row=2, values_only=True))
    overdue = [f"{r[0]}#{r[2]}" for r in rows if r[8] is not None]
    assert sorted(overdue) == sorted(item.id for item in review.actions.overdue)
    codes = [r[1] for r in book["Findings"].iter_rows(min_row=2, values_only=True)]
    assert codes == [p.code for p in review.findings]


# --- round trip -------------------------------------------------------------------------------


def demo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    shutil.copytree(DEMO, root)
    return root


@pytest.mark.parametrize("kind", list(KIND_SHEETS))
def test_export_then_import_gives_back_the_same_records(
    kind: str, exported: bytes, tmp_path: Path
) -> None:
    root = demo_copy(tmp_path)
    before = {e.id: record_data(e) for e in load(root).entries if e.kind == kind}
    shutil.rmtree(root / KIND_SHEETS[kind])
    (tmp_path / "demo.xlsx").write_bytes(exported)
    outcome = run_import(root, tmp_path / "demo.xlsx", kind, today=AS_OF, dry_run=False)
    assert not outcome.has_errors, outcome.findings
    assert outcome.written and outcome.folder == f"{KIND_SHEETS[kind]}/imported-2025-12-31"
    after = {e.id: record_data(e) for e in load(root).entries if e.kind == kind}
    assert after == before


def test_importing_again_skips_every_row(exported: bytes, tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    (tmp_path / "demo.xlsx").write_bytes(exported)
    outcome = run_import(root, tmp_path / "demo.xlsx", "meeting", today=AS_OF, dry_run=False)
    assert not outcome.records and not outcome.written
    assert [s.same_as for s in outcome.skipped][:2] == [
        "2023-03-15-consultations-minsk",
        "2023-05-25-council-of-heads-of-migration-bodies",
    ]
    assert outcome.skipped[0].where == "demo.xlsx:meetings!A2"
    assert not (root / "meetings" / "imported-2025-12-31").exists()


def test_formulas_are_neutralised_and_come_back_as_text(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    exchange = root / "exchanges" / "2023-01-20-cis-bulletin-2022.yaml"
    text = exchange.read_text(encoding="utf-8")
    exchange.write_text(
        text.replace("channel: e-mail", 'channel: "=HYPERLINK(\\"http://x\\")"'), encoding="utf-8"
    )
    book = load_workbook(io.BytesIO(demo_workbook(root=root)))
    sheet = book["exchanges"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("channel") + 1)
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x")'
    before = record_data(
        next(e for e in load(root).entries if e.path == "exchanges/" + exchange.name)
    )
    shutil.rmtree(root / "exchanges")
    target = tmp_path / "x.xlsx"
    book.save(target)
    assert run_import(root, target, "exchange", today=AS_OF, dry_run=False).written
    after = next(e for e in load(root).entries if e.id == "2023-01-20-cis-bulletin-2022")
    assert record_data(after) == before


# --- new rows -----------------------------------------------------------------------------------

HEADER = ["date", "from", "to", "subject_en", "subject_ru", "public_domain", "topics"]


def sheet_file(tmp_path: Path, rows: list[list[Any]], header: list[Any] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "exchanges.xlsx"
    book.save(path)
    return path


def good_row(day: int) -> list[Any]:
    return [date(2024, 5, day), "cis", "iom", f"Bulletin {day}", f"Бюллетень {day}", True, ""]


def imported(root: Path, path: Path, *, dry_run: bool = False) -> Outcome:
    return run_import(root, path, "exchange", today=AS_OF, dry_run=dry_run)


def files_under(root: Path) -> list[str]:
    """The files under `root`, but the writers' lock: filelock may or may not remove its file
    on release (README: `.gitignore` lists it), so whether it stays is not the import's doing."""
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != LOCK_NAME
    )


def test_new_rows_get_ids_as_add_does_and_land_in_one_folder(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = sheet_file(tmp_path, [good_row(1), [], good_row(2), good_row(1)])
    dry = imported(root, path, dry_run=True)
    assert [r.id for r in dry.records] == ["2024-05-01-bulletin-1", "2024-05-02-bulletin-2"]
    assert [(s.row, s.same_as) for s in dry.skipped] == [(5, "row 2")]
    assert not dry.written and not (root / "exchanges" / "imported-2025-12-31").exists()
    outcome = imported(root, path)
    assert outcome.written
    written = root / "exchanges" / "imported-2025-12-31" / "2024-05-01-bulletin-1.yaml"
    assert written.read_text(encoding="utf-8") == dry.records[0].text
    assert "subject:\n  en: Bulletin 1\n  ru: Бюллетень 1\n" in dry.records[0].text
    again = imported(root, path)
    assert not again.records and len(again.skipped) == 3


def test_a_killed_import_leaves_nothing_that_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    root = demo_copy(tmp_path)
    before = files_under(root)
    path = sheet_file(tmp_path, [good_row(day) for day in range(1, 6)])
    renames = []

    def interrupted(source: Any, target: Any) -> None:
        renames.append(target)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        imported(root, path)
    monkeypatch.undo()
    assert renames and files_under(root) == before
    # A staging folder left by a kill (SIGKILL runs no cleanup) is never read as records,
    # and the next import removes it.
    count = len(load(root).files)
    leftover = root / "exchanges" / ".mou-import-killed"
    leftover.mkdir()
    (leftover / "2024-05-01-bulletin-1.yaml").write_text("kind: exchange\n", encoding="utf-8")
    assert len(load(root).files) == count
    assert imported(root, path).written and not leftover.exists()


BAD_SHEETS: dict[str, tuple[list[Any], list[list[Any]], list[str]]] = {
    "wrong column": (
        [*HEADER[:3], "subjet", *HEADER[5:]],
        [[*good_row(1)[:4], *good_row(1)[5:]]],
        [
            "exchanges.xlsx:Sheet1!D1: error IMPORT unknown column `subjet`; the columns of an "
            "exchange sheet are id, date, from, to, subject[_LANG], topics,",
            "exchanges.xlsx:Sheet1!G1: error IMPORT no column for `subject`",
        ],
    ),
    "date as text": (
        HEADER,
        [good_row(1), ["12.05.2024", *good_row(2)[1:]]],
        ["exchanges.xlsx:Sheet1!A3: error IMPORT `date`: '12.05.2024' is not a date"],
    ),
    "not a flag": (
        HEADER,
        [[*good_row(1)[:5], "maybe", ""]],
        ["exchanges.xlsx:Sheet1!F2: error IMPORT `public_domain`: 'maybe': TRUE or FALSE"],
    ),
    "missing value": (
        HEADER,
        [[date(2024, 5, 1), "cis", None, "Bulletin", None, True, ""]],
        ["exchanges.xlsx:Sheet1!C2: error IMPORT `to` is required"],
    ),
    "unknown party": (
        HEADER,
        [good_row(1), [date(2024, 5, 2), "cis", "unhcr", "Note", None, True, ""]],
        ["exchanges.xlsx:Sheet1!C3: error MOU204 unknown party `unhcr`"],
    ),
    "not public": (
        HEADER,
        [[*good_row(1)[:5], False, ""]],
        ["exchanges.xlsx:Sheet1!F2: error MOU301"],
    ),
    "id taken": (
        ["id", *HEADER],
        [["2023-01-20-cis-bulletin-2022", *good_row(1)]],
        ["exchanges.xlsx:Sheet1!A2: error IMPORT id `2023-01-20-cis-bulletin-2022`"],
    ),
    "text and languages": (
        [*HEADER, "subject"],
        [[*good_row(1), "Bulletin"]],
        ["exchanges.xlsx:Sheet1!H2: error IMPORT `subject`: `subject` is given with and without"],
    ),
}


@pytest.mark.parametrize("name", list(BAD_SHEETS))
def test_bad_rows_are_located_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    header, rows, expected = BAD_SHEETS[name]
    root = demo_copy(tmp_path)
    before = files_under(root)
    outcome = imported(root, sheet_file(tmp_path, rows, header))
    shown = [str(finding) for finding in outcome.findings if finding.severity == "error"]
    assert len(shown) == len(expected), shown
    for line, start in zip(shown, expected, strict=True):
        assert line.startswith(start), shown
    assert not outcome.written and files_under(root) == before


def test_merged_cells_and_formulas_are_located(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(good_row(1))
    sheet.append(good_row(2))
    sheet.merge_cells("B2:B3")
    sheet["A3"] = "=A2+1"
    path = tmp_path / "exchanges.xlsx"
    book.save(path)
    outcome = imported(root, path)
    assert [str(f) for f in outcome.findings][:2] == [
        "exchanges.xlsx:Sheet!B2:B3: error IMPORT merged cells: unmerge them, one value per cell",
        "exchanges.xlsx:Sheet!A3: error IMPORT a formula: paste its value instead "
        "(mou imports values only)",
    ]
    assert not outcome.written


def test_ten_thousand_rows_with_one_bad_cell_write_nothing(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    rows = [
        [date(2020 + n // 3000, 1 + n % 12, 1 + n % 28), "cis", "iom", f"Note {n}", None, True, ""]
        for n in range(10_000)
    ]
    rows[9_876][0] = "2024-02-30"
    outcome = imported(root, sheet_file(tmp_path, rows))
    assert [str(f) for f in outcome.findings] == [
        "exchanges.xlsx:Sheet1!A9878: error IMPORT `date`: '2024-02-30' is not a date: "
        "use a date cell, or write 2024-03-12"
    ]
    assert not outcome.written and not (root / "exchanges" / "imported-2025-12-31").exists()


def test_a_csv_sheet_with_lists_and_text_dates(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    path = tmp_path / "exchanges.csv"
    path.write_text(
        "date,from,to,subject,public_domain,topics\r\n"
        "2024-05-01,cis,iom,'=1+2 bulletin,true,irregular-migration; cross-border-cooperation\r\n"
        ",,,,,\r\n",
        encoding="utf-8",
    )
    outcome = imported(root, path)
    assert not outcome.findings and outcome.written
    text = outcome.records[0].text
    assert "subject: =1+2 bulletin\n" in text
    assert "topics: [irregular-migration, cross-border-cooperation]" in text


# --- the commands -------------------------------------------------------------------------------


def test_export_command_writes_the_same_file_twice(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "record.xlsx"
    arguments = ("--records", str(DEMO), "export", "xlsx", str(target), "--as-of", "2025-12-31")
    assert run(*arguments).exit_code == 0
    first = target.read_bytes()
    assert run(*arguments, "--lang", "ru").exit_code == 0
    assert run(*arguments).exit_code == 0
    assert target.read_bytes() == first


@pytest.mark.parametrize("target", ["folder", "fifo", "/dev/null"])
def test_export_refuses_what_is_not_a_file(target: str, tmp_path: Path, run: Run) -> None:
    import os

    path = Path(target) if target.startswith("/") else tmp_path / target
    if target == "folder":
        path.mkdir()
    elif target == "fifo":
        os.mkfifo(path)
    result = run("--records", str(DEMO), "export", "xlsx", str(path))
    assert result.exit_code == 2
    assert ": FILE writes a regular file" in result.stderr
    assert path.exists() and not path.is_file()


def test_import_command_reports_cells_and_writes_nothing(tmp_path: Path, run: Run) -> None:
    root = demo_copy(tmp_path)
    before = files_under(root)
    path = sheet_file(tmp_path, [good_row(1), ["soon", *good_row(2)[1:]]])
    result = run("--records", str(root), "import", str(path), "--kind", "exchange")
    assert result.exit_code == 1
    assert "exchanges.xlsx:Sheet1!A3: error IMPORT `date`: 'soon' is not a date" in result.stderr
    assert "1 error; nothing was written" in result.stderr
    assert files_under(root) == before


def test_import_command_dry_run_then_for_real(tmp_path: Path, run: Run) -> None:
    root = demo_copy(tmp_path)
    path = sheet_file(tmp_path, [good_row(1), good_row(2)])
    dry = run("--records", str(root), "import", str(path), "--kind", "exchange", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.startswith("# row 2 → exchanges/imported-")
    assert dry.stdout.count("kind: exchange\n") == 2
    assert "would write 2 records to" in dry.stderr
    real = run("--records", str(root), "import", str(path), "--kind", "exchange")
    assert real.exit_code == 0 and "wrote 2 records to" in real.stdout
    again = run("--records", str(root), "import", str(path), "--kind", "exchange")
    assert again.exit_code == 0 and "nothing to import" in again.stdout
    assert "exchanges.xlsx:Sheet1!A2: skipped, already in the record as" in again.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("missing.xlsx", "--kind", "exchange"), "missing.xlsx: no such file"),
        (("notes.txt", "--kind", "exchange"), "expected a .xlsx or .csv file"),
        (("fake.xlsx", "--kind", "exchange"), "not an Excel workbook"),
        (("book.xlsx", "--kind", "exchange"), "which sheet? none is called exchanges"),
        (("book.xlsx", "--kind", "exchange", "--sheet", "x"), "--sheet x: the sheets are"),
        (("book.xlsx", "--kind", "memorandum"), "--kind memorandum: the kinds are"),
        (("book.xlsx", "--kind", "exchanges"), "which sheet? none is called exchanges"),
    ],
)
def test_import_usage_errors(
    arguments: tuple[str, ...],
    message: str,
    tmp_path: Path,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = demo_copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("date\n", encoding="utf-8")
    (tmp_path / "fake.xlsx").write_text("date\n", encoding="utf-8")
    book = Workbook()
    book.create_sheet("other")
    book.save(tmp_path / "book.xlsx")
    result = run("--records", str(root), "import", *arguments)
    assert result.exit_code == 2
    assert message in result.stderr
