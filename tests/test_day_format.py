"""`day_format.DayFormat` writes every date exactly as Babel's `format_date` does: in the
locales and forms mou uses (a pattern of day, month and year fields, filled with Babel's own
text for each), and through Babel itself for any other pattern (a weekday)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel import Locale
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from mou.day_format import DayFormat
from mou.words import LOCALES

FORMS = ["short", "medium", "long", "full", "MMM yy", "EEE d.M.yyyy", "LLLL y"]
CASES = [(language, form) for language in sorted(LOCALES) for form in FORMS]


@pytest.mark.parametrize(("language", "form"), CASES)
def test_every_day_of_two_years_as_babel_writes_it(language: str, form: str) -> None:
    locale = Locale.parse(LOCALES[language])
    formatter = DayFormat(form, locale)
    day = date(2023, 1, 1)  # every day of every month, a leap day among them
    while day.year < 2025:
        assert formatter(day) == format_date(day, form, locale=locale), (form, day)
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(day=st.dates(), case=st.sampled_from(CASES))
def test_any_date_as_babel_writes_it(day: date, case: tuple[str, str]) -> None:
    language, form = case
    locale = Locale.parse(LOCALES[language])
    assert DayFormat(form, locale)(day) == format_date(day, form, locale=locale)


def test_a_pattern_with_a_weekday_goes_through_babel_whole() -> None:
    locale = Locale.parse(LOCALES["en"])
    assert DayFormat("full", locale).fields is None
    assert DayFormat("medium", locale).fields is not None
