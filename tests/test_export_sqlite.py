"""`mou export sqlite`: the tables, keys and views, their figures against `mou review` and
`mou list` on the demo, Datasette reading it, and writing it safely."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, datasette_get
from mou.checks import run_checks
from mou.load import RecordSet, load
from mou.periods import parse_period
from mou.review import review
from mou.sqlite_export import database

Tree = Callable[[dict[str, str | bytes]], Path]
DEMO = REPO / "examples" / "demo"
AS_OF = date(2025, 12, 31)


@pytest.fixture(scope="module")
def demo() -> RecordSet:
    return load(DEMO)


@pytest.fixture(scope="module")
def demo_file(demo: RecordSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("export") / "demo.db"
    target.write_bytes(database(demo, run_checks(demo, AS_OF), AS_OF))
    return target


@pytest.fixture
def db(demo_file: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(demo_file)
    yield connection
    connection.close()


def rows(db: sqlite3.Connection, sql: str, *parameters: Any) -> list[tuple[Any, ...]]:
    return list(db.execute(sql, parameters))


def test_one_table_per_kind_and_every_record_once(db: sqlite3.Connection, demo: RecordSet) -> None:
    for kind, table in [
        ("meeting", "meetings"),
        ("activity", "activities"),
        ("contact", "contacts"),
    ]:
        ids = sorted(e.id for e in demo.entries if e.kind == kind)
        assert [r[0] for r in rows(db, f"SELECT id FROM {table} ORDER BY id")] == ids
    assert rows(db, "SELECT count(*) FROM records") == [(len(demo.entries),)]
    assert rows(db, "PRAGMA foreign_key_check") == []


def test_keys_and_foreign_keys(db: sqlite3.Connection) -> None:
    def keys(table: str) -> list[str]:
        return [r[1] for r in rows(db, f"PRAGMA table_info({table})") if r[5]]

    def foreign(table: str) -> set[tuple[str, str, str]]:
        return {(r[3], r[2], r[4]) for r in rows(db, f"PRAGMA foreign_key_list({table})")}

    assert keys("meetings") == ["id"]
    assert keys("actions") == ["record_id", "position"]
    assert ("organizer", "parties", "id") in foreign("meetings")
    assert ("arrangement", "arrangements", "id") in foreign("seminars")
    assert ("payer", "parties", "id") in foreign("expenses")
    assert ("record_id", "records", "id") in foreign("documents")
    assert ("state", "states", "code") in foreign("record_states")
    assert ("clause_id", "clauses", "id") in foreign("qualifying")


def test_localized_text_has_a_column_per_language(db: sqlite3.Connection) -> None:
    [(english, russian)] = rows(
        db, "SELECT title_en, title_ru FROM meetings WHERE id = '2024-02-20-joint-review-2023'"
    )
    assert english.startswith("Joint review")
    assert any("а" <= letter <= "я" for letter in russian.lower())


def test_full_text_search_finds_titles_in_both_languages(db: sqlite3.Connection) -> None:
    def search(text: str) -> set[str]:
        return {
            r[0]
            for r in rows(
                db,
                "SELECT records.id FROM records_fts JOIN records "
                "ON records.rowid = records_fts.rowid WHERE records_fts MATCH ?",
                text,
            )
        }

    assert "2024-01-18-cis-bulletin-2023" in search("bulletin")
    assert search("bulletin") == search("бюллетень")


def test_views_agree_with_the_review(db: sqlite3.Connection, demo: RecordSet) -> None:
    found = review(demo, parse_period("2024"), AS_OF, run_checks(demo, AS_OF))
    overdue = [r[0] for r in rows(db, "SELECT action FROM overdue_actions")]
    assert overdue == [item.id for item in found.actions.overdue]
    assert overdue  # the demo has one: the comparison compares something
    for year in (2023, 2024, 2025):
        yearly = review(demo, parse_period(str(year)), AS_OF)
        costs = rows(
            db,
            "SELECT payer, currency, status, amount FROM costs_by_payer_year WHERE year = ?",
            year,
        )
        assert costs == [(c.payer, c.currency, c.status, str(c.amount)) for c in yearly.costs]
        activity = rows(
            db, "SELECT clause, records FROM clause_activity_by_year WHERE year = ?", year
        )
        assert activity == [(c.clause.id, c.count) for c in yearly.clauses]
    assert rows(db, "SELECT count(*) FROM findings") == [(len(found.findings),)]


def test_views_stop_at_the_as_of_date(demo: RecordSet, tmp_path: Path) -> None:
    as_of = date(2025, 6, 30)
    target = tmp_path / "mid-year.db"
    target.write_bytes(database(demo, [], as_of))
    with sqlite3.connect(target) as connection:
        activity = list(
            connection.execute(
                "SELECT clause, records FROM clause_activity_by_year WHERE year = 2025"
            )
        )
        years = [
            r[0] for r in connection.execute("SELECT DISTINCT year FROM clause_activity_by_year")
        ]
    assert activity == [
        (c.clause.id, c.count) for c in review(demo, parse_period("2025"), as_of).clauses
    ]
    assert years == list(range(2008, 2026))


def test_the_same_record_gives_the_same_bytes(demo: RecordSet, demo_file: Path) -> None:
    assert database(demo, run_checks(demo, AS_OF), AS_OF) == demo_file.read_bytes()


def test_contact_details_only_when_asked(demo: RecordSet, tmp_path: Path) -> None:
    def emails(data: bytes) -> list[Any]:
        target = tmp_path / "contacts.db"
        target.write_bytes(data)
        with sqlite3.connect(target) as connection:
            return [r[0] for r in connection.execute("SELECT email FROM contacts")]

    assert set(emails(database(demo, [], AS_OF))) == {None}
    assert all(emails(database(demo, [], AS_OF, contact_details=True)))


def test_datasette_opens_it_and_runs_a_canned_query(demo: RecordSet, demo_file: Path) -> None:
    from mou.datasette import metadata

    assert demo.memorandum is not None
    described = metadata(demo.memorandum, "demo", AS_OF)

    def ask(path: str) -> Any:
        return datasette_get(demo_file, described, path)

    costs = ask("/demo/costs_in_year.json?year=2024&_shape=array")
    yearly = review(demo, parse_period("2024"), AS_OF)
    assert [(r["payer"], r["currency"], r["status"], r["amount"]) for r in costs] == [
        (c.payer, c.currency, c.status, str(c.amount)) for c in yearly.costs
    ]
    meetings = ask("/demo/meetings.json?_shape=array&_size=max")
    assert len(meetings) == sum(1 for e in demo.entries if e.kind == "meeting")
    meta = ask("/-/metadata.json")
    columns = meta["databases"]["demo"]["tables"]["meetings"]["columns"]
    assert columns["status"] == "one of planned, held, cancelled, postponed"


# --- an amended memorandum: the clauses in force, as amended -------------------------------

ILO = REPO / "examples" / "portfolio" / "cis-ilo"  # protocol-1 of 2023-05-10: adds 5, changes 2
EARLY_STUDY = """kind: activity
clause: "5"
title: A study before protocol-1 added clause 5
date: 2022-11-15
parties: [cis, ilo]
"""


@pytest.fixture(scope="module")
def amended(tmp_path_factory: pytest.TempPathFactory) -> RecordSet:
    import shutil

    root = tmp_path_factory.mktemp("amended") / "cis-ilo"
    shutil.copytree(ILO, root)
    (root / "activities" / "2022-11-15-early-study.yaml").write_text(EARLY_STUDY, "utf-8")
    return load(root)


def _exported(records: RecordSet, as_of: date, tmp_path: Path) -> sqlite3.Connection:
    target = tmp_path / f"{as_of}.db"
    target.write_bytes(database(records, [], as_of))
    return sqlite3.connect(target)


@pytest.mark.parametrize(
    ("as_of", "clauses"),
    [
        # before protocol-1: the text as signed, no clause 5
        ("2023-05-09", [("1", None, "P6M"), ("2", None, "P1Y"), ("3", None, None)]),
        # from it: clause 2 as amended, clause 5 in force from the protocol's date
        ("2023-05-10", [("1", None, "P6M"), ("2", None, "P6M"), ("3", None, None)]),
        ("2026-06-30", [("1", None, "P6M"), ("2", None, "P6M"), ("3", None, None)]),
    ],
)
def test_an_amended_memorandums_clauses_are_those_in_force(
    amended: RecordSet, tmp_path: Path, as_of: str, clauses: list[tuple[str, Any, Any]]
) -> None:
    day = date.fromisoformat(as_of)
    with _exported(amended, day, tmp_path) as db:
        found = rows(
            db,
            "SELECT id, in_force_from, cadence, summary_en FROM clauses WHERE evidence != '[]' "
            "ORDER BY position",
        )
        qualifying = rows(db, "SELECT record_id FROM qualifying WHERE clause_id = '5'")
        ids = [r[0] for r in rows(db, "SELECT id FROM clauses ORDER BY position")]
    added = day >= date(2023, 5, 10)
    assert [r[:3] for r in found] == clauses + ([("5", "2023-05-10", None)] if added else [])
    assert ids == ["1", "2", "3", "4", *(["5"] if added else [])]
    summary = dict((r[0], r[3]) for r in found)["2"]
    assert summary == (
        "Hold consultations twice a year." if added else "Hold consultations once a year."
    )
    # the study of 2022, before clause 5 was in force, never qualifies for it
    assert qualifying == ([("2026-04-21-study-recruitment-corridors",)] if added else [])


def test_an_amended_memorandums_yearly_activity_is_the_reviews(
    amended: RecordSet, tmp_path: Path
) -> None:
    as_of = date(2026, 6, 30)
    fives = {}
    with _exported(amended, as_of, tmp_path) as db:
        for year in range(2021, 2027):
            activity = rows(
                db, "SELECT clause, records FROM clause_activity_by_year WHERE year = ?", year
            )
            counted = review(amended, parse_period(str(year)), as_of).clauses
            assert activity == [(c.clause.id, c.count) for c in counted], year
            fives[year] = dict(activity).get("5")
    # not in force before 2023 (the early study not counted); in force from 2023, one in 2026
    assert fives == {2021: None, 2022: None, 2023: 0, 2024: 0, 2025: 0, 2026: 1}
