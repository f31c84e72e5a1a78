"""Rules over the whole record: one function per family of codes, in a registry.

Each check takes the `Context` and yields problems; `run_checks` runs them all. What a code
means to a user is in the catalogue (`problems.CODES`, shown by `mou explain`); the
docstrings here say how the rule is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from mou import codes
from mou.fields import Loc, key_of, references
from mou.kinds import KINDS
from mou.life import clause_ids, life_findings, outside_life
from mou.load import MEMORANDUM_ID, Entry, RecordSet, load
from mou.models import (
    ID_MAX_LENGTH,
    WINDOWS_RESERVED,
    Activity,
    Arrangement,
    Exchange,
    Meeting,
    Memorandum,
    Programme,
    Record,
    Request,
    Seminar,
    id_error,
)
from mou.periods import PeriodError, parse_period
from mou.problems import Problem, Validation, capped
from mou.progress import reporter
from mou.read import document_status, record_id

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


# --- ids and the memorandum -----------------------------------------------------------------


@check
def check_ids(context: Context) -> Iterator[Problem]:
    """MOU201 for a file name that is not an id; MOU202 for every later file with a taken id."""
    import re

    first: dict[str, str] = {}
    for path in context.records.files:
        name = record_id(path)
        error = id_error(name)
        if error:
            suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:ID_MAX_LENGTH]
            if suggestion in WINDOWS_RESERVED:
                suggestion += "-1"
            hint = f"; rename it to `{suggestion}`" if suggestion else ""
            yield Problem("MOU201", f"`{name}` {error}{hint}", path, record=name)
        if name in first:
            yield Problem(
                "MOU202", f"duplicate id `{name}`: {first[name]} has it too", path, record=name
            )
        else:
            first[name] = path


@check
def check_memorandum(context: Context) -> Iterator[Problem]:
    """MOU205: exactly one memorandum, in memorandum.yaml at the root."""
    files = context.records.files
    roots = [path for path in files if "/" not in path and record_id(path) == MEMORANDUM_ID]
    if not roots:
        yield Problem(
            "MOU205",
            f"no memorandum.yaml at the records root ({context.records.root})"
            "; `mou init` writes one to fill in",
            "memorandum.yaml",
        )
    for path in roots:
        if files[path] not in (None, "memorandum"):
            yield Problem(
                "MOU205",
                f"{path} must be of kind memorandum, not {files[path]}",
                path,
                record=MEMORANDUM_ID,
            )
    for path, kind in files.items():
        if kind == "memorandum" and path not in roots:
            yield Problem(
                "MOU205",
                "more than one memorandum: only memorandum.yaml at the "
                "records root may be of kind memorandum",
                path,
                record=record_id(path),
            )


# --- rules within one record that span fields (MOU102) ----------------------------------------


def _order(context: Context, entry: Entry, first: str, second: str) -> Iterator[Problem]:
    earlier, later = getattr(entry.model, first), getattr(entry.model, second)
    if earlier is not None and later is not None and later < earlier:
        model = type(entry.model)
        name_first, name_second = key_of(model, first), key_of(model, second)
        yield context.at(
            "MOU102",
            entry,
            (name_second,),
            f"`{name_second}` ({later}) is before `{name_first}` ({earlier})",
        )


@check
def check_record_rules(context: Context) -> Iterator[Problem]:
    """MOU102 for what one record gets wrong across its fields: dates out of order, a party
    on both sides of an exchange, repeated action ids, a period that cannot be read, an
    amount finer than its currency's minor unit, repeated declarations in the memorandum."""
    pairs = {
        "meeting": [("date", "end_date")],
        "seminar": [("date", "end_date")],
        "programme": [("start", "end")],
        "contact": [("from_", "to")],
        "request": [("date", "responded_on"), ("date", "delivered_on")],
    }
    for entry in context.records.entries:
        model = entry.model
        for first, second in pairs.get(model.kind, ()):
            yield from _order(context, entry, first, second)
        if isinstance(model, Exchange) and model.from_ == model.to:
            yield context.at(
                "MOU102",
                entry,
                ("to",),
                f"an exchange goes between two parties: `from` and `to` are both `{model.to}`",
            )
        if isinstance(model, Request) and model.requested_by == model.addressed_to:
            yield context.at(
                "MOU102",
                entry,
                ("addressed_to",),
                f"a request goes from one party to the other: both are `{model.addressed_to}`",
            )
        if isinstance(model, Meeting):
            yield from _repeated(context, entry, "actions", [a.id for a in model.actions], "id")
            if model.period_reviewed is not None:
                try:
                    parse_period(model.period_reviewed)
                except PeriodError as error:
                    yield context.at("MOU102", entry, ("period_reviewed",), str(error))
        if isinstance(model, Arrangement):
            for index, expense in enumerate(model.expenses):
                if expense.currency not in codes.currencies():
                    continue  # MOU204 says so
                places = -int(expense.amount.as_tuple().exponent)
                allowed = codes.minor_unit(expense.currency)
                if places > allowed:
                    yield context.at(
                        "MOU102",
                        entry,
                        ("expenses", index, "amount"),
                        f"{expense.amount} {expense.currency}: {places} decimal places, but "
                        f"{expense.currency} has {allowed or 'no minor unit'}",
                    )
        if isinstance(model, Memorandum):
            yield from _repeated(context, entry, "parties", model.party_ids, "id")
            yield from _repeated(context, entry, "clauses", [c.id for c in model.clauses], "id")
            yield from _repeated(context, entry, "topics", model.topic_ids, None)


def _repeated(
    context: Context, entry: Entry, field_name: str, values: list[str], part: str | None
) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            loc: Loc = (field_name, index, part) if part else (field_name, index)
            yield context.at("MOU102", entry, loc, f"`{value}` appears twice in `{field_name}`")
        seen.add(value)


# --- references (MOU203, MOU204) ---------------------------------------------------------


@check
def check_references(context: Context) -> Iterator[Problem]:
    """MOU203 for a reference to a record that does not exist or is of the wrong kind; MOU204
    for a party, topic or clause the memorandum does not declare, or a state or currency that
    is not an ISO code. Without a readable memorandum only the ISO codes are checked."""
    memorandum = context.memorandum
    declared: dict[str, list[str]] = {}
    if memorandum is not None:
        declared = {
            "party": memorandum.party_ids,
            "topic": memorandum.topic_ids,
            "clause": clause_ids(memorandum),
        }
    iso = {
        "state": ("ISO 3166-1 alpha-3 state code", codes.states),
        "currency": ("ISO 4217 currency code", codes.currencies),
    }
    for entry in context.records.entries:
        for loc, marker, value in references(entry.model):
            if marker.to == "record":
                problem = _record_reference(context, entry, loc, value, marker.kinds)
                if problem:
                    yield problem
            elif marker.to in iso:
                what, known = iso[marker.to]
                if value not in known():
                    hint = _hint(value, known())
                    yield context.at(
                        "MOU204",
                        entry,
                        loc,
                        f"`{value}` is not an {what}{hint}",
                        key=loc[0] == "conditions",
                    )
            elif marker.to in declared and value not in declared[marker.to]:
                choices = declared[marker.to]
                yield context.at(
                    "MOU204",
                    entry,
                    loc,
                    f"unknown {marker.to} `{value}`: the memorandum declares "
                    f"{', '.join(f'`{c}`' for c in choices) or 'none'}",
                    key=loc[0] == "conditions",
                )


def _record_reference(
    context: Context, entry: Entry, loc: Loc, value: str, kinds: tuple[str, ...]
) -> Problem | None:
    if value not in context.kinds_by_id:
        candidates = [id_ for id_, kind in context.kinds_by_id.items() if kind in kinds]
        hint = _hint(value, candidates)
        return context.at("MOU203", entry, loc, f"no record `{value}`{hint}")
    kind = context.kinds_by_id[value]
    if kind is not None and kind not in kinds:
        return context.at(
            "MOU203",
            entry,
            loc,
            f"`{value}` is of kind {kind}; this must name a {' or '.join(kinds)}",
        )
    return None


def _hint(value: str, choices: frozenset[str] | list[str]) -> str:
    matches = codes.close_matches(value, choices)
    return f" (did you mean {', '.join(f'`{m}`' for m in matches)}?)" if matches else ""


@check
def check_documents(context: Context) -> Iterator[Problem]:
    """MOU206: a document `path` is relative to the records root, stays inside it, and exists
    (on disk, or in the revision's tree when the record was read from git)."""
    for entry in context.records.entries:
        for index, document in enumerate(entry.model.documents):
            if document.path is None:
                continue
            loc = ("documents", index, "path")
            status = document_status(context.records.root, document.path, context.records.tree)
            if status == "outside":
                yield context.at("MOU206", entry, loc, f"`{document.path}` leaves the records root")
            elif status == "missing":
                yield context.at(
                    "MOU206", entry, loc, f"no file `{document.path}` under the records root"
                )


# --- the memorandum's own rules (MOU301-MOU304) ---------------------------------------------


@check
def check_public_domain(context: Context) -> Iterator[Problem]:
    """MOU301: clause 1.2 is about information in the public domain only."""
    for entry, exchange in of_kind(context, Exchange):
        if not exchange.public_domain:
            yield context.at(
                "MOU301",
                entry,
                ("public_domain",),
                "clause 1.2 covers information in the public domain only; "
                "this exchange says it is not",
            )


@check
def check_representation(context: Context) -> Iterator[Problem]:
    """MOU302: a representation meeting has an observer from a party other than the organizer."""
    for entry, meeting in of_kind(context, Meeting):
        if meeting.type == "representation" and not set(meeting.observers) - {meeting.organizer}:
            loc = ("observers",) if meeting.observers else ()
            yield context.at(
                "MOU302",
                entry,
                loc,
                f"representation (clause 1.5) means another party observes: add an "
                f"observer other than the organizer `{meeting.organizer}`",
            )


@check
def check_bilateral_scope(context: Context) -> Iterator[Problem]:
    """MOU303: one state and one party, not marked `scope: bilateral` (clause 5)."""
    for entry in context.records.entries:
        model = entry.model
        if isinstance(model, Programme):
            parties, field_name = set(model.lead), "lead"
        elif isinstance(model, Activity):
            parties, field_name = set(model.parties), "parties"
        else:
            continue
        if model.scope != "bilateral" and len(set(model.states)) == 1 and len(parties) == 1:
            yield context.at(
                "MOU303",
                entry,
                ("states",),
                f"involves one state ({model.states[0]}) and one party "
                f"({next(iter(parties))}): if this is bilateral cooperation (clause "
                f"5), mark it `scope: bilateral`; otherwise add the other party to "
                f"`{field_name}`",
            )


@check
def check_arrangements(context: Context) -> Iterator[Problem]:
    """MOU304: a joint held seminar or active/completed programme is covered by an arrangement."""
    covered = {
        covered_id
        for _, arrangement in of_kind(context, Arrangement)
        for covered_id in arrangement.covers
    }
    for entry in context.records.entries:
        model = entry.model
        if isinstance(model, Seminar) and model.status == "held":
            parties, what = set(model.organizers), "a held seminar organised by"
        elif isinstance(model, Programme) and model.status in ("active", "completed"):
            article = "an" if model.status == "active" else "a"
            parties, what = set(model.lead), f"{article} {model.status} programme led by"
        else:
            continue
        if len(parties) > 1 and model.arrangement is None and entry.id not in covered:
            yield context.at(
                "MOU304",
                entry,
                ("status",),
                f"{what} {', '.join(sorted(parties))} with no special arrangement "
                "(clause 3): set `arrangement:` or list it in an arrangement's "
                "`covers:`",
            )


# --- dates (MOU305-MOU308) ---------------------------------------------------------------------


@check
def check_signing_date(context: Context) -> Iterator[Problem]:
    """MOU305: no record is dated before the memorandum was signed; MOU309/MOU310 on the
    memorandum's life fields (mou.life); MOU311 for records outside its life."""
    memorandum = context.memorandum
    if memorandum is None:
        return
    signed = memorandum.signed.date
    for entry in context.records.entries:
        model = entry.model
        if isinstance(model, Memorandum):
            for code, loc, message in life_findings(model):
                yield context.at(code, entry, loc, message)
            continue
        name = KINDS[model.kind].date_key
        outside = outside_life(memorandum, model.dated)
        if model.dated < signed:
            message = f"dated {model.dated}, before the memorandum was signed on {signed}"
            yield context.at("MOU305", entry, (name,), message)
        elif outside is not None:
            yield context.at("MOU311", entry, (name,), outside)


@check
def check_status_dates(context: Context) -> Iterator[Problem]:
    """MOU306 for held/done/delivered after today; MOU307 for planned more than 30 days ago;
    MOU308 for open actions past due. `--as-of` replaces today."""
    today = context.today
    for entry in context.records.entries:
        model = entry.model
        if isinstance(model, Meeting | Seminar):
            if model.status == "held" and model.date > today:
                yield context.at(
                    "MOU306",
                    entry,
                    ("status",),
                    f"status is held but the date {model.date} is after {today}",
                )
            if model.status == "planned" and model.date < today - PLANNED_GRACE:
                days = (today - model.date).days
                yield context.at(
                    "MOU307",
                    entry,
                    ("status",),
                    f"still planned {days} days after its date {model.date}: "
                    "record it as held, cancelled or postponed",
                )
        if isinstance(model, Meeting):
            for index, action in enumerate(model.actions):
                done = action.done_on or model.date
                if action.status == "done" and done > today:
                    yield context.at(
                        "MOU306",
                        entry,
                        ("actions", index, "status"),
                        f"action `{action.id}` is done on {done}, after {today}",
                    )
                if action.status == "open" and action.due is not None and action.due < today:
                    days = (today - action.due).days
                    yield context.at(
                        "MOU308",
                        entry,
                        ("actions", index, "due"),
                        f"action `{action.id}` ({action.owner}) was due {action.due}, "
                        f"{days} days ago",
                    )
        if isinstance(model, Request) and model.status == "delivered":
            delivered = model.delivered_on or model.date
            if delivered > today:
                field_name = "delivered_on" if model.delivered_on else "status"
                yield context.at(
                    "MOU306", entry, (field_name,), f"delivered on {delivered}, after {today}"
                )


def run_checks(records: RecordSet, today: date) -> list[Problem]:
    """Every problem of the record: those found while loading, then every check's."""
    context = Context(records, today)
    found = list(records.problems)
    progress = reporter()
    progress.step("Checking", len(CHECKS))
    for function in CHECKS:
        found.extend(function(context))
        progress.advance()
    progress.close()  # what comes next is output: the bar must be gone
    return capped(sorted(found, key=Problem.sort_key))


def validate(root: Path, today: date, extra: dict[str, bytes] | None = None) -> Validation:
    """Load the record under `root` and run every check."""
    records = load(root, extra)
    return Validation(run_checks(records, today), len(records.files))
