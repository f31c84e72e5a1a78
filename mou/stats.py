"""`mou stats`: the review's counts and costs over many periods at once, one column per period
and a total, the way `hledger balance -Y` lays out time.

Nothing is counted here that the review does not count itself: a clause's figure in a column
is `clause_review(...).count` for that column, the records behind the other groupings are the
union of those clause reviews' records, and the costs are the review's own sums. So every
number equals the one `mou review --period COLUMN` shows (tests/test_stats.py asserts it on the
demo). Pure: no files, no formatting.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from mou.fields import references
from mou.kinds import KINDS
from mou.life import clause_terms
from mou.load import Entry, RecordSet
from mou.models import Clause, Memorandum, Record
from mou.periods import Period
from mou.review import Cost, clause_in_force
from mou.review import costs as review_costs
from mou.selection import counted_by, is_bilateral, qualifies, span

# How many months one column spans.
EVERY = {"year": 12, "half": 6, "quarter": 3, "month": 1}
GROUPINGS = ("clause", "kind", "party", "state", "topic")
# Costs engaged: planned amounts are promises, shown by `mou review` but not summed over time.
COST_STATUSES = ("committed", "paid")
ALL = "*"  # the key of the row of every qualifying record, counted once


@dataclass(frozen=True, slots=True)
class Column:
    period: Period
    cut_off: date  # the earlier of the period's end and the as-of date (SPEC §5)


@dataclass(frozen=True, slots=True)
class CountRow:
    key: str  # a clause id, kind, party id, state code, topic id; ALL for every record
    counts: tuple[int | None, ...]  # one per column; None where the clause is not in force
    total: int


@dataclass(frozen=True, slots=True)
class CostRow:
    payer: str
    currency: str
    status: str
    amounts: tuple[Decimal, ...]  # one per column; currencies are never added together
    total: Decimal


@dataclass(frozen=True, slots=True)
class Stats:
    memorandum: Memorandum
    period: Period
    every: str
    by: str  # a grouping, or "costs"
    as_of: date
    columns: tuple[Column, ...]
    total: Column  # the whole period, as `mou review --period PERIOD` sees it
    rows: tuple[CountRow, ...] = ()
    costs: tuple[CostRow, ...] = ()
    # The clauses in force on some day of the period, as amended by its cut-off (the rows'
    # labels, as the review of the whole period gives them).
    clauses: tuple[Clause, ...] = ()


# --- periods -------------------------------------------------------------------------------


def _unit_start(day: date, months: int) -> date:
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _unit_end(start: date, months: int) -> date:
    month = start.month + months - 1
    return date(start.year, month, calendar.monthrange(start.year, month)[1])


def _unit_label(start: date, every: str) -> str:
    if every == "year":
        return str(start.year)
    if every == "half":
        return f"{start.year}-H{1 if start.month == 1 else 2}"
    if every == "quarter":
        return f"{start.year}-Q{(start.month + 2) // 3}"
    return f"{start.year}-{start.month:02d}"


def split(period: Period, every: str) -> list[Period]:
    """The calendar years (halves, quarters, months) that `period` spans, in order. A unit the
    period only partly covers is cut to it and labelled as a range of days, so that every
    label is a `--period` that `mou review` reads as the same days."""
    months = EVERY[every]
    columns = []
    start = _unit_start(period.start, months)
    while start <= period.end:
        end = _unit_end(start, months)
        first, last = max(start, period.start), min(end, period.end)
        whole = (first, last) == (start, end)
        if whole:
            label = _unit_label(start, every)
        else:
            label = str(first) if first == last else f"{first}..{last}"
        columns.append(Period(label, first, last))
        start = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    return columns


def default_period(memorandum: Memorandum, as_of: date, every: str) -> Period:
    """From the unit holding the signing date to the unit holding the as-of date."""
    months = EVERY[every]
    first = _unit_start(memorandum.signed.date, months)
    last = _unit_start(max(as_of, memorandum.signed.date), months)
    start_label, end_label = _unit_label(first, every), _unit_label(last, every)
    label = start_label if first == last else f"{start_label}..{end_label}"
    return Period(label, first, _unit_end(last, months))


# --- counting ------------------------------------------------------------------------------


def _groups(by: str) -> Callable[[Record], Iterable[str]]:
    """What a record counts under, for each grouping but clauses. Parties, states and topics
    are any field naming them (as `mou list --party` finds them)."""
    if by == "kind":
        return lambda model: (model.kind,)
    return lambda model: {value for _, marker, value in references(model) if marker.to == by}


def _declared(memorandum: Memorandum, by: str) -> list[str]:
    """The rows shown even when empty: what the memorandum declares, in its order (the
    clauses are `in_force`'s)."""
    if by == "kind":
        return [kind for kind in KINDS if kind not in ("memorandum", "contact")]
    if by == "party":
        return memorandum.party_ids
    if by == "topic":
        return memorandum.topic_ids
    return list(memorandum.states)


class _Dated:
    """A clause's qualifying records by date, to hand each column only those it can count:
    the review of a month need not look at a decade of records."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.dates = [entry.model.dated for entry in entries]
        # Records that run past their date (programmes): they count in later columns too.
        self.running = [e for e in entries if span(e.model)[1] != e.model.dated]

    def around(self, column: Column) -> list[Entry]:
        """Those with a day in the column up to its cut-off, and the latest before it (the
        cadence's anchor): what `clause_review` needs for the column's count."""
        first = bisect.bisect_left(self.dates, column.period.start)
        last = bisect.bisect_right(self.dates, column.cut_off)
        chosen = {e.id: e for e in self.entries[max(first - 1, 0) : last]}
        chosen.update((e.id, e) for e in self.running if e.model.dated < column.period.start)
        return sorted(chosen.values(), key=lambda e: (e.model.dated, e.id))


class _Texts:
    """Each text of a clause (an amendment can change one) and its qualifying records of all
    time, found once however many columns count it."""

    def __init__(self, memorandum: Memorandum, entries: Iterable[Entry]) -> None:
        self.memorandum = memorandum
        ordered = sorted(entries, key=lambda e: (e.model.dated, e.id))
        self.qualifying = [e for e in ordered if qualifies(e.model)]
        self.found: dict[int, _Dated] = {}  # by the clause text's identity

    def records(self, clause: Clause) -> _Dated:
        if id(clause) not in self.found:
            counts = counted_by(clause)
            chosen = [e for e in self.qualifying if clause.evidence and counts(e.model)]
            self.found[id(clause)] = _Dated(chosen)
        return self.found[id(clause)]

    def in_force(self, column: Column) -> list[Clause]:
        """The clauses in force on some day of the column (of all of it when it is after the
        as-of date), as amended by then."""
        last = max(column.cut_off, column.period.start)
        return [clause for clause, _, _ in clause_terms(self.memorandum, column.period.start, last)]

    def acted(self, column: Column) -> tuple[dict[str, int], dict[str, Entry]]:
        """Each clause's count in the column (the review's, through `clause_in_force`), and
        the records behind those counts; a clause not in force in the column has none."""
        counts: dict[str, int] = {}
        records: dict[str, Entry] = {}
        if column.cut_off < column.period.start:  # after the as-of date: nothing acted on yet
            return {clause.id: 0 for clause in self.in_force(column)}, records
        period, cut_off = column.period, column.cut_off
        for term in clause_terms(self.memorandum, period.start, cut_off):
            candidates = self.records(term[0]).around(column)
            found = clause_in_force(term, candidates, period, cut_off)
            if found is not None:
                counts[term[0].id] = found.count
                records.update((entry.id, entry) for entry in found.records)
        return counts, records


def count_rows(
    memorandum: Memorandum, entries: Sequence[Entry], columns: Sequence[Column], by: str
) -> tuple[CountRow, ...]:
    """One row per clause in force in the whole period (kind, party, state, topic), then
    the row of every qualifying record counted once (a record can count for two clauses or
    two parties). A clause's figure is None in a column where it is not in force."""
    texts = _Texts(memorandum, entries)
    groups = _groups(by)
    table: dict[str, list[int | None]] = {}
    every_record: list[int | None] = []
    for index, column in enumerate(columns):
        clause_counts, acted = texts.acted(column)
        if by == "clause":
            for key, count in clause_counts.items():
                table.setdefault(key, [None] * len(columns))[index] = count
        else:
            for entry in acted.values():
                for key in groups(entry.model):
                    row = table.setdefault(key, [0] * len(columns))
                    row[index] = (row[index] or 0) + 1
        every_record.append(len(acted))
    if by == "clause":
        declared = [clause.id for clause in texts.in_force(columns[-1])]
    else:
        declared = _declared(memorandum, by)
    keys = [*declared, *sorted(key for key in table if key not in declared)]
    empty: list[int | None] = [None if by == "clause" else 0] * len(columns)
    rows = [CountRow(key, *_split_total(table.get(key, empty))) for key in keys]
    return (*rows, CountRow(ALL, *_split_total(every_record)))


def _split_total(values: list[int | None]) -> tuple[tuple[int | None, ...], int]:
    """The columns but the last (the whole period), and the last."""
    return tuple(values[:-1]), values[-1] or 0


def cost_rows(
    memorandum: Memorandum, entries: Sequence[Entry], columns: Sequence[Column]
) -> tuple[CostRow, ...]:
    """Committed and paid expenses by (payer, currency, status), per column: the review's
    own sums (SPEC §6), the last column being the whole period."""
    # Only arrangements have expenses: the review's sum need not walk the other records
    # once per column.
    counted = [e for e in entries if e.kind == "arrangement" and not is_bilateral(e.model)]
    parties = memorandum.party_ids
    sums: list[dict[tuple[str, str, str], Decimal]] = [
        {
            (c.payer, c.currency, c.status): c.amount
            for c in _engaged(review_costs(counted, column.period, parties))
        }
        for column in columns
    ]
    whole = sums[-1]  # every key of a column is in the whole period: amounts are positive
    return tuple(
        CostRow(*key, tuple(column.get(key, Decimal(0)) for column in sums[:-1]), whole[key])
        for key in whole
    )


def _engaged(costs: Iterable[Cost]) -> list[Cost]:
    return [cost for cost in costs if cost.status in COST_STATUSES]


def stats(records: RecordSet, period: Period, every: str, by: str, as_of: date) -> Stats:
    """The counts (or, with `by="costs"`, the costs) of `period` split every year, half,
    quarter or month, as of `as_of`. The record must have a memorandum."""
    memorandum = records.memorandum
    if memorandum is None:
        raise ValueError("the record has no readable memorandum")
    columns = tuple(Column(p, min(p.end, as_of)) for p in split(period, every))
    total = Column(period, min(period.end, as_of))
    result: dict[str, Any] = {}
    if by == "costs":
        result["costs"] = cost_rows(memorandum, records.entries, [*columns, total])
    else:
        result["rows"] = count_rows(memorandum, records.entries, [*columns, total], by)
    result["clauses"] = tuple(_Texts(memorandum, ()).in_force(total))
    return Stats(memorandum, period, every, by, as_of, columns, total, **result)


def by_memorandum(
    members: Sequence[tuple[str, RecordSet]], period: Period, every: str, as_of: date
) -> Stats:
    """`mou stats --by memorandum` at a portfolio's root: a row per memorandum, given as
    (id, records), each figure its every-qualifying-records row (what `mou -m ID stats`
    gives), and their sum (no record is in two memoranda). `members` is never empty."""
    columns = tuple(Column(p, min(p.end, as_of)) for p in split(period, every))
    total = Column(period, min(period.end, as_of))
    rows = []
    for id_, records in members:
        memorandum = records.memorandum
        assert memorandum is not None
        every_record = count_rows(memorandum, records.entries, [*columns, total], "kind")[-1]
        rows.append(CountRow(id_, every_record.counts, every_record.total))
    sums = tuple(sum(row.counts[index] or 0 for row in rows) for index in range(len(columns)))
    rows.append(CountRow(ALL, sums, sum(row.total for row in rows)))
    first = members[0][1].memorandum
    assert first is not None
    return Stats(first, period, every, "memorandum", as_of, columns, total, rows=tuple(rows))
