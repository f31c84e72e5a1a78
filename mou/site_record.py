"""The record pages of `mou site`, the lists of records, and the long parts of the yearly
reviews (the timeline's marks, the tables' rows), written without Jinja.

A large record has tens of thousands of record pages and long lists: rendered through Jinja's
runtime they took most of a site's time. Here they are plain string joins, every text that
comes from the record passed through `esc` (the same escaping as Jinja's autoescape, so the
pages are byte for byte what the templates made); markup comes only from literals here and
from `site_views.value_html`, which escapes in turn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Protocol

from markupsafe import Markup

from mou.kinds import KINDS
from mou.load import Entry
from mou.models import Clause, Contact
from mou.site import SiteData
from mou.site_timeline import ClauseTimeline
from mou.site_views import FieldLayout, esc
from mou.timeline import Row
from mou.words import Words, translations


class Pages(Protocol):
    """What these pages need of `site_pages.Pages` (one language's pages)."""

    data: SiteData
    words: Words
    layout: FieldLayout
    changes: dict[str, str]
    row_cells: dict[str, dict[str, str]]
    links: dict[tuple[str, str], str]
    clause_items: dict[tuple[str, str, str], str]
    field_heads: dict[str, tuple[str, str]]
    key_start: hashlib._Hash | None

    def title(self, entry: Entry) -> str: ...

    def day(self, text: str | None) -> str: ...


@cache
def _said(language: str) -> dict[str, str]:
    """The pages' fixed words in `language`, translated and escaped once (plain gettext
    calls, outside f-strings, so that `make messages` finds them)."""
    _ = translations(language).gettext
    words = {
        "clause": _("Clause"),
        "counts_for": _("Counts for"),
        "source": _("Source"),
        "edit": _("Edit the file:"),
        "record_id": _("record id"),
        "no_such": _("no such record"),
        "refers_to": _("Refers to"),
        "referred_to_by": _("Referred to by"),
        "references": _("References"),
        "history": _("History"),
        "date": _("Date"),
        "record": _("Record"),
        "kind": _("Kind"),
    }
    return {key: esc(text) for key, text in words.items()}


# A list's fourth column: its heading and what it says for each record.
Extra = tuple[str, Callable[[Entry], str]]


def record_main(pages: Pages, entry: Entry, up: str) -> str:
    """The content of a record's page: its fields, the clauses it counts for, references both
    ways, its history from git, and its file."""
    words, data = pages.words, pages.data
    said = _said(words.language)
    layout = pages.layout
    out = [
        f'<p class="crumbs">{esc(words.word(entry.kind))} · {esc(words.date(entry.model.dated))}'
        f'</p>\n<h1>{esc(pages.title(entry))}</h1>\n<dl class="fields">\n'
    ]
    skip = ("kind", KINDS[entry.kind].title_field)
    heads = pages.field_heads
    for key, _, (html, shape, _) in layout.fields(entry, data.refs[entry.id], up, skip):
        head = heads.get(key)
        if head is None:  # a field's term, and the frame of its table (made once per field)
            label = layout.escaped(key)
            anchor = ' id="actions"' if key == "actions" else ""
            head = heads[key] = (
                f"<dt{anchor}>{label}</dt>\n<dd>",
                f'<div class="scroll" tabindex="0" role="region" aria-label="{label}">',
            )
        if shape == "table":
            out += (head[0], head[1], html, "</div></dd>\n")
        else:
            out += (head[0], html, "</dd>\n")
    out.append("</dl>\n")
    clauses = data.clauses_of.get(entry.id, ())
    if clauses:
        items = "".join(_clause_item(pages, c.clause, up) for c in clauses)
        out.append(f"<h2>{said['counts_for']}</h2>\n<ul>{items}</ul>\n")
    out.append(_references(pages, entry, up))
    out.append(_history(pages, entry))
    out.append(
        f"<h2>{said['source']}</h2>\n<p>{said['edit']} "
        f"<code>{esc(data.source_prefix)}{esc(entry.path)}</code> "
        f'<span class="note">({said["record_id"]} <code>{esc(entry.id)}</code>)</span></p>\n'
    )
    return "".join(out)


def _clause_item(pages: Pages, clause: Clause, up: str) -> str:
    """A clause a record counts for, as an item of its page (the same on every page: made once
    per clause text and folder depth)."""
    summary = pages.words.text(clause.summary)  # (an amended clause: its id, another text)
    found = pages.clause_items.get((clause.id, summary, up))
    if found is None:
        said = _said(pages.words.language)
        found = pages.clause_items[(clause.id, summary, up)] = (
            f'<li><a href="{up}clauses/{esc(clause.id)}.html">{said["clause"]} '
            f"{esc(clause.id)}</a>: {esc(summary)}</li>"
        )
    return found


def record_key(pages: Pages, entry: Entry) -> str | None:
    """The key of everything a record's page shows (None: no key, the page is always made):
    the site's key, the language, the record's file by its blob id, the titles of the records
    it names and of those naming it, the clauses it counts for, and its history."""
    data = pages.data
    blob = data.blobs.get(entry.path)
    if blob is None or data.site_key is None:
        return None
    title, by_id = pages.title, data.by_id
    outgoing = [
        (value, None if (target := by_id.get(value)) is None else title(target))
        for _, value in data.outgoing[entry.id]
    ]
    incoming = [(s.id, name, title(s)) for s, name in data.incoming.get(entry.id, ())]
    clauses = [c.clause.id for c in data.clauses_of.get(entry.id, ())]
    history = data.history.get(entry.path, ())
    digest = _key_start(pages, data.site_key).copy()
    digest.update(repr((entry.id, entry.path, blob, outgoing, incoming, clauses, history)).encode())
    return digest.hexdigest()


def _key_start(pages: Pages, site_key: str) -> hashlib._Hash:
    """What every record page's key of the language starts from (`cache.key_of`'s version and
    format, the site's key, the language), hashed once: a page adds its own parts to a copy."""
    if pages.key_start is None:
        from mou.cache import key_of

        start = key_of("record page", site_key, pages.words.language)
        pages.key_start = hashlib.sha256(start.encode())
    return pages.key_start


def _references(pages: Pages, entry: Entry, up: str) -> str:
    data, label = pages.data, pages.layout.escaped
    _, said = pages.words.gettext, _said(pages.words.language)
    lines = []
    for name, value in data.outgoing[entry.id]:
        target = data.by_id.get(value)
        shown = (
            _link(pages, target, up)
            if target is not None
            else f'{esc(value)} <span class="note">({said["no_such"]})</span>'
        )
        lines.append(f"<li>{said['refers_to']} ({label(name)}): {shown}</li>\n")
    for source, name in data.incoming.get(entry.id, ()):
        lines.append(
            f"<li>{said['referred_to_by']} ({label(name)}): {_link(pages, source, up)}</li>\n"
        )
    head = f"<h2>{said['references']}</h2>\n"
    if not lines:
        none = _("No record refers to this one, and it refers to none.")
        return f'{head}<p class="note">{esc(none)}</p>'
    return head + '<ul class="references">\n' + "".join(lines) + "</ul>\n"


def _link(pages: Pages, entry: Entry, up: str) -> str:
    """A link to a record's page, its title shown (the same on every page at a depth: made
    once)."""
    found = pages.links.get((entry.id, up))
    if found is None:
        found = pages.links[(entry.id, up)] = (
            f'<a href="{up}records/{esc(entry.id)}.html">{esc(pages.title(entry))}</a>'
        )
    return found


def _history(pages: Pages, entry: Entry) -> str:
    _, said = pages.words.gettext, _said(pages.words.language)
    head = f"<h2>{said['history']}</h2>\n"
    revisions = pages.data.history.get(entry.path, ())
    if not revisions:
        none = _("No history: the record is not in a git repository, or not yet committed.")
        return f'{head}<p class="note">{esc(none)}</p>'
    lines = []
    for r in revisions:
        line = (
            f"<li><b>{esc(pages.day(r.date))}</b> <code>{esc((r.commit or '')[:10])}</code> "
            f'{esc(str(r.subject))} <span class="note">({esc(str(r.author))})</span> — '
            f"{esc(pages.changes[r.change.change])}"
        )
        if r.renamed_from:
            moved = _("from %(path)s") % {"path": r.renamed_from}
            line += f' <span class="note">({esc(moved)})</span>'
        if r.change.change == "changed" and not r.change.fields:
            same = _("no field changed: formatting or comments")
            line += f' <span class="note">({esc(same)})</span>'
        if r.change.fields:
            line += (
                "<ul>"
                + "".join(
                    f"<li><code>{esc(name)}</code>: {_shown(before)} → {_shown(after)}</li>"
                    for name, before, after in r.change.fields
                )
                + "</ul>"
            )
        lines.append(line + "</li>\n")
    return f'{head}<ol class="history">\n' + "".join(lines) + "</ol>\n"


def _shown(value: object) -> str:
    return "—" if value is None else esc(str(value))


def record_rows(pages: Pages, entries: Sequence[Entry], up: str, extra: Extra | None = None) -> str:
    """A table of records: date, title (a link to its page), kind, and `extra`'s column. (A
    large site lists each record on several pages: a record's row is made once per folder
    depth, and an extra cell once per text.)"""
    words = pages.words
    said = _said(words.language)
    more = f'<th scope="col">{esc(extra[0])}</th>' if extra else ""
    rows = [
        f'<table class="records">\n<thead><tr><th scope="col">{said["date"]}</th>'
        f'<th scope="col">{said["record"]}</th><th scope="col">{said["kind"]}</th>'
        f"{more}</tr></thead>\n<tbody>\n"
    ]
    cells = pages.row_cells.get(up)
    if cells is None:
        cells = pages.row_cells[up] = {}
    tail = "" if extra else "</tr>\n"  # (a row without an extra cell is kept whole)
    said_cells: dict[str, str] = {}
    for e in entries:
        found = cells.get(e.id)
        if found is None:
            found = cells[e.id] = (
                f'<tr><td class="date">{esc(words.date(e.model.dated))}</td><td>'
                f"{_link(pages, e, up)}</td><td>{esc(words.word(e.kind))}</td>"
            )
        if extra:
            text = extra[1](e)
            cell = said_cells.get(text)
            if cell is None:
                cell = said_cells[text] = f"<td>{esc(text)}</td></tr>\n"
            rows += (found, cell)
        else:
            rows += (found, tail)
    rows.append("</tbody>\n</table>")
    return "".join(rows)


def marks_drawn(row: Row, colours: dict[str, str]) -> Markup:
    """The marks of a yearly review's timeline row, as the review template's `marks` block
    draws them (a dense year has hundreds)."""
    y = row.y
    return Markup(
        "".join(
            f'  <circle cx="{mark.x}" cy="{y}" r="6" class="mark-{esc(mark.kind)}" '
            f'fill="{esc(colours.get(mark.kind, "#555"))}" fill-opacity="0.85"><title>'
            f"{esc(mark.date)}: {esc(mark.title)}</title></circle>\n"
            for mark in row.marks
        )
    )


def review_rows(words: Words, contact_details: bool, what: str, views: Sequence[Any]) -> Markup:
    """The rows of a yearly review's long table `what`, as the review template's block of
    those rows writes them (`meeting_rows`...: up to REVIEW_ROWS each on the site)."""
    date, word, party = words.date, words.word, words.party
    if what == "meetings":
        rows = (
            f'  <tr><td class="date">{esc(date(e.date))}</td><td>{esc(e.title)}</td>'
            f"<td>{esc(word(e.type))}</td>\n      <td>{esc(word(e.status))}</td>"
            f"<td>{esc(party(e.organizer))}</td></tr>\n"
            for e in views
        )
    elif what == "seminars":
        rows = (
            f'  <tr><td class="date">{esc(date(e.date))}</td><td>{esc(e.title)}</td>'
            f"<td>{esc(word(e.form))}</td>\n      <td>{esc(word(e.status))}</td>"
            f'<td class="num">{esc(words.number(e.participants))}</td></tr>\n'
            for e in views
        )
    elif what == "requests":
        rows = (
            f'  <tr><td class="date">{esc(date(e.date))}</td><td>{esc(e.title)}</td>'
            f"<td>{esc(party(e.requested_by))}</td>\n      <td>{esc(party(e.addressed_to))}</td>"
            f"<td>{esc(word(e.status))}</td></tr>\n"
            for e in views
        )
    elif what == "programmes":
        rows = (
            f'  <tr><td>{esc(e.title)}</td><td class="date">{esc(date(e.start))}</td>'
            f'<td class="date">{esc(date(e.end))}</td><td>{esc(word(e.status))}</td></tr>\n'
            for e in views
        )
    else:  # contacts
        rows = (
            f"  <tr><td>{esc(e.name)}</td><td>{esc(party(e.party))}</td><td>{esc(e.position)}</td>"
            f'\n      <td class="date">{esc(date(e.start))}</td><td class="date">'
            f"{esc(date(e.end))}</td>\n{_details(e) if contact_details else ''}</tr>\n"
            for e in views
        )
    return Markup("".join(rows))


def clause_marks(timeline: ClauseTimeline) -> str:
    """The marks of a clause page's timeline (hundreds over a long life)."""
    y = timeline.axis - 12
    return "".join(
        f'<circle class="mark" cx="{mark.x}" cy="{y}" r="{5 if mark.count == 1 else 7}">'
        f"<title>{esc(mark.label)}</title></circle>\n"
        for mark in timeline.marks
    )


def contact_rows(pages: Pages, contacts: Sequence[Entry], up: str) -> str:
    """A party page's rows of its contact persons (hundreds in a long record)."""
    words, details = pages.words, pages.data.options.contact_details
    rows = []
    for e in contacts:
        contact = e.model
        assert isinstance(contact, Contact)
        rows.append(
            f"<tr><td>{_link(pages, e, up)}</td><td>{esc(words.text(contact.position))}</td>"
            f'<td class="date">{esc(words.date(contact.from_))}</td>'
            f'<td class="date">{esc(words.date(contact.to))}</td>'
            f"{_details(contact) if details else ''}</tr>\n"
        )
    return "".join(rows)


def _details(contact: Any) -> str:
    return f"<td>{esc(contact.email or '')}</td><td>{esc(contact.phone or '')}</td>"
