"""`mou calendar`'s bytes (and the site's calendars): written line by line, they are what
`icalendar` writes for the same events (golden files made with it), escaped and folded as it
escapes and folds any text, and `icalendar` reads them back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar, vText
from icalendar.parser import Contentline

from conftest import REPO, Run
from mou.ics import _fold, _text

GOLDEN = REPO / "tests" / "golden"
TEXT = st.text(st.characters(exclude_categories=["Cs"]))


@pytest.mark.parametrize(
    ("golden", "root", "arguments"),
    [
        ("calendar-demo.en.ics", "examples/demo", ["--as-of", "2025-12-31"]),
        ("calendar-demo.ru.ics", "examples/demo", ["--as-of", "2025-12-31", "--lang", "ru"]),
        (
            "calendar-life.ru.ics",
            "tests/cases/life-illustrative",
            ["--as-of", "2024-06-30", "--lang", "ru"],
        ),
        (
            "calendar-portfolio.ru.ics",
            "examples/portfolio",
            ["--as-of", "2026-06-30", "--lang", "ru"],
        ),
    ],
)
def test_calendar_is_what_icalendar_wrote(
    golden: str, root: str, arguments: list[str], tmp_path: Path, run: Run
) -> None:
    out = tmp_path / "out.ics"
    result = run("--records", str(REPO / root), "calendar", *arguments, "--output", str(out))
    assert result.exit_code == 0
    assert out.read_bytes() == (GOLDEN / golden).read_bytes()
    parsed = Calendar.from_ical(out.read_bytes())
    assert len(parsed.walk("VEVENT")) == out.read_bytes().count(b"BEGIN:VEVENT")


@given(TEXT)
def test_text_is_escaped_and_folded_as_icalendar_does(text: str) -> None:
    escaped = _text(text)
    assert escaped == vText(text).to_ical().decode("utf-8")
    line = f"SUMMARY:{escaped}"
    folded = Contentline(line).to_ical()  # type: ignore[no-untyped-call]
    assert _fold(line) == folded.decode("utf-8")


@given(TEXT.filter(lambda t: "\r" not in t and "\\N" not in t))
def test_icalendar_reads_the_text_back(text: str) -> None:
    body = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            "BEGIN:VEVENT",
            _fold(f"SUMMARY:{_text(text)}"),
            "UID:x@mou.invalid",
            "DTSTAMP:20240101T000000Z",
            "DTSTART;VALUE=DATE:20240101",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    event = Calendar.from_ical(body.encode("utf-8")).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == text
