"""`mou export sqlite`: the whole record as one SQLite database, for SQL and Datasette.

The tables are those of `sqlite_tables.py`; here they are created with their keys, the
records get full-text search on titles and summaries, and views answer the questions people
ask. Built in memory and handed over as bytes, so the caller writes it atomically; the same
record and as-of date give the same bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from mou.load import RecordSet
from mou.problems import Problem
from mou.sqlite_tables import Tables, languages_of, tables_of, text_columns

# --- views ---------------------------------------------------------------------------------


def _same(portfolio: bool, table: str, other: str) -> str:
    """A join's condition that two rows are of the same memorandum (in a portfolio's database)."""
    return f"{table}.memorandum = {other}.memorandum AND " if portfolio else ""


def _lead(portfolio: bool, table: str) -> str:
    """The memorandum's column, first of a view's (in a portfolio's database)."""
    return f"{table}.memorandum, " if portfolio else ""


def views(languages: Sequence[str], *, portfolio: bool = False) -> dict[str, str]:
    """The questions people ask, as SQL over the tables (tests compare their answers with
    `mou review`'s). In a portfolio's database every table has a `memorandum` column: each
    view then joins rows of one memorandum only and leads with it."""
    texts = ", ".join(f"actions.text_{lang}" for lang in languages)
    same, lead = partial(_same, portfolio), partial(_lead, portfolio)
    # the years a clause is in force on some day (an amendment adds or removes it)
    where = (
        f"\nWHERE {same('years', 'clauses')}{same('export', 'clauses')}"
        "coalesce(clauses.in_force_from, '0000') <= years.year || '-12-31'"
        "\n  AND coalesce(clauses.in_force_to, '9999') >= years.year || '-01-01'"
    )
    return {
        # SPEC §6: open actions due before the as-of date, from any meeting, by due date.
        "overdue_actions": f"""
SELECT {lead("actions")}actions.record_id || '#' || actions.id AS action,
  actions.record_id AS meeting, meetings.date AS meeting_date, actions.owner, actions.due,
  CAST(julianday(export.as_of) - julianday(actions.due) AS INTEGER) AS days_overdue, {texts}
FROM actions JOIN meetings ON {same("meetings", "actions")}meetings.id = actions.record_id, export
WHERE {same("export", "actions")}actions.status = 'open' AND actions.due < export.as_of
ORDER BY actions.due, meetings.date, {lead("actions")}action""",
        # SPEC §5: a clause's count in a year is its qualifying records with a day in the year
        # up to the as-of date (a programme counts in every year it runs), in the years it is
        # in force (`clauses.in_force_from`/`in_force_to`; its records are those of its days).
        "clause_activity_by_year": f"""
WITH RECURSIVE years({"memorandum, " if portfolio else ""}year) AS (
  SELECT {lead("memorandum")}CAST(substr(signed_date, 1, 4) AS INTEGER) FROM memorandum
  UNION ALL
  SELECT {lead("years")}year + 1 FROM years, export
  WHERE {same("export", "years")}year < CAST(substr(export.as_of, 1, 4) AS INTEGER)
)
SELECT {lead("clauses")}clauses.id AS clause, years.year AS year, count(records.id) AS records
FROM clauses CROSS JOIN years CROSS JOIN export
LEFT JOIN qualifying ON {same("qualifying", "clauses")}qualifying.clause_id = clauses.id
LEFT JOIN records ON {same("records", "qualifying")}records.id = qualifying.record_id
  AND records.date <= min(years.year || '-12-31', export.as_of)
  AND (records."end" IS NULL OR records."end" >= years.year || '-01-01'){where}
GROUP BY {lead("clauses")}clauses.id, years.year
ORDER BY {lead("clauses")}clauses.position, years.year""",
        # SPEC §6: expenses of signed or closed arrangements by the year of their own date (else
        # the arrangement's), summed exactly in minor units; currencies never added together.
        "costs_by_payer_year": f"""
SELECT {lead("expenses")}
  CAST(substr(coalesce(expenses.date, arrangements.date), 1, 4) AS INTEGER) AS year,
  expenses.payer, expenses.currency, expenses.status,
  sum(expenses.amount_minor) AS amount_minor,
  CASE WHEN max(expenses.currency_unit) = 1 THEN CAST(sum(expenses.amount_minor) AS TEXT)
  ELSE (sum(expenses.amount_minor) / max(expenses.currency_unit)) || '.' ||
    substr('000000' || (sum(expenses.amount_minor) % max(expenses.currency_unit)),
      1 - length(max(expenses.currency_unit)))
  END AS amount
FROM expenses
JOIN arrangements ON {same("arrangements", "expenses")}arrangements.id = expenses.record_id
LEFT JOIN parties ON {same("parties", "expenses")}parties.id = expenses.payer
WHERE arrangements.status IN ('signed', 'closed')
GROUP BY {lead("expenses")}year, expenses.payer, expenses.currency, expenses.status
ORDER BY {lead("expenses")}year, coalesce(parties.position, 99), expenses.payer, expenses.currency,
  CASE expenses.status WHEN 'planned' THEN 0 WHEN 'committed' THEN 1 ELSE 2 END""",
    }


# --- the database --------------------------------------------------------------------------


def _column_types(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> dict[str, type]:
    """Each column's type from its first value (a column holds one type: the model's)."""
    found: dict[str, type] = {}
    for column in columns:
        first = next((row[column] for row in rows if row.get(column) is not None), None)
        found[column] = (
            int if isinstance(first, int) else float if isinstance(first, float) else str
        )
    return found


def database(
    records: RecordSet,
    findings: Sequence[Problem],
    as_of: date,
    *,
    contact_details: bool = False,
) -> bytes:
    """The database file's bytes: built in memory, compacted, ready to be written."""
    tables = tables_of(records, findings, as_of, contact_details=contact_details)
    memorandum = records.memorandum
    assert memorandum is not None
    languages = languages_of(memorandum)
    return _build(tables, languages, views(languages))


def portfolio_database(
    members: Sequence[tuple[str, RecordSet, Sequence[Problem]]],
    as_of: date,
    *,
    contact_details: bool = False,
) -> bytes:
    """One database of a portfolio's memoranda, given as (id, records, findings): each
    memorandum's tables as `database` makes them, every row after its `memorandum` id, every
    key led by it (so two memoranda may hold the same record id). SQLite's foreign keys
    would have to span two columns there: the database has none; the views join on both."""
    merged = Tables()
    languages: set[str] = set()
    for id_, records, findings in members:
        assert records.memorandum is not None
        languages.update(languages_of(records.memorandum))
        tables = tables_of(records, findings, as_of, contact_details=contact_details)
        for name, rows in tables.rows.items():
            into = merged.table(name, ("memorandum", *tables.keys[name]), (), ["memorandum"])
            merged.columns[name] = list(
                dict.fromkeys([*merged.columns[name], *tables.columns[name]])
            )
            into.extend({"memorandum": id_} | row for row in rows)
    ordered = sorted(languages, key=lambda lang: (lang != "en", lang))
    return _build(merged, ordered, views(ordered, portfolio=True))


def _build(tables: Tables, languages: Sequence[str], sql: dict[str, str]) -> bytes:
    """The tables created with their keys, filled, the records' text indexed, the views."""
    import sqlite_utils

    connection = sqlite3.connect(":memory:")
    db = sqlite_utils.Database(connection)
    for name, rows in tables.rows.items():
        columns = tables.columns[name]
        db[name].create(  # type: ignore[union-attr]
            _column_types(rows, columns),
            pk=tables.keys[name][0] if len(tables.keys[name]) == 1 else tables.keys[name],
            foreign_keys=tables.foreign[name],
            column_order=columns,
        )
        # sqlite-utils makes the tables, keys, full-text index and views; the rows go in with
        # one executemany per table, as its insert_all spent 3 s of 5 converting 10,000
        # records' values one by one (they are already plain here).
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" * len(columns))
        connection.executemany(
            f'INSERT INTO "{name}" ({names}) VALUES ({marks})',
            ([row.get(column) for column in columns] for row in rows),
        )
    db["records"].enable_fts(  # type: ignore[union-attr]
        [*text_columns("title", languages), *text_columns("summary", languages)]
    )
    for name, text in sql.items():
        db.create_view(name, text.strip())
    connection.commit()
    connection.execute("VACUUM")
    data = connection.serialize()
    connection.close()
    return data
