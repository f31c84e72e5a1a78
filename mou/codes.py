"""ISO code lists, from maintained libraries: pycountry (ISO 3166, 4217) and Babel (CLDR).

Loaded on first use, so that `mou --help` never pays for them, and kept in mou's cache
(loading them from the libraries costs ~90 ms of CPU, more than checking 1,000 records),
under a key that names each library's installed files: an upgraded library is read again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any


def _stamp(library: str) -> tuple[str, int, int] | None:
    """Where a library is installed and when it was (its `__init__.py`), without importing it."""
    import importlib.util

    spec = importlib.util.find_spec(library)
    if spec is None or spec.origin is None:
        return None
    status = os.stat(spec.origin)
    return spec.origin, status.st_size, status.st_mtime_ns


def _kept(name: str, library: str, compute: Callable[[], Any], sound: Callable[[Any], bool]) -> Any:
    """`compute()`, from the cache when it holds a `sound` value computed from the same
    installed `library`, else computed and kept there."""
    from mou import cache as store

    found = store.open_cache()
    if found is None:
        return compute()
    key = store.key_of("codes", name, _stamp(library))
    value = found.result(key)
    if value is not None and sound(value):
        return value
    value = compute()
    found.store_result(key, value)
    return value


def _words(value: Any) -> bool:
    return isinstance(value, frozenset) and all(isinstance(word, str) for word in value)


def _pycountry(database: str, part: str) -> frozenset[str]:
    """The alpha-3 codes of pycountry's `database` (its JSON file, holding the list `part`),
    read from the file without importing pycountry, whose import reads the metadata of every
    installed package for its own version (~40 ms); through pycountry when the file is not
    where pycountry keeps it (`pycountry.DATABASE_DIR`)."""
    import importlib.util
    import json

    spec = importlib.util.find_spec("pycountry")
    for folder in (spec and spec.submodule_search_locations) or ():
        try:
            with open(os.path.join(folder, "databases", database), "rb") as stream:
                entries = json.load(stream)[part]
            return frozenset(entry["alpha_3"] for entry in entries)
        except (OSError, ValueError, LookupError, TypeError):
            break
    import pycountry

    listed = pycountry.countries if part == "3166-1" else pycountry.currencies
    return frozenset(entry.alpha_3 for entry in listed)


@cache
def states() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes."""

    def compute() -> frozenset[str]:
        return _pycountry("iso3166-1.json", "3166-1")

    found: frozenset[str] = _kept("states", "pycountry", compute, _words)
    return found


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 alphabetic codes."""

    def compute() -> frozenset[str]:
        return _pycountry("iso4217.json", "4217")

    found: frozenset[str] = _kept("currencies", "pycountry", compute, _words)
    return found


@cache
def languages() -> frozenset[str]:
    """ISO 639 language codes that CLDR names (645 of them: every living language a record
    could be written in). Babel's list loads in a third of the time of pycountry's 7,900."""

    def compute() -> frozenset[str]:
        from babel import localedata

        # English's own data names them all (CLDR's root names none): not merged with root.
        names = localedata.load("en", merge_inherited=False)["languages"]
        return frozenset(
            code
            for code in names
            if isinstance(code, str) and code.isalpha() and code.islower() and len(code) <= 3
        )

    found: frozenset[str] = _kept("languages", "babel", compute, _words)
    return found


def _precision(currency: str) -> int:
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


@cache
def _minor_units() -> dict[str, int]:
    def sound(value: Any) -> bool:
        return isinstance(value, dict) and all(
            isinstance(k, str) and type(v) is int for k, v in value.items()
        )

    def compute() -> dict[str, int]:
        return {currency: _precision(currency) for currency in sorted(currencies())}

    found: dict[str, int] = _kept("minor units", "babel", compute, sound)
    return found


@cache
def minor_unit(currency: str) -> int:
    """Decimal places of the currency's minor unit (CLDR): 2 for EUR, 0 for JPY, 3 for KWD."""
    units = _minor_units()
    return units[currency] if currency in units else _precision(currency)


def close_matches(word: str, choices: frozenset[str] | list[str]) -> list[str]:
    """Up to three likely intended spellings of `word`, for "did you mean" hints."""
    import difflib

    upper = {choice.upper(): choice for choice in choices}
    exact = upper.get(word.upper())
    if exact:
        return [exact]
    found = difflib.get_close_matches(word.upper(), list(upper), n=3, cutoff=0.6)
    return [upper[match] for match in found]
