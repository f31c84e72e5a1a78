"""The tables of `mou export sqlite`: the whole record as rows, from the models.

The tables follow the models: one table per kind (named by its folder: `meetings`, ...), a
`records` table with every record's id, kind, dates, title and summary (full-text indexed),
child tables for the lists of parts (`actions`, `participants`, `expenses`, `documents`,
`items`) and for what records name (`record_parties`, `record_states`, `record_topics`,
`record_references`), the memorandum's `parties`, `clauses`, `topics`, the `states`, the
`qualifying` records of each clause (the review's own rule, SPEC §5), the validation
`findings`, and views for the questions people ask. Localized text becomes one column per
language (`title_en`, `title_ru`), filled as a review in that language shows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal, get_origin

from pydantic import BaseModel

from mou.fields import Localized, Ref, fields, marker, references
from mou.kinds import KINDS, MODELS
from mou.life import clause_terms
from mou.load import Entry, RecordSet
from mou.models import (
    COMMON_FIELDS,
    CONTACT_DETAILS,
    Clause,
    Memorandum,
    PartyDeclaration,
    TopicDeclaration,
    localized,
)
from mou.output import diagnostic
from mou.periods import Period
from mou.problems import Problem
from mou.review import clause_in_force
from mou.selection import is_bilateral, qualifies, span, title_of

# Parts of a record that get tables of their own rather than columns.
MEMORANDUM_TABLES = ("parties", "clauses", "topics")
ClauseTerm = tuple[Clause, date, date]  # a clause as amended, its first and last day in force
REFERENCE_TABLES = {
    "party": ("record_parties", "party", "parties", "id"),
    "state": ("record_states", "state", "states", "code"),
    "topic": ("record_topics", "topic", "topics", "id"),
    "record": ("record_references", "target", "records", "id"),
}


def table_of(kind: str) -> str:
    """A kind's table: its folder's name (meetings, activities); the memorandum's own."""
    return KINDS[kind].folder or kind


# --- the shape of a model ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    """What one field becomes: columns (`value`, `localized`, their lists), a child table
    (`parts`), columns with a prefix (`part`), or one JSON column per language (`mapping`)."""

    name: str  # attribute
    key: str  # key in the file, and the column's name
    form: Literal["value", "localized", "values", "localized-values", "parts", "part", "mapping"]
    core: Any = None
    model: type[BaseModel] | None = None
    ref: Any = None


@cache
def shapes(model: type[BaseModel]) -> tuple[Shape, ...]:
    """The shape of every field of `model` but `kind`, in the model's order (read from the
    one field walker, mou.fields)."""
    found = []
    for one in fields(model):
        if one.name == "kind":
            continue
        name, key = one.name, one.key
        if one.many:
            item, item_markers = one.item
            if isinstance(item, type) and issubclass(item, BaseModel):
                found.append(Shape(name, key, "parts", model=item))
            elif marker(item_markers, Localized) is not None:
                found.append(Shape(name, key, "localized-values"))
            else:
                found.append(Shape(name, key, "values", core=item, ref=marker(item_markers, Ref)))
        elif get_origin(one.core) is dict:
            found.append(Shape(name, key, "mapping"))
        elif isinstance(one.core, type) and issubclass(one.core, BaseModel):
            found.append(Shape(name, key, "part", model=one.core))
        elif one.localized:
            found.append(Shape(name, key, "localized"))
        else:
            found.append(Shape(name, key, "value", core=one.core, ref=one.ref))
    return tuple(found)


# --- rows ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value SQLite keeps as it is: dates as ISO text, exact amounts as text, booleans 0/1."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _text(value: Any, language: str) -> str | None:
    return None if value is None else localized(value, language)


@cache
def _own(model: type[BaseModel]) -> list[Shape]:
    """The fields that are columns of the model's own table (the memorandum's parties,
    clauses and topics have tables of their own)."""
    skip = MEMORANDUM_TABLES if model is Memorandum else ()
    own = [shape for shape in shapes(model) if shape.key not in skip]
    # Fields every kind has come last, as in the files.
    return sorted(own, key=lambda shape: shape.key in COMMON_FIELDS)


def columns_of(model: BaseModel, languages: Sequence[str], prefix: str = "") -> dict[str, Any]:
    """The row of one model: every field but its lists of parts (those are child tables)."""
    row: dict[str, Any] = {}
    for shape in _own(type(model)):
        value = getattr(model, shape.name)
        column = prefix + shape.key
        if shape.form == "localized":
            row.update({f"{column}_{lang}": _text(value, lang) for lang in languages})
        elif shape.form == "localized-values":
            row.update(
                {
                    f"{column}_{lang}": _json([_text(v, lang) for v in value]) if value else None
                    for lang in languages
                }
            )
        elif shape.form == "values":
            row[column] = _json([_plain(v) for v in value]) if value else None
        elif shape.form == "mapping":
            row.update(
                {
                    f"{column}_{lang}": _json({k: _text(v, lang) for k, v in value.items()})
                    if value
                    else None
                    for lang in languages
                }
            )
        elif shape.form == "part":
            if value is None:
                row.update(dict.fromkeys(_part_columns(shape, languages, column + "_")))
            else:
                row.update(columns_of(value, languages, column + "_"))
        elif shape.form == "value":
            row[column] = _plain(value)
    return row


def _part_columns(shape: Shape, languages: Sequence[str], prefix: str) -> list[str]:
    assert shape.model is not None
    return list(column_names(shape.model, languages, prefix))


def column_names(
    model: type[BaseModel], languages: Sequence[str], prefix: str = ""
) -> Iterator[str]:
    """The columns `columns_of` gives a model, whatever its values (for tables with no rows
    and parts left out)."""
    for shape in _own(model):
        column = prefix + shape.key
        if shape.form in ("localized", "localized-values", "mapping"):
            yield from (f"{column}_{lang}" for lang in languages)
        elif shape.form == "part":
            assert shape.model is not None
            yield from column_names(shape.model, languages, column + "_")
        elif shape.form != "parts":
            yield column


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


# --- the database ----------------------------------------------------------------------------


@dataclass
class Tables:
    """Rows by table, in insertion order, with each table's key and foreign keys."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    foreign: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)

    def table(
        self,
        name: str,
        key: tuple[str, ...],
        foreign: Sequence[tuple[str, str, str]] = (),
        columns: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        if name not in self.rows:
            self.rows[name] = []
            self.keys[name] = key
            self.foreign[name] = list(foreign)
            self.columns[name] = list(columns)
        return self.rows[name]


PARENT = [("record_id", "records", "id")]


@cache
def _currency_unit(currency: str) -> int:
    """Minor units in one unit of the currency (100 for USD, 1 for JPY), from Babel (ISO 4217)."""
    from babel.numbers import get_currency_precision

    return int(10 ** get_currency_precision(currency))


def _part_rows(tables: Tables, entry: Entry, model: BaseModel, languages: Sequence[str]) -> None:
    """The child rows of every list of parts of `model` (actions, expenses, documents, ...)."""
    for shape in shapes(type(model)):
        if shape.form != "parts" or (entry.kind == "memorandum" and shape.key in MEMORANDUM_TABLES):
            continue
        rows = tables.rows[shape.key]
        for position, part in enumerate(getattr(model, shape.name)):
            row = {"record_id": entry.id, "position": position, **columns_of(part, languages)}
            if shape.key == "expenses":
                # Exact sums in SQL: the amount in minor units (cents), an integer.
                unit = _currency_unit(part.currency)
                row.update(amount_minor=int(part.amount * unit), currency_unit=unit)
            rows.append(row)


def _location(loc: tuple[str | int, ...]) -> str:
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _reference_rows(tables: Tables, entry: Entry) -> None:
    for loc, ref, value in references(entry.model):
        if ref.to not in REFERENCE_TABLES:
            continue
        name, column, _, _ = REFERENCE_TABLES[ref.to]
        tables.rows[name].append(
            {"record_id": entry.id, "location": _location(loc), "field": str(loc[0]), column: value}
        )


def _target(ref: Any) -> tuple[str, str]:
    """The table and column a reference points at: one kind's table when it names one."""
    if ref.to == "record" and len(ref.kinds) == 1:
        return table_of(ref.kinds[0]), "id"
    _, _, table, column = REFERENCE_TABLES[ref.to]
    return table, column


def _record_row(entry: Entry, languages: Sequence[str]) -> dict[str, Any]:
    model = entry.model
    first, last = span(model)
    summary = getattr(model, "summary", None)
    return {
        "id": entry.id,
        "kind": entry.kind,
        "path": entry.path,
        "date": first.isoformat(),
        "end": None if last is None else last.isoformat(),
        **{f"title_{lang}": _text(title_of(entry), lang) for lang in languages},
        **{f"summary_{lang}": _text(summary, lang) for lang in languages},
        "status": getattr(model, "status", None),
        "bilateral": int(is_bilateral(model)),
        "qualifies": int(qualifies(model)),
    }


def _memorandum_rows(
    tables: Tables, memorandum: Memorandum, terms: Sequence[ClauseTerm], languages: Sequence[str]
) -> None:
    """Parties and topics as declared; the clauses as in force (`terms`): as amended, each
    with its first and last day in force (NULL: from signing, to this day)."""
    in_force = {clause.id: (since, until) for clause, since, until in terms}
    for name in MEMORANDUM_TABLES:
        rows = tables.rows[name]
        seen: set[str] = set()
        listed = [term[0] for term in terms] if name == "clauses" else getattr(memorandum, name)
        for position, declared in enumerate(listed):
            # Topics may be declared as bare slugs.
            row: dict[str, Any] = (
                {"id": declared} if isinstance(declared, str) else columns_of(declared, languages)
            )
            if row["id"] not in seen:  # a duplicate is a finding, not a second row
                seen.add(row["id"])
                if name == "clauses":
                    since, until = in_force[row["id"]]
                    row["in_force_from"] = None if since == date.min else since.isoformat()
                    row["in_force_to"] = None if until == date.max else until.isoformat()
                rows.append({"id": row.pop("id"), "position": position, **row})


def _qualifying_rows(tables: Tables, terms: Sequence[ClauseTerm], entries: list[Entry]) -> None:
    """Each clause's qualifying records of all time while it is in force (SPEC §5, counted by
    `review.clause_in_force`, as the review, stats and status count them)."""
    qualifying = [
        e for e in sorted(entries, key=lambda e: (e.model.dated, e.id)) if qualifies(e.model)
    ]
    always = Period("all", date.min, date.max)
    rows = tables.rows["qualifying"]
    for term in terms:
        found = clause_in_force(term, qualifying, always, date.max)
        if found is not None and term[0].evidence:
            rows.extend({"clause_id": term[0].id, "record_id": e.id} for e in found.records)


def _state_rows(
    tables: Tables, memorandum: Memorandum, entries: Iterable[Entry], languages: Sequence[str]
) -> None:
    """Every state the memorandum declares or a record names, with its name in each language
    (CLDR, through Babel)."""
    named = {value for e in entries for _, m, value in references(e.model) if m.to == "state"}
    declared = list(dict.fromkeys(memorandum.states))
    rows = tables.rows["states"]
    for code in [*declared, *sorted(named - set(declared))]:
        rows.append(
            {
                "code": code,
                **{f"name_{lang}": _state_name(code, lang) for lang in languages},
                "declared": int(code in declared),
            }
        )


def _state_name(code: str, language: str) -> str | None:
    import pycountry
    from babel import Locale, UnknownLocaleError

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return str(country.name)
    return str(names.get(country.alpha_2, country.name))


def _finding_rows(tables: Tables, findings: Sequence[Problem]) -> None:
    tables.rows["findings"].extend(
        {"position": position, **diagnostic(problem)} for position, problem in enumerate(findings)
    )


def languages_of(memorandum: Memorandum) -> list[str]:
    """The languages of the text columns: the memorandum's, English first."""
    return sorted(set(memorandum.signed.languages), key=lambda lang: (lang != "en", lang))


def declare(languages: Sequence[str]) -> Tables:
    """Every table, in the order they are created (a table before those that point at it),
    whether or not the record has rows for it: the schema depends on the models only."""
    tables = Tables()
    tables.table("export", ("as_of",), columns=["as_of", "languages"])
    declared: tuple[type[BaseModel], ...] = (PartyDeclaration, Clause, TopicDeclaration)
    for name, model in zip(MEMORANDUM_TABLES, declared, strict=True):
        own = [column for column in column_names(model, languages) if column != "id"]
        if name == "clauses":  # the days it is in force (added, removed, terminated)
            own += ["in_force_from", "in_force_to"]
        tables.table(name, ("id",), columns=["id", "position", *own])
    tables.table(
        "states", ("code",), columns=["code", *text_columns("name", languages), "declared"]
    )
    tables.table(
        "records",
        ("id",),
        columns=[
            "id",
            "kind",
            "path",
            "date",
            "end",
            *text_columns("title", languages),
            *text_columns("summary", languages),
            "status",
            "bilateral",
            "qualifies",
        ],
    )
    # A kind that others point at (arrangements) is created before them.
    pointed = {
        _target(s.ref)[0]
        for m in MODELS.values()
        for s in shapes(m)
        if s.ref is not None and s.ref.to in REFERENCE_TABLES
    }
    for kind, model in sorted(MODELS.items(), key=lambda item: table_of(item[0]) not in pointed):
        foreign = [("id", "records", "id"), *_foreign(model)]
        tables.table(table_of(kind), ("id",), foreign, ["id", *column_names(model, languages)])
    _declare_children(tables, languages)
    tables.table(
        "qualifying",
        ("clause_id", "record_id"),
        [("clause_id", "clauses", "id"), *PARENT],
        ["clause_id", "record_id"],
    )
    tables.table(
        "findings",
        ("position",),
        columns=["position", "severity", "code", "message", "path", "line", "column", "record"],
    )
    return tables


def _declare_children(tables: Tables, languages: Sequence[str]) -> None:
    """The child tables of records: their parts (actions, expenses, ...) and references."""
    for model in MODELS.values():
        for shape in _own(model):
            if shape.form == "parts":
                assert shape.model is not None
                columns = ["record_id", "position", *column_names(shape.model, languages)]
                if shape.key == "expenses":
                    columns += ["amount_minor", "currency_unit"]
                foreign = [*PARENT, *_foreign(shape.model)]
                tables.table(shape.key, ("record_id", "position"), foreign, columns)
    for name, column, target, target_key in REFERENCE_TABLES.values():
        tables.table(
            name,
            ("record_id", "location"),
            [*PARENT, (column, target, target_key)],
            ["record_id", "location", "field", column],
        )


def _foreign(model: type[BaseModel]) -> list[tuple[str, str, str]]:
    """The columns of `model` that name a party, state, topic or record, and what they name."""
    return [
        (shape.key, *_target(shape.ref))
        for shape in shapes(model)
        if shape.form == "value" and shape.ref is not None and shape.ref.to in REFERENCE_TABLES
    ]


def text_columns(column: str, languages: Sequence[str]) -> list[str]:
    return [f"{column}_{lang}" for lang in languages]


def tables_of(
    records: RecordSet,
    findings: Sequence[Problem],
    as_of: date,
    *,
    contact_details: bool = False,
) -> Tables:
    """Every table's rows, from the loaded record; contacts' e-mail and phone only when asked
    for (a database is made to be shared)."""
    memorandum = records.memorandum
    if memorandum is None:
        raise ValueError("the record has no readable memorandum")
    languages = languages_of(memorandum)
    entries = sorted(records.entries, key=lambda e: (e.kind != "memorandum", e.model.dated, e.id))
    tables = declare(languages)
    tables.rows["export"].append({"as_of": as_of.isoformat(), "languages": _json(languages)})
    terms = list(clause_terms(memorandum, date.min, as_of))  # as amended by the as-of date
    _memorandum_rows(tables, memorandum, terms, languages)
    _state_rows(tables, memorandum, entries, languages)
    records_rows = tables.rows["records"]
    for entry in entries:
        records_rows.append(_record_row(entry, languages))
        row = {"id": entry.id, **columns_of(entry.model, languages)}
        if entry.kind == "contact" and not contact_details:
            row.update(dict.fromkeys(CONTACT_DETAILS))
        tables.rows[table_of(entry.kind)].append(row)
        _part_rows(tables, entry, entry.model, languages)
        _reference_rows(tables, entry)
    _qualifying_rows(tables, terms, entries)
    _finding_rows(tables, findings)
    return tables
