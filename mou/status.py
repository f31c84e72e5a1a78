"""What needs attention now (`mou status`): the page an officer opens each morning.

Built on the review's own rules, never a second copy of them: clause due dates come from
`clause_review` (SPEC §5), overdue actions from `action_items`, the median response time and
the designated contacts from the review's aggregates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mou.life import NOTICE_DAYS, Life, clause_terms, has_life, life_on
from mou.load import Entry, RecordSet
from mou.models import Clause, Meeting, Memorandum, Request, Seminar
from mou.periods import Period, add_duration
from mou.problems import Problem, Severity
from mou.review import clause_in_force, contact_gaps, request_review
from mou.selection import ActionItem, action_items, is_bilateral, qualifies

DEFAULT_WITHIN = 30


@dataclass(frozen=True, slots=True)
class ClauseDue:
    clause: Clause
    due: date  # the next due date by the clause's cadence
    last: date | None  # the latest qualifying record on or before the as-of date, if any


@dataclass(frozen=True, slots=True)
class Waiting:
    """A request without a response, and for how many days it has waited."""

    entry: Entry
    days: int


@dataclass(frozen=True, slots=True)
class Status:
    as_of: date
    within: int
    overdue_actions: tuple[ActionItem, ...]  # open, due before the as-of date
    due_actions: tuple[ActionItem, ...]  # open, due within `within` days
    clauses_behind: tuple[ClauseDue, ...]  # next due date passed
    clauses_due: tuple[ClauseDue, ...]  # next due date within `within` days
    past_events: tuple[Entry, ...]  # planned meetings and seminars dated before the as-of date
    coming_events: tuple[Entry, ...]  # planned ones within `within` days
    median_response_days: float | int | None
    waiting_requests: tuple[Waiting, ...]  # longer than the median (else than `within` days)
    parties_without_contact: tuple[str, ...]
    errors: int
    warnings: int
    life: Life | None = None  # when the memorandum states its life (mou.life)
    notice_days: int = NOTICE_DAYS  # warned this many days before a notice deadline

    @property
    def overdue(self) -> bool:
        """Whether anything is past its date: what `mou status --check` fails on."""
        return bool(self.overdue_actions or self.clauses_behind or self.past_events)


def status(
    records: RecordSet,
    findings: Sequence[Problem],
    as_of: date,
    within: int = DEFAULT_WITHIN,
    notice_days: int = NOTICE_DAYS,
) -> Status:
    """What needs attention on `as_of`, looking `within` days ahead (and `notice_days` ahead of
    the memorandum's notice deadline). The record must have a memorandum."""
    memorandum = records.memorandum
    if memorandum is None:
        raise ValueError("the record has no readable memorandum")
    horizon = as_of + timedelta(days=min(within, (date.max - as_of).days))  # 9999-12-31 at most
    entries = sorted(records.entries, key=lambda e: (e.model.dated, e.id))
    counted = [e for e in entries if not is_bilateral(e.model)]
    actions = action_items(counted, as_of, open_only=True)
    clauses = _clauses_due(counted, memorandum, as_of)
    planned = [
        e for e in counted if isinstance(e.model, Meeting | Seminar) and e.model.status == "planned"
    ]
    median, waiting = _waiting_requests(counted, as_of, within)
    contacts = contact_gaps(counted, memorandum.party_ids, as_of, as_of)
    errors = sum(1 for p in findings if p.severity is Severity.ERROR)
    return Status(
        as_of=as_of,
        within=within,
        overdue_actions=tuple(i for i in actions if i.overdue_days is not None),
        due_actions=tuple(i for i in actions if i.action.due and as_of <= i.action.due <= horizon),
        clauses_behind=tuple(c for c in clauses if c.due < as_of),
        clauses_due=tuple(c for c in clauses if as_of <= c.due <= horizon),
        past_events=tuple(e for e in planned if e.model.dated < as_of),
        coming_events=tuple(e for e in planned if as_of <= e.model.dated <= horizon),
        median_response_days=median,
        waiting_requests=waiting,
        parties_without_contact=tuple(party for party, days in contacts if days),
        errors=errors,
        warnings=len(findings) - errors,
        life=life_on(memorandum, as_of, notice_days) if has_life(memorandum) else None,
        notice_days=notice_days,
    )


def _clauses_due(entries: Sequence[Entry], memorandum: Memorandum, as_of: date) -> list[ClauseDue]:
    """Each cadenced clause in force on the as-of date (as amended by then), with its next
    due date as the review computes it over the time since signing; a clause never acted on
    was due one cadence after signing (or after the amendment that added it). A clause
    removed, or a memorandum terminated, is due no more."""
    qualifying = [e for e in entries if qualifies(e.model)]
    signed = memorandum.signed.date
    since_signing = Period("since signing", signed, max(signed, as_of))
    found = []
    for term in clause_terms(memorandum, as_of, as_of):
        clause, since, until = term
        if clause.cadence is None or not clause.evidence:
            continue
        review = clause_in_force(term, qualifying, since_signing, as_of)
        if review is None:
            continue
        last = max((e.model.dated for e in review.records), default=None)
        due = review.next_due
        if due is None and last is None:  # never acted on: due one cadence after it began
            due = add_duration(max(signed, since), clause.cadence)
        if due is None or due > until:
            continue  # it ends before it falls due again
        found.append(ClauseDue(clause, due, last))
    return sorted(found, key=lambda c: c.due)


def _waiting_requests(
    entries: Sequence[Entry], as_of: date, within: int
) -> tuple[float | int | None, tuple[Waiting, ...]]:
    """Open requests without a response for longer than the median response time of all
    requests (the review's median); with no response yet to measure, longer than `within`."""
    median = request_review(entries).median_response_days
    limit = median if median is not None else within
    waiting = [
        Waiting(e, (as_of - e.model.date).days)
        for e in entries
        if isinstance(e.model, Request)
        and e.model.status == "open"
        and e.model.responded_on is None
        and (as_of - e.model.date).days > limit
    ]
    return median, tuple(sorted(waiting, key=lambda w: (-w.days, w.entry.id)))
