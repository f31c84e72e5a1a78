"""The memoranda of a portfolio loaded for the commands that work across them (`mou status`,
`actions`, `calendar`, `stats --by memorandum`, `export` at a portfolio's root): each member
loaded exactly as on its own, so every figure is the one `mou -m ID ...` gives."""

from __future__ import annotations

from dataclasses import dataclass

from mou.load import RecordSet, load
from mou.models import Memorandum
from mou.portfolio import Portfolio
from mou.problems import UsageError


@dataclass(frozen=True, slots=True)
class Loaded:
    """One memorandum of a portfolio, loaded: its id (the folder's name) and records."""

    id: str
    records: RecordSet

    @property
    def memorandum(self) -> Memorandum:
        assert self.records.memorandum is not None  # `load_members` keeps no other
        return self.records.memorandum


def load_members(portfolio: Portfolio) -> tuple[list[Loaded], list[str]]:
    """Every member with a readable memorandum, by id, and the ids of those without one (left
    out: the caller says so and exits 1), a folder whose memorandum.yaml is no regular file
    among them (`Portfolio.unreadable`). A portfolio holding none is a usage error."""
    if not portfolio.members:
        raise UsageError(f"{portfolio.root}: {portfolio.choice()}")
    loaded: list[Loaded] = []
    unreadable = [member.id for member in portfolio.unreadable]
    for member in portfolio.members:
        records = load(member.root)
        if records.memorandum is None:
            unreadable.append(member.id)
        else:
            loaded.append(Loaded(member.id, records))
    return loaded, sorted(unreadable)
