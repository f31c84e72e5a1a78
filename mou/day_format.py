"""Babel's `format_date`, sooner: a date pattern's fields each formatted once per value.

A site or review of a large record writes tens of thousands of distinct dates, and Babel
formats each from its pattern field by field (~20 µs). In the patterns the record's languages
use for dates ("d MMM y", "d MMMM y 'г'."), each field reads one part of the date: the day, the
month or the year. `DayFormat` asks Babel for a field's text once per value of that part and
fills the pattern with them, so the text is Babel's own; a pattern with any other field (a
weekday, a quarter) is formatted by Babel whole, each time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

# The fields whose text depends on one part of the date only, and that part.
_PART: dict[str, Callable[[date], int]] = {
    "d": lambda day: day.day,
    "M": lambda day: day.month,
    "L": lambda day: day.month,
    "y": lambda day: day.year,
}
_FIELD = re.compile(r"%\((\w+)\)s")
NAMED = ("full", "long", "medium", "short")  # the locale's own patterns


class DayFormat:
    """`babel.dates.format_date(value, form, locale)` for one locale and form."""

    def __init__(self, form: str, locale: Any) -> None:
        """`form`: full, long, medium or short (the locale's pattern), or a pattern."""
        from babel.dates import get_date_format, parse_pattern

        self.form, self.locale = form, locale
        pattern = get_date_format(form, locale=locale) if form in NAMED else form  # type: ignore[arg-type]
        self.pattern: str = parse_pattern(pattern).format  # type: ignore[assignment]
        names = _FIELD.findall(self.pattern)
        simple = all(name[0] in _PART and set(name) == {name[0]} for name in names)
        self.fields = [(name, _PART[name[0]]) for name in names] if simple else None
        self.seen: dict[tuple[str, int], str] = {}

    def __call__(self, value: date) -> str:
        from babel.dates import DateTimeFormat, format_date

        if not isinstance(value, date):  # (a user's template may pass anything)
            raise TypeError(f"a date was expected, not {type(value).__name__}")
        if self.fields is None:
            return str(format_date(value, self.form, locale=self.locale))
        texts = {}
        for name, part in self.fields:
            key = (name, part(value))
            text = self.seen.get(key)
            if text is None:
                text = self.seen[key] = DateTimeFormat(value, self.locale)[name]
            texts[name] = text
        return self.pattern % texts
