"""The one registry of record kinds: for each, its model, the folder its files go in, the key
its date is written under and the field that names it. Loading, checks, queries, the writer,
`add-*`, `mou init` and the schema all read it; a new kind is one line here (and its model).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from mou.fields import key_of
from mou.models import (
    Activity,
    Arrangement,
    Contact,
    Exchange,
    Meeting,
    Memorandum,
    Programme,
    Record,
    Request,
    Seminar,
)


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of record."""

    model: type[Record]
    folder: str  # where its files go (the SPEC's convention); its plural
    title_field: str  # what a record is called: its title, subject or name
    addable: bool = True  # written by `mou add-KIND`

    @property
    def name(self) -> str:
        """The value of `kind:` in its files."""
        return str(get_args(self.model.model_fields["kind"].annotation)[0])

    @property
    def plural(self) -> str:
        return self.folder or f"{self.name}s"

    @property
    def date_key(self) -> str:
        """The key its date is written under (`from` for contacts, `start` for programmes)."""
        return key_of(self.model, self.model.date_field)


_ALL = (
    # The memorandum is the one file memorandum.yaml at the records root.
    Kind(Memorandum, "", "title", addable=False),
    Kind(Meeting, "meetings", "title"),
    Kind(Seminar, "seminars", "title"),
    Kind(Exchange, "exchanges", "subject"),
    Kind(Request, "requests", "subject"),
    Kind(Programme, "programmes", "title"),
    Kind(Arrangement, "arrangements", "title"),
    Kind(Contact, "contacts", "name"),
    Kind(Activity, "activities", "title"),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _ALL}
# Kind name → model, for those that only need the model.
MODELS: dict[str, type[Record]] = {name: kind.model for name, kind in KINDS.items()}
# The kinds `mou add-KIND` writes, in the order `mou --help` lists them.
ADDABLE: tuple[str, ...] = tuple(name for name, kind in KINDS.items() if kind.addable)


def kind_named(word: str) -> Kind | None:
    """The kind called `word`, singular or plural (meeting, meetings, activities)."""
    for kind in _ALL:
        if word in (kind.name, kind.plural):
            return kind
    return None


def title_of(record: Record) -> object:
    """What a record is called (localized text): its title, subject or name."""
    return getattr(record, KINDS[record.kind].title_field)
