"""What the pages of `mou site` share: the record's data computed once for both languages.

`SiteData` holds, from the loaded record, each clause's status by year, by quarter and since
signing (by the review's own `clause_review`, SPEC §5), the yearly reviews, the references
both ways, what names each party and state, and the action items. Nothing here renders or
writes (`site_pages.py` renders, `site_build.py` writes).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from mou.fields import Loc, Ref, references
from mou.history import Revision
from mou.life import Life, has_life, life_on
from mou.load import Entry, RecordSet
from mou.models import (
    ID_PATTERN,
    Amendment,
    Arrangement,
    Contact,
    Meeting,
    Memorandum,
    Seminar,
)
from mou.periods import Period
from mou.problems import N_, Problem
from mou.review import Review, review
from mou.selection import (
    ActionItem,
    action_items,
    span,
)
from mou.site_clauses import ClauseYears, clause_years
from mou.words import Words

LANGUAGES = ("en", "ru")
# A party or state → record id → the fields of the record that name it.
Named = dict[str, dict[str, list[str]]]
# How many of the latest done actions the actions board lists (all are counted).
DONE_SHOWN = 100
UPCOMING_DAYS = 90
# Rows of a long table a yearly review shows on the site (the whole table has pages of its own).
REVIEW_ROWS = 50
REVIEW_LISTS = {
    "meetings": N_("Consultations and other meetings"),
    "seminars": N_("Seminars and conferences"),
    "requests": N_("Requests for technical cooperation"),
    "programmes": N_("Joint programmes"),
    "contacts": N_("Designated contacts"),
}
ASSETS = ("site.css", "nav.css", "search.js")
STATE_CODE = "[A-Z]{3}"  # a state page's name; other values are MOU204 findings
_STATE_CODE = re.compile(STATE_CODE)
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True, slots=True)
class SiteOptions:
    as_of: date
    contact_details: bool = False
    languages: tuple[str, ...] = LANGUAGES


@dataclass
class SiteData:
    """What the pages of both languages share, computed once."""

    records: RecordSet
    memorandum: Memorandum
    problems: Sequence[Problem]
    options: SiteOptions
    history: dict[str, tuple[Revision, ...]] = field(default_factory=dict)
    source_prefix: str = ""  # the records root's path in its repository, for "edit this file"
    # The output folder and the keys of the pages a previous run wrote there (folder.read_keys):
    # a record page whose inputs have the same key is not made again.
    output: Path | None = None
    previous: dict[str, tuple[str, int]] = field(default_factory=dict)
    said: dict[str, Words] = field(default_factory=dict, repr=False)
    made: dict[int, Review] = field(default_factory=dict, repr=False)  # the yearly reviews
    covered: dict[str, range] = field(default_factory=dict, repr=False)  # years, by record id

    def words(self, language: str) -> Words:
        """The language's Words, one per process: the pages that share it format each date,
        number and name once."""
        found = self.said.get(language)
        if found is None:
            found = self.said[language] = Words(language, self.memorandum)
        return found

    @cached_property
    def site_key(self) -> str | None:
        """The key of what every record page depends on besides its record: mou's code and
        the site's templates, the options, the memorandum's file, the pages that exist for
        states and clauses. None when the memorandum's file has no blob id (no keys then)."""
        from mou.cache import key_of
        from mou.render import templates_folder

        blob = self.blobs.get(self.memorandum_entry.path)
        if blob is None:
            return None
        templates = sorted(
            (p.name, p.stat().st_size, p.stat().st_mtime_ns)
            for p in (templates_folder() / "site").iterdir()
            if p.is_file()
        )
        return key_of(
            "site", templates, repr(self.options), self.source_prefix, blob,
            sorted(self.states), sorted(self.clause_ids),
        )  # fmt: skip

    @cached_property
    def blobs(self) -> dict[str, str]:
        """Each record file's git blob id as it was read (its content's key)."""
        taken = self.records.taken
        return dict(taken.blobs) if taken is not None else {}

    @cached_property
    def entries(self) -> list[Entry]:
        # A file whose name is not a valid id (MOU201) gets no page: its name could not be a
        # safe file name or link.
        found = [e for e in self.records.entries if e.kind != "memorandum" and _ID.fullmatch(e.id)]
        return sorted(found, key=lambda e: (e.model.dated, e.id))

    @cached_property
    def order(self) -> dict[str, int]:
        """Each record id's place in `entries` (the record's order)."""
        return {entry.id: index for index, entry in enumerate(self.entries)}

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}

    @cached_property
    def years(self) -> range:
        return range(self.memorandum.signed.date.year, self.options.as_of.year + 1)

    @cached_property
    def clauses(self) -> tuple[ClauseYears, ...]:
        """Every clause in force on some day since signing, its text as amended by the as-of
        date (`life.clause_terms`, as the review reads them)."""
        return clause_years(self.memorandum, self.entries, self.options.as_of, self.covered)

    @cached_property
    def clause_ids(self) -> frozenset[str]:
        """The clauses that have a page (in force on some day since signing)."""
        return frozenset(c.clause.id for c in self.clauses)

    @cached_property
    def life(self) -> Life | None:
        """The memorandum's life on the as-of date, when it states one (mou.life)."""
        return life_on(self.memorandum, self.options.as_of) if has_life(self.memorandum) else None

    def amendments_of(self, clause_id: str) -> list[tuple[Amendment, str]]:
        """The amendments that added, changed or removed a clause, by date, with which."""
        found = []
        for amendment in sorted(self.memorandum.amendments, key=lambda a: a.date):
            changes = amendment.clauses
            for what, ids in (
                ("added", [c.id for c in changes.added]),
                ("changed", [c.id for c in changes.changed]),
                ("removed", list(changes.removed)),
            ):
                if clause_id in ids:
                    found.append((amendment, what))
        return found

    @cached_property
    def reviews(self) -> dict[int, Review]:
        """The review of every calendar year from signing to the as-of year (SPEC §6)."""
        return {year: self.year_review(year) for year in self.years}

    def year_review(self, year: int) -> Review:
        """The review of `year` (`review_of`), computed once."""
        found = self.made.get(year)
        if found is None:
            found = self.made[year] = self.review_of(year)
        return found

    def review_of(self, year: int) -> Review:
        """`review()` of one year, given only the records it can use (`useful`, and each
        clause's latest qualifying record before the year): the same review, much sooner for
        a large record (tests compare the two)."""
        period = Period(str(year), date(year, 1, 1), date(year, 12, 31))
        memorandum = self.memorandum_entry
        useful: dict[str, Entry] = {memorandum.id: memorandum}
        useful.update((entry.id, entry) for entry in self.useful.get(year, ()))
        for clause in self.clauses:
            before = bisect.bisect_left(clause.dates, period.start)
            if before:
                useful[clause.records[before - 1].id] = clause.records[before - 1]
        subset = RecordSet(self.records.root, entries=list(useful.values()))
        return review(subset, period, self.options.as_of, self.problems)

    @cached_property
    def memorandum_entry(self) -> Entry:
        return next(e for e in self.records.entries if e.model is self.memorandum)

    @cached_property
    def useful(self) -> dict[int, list[Entry]]:
        """Year → what its review can use besides each clause's latest record before it: the
        records of the year, the arrangements with an expense dated in it (the costs), and
        every meeting with an open action (the overdue actions)."""
        found: dict[int, list[Entry]] = defaultdict(list)
        years = self.years
        for entry in self.entries:
            model = entry.model
            first, last = span(model)
            end = min(last.year if last else years[-1], years[-1])
            covered = set(range(max(first.year, years[0]), end + 1))
            if isinstance(model, Arrangement):
                covered.update((e.date or model.date).year for e in model.expenses)
            elif isinstance(model, Meeting) and any(a.status == "open" for a in model.actions):
                covered.update(years)
            for year in sorted(covered):
                found[year].append(entry)
        return found

    def prepare(self) -> None:
        """Compute what the parts of the site share (before forking, so that it is done once:
        the yearly reviews are computed by the part that writes them, from the records each
        year can use)."""
        for name in (
            "entries",
            "refs",
            "clauses",
            "clauses_of",
            "incoming",
            "parties",
            "states",
            "useful",
        ):
            getattr(self, name)
        self.site_key  # noqa: B018 (computed for its cache)

    @cached_property
    def clauses_of(self) -> dict[str, list[ClauseYears]]:
        """For each record id, the clauses it counts for (as a qualifying record)."""
        found: dict[str, list[ClauseYears]] = defaultdict(list)
        for clause in self.clauses:
            for entry in clause.records:
                found[entry.id].append(clause)
        return found

    @cached_property
    def refs(self) -> dict[str, list[tuple[Loc, Ref, str]]]:
        """For each record id, the references its fields make (`fields.references`, walked
        once: the lists, the pages and their keys all read them)."""
        return {entry.id: list(references(entry.model)) for entry in self.entries}

    @cached_property
    def outgoing(self) -> dict[str, list[tuple[str, str]]]:
        """For each record id, the records its fields name: (field, id named), in its order
        (a record's page and its key read them; worked out where they are made)."""
        return {
            record_id: [
                (str(loc[0]), value) for loc, marker, value in refs if marker.to == "record"
            ]
            for record_id, refs in self.refs.items()
        }

    @cached_property
    def incoming(self) -> dict[str, list[tuple[Entry, str]]]:
        """For each record id, the records whose fields name it (and which field)."""
        return self._named[0]

    @cached_property
    def parties(self) -> dict[str, dict[str, list[str]]]:
        """party → record id → the fields naming the party (organizer, observers, payer...)."""
        return self._named[1]

    @cached_property
    def states(self) -> dict[str, dict[str, list[str]]]:
        named = self._named[2]
        for code in self.memorandum.states:
            if re.fullmatch(STATE_CODE, code):
                named.setdefault(code, {})
        return dict(sorted(named.items()))

    @cached_property
    def _named(self) -> tuple[dict[str, list[tuple[Entry, str]]], Named, Named]:
        """What the records' fields name, in one pass over their references: the records
        naming each record (and in which field), and record id → the fields naming each
        party, and each state."""
        incoming: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
        parties: Named = defaultdict(dict)
        states: Named = defaultdict(dict)
        refs, state = self.refs, _STATE_CODE.fullmatch
        for entry in self.entries:
            for loc, marker, value in refs[entry.id]:
                to = marker.to
                if to == "record":
                    incoming[value].append((entry, str(loc[0])))
                    continue
                if to == "party":
                    found = parties
                elif to == "state" and state(value):
                    found = states
                else:
                    continue
                fields = found[value].setdefault(entry.id, [])
                name = str(loc[0])
                if name not in fields:
                    fields.append(name)
        return incoming, parties, states

    @cached_property
    def actions(self) -> list[ActionItem]:
        return action_items(self.entries, self.options.as_of)

    @cached_property
    def board(self) -> dict[str, list[ActionItem]]:
        """The actions board's lists: overdue, open (not overdue), and done or dropped (the
        latest meeting first)."""
        actions = self.actions
        return {
            "overdue": [i for i in actions if i.overdue_days],
            "open": [i for i in actions if i.action.status == "open" and not i.overdue_days],
            "done": sorted(
                (i for i in actions if i.action.status != "open"),
                key=lambda i: i.meeting.model.dated,
                reverse=True,
            ),
        }

    @cached_property
    def owners(self) -> Counter[tuple[str, str]]:
        """(a list of the board, a party) → how many of its action items the party owns."""
        return Counter((name, i.action.owner) for name, items in self.board.items() for i in items)

    @cached_property
    def upcoming(self) -> list[Entry]:
        """Planned meetings and seminars from the as-of date to 90 days after it."""
        first, last = self.options.as_of, self.options.as_of + timedelta(days=UPCOMING_DAYS)
        return [
            e
            for e in self.entries
            if isinstance(e.model, Meeting | Seminar)
            and e.model.status == "planned"
            and first <= e.model.date <= last
        ]

    def contacts(self, party: str) -> list[Entry]:
        return [e for e in self.entries if isinstance(e.model, Contact) and e.model.party == party]

    def href(self, marker: Ref, value: str) -> str | None:
        """Where a reference points, relative to the language folder (None: no page)."""
        if marker.to == "party" and value in self.memorandum.party_ids:
            return f"parties/{value}.html"
        if marker.to == "state" and value in self.states:
            return f"states/{value}.html"
        if marker.to == "clause" and value in self.clause_ids:
            return f"clauses/{value}.html"
        if marker.to == "record" and value in self.by_id:
            return f"records/{value}.html"
        return None


def site_review(made: Review) -> tuple[Review, dict[str, tuple[Entry, ...]]]:
    """The review with each long table cut to its first REVIEW_ROWS rows (what the site's
    review page shows: its counts are the review's own), and the whole of each table cut."""
    whole = {
        "meetings": made.meetings,
        "seminars": made.seminars.records,
        "requests": made.requests.records,
        "programmes": made.programmes,
        "contacts": made.contact_persons,
    }
    cut = {what: found[:REVIEW_ROWS] for what, found in whole.items()}
    short = replace(
        made,
        meetings=cut["meetings"],
        seminars=replace(made.seminars, records=cut["seminars"]),
        requests=replace(made.requests, records=cut["requests"]),
        programmes=cut["programmes"],
        contact_persons=cut["contacts"],
    )
    return short, {what: found for what, found in whole.items() if len(found) > REVIEW_ROWS}
