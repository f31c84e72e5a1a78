"""Asking the record: which records count, the filters of `mou list`, action items, links both
ways, and a record's fields as data (`mou list`, `show`, `actions`; the review builds on it).

Nothing here reads files or formats text. Rows for JSON and CSV are dicts keyed by column
name; the terminal tables pick their columns by those names (`mou.tables`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from mou import kinds
from mou.fields import references
from mou.load import Entry, RecordSet
from mou.models import (
    CONTACT_DETAILS,
    Action,
    Activity,
    Clause,
    Contact,
    Meeting,
    Programme,
    Record,
    field_order,
)
from mou.periods import Period

# Which records show that a clause was acted on (SPEC §5). Kinds not listed qualify whatever
# their status (exchanges, requests, activities); contacts never do.
QUALIFYING_STATUSES = {
    "meeting": {"held"},
    "seminar": {"held"},
    "programme": {"active", "completed"},
    "arrangement": {"signed", "closed"},
}
NEVER_QUALIFY = {"contact", "memorandum"}


def is_bilateral(model: Record) -> bool:
    """Clause 5: bilateral cooperation stays in the record but out of every count and total."""
    return isinstance(model, Programme | Activity) and model.scope == "bilateral"


def qualifies(model: Record) -> bool:
    if model.kind in NEVER_QUALIFY or is_bilateral(model):
        return False
    statuses = QUALIFYING_STATUSES.get(model.kind)
    return statuses is None or model.status in statuses  # type: ignore[attr-defined]


def counts_for(clause: Clause, model: Record) -> bool:
    """An activity counts for the clause it names and no other; other kinds for the clauses
    whose evidence lists them."""
    return counted_by(clause)(model)


def counted_by(clause: Clause) -> Callable[[Record], bool]:
    """`counts_for(clause, ·)`, the clause's evidence read once (`models.evidences`: a kind, or
    a meeting's kind and type): for a clause asked of many records."""
    kinds: set[str] = set()
    meetings: set[str] = set()  # meeting types
    for entry in clause.evidence:
        kind, _, subtype = entry.partition("/")
        if not subtype:
            kinds.add(kind)
        elif kind == "meeting":
            meetings.add(subtype)
    clause_id = clause.id

    def counts(model: Record) -> bool:
        if isinstance(model, Activity):
            return model.clause == clause_id
        return model.kind in kinds or (isinstance(model, Meeting) and model.type in meetings)

    return counts


def evidence_read(model: Record) -> tuple[str | None, ...]:
    """What `counted_by`'s test reads of a record: two records alike in this count for the
    same clauses (a clause asked of many records asks once per likeness)."""
    return (
        model.kind,
        model.clause if isinstance(model, Activity) else None,
        model.type if isinstance(model, Meeting) else None,
    )


def span(model: Record) -> tuple[date, date | None]:
    """The days a record covers: its date, or start..end (programmes), from..to (contacts);
    None for an open end. `end_date` of meetings and seminars never matters."""
    if isinstance(model, Programme):
        return model.start, model.end
    if isinstance(model, Contact):
        return model.from_, model.to
    return model.dated, model.dated


def within(model: Record, start: date, end: date) -> bool:
    """Whether any day of the record falls in start..end (both inclusive)."""
    first, last = span(model)
    return first <= end and (last is None or last >= start)


def by_date(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in the record's order: by date, then id."""
    return sorted(entries, key=lambda e: (e.model.dated, e.id))


def title_of(entry: Entry) -> Any:
    """What a record is called: its title, subject or name (localized text), else its id."""
    value = kinds.title_of(entry.model)
    return entry.id if value is None else value


# --- mou list --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """What `mou list` selects by; None means "any"."""

    kind: str | None = None
    period: Period | None = None
    party: str | None = None
    topic: str | None = None
    status: str | None = None
    state: str | None = None
    clause: Clause | None = None

    def match(self, model: Record) -> bool:
        period, clause = self.period, self.clause
        return (
            (self.kind is None or model.kind == self.kind)
            and (period is None or within(model, period.start, period.end))
            and (self.party is None or _refers(model, "party", self.party))
            and (self.topic is None or _refers(model, "topic", self.topic))
            and (self.state is None or _refers(model, "state", self.state))
            and (self.status is None or getattr(model, "status", None) == self.status)
            and (clause is None or counts_for(clause, model))
        )


def _refers(model: Record, to: str, value: str) -> bool:
    return any(marker.to == to and found == value for _, marker, found in references(model))


def select(entries: Iterable[Entry], filters: Filters) -> list[Entry]:
    """Records matching every given filter, sorted by date then id. `party` matches any party
    field (organizer, observers, participants, from, to, payer, lead, ...); `clause` the
    records that evidence the clause (whatever their status)."""
    return by_date(entry for entry in entries if filters.match(entry.model))


# The columns every row of `mou list` starts with, and those every kind ends with.
LEADING_COLUMNS = ("id", "kind", "path")
COMMON_COLUMNS = ("tags", "notes", "documents")


@cache
def list_columns(kind: str | None = None) -> tuple[str, ...]:
    """The columns of `mou list` as JSON or CSV, whatever the filter: id, kind and path, then
    the kind's fields as its files write them. Without a kind: every kind's fields once, in
    the registry's order; tags, notes and documents last."""
    chosen = [kinds.KINDS[kind]] if kind is not None else kinds.KINDS.values()
    last = (*LEADING_COLUMNS, *COMMON_COLUMNS)
    own = (key for k in chosen for key in field_order(k.model) if key not in last)
    return tuple(dict.fromkeys((*LEADING_COLUMNS, *own, *COMMON_COLUMNS)))


def choose_columns(kind: str | None, wanted: str) -> tuple[str, ...]:
    """`--columns a,b,c`: those columns, in that order; an unknown one is a usage error that
    names the valid ones."""
    from mou.problems import UsageError

    valid = list_columns(kind)
    chosen = tuple(dict.fromkeys(name.strip() for name in wanted.split(",") if name.strip()))
    unknown = [name for name in chosen if name not in valid]
    if unknown or not chosen:
        what = f"unknown column {', '.join(map(repr, unknown))}" if unknown else "no column"
        of = f"a {kind}" if kind else "a record"
        raise UsageError(f"--columns: {what}; the columns of {of} are {', '.join(valid)}")
    return chosen


def record_rows(
    entries: Iterable[Entry], columns: tuple[str, ...] | None, *, contact_details: bool
) -> Iterator[dict[str, Any]]:
    """`mou list` as data: a row per record with `columns` (None: its kind's columns), null
    where the record has no value. Contacts' e-mail and phone only when asked for. Rows are
    made as they are read (50,000 of them at once would take 200 MB)."""
    for entry in entries:
        data: dict[str, Any] = entry.model.model_dump(mode="json", by_alias=True)
        data.update(id=entry.id, path=entry.path)
        if entry.kind == "contact" and not contact_details:
            data.update(dict.fromkeys(CONTACT_DETAILS))
        yield {name: data.get(name) for name in columns or list_columns(entry.kind)}


# --- mou actions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionItem:
    meeting: Entry
    action: Action
    overdue_days: int | None  # None when not overdue

    @property
    def id(self) -> str:
        return f"{self.meeting.id}#{self.action.id}"


def action_items(
    entries: Iterable[Entry],
    as_of: date,
    *,
    open_only: bool = False,
    overdue_only: bool = False,
    owner: str | None = None,
) -> list[ActionItem]:
    """Action items of every meeting, by due date (undated last)."""
    items = []
    for entry in entries:
        meeting = entry.model
        if not isinstance(meeting, Meeting):
            continue
        for action in meeting.actions:
            late = action.status == "open" and action.due is not None and action.due < as_of
            overdue = (as_of - action.due).days if late and action.due is not None else None
            if (open_only and action.status != "open") or (overdue_only and overdue is None):
                continue
            if owner is not None and action.owner != owner:
                continue
            items.append(ActionItem(entry, action, overdue))
    return sorted(items, key=lambda i: (i.action.due or date.max, i.meeting.model.dated, i.id))


def action_rows(items: Iterable[ActionItem]) -> list[dict[str, Any]]:
    """`mou actions` as data: a row per action item, by column name."""
    return [
        {
            "id": i.id,
            "meeting": i.meeting.id,
            "meeting_date": i.meeting.model.dated.isoformat(),
            "action": i.action.id,
            "text": i.action.text,
            "owner": i.action.owner,
            "due": i.action.due.isoformat() if i.action.due else None,
            "status": i.action.status,
            "overdue_days": i.overdue_days,
        }
        for i in items
    ]


# --- mou show --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """A reference between two records: `source`'s field `field` names `target`."""

    source: Entry
    field: str
    target: Entry | None
    target_id: str


def links(entry: Entry, entries: Iterable[Entry]) -> tuple[list[Link], list[Link]]:
    """The records `entry` refers to, and the records that refer to it."""
    by_id = {e.id: e for e in entries}
    outgoing = [
        Link(entry, str(loc[0]), by_id.get(value), value)
        for loc, marker, value in references(entry.model)
        if marker.to == "record"
    ]
    incoming = [
        Link(other, str(loc[0]), entry, value)
        for other in by_date(by_id.values())
        for loc, marker, value in references(other.model)
        if marker.to == "record" and value == entry.id
    ]
    return outgoing, incoming


def _brief(target: Entry | None, identifier: str, field: str) -> dict[str, Any]:
    if target is None:
        return {"field": field, "id": identifier, "missing": True}
    return {
        "field": field,
        "id": target.id,
        "kind": target.kind,
        "path": target.path,
        "title": title_of(target),
    }


def find_record(records: RecordSet, record_id: str) -> Entry:
    """The record with this id; a UsageError naming close ids (and saying when a file of that
    name cannot be read) when there is none."""

    from mou.problems import UsageError

    by_id = records.by_id()
    entry = by_id.get(record_id)
    if entry is not None:
        return entry
    close = suggestions(record_id, list(by_id.values()))
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    unreadable = any(
        path.rsplit("/", 1)[-1].rsplit(".", 1)[0] == record_id for path in records.files
    )
    why = " (its file has errors: run `mou validate`)" if unreadable else ""
    raise UsageError(f"no record {record_id}{why}{hint}")


def suggestions(wanted: str, entries: list[Entry], limit: int = 3) -> list[str]:
    """Ids to suggest for an id that names no record, best first: ids that start with it,
    then records of its date, then ids that contain it, then ids and titles (any language)
    that contain it or all its words, then ids spelt alike (edit distance)."""
    import difflib
    import re

    from mou.kinds import title_of

    lowered = wanted.lower()
    day = re.match(r"\d{4}-\d{2}-\d{2}", lowered)
    words = [w for w in re.split(r"[^\w]+", lowered[10:] if day else lowered) if len(w) > 2]

    def titles(entry: Entry) -> str:
        title = title_of(entry.model)
        return " ".join(title.values() if isinstance(title, dict) else [str(title)]).lower()

    tiers: list[list[str]] = [[], [], [], []]
    for entry in entries:
        identifier, text = entry.id, f"{entry.id} {titles(entry)}"
        if identifier.startswith(lowered):
            tiers[0].append(identifier)
        elif day and identifier.startswith(day.group()):
            tiers[1].append(identifier)
        elif lowered in identifier:
            tiers[2].append(identifier)
        elif lowered in text or (words and all(w in text for w in words)):
            tiers[3].append(identifier)
    close = difflib.get_close_matches(lowered, [e.id for e in entries], n=limit, cutoff=0.5)
    ranked = [identifier for tier in tiers for identifier in sorted(tier)] + close
    return list(dict.fromkeys(ranked))[:limit]


def show_document(entry: Entry, entries: Iterable[Entry], *, dates: bool) -> dict[str, Any]:
    """`mou show`: the record's fields, the records it names, and the records naming it."""
    outgoing, incoming = links(entry, entries)
    return {
        "id": entry.id,
        "path": entry.path,
        "record": record_data(entry, dates=dates),
        "refers_to": [_brief(link.target, link.target_id, link.field) for link in outgoing],
        "referred_by": [_brief(link.source, link.source.id, link.field) for link in incoming],
    }


def record_data(
    entry: Entry, *, contact_details: bool = True, dates: bool = False
) -> dict[str, Any]:
    """A record's fields as JSON-ready data (dates as ISO text, amounts as strings), as in
    its file; with `dates`, dates stay dates (for YAML). Contacts' e-mail and phone only when
    asked for."""
    data: dict[str, Any] = entry.model.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, exclude_none=True
    )
    if dates:
        data = _with_dates(data)
    order = field_order(type(entry.model))
    data = {key: data[key] for key in sorted(data, key=order.index)}
    if entry.kind == "contact" and not contact_details:
        for field_name in CONTACT_DETAILS:
            data.pop(field_name, None)
    return data


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _with_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _with_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_dates(item) for item in value]
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return date.fromisoformat(value)
    return value
