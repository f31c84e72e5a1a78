"""What the pages of `mou site` show, as plain values: a record's fields laid out for reading,
and the geometry of a clause's timeline over the life of the memorandum.

No Jinja here: the templates in `templates/site/` render these values (autoescaped), so record
text can never become markup; a link is made only from a reference the model marks or from a
URL the model validated as http(s).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from mou.fields import Loc, Ref, fields, references
from mou.load import Entry
from mou.models import Expense, field_order
from mou.periods import add_duration
from mou.problems import N_
from mou.timeline import Mark as ReviewMark
from mou.timeline import Tick, Timeline
from mou.words import Words

# Field labels as a reader sees them (the keys of the files, in words).
FIELD_LABELS = {
    "kind": N_("Kind"),
    "type": N_("Type"),
    "form": N_("Form"),
    "title": N_("Title"),
    "subject": N_("Subject"),
    "name": N_("Name"),
    "date": N_("Date"),
    "end_date": N_("End date"),
    "status": N_("Status"),
    "location": N_("Location"),
    "format": N_("Format"),
    "organizer": N_("Organizer"),
    "organizers": N_("Organizers"),
    "observers": N_("Observers"),
    "participants": N_("Participants"),
    "party": N_("Party"),
    "role": N_("Role"),
    "agenda": N_("Agenda"),
    "summary": N_("Summary"),
    "decisions": N_("Decisions"),
    "actions": N_("Action items"),
    "id": N_("Id"),
    "text": N_("Text"),
    "owner": N_("Owner"),
    "due": N_("Due"),
    "done_on": N_("Done on"),
    "period_reviewed": N_("Period reviewed"),
    "arrangement": N_("Arrangement"),
    "topics": N_("Topics"),
    "audience": N_("Audience"),
    "states": N_("States"),
    "participants_count": N_("Participants (number)"),
    "cancellation_reason": N_("Reason for cancellation"),
    "from": N_("From"),
    "to": N_("To"),
    "items": N_("Items"),
    "url": N_("Link"),
    "language": N_("Language"),
    "public_domain": N_("Public domain"),
    "channel": N_("Channel"),
    "requested_by": N_("Requested by"),
    "addressed_to": N_("Addressed to"),
    "responded_on": N_("Responded on"),
    "delivered_on": N_("Delivered on"),
    "outcome": N_("Outcome"),
    "start": N_("Start"),
    "end": N_("End"),
    "lead": N_("Lead"),
    "objectives": N_("Objectives"),
    "scope": N_("Scope"),
    "covers": N_("Covers"),
    "conditions": N_("Conditions"),
    "expenses": N_("Expenses"),
    "item": N_("Item"),
    "payer": N_("Payer"),
    "amount": N_("Amount"),
    "position": N_("Position"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "clause": N_("Clause"),
    "parties": N_("Parties"),
    "tags": N_("Tags"),
    "notes": N_("Notes"),
    "documents": N_("Documents"),
    "path": N_("File"),
    "public": N_("Public"),
}
CONTACT_DETAILS = ("email", "phone")
# Fields whose values are words of the record's closed vocabularies, shown translated.
WORD_FIELDS = ("status", "type", "form", "format")


@dataclass(frozen=True, slots=True)
class Value:
    """One value of a field: `text`, a `link` (text + href), a `list` of values, a `table`
    (columns + rows of values) or `fields` (a nested record part)."""

    shape: str
    text: str = ""
    href: str = ""
    items: tuple[Value, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Value, ...], ...] = ()
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    value: Value


Linker = Callable[[Ref, str], str | None]


def text(value: str) -> Value:
    return Value("text", text=value)


class FieldLayout:
    """Lays out a record's fields in one language, making links with `link(marker, value)`
    (a relative href, or None when the target has no page)."""

    def __init__(
        self,
        words: Words,
        link: Linker,
        record_title: Callable[[str], str],
        *,
        contact_details: bool,
    ) -> None:
        self.words = words
        self.link = link
        self.record_title = record_title
        self.contact_details = contact_details
        self.labels: dict[str, str] = {}
        self.amounts: dict[tuple[Decimal, str], str] = {}
        self.namers: dict[str, Callable[[str], str]] = {
            "party": _remembered(words.party),
            "state": _remembered(words.state),
            "topic": _remembered(words.topic),
            "record": record_title,
            "clause": lambda clause: f"{words.gettext('Clause')} {clause}",
        }

    def label(self, key: str) -> str:
        found = self.labels.get(key)
        if found is None:
            message = FIELD_LABELS.get(key)
            found = self.labels[key] = self.words.gettext(message) if message else key
        return found

    def fields(self, entry: Entry, skip: tuple[str, ...] = ("kind",)) -> tuple[Field, ...]:
        """The record's fields but `skip` (its kind, and what the page's heading shows)."""
        model = entry.model
        markers = {loc: marker for loc, marker, _ in references(model)}
        return self._part(model, (), markers, skip=skip)

    def _part(
        self, model: BaseModel, loc: Loc, markers: dict[Loc, Ref], skip: tuple[str, ...] = ()
    ) -> tuple[Field, ...]:
        result = []
        for key, name in _fields(type(model)):
            if key in skip or (key in CONTACT_DETAILS and not self.contact_details):
                continue
            value = getattr(model, name)
            if value is None or (not value and isinstance(value, tuple | dict)):
                continue
            result.append(Field(key, self.label(key), self._value(value, (*loc, key), markers)))
        return tuple(result)

    def _value(self, value: Any, loc: Loc, markers: dict[Loc, Ref]) -> Value:
        marker = markers.get(loc)
        if marker is not None:
            return self._reference(marker, str(value))
        if isinstance(value, tuple):
            if value and all(isinstance(item, BaseModel) for item in value):
                return self._table(value, loc, markers)
            return Value(
                "list", items=tuple(self._value(v, (*loc, i), markers) for i, v in enumerate(value))
            )
        if isinstance(value, BaseModel):
            return Value("fields", fields=self._part(value, loc, markers))
        if isinstance(value, dict) and loc[-1] == "conditions":
            return Value(
                "fields",
                fields=tuple(
                    Field(key, self.words.party(key), text(self.words.text(item)))
                    for key, item in value.items()
                ),
            )
        return self._scalar(value, loc)

    def _scalar(self, value: Any, loc: Loc) -> Value:
        words = self.words
        if isinstance(value, bool):
            return text(words.gettext("yes") if value else words.gettext("no"))
        if isinstance(value, date):
            return text(words.date(value))
        if isinstance(value, Decimal):
            return text(words.number(value))
        if isinstance(value, dict):
            return text(words.text(value))
        if (
            loc[-1] == "url"
            and isinstance(value, str)
            and value.startswith(("https://", "http://"))
        ):
            return Value("link", text=value, href=value)
        if isinstance(value, str):
            return text(words.word(value) if loc[-1] in WORD_FIELDS else value)
        return text(str(value))

    def _reference(self, marker: Ref, value: str) -> Value:
        namer = self.namers.get(marker.to)
        shown = namer(value) if namer is not None else value
        href = self.link(marker, value)
        return Value("link", text=shown, href=href) if href else text(shown)

    def _table(self, parts: tuple[Any, ...], loc: Loc, markers: dict[Loc, Ref]) -> Value:
        laid = [self._part(part, (*loc, index), markers) for index, part in enumerate(parts)]
        keys = list(dict.fromkeys(f.key for fields in laid for f in fields))
        if isinstance(parts[0], Expense):
            laid = [self._money(part, fields) for part, fields in zip(parts, laid, strict=True)]
            keys = [k for k in keys if k != "currency"]
        rows = tuple(
            tuple(next((f.value for f in fields if f.key == k), text("")) for k in keys)
            for fields in laid
        )
        return Value("table", columns=tuple(self.label(k) for k in keys), rows=rows)

    def _money(self, expense: Expense, fields: tuple[Field, ...]) -> tuple[Field, ...]:
        key = (expense.amount, expense.currency)
        if key not in self.amounts:
            self.amounts[key] = self.words.money(expense.amount, expense.currency)
        amount = text(self.amounts[key])
        return tuple(
            Field(f.key, f.label, amount) if f.key == "amount" else f
            for f in fields
            if f.key != "currency"
        )


def _remembered(name: Callable[[str], str]) -> Callable[[str], str]:
    """`name`, remembering what it said for each value (a large record names the same
    parties and states thousands of times)."""
    said: dict[str, str] = {}

    def remembered(value: str) -> str:
        found = said.get(value)
        if found is None:
            found = said[value] = name(value)
        return found

    return remembered


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(key in the file, attribute) of a model's fields, in the order they are written."""
    names = {field.key: field.name for field in fields(model)}
    return tuple((key, names[key]) for key in field_order(model))


# --- a clause over the life of the memorandum -----------------------------------------------

WIDTH = 960
LEFT = 20
RIGHT = 20
HEIGHT = 110
AXIS = 70
TITLED_MARKS = 300
MERGED = 4  # pixels: a review's marks of a kind this close are drawn as one on the site
MARKS = 300  # at most this many marks on a review's timeline on the site


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    count: int
    label: str  # what the tooltip says


@dataclass(frozen=True, slots=True)
class Gap:
    x1: float
    x2: float
    label: str


@dataclass(frozen=True, slots=True)
class ClauseTimeline:
    width: int
    height: int
    axis: int
    marks: tuple[Mark, ...]
    gaps: tuple[Gap, ...]
    ticks: tuple[Tick, ...]


def clause_timeline(
    dates: list[tuple[date, str]],
    start: date,
    end: date,
    cadence: str | None,
    words: Words,
    *,
    counted: tuple[date, date] | None = None,
) -> ClauseTimeline:
    """Marks for the qualifying records (`(date, title)`, sorted) between `start` and `end`,
    merged where they fall within two pixels, so the chart stays small whatever the record's
    size; a band over every gap longer than the cadence (from a record, or from `start`, to
    the next record or `end`)."""
    span = max((end - start).days, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return round(LEFT + plot * (min(max(day, start), end) - start).days / span, 1)

    # Marks within two pixels of each other merge; past a few hundred records a mark's
    # tooltip gives dates and counts only (the titles are on the year lists), so that the
    # page stays small whatever the record's size.
    merged: dict[float, list[tuple[date, str]]] = {}
    for day, title in dates:
        merged.setdefault(round(x(day) / 2) * 2, []).append((day, title))
    titled = len(dates) <= TITLED_MARKS
    marks = []
    for position, found in sorted(merged.items()):
        if len(found) == 1:
            label = words.date(found[0][0]) + (f": {found[0][1]}" if titled else "")
        else:
            label = words.ngettext("%(num)s record", "%(num)s records", len(found)) % {
                "num": len(found)
            }
            label += f", {words.date(found[0][0])} – {words.date(found[-1][0])}"
        marks.append(Mark(position, len(found), label))
    # Gaps only while the clause was in force (`counted`: an amendment added or removed it).
    gaps = tuple(_gaps([day for day, _ in dates], counted or (start, end), cadence, words, x))
    ticks = [
        Tick(x(date(year, 1, 1)), str(year))
        for year in range(start.year + 1, end.year + 1)
        if (year - start.year) % max(1, (end.year - start.year) // 12 + 1) == 0
    ]
    return ClauseTimeline(WIDTH, HEIGHT, AXIS, tuple(marks), gaps, tuple(ticks))


def _gaps(
    days: list[date],
    span: tuple[date, date],
    cadence: str | None,
    words: Words,
    x: Callable[[date], float],
) -> Iterator[Gap]:
    """Every step of the SPEC §5 sequence (start, the records, end) longer than the cadence."""
    if cadence is None:
        return
    start, end = span
    sequence = [start, *(d for d in days if start <= d <= end), end]
    for first, later in itertools.pairwise(sequence):
        if later > add_duration(first, cadence):
            label = words.gettext("%(days)s without a qualifying record (%(start)s – %(end)s)")
            label %= {
                "days": words.days((later - first).days),
                "start": words.date(first),
                "end": words.date(later),
            }
            yield Gap(x(first), x(later), label)


def thin_timeline(timeline: Timeline, words: Words) -> Timeline:
    """A review's timeline with the marks of a kind that fall within a few pixels of each
    other on a row drawn as one (its tooltip: how many records, first and last date), wider
    apart until the chart has at most MARKS marks, so that a dense year's page stays small; a
    mark alone keeps its date and title."""
    width = MERGED
    rows = _merged(timeline, width)
    while sum(len(marks) for marks in rows) > MARKS:
        width *= 2
        rows = _merged(timeline, width)
    shown = []
    for row, groups in zip(timeline.rows, rows, strict=True):
        marks = []
        for found in groups:
            if len(found) == 1:
                marks.append(found[0])
                continue
            count = words.ngettext("%(num)s record", "%(num)s records", len(found))
            first, last = found[0].date, found[-1].date
            dates = first if first == last else f"{first} – {last}"
            marks.append(ReviewMark(found[0].x, found[0].kind, dates, count % {"num": len(found)}))
        shown.append(replace(row, marks=tuple(sorted(marks, key=lambda m: (m.x, m.kind)))))
    return replace(timeline, rows=tuple(shown))


def _merged(timeline: Timeline, width: int) -> list[list[list[ReviewMark]]]:
    """Each row's marks grouped by kind and by `width` pixels."""
    rows = []
    for row in timeline.rows:
        groups: dict[tuple[str, int], list[ReviewMark]] = {}
        for mark in row.marks:
            groups.setdefault((mark.kind, int(mark.x // width)), []).append(mark)
        rows.append(list(groups.values()))
    return rows


def esc(text: str) -> str:
    """`text` escaped for HTML exactly as markupsafe (Jinja's autoescape) escapes it, as a
    plain string: the hot paths join strings, and a Markup per value costs more than this."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def value_html(value: Value, up: str) -> Markup:
    """A field's value as HTML, every text escaped; `up` leads from the page back to the
    language folder, for internal links. (The record pages' hot path: plain string joins
    around markupsafe's `escape`, several times faster than a Jinja macro.)"""
    return Markup(html_of(value, up))


def html_of(value: Value, up: str) -> str:
    """`value_html` as a plain string."""
    shape = value.shape
    if shape == "text":
        return esc(value.text)
    if shape == "link":
        external = value.href.startswith(("https://", "http://"))
        href = value.href if external else up + value.href
        return f'<a href="{esc(href)}">{esc(value.text)}</a>'
    if shape == "list":
        # Short words and names (parties, states, topics, tags) read as one line.
        short = all(i.shape in ("text", "link") and len(i.text) <= 40 for i in value.items)
        items = "".join(f"<li>{html_of(item, up)}</li>" for item in value.items)
        return f'<ul class="inline">{items}</ul>' if short else f"<ul>{items}</ul>"
    if shape == "fields":
        pairs = (f"<dt>{esc(f.label)}</dt><dd>{html_of(f.value, up)}</dd>" for f in value.fields)
        return "<dl>" + "".join(pairs) + "</dl>"
    head = "".join(f'<th scope="col">{esc(column)}</th>' for column in value.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_of(cell, up)}</td>" for cell in row) + "</tr>"
        for row in value.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
