"""The portfolio's rows (`mou portfolio`): one per memorandum, the page a head of department
reads — its state of life, its clauses this year, the last qualifying record, overdue actions,
the next deadline, and a traffic light with the reasons for it.

Built on the review's and the status's own code, never a copy of their rules: the clauses'
statuses are `review.review`'s over the current year (the amended text, the same cadence
arithmetic) except that a clause past its next due date on the as-of day is *behind*, as
`mou status` says; overdue actions, the clauses' next due dates and which clauses are behind
are `status.status`'s; the state of life is `life.life_on`'s. A memorandum whose record does
not validate still gets a row (state `invalid`, red), so one broken folder never hides the
others.

The traffic light, first rule that holds (README, "mou portfolio"):
- red: the record does not validate; or the memorandum expired (ended without renewal and
  was not terminated); or an action item is overdue; or a clause in force is past its next
  due date on the as-of day (`mou status`'s "behind their cadence", never acted on or not);
- amber: in the notice window (the last day to give notice of non-renewal is near); or in
  force since before this year and nothing qualifying recorded this year;
- green: otherwise (in force and acting, not yet in force, or terminated with nothing overdue).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

from mou.life import NOTICE_DAYS, Life, in_force_since, life_on, renewal
from mou.load import RecordSet
from mou.models import Memorandum, localized
from mou.periods import Period
from mou.problems import N_, NT, Problem, Severity, T, Text
from mou.review import review
from mou.selection import is_bilateral, qualifies
from mou.status import Status, status

Light = Literal["red", "amber", "green"]
LIGHTS: tuple[Light, ...] = ("red", "amber", "green")  # the order of `--sort light`
INVALID = "invalid"  # the state of a memorandum whose record does not validate
DeadlineKind = Literal["entry-into-force", "notice", "end-of-term", "action", "clause"]
CLAUSE_STATUSES = ("on-track", "behind", "no-activity")  # what the row counts (not `n/a`)
HORIZON_DAYS = 3660  # how far ahead the next deadline is looked for (ten years)

# Words of the rows that are not the record's vocabulary (`make messages` finds them here).
WORDS = (
    N_("red"),
    N_("amber"),
    N_("green"),
    N_("invalid"),
    N_("entry into force"),
    N_("notice"),
    N_("end of term"),
    N_("action"),
    N_("clause"),
)


class Member(Protocol):
    """A memorandum of the portfolio: its id (the folder's name) and its records root."""

    @property
    def id(self) -> str: ...

    @property
    def root(self) -> Path: ...


@dataclass(frozen=True, slots=True)
class Deadline:
    day: date
    kind: DeadlineKind
    ref: str  # the action's `MEETING#ACTION` or the clause's id; empty for the life's dates
    owner: str = ""  # an action's owner (a party id)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a row has its light: a stable code and the message that says it."""

    code: str
    message: Text


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    id: str
    root: Path
    memorandum: Memorandum | None  # None when the memorandum itself cannot be read
    state: str  # a `life.State`, or `invalid`
    light: Light
    reasons: tuple[Reason, ...]
    clauses: dict[str, int] | None  # by status over the current year; None: not in force then
    last_record: date | None  # the latest qualifying record on or before the as-of date
    overdue_actions: int | None
    next_deadline: Deadline | None
    errors: int
    warnings: int
    life: Life | None = None

    @property
    def behind(self) -> int:
        return (self.clauses or {}).get("behind", 0)

    @property
    def illustrative(self) -> bool:
        return self.memorandum is not None and "illustrative" in self.memorandum.tags


@dataclass(frozen=True, slots=True)
class Overview:
    as_of: date
    year: Period  # the current year: what the clause figures cover
    rows: tuple[PortfolioRow, ...]
    sort: str

    def count(self, light: Light) -> int:
        return sum(1 for row in self.rows if row.light == light)


def portfolio_rows(
    members: Iterable[Member],
    as_of: date,
    sort: str = "light",
    language: str = "en",
    notice_days: int = NOTICE_DAYS,
) -> Overview:
    """The portfolio on `as_of`: a row per member, sorted by the column `sort` (see SORTS)."""
    year = year_of(as_of)
    rows = [member_row(m.id, m.root, as_of, year, notice_days) for m in members]
    return Overview(as_of, year, tuple(sort_rows(rows, sort, language)), sort)


def year_of(as_of: date) -> Period:
    """The calendar year of `as_of` (the portfolio's "this year" columns)."""
    return Period(str(as_of.year), date(as_of.year, 1, 1), date(as_of.year, 12, 31))


def member_row(
    member_id: str,
    root: Path,
    as_of: date,
    year: Period,
    notice_days: int = NOTICE_DAYS,
    *,
    loaded: tuple[RecordSet, Sequence[Problem]] | None = None,
) -> PortfolioRow:
    """One memorandum's row: loaded and checked as `mou validate` would on `as_of` (or
    `loaded`: the record as loaded already, with its findings on `as_of`)."""
    from mou.checks import run_checks
    from mou.load import load

    if loaded is None:
        records = load(root)
        findings: Sequence[Problem] = run_checks(records, as_of)
    else:
        records, findings = loaded
    errors = sum(1 for p in findings if p.severity is Severity.ERROR)
    warnings = len(findings) - errors
    memorandum = records.memorandum
    if memorandum is None or errors:
        message = NT(
            "the record does not validate: {n} error",
            "the record does not validate: {n} errors",
            max(errors, 1),
        )
        return PortfolioRow(
            id=member_id,
            root=root,
            memorandum=memorandum,
            state=INVALID,
            light="red",
            reasons=(Reason("invalid", message),),
            clauses=None,
            last_record=None,
            overdue_actions=None,
            next_deadline=None,
            errors=errors,
            warnings=warnings,
        )
    return _row(member_id, root, records, findings, as_of=as_of, year=year, notice_days=notice_days)


def _row(
    member_id: str,
    root: Path,
    records: RecordSet,
    findings: Sequence[Problem],
    *,
    as_of: date,
    year: Period,
    notice_days: int,
) -> PortfolioRow:
    memorandum = records.memorandum
    assert memorandum is not None  # member_row gives an unreadable one its own row
    life = life_on(memorandum, as_of, notice_days)
    found = status(records, findings, as_of, HORIZON_DAYS, notice_days)
    clauses = None
    counted = _clause_period(memorandum, life, year, as_of)
    if counted is not None:
        late = {c.clause.id for c in found.clauses_behind}
        statuses = [
            _clause_status(c.clause.id, c.status, late)
            for c in review(records, counted, as_of, findings).clauses
        ]
        clauses = {name: statuses.count(name) for name in CLAUSE_STATUSES}
    qualifying = [
        e.model.dated
        for e in records.entries
        if qualifies(e.model) and not is_bilateral(e.model) and e.model.dated <= as_of
    ]
    last = max(qualifying, default=None)
    light, reasons = traffic_light(
        life,
        overdue=len(found.overdue_actions),
        behind=(clauses or {}).get("behind", 0),
        recorded_this_year=last is not None and last >= year.start,
        year_start=year.start,
    )
    return PortfolioRow(
        id=member_id,
        root=root,
        memorandum=memorandum,
        state=life.state,
        light=light,
        reasons=reasons,
        clauses=clauses,
        last_record=last,
        overdue_actions=len(found.overdue_actions),
        next_deadline=_next_deadline(memorandum, life, found, as_of),
        errors=0,
        warnings=len(findings),
        life=life,
    )


def _clause_status(clause_id: str, reviewed: str, late: set[str]) -> str:
    """A clause's status on the row, as `mou status` sees the as-of date: *behind* when its
    next due date (`Status.clauses_behind`) has passed, acted on or not; a clause the year's
    review calls behind for an earlier gap but that is not past due today is on track."""
    if clause_id in late:
        return "behind"
    return "on-track" if reviewed == "behind" else reviewed


def _clause_period(memorandum: Memorandum, life: Life, year: Period, as_of: date) -> Period | None:
    """The current year within the memorandum's life (from entry into force to its end), or
    None when it was not in force on any day of the year up to `as_of`."""
    start = max(year.start, in_force_since(memorandum))
    end = min(year.end, life.ends) if life.ends is not None else year.end
    if start > min(end, as_of):
        return None
    return Period(year.label, start, end)


def traffic_light(
    life: Life, *, overdue: int, behind: int, recorded_this_year: bool, year_start: date
) -> tuple[Light, tuple[Reason, ...]]:
    """The light by the rule in this module's docstring, and every reason that holds."""
    acting = life.state in ("in-force", "notice-window")
    red: list[Reason] = []
    if life.state == "expired" and life.ends is not None:
        red.append(Reason("expired", T(N_("expired on {date}, not renewed"), date=life.ends)))
    if overdue:
        message = NT("{n} action overdue", "{n} actions overdue", overdue)
        red.append(Reason("overdue-actions", message))
    if behind and acting:
        message = NT("{n} clause behind its cadence", "{n} clauses behind their cadence", behind)
        red.append(Reason("clauses-behind", message))
    amber: list[Reason] = []
    if life.state == "notice-window" and life.term is not None and life.term.notice_by:
        message = T(N_("notice of non-renewal by {date}"), date=life.term.notice_by)
        amber.append(Reason("notice-window", message))
    if acting and not recorded_this_year and life.in_force_since <= year_start:
        message = T(N_("nothing recorded since {date}"), date=year_start)
        amber.append(Reason("nothing-this-year", message))
    light: Light = "red" if red else "amber" if amber else "green"
    return light, (*red, *amber)


def _next_deadline(
    memorandum: Memorandum, life: Life, found: Status, as_of: date
) -> Deadline | None:
    """The soonest of: entry into force (pending), the last day to give notice (once this
    term's has passed, the next term's under automatic renewal), the end of a term that does
    not renew itself, an open action's due date, a clause's next due date."""
    candidates: list[Deadline] = []
    if life.state == "pending":
        candidates.append(Deadline(life.in_force_since, "entry-into-force", ""))
    term = life.term
    ending = memorandum.terminated is not None  # recorded: notice given, the end is known
    if life.state in ("in-force", "notice-window") and (term is not None or ending):
        notice = None if ending or term is None else term.notice_by
        if notice is not None and notice < as_of:
            # this term's notice date passed: the one of the term it renews itself into
            following = renewal(memorandum, term.number + 1) if term is not None else None
            notice = following.notice_by if following is not None else None
        if notice is not None and notice >= as_of:
            candidates.append(Deadline(notice, "notice", ""))
        if (ending or memorandum.renewal != "automatic") and life.ends is not None:
            candidates.append(Deadline(life.ends, "end-of-term", ""))
    candidates += [
        Deadline(item.action.due, "action", item.id, item.action.owner)
        for item in found.due_actions
        if item.action.due is not None
    ]
    if life.state in ("in-force", "notice-window"):
        candidates += [Deadline(c.due, "clause", c.clause.id) for c in found.clauses_due]
    return min(candidates, key=lambda d: (d.day, d.kind, d.ref), default=None)


# --- sorting ---------------------------------------------------------------------------------

_FAR = date.max


def _light_key(row: PortfolioRow) -> tuple[Any, ...]:
    deadline = row.next_deadline.day if row.next_deadline else _FAR
    return LIGHTS.index(row.light), row.state != INVALID, -row.behind, deadline, row.id


def title_of(row: PortfolioRow, language: str, *, short: bool = True) -> str:
    """The memorandum's short title (else its title) in `language`; empty when unreadable."""
    memorandum = row.memorandum
    if memorandum is None:
        return ""
    title = memorandum.short_title if short and memorandum.short_title else memorandum.title
    return localized(title, language)


def _title_key(row: PortfolioRow, language: str) -> tuple[Any, ...]:
    return title_of(row, language).casefold(), row.id


# The order of `--sort state`: what needs attention first.
STATE_ORDER = (INVALID, "expired", "notice-window", "in-force", "pending", "terminated")


# Each `--sort` column and its order: what needs attention first.
SORTS: dict[str, Callable[[PortfolioRow, str], tuple[Any, ...]]] = {
    "light": lambda row, _: _light_key(row),  # red (invalid first), amber, green
    "id": lambda row, _: (row.id,),
    "title": _title_key,  # in the language shown
    "state": lambda row, _: (STATE_ORDER.index(row.state), row.id),
    "clauses": lambda row, _: (-row.behind, row.id),  # most clauses behind first
    "last": lambda row, _: (row.last_record or date.min, row.id),  # longest quiet first
    "overdue": lambda row, _: (-(row.overdue_actions or 0), row.id),  # most overdue first
    "next": lambda row, _: (row.next_deadline.day if row.next_deadline else _FAR, row.id),
}


def sort_rows(rows: Iterable[PortfolioRow], sort: str, language: str = "en") -> list[PortfolioRow]:
    """Rows in the order of the column `sort` (a key of SORTS); titles in `language`."""
    key = SORTS[sort]
    return sorted(rows, key=lambda row: key(row, language))
