"""What every check shares: the `Context` it sees, the registry (`@check`), `of_kind`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import TypeVar

from mou.fields import Loc
from mou.load import Entry, RecordSet
from mou.models import Arrangement, Memorandum, Record
from mou.problems import Problem
from mou.read import record_id

R = TypeVar("R", bound=Record)
MISSING = "\0missing"  # the kind of a record that does not exist (no kind is named so)
PLANNED_GRACE = timedelta(days=30)


@dataclass(frozen=True)
class Whole:
    """What a check of some of the files needs to know of the whole record, when only those
    files were loaded (`mou validate` takes the others' findings from the cache): every file
    with its kind, the memorandum, the ids arrangements cover, and the files to check."""

    files: dict[str, str | None]
    memorandum: Memorandum | None
    covered: frozenset[str]
    checked: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Context:
    """What every check sees: the record and the day taken as today (`--as-of`).

    A check registered with `@check` looks at `entries` one by one, and at the rest of the
    record only through `memorandum`, `covered` and `record_kind` (or `kinds_by_id`, which
    makes the entry's findings depend on every file's kind): with `whole` given, `entries`
    are only the files to check again, and the rest still describes the whole record (what
    each entry's findings depend on is noted in `looked_up`: see findings.py). A check
    registered with `@check_files` looks only at `files`, and always runs whole.
    """

    records: RecordSet
    today: date
    whole: Whole | None = None
    # What each entry's checks looked up of other records: path → {id: its kind, or
    # MISSING}; an entry that looked at every file's kind is in `looked_at_all`.
    looked_up: dict[str, dict[str, str | None]] = field(default_factory=dict)
    looked_at_all: set[str] = field(default_factory=set)

    def record_kind(self, entry: Entry, record: str) -> str | None:
        """The kind of the record `record` that `entry` names: MISSING when there is none,
        None when its file names no kind it has."""
        kind = self.kinds_by_id.get(record, MISSING)
        self.looked_up.setdefault(entry.path, {})[record] = kind
        return kind

    def every_kind(self, entry: Entry) -> dict[str, str | None]:
        """Every record's id → its kind, looked at by `entry`."""
        self.looked_at_all.add(entry.path)
        return self.kinds_by_id

    @cached_property
    def memorandum(self) -> Memorandum | None:
        return self.records.memorandum if self.whole is None else self.whole.memorandum

    @cached_property
    def files(self) -> dict[str, str | None]:
        """Every record file (path → the kind it names, None when unreadable)."""
        return self.records.files if self.whole is None else self.whole.files

    @cached_property
    def entries(self) -> list[Entry]:
        """The records to check."""
        if self.whole is None:
            return self.records.entries
        checked = self.whole.checked
        return [entry for entry in self.records.entries if entry.path in checked]

    @cached_property
    def kinds_by_id(self) -> dict[str, str | None]:
        """Every record file's id → the kind it names (None when unreadable)."""
        return {record_id(path): kind for path, kind in self.files.items()}

    @cached_property
    def covered(self) -> frozenset[str]:
        """The ids of records some arrangement `covers`."""
        if self.whole is not None:
            return self.whole.covered
        return covered_ids(self.records.entries)

    def at(self, code: str, entry: Entry, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.records.position(entry.path, loc, key=key)
        return Problem(code, message, entry.path, line, column, entry.id)


def covered_ids(entries: list[Entry]) -> frozenset[str]:
    """The ids of records the arrangements among `entries` cover."""
    return frozenset(
        covered
        for entry in entries
        if isinstance(entry.model, Arrangement)
        for covered in entry.model.covers
    )


CheckFunction = Callable[[Context], Iterator[Problem]]
CHECKS: list[CheckFunction] = []
# The checks that look only at the list of files (run whole every time).
FILE_CHECKS: list[CheckFunction] = []


def check(function: CheckFunction) -> CheckFunction:
    """Register a check of records one by one (see `Context`)."""
    CHECKS.append(function)
    return function


def check_files(function: CheckFunction) -> CheckFunction:
    """Register a check of the list of files and their kinds only."""
    FILE_CHECKS.append(function)
    return check(function)


def of_kind(context: Context, kind: type[R]) -> Iterator[tuple[Entry, R]]:
    for entry in context.entries:
        if isinstance(entry.model, kind):
            yield entry, entry.model
