"""Pure selectors and aggregates over the record: what the review (SPEC §5, §6) shows.

Nothing here reads files or formats text: `review()` takes the loaded record, a period and an
as-of date, and returns plain data that every output format renders the same way.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from mou.load import Entry, RecordSet
from mou.models import (
    Action,
    Activity,
    Arrangement,
    Clause,
    Contact,
    Exchange,
    Meeting,
    Memorandum,
    Programme,
    Record,
    Request,
    Seminar,
    evidences,
    field_order,
    references,
)
from mou.periods import Period, add_duration
from mou.problems import Problem

# Which records show that a clause was acted on (SPEC §5). Kinds not listed qualify whatever
# their status (exchanges, requests, activities); contacts never do.
QUALIFYING_STATUSES = {
    "meeting": {"held"},
    "seminar": {"held"},
    "programme": {"active", "completed"},
    "arrangement": {"signed", "closed"},
}
NEVER_QUALIFY = {"contact", "memorandum"}
RESOLVED_REQUESTS = {"delivered", "declined", "withdrawn"}
COST_STATUSES = ("planned", "committed", "paid")


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
    if isinstance(model, Activity):
        return model.clause == clause.id
    return any(evidences(entry, model) for entry in clause.evidence)


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


# --- the review ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClauseReview:
    clause: Clause
    status: str  # on-track, behind, no-activity, n/a
    count: int
    longest_gap_days: int | None
    next_due: date | None
    records: tuple[Entry, ...]  # qualifying, in the period up to the cut-off


@dataclass(frozen=True, slots=True)
class SeminarReview:
    held: int
    planned: int
    cancelled: int
    postponed: int
    participants: int
    topics: tuple[tuple[str, int], ...]  # every declared topic, and held seminars on it
    other_topics: tuple[tuple[str, int], ...]  # held seminars' topics the memorandum lacks
    states: tuple[str, ...]
    records: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class RequestReview:
    opened: int
    resolved: int
    median_response_days: float | int | None
    records: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class ActionReview:
    opened: int
    closed: int
    overdue: tuple[ActionItem, ...]


@dataclass(frozen=True, slots=True)
class Cost:
    payer: str
    currency: str
    status: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Review:
    memorandum: Memorandum
    period: Period
    as_of: date
    cut_off: date
    clauses: tuple[ClauseReview, ...]
    consultations: tuple[Entry, ...]
    other_meetings: tuple[Entry, ...]
    representation: tuple[tuple[str, str, int], ...]  # (host, observer, count)
    seminars: SeminarReview
    exchanges: tuple[tuple[str, str, int], ...]  # (from, to, count)
    requests: RequestReview
    programmes: tuple[Entry, ...]
    costs: tuple[Cost, ...]
    actions: ActionReview
    contacts: tuple[tuple[str, int], ...]  # (party, days without a designated contact)
    contact_persons: tuple[Entry, ...]  # designated on some day of the period up to the cut-off
    findings: tuple[Problem, ...]
    bilateral: tuple[Entry, ...] = field(default=())  # left out of everything above


def review(
    records: RecordSet, period: Period, as_of: date, findings: Sequence[Problem] = ()
) -> Review:
    """The review of `period` as of `as_of` (SPEC §6). The record must have a memorandum."""
    memorandum = records.memorandum
    if memorandum is None:
        raise ValueError("the record has no readable memorandum")
    cut_off = min(period.end, as_of)
    entries = sorted(records.entries, key=lambda e: (e.model.dated, e.id))
    counted = [e for e in entries if not is_bilateral(e.model)]
    qualifying = [e for e in counted if qualifies(e.model)]
    in_period = [e for e in counted if within(e.model, period.start, period.end)]
    meetings = [e for e in in_period if isinstance(e.model, Meeting)]
    return Review(
        memorandum=memorandum,
        period=period,
        as_of=as_of,
        cut_off=cut_off,
        clauses=tuple(clause_review(c, qualifying, period, cut_off) for c in memorandum.clauses),
        consultations=tuple(e for e in meetings if _meeting(e).type == "consultation"),
        other_meetings=tuple(e for e in meetings if _meeting(e).type != "consultation"),
        representation=_representation(meetings, memorandum.party_ids),
        seminars=_seminars(in_period, memorandum),
        exchanges=_exchanges(in_period, memorandum.party_ids),
        requests=_requests(in_period),
        programmes=tuple(e for e in in_period if isinstance(e.model, Programme)),
        costs=_costs(counted, period, memorandum.party_ids),
        actions=_actions(counted, period, as_of),
        contacts=_contacts(counted, memorandum.party_ids, period.start, cut_off),
        contact_persons=tuple(
            e
            for e in counted
            if isinstance(e.model, Contact) and within(e.model, period.start, cut_off)
        ),
        findings=tuple(findings),
        bilateral=tuple(
            e
            for e in entries
            if is_bilateral(e.model) and within(e.model, period.start, period.end)
        ),
    )


def _meeting(entry: Entry) -> Meeting:
    assert isinstance(entry.model, Meeting)
    return entry.model


def clause_review(
    clause: Clause, entries: Sequence[Entry], period: Period, cut_off: date
) -> ClauseReview:
    """A clause's status, count, longest gap and next due date (SPEC §5), from the records
    that show the memorandum acted on (`entries`, see `qualifies`)."""
    if not clause.evidence:
        return ClauseReview(clause, "n/a", 0, None, None, ())
    qualifying = [e for e in entries if counts_for(clause, e.model)]
    acted = tuple(e for e in qualifying if within(e.model, period.start, cut_off))
    if clause.cadence is None:
        return ClauseReview(
            clause, "on-track" if acted else "no-activity", len(acted), None, None, acted
        )
    dates = sorted(e.model.dated for e in qualifying)
    earlier = [day for day in dates if day < period.start]
    anchor = earlier[-1] if earlier else period.start
    sequence = [anchor, *(d for d in dates if period.start <= d <= cut_off), cut_off]
    steps = list(itertools.pairwise(sequence))
    longest = max((later - earlier_day).days for earlier_day, later in steps)
    behind = any(later > add_duration(first, clause.cadence) for first, later in steps)
    latest = [day for day in dates if day <= cut_off]
    next_due = add_duration(latest[-1], clause.cadence) if latest else None
    status = "no-activity" if not acted else ("behind" if behind else "on-track")
    return ClauseReview(clause, status, len(acted), longest, next_due, acted)


def _party_order(parties: Sequence[str]) -> dict[str, int]:
    return {party: index for index, party in enumerate(parties)}


def _representation(
    meetings: Iterable[Entry], parties: Sequence[str]
) -> tuple[tuple[str, str, int], ...]:
    counts: Counter[tuple[str, str]] = Counter()
    for entry in meetings:
        meeting = _meeting(entry)
        if meeting.type == "representation" and meeting.status == "held":
            for observer in dict.fromkeys(meeting.observers):
                if observer != meeting.organizer:
                    counts[(meeting.organizer, observer)] += 1
    order = _party_order(parties)
    rows = sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), order.get(kv[0][1], 99)))
    return tuple((host, observer, count) for (host, observer), count in rows)


def _seminars(entries: Iterable[Entry], memorandum: Memorandum) -> SeminarReview:
    seminars = [e for e in entries if isinstance(e.model, Seminar)]
    models = [e.model for e in seminars if isinstance(e.model, Seminar)]
    statuses = Counter(model.status for model in models)
    held = [model for model in models if model.status == "held"]
    topics = Counter(topic for model in held for topic in dict.fromkeys(model.topics))
    declared = memorandum.topic_ids
    return SeminarReview(
        held=statuses["held"],
        planned=statuses["planned"],
        cancelled=statuses["cancelled"],
        postponed=statuses["postponed"],
        participants=sum(model.participants_count or 0 for model in held),
        topics=tuple((topic, topics[topic]) for topic in declared),
        other_topics=tuple(sorted((t, n) for t, n in topics.items() if t not in declared)),
        states=tuple(sorted({state for model in held for state in model.states})),
        records=tuple(seminars),
    )


def _exchanges(
    entries: Iterable[Entry], parties: Sequence[str]
) -> tuple[tuple[str, str, int], ...]:
    counts = Counter((e.model.from_, e.model.to) for e in entries if isinstance(e.model, Exchange))
    order = _party_order(parties)
    rows = sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), order.get(kv[0][1], 99)))
    return tuple((sender, receiver, count) for (sender, receiver), count in rows)


def _requests(entries: Iterable[Entry]) -> RequestReview:
    requests = [e for e in entries if isinstance(e.model, Request)]
    models = [e.model for e in requests if isinstance(e.model, Request)]
    days = [(m.responded_on - m.date).days for m in models if m.responded_on is not None]
    median = statistics.median(days) if days else None
    if isinstance(median, float) and median.is_integer():
        median = int(median)
    return RequestReview(
        opened=len(models),
        resolved=sum(1 for m in models if m.status in RESOLVED_REQUESTS),
        median_response_days=median,
        records=tuple(requests),
    )


def _costs(entries: Iterable[Entry], period: Period, parties: Sequence[str]) -> tuple[Cost, ...]:
    """Expenses of signed or closed arrangements dated in the period (an expense's own date,
    else its arrangement's), planned future ones included, whatever the as-of date."""
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for entry in entries:
        arrangement = entry.model
        if not isinstance(arrangement, Arrangement) or arrangement.status not in (
            "signed",
            "closed",
        ):
            continue
        for expense in arrangement.expenses:
            if (expense.date or arrangement.date) in period:
                totals[(expense.payer, expense.currency, expense.status)] += expense.amount
    order = _party_order(parties)
    rows = sorted(
        (key for key, amount in totals.items() if amount),
        key=lambda k: (order.get(k[0], 99), k[0], k[1], COST_STATUSES.index(k[2])),
    )
    return tuple(
        Cost(payer, currency, status, totals[(payer, currency, status)])
        for payer, currency, status in rows
    )


def _actions(entries: Sequence[Entry], period: Period, as_of: date) -> ActionReview:
    opened = [i for i in action_items(entries, as_of) if i.meeting.model.dated in period]
    closed = sum(1 for item in opened if item.action.status in ("done", "dropped"))
    overdue = action_items(entries, as_of, overdue_only=True)
    return ActionReview(len(opened), closed, tuple(overdue))


def _contacts(
    entries: Iterable[Entry], parties: Sequence[str], start: date, cut_off: date
) -> tuple[tuple[str, int], ...]:
    """For each party, the days from `start` to `cut_off` on which it had no designated
    contact (a contact is designated every day from `from` through `to`, both inclusive)."""
    total = max((cut_off - start).days + 1, 0)
    spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for entry in entries:
        contact = entry.model
        if isinstance(contact, Contact):
            first = max(contact.from_, start)
            last = min(contact.to or cut_off, cut_off)
            if first <= last:
                spans[contact.party].append((first, last))
    rows = []
    for party in parties:
        covered, reached = 0, start - timedelta(days=1)
        for begins, last in sorted(spans[party]):
            first = max(begins, reached + timedelta(days=1))
            if first <= last:
                covered += (last - first).days + 1
                reached = last
        rows.append((party, total - covered))
    return tuple(rows)


# --- asking the record (mou list, show, actions, diff) -------------------------------------


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


def _refers(model: Record, to: str, value: str) -> bool:
    return any(marker.to == to and found == value for _, marker, found in references(model))


def select(entries: Iterable[Entry], filters: Filters) -> list[Entry]:
    """Records matching every given filter, sorted by date then id. `party` matches any party
    field (organizer, observers, participants, from, to, payer, lead, ...); `clause` the
    records that evidence the clause (whatever their status)."""
    found = []
    for entry in entries:
        model = entry.model
        if filters.kind is not None and model.kind != filters.kind:
            continue
        if filters.period is not None and not within(
            model, filters.period.start, filters.period.end
        ):
            continue
        if filters.party is not None and not _refers(model, "party", filters.party):
            continue
        if filters.topic is not None and not _refers(model, "topic", filters.topic):
            continue
        if filters.state is not None and not _refers(model, "state", filters.state):
            continue
        if filters.status is not None and getattr(model, "status", None) != filters.status:
            continue
        if filters.clause is not None and not counts_for(filters.clause, model):
            continue
        found.append(entry)
    return sorted(found, key=lambda e: (e.model.dated, e.id))


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
        for other in sorted(by_id.values(), key=lambda e: (e.model.dated, e.id))
        for loc, marker, value in references(other.model)
        if marker.to == "record" and value == entry.id
    ]
    return outgoing, incoming


CONTACT_DETAILS = ("email", "phone")


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


def _with_dates(value: Any) -> Any:
    import re

    if isinstance(value, dict):
        return {key: _with_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_dates(item) for item in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return value


@dataclass(frozen=True, slots=True)
class Change:
    """One record's difference between two versions of the record."""

    id: str
    kind: str
    path: str
    change: str  # added, removed, changed
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (field, before, after) for changed ones


def _field_changes(before: Any, after: Any, where: str) -> Iterator[tuple[str, Any, Any]]:
    """(path, before, after) of every value that differs, as deep as the two shapes match:
    `expenses[0].amount: "100.00" → "250.00"` rather than two whole lists."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in dict.fromkeys([*before, *after]):
            yield from _field_changes(
                before.get(key), after.get(key), f"{where}.{key}" if where else key
            )
    elif (
        isinstance(before, list)
        and isinstance(after, list)
        and len(before) == len(after)
        and any(isinstance(item, dict) for item in before)
    ):
        for index, (was, now) in enumerate(zip(before, after, strict=True)):
            yield from _field_changes(was, now, f"{where}[{index}]")
    else:
        yield where, before, after


@dataclass(frozen=True, slots=True)
class Difference:
    changes: tuple[Change, ...]
    new_findings: tuple[Problem, ...]
    resolved_findings: tuple[Problem, ...]


def difference(
    before: Sequence[Entry],
    after: Sequence[Entry],
    before_problems: Sequence[Problem],
    after_problems: Sequence[Problem],
    *,
    contact_details: bool = False,
) -> Difference:
    """What changed from one version of the record to another: records added, removed and
    changed (field by field), and the findings that appeared or went away."""
    old = {e.id: e for e in before}
    new = {e.id: e for e in after}
    changes = []
    for record_id in sorted(old.keys() | new.keys()):
        if record_id not in old:
            entry = new[record_id]
            changes.append(Change(record_id, entry.kind, entry.path, "added"))
        elif record_id not in new:
            entry = old[record_id]
            changes.append(Change(record_id, entry.kind, entry.path, "removed"))
        else:
            was = record_data(old[record_id], contact_details=contact_details)
            now = record_data(new[record_id], contact_details=contact_details)
            fields = tuple(_field_changes(was, now, ""))
            if fields:
                entry = new[record_id]
                changes.append(Change(record_id, entry.kind, entry.path, "changed", fields))

    def key(problem: Problem) -> tuple[str, str, str]:
        return (problem.code, problem.record or problem.path, problem.message)

    old_keys = {key(p) for p in before_problems}
    new_keys = {key(p) for p in after_problems}
    return Difference(
        changes=tuple(changes),
        new_findings=tuple(p for p in after_problems if key(p) not in old_keys),
        resolved_findings=tuple(p for p in before_problems if key(p) not in new_keys),
    )
