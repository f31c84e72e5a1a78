"""The joint review's data (SPEC §5, §6) and its JSON form.

`review()` takes the loaded record, a period and an as-of date, and returns plain data that
every output format renders the same way. Nothing here reads files or formats text.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from mou.life import Life, clause_terms, has_life, life_data, life_on
from mou.load import Entry, RecordSet
from mou.models import (
    Arrangement,
    Clause,
    Contact,
    Exchange,
    Meeting,
    Memorandum,
    Programme,
    Request,
    Seminar,
)
from mou.output import diagnostic
from mou.periods import Period, add_duration
from mou.problems import Problem
from mou.selection import (
    ActionItem,
    action_items,
    by_date,
    counted_by,
    is_bilateral,
    qualifies,
    record_data,
    within,
)

ClauseStatus = Literal["on-track", "behind", "no-activity", "n/a"]
CostStatus = Literal["planned", "committed", "paid"]
RESOLVED_REQUESTS = {"delivered", "declined", "withdrawn"}
COST_STATUSES: tuple[CostStatus, ...] = ("planned", "committed", "paid")


@dataclass(frozen=True, slots=True)
class ClauseReview:
    clause: Clause
    status: ClauseStatus
    count: int
    longest_gap_days: int | None
    next_due: date | None
    records: tuple[Entry, ...]  # qualifying, in the period up to the cut-off


class Representation(NamedTuple):
    """Meetings held by `host` that `observer` attended."""

    host: str
    observer: str
    meetings: int


class ExchangeCount(NamedTuple):
    """Exchanges of information from one party to another."""

    sender: str
    receiver: str
    exchanges: int


class TopicCount(NamedTuple):
    """Held seminars on a topic."""

    topic: str
    held: int


class ContactGap(NamedTuple):
    """The days of the period (to the cut-off) a party had no designated contact."""

    party: str
    days_without: int


@dataclass(frozen=True, slots=True)
class SeminarReview:
    held: int
    planned: int
    cancelled: int
    postponed: int
    participants: int
    topics: tuple[TopicCount, ...]  # every declared topic, and held seminars on it
    other_topics: tuple[TopicCount, ...]  # held seminars' topics the memorandum lacks
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
    status: CostStatus
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Review:
    memorandum: Memorandum
    period: Period
    as_of: date
    cut_off: date
    clauses: tuple[ClauseReview, ...]
    meetings: tuple[Entry, ...]  # by date; consultations before other meetings of a day
    representation: tuple[Representation, ...]
    seminars: SeminarReview
    exchanges: tuple[ExchangeCount, ...]
    requests: RequestReview
    programmes: tuple[Entry, ...]
    costs: tuple[Cost, ...]
    actions: ActionReview
    contacts: tuple[ContactGap, ...]
    contact_persons: tuple[Entry, ...]  # designated on some day of the period up to the cut-off
    findings: tuple[Problem, ...]
    bilateral: tuple[Entry, ...] = field(default=())  # left out of everything above
    life: Life | None = None  # on the cut-off day, when the memorandum states its life


def review(
    records: RecordSet, period: Period, as_of: date, findings: Sequence[Problem] = ()
) -> Review:
    """The review of `period` as of `as_of` (SPEC §6). The record must have a memorandum."""
    memorandum = records.memorandum
    if memorandum is None:
        raise ValueError("the record has no readable memorandum")
    cut_off = min(period.end, as_of)
    entries = by_date(records.entries)
    counted = [e for e in entries if not is_bilateral(e.model)]
    qualifying = [e for e in counted if qualifies(e.model)]
    in_period = [e for e in counted if within(e.model, period.start, period.end)]
    meetings = [e for e in in_period if isinstance(e.model, Meeting)]
    return Review(
        memorandum=memorandum,
        period=period,
        as_of=as_of,
        cut_off=cut_off,
        clauses=tuple(_amended_clauses(memorandum, qualifying, period, cut_off)),
        meetings=tuple(sorted(meetings, key=_meeting_order)),
        representation=_representation(meetings, memorandum.party_ids),
        seminars=_seminars(in_period, memorandum),
        exchanges=_exchanges(in_period, memorandum.party_ids),
        requests=request_review(in_period),
        programmes=tuple(e for e in in_period if isinstance(e.model, Programme)),
        costs=costs(counted, period, memorandum.party_ids),
        actions=_actions(counted, period, as_of),
        contacts=contact_gaps(counted, memorandum.party_ids, period.start, cut_off),
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
        life=life_on(memorandum, cut_off) if has_life(memorandum) else None,
    )


def _amended_clauses(
    memorandum: Memorandum, qualifying: Sequence[Entry], period: Period, cut_off: date
) -> Iterator[ClauseReview]:
    """Each clause in force in the period, as amended by the cut-off (see `clause_in_force`)."""
    for term in clause_terms(memorandum, period.start, cut_off):
        found = clause_in_force(term, qualifying, period, cut_off)
        if found is not None:
            yield found


def clause_in_force(
    term: tuple[Clause, date, date], qualifying: Sequence[Entry], period: Period, cut_off: date
) -> ClauseReview | None:
    """`clause_review` of a clause in force from `since` to `until` (a `term` of
    `life.clause_terms`: the clause, as amended, and its first and last day in force): a
    clause an amendment added counts records from the amendment's date, one removed (or ended
    by termination) up to its last day; None when it is in force on no day of the period up
    to the cut-off. The review, `mou stats` and `mou status` all count a clause through this."""
    clause, since, until = term
    if since == date.min and until == date.max:
        return clause_review(clause, qualifying, period, cut_off)
    first, last = max(period.start, since), min(cut_off, until)
    if first > last:
        return None
    counted = [e for e in qualifying if since <= e.model.dated <= until]
    found = clause_review(clause, counted, Period(period.label, first, period.end), last)
    if found.next_due is not None and found.next_due > until:
        return replace(found, next_due=None)  # nothing is due once it has ended
    return found


def _meeting(entry: Entry) -> Meeting:
    assert isinstance(entry.model, Meeting)
    return entry.model


def is_consultation(entry: Entry) -> bool:
    return _meeting(entry).type == "consultation"


def _meeting_order(entry: Entry) -> tuple[date, bool, str]:
    return entry.model.dated, not is_consultation(entry), entry.id


def clause_review(
    clause: Clause,
    entries: Sequence[Entry],
    period: Period,
    cut_off: date,
    *,
    counted: bool = False,
) -> ClauseReview:
    """A clause's status, count, longest gap and next due date (SPEC §5), from the records
    that show the memorandum acted on (`entries`, see `qualifies`); `counted`: each of them
    is known to count for the clause (`counts_for`), which is then not asked again."""
    if not clause.evidence:
        return ClauseReview(clause, "n/a", 0, None, None, ())
    if counted:
        qualifying = list(entries)
    else:
        counts = counted_by(clause)
        qualifying = [e for e in entries if counts(e.model)]
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
    status: ClauseStatus = "no-activity" if not acted else ("behind" if behind else "on-track")
    return ClauseReview(clause, status, len(acted), longest, next_due, acted)


def _pair_counts(
    pairs: Iterable[tuple[str, str]], parties: Sequence[str]
) -> list[tuple[str, str, int]]:
    """How often each (party, party) pair occurs, in the memorandum's order of parties."""
    order = {party: index for index, party in enumerate(parties)}
    counts = Counter(pairs)
    rows = sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), order.get(kv[0][1], 99)))
    return [(first, second, count) for (first, second), count in rows]


def _representation(
    meetings: Iterable[Entry], parties: Sequence[str]
) -> tuple[Representation, ...]:
    pairs = [
        (meeting.organizer, observer)
        for meeting in map(_meeting, meetings)
        if meeting.type == "representation" and meeting.status == "held"
        for observer in dict.fromkeys(meeting.observers)
        if observer != meeting.organizer
    ]
    return tuple(Representation(*row) for row in _pair_counts(pairs, parties))


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
        topics=tuple(TopicCount(topic, topics[topic]) for topic in declared),
        other_topics=tuple(
            TopicCount(t, n) for t, n in sorted(topics.items()) if t not in declared
        ),
        states=tuple(sorted({state for model in held for state in model.states})),
        records=tuple(seminars),
    )


def _exchanges(entries: Iterable[Entry], parties: Sequence[str]) -> tuple[ExchangeCount, ...]:
    pairs = [(e.model.from_, e.model.to) for e in entries if isinstance(e.model, Exchange)]
    return tuple(ExchangeCount(*row) for row in _pair_counts(pairs, parties))


def request_review(entries: Iterable[Entry]) -> RequestReview:
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


def costs(entries: Iterable[Entry], period: Period, parties: Sequence[str]) -> tuple[Cost, ...]:
    """Expenses of signed or closed arrangements dated in the period (an expense's own date,
    else its arrangement's), planned future ones included, whatever the as-of date."""
    totals: dict[tuple[str, str, CostStatus], Decimal] = defaultdict(Decimal)
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
    order = {party: index for index, party in enumerate(parties)}
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


def contact_gaps(
    entries: Iterable[Entry], parties: Sequence[str], start: date, cut_off: date
) -> tuple[ContactGap, ...]:
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
        rows.append(ContactGap(party, total - covered))
    return tuple(rows)


# --- the review as JSON ----------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _ids(entries: Iterable[Entry]) -> list[str]:
    return [e.id for e in entries]


def _clause_data(c: ClauseReview) -> dict[str, Any]:
    return {
        "id": c.clause.id,
        "status": c.status,
        "count": c.count,
        "longest_gap_days": c.longest_gap_days,
        "next_due": _day(c.next_due),
        "records": _ids(c.records),
    }


def _seminar_data(s: SeminarReview) -> dict[str, Any]:
    return {
        "held": s.held,
        "planned": s.planned,
        "cancelled": s.cancelled,
        "postponed": s.postponed,
        "participants": s.participants,
        "topics": [{"topic": t, "held": n} for t, n in s.topics],
        "other_topics": [{"topic": t, "held": n} for t, n in s.other_topics],
        "states": list(s.states),
        "records": _ids(s.records),
    }


def review_data(review: Review, *, contact_details: bool = False) -> dict[str, Any]:
    """The review as plain data with stable keys (SPEC §6); amounts as strings; contacts'
    e-mail and phone only when asked for."""
    requests, actions = review.requests, review.actions
    return {
        "period": {
            "label": review.period.label,
            "start": _day(review.period.start),
            "end": _day(review.period.end),
        },
        "as_of": _day(review.as_of),
        "cut_off": _day(review.cut_off),
        "clauses": [_clause_data(c) for c in review.clauses],
        "meetings": {
            "consultations": _ids(filter(is_consultation, review.meetings)),
            "other": _ids(e for e in review.meetings if not is_consultation(e)),
        },
        "representation": [
            {"host": host, "observer": observer, "count": n}
            for host, observer, n in review.representation
        ],
        "seminars": _seminar_data(review.seminars),
        "exchanges": [{"from": s, "to": r, "count": n} for s, r, n in review.exchanges],
        "requests": {
            "opened": requests.opened,
            "resolved": requests.resolved,
            "median_response_days": requests.median_response_days,
            "records": _ids(requests.records),
        },
        "programmes": _ids(review.programmes),
        "costs": [
            {"payer": c.payer, "currency": c.currency, "status": c.status, "amount": str(c.amount)}
            for c in review.costs
        ],
        "actions": {
            "opened": actions.opened,
            "closed": actions.closed,
            "overdue": [o.id for o in actions.overdue],
        },
        "contacts": [row._asdict() for row in review.contacts],
        "contact_persons": [
            {"id": e.id, **record_data(e, contact_details=contact_details)}
            for e in review.contact_persons
        ],
        "bilateral": _ids(review.bilateral),
        "findings": [diagnostic(p) for p in review.findings],
    } | ({"life": life_data(review.life)} if review.life else {})


def review_json(review: Review, *, contact_details: bool = False) -> str:
    import json

    data = review_data(review, contact_details=contact_details)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
