"""Find the record files under a root, parse them, build models: → (RecordSet, problems).

Never raises for bad input: every file gets its problems, and the other files are still read.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mou.cache import open_cache
from mou.fields import keys
from mou.kinds import MODELS
from mou.models import (
    CONTACT_DETAILS,
    EMAIL_PATTERN,
    ID_PATTERN,
    LANGUAGE_PATTERN,
    URL_PATTERN,
    Memorandum,
    Record,
)
from mou.problems import N_, NT, Problem, T, Text
from mou.progress import reporter
from mou.read import ParsedFile, Snapshot, parse_snapshot, read_and_parse, record_id, snapshot

MEMORANDUM_ID = "memorandum"


@dataclass(frozen=True, slots=True)
class Entry:
    """A record that passed its own validation: its id, its path (relative, POSIX) and model."""

    id: str
    path: str
    model: Record

    @property
    def kind(self) -> str:
        return self.model.kind


@dataclass(slots=True)
class RecordSet:
    """Everything read from one records root."""

    root: Path
    entries: list[Entry] = field(default_factory=list)
    # Every file that is a record, readable or not: path → its kind, when the file names one.
    files: dict[str, str | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Files given as bytes rather than read from disk (a record about to be written, or a
    # git revision); with a revision, `tree` lists all its files (for document paths).
    extra: dict[str, bytes] = field(default_factory=dict)
    # The files as read (on disk or in a revision), for positions from the same bytes.
    taken: Snapshot | None = None
    tree: set[str] | None = None
    _positions: dict[str, Any] = field(default_factory=dict)

    @property
    def memorandum(self) -> Memorandum | None:
        for entry in self.entries:
            if entry.id == MEMORANDUM_ID and isinstance(entry.model, Memorandum):
                return entry.model
        return None

    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    def position(
        self, path: str, loc: tuple[str | int, ...], *, key: bool = False
    ) -> tuple[int, int]:
        """1-based line and column of `loc` in the file at `path`.

        Positions are not kept for every record (50,000 records would hold hundreds of MB of
        them); the few files a cross-record check points into are parsed again here.
        """
        from mou import parse as yamlparse  # YAML is imported by the files parsed here

        if path not in self._positions:
            data = self.extra.get(path)
            if data is None and self.taken is not None:
                data = self.taken.contents([path]).get(path)
            if data is None:
                try:
                    data = (self.root / path).read_bytes()
                except OSError:
                    data = b""
            self._positions[path] = yamlparse.parse(data, path).positions
        positions = self._positions[path]
        if positions is None:
            return (1, 1)
        line, column = yamlparse.locate(positions, loc, key=key)
        return (line + 1, column + 1)


def load(
    root: Path,
    extra: dict[str, bytes] | None = None,
    *,
    files: dict[str, bytes] | None = None,
    tree: set[str] | None = None,
    taken: Snapshot | None = None,
    without: Collection[str] = (),
    parsed: Iterator[ParsedFile] | None = None,
) -> RecordSet:
    """Read every record under `root`. `extra` adds files not on disk (path → bytes), such as
    a record about to be written. `files` replaces the disk altogether (a git revision), and
    `tree` then lists every file of that revision, for document paths. `taken` is the disk as
    already read, when the caller has read it. `without` leaves out files that are on disk (a
    record about to be removed or renamed). `parsed` gives the files of `taken` already
    parsed, in its order (a portfolio's members, parsed in one pass).

    Parsed files come from the cache when it holds them; the others are parsed in worker
    processes for large records (parsing is most of the cost and is independent per file).
    Building the models and all checks stay here.
    """
    in_memory = {**(extra or {}), **(files or {})}
    records = RecordSet(root, extra=in_memory, tree=tree, taken=taken)
    if files is None:
        taken = records.taken = snapshot(root) if taken is None else taken
        records.problems.extend(taken.problems)
        skipped = {*in_memory, *without}
        on_disk = [path for path in taken.paths if path not in skipped]
        if parsed is None:
            parsed = parse_snapshot(taken, open_cache(), on_disk)
    else:
        on_disk, parsed = [], iter([])
    import gc

    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of small objects and no cycles: collection is pure cost
    built: dict[str, tuple[Entry | None, str | None, list[Problem]]] = {}
    progress = reporter()
    progress.step("Reading", len(on_disk))
    try:
        for path, (value, parse_problems) in zip(on_disk, parsed, strict=True):
            built[path] = build_entry(records, path, value, parse_problems)
            progress.advance()
        for path, data in in_memory.items():
            built[path] = build_entry(records, path, *read_and_parse(root, path, data))
    finally:
        progress.close()  # read: what comes next may be output, which the bar must not cover
        if collecting:
            gc.enable()
    for path in sorted(built):
        entry, kind, problems = built[path]
        records.files[path] = kind
        records.problems.extend(problems)
        if entry is not None:
            records.entries.append(entry)
    return records


def build_entry(
    records: RecordSet, path: str, value: Any, parse_problems: list[Problem]
) -> tuple[Entry | None, str | None, list[Problem]]:
    """A parsed file → its entry (when valid), the kind it names, and its problems."""
    record = record_id(path)
    problems = [_with_record(problem, record) for problem in parse_problems]
    if value is None:
        return None, None, problems

    def at(loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return records.position(path, loc, key=key)

    if not isinstance(value, dict):
        if isinstance(value, list):
            message = T(N_("a record is a mapping with `kind:`, not a list"))
        else:
            message = T(N_("a record is a mapping with `kind:`, not a single value"))
        problems.append(
            Problem(
                "MOU002",
                message,
                path,
                *at(()),
                record,
            )
        )
        return None, None, problems
    kind = value.get("kind")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        if kind is None:
            message = T(N_("no `kind:`; one of: {kinds}"), kinds=", ".join(MODELS))
        else:
            message = T(
                N_("unknown kind `{kind}`{hint}"), kind=kind, hint=_did_you_mean(str(kind), MODELS)
            )
        problems.append(Problem("MOU002", message, path, *at(("kind",)), record))
        return None, None, problems
    if problems:  # a file with duplicate keys is not validated further: which value wins?
        return None, kind, problems
    try:
        instance = model.model_validate(value)
    except ValidationError as error:
        problems.extend(_validation_problems(error, value, model, path=path, record=record, at=at))
        return None, kind, problems
    return Entry(record, path, instance), kind, problems


def _with_record(problem: Problem, record: str) -> Problem:
    return dataclasses.replace(problem, record=record)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return T(N_(" (did you mean `{match}`?)"), match=matches[0]) if matches else ""


_TYPE_MESSAGES = {
    "tuple_type": N_("expected a list"),
    "list_type": N_("expected a list"),
    "dict_type": N_("expected a mapping"),
    "model_type": N_("expected a mapping"),
    "model_attributes_type": N_("expected a mapping"),
    "string_type": N_("expected text"),
    "bool_type": N_("expected true or false"),
    "int_type": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "date_type": N_("expected an ISO 8601 date such as 2024-03-12"),
    "string_too_short": N_("must not be empty"),
}

_PATTERN_MESSAGES = {
    ID_PATTERN: N_("{value} is not an id: lower-case letters and digits joined by single hyphens"),
    URL_PATTERN: N_("{value} is not an http(s) URL"),
    EMAIL_PATTERN: N_("{value} is not an e-mail address"),
    LANGUAGE_PATTERN: N_("{value} is not an ISO 639 language code (en, ru, ...)"),
    "^P": N_("{value} is not an ISO 8601 duration such as P6M or P1Y"),  # models.Duration
}


def _data_loc(value: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The error's location in the file: pydantic's `loc` without the names of union members."""
    kept: list[str | int] = []
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        elif not (last and isinstance(value, dict)):
            continue  # a union member's tag, not a place in the file
        else:
            value = None
        kept.append(part)
    return tuple(kept)


def _dotted(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _validation_problems(
    error: ValidationError,
    value: Any,
    model: type[Record],
    *,
    path: str,
    record: str,
    at: Callable[..., tuple[int, int]],
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str | int, ...]] = set()
    for detail in error.errors():
        loc = _data_loc(value, detail["loc"])
        if loc in seen:  # one problem per place: a union reports each member's failure
            continue
        seen.add(loc)
        kind = detail["type"]
        name = _dotted(loc)
        if kind == "missing":
            code, where = "MOU101", at(loc[:-1])
            message = T(N_("missing required field `{name}`"), name=name)
        elif kind == "extra_forbidden":
            hint = ""
            if len(loc) == 1:
                hint = _did_you_mean(str(loc[0]), keys(model))
            code, where = "MOU103", at(loc, key=True)
            message = T(N_("unknown field `{name}`{hint}"), name=name, hint=hint)
        elif detail.get("input", "") is None:
            code, where = "MOU101", at(loc)
            message = T(N_("required field `{name}` has no value"), name=name)
        else:
            code, where = "MOU102", at(loc)
            private = bool(loc) and loc[-1] in CONTACT_DETAILS  # never quoted: it may leak
            message = T(
                N_("`{name}`: {detail}"), name=name, detail=explain(detail, quote=not private)
            )
        problems.append(Problem(code, message, path, where[0], where[1], record))
    return problems


def explain(detail: Any, *, quote: bool = True) -> str:
    """What is wrong with a value, in mou's words (a `Text`); `quote=False` never repeats the
    value (contact details)."""
    kind, ctx = detail["type"], detail.get("ctx", {})
    given = detail.get("input")
    shown = f"`{given}`" if quote else T(N_("the value"))
    if kind == "value_error":
        error = ctx.get("error", detail["msg"])
        reason = error.args[0] if isinstance(error, ValueError) and error.args else error
        return reason if isinstance(reason, Text) else str(reason)
    if kind == "literal_error":
        choices = ctx.get("expected", "").replace(chr(39), "").replace(" or ", ", ")
        return T(N_("{value} is not one of: {choices}"), value=shown, choices=choices)
    if kind == "string_pattern_mismatch":
        wrong_form = N_("{value} has the wrong form")
        return T(_PATTERN_MESSAGES.get(ctx.get("pattern"), wrong_form), value=shown)
    if kind == "too_short":
        count = ctx.get("min_length")
        return NT("needs at least {n} entry", "needs at least {n} entries", count)
    if kind == "string_too_long":
        return T(N_("at most {n} characters"), n=ctx.get("max_length"))
    if kind in ("greater_than_equal", "greater_than"):
        return T(N_("must be at least {n}"), n=ctx.get("ge", ctx.get("gt")))
    if kind == "string_type" and isinstance(given, int | float | Decimal) and given is not True:
        return T(N_('expected text: write "{value}" in quotes'), value=given)
    if kind in _TYPE_MESSAGES:
        return T(_TYPE_MESSAGES[kind])
    return str(detail["msg"])
