"""The timelines of `mou site`, as geometry for its SVG: a clause's qualifying records over
the life of the memorandum (gaps longer than the cadence marked), and a yearly review's
timeline thinned so that a dense year's page stays small. Nothing here writes markup.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from mou.periods import add_duration
from mou.timeline import Mark as ReviewMark
from mou.timeline import MarksOf, Placed, Tick
from mou.words import Words

WIDTH = 960
LEFT = 20
RIGHT = 20
HEIGHT = 110
AXIS = 70
TITLED_MARKS = 300
MERGED = 4  # pixels: a review's marks of a kind this close are drawn as one on the site
MARKS = 300  # at most this many marks on a review's timeline on the site


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    count: int
    label: str  # what the tooltip says


@dataclass(frozen=True, slots=True)
class Gap:
    x1: float
    x2: float
    label: str


@dataclass(frozen=True, slots=True)
class ClauseTimeline:
    width: int
    height: int
    axis: int
    marks: tuple[Mark, ...]
    gaps: tuple[Gap, ...]
    ticks: tuple[Tick, ...]


def titled(marks: int) -> bool:
    """Whether a clause's timeline of this many records shows each record's title."""
    return marks <= TITLED_MARKS


def clause_timeline(
    dates: list[tuple[date, str]],
    start: date,
    end: date,
    cadence: str | None,
    words: Words,
    *,
    counted: tuple[date, date] | None = None,
) -> ClauseTimeline:
    """Marks for the qualifying records (`(date, title)`, sorted) between `start` and `end`,
    merged where they fall within two pixels, so the chart stays small whatever the record's
    size; a band over every gap longer than the cadence (from a record, or from `start`, to
    the next record or `end`). Past TITLED_MARKS records the titles are not shown (`titled`:
    the caller need not give them)."""
    span = max((end - start).days, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return round(LEFT + plot * (min(max(day, start), end) - start).days / span, 1)

    # Marks within two pixels of each other merge; past a few hundred records a mark's
    # tooltip gives dates and counts only (the titles are on the year lists), so that the
    # page stays small whatever the record's size.
    merged: dict[float, list[tuple[date, str]]] = {}
    slots: dict[date, float] = {}  # (a day's place, worked out once: many records share days)
    for day, title in dates:
        slot = slots.get(day)
        if slot is None:
            slot = slots[day] = round(x(day) / 2) * 2
        merged.setdefault(slot, []).append((day, title))
    named = titled(len(dates))
    marks = []
    for position, found in sorted(merged.items()):
        if len(found) == 1:
            label = words.date(found[0][0]) + (f": {found[0][1]}" if named else "")
        else:
            label = words.ngettext("%(num)s record", "%(num)s records", len(found)) % {
                "num": len(found)
            }
            label += f", {words.date(found[0][0])} – {words.date(found[-1][0])}"
        marks.append(Mark(position, len(found), label))
    # Gaps only while the clause was in force (`counted`: an amendment added or removed it).
    gaps = tuple(_gaps([day for day, _ in dates], counted or (start, end), cadence, words, x))
    ticks = [
        Tick(x(date(year, 1, 1)), str(year))
        for year in range(start.year + 1, end.year + 1)
        if (year - start.year) % max(1, (end.year - start.year) // 12 + 1) == 0
    ]
    return ClauseTimeline(WIDTH, HEIGHT, AXIS, tuple(marks), gaps, tuple(ticks))


def _gaps(
    days: list[date],
    span: tuple[date, date],
    cadence: str | None,
    words: Words,
    x: Callable[[date], float],
) -> Iterator[Gap]:
    """Every step of the SPEC §5 sequence (start, the records, end) longer than the cadence."""
    if cadence is None:
        return
    start, end = span
    sequence = [start, *(d for d in days if start <= d <= end), end]
    for first, later in itertools.pairwise(sequence):
        if later > add_duration(first, cadence):
            label = words.gettext("%(days)s without a qualifying record (%(start)s – %(end)s)")
            label %= {
                "days": words.days((later - first).days),
                "start": words.date(first),
                "end": words.date(later),
            }
            yield Gap(x(first), x(later), label)


def thin_marks(words: Words) -> MarksOf:
    """What draws a review's timeline on the site (`timeline`'s `marks`): the marks of a kind
    that fall within a few pixels of each other on a row drawn as one (its tooltip: how many
    records, first and last date), wider apart until the chart has at most MARKS marks, so
    that a dense year's page stays small; a mark alone keeps its date and title. Only what is
    drawn is put in words."""

    def thin(rows: list[list[Placed]]) -> list[tuple[ReviewMark, ...]]:
        width = MERGED
        merged = _merged(rows, width)
        while sum(len(groups) for groups in merged) > MARKS:
            width *= 2
            merged = _merged(rows, width)
        shown = []
        for groups in merged:
            marks = []
            for found in groups:
                x, first = found[0]
                since = words.date(first.model.dated)
                if len(found) == 1:
                    marks.append(ReviewMark(x, first.kind, since, words.title(first)))
                    continue
                count = words.ngettext("%(num)s record", "%(num)s records", len(found))
                until = words.date(found[-1][1].model.dated)
                dates = since if since == until else f"{since} – {until}"
                marks.append(ReviewMark(x, first.kind, dates, count % {"num": len(found)}))
            shown.append(tuple(sorted(marks, key=lambda m: (m.x, m.kind))))
        return shown

    return thin


def _merged(rows: list[list[Placed]], width: int) -> list[list[list[Placed]]]:
    """Each row's records grouped by kind and by `width` pixels."""
    merged = []
    for row in rows:
        groups: dict[tuple[str, int], list[Placed]] = {}
        for placed in row:
            groups.setdefault((placed[1].kind, int(placed[0] // width)), []).append(placed)
        merged.append(list(groups.values()))
    return merged
