"""`mou review --format docx`: the same review as the Markdown one, as a Word document."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from conftest import REPO, Run
from mou.checks import run_checks
from mou.load import load
from mou.periods import parse_period
from mou.render import render_review
from mou.review import Review, review
from mou.review_docx import STATUS_FILLS, ReferenceError, review_docx
from mou.words import Words

DEMO = REPO / "examples" / "demo"
AS_OF = date(2025, 12, 31)


def demo_review(root: Path = DEMO, period: str = "2024") -> Review:
    records = load(root)
    return review(records, parse_period(period), AS_OF, run_checks(records, AS_OF))


@pytest.fixture(scope="module")
def the_review() -> Review:
    return demo_review()


def opened(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def fill_of(cell: docx.table._Cell) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shading is None else shading.get(qn("w:fill"))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_clause_table_has_each_clause_with_a_coloured_status(
    language: str, the_review: Review
) -> None:
    document = opened(review_docx(the_review, language))
    words = Words(language, the_review.memorandum)
    _ = words.gettext
    header = [_("Clause"), _("Status"), _("Records"), _("Longest gap"), _("Next due")]
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == header)
    rows = table.rows[1:]
    assert len(rows) == len(the_review.clauses)
    for row, clause in zip(rows, the_review.clauses, strict=True):
        cells = row.cells
        assert cells[0].text == f"{clause.clause.id}. {words.text(clause.clause.summary)}"
        assert cells[1].text == words.word(clause.status)
        assert fill_of(cells[1]) == STATUS_FILLS[clause.status]
        assert cells[2].text == str(clause.count)
        assert cells[3].text == words.days(clause.longest_gap_days)
        assert cells[4].text == words.date(clause.next_due)
    # The demo's 2024: exchanges of information fell behind their three-month cadence.
    behind = [row.cells[0].text for row in rows if fill_of(row.cells[1]) == "B5541A"]
    assert behind[0].startswith("1.2.") and rows[1].cells[2].text == "3"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_section_of_the_markdown_review_in_the_same_order(
    language: str, the_review: Review
) -> None:
    document = opened(review_docx(the_review, language))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    markdown = render_review(the_review, "md", language)
    expected = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == expected
    title = next(p.text for p in document.paragraphs if p.style and p.style.name == "Title")
    assert f"# {title}" == markdown.splitlines()[0]


def test_a4_page_numbers_as_of_date_and_the_illustrative_notice(the_review: Review) -> None:
    document = opened(review_docx(the_review, "en"))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("CIS–IOM Memorandum of Understanding · As of 31 Dec 2025. · ")
    instructions = [node.text.strip() for node in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    notice = document.tables[0].rows[0].cells[0]
    assert notice.text.startswith("Illustrative record. The activities in this review")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "As of 31 Dec 2025." in body
    assert document.core_properties.created == datetime(2025, 12, 31, tzinfo=UTC)
    language = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert language is not None and language.get(qn("w:val")) == "en-GB"


def test_a_real_record_has_no_illustrative_notice() -> None:
    records = load(REPO / "records")
    data = review(records, parse_period("2024"), AS_OF)
    document = opened(review_docx(data, "en"))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert not any("Illustrative" in text for text in texts)


def test_the_same_review_gives_the_same_bytes(the_review: Review) -> None:
    assert review_docx(the_review, "ru") == review_docx(demo_review(), "ru")


def test_a_reference_document_gives_its_styles_and_page(the_review: Review, tmp_path: Path) -> None:
    from docx.shared import RGBColor

    reference = docx.Document()
    reference.add_paragraph("Content of the reference document")
    reference.sections[0].page_width, reference.sections[0].page_height = Mm(216), Mm(279)
    heading = reference.styles["Heading 1"]
    heading.font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    path = tmp_path / "house-style.docx"
    reference.save(str(path))
    document = opened(review_docx(the_review, "en", reference=path))
    width = document.sections[0].page_width
    assert width is not None and round(width.mm) == 216
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0x12, 0x34, 0x56)
    assert not any("reference document" in p.text for p in document.paragraphs)
    (tmp_path / "not.docx").write_text("not a document", encoding="utf-8")
    with pytest.raises(ReferenceError, match="not a Word document"):
        review_docx(the_review, "en", reference=tmp_path / "not.docx")


# --- the command ------------------------------------------------------------------------------


def test_review_command_writes_the_document(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "review.docx"
    result = run(
        "--records", str(DEMO), "review", "--period", "2024", "--as-of", "2025-12-31",
        "--format", "docx", "--lang", "ru", "--output", str(target),
    )  # fmt: skip
    assert result.exit_code == 0
    assert target.read_bytes() == review_docx(demo_review(), "ru")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "--format docx writes a binary file: give --output FILE"),
        (("--output", "-"), "--format docx writes a binary file: give --output FILE"),
        (("--output", "/dev/null"), "--output /dev/null is a character device"),
        (("--output", "r.docx", "--reference-doc", "none.docx"), "none.docx: no such file"),
        (("--output", "r.docx", "--reference-doc", "bad.docx"), "not a Word document"),
        (("--output", "r.docx", "--template", "t.md"), "--format docx cannot use it"),
    ],
)
def test_review_command_refusals(
    arguments: tuple[str, ...],
    message: str,
    tmp_path: Path,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.docx").write_text("no", encoding="utf-8")
    (tmp_path / "t.md").write_text("{{ review.period.label }}", encoding="utf-8")
    result = run(
        "--records", str(DEMO), "review", "--period", "2024", "--format", "docx", *arguments
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "r.docx").exists()


def test_without_python_docx_the_command_says_what_to_install(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)
    result = run(
        "--records", str(DEMO), "review", "--period", "2024", "--format", "docx",
        "--output", str(tmp_path / "r.docx"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "pip install 'mou[docx]'" in result.stderr


# --- what a reader sees -------------------------------------------------------------------------

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    OFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (Debian: libreoffice-writer-nogui) and poppler-utils are not installed",
)
def test_libreoffice_lays_it_out_on_numbered_a4_pages(the_review: Review, tmp_path: Path) -> None:
    assert OFFICE is not None
    for language in ("en", "ru"):
        (tmp_path / f"review-{language}.docx").write_bytes(review_docx(the_review, language))
    profile = tmp_path / "profile"  # a profile of its own: other LibreOffice runs may be open
    subprocess.run(
        [
            OFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
            "--convert-to", "pdf", "--outdir", str(tmp_path),
            str(tmp_path / "review-en.docx"), str(tmp_path / "review-ru.docx"),
        ],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    for language, as_of in (("en", "As of 31 Dec 2025."), ("ru", "По состоянию на 31 дек. 2025")):
        pdf = tmp_path / f"review-{language}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = int(info.stdout.split("Pages:")[1].split()[0])
        assert "pts (A4)" in info.stdout and pages >= 2
        pdf_text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        text = " ".join(pdf_text.split())  # a cell's text may wrap
        assert f"1 / {pages}" in text and f"{pages} / {pages}" in text
        assert as_of in text
        words = Words(language, the_review.memorandum)
        for status in {c.status for c in the_review.clauses}:
            assert words.word(status) in text
