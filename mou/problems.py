"""Diagnostics: what every stage of mou returns instead of raising, and the catalogue of codes.

A `Problem` is the whole interface between the loader, the checks and the output formats.
Codes are stable: tools and people grep for them, so a code's meaning never changes.

A problem's message is built from a `Text`: an English template (a message of the gettext
catalogs) and its values. The English text is kept in `message`; the template and values in
`words`, as plain values (what the cache stores), so that the message is translated where it
is shown (`translated`), in any language, from the same cached result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import gettext

# The limits MOU004 states: bytes in one record file, levels of nesting in it.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
# Items in one list: far above any real record, and it keeps the diagnostics of a hostile
# list (one a bad item) proportional to this limit.
MAX_ITEMS = 1000
# YAML events in one file (a real record has a few hundred): parsing time stays bounded.
MAX_NODES = 50_000


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    title: str
    explanation: str


def N_(message: str) -> str:  # noqa: N802 - gettext's marker: translated where it is shown
    return message


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


def _code(code: str, severity: Severity, title: str, explanation: str) -> Code:
    return Code(code, severity, title, " ".join(explanation.split()))


E, W = Severity.ERROR, Severity.WARNING

# The catalogue. `title` is the one-line meaning shown in the README and SARIF rules;
# `explanation` is what `mou explain CODE` prints.
CODES: dict[str, Code] = {
    c.code: c
    for c in (
        _code(
            "MOU001",
            E,
            N_("not valid YAML, not UTF-8, or empty"),
            """
            The file could not be read as one YAML document: a syntax error, bytes that are
            not UTF-8, more than one document, or nothing in it at all. The location is
            where the reader stopped.""",
        ),
        _code(
            "MOU002",
            E,
            N_("not a mapping, or no / an unknown `kind`"),
            """
            Every record is a YAML mapping whose `kind:` says what it records (meeting,
            seminar, exchange, request, programme, arrangement, contact, activity, or the one
            memorandum).""",
        ),
        _code(
            "MOU003",
            E,
            N_("duplicate key in a mapping"),
            """
            The same key appears twice in one mapping. YAML readers disagree on which value
            wins, so mou refuses both; the location is the second occurrence.""",
        ),
        _code(
            "MOU004",
            E,
            N_("file too large, nested too deep, or using anchors, aliases or tags"),
            """
            Records are plain data: at most 1 MiB per file, 64 levels of nesting, 1,000
            items in one list and 50,000 values in one file; no anchors (&a), aliases (*a)
            or tags other than the core ones (!!str, !!int, ...). This keeps every record
            readable on its own and keeps hostile files (alias bombs, !!python/object, a
            million empty entries) from doing harm.""",
        ),
        _code(
            "MOU101",
            E,
            N_("missing required field"),
            """
            A field the record's kind requires is absent (or empty). The location is the
            mapping that lacks it.""",
        ),
        _code(
            "MOU102",
            E,
            N_("invalid value"),
            """
            A value has the wrong type, is not one of the allowed words, is not an ISO date,
            puts dates in the wrong order (end before start), is an amount with more
            decimals than its currency allows, or is a document with both or neither of
            `url` and `path`.""",
        ),
        _code(
            "MOU103",
            E,
            N_("unknown field"),
            """
            A key the record's kind does not define. Usually a typo: `organiser` for
            `organizer`, `obervers` for `observers`. Unknown fields are errors so that a typo
            never passes silently.""",
        ),
        _code(
            "MOU201",
            E,
            N_("bad id (file name)"),
            """
            A record's id is its file name without the extension. It must be lower-case
            letters and digits in groups joined by single hyphens (^[a-z0-9]+(-[a-z0-9]+)*$),
            at most 80 characters; dated records conventionally start with the date:
            2024-03-12-consultations-geneva.""",
        ),
        _code(
            "MOU202",
            E,
            N_("duplicate id"),
            """
            Two files have the same name without extension (in different folders, or as
            .yaml and .yml). Ids are unique across the whole record because references use
            them.""",
        ),
        _code(
            "MOU203",
            E,
            N_("reference to a missing record, or one of the wrong kind"),
            """
            An `arrangement:` field must name an arrangement; an arrangement's `covers:` must
            name meetings, seminars, requests, programmes or activities.""",
        ),
        _code(
            "MOU204",
            E,
            N_("unknown party, state, topic, currency or clause"),
            """
            Parties, topics and clauses are those the memorandum declares; states are ISO
            3166-1 alpha-3 codes (ARM, KAZ); currencies are ISO 4217 codes (USD, EUR).""",
        ),
        _code(
            "MOU205",
            E,
            N_("no memorandum, or more than one"),
            """
            The records root must hold exactly one memorandum.yaml of kind memorandum, and no
            other record may be of kind memorandum.""",
        ),
        _code(
            "MOU206",
            E,
            N_("document path missing or outside the records root"),
            """
            A document's `path:` is relative to the records root and must name a file that
            exists there, without leaving the root (no absolute paths, no ..).""",
        ),
        _code(
            "MOU301",
            E,
            N_("exchange of information not in the public domain"),
            """
            Clause 1.2 covers the exchange of information in the public domain only. An
            exchange with `public_domain: false` does not belong in this record.""",
        ),
        _code(
            "MOU302",
            E,
            N_("representation meeting without an observer from the other party"),
            """
            Clause 1.5 is reciprocal representation: a representation meeting's observers
            must include a party other than the organizer.""",
        ),
        _code(
            "MOU303",
            W,
            N_("single-state, single-party programme or activity (clause 5)"),
            """
            Clause 5: bilateral cooperation of one state with one party is outside the
            memorandum. A programme or activity with one state and one party is probably
            such cooperation: mark it `scope: bilateral` (it stays in the record but out of
            every count), or add the other party.""",
        ),
        _code(
            "MOU304",
            W,
            N_("joint event or programme with no special arrangement (clause 3)"),
            """
            Clause 3: special arrangements define each party's conditions and expenses. A
            held seminar or an active/completed programme organised by more than one party
            should be covered by an arrangement (its `arrangement:` field, or an
            arrangement's `covers:`).""",
        ),
        _code(
            "MOU305",
            E,
            N_("record dated before the memorandum was signed"),
            """
            Nothing can implement the memorandum before it exists. Check the date, or
            whether the record belongs here.""",
        ),
        _code(
            "MOU306",
            E,
            N_("held, done or delivered in the future"),
            """
            A meeting or seminar `status: held`, an action `status: done` or a request
            `status: delivered` is dated after today (or after --as-of). Either the date or
            the status is wrong.""",
        ),
        _code(
            "MOU307",
            W,
            N_("still planned more than 30 days after its date"),
            """
            A meeting or seminar is still `status: planned` more than 30 days after its date.
            Record what happened: held, cancelled or postponed.""",
        ),
        _code(
            "MOU308",
            W,
            N_("open action item past its due date"),
            """
            An action item of a meeting is `status: open` and its `due` date has passed.
            The diagnostic's record is the meeting; the action id is in the message.""",
        ),
        _code(
            "MOU309",
            E,
            N_("the memorandum's life dates are out of order"),
            """
            A memorandum is signed, then enters into force (`entry_into_force`), then runs
            to its expiry (`expires`, or the end of its `term`). Amendments are dated within
            that life (not before signing, not after termination), and a memorandum is
            terminated (`terminated.date`) after it was signed.""",
        ),
        _code(
            "MOU310",
            E,
            N_("the memorandum's term, renewal or amendments do not fit together"),
            """
            A memorandum runs for a `term` (a duration) or until a date it `expires`, not
            both. `renewal: automatic` needs a `renewal_term` and a term or expiry to renew;
            a `renewal_term` or a `notice` needs a term or expiry, and only automatic renewal
            has a renewal term. Amendment ids are unique; an amendment adds clauses the text
            does not have yet and changes or removes clauses it has at the amendment's date.""",
        ),
        _code(
            "MOU311",
            W,
            N_("record dated before entry into force or after termination"),
            """
            The memorandum entered into force after it was signed, or it was terminated,
            and a record is dated before its entry into force or after its termination.
            Work in those days was not done under the memorandum: check the date, or
            whether the record belongs here.""",
        ),
    )
}


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


class UsageError(ValueError):
    """What was asked cannot be done as given (a bad option value, an unknown id): the
    command line prints the message and exits 2."""


class RefusalError(ValueError):
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
