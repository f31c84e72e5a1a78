"""The review as a Word document (`mou review --format docx`), built with python-docx.

The same review as the Markdown and HTML ones, section by section, from the same data
(queries.review) in the same words (render.Words: the gettext catalog, Babel's dates and
money): headings, the clause table with each status as a coloured cell, the as-of date,
the illustrative notice where the record is illustrative, page numbers, A4. With a
reference document (pandoc's `--reference-doc`), its styles and page set-up are used.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mou.docx_parts import (
    add_field,
    add_heading,
    add_table,
    add_text,
    fill,
    has_style,
    set_language,
)
from mou.problems import N_
from mou.review import Review
from mou.review_view import ReviewView, review_view
from mou.words import Words
from mou.workbook import fixed_zip

if TYPE_CHECKING:
    from docx.document import Document

# The HTML review's colours (templates/review.html.j2), as cell fills with white text.
STATUS_FILLS = {"on-track": "2E7D4F", "behind": "B5541A", "no-activity": "8A2431", "n/a": "7A8591"}
NOTICE_FILL = "FBF1EA"
LANGUAGE_TAGS = {"en": "en-GB", "ru": "ru-RU"}


class ReferenceError(ValueError):
    """The reference document cannot be used; the message says why."""


def review_docx(
    review: Review, language: str, *, reference: Path | None = None, contact_details: bool = False
) -> bytes:
    """The review as the bytes of a .docx file; the same review and language give the same
    bytes (the document is dated by the as-of date)."""
    words = Words(language, review.memorandum)
    view = review_view(review, words, contact_details=contact_details)
    document = _document(reference, language)
    _opening(document, view, words)
    _memorandum(document, view, words)
    _clauses(document, view, words)
    _meetings(document, view, words)
    _seminars(document, view, words)
    _exchanges_and_requests(document, view, words)
    _programmes_and_costs(document, view, words)
    _actions(document, view, words)
    _contacts(document, view, words, contact_details=contact_details)
    _findings(document, view, words)
    _footer(document, view, words)
    stamp = datetime(review.as_of.year, review.as_of.month, review.as_of.day)
    properties = document.core_properties
    properties.title = f"{words.gettext('Joint review of implementation')}: {review.period.label}"
    properties.author = properties.last_modified_by = "mou"
    properties.language = LANGUAGE_TAGS[language]
    properties.created = properties.modified = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def _document(reference: Path | None, language: str) -> Document:
    """A new document: A4 with python-docx's styles, or the reference document emptied."""
    import docx
    from docx.shared import Mm

    if reference is None:
        document = docx.Document()
        for section in document.sections:
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.left_margin = section.right_margin = Mm(20)
            section.top_margin = section.bottom_margin = Mm(18)
    else:
        document = _reference(reference)
    set_language(document, LANGUAGE_TAGS[language])
    return document


def _reference(path: Path) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise ReferenceError(f"{path}: not a Word document (.docx): {error}") from None
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):  # keep the page set-up, drop the content
            body.remove(child)
    return document


def _records(
    document: Document,
    words: Words,
    rows: Sequence[Any],
    columns: Sequence[tuple[str, str, str]],
    *,
    widths: Sequence[float],
) -> None:
    """A table of records (views), a row each; a column is (header, attribute, how to show
    it: text, date, word, party or number); numbers are right-aligned."""
    shown: dict[str, Callable[[Any], str]] = {
        "text": str,
        "date": words.date,
        "word": lambda value: words.word(value or ""),
        "party": lambda value: words.party(value or ""),
        "number": words.number,
    }
    cells = [[shown[how](getattr(row, name)) for _, name, how in columns] for row in rows]
    headers = [words.gettext(header) for header, _, _ in columns]
    numeric = [index for index, (_, _, how) in enumerate(columns) if how == "number"]
    add_table(document, headers, cells, numeric=numeric, widths=widths)


# --- the sections, in the order of the Markdown and HTML reviews --------------------------------


def _opening(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    m = review.memorandum
    add_heading(
        document, f"{_('Joint review of implementation')}: {words.period(review.period)}", 0
    )
    add_text(document, (m.short_title or m.title, True))
    if "illustrative" in m.tags:
        notice = document.add_table(rows=1, cols=1)
        cell = notice.rows[0].cells[0]
        cell.paragraphs[0].add_run(_("Illustrative record.")).bold = True
        text = _(
            "The activities in this review are invented to show the tool; they did not happen."
        )
        cell.paragraphs[0].add_run(" " + text)
        fill(cell, NOTICE_FILL)
        document.add_paragraph()
    as_of = _("As of %(date)s.") % {"date": words.date(review.as_of)}
    if review.cut_off < review.period.end:
        note = _("The period is not over: counts and cadence run to %(date)s.")
        as_of += " " + note % {"date": words.date(review.cut_off)}
    add_text(document, as_of)
    statuses = [c.status for c in review.clauses]
    cards = [
        (statuses.count("on-track"), _("clauses on track")),
        (statuses.count("behind"), _("clauses behind their cadence")),
        (statuses.count("no-activity"), _("clauses with no activity")),
        (len(review.findings), _("data-quality findings")),
    ]
    summary = document.add_table(rows=1, cols=len(cards))
    for cell, (count, label) in zip(summary.rows[0].cells, cards, strict=True):
        cell.paragraphs[0].add_run(str(count)).bold = True
        cell.add_paragraph(label)
    document.add_paragraph()


def _memorandum(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    m = review.memorandum
    add_heading(document, _("The memorandum"))
    add_text(document, m.title)
    place = {"place": m.signed.place, "date": words.date(m.signed.date, "long")}
    add_text(document, _("Signed in %(place)s on %(date)s.") % place)
    rows = []
    for party in m.parties:
        signatory = party.signatory
        names = [signatory.name, signatory.title] if signatory else []
        rows.append([party.name, ", ".join(n for n in names if n)])
    add_table(document, [_("Party"), _("Signatory")], rows, widths=(3, 2))


def _clauses(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    add_heading(document, _("Clauses"))
    headers = [_("Clause"), _("Status"), _("Records"), _("Longest gap"), _("Next due")]
    rows = [
        [
            f"{c.clause.id}. {c.clause.summary}",
            words.word(c.status),
            str(c.count),
            words.days(c.longest_gap_days),
            words.date(c.next_due),
        ]
        for c in review.clauses
    ]
    table = add_table(document, headers, rows, numeric=(2, 3), widths=(5.3, 2.6, 1.8, 2.7, 2.4))
    for table_row, clause in zip(table.rows[1:], review.clauses, strict=True):
        fill(table_row.cells[1], STATUS_FILLS[clause.status], white=True)


def _meetings(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    add_heading(document, _("Consultations and other meetings"))
    if review.meetings:
        columns = [
            (N_("Date"), "date", "date"),
            (N_("Meeting"), "title", "text"),
            (N_("Type"), "type", "word"),
            (N_("Status"), "status", "word"),
            (N_("Organizer"), "organizer", "party"),
        ]
        _records(document, words, review.meetings, columns, widths=(2.3, 4.4, 3.4, 1.9, 2.4))
    else:
        add_text(document, _("No meetings in the period."))
    add_heading(document, _("Reciprocal representation"))
    if review.representation:
        rows = [[words.party(h), words.party(o), str(n)] for h, o, n in review.representation]
        add_table(document, [_("Host"), _("Observer"), _("Meetings")], rows, numeric=(2,))
    else:
        add_text(document, _("No representation meetings were held in the period."))


def _seminars(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    s = review.seminars
    add_heading(document, _("Seminars and conferences"))
    counts = {"held": s.held, "planned": s.planned, "cancelled": s.cancelled}
    lines = [_("Held: %(held)s. Planned: %(planned)s. Cancelled: %(cancelled)s.") % counts]
    if s.postponed:
        message = words.ngettext(
            "%(num)s postponed, not counted.", "%(num)s postponed, not counted.", s.postponed
        )
        lines.append(message % {"num": s.postponed})
    participants = words.ngettext(
        "%(num)s participant in the seminars held.",
        "%(num)s participants in the seminars held.",
        s.participants,
    )
    lines.append(participants % {"num": words.number(s.participants)})
    add_text(document, " ".join(lines))
    if s.records:
        columns = [
            (N_("Date"), "date", "date"),
            (N_("Seminar"), "title", "text"),
            (N_("Form"), "form", "word"),
            (N_("Status"), "status", "word"),
            (N_("Participants"), "participants", "number"),
        ]
        _records(document, words, s.records, columns, widths=(2.4, 5.2, 2.2, 2, 2.2))
    topics = [[words.topic(t), str(n)] for t, n in s.topics]
    other = _("not a topic of the memorandum")
    topics += [[f"{words.topic(t)} ({other})", str(n)] for t, n in s.other_topics]
    headers = [_("Topic of the memorandum"), _("Seminars held")]
    add_table(document, headers, topics, numeric=(1,), widths=(5, 1.5))
    if s.states:
        add_text(document, f"{_('States taking part:')} {', '.join(words.states(s.states))}.")


def _exchanges_and_requests(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    add_heading(document, _("Exchanges of information"))
    if review.exchanges:
        rows = [[words.party(f), words.party(t), str(n)] for f, t, n in review.exchanges]
        add_table(document, [_("From"), _("To"), _("Exchanges")], rows, numeric=(2,))
    else:
        add_text(document, _("No information was exchanged in the period."))
    add_heading(document, _("Requests for technical cooperation"))
    r = review.requests
    text = _("Opened: %(opened)s. Resolved: %(resolved)s.") % {
        "opened": r.opened,
        "resolved": r.resolved,
    }
    if r.median_response_days is not None:
        median = _("Median time to a response: %(days)s.")
        text += " " + median % {"days": words.days(int(r.median_response_days))}
    add_text(document, text)
    if r.records:
        columns = [
            (N_("Date"), "date", "date"),
            (N_("Request"), "title", "text"),
            (N_("Requested by"), "requested_by", "party"),
            (N_("Addressed to"), "addressed_to", "party"),
            (N_("Status"), "status", "word"),
        ]
        _records(document, words, r.records, columns, widths=(2.4, 5, 2.4, 2.4, 2))


def _programmes_and_costs(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    add_heading(document, _("Joint programmes"))
    if review.programmes:
        columns = [
            (N_("Programme"), "title", "text"),
            (N_("Start"), "start", "date"),
            (N_("End"), "end", "date"),
            (N_("Status"), "status", "word"),
        ]
        _records(document, words, review.programmes, columns, widths=(6, 2.4, 2.4, 2))
    else:
        add_text(document, _("No joint programme ran in the period."))
    add_heading(document, _("Costs under special arrangements"))
    if review.costs:
        rows = [
            [words.party(c.payer), words.word(c.status), words.money(c.amount, c.currency)]
            for c in review.costs
        ]
        add_table(document, [_("Payer"), _("Status"), _("Amount")], rows, numeric=(2,))
    else:
        add_text(document, _("No expenses under signed arrangements in the period."))


def _actions(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    a = review.actions
    add_heading(document, _("Action items"))
    counts = {"opened": a.opened, "closed": a.closed}
    add_text(
        document, _("Opened at meetings in the period: %(opened)s. Closed: %(closed)s.") % counts
    )
    if a.overdue:
        headers = [_("Overdue action"), _("Owner"), _("Due"), _("Overdue by")]
        rows = [
            [
                f"{o.text} ({o.id})",
                words.party(o.owner),
                words.date(o.due),
                words.days(o.overdue_days),
            ]
            for o in a.overdue
        ]
        add_table(document, headers, rows, numeric=(3,), widths=(6.4, 2.4, 2.4, 2.2))
    else:
        add_text(document, _("No action item is overdue."))


def _contacts(
    document: Document, review: ReviewView, words: Words, *, contact_details: bool
) -> None:
    _ = words.gettext
    add_heading(document, _("Designated contacts"))
    rows = [[words.party(party), words.days(days)] for party, days in review.contacts]
    add_table(document, [_("Party"), _("Days without a contact person")], rows, numeric=(1,))
    if not review.contact_persons:
        return
    headers = [_("Contact person"), _("Party"), _("Position"), _("Start"), _("End")]
    if contact_details:
        headers += [_("E-mail"), _("Phone")]
    rows = []
    for person in review.contact_persons:
        row = [
            person.name,
            words.party(person.party),
            person.position,
            words.date(person.start),
            words.date(person.end),
        ]
        rows.append(row + ([person.email or "", person.phone or ""] if contact_details else []))
    add_table(document, headers, rows)


def _findings(document: Document, review: ReviewView, words: Words) -> None:
    _ = words.gettext
    add_heading(document, _("Data quality"))
    bullet = has_style(document, "List Bullet")
    for p in review.findings:
        text = f"{words.word(p.severity)} {p.code}, {p.path}:{p.line}: {words.finding(p)}"
        document.add_paragraph(text, style=bullet)
    if not review.findings:
        add_text(document, _("No findings: the record validates cleanly."))
    if review.bilateral:
        add_heading(document, _("Outside the memorandum"))
        introduction = add_text(
            document,
            _(
                "Bilateral cooperation (clause 5) is kept in the record "
                "but left out of every count above:"
            ),
        )
        introduction.paragraph_format.keep_with_next = True  # not alone at a page's foot
        for record in review.bilateral:
            document.add_paragraph(record.title, style=bullet)


def _footer(document: Document, review: ReviewView, words: Words) -> None:
    """Every page: the memorandum's short title, the as-of date, and `page / pages`."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    m = review.memorandum
    as_of = words.gettext("As of %(date)s.") % {"date": words.date(review.as_of)}
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.text = ""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(f"{m.short_title or m.title} · {as_of} · ")
        add_field(paragraph, "PAGE")
        paragraph.add_run(" / ")
        add_field(paragraph, "NUMPAGES")
