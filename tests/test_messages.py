"""Diagnostics in every language from the same words: each message of every case is a
template of the catalogs with its values, translated where it is shown (`--lang`, MOU_LANG,
the locale), plural forms included; and the hints where people trip."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES, REPO, Run, case_tree
from mou.checks import validate
from mou.problems import NT, Problem, language_of_environment

AS_OF = date(2025, 6, 1)
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _templates(words: Any) -> list[tuple[str, str]]:
    _, template, plural, values = words
    found = [(template, plural)]
    for _, value in values:
        if isinstance(value, tuple) and value[:1] == ("T",):
            found.extend(_templates(value))
    return found


def _problems(name: str, tmp_path: Path) -> list[Problem]:
    return validate(case_tree(name, tmp_path / name), AS_OF).problems


def _translated() -> set[str]:
    from babel.messages.pofile import read_po

    with (REPO / "mou/locale/ru/LC_MESSAGES/mou.po").open("rb") as handle:
        messages = read_po(handle, locale="ru")
    return {
        str(message.id[0] if isinstance(message.id, tuple | list) else message.id)
        for message in messages
        if message.id
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }


@pytest.mark.parametrize("name", NAMES)
def test_every_message_is_a_translated_template(name: str, tmp_path: Path) -> None:
    translated = _translated()
    for problem in _problems(name, tmp_path):
        assert problem.words is not None, problem  # built from a template, not plain text
        for template, _ in _templates(problem.words):
            assert template in translated, template
        russian = problem.text("ru")
        assert CYRILLIC.search(russian), russian


def test_plural_forms_in_english_and_russian() -> None:
    one, few, many = (NT("{n} decimal place", "{n} decimal places", n) for n in (1, 3, 5))
    assert (one, few, many) == ("1 decimal place", "3 decimal places", "5 decimal places")
    problems = [Problem("MOU102", text, "x.yaml") for text in (one, few, many)]
    assert [p.text("ru") for p in problems] == [
        "1 знак после запятой",
        "3 знака после запятой",
        "5 знаков после запятой",
    ]


def test_validate_speaks_russian_when_asked(tmp_path: Path, run: Run) -> None:
    root = case_tree("mou203-references", tmp_path / "case")
    english = run("--records", str(root), "validate", "--as-of", "2025-06-01")
    russian = run("--records", str(root), "validate", "--as-of", "2025-06-01", "--lang", "ru")
    assert english.exit_code == russian.exit_code == 1
    assert "no record `" in english.output and "error MOU203" in english.output
    assert "нет записи `" in russian.output and "ошибка MOU203" in russian.output
    assert "no record" not in russian.output
    assert re.search(r"\d+ ошиб\w+, \d+ предупрежд\w+ в \d+ файл", russian.output)
    assert len(english.output.splitlines()) == len(russian.output.splitlines())


@pytest.mark.parametrize(
    "environment,language",
    [
        ({"MOU_LANG": "ru"}, "ru"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_ALL": "C.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),
        ({"MOU_LANG": "en", "LANG": "ru_RU.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_of_the_environment(
    environment: dict[str, str], language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("MOU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert language_of_environment() == language


def test_the_fast_entry_and_the_cache_speak_the_asked_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cached answer keeps templates: English, then Russian, from one cache entry."""
    from mou.start import quick_validate

    monkeypatch.setenv("MOU_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MOU_NO_CACHE", raising=False)
    root = case_tree("mou308-overdue", tmp_path / "case")
    args = ["--records", str(root), "validate", "--as-of", "2025-06-01"]
    monkeypatch.setenv("MOU_LANG", "en")
    assert quick_validate(args) == 0
    english = capsys.readouterr().out
    assert quick_validate(args) == 0  # from the cache
    assert capsys.readouterr().out == english
    monkeypatch.setenv("MOU_LANG", "ru")
    assert quick_validate(args) == 0
    russian = capsys.readouterr().out
    assert "days ago" in english and "дн" in russian and "предупреждение MOU308" in russian
    assert quick_validate([*args, "--lang", "en"]) == 0
    assert capsys.readouterr().out == english


def test_the_russian_review_gives_each_finding_in_full(tmp_path: Path, run: Run) -> None:
    root = case_tree("mou308-overdue", tmp_path / "case")
    review = run(
        "--records", str(root), "review", "--period", "2025", "--as-of", "2025-06-01",
        "--format", "md", "--lang", "ru",
    )  # fmt: skip
    assert review.exit_code == 0, review.output
    assert "MOU308" in review.output and "нужно было выполнить к" in review.output


HINTS = [
    ("kind: meeting\nparties:\n\t- a\n", "MOU001", "YAML does not allow tabs for indentation"),
    ("kind: meeting\nx:\n  a: 1\n\tb: 2\n", "MOU001", "YAML does not allow tabs for indentation"),
]


@pytest.mark.parametrize("text,code,message", HINTS)
def test_a_tab_in_the_indentation_is_named(text: str, code: str, message: str) -> None:
    from mou.parse import parse

    (problem,) = parse(text.encode(), "x.yaml").problems
    assert (problem.code, problem.message.split(":")[0]) == (code, message)


def test_an_unquoted_clause_number_is_told_to_be_quoted(tmp_path: Path, run: Run) -> None:
    root = case_tree("clean", tmp_path / "case")
    visit = root / "activities" / "2024-06-01-study-visit.yaml"
    text = visit.read_text(encoding="utf-8")
    visit.write_text(text.replace('clause: "1.1"', "clause: 1.1"), encoding="utf-8")
    result = run("--records", str(root), "validate", "--as-of", "2025-06-01")
    assert 'MOU102 `clause`: expected text: write "1.1" in quotes' in result.output, result.output
    russian = run("--records", str(root), "validate", "--as-of", "2025-06-01", "--lang", "ru")
    assert 'запишите "1.1" в кавычках' in russian.output
