"""What every check shares: the `Context` it sees, the registry (`@check`), `of_kind`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import TypeVar

from mou.fields import Loc
from mou.load import Entry, RecordSet
from mou.models import Memorandum, Record
from mou.problems import Problem
from mou.read import record_id

R = TypeVar("R", bound=Record)
PLANNED_GRACE = timedelta(days=30)


@dataclass
class Context:
    """What every check sees: the record and the day taken as today (`--as-of`)."""

    records: RecordSet
    today: date

    @cached_property
    def memorandum(self) -> Memorandum | None:
        return self.records.memorandum

    @cached_property
    def kinds_by_id(self) -> dict[str, str | None]:
        """Every record file's id → the kind it names (None when unreadable)."""
        return {record_id(path): kind for path, kind in self.records.files.items()}

    def at(self, code: str, entry: Entry, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.records.position(entry.path, loc, key=key)
        return Problem(code, message, entry.path, line, column, entry.id)


CheckFunction = Callable[[Context], Iterator[Problem]]
CHECKS: list[CheckFunction] = []


def check(function: CheckFunction) -> CheckFunction:
    CHECKS.append(function)
    return function


def of_kind(context: Context, kind: type[R]) -> Iterator[tuple[Entry, R]]:
    for entry in context.records.entries:
        if isinstance(entry.model, kind):
            yield entry, entry.model
