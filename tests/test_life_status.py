"""`mou status` shows the memorandum's life in English and Russian: one line under the title
(its state, in force since, the current term's end with the renewals so far, the last day to
give notice; once ended, its first and last day in force), and the notice deadline, the
expiry or the termination among what needs attention. The illustrative memorandum of
tests/cases/life-illustrative/: in force 2008-10-01, P5Y, renewed automatically for P2Y,
notice P6M. A memorandum without these fields shows none of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, Run, case_tree


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return case_tree("life-illustrative", tmp_path / "life")


def status(run: Run, root: Path, as_of: str, language: str) -> list[str]:
    result = run("--records", str(root), "status", "--as-of", as_of, "--lang", language)
    assert result.exit_code == 0
    return str(result.output).splitlines()


@pytest.mark.parametrize(
    ("as_of", "language", "line"),
    [
        (
            "2008-09-25",
            "en",
            "The memorandum: pending, enters into force on 2008-10-01, the current term ends "
            "2013-09-30 (renewals: 0), last day to give notice 2013-03-30.",
        ),
        (
            "2012-06-01",
            "en",
            "The memorandum: in force, entered into force on 2008-10-01, the current term ends "
            "2013-09-30 (renewals: 0), last day to give notice 2013-03-30.",
        ),
        (
            "2016-12-30",
            "en",
            "The memorandum: notice window, entered into force on 2008-10-01, the current term "
            "ends 2017-09-30 (renewals: 2), last day to give notice 2017-03-30.",
        ),
        (
            "2012-06-01",
            "ru",
            "Меморандум: в силе, вступил в силу 2008-10-01, текущий срок истекает 2013-09-30 "
            "(продлений: 0), последний день для уведомления 2013-03-30.",
        ),
        (
            "2017-03-31",
            "ru",
            "Меморандум: в силе, вступил в силу 2008-10-01, текущий срок истекает 2017-09-30 "
            "(продлений: 2), последний день для уведомления 2017-03-30.",
        ),
    ],
)
def test_the_life_in_one_line(run: Run, root: Path, as_of: str, language: str, line: str) -> None:
    lines = status(run, root, as_of, language)
    assert lines[1] == line


@pytest.mark.parametrize(
    ("language", "heading", "deadline"),
    [
        (
            "en",
            "The memorandum's term:",
            "    notice of non-renewal or termination by 2017-03-30 (in 90 days); "
            "the term ends 2017-09-30",
        ),
        (
            "ru",
            "Срок действия меморандума:",
            "    уведомить о непродлении или прекращении до 2017-03-30 (через 90 дней); "
            "срок истекает 2017-09-30",
        ),
    ],
)
def test_the_notice_deadline_warned_in_each_language(
    run: Run, root: Path, language: str, heading: str, deadline: str
) -> None:
    assert heading not in status(run, root, "2016-12-29", language)
    lines = status(run, root, "2016-12-30", language)
    assert lines[lines.index(heading) + 1] == deadline
    today = status(run, root, "2017-03-30", language)
    assert ("(today)" if language == "en" else "(сегодня)") in today[today.index(heading) + 1]


def _append(root: Path, text: str) -> None:
    with (root / "memorandum.yaml").open("a", encoding="utf-8") as handle:
        handle.write(text)


@pytest.mark.parametrize(
    ("language", "summary", "ended"),
    [
        (
            "en",
            "The memorandum: terminated, in force from 2008-10-01 to 2016-06-30.",
            "    terminated: its last day in force was 2016-06-30",
        ),
        (
            "ru",
            "Меморандум: прекращён, действовал с 2008-10-01 по 2016-06-30.",
            "    прекращён: последний день действия — 2016-06-30",
        ),
    ],
)
def test_a_terminated_memorandum(
    run: Run, root: Path, language: str, summary: str, ended: str
) -> None:
    # with effect from 2016-07-01: its last day in force is 2016-06-30
    _append(root, "terminated:\n  date: 2016-07-01\n  by: iom\n")
    for day in ("2016-07-01", "2016-07-02", "2016-12-31"):
        lines = status(run, root, day, language)
        assert lines[1] == summary
        assert ended in lines
    assert status(run, root, "2016-06-30", language)[1].startswith(
        "The memorandum: in force," if language == "en" else "Меморандум: в силе,"
    )


def test_an_expired_memorandum_in_russian(run: Run, root: Path) -> None:
    memorandum = root / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8").replace("renewal: automatic", "renewal: none")
    memorandum.write_text(text.replace("renewal_term: P2Y\n", ""), encoding="utf-8")
    lines = status(run, root, "2014-01-01", "ru")
    assert lines[1] == "Меморандум: срок истёк, действовал с 2008-10-01 по 2013-09-30."
    assert "    срок истёк: последний день действия — 2013-09-30" in lines


def test_the_whole_page_in_russian(run: Run) -> None:
    demo = str(REPO / "examples" / "demo")
    result = run("--records", demo, "status", "--as-of", "2025-12-31", "--lang", "ru")
    text = result.output
    assert text.startswith("Состояние на 2025-12-31 (на ближайшие 30 дней)\n\n")  # no life
    assert "Просроченные поручения, по исполнителям:" in text
    assert "срок 2024-01-31 (просрочено на 700 дней)" in text
    assert "Пункты со сроком в ближайшие 30 дней:" in text
    assert "(через 9 дней; последний раз 2025-10-09; каждые P3M)" in text
    assert "Запросы без ответа дольше медианы (14 дней):" in text
    assert "ждёт 100 дней" in text
    assert text.endswith("Проверка: 0 ошибок, 3 предупреждения (см. `mou validate`).\n")
    english = run("--records", demo, "status", "--as-of", "2025-12-31").output
    assert "Состояние" not in english and "The memorandum:" not in english


def test_the_language_from_the_environment(
    run: Run, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOU_LANG", "ru")
    result = run("--records", str(root), "status", "--as-of", "2012-06-01")
    assert result.output.startswith("Состояние на 2012-06-01")
    assert run(
        "--records", str(root), "status", "--as-of", "2012-06-01", "--lang", "en"
    ).output.startswith("Status on")


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "en",
            "The memorandum: in force, entered into force on 2008-10-01, terminated with effect "
            "from 2017-06-30 (its last day in force 2017-06-29).",
        ),
        (
            "ru",
            "Меморандум: в силе, вступил в силу 2008-10-01, прекращается с 2017-06-30 "
            "(последний день действия — 2017-06-29).",
        ),
    ],
)
def test_a_termination_recorded_ahead_ends_the_notice_window(
    run: Run, root: Path, language: str, line: str
) -> None:
    """Once a termination is recorded, notice has been given: 2016-12-30 is in the notice
    window of the term ending 2017-09-30 no more, and status says when it ends instead."""
    _append(root, "terminated:\n  date: 2017-06-30\n  by: iom\n")
    lines = status(run, root, "2016-12-30", language)
    assert lines[1] == line
    heading = "The memorandum's term:" if language == "en" else "Срок действия меморандума:"
    assert heading not in lines
    row = run("--records", str(root), "portfolio", "--as-of", "2016-12-30", "--format", "json")
    (memorandum,) = json.loads(row.stdout)["memoranda"]
    assert memorandum["state"] == "in-force"
    assert memorandum["next_deadline"]["kind"] != "notice"
