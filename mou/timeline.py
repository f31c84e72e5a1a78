"""The geometry of the HTML review's timeline: one row per clause with evidence, a mark per
record of the period that counts for it, month ticks along the top, a line at the cut-off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import NamedTuple

from mou.load import Entry
from mou.review import Review
from mou.words import Words

TIMELINE_WIDTH = 960
LABEL_WIDTH = 150
ROW_HEIGHT = 34
TOP = 30


class Mark(NamedTuple):  # (a tuple: a dense year's review makes tens of thousands)
    x: float
    kind: str
    date: str  # formatted in the review's language
    title: str


@dataclass(frozen=True, slots=True)
class Row:
    y: float
    clause_id: str
    count: int  # the clause's records in the period, up to the cut-off
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    label_width: int
    cut_off: float | None  # None when the period is over
    right: int


# A record placed on the timeline: its x, and the record.
Placed = tuple[float, Entry]
# What makes the marks of every row from the records placed on it (`timeline`'s `marks`).
MarksOf = Callable[[list[list[Placed]]], list[tuple[Mark, ...]]]


def timeline(review: Review, words: Words, marks: MarksOf | None = None) -> Timeline:
    """The timeline of the review's period, laid out for an SVG `TIMELINE_WIDTH` wide: a mark
    per record, or what `marks` makes of the records placed on each row (the site draws
    records close together as one, and words only the marks it draws)."""
    start, end = review.period.start, review.period.end
    span = max((end - start).days, 1)
    plot = TIMELINE_WIDTH - LABEL_WIDTH - 20

    def x(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day - start).days / span, 1)

    shown = [c for c in review.clauses if c.status != "n/a"]
    placed = [[(x(max(e.model.dated, start)), e) for e in clause.records] for clause in shown]
    made = (marks or partial(_every_mark, words))(placed)
    rows = [
        Row(TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2, clause.clause.id, clause.count, row)
        for index, (clause, row) in enumerate(zip(shown, made, strict=True))
    ]
    ticks = tuple(Tick(x(month), words.date(month, "MMM yy")) for month in _tick_months(start, end))
    return Timeline(
        width=TIMELINE_WIDTH,
        height=TOP + len(rows) * ROW_HEIGHT + 10,
        rows=tuple(rows),
        ticks=ticks,
        label_width=LABEL_WIDTH,
        cut_off=x(review.cut_off) if review.cut_off < end else None,
        right=TIMELINE_WIDTH - 20,
    )


def _every_mark(words: Words, rows: list[list[Placed]]) -> list[tuple[Mark, ...]]:
    return [
        tuple(Mark(x, e.kind, words.date(e.model.dated), words.title(e)) for x, e in row)
        for row in rows
    ]


def _tick_months(start: date, end: date) -> list[date]:
    """A tick a month up to a year and a half, then every six months, then every year."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    every = 1 if months <= 18 else 6 if months <= 60 else 12
    ticks = []
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start and (month.month - 1) % every == 0:
            ticks.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return ticks
