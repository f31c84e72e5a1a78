"""ISO code lists, from maintained libraries: pycountry (ISO 3166, 4217) and Babel (CLDR).

Loaded on first use and cached, so that `mou --help` never pays for them.
"""

from __future__ import annotations

from functools import cache


@cache
def states() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes."""
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 alphabetic codes."""
    import pycountry

    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


@cache
def languages() -> frozenset[str]:
    """ISO 639 language codes that CLDR names (645 of them: every living language a record
    could be written in). Babel's list loads in a third of the time of pycountry's 7,900."""
    from babel import Locale

    names = Locale.parse("en").languages
    return frozenset(
        code
        for code in names
        if isinstance(code, str) and code.isalpha() and code.islower() and len(code) <= 3
    )


@cache
def minor_unit(currency: str) -> int:
    """Decimal places of the currency's minor unit (CLDR): 2 for EUR, 0 for JPY, 3 for KWD."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


def close_matches(word: str, choices: frozenset[str] | list[str]) -> list[str]:
    """Up to three likely intended spellings of `word`, for "did you mean" hints."""
    import difflib

    upper = {choice.upper(): choice for choice in choices}
    exact = upper.get(word.upper())
    if exact:
        return [exact]
    found = difflib.get_close_matches(word.upper(), list(upper), n=3, cutoff=0.6)
    return [upper[match] for match in found]
