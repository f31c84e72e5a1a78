"""The Datasette `metadata.yaml` written beside `mou export sqlite`'s database: a title, a
description of every table and column (generated from the models: their closed vocabularies,
what their references name, their languages), and canned queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from mou.kinds import MODELS
from mou.models import Memorandum, localized
from mou.sqlite_export import views
from mou.sqlite_tables import (
    MEMORANDUM_TABLES,
    REFERENCE_TABLES,
    Shape,
    Tables,
    declare,
    languages_of,
    shapes,
    table_of,
)

# Language names for column descriptions (the code itself for any other language).
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "fr": "French", "es": "Spanish"}

TABLES = {
    "export": "When and how the database was made: the as-of date of every date-dependent "
    "figure, and the languages of the text columns.",
    "records": "Every record: its id (the file name), kind, file, dates, title and summary. "
    "`date` is what periods use (a programme's start, a contact's `from`); `end` is the last "
    "day it covers (a programme's end, a contact's `to`; empty while it goes on). "
    "`qualifies` is 1 when it shows the memorandum acted on (SPEC §5); `bilateral` records "
    "(clause 5) are left out of every count. Titles and summaries are full-text searchable.",
    "parties": "The parties the memorandum declares, in its order.",
    "clauses": "The memorandum's clauses in force on some day up to the as-of date, as "
    "amended by then (an amendment's new text, the clauses it added; one it removed stays, "
    "with its last day); `evidence` lists the kinds that count for each, `in_force_from` and "
    "`in_force_to` its first and last day in force (empty: from signing, to this day).",
    "topics": "The topics the memorandum declares.",
    "states": "Every state the memorandum declares (`declared` = 1) or a record names, by "
    "ISO 3166-1 alpha-3 code, with its name from CLDR.",
    "qualifying": "Which records count for which clause, on the days the clause is in "
    "force: the review's own rule (SPEC §5).",
    "findings": "The validation findings of `mou validate` on the same as-of date.",
    "actions": "Action items of meetings.",
    "participants": "Participants of meetings.",
    "expenses": "Expenses of special arrangements (clause 3). `amount` is exact text; "
    "`amount_minor` the same amount in minor units (cents) for exact sums, "
    "`currency_unit` the minor units in one unit.",
    "documents": "Documents attached to records.",
    "items": "Items of information exchanges.",
    "record_parties": "Every party a record names, and in which field.",
    "record_states": "Every state a record names, and in which field.",
    "record_topics": "Every topic a record names, and in which field.",
    "record_references": "Every record a record names (`covers`, `arrangement`).",
    "overdue_actions": "Open action items due before the as-of date (as `mou review` and "
    "MOU308 list them).",
    "clause_activity_by_year": "Each clause's count of qualifying records per year up to the "
    "as-of date (`mou stats` by clause, every year).",
    "costs_by_payer_year": "Expenses of signed or closed arrangements by year, payer, currency "
    "and status, summed exactly (`mou review`'s costs, per year).",
}

QUERIES = {
    "search": {
        "title": "Search titles and summaries",
        "sql": "SELECT records.id, records.kind, records.date, {titles}\n"
        "FROM records_fts JOIN records ON records.rowid = records_fts.rowid\n"
        "WHERE records_fts MATCH :text\nORDER BY records_fts.rank, records.date",
    },
    "records_in_period": {
        "title": "Records with a day between two dates (as periods count them)",
        "sql": 'SELECT id, kind, date, "end", {titles}, status FROM records\n'
        "WHERE date <= :last AND coalesce(\"end\", '9999-12-31') >= :first\n"
        "ORDER BY date, id",
    },
    "costs_in_year": {
        "title": "Costs of one year, by payer, currency and status",
        "sql": "SELECT payer, currency, status, amount FROM costs_by_payer_year\n"
        "WHERE year = CAST(:year AS INTEGER)",
    },
    "clause_activity_in_year": {
        "title": "Each clause's qualifying records in one year",
        "sql": "SELECT clause, records FROM clause_activity_by_year\n"
        "WHERE year = CAST(:year AS INTEGER)",
    },
}


def _language(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _value(core: Any, ref: Any) -> str:
    """What a single value holds, from its type and reference marker."""
    if ref is not None:
        if ref.to == "record":
            return "id of a " + " or ".join(ref.kinds) + " record"
        if ref.to in REFERENCE_TABLES:
            _, _, table, column = REFERENCE_TABLES[ref.to]
            return f"{ref.to} ({table}.{column})"
        names = {"currency": "ISO 4217 currency code", "clause": "clause id (clauses.id)"}
        return names.get(str(ref.to), str(ref.to))
    if get_origin(core) is Literal:
        return "one of " + ", ".join(str(v) for v in get_args(core))
    if core is date:
        return "ISO 8601 date"
    if core is bool:
        return "1 yes, 0 no"
    if core is Decimal:
        return "exact decimal, as text"
    if core is int:
        return "whole number"
    return "text"


def _columns(model: type[BaseModel], languages: Sequence[str], prefix: str = "") -> dict[str, str]:
    """A description of every column `model` gives its table."""
    found: dict[str, str] = {}
    for shape in shapes(model):
        column = prefix + shape.key
        found.update(_describe(shape, column, languages))
    return found


def _describe(shape: Shape, column: str, languages: Sequence[str]) -> dict[str, str]:
    name = column.replace("_", " ")
    if shape.form in ("localized", "localized-values", "mapping"):
        what = {
            "localized": "{name} in {language}",
            "localized-values": "{name} in {language}: a JSON list",
            "mapping": "{name} in {language}: a JSON object by party",
        }[shape.form]
        return {
            f"{column}_{lang}": what.format(name=name, language=_language(lang))
            for lang in languages
        }
    if shape.form == "part":
        assert shape.model is not None
        return _columns(shape.model, languages, column + "_")
    if shape.form == "values":
        return {column: f"a JSON list, each a {_value(shape.core, shape.ref)}"}
    if shape.form == "value":
        return {column: _value(shape.core, shape.ref)}
    return {}


def _kind_description(kind: str, memorandum: Memorandum) -> str:
    if kind == "memorandum":
        return "The memorandum itself, as signed."
    if kind == "activity":
        evidence = "counts for the clause it names"
    else:
        clauses = [
            clause.id
            for clause in memorandum.clauses
            if any(entry.partition("/")[0] == kind for entry in clause.evidence)
        ]
        evidence = (
            f"evidence for clause{'s' if len(clauses) > 1 else ''} {', '.join(clauses)}"
            if clauses
            else "evidence for no clause"
        )
    return f"{kind.capitalize()} records, one row per file; {evidence}."


def table_descriptions(
    tables: Tables, memorandum: Memorandum, languages: Sequence[str]
) -> dict[str, Any]:
    """Datasette's `tables:` block: a description of every table and view, its columns."""
    described: dict[str, Any] = {}
    fallback = (
        " Text columns carry one language each; where a record gives the text in one "
        "language only, that text fills them all (as a review in that language shows it)."
    )
    for kind, model in MODELS.items():
        columns = {"id": "the record's id (records.id)", **_columns(model, languages)}
        described[table_of(kind)] = {
            "description": _kind_description(kind, memorandum) + fallback,
            "columns": {c: columns[c] for c in tables.columns[table_of(kind)] if c in columns},
        }
    for name, description in TABLES.items():
        entry: dict[str, Any] = {"description": description}
        if name in ("actions", "participants", "expenses", "documents", "items"):
            part = next(
                s.model for m in MODELS.values() for s in shapes(m) if s.key == name and s.model
            )
            entry["columns"] = {
                "record_id": "the record it belongs to (records.id)",
                "position": "its place in the record's list, from 0",
                **_columns(part, languages),
            }
        elif name in MEMORANDUM_TABLES:
            entry["columns"] = {"position": "its place in the memorandum, from 0"}
        entry["label_column"] = _label_column(tables, name, languages)
        described[name] = {key: value for key, value in entry.items() if value}
    return described


def _label_column(tables: Tables, name: str, languages: Sequence[str]) -> str | None:
    """The column Datasette shows for a row that another table points at."""
    for column in ("title", "name", "summary"):
        if f"{column}_{languages[0]}" in tables.columns.get(name, ()):
            return f"{column}_{languages[0]}"
    return None


def metadata(memorandum: Memorandum, database_name: str, as_of: date) -> dict[str, Any]:
    """The metadata as data, for YAML."""
    languages = languages_of(memorandum)
    tables = declare(languages)
    titles = ", ".join(f"records.title_{lang}" for lang in languages)
    title = localized(memorandum.short_title or memorandum.title, languages[0])
    description = f"The implementation record of the {title}, as of {as_of.isoformat()}."
    if "illustrative" in memorandum.tags:
        description += " Illustrative record: the activities in it are invented."
    assert set(views(languages)) <= set(TABLES)
    return {
        "title": title,
        "description": description,
        "source": "mou export sqlite",
        "databases": {
            database_name: {
                "tables": table_descriptions(tables, memorandum, languages),
                "queries": {
                    name: {"title": query["title"], "sql": query["sql"].format(titles=titles)}
                    for name, query in QUERIES.items()
                },
            }
        },
    }


def metadata_yaml(memorandum: Memorandum, database_name: str, as_of: date) -> str:
    return _yaml(metadata(memorandum, database_name, as_of))


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def portfolio_metadata_yaml(
    members: Sequence[tuple[str, Memorandum]], name: str, database_name: str, as_of: date
) -> str:
    """The metadata of a portfolio's database (`sqlite_export.portfolio_database`): the tables
    described as for one memorandum, each with its `memorandum` column; no canned queries
    (they are written for one memorandum: filter the views by `memorandum` instead)."""
    data = metadata(members[0][1], database_name, as_of)
    ids = ", ".join(id_ for id_, _ in members)
    data["title"] = name
    data["description"] = (
        f"The implementation records of the memoranda {ids}, as of {as_of.isoformat()}: every "
        "table and view has a `memorandum` column, the memorandum's id."
    )
    database = data["databases"][database_name]
    del database["queries"]
    for table in database["tables"].values():
        table.setdefault("columns", {})["memorandum"] = "the memorandum's id (its folder)"
    return _yaml(data)
