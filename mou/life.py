"""The memorandum's own life: entry into force, term, renewals, notice, amendments, termination.

Pure calendar arithmetic over the `Memorandum` model (no I/O), in the way of periods.py:
durations are added in calendar months and years, so a month end stays a month end when the
month allows it (2024-01-31 + P1M = 2024-02-29) and a leap day falls back to 28 February.

The conventions, stated once:
- the memorandum is in force from `entry_into_force` (the signing date when it is absent or
  `signature`);
- a term's end is its last day in force: `expires`, or the day before entry into force plus
  `term` (2020-01-31 + P1M: the term ends 2020-02-28, the day before 29 February); each
  automatic renewal runs `renewal_term` more, every end computed from entry into force at
  once (term + n × renewal_term; from the day after `expires` when that is given), so a
  month end or a leap day never drifts from one renewal to the next;
- the last day to give notice on a term is its end less `notice`;
- `terminated.date` is the day the termination takes effect ("with effect from"): from that
  day on the memorandum is terminated and no longer in force, so its last day in force is the
  day before (`last_day_in_force`); a record dated on that day or later is after termination.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, get_args

from mou.models import Amendment, Clause, Memorandum
from mou.periods import duration_of
from mou.problems import N_, T, Text

State = Literal["pending", "in-force", "notice-window", "expired", "terminated"]
STATES: tuple[State, ...] = get_args(State)
NOTICE_DAYS = 90  # how long before a notice deadline the state is `notice-window` (status warns)
LIFE_FIELDS = (
    "entry_into_force",
    "term",
    "expires",
    "renewal",
    "renewal_term",
    "notice",
    "amendments",
    "terminated",
)
Finding = tuple[str, tuple[str | int, ...], str]  # (code, location in memorandum.yaml, message)


@dataclass(frozen=True, slots=True)
class Term:
    """One term of the memorandum: 0 is the first, n the n-th renewal. `end` is its last day
    in force; `notice_by` the last day to give notice of non-renewal or termination."""

    number: int
    start: date
    end: date
    notice_by: date | None


@dataclass(frozen=True, slots=True)
class Life:
    """The memorandum's life on one day."""

    day: date
    in_force_since: date
    state: State
    term: Term | None  # the term running on the day (the last one when expired; None if open-ended)
    ends: date | None  # the last day in force as things stand (term end, or termination)
    amendments: tuple[Amendment, ...]  # in date order
    terminated: date | None = None  # the day a recorded termination takes effect

    @property
    def renewals(self) -> int:
        return self.term.number if self.term else 0


def has_life(memorandum: Memorandum) -> bool:
    """Whether the memorandum says anything about its life (else nothing shows it)."""
    return any(getattr(memorandum, name) not in (None, ()) for name in LIFE_FIELDS)


def in_force_since(memorandum: Memorandum) -> date:
    entry = memorandum.entry_into_force
    return entry if isinstance(entry, date) else memorandum.signed.date


def last_day_in_force(memorandum: Memorandum) -> date | None:
    """The day before a termination takes effect (None when not terminated): the last day the
    memorandum was in force, its clauses counted, and a record dated within its life."""
    terminated = memorandum.terminated
    if terminated is None:
        return None
    return terminated.date - timedelta(days=1) if terminated.date > date.min else date.min


def _after(day: date, *durations: tuple[str, int]) -> date | None:
    """`day` plus the sum of each duration times its count, added at once (so a month end is
    clamped once, never step by step), or None past the calendar's end."""
    try:
        total: Any = sum((duration_of(text) * times for text, times in durations), timedelta())
        result: Any = day + total
    except (OverflowError, ValueError):
        return None
    return result if isinstance(result, date) else None


def _term(memorandum: Memorandum, number: int, start: date, after: date | None) -> Term | None:
    if after is None or after <= start:
        return None
    end = after - timedelta(days=1)
    notice = memorandum.notice
    notice_by = _after(end, (notice, -1)) if notice else None
    return Term(number, start, end, notice_by)


def _boundary(memorandum: Memorandum, renewals: int) -> date | None:
    """The first day after the term that ends `renewals` automatic renewals in (0: the first
    term): anchored on entry into force (or on the day after `expires`)."""
    every = [(memorandum.renewal_term, renewals)] if renewals and memorandum.renewal_term else []
    if memorandum.expires is not None:
        if memorandum.expires == date.max:
            return None  # the calendar's last day: no day after it, no end
        return _after(memorandum.expires + timedelta(days=1), *every)
    if memorandum.term is not None:
        return _after(in_force_since(memorandum), (memorandum.term, 1), *every)
    return None


def first_term(memorandum: Memorandum) -> Term | None:
    """The first term, or None when the memorandum runs without end."""
    return _term(memorandum, 0, in_force_since(memorandum), _boundary(memorandum, 0))


def renewal(memorandum: Memorandum, number: int) -> Term | None:
    """The `number`-th automatic renewal (1 is the first), or None without one."""
    if memorandum.renewal != "automatic" or memorandum.renewal_term is None or number < 1:
        return None
    start = _boundary(memorandum, number - 1)
    if start is None:
        return None
    return _term(memorandum, number, start, _boundary(memorandum, number))


def term_on(memorandum: Memorandum, day: date) -> Term | None:
    """The term running on `day`: the first one up to its end, then the renewal covering the
    day; without automatic renewal, the first term (which has then expired)."""
    first = first_term(memorandum)
    if first is None or day <= first.end:
        return first
    term = renewal(memorandum, 1)
    if term is None:
        return first
    # Jump near the day (anchored arithmetic makes this exact), then step to it.
    length = max(1, (term.end - term.start).days + 1)
    guess = renewal(memorandum, max(1, (day - term.start).days // length))
    term = guess or term
    while term.start > day and term.number > 1:
        term = renewal(memorandum, term.number - 1) or first
    while term.end < day:
        following = renewal(memorandum, term.number + 1)
        if following is None:
            return term
        term = following
    return term


def life_on(memorandum: Memorandum, day: date, notice_days: int = NOTICE_DAYS) -> Life:
    """Where the memorandum stands on `day`. `notice_days`: how long before a notice deadline
    the state is `notice-window` (the deadline itself included)."""
    since = in_force_since(memorandum)
    last = last_day_in_force(memorandum)
    term = term_on(memorandum, day if last is None else min(day, last))  # none after the end
    ends = term.end if term else None
    terminated = memorandum.terminated
    if last is not None and (ends is None or last <= ends):
        ends = last
    state: State
    if terminated is not None and day >= terminated.date:
        state = "terminated"
    elif day < since:
        state = "pending"
    elif ends is not None and day > ends:
        state = "expired"
    elif (
        terminated is None  # once a termination is recorded, notice has been given
        and term is not None
        and term.notice_by is not None
        and (term.notice_by - day).days in range(notice_days + 1)
    ):
        state = "notice-window"
    else:
        state = "in-force"
    amendments = tuple(sorted(memorandum.amendments, key=lambda a: a.date))
    ending = terminated.date if terminated is not None else None
    return Life(day, since, state, term, ends, amendments, ending)


def clause_ids(memorandum: Memorandum) -> list[str]:
    """Every clause id the memorandum has had: as signed, then those amendments added."""
    added = [c.id for a in memorandum.amendments for c in a.clauses.added]
    return [clause.id for clause in memorandum.clauses] + added


def clause_terms(
    memorandum: Memorandum, first: date, last: date
) -> Iterator[tuple[Clause, date, date]]:
    """Each clause in force on some day of `first`..`last`, in the memorandum's order (added
    ones after): its text as amended by `last`, the first day it counts (the date of the
    amendment adding it, else `date.min`) and the last (the day before the amendment
    removing it, else the day before a termination took effect, else `date.max`)."""
    text = {clause.id: clause for clause in memorandum.clauses}
    since = dict.fromkeys(text, date.min)
    until = dict.fromkeys(text, date.max)
    for amendment in sorted(memorandum.amendments, key=lambda a: a.date):
        if amendment.date > last:
            break
        changes = amendment.clauses
        text |= {clause.id: clause for clause in (*changes.changed, *changes.added)}
        for clause in changes.added:
            since[clause.id], until[clause.id] = amendment.date, date.max
        for clause_id in changes.removed:
            until[clause_id] = amendment.date - timedelta(days=1)
    ended = last_day_in_force(memorandum) or date.max
    for clause_id, clause in text.items():
        start, end = since.get(clause_id, date.min), min(until.get(clause_id, date.max), ended)
        if end >= first and start <= end:
            yield clause, start, end


# --- what can be wrong with the life fields (MOU309, MOU310) -----------------------------------


def _fields(memorandum: Memorandum) -> Iterator[Finding]:
    m = memorandum
    if m.term is not None and m.expires is not None:
        yield "MOU310", ("expires",), T(N_("give a `term` or an `expires` date, not both"))
    if m.renewal == "automatic" and m.renewal_term is None:
        yield "MOU310", ("renewal",), T(N_("automatic renewal needs a `renewal_term` (P1Y, ...)"))
    if m.renewal_term is not None and m.renewal != "automatic":
        yield "MOU310", ("renewal_term",), T(N_("a `renewal_term` needs `renewal: automatic`"))
    yield from _lengths(m)
    if m.term is None and m.expires is None:
        for name in ("renewal", "renewal_term", "notice"):
            if getattr(m, name) is not None:
                yield (
                    "MOU310",
                    (name,),
                    T(N_("`{name}` needs a `term` or an `expires` date"), name=name),
                )


def _lengths(m: Memorandum) -> Iterator[Finding]:
    """A term that ends past the calendar's last day, and a notice longer than a term (its
    deadline would fall before the term begins)."""
    if m.term is not None and _boundary(m, 0) is None:
        message = T(N_("a term of {term} ends after the calendar's last day"), term=m.term)
        yield "MOU310", ("term",), message
    for term, name in ((first_term(m), "term"), (renewal(m, 1), "renewal_term")):
        if term is not None and term.notice_by is not None and term.notice_by < term.start:
            message = T(
                N_("a notice of {notice} is longer than the `{name}` ({start} to {end})"),
                notice=m.notice,
                name=name,
                start=term.start,
                end=term.end,
            )
            yield "MOU310", ("notice",), message


MISSING_CLAUSE = {
    "changed": N_("changes clause {clause}, which the text does not have then"),
    "removed": N_("removes clause {clause}, which the text does not have then"),
}


def _amendment_clauses(memorandum: Memorandum) -> Iterator[Finding]:
    clauses = {clause.id for clause in memorandum.clauses}
    seen: set[str] = set()
    order = sorted(enumerate(memorandum.amendments), key=lambda pair: pair[1].date)
    for index, amendment in order:
        where: tuple[str | int, ...] = ("amendments", index)
        if amendment.id in seen:
            yield (
                "MOU310",
                (*where, "id"),
                T(N_("amendment id `{id}` is repeated"), id=amendment.id),
            )
        seen.add(amendment.id)
        changes = amendment.clauses
        for n, clause in enumerate(changes.added):
            if clause.id in clauses:
                message = T(
                    N_("adds clause {clause}, which the text already has then"), clause=clause.id
                )
                yield "MOU310", (*where, "clauses", "added", n, "id"), message
        clauses |= {clause.id for clause in changes.added}
        named = [("changed", n, c.id) for n, c in enumerate(changes.changed)]
        named += [("removed", n, c) for n, c in enumerate(changes.removed)]
        for group, n, clause_id in named:
            if clause_id not in clauses:
                message = T(MISSING_CLAUSE[group], clause=clause_id)
                yield "MOU310", (*where, "clauses", group, n), message
        clauses -= set(changes.removed)


def _order(memorandum: Memorandum) -> Iterator[Finding]:
    m, signed = memorandum, memorandum.signed.date
    since = in_force_since(m)
    if since < signed:
        yield (
            "MOU309",
            ("entry_into_force",),
            T(N_("in force from {since}, before signing ({signed})"), since=since, signed=signed),
        )
    first = first_term(m)
    if m.expires is not None and m.expires < since:
        yield (
            "MOU309",
            ("expires",),
            T(
                N_("expires {expires}, before it is in force ({since})"),
                expires=m.expires,
                since=since,
            ),
        )
    if m.terminated is not None and m.terminated.date < signed:
        message = T(
            N_("terminated {date}, before signing ({signed})"),
            date=m.terminated.date,
            signed=signed,
        )
        yield "MOU309", ("terminated", "date"), message
    last = last_day_in_force(m)
    if last is None and first is not None and m.renewal in (None, "none"):
        last = first.end
    for index, amendment in enumerate(m.amendments):
        if amendment.date < signed or (last is not None and amendment.date > last):
            if amendment.date >= signed:
                template = N_(
                    "amendment `{id}` is dated {date}, after the memorandum's end ({last})"
                )
            else:
                template = N_("amendment `{id}` is dated {date}, before signing")
            message = T(template, id=amendment.id, date=amendment.date, last=last)
            yield "MOU309", ("amendments", index, "date"), message


def life_findings(memorandum: Memorandum) -> Iterator[Finding]:
    """MOU309 and MOU310 on the memorandum's own life fields."""
    yield from _fields(memorandum)
    yield from _order(memorandum)
    yield from _amendment_clauses(memorandum)


def outside_life(memorandum: Memorandum, day: date) -> Text | None:
    """MOU311's message when a record dated `day` (on or after signing) falls before entry
    into force or on or after the day a termination took effect, else None."""
    since = in_force_since(memorandum)
    if memorandum.signed.date <= day < since:
        return T(
            N_("dated {date}, before the memorandum entered into force on {since}"),
            date=day,
            since=since,
        )
    terminated = memorandum.terminated
    if terminated is not None and day >= terminated.date:
        return T(
            N_("dated {date}, once the memorandum's termination took effect on {end}"),
            date=day,
            end=terminated.date,
        )
    return None


def life_data(life: Life) -> dict[str, Any]:
    """The life on its day as plain data with stable keys (dates as ISO text): what the
    review's and the status's JSON carry."""

    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    term = life.term
    return {
        "state": life.state,
        "in_force_since": day(life.in_force_since),
        "term": None
        if term is None
        else {
            "renewals": term.number,
            "start": day(term.start),
            "end": day(term.end),
            "notice_by": day(term.notice_by),
        },
        "ends": day(life.ends),
        "amendments": [
            {
                "id": a.id,
                "date": day(a.date),
                "title": a.title,
                "added": [c.id for c in a.clauses.added],
                "changed": [c.id for c in a.clauses.changed],
                "removed": list(a.clauses.removed),
            }
            for a in life.amendments
        ],
    }
