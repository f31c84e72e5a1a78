"""Diagnostics: what every stage of mou returns instead of raising.

A `Problem` is the whole interface between the loader, the checks and the output formats.
Its code is one of the catalogue's (`mou.catalogue`, re-exported here with `N_`).

A problem's message is built from a `Text`: an English template (a message of the gettext
catalogs) and its values. The English text is kept in `message`; the template and values in
`words`, as plain values (what the cache stores), so that the message is translated where it
is shown (`translated`), in any language, from the same cached result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import cache
from typing import TYPE_CHECKING, Any

from mou.catalogue import CODES, N_, Code, Severity

if TYPE_CHECKING:
    import gettext

# The catalogue's names are used through this module too.
__all__ = [
    "CODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_NODES",
    "NT",
    "N_",
    "PER_FILE",
    "PROBLEM_FIELDS",
    "Code",
    "Problem",
    "RefusalError",
    "Severity",
    "T",
    "Text",
    "UsageError",
    "Validation",
    "Words",
    "as_row",
    "capped",
    "catalog",
    "language_of_environment",
    "render",
    "too_large",
    "translated",
]

# The limits MOU004 states: bytes in one record file, levels of nesting in it.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
# Items in one list: far above any real record, and it keeps the diagnostics of a hostile
# list (one a bad item) proportional to this limit.
MAX_ITEMS = 1000
# YAML events in one file (a real record has a few hundred): parsing time stays bounded.
MAX_NODES = 50_000


# A message as plain values: ("T", template, plural template or "", ((name, value), ...)),
# a value being text, a number or another such message.
Words = tuple[str, str, str, tuple[tuple[str, Any], ...]]


class Text(str):
    """A message before it is shown: an English template with `{name}` fields (a message of
    the catalogs, marked with `N_` where it is written) and the values of its fields. With a
    `plural` template, the field `n` chooses the form (`1 decimal place`, `2 decimal places`).
    As text it is the English message, so it goes wherever text goes; a `Problem` built with
    it keeps its words, to be translated where it is shown."""

    template: str
    values: tuple[tuple[str, Any], ...]
    plural: str

    def __new__(
        cls, template: str, values: tuple[tuple[str, Any], ...] = (), plural: str = ""
    ) -> Text:
        words = ("T", template, plural, _plain(values))
        self = super().__new__(cls, render(words))
        self.template, self.values, self.plural = template, values, plural
        return self

    def words(self) -> Words:
        return ("T", self.template, self.plural, _plain(self.values))


def _plain(values: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (name, value.words() if isinstance(value, Text) else _value(value))
        for name, value in values
    )


def _value(value: Any) -> Any:
    """A field's value as the cache keeps it: text, a whole number or a Decimal."""
    from decimal import Decimal

    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return str(value)
    return value


def T(template: str, **values: Any) -> Text:  # noqa: N802 - reads as the message it builds
    """A message: `T(N_("unknown field `{name}`"), name=name)`."""
    return Text(template, tuple(values.items()))


def NT(singular: str, plural: str, n: int, **values: Any) -> Text:  # noqa: N802
    """A message with plural forms, chosen by `n` (also a field of the templates)."""
    return Text(singular, (("n", n), *values.items()), plural)


def render(words: Words, catalog: gettext.NullTranslations | None = None) -> str:
    """The message's text: English, or through `catalog`."""
    _, template, plural, values = words
    shown = {name: render(value, catalog) if _is_words(value) else value for name, value in values}
    if plural:
        count = int(shown["n"])
        if catalog is None:
            template = template if count == 1 else plural
        else:
            template = catalog.ngettext(template, plural, count)
    elif catalog is not None:
        template = catalog.gettext(template)
    return template.format(**shown)


def _is_words(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 4 and value[0] == "T"


def too_large(size: int, limit: int) -> Text:
    """MOU004's message for a file over the size limit."""
    return T(N_("file is {size} bytes; the limit is {limit}"), size=f"{size:,}", limit=f"{limit:,}")


def language_of_environment() -> str:
    """The language of messages when none is asked for: $MOU_LANG, else the locale
    ($LC_ALL, $LC_MESSAGES, $LANG) when it is Russian, else English."""
    for name in ("MOU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language` (English needs none: the messages are English)."""
    import gettext
    from pathlib import Path

    if language == "en":
        return gettext.NullTranslations()
    compiled = Path(__file__).parent / "locale" / language / "LC_MESSAGES" / "mou.mo"
    source = compiled.with_suffix(".po")
    if compiled.is_file() and (
        not source.is_file() or compiled.stat().st_mtime >= source.stat().st_mtime
    ):
        with compiled.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    # A source tree nobody built, or a catalog edited since: compile it in memory.
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        po = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, located in a file. `line` and `column` are 1-based. Built with a `Text`
    as its message, it keeps the English text in `message` and the message's `words`."""

    code: str
    message: str
    path: str
    line: int = 1
    column: int = 1
    record: str | None = None
    words: Words | None = None

    def __post_init__(self) -> None:
        if isinstance(self.message, Text):
            object.__setattr__(self, "words", self.message.words())
            object.__setattr__(self, "message", str(self.message))

    def text(self, language: str) -> str:
        """The message in `language` (English when it has no words)."""
        if language == "en" or self.words is None:
            return self.message
        return render(self.words, catalog(language))

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


class CommandError(ValueError):
    """A command's refusal, said as `mou: MESSAGE`. One that has a diagnostic code of the
    catalogue says it as a diagnostic line does, severity and code first: `mou: error MOU501
    MESSAGE` (`mou explain MOU501` says more)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        if code is not None:
            message = f"{CODES[code].severity} {code} {message}"
        super().__init__(message)
        self.code = code


class UsageError(CommandError):
    """What was asked cannot be done as given (a bad option value, an unknown id): the
    command line prints the message and exits 2."""


class RefusalError(CommandError):
    """What was asked is refused because of the record or the disk (no readable memorandum,
    an id already taken): the command line prints the message and exits 1. Nothing on disk
    was changed."""


@dataclass(frozen=True, slots=True)
class Validation:
    """Every problem of the record, sorted, and how many record files were read."""

    problems: list[Problem]
    files: int


# At most this many problems are shown for one file; one more line counts the rest, so that
# a hostile file costs time and memory in proportion to this, not to its size.
PER_FILE = 50
_MORE = N_("… and {n} more problems in this file (fix the ones above first)")


def capped(problems: list[Problem], limit: int = PER_FILE) -> list[Problem]:
    """`problems` (sorted by path) with at most `limit` per file, then one problem per file
    saying how many more there are. It takes the code of the first hidden error (else of the
    first hidden warning), so that the exit code does not change."""
    by_path: dict[str, list[Problem]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem)
    kept: list[Problem] = []
    for path, found in by_path.items():
        kept.extend(found[:limit])
        hidden = found[limit:]
        if hidden:
            worst = next((p for p in hidden if p.severity is Severity.ERROR), hidden[0])
            message = T(_MORE, n=f"{len(hidden):,}")
            kept.append(Problem(worst.code, message, path, worst.line, worst.column, worst.record))
    return kept


def as_row(problem: Problem) -> tuple[Any, ...]:
    """A problem as the tuple of its fields, in order (`Problem(*row)` is the problem again):
    how the cache stores problems."""
    return tuple(getattr(problem, name) for name in PROBLEM_FIELDS)


PROBLEM_FIELDS = tuple(field.name for field in fields(Problem))


def translated(problems: list[Problem], language: str) -> list[Problem]:
    """`problems` with their messages in `language`."""
    if language == "en":
        return problems
    import dataclasses

    return [dataclasses.replace(p, message=p.text(language), words=None) for p in problems]
