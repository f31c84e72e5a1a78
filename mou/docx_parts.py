"""Building blocks of a Word document with python-docx: headings, paragraphs, tables with
a repeated header row and filled cells, fields (page numbers), the text's language. Each
works with a user's reference document too, which may lack some styles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document

SHORT_TABLE = 6  # rows
TABLE_TEXT = 114300  # EMU: 9 pt, a size smaller than the text around the tables


def set_language(document: Document, tag: str) -> None:
    """The text's language (for spelling and hyphenation) on the default paragraph style."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    properties = document.styles["Normal"].element.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)


def has_style(document: Document, name: str) -> str | None:
    """A style the document has (a reference document may lack some), else None."""
    try:
        document.styles[name]
    except KeyError:
        return None
    return name


def add_heading(document: Document, text: str, level: int = 1) -> None:
    if has_style(document, "Title" if level == 0 else f"Heading {level}"):
        document.add_heading(text, level)
    else:
        document.add_paragraph().add_run(text).bold = True


def add_text(document: Document, *parts: str | tuple[str, bool]) -> Any:
    """A paragraph of runs: text, or (text, bold)."""
    paragraph = document.add_paragraph()
    for part in parts:
        text, bold = part if isinstance(part, tuple) else (part, False)
        paragraph.add_run(text).bold = bold
    return paragraph


def fill(cell: Any, colour: str, *, white: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    from docx.shared import RGBColor

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)
    if white:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                run.bold = True


def add_table(
    document: Document,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    widths: Sequence[float] = (),
) -> Any:
    """A table with a bold header row repeated on every page; columns in `numeric` are
    right-aligned; `widths` are relative column widths."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    table = document.add_table(rows=1, cols=len(headers))
    style = has_style(document, "Table Grid")
    if style:
        table.style = style
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        run = cell.paragraphs[0].add_run(header)
        run.bold, run.font.size = True, TABLE_TEXT
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        table_row = table.add_row()
        table_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays whole
        for cell, value in zip(table_row.cells, row, strict=True):
            cell.paragraphs[0].add_run(value).font.size = TABLE_TEXT
    if len(rows) <= SHORT_TABLE:  # kept on one page; longer ones break where they must
        for table_row in table.rows[:-1]:
            for cell in table_row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    for index in numeric:
        for table_row in table.rows:
            table_row.cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        set_widths(document, table, widths)
    document.add_paragraph()
    return table


def set_widths(document: Document, table: Any, widths: Sequence[float]) -> None:
    section = document.sections[-1]
    usable = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    total = sum(widths)
    table.autofit = False
    for index, share in enumerate(widths):
        width = int(usable * share / total)
        table.columns[index].width = width
        for cell in table.columns[index].cells:
            cell.width = width


def add_field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the word processor fills in."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    def add(tag: str, attribute: str = "", value: str = "") -> Any:
        element = OxmlElement(tag)
        if attribute:
            element.set(qn(attribute), value)
        paragraph.add_run()._r.append(element)
        return element

    add("w:fldChar", "w:fldCharType", "begin")
    add("w:instrText", "xml:space", "preserve").text = f" {instruction} "
    add("w:fldChar", "w:fldCharType", "separate")
    add("w:t").text = "1"
    add("w:fldChar", "w:fldCharType", "end")
