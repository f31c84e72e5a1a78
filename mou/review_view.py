"""The review's view model: what a template reads (`ReviewView`, built by `review_view`), never
the pydantic models. It is the user-template API documented in the README: text already in the
review's language; ids, codes, dates and numbers as values for `w` (a `Words`) to format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, overload

from mou.life import Life
from mou.load import Entry
from mou.models import Contact, Meeting, Memorandum, Programme, Request, Seminar
from mou.periods import Period
from mou.problems import Problem
from mou.review import (
    ClauseReview,
    ClauseStatus,
    ContactGap,
    Cost,
    ExchangeCount,
    Representation,
    Review,
    TopicCount,
)
from mou.selection import ActionItem
from mou.words import Words

T = TypeVar("T")

# --- the view model: what a template sees ------------------------------------------------------
# Text is in the review's language; ids, codes (statuses, forms, types), dates and numbers are
# values for `w` to format (`w.party(id)`, `w.word(code)`, `w.date(day)`, `w.number(n)`).


@dataclass(frozen=True, slots=True)
class RecordView:
    """Any record: bilateral ones, and the records behind a clause."""

    id: str
    kind: str
    title: str
    date: date


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: str
    title: str
    date: date
    type: str
    status: str
    organizer: str


@dataclass(frozen=True, slots=True)
class SeminarView:
    id: str
    title: str
    date: date
    form: str
    status: str
    participants: int | None


@dataclass(frozen=True, slots=True)
class RequestView:
    id: str
    title: str
    date: date
    requested_by: str
    addressed_to: str
    status: str


@dataclass(frozen=True, slots=True)
class ProgrammeView:
    id: str
    title: str
    start: date
    end: date | None
    status: str


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact person; `email` and `phone` are None unless contact details were asked for."""

    id: str
    name: str
    party: str
    position: str
    start: date
    end: date | None
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class ActionView:
    id: str  # meeting#action
    text: str
    owner: str
    due: date | None
    status: str
    overdue_days: int | None
    meeting: str  # the meeting's id


@dataclass(frozen=True, slots=True)
class ClauseText:
    id: str
    summary: str


class Later(Sequence[T]):
    """A sequence of views made when first read (`review_view`'s `later`): the site's yearly
    reviews show none of a clause's records, and a dense year has thousands. Never given to a
    user's template, which gets tuples (it may add, repeat or compare them)."""

    __slots__ = ("_items", "_made", "_view")

    def __init__(self, items: Sequence[Any], view: Callable[[Any], T]) -> None:
        self._items, self._view = items, view
        self._made: tuple[T, ...] | None = None

    def _all(self) -> tuple[T, ...]:
        if self._made is None:
            self._made = tuple(map(self._view, self._items))
        return self._made

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self._all()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Later):
            other = other._all()
        return isinstance(other, tuple) and self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


@dataclass(frozen=True, slots=True)
class ClauseView:
    clause: ClauseText
    status: ClauseStatus
    count: int
    longest_gap_days: int | None
    next_due: date | None
    records: Sequence[RecordView]  # a tuple, or for the site's own pages a `Later`


@dataclass(frozen=True, slots=True)
class Signatory:
    name: str
    title: str


@dataclass(frozen=True, slots=True)
class PartyView:
    id: str
    name: str
    short: str
    signatory: Signatory | None


@dataclass(frozen=True, slots=True)
class SigningView:
    date: date
    place: str


@dataclass(frozen=True, slots=True)
class MemorandumView:
    title: str
    short_title: str
    tags: tuple[str, ...]
    signed: SigningView
    parties: tuple[PartyView, ...]


@dataclass(frozen=True, slots=True)
class AmendmentView:
    id: str
    date: date
    title: str
    added: tuple[str, ...]  # clause ids
    changed: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LifeView:
    """The memorandum's life on the review's cut-off day (mou.life): `state` is a code for
    `w.word`; `term_end` the current term's last day; `ends` the last day in force as things
    stand (the term's end, or a termination)."""

    state: str
    in_force_since: date
    renewals: int
    term_end: date | None
    notice_by: date | None
    ends: date | None
    terminated: date | None
    amendments: tuple[AmendmentView, ...]


@dataclass(frozen=True, slots=True)
class SeminarsView:
    held: int
    planned: int
    cancelled: int
    postponed: int
    participants: int
    topics: tuple[TopicCount, ...]
    other_topics: tuple[TopicCount, ...]
    states: tuple[str, ...]
    records: tuple[SeminarView, ...]


@dataclass(frozen=True, slots=True)
class RequestsView:
    opened: int
    resolved: int
    median_response_days: float | int | None
    records: tuple[RequestView, ...]


@dataclass(frozen=True, slots=True)
class ActionsView:
    opened: int
    closed: int
    overdue: tuple[ActionView, ...]


@dataclass(frozen=True, slots=True)
class ReviewView:
    """The review as templates see it (the user-template API, see the README)."""

    memorandum: MemorandumView
    period: Period
    as_of: date
    cut_off: date
    clauses: tuple[ClauseView, ...]
    meetings: tuple[MeetingView, ...]
    representation: tuple[Representation, ...]
    seminars: SeminarsView
    exchanges: tuple[ExchangeCount, ...]
    requests: RequestsView
    programmes: tuple[ProgrammeView, ...]
    costs: tuple[Cost, ...]
    actions: ActionsView
    contacts: tuple[ContactGap, ...]
    contact_persons: tuple[ContactView, ...]
    findings: tuple[Problem, ...]
    bilateral: tuple[RecordView, ...]
    life: LifeView | None  # None when the memorandum says nothing of its life


class _Viewer:
    """Builds the views of one review in one language."""

    def __init__(self, words: Words, contact_details: bool, later: bool = False) -> None:
        self.w = words
        self.contact_details = contact_details
        self.later = later

    def title(self, entry: Entry) -> str:
        return self.w.title(entry)

    def record(self, e: Entry) -> RecordView:
        return RecordView(e.id, e.kind, self.title(e), e.model.dated)

    def meeting(self, e: Entry) -> MeetingView:
        m = e.model
        assert isinstance(m, Meeting)
        return MeetingView(e.id, self.title(e), m.date, m.type, m.status, m.organizer)

    def seminar(self, e: Entry) -> SeminarView:
        m = e.model
        assert isinstance(m, Seminar)
        return SeminarView(e.id, self.title(e), m.date, m.form, m.status, m.participants_count)

    def request(self, e: Entry) -> RequestView:
        m = e.model
        assert isinstance(m, Request)
        title = self.title(e)
        return RequestView(e.id, title, m.date, m.requested_by, m.addressed_to, m.status)

    def programme(self, e: Entry) -> ProgrammeView:
        m = e.model
        assert isinstance(m, Programme)
        return ProgrammeView(e.id, self.title(e), m.start, m.end, m.status)

    def contact(self, e: Entry) -> ContactView:
        m = e.model
        assert isinstance(m, Contact)
        shown = self.contact_details
        return ContactView(
            e.id,
            self.w.text(m.name),
            m.party,
            self.w.text(m.position),
            m.from_,
            m.to,
            m.email if shown else None,
            m.phone if shown else None,
        )

    def action(self, item: ActionItem) -> ActionView:
        a = item.action
        text = self.w.text(a.text)
        return ActionView(
            item.id, text, a.owner, a.due, a.status, item.overdue_days, item.meeting.id
        )

    def clause(self, c: ClauseReview) -> ClauseView:
        text = ClauseText(c.clause.id, self.w.text(c.clause.summary))
        records = (
            Later(c.records, self.record) if self.later else tuple(map(self.record, c.records))
        )
        return ClauseView(text, c.status, c.count, c.longest_gap_days, c.next_due, records)

    def memorandum(self, m: Memorandum) -> MemorandumView:
        text = self.w.text
        parties = tuple(
            PartyView(
                p.id,
                text(p.name),
                text(p.short),
                Signatory(text(p.signatory.name), text(p.signatory.title)) if p.signatory else None,
            )
            for p in m.parties
        )
        signed = SigningView(m.signed.date, text(m.signed.place))
        return MemorandumView(text(m.title), text(m.short_title), m.tags, signed, parties)

    def life(self, life: Life | None, m: Memorandum) -> LifeView | None:
        if life is None:
            return None
        amendments = tuple(
            AmendmentView(
                a.id, a.date, self.w.text(a.title), tuple(c.id for c in a.clauses.added),
                tuple(c.id for c in a.clauses.changed), a.clauses.removed,
            )
            for a in life.amendments
        )  # fmt: skip
        term = life.term
        return LifeView(
            life.state, life.in_force_since, life.renewals, term.end if term else None,
            term.notice_by if term else None, life.ends,
            m.terminated.date if m.terminated else None, amendments,
        )  # fmt: skip


def review_view(
    review: Review, words: Words, *, contact_details: bool = False, later: bool = False
) -> ReviewView:
    """The view of `review` that templates read, in the language of `words`; with `later`, a
    clause's records are made only when read (`Later`: for the site's own pages)."""
    v = _Viewer(words, contact_details, later)
    s, r, a = review.seminars, review.requests, review.actions
    seminars = SeminarsView(
        s.held, s.planned, s.cancelled, s.postponed, s.participants,
        s.topics, s.other_topics, s.states, tuple(map(v.seminar, s.records)),
    )  # fmt: skip
    return ReviewView(
        memorandum=v.memorandum(review.memorandum),
        period=review.period,
        as_of=review.as_of,
        cut_off=review.cut_off,
        clauses=tuple(map(v.clause, review.clauses)),
        meetings=tuple(map(v.meeting, review.meetings)),
        representation=review.representation,
        seminars=seminars,
        exchanges=review.exchanges,
        requests=RequestsView(
            r.opened, r.resolved, r.median_response_days, tuple(map(v.request, r.records))
        ),
        programmes=tuple(map(v.programme, review.programmes)),
        costs=review.costs,
        actions=ActionsView(a.opened, a.closed, tuple(map(v.action, a.overdue))),
        contacts=review.contacts,
        contact_persons=tuple(map(v.contact, review.contact_persons)),
        findings=review.findings,
        bilateral=tuple(map(v.record, review.bilateral)),
        life=v.life(review.life, review.memorandum),
    )
