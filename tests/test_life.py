"""The memorandum's life (mou.life): terms, automatic renewals across month ends and leap days,
the notice deadline of each renewal, its state on a day, termination mid-term."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mou.life import (
    Term,
    clause_ids,
    clause_terms,
    first_term,
    has_life,
    in_force_since,
    last_day_in_force,
    life_findings,
    life_on,
    outside_life,
    renewal,
    term_on,
)
from mou.models import Memorandum


def memorandum(signed: str = "2020-01-31", **life: Any) -> Memorandum:
    return Memorandum.model_validate(
        {
            "kind": "memorandum",
            "title": "Illustrative memorandum",
            "signed": {"date": signed, "place": "Minsk", "languages": ["en", "ru"]},
            "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
            "clauses": [{"id": "1", "summary": "Cooperate."}],
            **life,
        }
    )


def d(text: str) -> date:
    return date.fromisoformat(text)


def terms(m: Memorandum, count: int) -> list[tuple[str, str, str | None]]:
    first = first_term(m)
    assert first is not None
    found = [first] + [renewal(m, n) for n in range(1, count)]
    return [
        (str(t.start), str(t.end), str(t.notice_by) if t.notice_by else None)
        for t in found
        if t is not None
    ]


def test_no_life_fields_runs_without_end() -> None:
    m = memorandum()
    assert not has_life(m)
    assert in_force_since(m) == d("2020-01-31")
    assert first_term(m) is None
    life = life_on(m, d("2030-01-01"))
    assert (life.state, life.term, life.ends) == ("in-force", None, None)


def test_entry_into_force_signature_or_date() -> None:
    assert in_force_since(memorandum(entry_into_force="signature")) == d("2020-01-31")
    later = memorandum(entry_into_force="2020-03-01", term="P1Y")
    assert has_life(later)
    assert in_force_since(later) == d("2020-03-01")
    assert first_term(later) == Term(0, d("2020-03-01"), d("2021-02-28"), None)
    assert life_on(later, d("2020-02-15")).state == "pending"


def test_monthly_renewals_across_month_ends_stay_anchored() -> None:
    # From 31 January: each term ends the day before a monthly anniversary (clamped to the
    # month's length once, never carried from one renewal to the next).
    m = memorandum(term="P1M", renewal="automatic", renewal_term="P1M", notice="P10D")
    assert terms(m, 5) == [
        ("2020-01-31", "2020-02-28", "2020-02-18"),
        ("2020-02-29", "2020-03-30", "2020-03-20"),
        ("2020-03-31", "2020-04-29", "2020-04-19"),
        ("2020-04-30", "2020-05-30", "2020-05-20"),
        ("2020-05-31", "2020-06-29", "2020-06-19"),
    ]


def test_yearly_renewals_from_a_leap_day() -> None:
    m = memorandum(
        signed="2020-02-29", term="P1Y", renewal="automatic", renewal_term="P1Y", notice="P6M"
    )
    assert terms(m, 5) == [
        ("2020-02-29", "2021-02-27", "2020-08-27"),
        ("2021-02-28", "2022-02-27", "2021-08-27"),
        ("2022-02-28", "2023-02-27", "2022-08-27"),
        ("2023-02-28", "2024-02-28", "2023-08-28"),  # 2024 has its 29 February again
        ("2024-02-29", "2025-02-27", "2024-08-27"),
    ]


def test_first_term_then_shorter_renewals_and_notice_on_each() -> None:
    m = memorandum(
        signed="2019-03-01", term="P5Y", renewal="automatic", renewal_term="P2Y", notice="P3M"
    )
    assert terms(m, 3) == [
        ("2019-03-01", "2024-02-29", "2023-11-29"),
        ("2024-03-01", "2026-02-28", "2025-11-28"),
        ("2026-03-01", "2028-02-29", "2027-11-29"),
    ]


def test_renewals_anchored_on_the_day_after_expires() -> None:
    m = memorandum(expires="2021-04-30", renewal="automatic", renewal_term="P1M", notice="P1M")
    assert terms(m, 3) == [
        ("2020-01-31", "2021-04-30", "2021-03-30"),
        ("2021-05-01", "2021-05-31", "2021-04-30"),
        ("2021-06-01", "2021-06-30", "2021-05-30"),
    ]


@pytest.mark.parametrize(
    ("day", "number", "state"),
    [
        ("2020-01-31", 0, "in-force"),
        ("2022-11-01", 0, "notice-window"),  # within 90 days of the deadline, 2023-01-30
        ("2023-12-31", 0, "in-force"),  # past the deadline: in force to its end
        ("2024-01-30", 0, "in-force"),
        ("2024-01-31", 0, "expired"),
    ],
)
def test_without_renewal_the_first_term_expires(day: str, number: int, state: str) -> None:
    m = memorandum(term="P4Y", renewal="none", notice="P1Y")
    life = life_on(m, d(day))
    assert life.term is not None
    assert (life.term.number, life.state) == (number, state)
    assert life.term.end == d("2024-01-30")
    assert life.term.notice_by == d("2023-01-30")


def test_by_agreement_expires_at_the_end_of_the_term() -> None:
    m = memorandum(expires="2022-12-31", renewal="by-agreement")
    assert life_on(m, d("2022-12-31")).state == "in-force"
    assert life_on(m, d("2023-01-01")).state == "expired"
    assert life_on(m, d("2023-01-01")).ends == d("2022-12-31")


def test_notice_window_edges() -> None:
    m = memorandum(
        signed="2020-01-01", term="P1Y", renewal="automatic", renewal_term="P1Y", notice="P3M"
    )
    # The term ends 2020-12-31; notice by 2020-09-30; warned 90 days (or as asked) before.
    assert life_on(m, d("2020-07-01")).state == "in-force"
    assert life_on(m, d("2020-07-02")).state == "notice-window"
    assert life_on(m, d("2020-09-30")).state == "notice-window"
    assert life_on(m, d("2020-10-01")).state == "in-force"  # renewal is now certain
    assert life_on(m, d("2020-09-01"), notice_days=10).state == "in-force"
    assert life_on(m, d("2020-09-20"), notice_days=10).state == "notice-window"
    renewed = life_on(m, d("2021-01-01"))
    assert renewed.renewals == 1
    assert renewed.term == Term(1, d("2021-01-01"), d("2021-12-31"), d("2021-09-30"))


TERMINATED: dict[str, Any] = {
    "signed": "2020-01-01",
    "term": "P1Y",
    "renewal": "automatic",
    "renewal_term": "P1Y",
    "notice": "P3M",
    "terminated": {"date": "2022-05-15", "by": "b"},
}


@pytest.mark.parametrize(
    ("day", "state", "in_force", "outside"),
    [
        # `terminated.date` is the day the termination takes effect: the memorandum is in
        # force up to the day before, terminated from that day on, a record then is MOU311.
        ("2022-05-14", "in-force", True, False),
        ("2022-05-15", "terminated", False, True),
        ("2022-05-16", "terminated", False, True),
        ("2030-01-01", "terminated", False, True),
    ],
)
def test_termination_takes_effect_on_its_date(
    day: str, state: str, in_force: bool, outside: bool
) -> None:
    m = memorandum(**TERMINATED)
    life = life_on(m, d(day))
    assert (life.state, life.ends, life.renewals) == (state, d("2022-05-14"), 2)
    assert last_day_in_force(m) == d("2022-05-14")
    assert (outside_life(m, d(day)) is not None) is outside
    # the clause counts on the day exactly when the memorandum is in force on it
    assert [c.id for c, _, _ in clause_terms(m, d(day), d(day))] == (["1"] if in_force else [])


def test_an_amendment_on_the_day_a_termination_takes_effect_is_after_the_end() -> None:
    amendment = {"id": "p1", "date": "2022-05-15", "title": "Late"}
    late = memorandum(**TERMINATED, amendments=[amendment])
    on_time = memorandum(**TERMINATED, amendments=[{**amendment, "date": "2022-05-14"}])
    assert [code for code, _, _ in life_findings(late)] == ["MOU309"]
    assert list(life_findings(on_time)) == []


def test_termination_after_expiry_does_not_extend_it() -> None:
    m = memorandum(expires="2021-01-31", terminated={"date": "2021-06-01", "by": "a"})
    assert life_on(m, d("2021-03-01")).ends == d("2021-01-31")
    assert life_on(m, d("2021-03-01")).state == "expired"


def test_far_days_are_found_quickly_and_the_calendar_end_is_no_crash() -> None:
    m = memorandum(term="P2W", renewal="automatic", renewal_term="P10D")
    term = term_on(m, d("9999-12-01"))
    assert term is not None and term.start <= d("9999-12-01") <= term.end
    assert term_on(memorandum(signed="9998-06-01", term="P5Y"), d("9999-01-01")) is None


def test_amendments_in_date_order_and_their_clauses_counted() -> None:
    m = memorandum(
        amendments=[
            {"id": "second", "date": "2023-01-01", "title": "Second"},
            {
                "id": "first",
                "date": "2021-01-01",
                "title": {"en": "First", "ru": "Первая"},
                "clauses": {"added": [{"id": "7", "summary": {"en": "New", "ru": "Новый"}}]},
            },
        ]
    )
    assert [a.id for a in life_on(m, d("2024-01-01")).amendments] == ["first", "second"]
    assert clause_ids(m) == ["1", "7"]


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    term=st.sampled_from(["P1M", "P3M", "P1Y", "P5Y", "P2W", "P30D", "P1Y6M"]),
    every=st.sampled_from(["P1M", "P1Y", "P2Y", "P10D", "P1W"]),
    offset=st.integers(min_value=0, max_value=20000),
)
def test_every_day_lies_in_exactly_the_term_found(
    start: date, term: str, every: str, offset: int
) -> None:
    m = memorandum(
        signed=str(start), term=term, renewal="automatic", renewal_term=every, notice="P1M"
    )
    day = start + timedelta(days=offset)
    found = term_on(m, day)
    assert found is not None
    assert found.start <= day <= found.end
    if found.number:
        before = renewal(m, found.number - 1) or first_term(m)
        assert before is not None and before.end + timedelta(days=1) == found.start
        assert found.notice_by is not None and found.notice_by <= found.end


def test_the_readme_example() -> None:
    m = memorandum(
        signed="2019-02-20",
        entry_into_force="2019-03-01",
        term="P3Y",
        renewal="automatic",
        renewal_term="P1Y",
        notice="P6M",
    )
    assert first_term(m) == Term(0, d("2019-03-01"), d("2022-02-28"), d("2021-08-28"))


def test_the_calendars_last_day_as_expiry_runs_without_end() -> None:
    """`expires: 9999-12-31` has no day after it: the memorandum runs without end, no error."""
    m = memorandum(expires="9999-12-31", notice="P3M")
    assert first_term(m) is None
    assert life_on(m, d("2030-01-01")).state == "in-force"


def test_a_notice_window_longer_than_the_calendar_reaches_back_safely() -> None:
    m = memorandum(term="P1Y", notice="P1M")
    assert life_on(m, d("2020-12-01"), notice_days=10**8).state == "notice-window"
    assert life_on(m, d("2021-01-05"), notice_days=10**8).state == "in-force"  # past notice
    assert life_on(m, d("2021-02-05"), notice_days=10**8).state == "expired"
