"""Periods (`2024`, `2024-H1`, `2024-Q3`, `2024-03`, `2024-03-12`, ranges `A..B`), SPEC §5."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from mou.problems import N_, T

_FORMS = re.compile(
    r"(?P<year>\d{4})(?:-(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?"
)


class PeriodError(ValueError):
    """A period that cannot be read; the message says what forms are accepted."""


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


# Reviews reach a little before and after their period (the day before, the next month):
# years at the very ends of the calendar are refused, not crashed on.
FIRST_YEAR, LAST_YEAR = 1000, 9998
HELP = N_("a period is 2024, 2024-H1, 2024-Q3, 2024-03, 2024-03-12, or a range A..B of these")


def _single(text: str) -> tuple[date, date]:
    match = _FORMS.fullmatch(text)
    if not match:
        raise PeriodError(T(N_("`{text}` is not a period: {why}"), text=text, why=T(HELP)))
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        within = N_("`{text}`: a period lies within the years {first}–{last}")
        raise PeriodError(T(within, text=text, first=FIRST_YEAR, last=LAST_YEAR))
    try:
        if match["half"]:
            first = 1 if match["half"] == "1" else 7
            return date(year, first, 1), _month_end(year, first + 5)
        if match["quarter"]:
            first = 3 * int(match["quarter"]) - 2
            return date(year, first, 1), _month_end(year, first + 2)
        if match["day"]:
            day = date(year, int(match["month"]), int(match["day"]))
            return day, day
        if match["month"]:
            month = int(match["month"])
            return date(year, month, 1), _month_end(year, month)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError as error:
        raise PeriodError(
            T(N_("`{text}` is not a period: {why}"), text=text, why=str(error))
        ) from None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """Read a period; raises PeriodError with a readable message."""
    text = text.strip()
    if ".." in text:
        first, _, last = text.partition("..")
        start, _ = _single(first)
        _, end = _single(last)
        if end < start:
            raise PeriodError(T(N_("`{text}` ends before it starts"), text=text))
        return Period(text, start, end)
    start, end = _single(text)
    return Period(text, start, end)


def add_duration(day: date, duration: str) -> date:
    """`day` plus an ISO 8601 duration in calendar arithmetic: 2024-01-31 + P1M = 2024-02-29."""
    result = day + duration_of(duration)
    assert isinstance(result, date)
    return result


@cache
def duration_of(text: str) -> Any:
    import isodate

    return isodate.parse_duration(text)
