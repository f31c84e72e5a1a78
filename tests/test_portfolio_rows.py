"""The portfolio's rows (mou.portfolio_view): each memorandum of examples/portfolio as of a fixed
day, the traffic-light rule case by case, a record that does not validate, and the sorts."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import REPO
from mou.life import Life, Term
from mou.portfolio_view import (
    LIGHTS,
    SORTS,
    Overview,
    PortfolioRow,
    portfolio_rows,
    sort_rows,
    title_of,
    traffic_light,
)

PORTFOLIO = REPO / "examples" / "portfolio"
AS_OF = date(2026, 6, 30)


@dataclass(frozen=True)
class Member:
    id: str
    root: Path


def members(folder: Path) -> list[Member]:
    return [
        Member(p.name, p) for p in sorted(folder.iterdir()) if (p / "memorandum.yaml").is_file()
    ]


@pytest.fixture(scope="module")
def overview() -> Overview:
    return portfolio_rows(members(PORTFOLIO), AS_OF, sort="id")


def row_of(overview: Overview, member_id: str) -> PortfolioRow:
    return next(row for row in overview.rows if row.id == member_id)


# id: state, light, reasons, clauses (on track, behind, no activity), last record, overdue,
# next deadline (day, kind, ref)
EXPECTED = {
    "cis-iom": (
        "in-force", "green", [], (3, 0, 0), "2026-05-20", 0, ("2026-07-15", "clause", "1"),
    ),
    "cis-ilo": (
        "notice-window", "amber", ["notice-window"], (3, 0, 1), "2026-05-27", 0,
        ("2026-07-31", "action", "2026-05-27-consultations-minsk#renewal-position"),
    ),
    "cis-iom-unhcr": (
        "in-force", "red", ["overdue-actions", "clauses-behind"], (3, 1, 0), "2026-05-19", 1,
        ("2026-11-19", "clause", "2"),
    ),
    "cis-unodc": ("terminated", "green", [], (1, 0, 2), "2026-03-20", 0, None),
    "cis-who": ("expired", "red", ["expired"], None, "2024-10-08", 0, None),
    "cis-unicef": (
        "pending", "green", [], None, None, 0, ("2026-09-01", "entry-into-force", ""),
    ),
}  # fmt: skip


@pytest.mark.parametrize("member_id", sorted(EXPECTED))
def test_each_memorandum_of_the_example(overview: Overview, member_id: str) -> None:
    row = row_of(overview, member_id)
    state, light, reasons, clauses, last, overdue, deadline = EXPECTED[member_id]
    assert (row.state, row.light) == (state, light)
    assert [reason.code for reason in row.reasons] == reasons
    counts = None if row.clauses is None else tuple(row.clauses.values())
    assert counts == clauses
    assert str(row.last_record) == str(last)
    assert row.overdue_actions == overdue
    found = row.next_deadline
    assert (found and (str(found.day), found.kind, found.ref)) == deadline
    assert row.errors == 0


DAYS = ["2026-03-01", "2026-06-30", "2026-11-28", "2027-01-01", "2027-03-15"]


@pytest.mark.parametrize("day", DAYS)
def test_the_clauses_behind_are_those_mou_status_lists_for_the_same_day(day: str) -> None:
    """A clause past its next due date is behind on the row, acted on or never (cis-unicef on
    2026-11-28: clause 1 due 2026-11-18, never acted on), and a clause not past due is not
    (cis-iom-unhcr on 2026-06-30: clause 2, a gap earlier, next due 2026-11-19); the row is red
    exactly when `mou status --check` fails on a clause."""
    from mou.checks import run_checks
    from mou.load import load
    from mou.status import status

    as_of = date.fromisoformat(day)
    for row in portfolio_rows(members(PORTFOLIO), as_of).rows:
        records = load(row.root)
        found = status(records, run_checks(records, as_of), as_of)
        late = [c.clause.id for c in found.clauses_behind]
        acting = row.state in ("in-force", "notice-window")
        assert row.behind == (len(late) if acting and row.clauses is not None else 0), row.id
        assert ("clauses-behind" in [r.code for r in row.reasons]) == (acting and bool(late))
        if acting and late:
            assert row.light == "red"


@pytest.mark.parametrize(
    ("day", "notice"),
    [("2026-12-14", "2026-12-14"), ("2026-12-15", "2028-12-14"), ("2027-01-01", "2028-12-14"),
     ("2027-03-15", "2028-12-14")],
)  # fmt: skip
def test_past_this_terms_notice_date_the_next_terms_is_the_deadline(day: str, notice: str) -> None:
    """cis-iom renews itself: once the 2026-12-14 notice date has passed, the next term's
    notice date is known and is a deadline (no day without one)."""
    row = row_of(portfolio_rows(members(PORTFOLIO), date.fromisoformat(day)), "cis-iom")
    found = row.next_deadline
    assert found is not None and (str(found.day), found.kind) == (notice, "notice")


def test_a_clause_never_acted_on_and_past_due_turns_the_row_red() -> None:
    row = row_of(portfolio_rows(members(PORTFOLIO), date(2026, 11, 28)), "cis-unicef")
    assert (row.light, row.clauses) == ("red", {"on-track": 0, "behind": 1, "no-activity": 1})
    assert [reason.code for reason in row.reasons] == ["clauses-behind"]


def test_the_example_shows_every_state_and_every_light(overview: Overview) -> None:
    assert {row.state for row in overview.rows} == {
        "in-force", "notice-window", "expired", "terminated", "pending",
    }  # fmt: skip
    assert {row.light for row in overview.rows} == set(LIGHTS)
    assert all(row.illustrative for row in overview.rows)


def test_the_amended_memorandum_counts_the_added_clause_and_the_changed_cadence(
    overview: Overview,
) -> None:
    """cis-ilo: clause 5 (added by protocol-1) counts its activity; clause 2 is held to the
    amended P6M (consultations 2025-12-03 and 2026-05-27 are on track by it)."""
    row = row_of(overview, "cis-ilo")
    assert row.clauses == {"on-track": 3, "behind": 0, "no-activity": 1}


def test_a_terminated_memorandum_is_not_held_to_its_cadence_afterwards() -> None:
    """cis-unodc ended 2026-03-31: at the year's end its six-monthly exchange (last 2026-03-20)
    is not behind, and its last review (2025-11-25) not overdue: clauses count to the end."""
    later = portfolio_rows(members(PORTFOLIO), date(2026, 12, 31))
    row = row_of(later, "cis-unodc")
    assert (row.state, row.light, row.behind, row.next_deadline) == ("terminated", "green", 0, None)


def test_a_memorandum_with_nothing_recorded_this_year_is_amber(tmp_path: Path) -> None:
    """cis-iom on 1 February 2026 without its 2026 records: in force, nothing recorded yet
    this year, its clauses not yet behind (the last exchange was 2025-11-05, every P3M)."""
    root = shutil.copytree(PORTFOLIO / "cis-iom", tmp_path / "cis-iom")
    for path in root.glob("*/2026-*.yaml"):
        path.unlink()
    row = portfolio_rows([Member("cis-iom", root)], date(2026, 2, 1)).rows[0]
    assert (row.state, row.light) == ("in-force", "amber")
    assert [reason.code for reason in row.reasons] == ["nothing-this-year"]


# --- the rule, case by case -----------------------------------------------------------------

START = date(2020, 1, 1)


def life(state: str, *, notice_by: date | None = None, since: date = START) -> Life:
    term = Term(0, since, date(2030, 12, 31), notice_by)
    return Life(date(2026, 6, 30), since, state, term, term.end, ())  # type: ignore[arg-type]


YEAR = date(2026, 1, 1)


NOTICE = date(2026, 8, 1)


# (life, (overdue actions, clauses behind, anything recorded this year), light, reasons)
@pytest.mark.parametrize(
    ("case", "figures", "light", "reasons"),
    [
        (life("in-force"), (0, 0, True), "green", []),
        (life("in-force"), (1, 0, True), "red", ["overdue-actions"]),
        (life("in-force"), (0, 2, True), "red", ["clauses-behind"]),
        (life("in-force"), (0, 0, False), "amber", ["nothing-this-year"]),
        (life("in-force", since=date(2026, 3, 1)), (0, 0, False), "green", []),  # new this year
        (life("notice-window", notice_by=NOTICE), (0, 0, True), "amber", ["notice-window"]),
        (
            life("notice-window", notice_by=NOTICE), (3, 1, False), "red",
            ["overdue-actions", "clauses-behind", "notice-window", "nothing-this-year"],
        ),
        (life("expired"), (0, 0, False), "red", ["expired"]),
        (life("terminated"), (0, 4, False), "green", []),  # its clauses are over
        (life("terminated"), (1, 0, False), "red", ["overdue-actions"]),
        (life("pending", since=date(2026, 9, 1)), (0, 0, False), "green", []),
    ],
)  # fmt: skip
def test_traffic_light_rule(
    case: Life, figures: tuple[int, int, bool], light: str, reasons: list[str]
) -> None:
    overdue, behind, recorded = figures
    found, why = traffic_light(
        case, overdue=overdue, behind=behind, recorded_this_year=recorded, year_start=YEAR
    )
    assert found == light
    assert [reason.code for reason in why] == reasons


def test_reasons_are_worded_with_their_values() -> None:
    _, why = traffic_light(
        life("notice-window", notice_by=date(2026, 8, 1)),
        overdue=2, behind=1, recorded_this_year=True, year_start=YEAR,
    )  # fmt: skip
    assert [str(reason.message) for reason in why] == [
        "2 actions overdue",
        "1 clause behind its cadence",
        "notice of non-renewal by 2026-08-01",
    ]


# --- a record that does not validate ------------------------------------------------------------


def test_a_memorandum_that_does_not_validate_gets_a_red_row(tmp_path: Path) -> None:
    shutil.copytree(PORTFOLIO, tmp_path / "p")
    broken = tmp_path / "p" / "cis-iom" / "meetings" / "2026-03-10-consultations-moscow.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "organiser: typo\n", encoding="utf-8")
    unreadable = tmp_path / "p" / "cis-who" / "memorandum.yaml"
    unreadable.write_text("kind: memorandum\ntitle: [unclosed\n", encoding="utf-8")
    overview = portfolio_rows(members(tmp_path / "p"), AS_OF)
    by_id = {row.id: row for row in overview.rows}
    assert len(by_id) == len(EXPECTED)
    for member_id in ("cis-iom", "cis-who"):
        row = by_id[member_id]
        assert (row.state, row.light) == ("invalid", "red")
        assert row.errors >= 1
        assert [reason.code for reason in row.reasons] == ["invalid"]
        assert (row.clauses, row.next_deadline, row.overdue_actions) == (None, None, None)
    assert by_id["cis-iom"].memorandum is not None  # its title still shown
    assert by_id["cis-who"].memorandum is None
    assert by_id["cis-ilo"].state == "notice-window"  # the others as ever
    assert [row.id for row in overview.rows][:2] == ["cis-iom", "cis-who"]  # invalid first


# --- sorting ------------------------------------------------------------------------------------

ORDERS = {
    "light": ["cis-iom-unhcr", "cis-who", "cis-ilo", "cis-iom", "cis-unicef", "cis-unodc"],
    "id": ["cis-ilo", "cis-iom", "cis-iom-unhcr", "cis-unicef", "cis-unodc", "cis-who"],
    "title": ["cis-ilo", "cis-iom", "cis-iom-unhcr", "cis-unicef", "cis-unodc", "cis-who"],
    "state": ["cis-who", "cis-ilo", "cis-iom", "cis-iom-unhcr", "cis-unicef", "cis-unodc"],
    "clauses": ["cis-iom-unhcr", "cis-ilo", "cis-iom", "cis-unicef", "cis-unodc", "cis-who"],
    "last": ["cis-unicef", "cis-who", "cis-unodc", "cis-iom-unhcr", "cis-iom", "cis-ilo"],
    "overdue": ["cis-iom-unhcr", "cis-ilo", "cis-iom", "cis-unicef", "cis-unodc", "cis-who"],
    "next": ["cis-iom", "cis-ilo", "cis-unicef", "cis-iom-unhcr", "cis-unodc", "cis-who"],
}


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_sorts(overview: Overview, sort: str) -> None:
    assert [row.id for row in sort_rows(overview.rows, sort)] == ORDERS[sort]


def test_every_sort_has_an_expected_order() -> None:
    assert set(ORDERS) == set(SORTS)


def test_titles_sort_by_the_short_title_in_the_language_shown(overview: Overview) -> None:
    russian = [title_of(row, "ru") for row in sort_rows(overview.rows, "title", "ru")]
    assert russian[0] == "СНГ–ВОЗ, здоровье мигрантов (иллюстрация)"
    assert russian == sorted(russian, key=str.casefold)


def test_a_day_past_the_notice_deadline_leaves_the_window(overview: Overview) -> None:
    row = row_of(overview, "cis-ilo")
    assert row.life is not None and row.life.term is not None
    assert row.life.term.notice_by == date(2026, 8, 31)
    after = row.life.term.notice_by + timedelta(days=1)
    later = portfolio_rows([Member("cis-ilo", PORTFOLIO / "cis-ilo")], after)
    assert later.rows[0].state == "in-force"
    assert later.rows[0].next_deadline is not None
    assert later.rows[0].next_deadline.kind == "clause"  # 2026-03-02 + P6M, before the end
    assert "notice-window" not in [reason.code for reason in later.rows[0].reasons]


# --- each format renders every row ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_format_has_every_row(overview: Overview, language: str) -> None:
    import csv
    import io
    import json

    from mou.portfolio_render import render_portfolio, table

    ids = [row.id for row in overview.rows]
    markdown = render_portfolio(overview, "md", language)
    assert [
        line.split(" | ")[1].strip("`") for line in markdown.splitlines() if "| `" in line
    ] == ids
    spreadsheet = list(csv.DictReader(io.StringIO(render_portfolio(overview, "csv", language))))
    assert [row["id"] for row in spreadsheet] == ids
    data = json.loads(render_portfolio(overview, "json", language))
    assert [m["id"] for m in data["memoranda"]] == ids
    page = render_portfolio(overview, "html", language)
    assert [re.sub("<.*?>", "", cell) for cell in re.findall(r"<code>(.*?)</code>", page)] == ids
    lines = table(overview, language).lines(80)
    assert [
        line.split()[1]
        for line in lines[1:]
        if line.split() and line.split()[0] in LIGHT_WORDS[language]
    ] == ids


LIGHT_WORDS = {"en": ("red", "amber", "green"), "ru": ("красный", "жёлтый", "зелёный")}
