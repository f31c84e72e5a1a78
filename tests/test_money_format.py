"""`money_format.MoneyFormat` writes every amount exactly as Babel's `format_currency` does,
in the patterns mou uses (`Words.money`: English with the ISO code first, Russian in its
locale's own pattern), for currencies of 0, 2 and 3 digits, and through Babel itself for any
amount or pattern it does not fill in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st

from mou.money_format import MoneyFormat
from mou.words import LOCALES, Words

PATTERNS = {"en": "¤¤\u00a0#,##0.00", "ru": None}
# Two digits, none (yen), three (dinar), a symbol of its own in Russian (rouble), none at all.
CURRENCIES = ["USD", "EUR", "RUB", "JPY", "BHD", "KZT", "CHF", "XXX"]
# Codes no schema lets through (MOU204), written as Babel writes them all the same.
ODD = ["A'B'C", "''", "'", "usd", "¤", "X\u202eY"]
AMOUNTS = [
    "0", "-0", "0.005", "-0.005", "0.015", "0.025", "1", "12", "123", "1234", "12345.6",
    "1234567.125", "-1234.5", "1E+3", "1.000", "999999.995", "0.0001", "-999", "5E-7",
]  # fmt: skip


def babel(amount: Decimal, currency: str, language: str) -> str:
    locale = Locale.parse(LOCALES[language])
    return str(
        format_currency(amount, currency, PATTERNS[language], locale=locale, currency_digits=True)
    )


@pytest.mark.parametrize("language", sorted(PATTERNS))
@pytest.mark.parametrize("currency", CURRENCIES)
def test_amounts_as_babel_writes_them(language: str, currency: str) -> None:
    formatter = MoneyFormat(currency, PATTERNS[language], Locale.parse(LOCALES[language]))
    assert formatter.simple
    for text in AMOUNTS:
        amount = Decimal(text)
        assert formatter(amount) == babel(amount, currency, language), (text, currency)


@settings(max_examples=400, deadline=None)
@given(
    amount=st.decimals(
        allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15
    ),
    currency=st.sampled_from(CURRENCIES),
    language=st.sampled_from(sorted(PATTERNS)),
)
def test_any_amount_as_babel_writes_it(amount: Decimal, currency: str, language: str) -> None:
    words = Words(language, None)
    assert words.money(amount, currency) == babel(amount, currency, language)


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity"])
def test_what_it_does_not_fill_in_goes_through_babel(amount: str) -> None:
    locale = Locale.parse(LOCALES["en"])
    assert MoneyFormat("USD", PATTERNS["en"], locale)(Decimal(amount)) == babel(
        Decimal(amount), "USD", "en"
    )
    named = MoneyFormat("USD", "#,##0.00 ¤¤¤", locale)  # the currency's name: by the amount
    assert not named.simple
    for one in (Decimal(1), Decimal(2)):
        assert named(one) == str(format_currency(one, "USD", "#,##0.00 ¤¤¤", locale=locale))


@pytest.mark.parametrize("language", sorted(PATTERNS))
@pytest.mark.parametrize("currency", ODD)
def test_odd_codes_as_babel_writes_them(language: str, currency: str) -> None:
    """Babel unquotes `'...'` in the whole text, the currency's code included."""
    words = Words(language, None)
    for text in ("1234.5", "-0.5"):
        assert words.money(Decimal(text), currency) == babel(Decimal(text), currency, language)
