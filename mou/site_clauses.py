"""What the site shows of each clause: its qualifying records over the life of the memorandum,
its status in each year, in the last two years' quarters and over its life (the heat map, the
clause pages), and lists of records by year.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import compress

from mou.life import clause_terms
from mou.load import Entry
from mou.models import Clause, Memorandum, Programme
from mou.periods import Period
from mou.review import ClauseReview, clause_review
from mou.selection import counted_by, evidence_read, qualifies, span

# A list longer than this moves to a page per year, so that no page grows past ~200 KB.
LIST_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Qualifying:
    """The records that may count for clauses, by date, with their dates, and the number of
    each one's likeness (what the clauses' evidence reads of it); `first`: a record of each
    likeness."""

    entries: list[Entry]
    dates: list[date]
    alike: list[int]
    first: dict[int, Entry]


@dataclass(frozen=True, slots=True)
class Listing:
    """Records grouped by year, newest year first; `inline` when they fit on the page, else
    each year has a page of its own (`folder/YEAR.html`)."""

    folder: str
    years: tuple[tuple[int, tuple[Entry, ...]], ...]
    total: int

    @property
    def inline(self) -> bool:
        return self.total <= LIST_LIMIT

    def href(self, year: int) -> str:
        """Where the records of `year` are, relative to the language folder."""
        return f"{self.folder}.html#y{year}" if self.inline else f"{self.folder}/{year}.html"


def listing(
    folder: str, entries: Sequence[Entry], last: date, covered: dict[str, range] | None = None
) -> Listing:
    """`entries` by year; a record that lasts (a programme, a contact's designation) is listed
    in every year it covers, up to `last`. `covered`: the years of each record id worked out
    before, for `last` (it gains those of `entries`)."""
    years: dict[int, list[Entry]] = defaultdict(list)
    known = {} if covered is None else covered
    for entry in entries:
        found = known.get(entry.id)
        if found is None:
            first, end = span(entry.model)
            found = known[entry.id] = range(first.year, max(first, min(end or last, last)).year + 1)
        for year in found:
            years[year].append(entry)
    return Listing(
        folder,
        tuple((year, tuple(years[year])) for year in sorted(years, reverse=True)),
        sum(len(found) for found in years.values()),
    )


@dataclass(frozen=True, slots=True)
class ClauseYears:
    """A clause's status by year and by quarter (the heat map), and over the whole life."""

    clause: Clause
    records: tuple[Entry, ...]  # qualifying, over the whole life, by date
    years: tuple[tuple[Period, ClauseReview], ...]
    quarters: tuple[tuple[Period, ClauseReview | None], ...]  # None: not begun on the as-of date
    life: ClauseReview
    listing: Listing
    since: date | None = None  # the amendment that added the clause took effect
    until: date | None = None  # the last day before the amendment that removed it
    dates: tuple[date, ...] = ()  # of `records`, in their order


def clause_years(
    memorandum: Memorandum, entries: list[Entry], as_of: date, covered: dict[str, range]
) -> tuple[ClauseYears, ...]:
    """Every clause in force on some day from signing to `as_of`, its text as amended by then
    (`life.clause_terms`, as the review reads them), with its qualifying records (`entries`:
    by date) and its status each year, in the last two years' quarters and over its life.
    `covered`: as `listing` takes it."""
    # The qualifying records, their dates, and for each the number of its likeness: what
    # the clauses' evidence reads of it (records alike there count for the same clauses:
    # each clause asks once per likeness, not per record).
    found = [e for e in entries if qualifies(e.model)]
    likeness: dict[tuple[str | None, ...], int] = {}
    alike = [likeness.setdefault(evidence_read(e.model), len(likeness)) for e in found]
    first = {number: e for e, number in zip(reversed(found), reversed(alike), strict=True)}
    qualifying = Qualifying(found, [e.model.dated for e in found], alike, first)
    signed = memorandum.signed.date
    return tuple(
        _clause_years(clause, (since, until), qualifying, (signed, as_of), covered)
        for clause, since, until in clause_terms(memorandum, signed, as_of)
    )


def _clause_years(
    clause: Clause,
    days: tuple[date, date],
    qualifying: Qualifying,
    life: tuple[date, date],
    covered: dict[str, range],
) -> ClauseYears:
    signed, as_of = life
    since, until = days  # the clause counts records of these days (amendments)
    counts, last = counted_by(clause), min(as_of, until)
    counting = [counts(entry.model) for _, entry in sorted(qualifying.first.items())]
    chosen = [counting[number] for number in qualifying.alike]
    own = list(compress(qualifying.entries, chosen))
    dates = list(compress(qualifying.dates, chosen))
    if dates and (dates[0] < since or dates[-1] > last):  # (an amended clause's days)
        kept = [since <= day <= last for day in dates]
        own, dates = list(compress(own, kept)), list(compress(dates, kept))
    # Programmes, with the days they run (`span`: what `within` compares, read once).
    ongoing = [(e, *span(e.model)) for e in own if isinstance(e.model, Programme)]

    def status(period: Period) -> ClauseReview:
        # Only the records the SPEC §5 sequence can use: the latest before the period (the
        # anchor), those in it up to the cut-off, and programmes still running in it. The
        # review's own `clause_review` decides, so the rules stay in one place; a period
        # the clause was not in force is n/a, one it began or ended in counts its days.
        first, cut_off = max(period.start, since), min(period.end, as_of, until)
        if first > cut_off:
            return ClauseReview(clause, "n/a", 0, None, None, ())
        low = max(bisect.bisect_left(dates, period.start) - 1, 0)
        high = bisect.bisect_right(dates, cut_off)
        running = [
            e
            for e, start, end in ongoing
            if start <= cut_off and (end is None or end >= period.start)
        ]
        relevant = {e.id: e for e in [*own[low:high], *running]}
        shown = Period(period.label, first, period.end)
        return clause_review(clause, list(relevant.values()), shown, cut_off, counted=True)

    years = tuple(
        (period, status(period))
        for period in (
            Period(str(y), date(y, 1, 1), date(y, 12, 31))
            for y in range(signed.year, as_of.year + 1)
        )
    )
    quarters = tuple(
        (period, status(period) if period.start <= as_of else None)
        for year in (as_of.year - 1, as_of.year)
        for period in _quarters(year)
    )
    whole = status(Period("life", signed, as_of))
    return ClauseYears(
        clause,
        tuple(own),
        years,
        quarters,
        whole,
        listing(f"clauses/{clause.id}", own, as_of, covered),
        None if since == date.min else since,
        None if until == date.max else until,
        tuple(dates),
    )


def _quarters(year: int) -> list[Period]:
    from mou.periods import parse_period

    return [parse_period(f"{year}-Q{quarter}") for quarter in range(1, 5)]
