"""Translation: the gettext catalogs, `Words` (one language's formatting of dates, numbers,
money, parties, states and the record's closed vocabularies), used by the review, the calendar
and the tables.

The closed vocabularies are not typed again here: every word of a `Literal` in the models (a
status, a form, a kind), of the review's clause statuses and of the severities is a message,
written as the code with spaces for hyphens (`in-progress` → "in progress"). `make messages`
finds them through `extract_vocabulary` (see babel.cfg).
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel

from mou import models
from mou.fields import fields, literals
from mou.life import STATES
from mou.models import Memorandum, localized
from mou.periods import Period
from mou.problems import Problem, Severity, catalog
from mou.review import ClauseStatus
from mou.selection import title_of

if TYPE_CHECKING:
    from mou.day_format import DayFormat
    from mou.load import Entry
    from mou.money_format import MoneyFormat

# Babel locales: British English writes dates the way international secretariats do.
LOCALES = {"en": "en_GB", "ru": "ru"}
PACKAGE = Path(__file__).parent


@cache
def vocabulary() -> dict[str, str]:
    """Each code of the record's closed vocabularies, and the message that names it."""
    codes: list[str] = [*get_args(ClauseStatus), *(str(s) for s in Severity), *STATES]
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            for field in fields(value):
                codes.extend(literals(field.core))
    return {code: code.replace("-", " ") for code in dict.fromkeys(codes)}


def extract_vocabulary(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[Any, ...]]:
    """A Babel extractor: this file's own messages, then the generated vocabulary."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for message in vocabulary().values():
        yield 0, "N_", message, []


def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language` (English needs none: the messages are English)."""
    return catalog(language)


class Words:
    """Formatting for one language: gettext, Babel, and the record's localized text."""

    def __init__(self, language: str, memorandum: Memorandum | None) -> None:
        """`memorandum`: whose parties and topics are named (None: ids are shown as they are)."""
        from babel import Locale

        self.language = language
        self.locale = Locale.parse(LOCALES[language])
        self._dates: dict[tuple[date, str], str] = {}
        self._formats: dict[str, DayFormat] = {}  # Babel's format_date, by form
        self._money: dict[str, MoneyFormat] = {}  # Babel's format_currency, by currency
        self._titles: dict[str, tuple[Any, str]] = {}  # record id → (its model, its title)
        self._numbers: dict[tuple[type, str], str] = {}  # Babel's format_decimal, by value
        self.translation = translations(language)
        self.vocabulary = vocabulary()
        self.parties = {party.id: party for party in memorandum.parties} if memorandum else {}
        self.topics = {
            topic.id: topic.name
            for topic in (memorandum.topics if memorandum else ())
            if not isinstance(topic, str) and topic.name is not None
        }

    def gettext(self, message: str) -> str:
        return self.translation.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translation.ngettext(singular, plural, count)

    def word(self, value: str) -> str:
        """A word of the record's closed vocabularies (a status, a kind) in the language."""
        message = self.vocabulary.get(value)
        return self.gettext(message) if message else value

    def text(self, value: Any) -> str:
        return "" if value is None else localized(value, self.language)

    def title(self, entry: Entry) -> str:
        """What a record is called (`selection.title_of`) in the language, worked out once
        per record (its lists, its links, its marks on timelines all show it)."""
        found = self._titles.get(entry.id)
        if found is not None and found[0] is entry.model:  # (the same record, not a namesake)
            return found[1]
        text = self.text(title_of(entry))
        self._titles[entry.id] = (entry.model, text)
        return text

    def date(self, value: date | None, form: str = "medium") -> str:
        if value is None:
            return "—"
        found = self._dates.get((value, form))  # a long review repeats the same days many times
        if found is None:
            formatter = self._formats.get(form)
            if formatter is None:
                from mou.day_format import DayFormat

                formatter = self._formats[form] = DayFormat(form, self.locale)
            found = self._dates[(value, form)] = formatter(value)
        return found

    def number(self, value: int | float | Decimal | None) -> str:
        if value is None:
            return "—"
        key = (type(value), str(value))  # (1.5 and 1.50 are equal, and written differently)
        found = self._numbers.get(key)
        if found is None:  # a review's tables repeat the same counts many times
            from babel.numbers import format_decimal

            found = self._numbers[key] = format_decimal(value, locale=self.locale)
        return found

    def money(self, amount: Decimal, currency: str) -> str:
        """English puts the ISO code first (USD 4,200.00), as financial reports in English do;
        other languages use their locale's own pattern (4 200,00 $)."""
        formatter = self._money.get(currency)
        if formatter is None:
            from mou.money_format import MoneyFormat

            pattern = "¤¤\u00a0#,##0.00" if self.language == "en" else None
            formatter = self._money[currency] = MoneyFormat(currency, pattern, self.locale)
        return formatter(amount)

    def days(self, count: int | None) -> str:
        if count is None:
            return "—"
        return self.ngettext("%(num)s day", "%(num)s days", count) % {"num": self.number(count)}

    def party(self, party_id: str, *, full: bool = False) -> str:
        party = self.parties.get(party_id)
        if party is None:
            return party_id
        return self.text(party.name if full or party.short is None else party.short)

    def topic(self, topic_id: str) -> str:
        name = self.topics.get(topic_id)
        return self.text(name) if name is not None else topic_id

    def state(self, code: str) -> str:
        """A state's name in the language (CLDR), from its ISO 3166-1 alpha-3 code."""
        import pycountry

        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            return code
        return str(self.locale.territories.get(country.alpha_2, code))

    def finding(self, problem: Problem) -> str:
        """A finding's detailed message in the language (as `mou validate --lang` writes it)."""
        return problem.text(self.language)

    def states(self, codes: Iterable[str]) -> list[str]:
        """States' names in the language, in its alphabetical order."""
        return sorted((self.state(code) for code in codes), key=_collation_key)

    def period(self, period: Period) -> str:
        return f"{period.label} ({self.date(period.start)} – {self.date(period.end)})"


def _collation_key(text: str) -> str:
    return text.casefold().replace("ё", "е")
