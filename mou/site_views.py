"""What the pages of `mou site` show, as plain values: a record's fields laid out for reading
(the timelines' geometry is `site_timeline.py`'s).

No Jinja here: the record pages are plain string joins (`site_record.py`), every record text
escaped by `esc` where it is written, so record text can never become markup; a link is made
only from a reference the model marks or from a URL the model validated as http(s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel

from mou.escape import visible
from mou.fields import Loc, Localized, Ref, fields, marker
from mou.load import Entry
from mou.models import Expense, field_order
from mou.problems import N_
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


# A value laid out: its HTML (every text escaped), its shape (text, link, list, fields or
# table), and whether it is a short text or link (a list of only those reads as one line).
Laid = tuple[str, str, bool]


Linker = Callable[[Ref, str], str | None]
Markers = dict[Loc, Ref]
Keys = tuple[str, ...]
SHORT = 40  # characters: a list of texts and links no longer than this is written inline

# How `_part` lays out a field, known from its annotation (`_plan`): the value names something
# (its marker given), each of its items does, it is a word of a closed vocabulary, a list of
# texts, a text; anything else goes through `_value`, which looks at the value (and inside
# it, at the record's references).
NAMES, NAMES_EACH, WORD, TEXTS, TEXT, OTHER = "names", "each names", "word", "texts", "text", ""
# A field of a model as `_part` lays it out: key, attribute, label, how, marker.
Planned = tuple[str, str, str, str, Ref | None]


def _text(value: str) -> Laid:
    return esc(value), "text", len(value) <= SHORT


def _link(shown: str, href: str, up: str) -> Laid:
    """A link: an internal `href` is relative to the language folder, `up` leads there."""
    target = href if href.startswith(("https://", "http://")) else up + href
    return f'<a href="{esc(target)}">{esc(shown)}</a>', "link", len(shown) <= SHORT


def _definitions(parts: Iterable[tuple[str, str, Laid]]) -> Laid:
    pairs = "".join(f"<dt>{esc(label)}</dt><dd>{laid[0]}</dd>" for _, label, laid in parts)
    return f"<dl>{pairs}</dl>", "fields", False


class FieldLayout:
    """Lays out a record's fields as HTML in one language, making links with `link(marker,
    value)` (a relative href, or None when the target has no page). Text is escaped where it
    is written into the HTML, so record text never becomes markup; a link is made only from a
    reference the model marks or from a URL the model validated as http(s). What recurs (a
    party's link, a date, a word) is laid out once."""

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
        self.escaped_labels: dict[str, str] = {}
        self.heads: dict[tuple[str, ...], str] = {}
        self.amounts: dict[tuple[Decimal, str], str] = {}
        self.laid: dict[tuple[Any, ...], Laid] = {}  # references, dates and words, laid out
        self.lists: dict[tuple[Any, ...], Laid] = {}  # lists of references, laid out
        self.plans: dict[tuple[type[BaseModel], Keys], list[Planned]] = {}
        self.up = ""  # the way back to the language folder from the page being laid out
        self.namers: dict[str, Callable[[str], str]] = {
            "party": words.party,
            "state": words.state,
            "topic": words.topic,
            "record": record_title,
            "clause": lambda clause: f"{words.gettext('Clause')} {clause}",
        }

    def label(self, key: str) -> str:
        found = self.labels.get(key)
        if found is None:
            message = FIELD_LABELS.get(key)
            found = self.labels[key] = self.words.gettext(message) if message else key
        return found

    def escaped(self, key: str) -> str:
        """`label(key)` escaped for HTML."""
        found = self.escaped_labels.get(key)
        if found is None:
            found = self.escaped_labels[key] = esc(self.label(key))
        return found

    def fields(
        self,
        entry: Entry,
        refs: Iterable[tuple[Loc, Ref, str]],
        up: str,
        skip: tuple[str, ...] = ("kind",),
    ) -> list[tuple[str, str, Laid]]:
        """The record's fields but `skip` (its kind, and what the page's heading shows), each
        as its key in the file, its label (plain text) and its value laid out (its HTML, its
        shape: "table" for a table, which the page lets scroll); `refs`: the references the
        record makes (`fields.references`); `up` leads from the page to the language folder."""
        self.up = up
        return self._part(entry.model, (), {loc: marker for loc, marker, _ in refs}, skip)

    def html(self, value: Any, loc: Loc, up: str) -> str:
        """One value (at `loc` in its record, naming nothing) as HTML."""
        self.up = up
        return self._value(value, loc, {})[0]

    def _part(
        self, model: BaseModel, loc: Loc, markers: Markers, skip: Keys = (), *, money: bool = False
    ) -> list[tuple[str, str, Laid]]:
        """The fields of `model` but `skip`, laid out; with `money` (an expense in a table),
        its amount is shown as money in its currency, which is not shown on its own."""
        result = []
        plan = self.plans.get((type(model), skip))
        if plan is None:  # how each field is laid out (`_plan`), in their order
            plan = self.plans[(type(model), skip)] = [
                (key, name, self.label(key), how, ref)
                for key, name, how, ref in _plan(type(model))
                if key not in skip and (key not in CONTACT_DETAILS or self.contact_details)
            ]
        for key, name, label, how, ref in plan:
            value = getattr(model, name)
            if value is None:
                continue
            kind = value.__class__
            if (kind is tuple or kind is dict) and not value:
                continue
            if money and key in ("amount", "currency"):
                if key == "amount":
                    result.append((key, label, self._amount(model)))  # type: ignore[arg-type]
                continue
            if how == TEXT and (kind is str or kind is dict):
                text = value if kind is str else self.words.text(value)
                laid = esc(text), "text", len(text) <= SHORT
            elif how == NAMES and kind is str:
                laid = self._reference(ref, value)  # type: ignore[arg-type]
            elif how == NAMES_EACH and kind is tuple:
                laid = self._references(ref, value)  # type: ignore[arg-type]
            elif how == WORD and kind is str:
                laid = self._word(value)
            elif how == TEXTS and kind is tuple:
                words = self.words
                laid = _list([_text(v if v.__class__ is str else words.text(v)) for v in value])
            elif kind is date:
                laid = self._date(value)
            else:
                laid = self._value(value, (*loc, key), markers)
            result.append((key, label, laid))
        return result

    def _value(self, value: Any, loc: Loc, markers: dict[Loc, Ref]) -> Laid:
        marker = markers.get(loc)
        if marker is not None:
            return self._reference(marker, str(value))
        kind = type(value)  # the common exact types first, each as `_scalar` lays it out
        if kind is str:
            if loc[-1] in WORD_FIELDS or loc[-1] == "url":
                return self._scalar(value, loc)
            return _text(value)
        if kind is dict and loc[-1] != "conditions":
            return _text(self.words.text(value))
        if kind is date:
            return self._date(value)
        if isinstance(value, tuple):
            if value and all(isinstance(item, BaseModel) for item in value):
                return self._table(value, loc, markers)
            return _list([self._value(v, (*loc, i), markers) for i, v in enumerate(value)])
        if isinstance(value, BaseModel):
            return _definitions(self._part(value, loc, markers))
        if isinstance(value, dict) and loc[-1] == "conditions":
            words = self.words
            return _definitions(
                (key, words.party(key), _text(words.text(item))) for key, item in value.items()
            )
        return self._scalar(value, loc)

    def _scalar(self, value: Any, loc: Loc) -> Laid:
        words = self.words
        if isinstance(value, bool):
            return _text(words.gettext("yes") if value else words.gettext("no"))
        if isinstance(value, date):
            return self._date(value)
        if isinstance(value, Decimal):
            key = (Decimal, str(value))  # 1.5 == 1.50, but each is written as it is
            found = self.laid.get(key)
            if found is None:
                found = self.laid[key] = _text(words.number(value))
            return found
        if isinstance(value, dict):
            return _text(words.text(value))
        if (
            loc[-1] == "url"
            and isinstance(value, str)
            and value.startswith(("https://", "http://"))
        ):
            return _link(value, value, self.up)
        if isinstance(value, str):
            return _text(value) if loc[-1] not in WORD_FIELDS else self._word(value)
        return _text(str(value))

    def _word(self, value: str) -> Laid:
        found = self.laid.get((str, value))
        if found is None:
            found = self.laid[(str, value)] = _text(self.words.word(value))
        return found

    def _date(self, value: date) -> Laid:
        found = self.laid.get((date, value))
        if found is None:
            found = self.laid[(date, value)] = _text(self.words.date(value))
        return found

    def _reference(self, marker: Ref, value: str) -> Laid:
        key = (marker.to, value, self.up)  # (what `namers` and `link` read of the marker)
        found = self.laid.get(key)
        if found is None:
            namer = self.namers.get(marker.to)
            shown = namer(value) if namer is not None else value
            href = self.link(marker, value)
            found = self.laid[key] = _link(shown, href, self.up) if href else _text(shown)
        return found

    def _references(self, marker: Ref, values: tuple[str, ...]) -> Laid:
        """A list of references (the same list recurs: the parties, a set of states)."""
        key = (marker.to, values, self.up)
        found = self.lists.get(key)
        if found is None:
            found = self.lists[key] = _list([self._reference(marker, str(v)) for v in values])
        return found

    def _table(self, parts: tuple[Any, ...], loc: Loc, markers: dict[Loc, Ref]) -> Laid:
        money = isinstance(parts[0], Expense)
        laid = [
            self._part(part, (*loc, index), markers, money=money)
            for index, part in enumerate(parts)
        ]
        keys = tuple(dict.fromkeys(key for fields in laid for key, _, _ in fields))
        head = self.heads.get(keys)
        if head is None:
            head = self.heads[keys] = "".join(
                f'<th scope="col">{esc(self.label(k))}</th>' for k in keys
            )
        rows = []
        for cells_of in laid:
            cells = {key: html for key, _, (html, _, _) in cells_of}
            rows.append("<tr>" + "".join(f"<td>{cells.get(k, '')}</td>" for k in keys) + "</tr>")
        body = "".join(rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", "table", False

    def _amount(self, expense: Expense) -> Laid:
        key = (expense.amount, expense.currency)
        found = self.amounts.get(key) or self.words.money(expense.amount, expense.currency)
        return _text(self.amounts.setdefault(key, found))


def _list(items: list[Laid]) -> Laid:
    """Values as a list: on one line when each is a short text or link."""
    inner = "".join(f"<li>{html}</li>" for html, _, _ in items)
    inline = all(short for _, _, short in items)
    return (f'<ul class="inline">{inner}</ul>' if inline else f"<ul>{inner}</ul>"), "list", False


@cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, str, str, Ref | None], ...]:
    """(key, attribute, how, marker) of each field of `model`, in the order they are written:
    what `fields.references` would find in a field is known from the same annotations, so a
    reference is laid out without looking its place up in the record's references."""
    declared = {field.key: field for field in fields(model)}
    found = []
    for key, name in _fields(model):
        field = declared[key]
        how, ref = OTHER, field.ref
        if ref is not None:
            how = NAMES
        elif field.many and marker(field.item[1], Ref) is not None:
            how, ref = NAMES_EACH, marker(field.item[1], Ref)
        elif key in WORD_FIELDS:
            how = WORD  # (when the value is a string)
        elif field.many and (field.item[0] is str or marker(field.item[1], Localized) is not None):
            how = TEXTS  # (a list of texts, each a string or a localized text's mapping)
        elif key not in {"url", "conditions"}:
            how = TEXT  # (when the value is a string or a mapping: a localized text)
        found.append((key, name, how, ref))
    return tuple(found)


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(key in the file, attribute) of a model's fields, in the order they are written."""
    names = {field.key: field.name for field in fields(model)}
    return tuple((key, names[key]) for key in field_order(model))


def esc(text: str) -> str:
    """`text` escaped for HTML exactly as the site's templates print it (control and bidi
    characters shown escaped, `render._html_shown`, then markupsafe's autoescape), as a plain
    string: the hot paths join strings, and a Markup per value costs more than this."""
    shown = text if text.isprintable() else visible(text)  # (`visible`'s test, without a call)
    if "&" in shown or "<" in shown or ">" in shown or "'" in shown or '"' in shown:
        return (
            shown.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return shown  # most texts: looked through, not copied five times
