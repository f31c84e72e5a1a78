"""Checks of the record as files and references: ids, the one memorandum, rules within one
record that span fields (MOU102), references (MOU203, MOU204), documents (MOU206)."""

from __future__ import annotations

from collections.abc import Iterator

from mou import codes
from mou.checks.base import MISSING, Context, check, check_files
from mou.fields import Loc, key_of, references
from mou.life import clause_ids
from mou.load import MEMORANDUM_ID, Entry
from mou.models import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    WINDOWS_RESERVED,
    Arrangement,
    Exchange,
    Meeting,
    Memorandum,
    Request,
    id_error,
)
from mou.periods import PeriodError, parse_period
from mou.problems import N_, NT, Problem, T, Text
from mou.read import document_status, record_id

# --- ids and the memorandum -----------------------------------------------------------------


@check_files
def check_ids(context: Context) -> Iterator[Problem]:
    """MOU201 for a file name that is not an id; MOU202 for every later file with a taken id."""
    import re

    first: dict[str, str] = {}
    is_id = re.compile(ID_PATTERN).fullmatch  # compiled once: most names are ids
    for path in context.files:
        name = record_id(path)
        fits = len(name) <= ID_MAX_LENGTH and is_id(name) and name not in WINDOWS_RESERVED
        error = None if fits else id_error(name)
        if error:
            suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:ID_MAX_LENGTH]
            if suggestion in WINDOWS_RESERVED:
                suggestion += "-1"
            hint = T(N_("; rename it to `{name}`"), name=suggestion) if suggestion else ""
            message = T(N_("`{name}` {error}{hint}"), name=name, error=error, hint=hint)
            yield Problem("MOU201", message, path, record=name)
        if name in first:
            yield Problem(
                "MOU202",
                T(N_("duplicate id `{name}`: {path} has it too"), name=name, path=first[name]),
                path,
                record=name,
            )
        else:
            first[name] = path


@check_files
def check_memorandum(context: Context) -> Iterator[Problem]:
    """MOU205: exactly one memorandum, in memorandum.yaml at the root."""
    files = context.files
    roots = [path for path in files if "/" not in path and record_id(path) == MEMORANDUM_ID]
    if not roots:
        yield Problem(
            "MOU205",
            T(_NO_MEMORANDUM, root=context.records.root),
            "memorandum.yaml",
        )
    for path in roots:
        if files[path] not in (None, "memorandum"):
            yield Problem(
                "MOU205",
                T(N_("{path} must be of kind memorandum, not {kind}"), path=path, kind=files[path]),
                path,
                record=MEMORANDUM_ID,
            )
    for path, kind in files.items():
        if kind == "memorandum" and path not in roots:
            yield Problem(
                "MOU205",
                T(
                    N_(
                        "more than one memorandum: only memorandum.yaml at the records root "
                        "may be of kind memorandum"
                    )
                ),
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
            T(
                N_("`{second}` ({later}) is before `{first}` ({earlier})"),
                second=name_second,
                later=later,
                first=name_first,
                earlier=earlier,
            ),
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
    for entry in context.entries:
        model = entry.model
        for first, second in pairs.get(model.kind, ()):
            yield from _order(context, entry, first, second)
        if isinstance(model, Exchange) and model.from_ == model.to:
            yield context.at(
                "MOU102",
                entry,
                ("to",),
                T(
                    N_("an exchange goes between two parties: `from` and `to` are both `{party}`"),
                    party=model.to,
                ),
            )
        if isinstance(model, Request) and model.requested_by == model.addressed_to:
            yield context.at(
                "MOU102",
                entry,
                ("addressed_to",),
                T(
                    N_("a request goes from one party to the other: both are `{party}`"),
                    party=model.addressed_to,
                ),
            )
        if isinstance(model, Meeting):
            yield from _repeated(context, entry, "actions", [a.id for a in model.actions], "id")
            if model.period_reviewed is not None:
                try:
                    parse_period(model.period_reviewed)
                except PeriodError as error:
                    yield context.at("MOU102", entry, ("period_reviewed",), error.args[0])
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
                        _decimals(expense.amount, expense.currency, places, allowed),
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
            message = T(N_("`{value}` appears twice in `{field}`"), value=value, field=field_name)
            yield context.at("MOU102", entry, loc, message)
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
        "state": (N_("`{value}` is not an ISO 3166-1 alpha-3 state code{hint}"), codes.states),
        "currency": (N_("`{value}` is not an ISO 4217 currency code{hint}"), codes.currencies),
    }
    for entry in context.entries:
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
                        T(what, value=value, hint=hint),
                        key=loc[0] == "conditions",
                    )
            elif marker.to in declared and value not in declared[marker.to]:
                choices = declared[marker.to]
                yield context.at(
                    "MOU204",
                    entry,
                    loc,
                    _undeclared(marker.to, value, choices),
                    key=loc[0] == "conditions",
                )


def _record_reference(
    context: Context, entry: Entry, loc: Loc, value: str, kinds: tuple[str, ...]
) -> Problem | None:
    kind = context.record_kind(entry, value)
    if kind == MISSING:
        every = context.every_kind(entry)
        candidates = [id_ for id_, known in every.items() if known in kinds]
        hint = _hint(value, candidates)
        return context.at(
            "MOU203", entry, loc, T(N_("no record `{id}`{hint}"), id=value, hint=hint)
        )
    if kind is not None and kind not in kinds:
        return context.at(
            "MOU203",
            entry,
            loc,
            T(
                N_("`{id}` is of kind {kind}; this must name a {kinds}"),
                id=value,
                kind=kind,
                kinds=" | ".join(kinds),
            ),
        )
    return None


def _hint(value: str, choices: frozenset[str] | list[str]) -> str:
    matches = codes.close_matches(value, choices)
    shown = ", ".join(f"`{m}`" for m in matches)
    return T(N_(" (did you mean {choices}?)"), choices=shown) if matches else ""


@check
def check_documents(context: Context) -> Iterator[Problem]:
    """MOU102 for a document with both or neither of `url` and `path` (SPEC: `url | path`);
    MOU206: a document `path` is relative to the records root, stays inside it, and exists
    (on disk, or in the revision's tree when the record was read from git)."""
    for entry in context.entries:
        for index, document in enumerate(entry.model.documents):
            if (document.url is None) == (document.path is None):
                yield context.at("MOU102", entry, ("documents", index), T(_URL_OR_PATH))
            if document.path is None:
                continue
            loc = ("documents", index, "path")
            status = document_status(context.records.root, document.path, context.records.tree)
            if status == "outside":
                message = T(N_("`{path}` leaves the records root"), path=document.path)
                yield context.at("MOU206", entry, loc, message)
            elif status == "missing":
                yield context.at(
                    "MOU206",
                    entry,
                    loc,
                    T(N_("no file `{path}` under the records root"), path=document.path),
                )


def _decimals(amount: object, currency: str, places: int, allowed: int) -> Text:
    """An amount finer than its currency's minor unit (plural forms in every language)."""
    given = NT("{n} decimal place", "{n} decimal places", places)
    if not allowed:
        return T(
            N_("{amount} {currency}: {given}, but {currency} has no minor unit"),
            amount=amount,
            currency=currency,
            given=given,
        )
    return T(
        N_("{amount} {currency}: {given}, but {currency} has {allowed}"),
        amount=amount,
        currency=currency,
        given=given,
        allowed=allowed,
    )


def _undeclared(what: str, value: str, choices: list[str]) -> Text:
    shown = ", ".join(f"`{c}`" for c in choices)
    if not choices:
        return T(
            N_("unknown {what} `{value}`: the memorandum declares none"), what=T(what), value=value
        )
    return T(
        N_("unknown {what} `{value}`: the memorandum declares {choices}"),
        what=T(what),
        value=value,
        choices=shown,
    )


_URL_OR_PATH = N_("a document gives its `url` or its `path`: one of them, not both")
_NO_MEMORANDUM = N_(
    "no memorandum.yaml at the records root ({root}); `mou init` writes one to fill in"
)
# The words of `_undeclared` for what is declared (marked for the catalogs).
_DECLARED = (N_("party"), N_("topic"), N_("clause"))
