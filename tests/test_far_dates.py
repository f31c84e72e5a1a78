"""Dates at the calendar's ends, given on the command line or in the record: a refusal or a
located finding, never a traceback (Python's dates end on 9999-12-31)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mou.cli import app

PORTFOLIO = Path(__file__).parent.parent / "examples" / "portfolio"


@pytest.fixture
def far_portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(PORTFOLIO, root)
    memorandum = root / "cis-iom" / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8")
    assert "\nterm: P5Y\n" in text
    memorandum.write_text(text.replace("\nterm: P5Y\n", "\nexpires: 9999-12-31\n"), "utf-8")
    return root


@pytest.mark.parametrize(
    "command", [["validate"], ["portfolio"], ["status"], ["calendar"], ["-m", "cis-iom", "stats"]]
)
def test_expiry_on_the_calendars_last_day(far_portfolio: Path, command: list[str]) -> None:
    result = CliRunner().invoke(app, ["--records", str(far_portfolio), *command])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["-m", "cis-iom", "status", "--within", "99999999"], "--within"),
        (["portfolio", "--notice-days", "99999999"], "--notice-days"),
    ],
)
def test_a_look_ahead_past_a_century_is_refused(command: list[str], said: str) -> None:
    result = CliRunner().invoke(app, ["--records", str(PORTFOLIO), *command])
    assert result.exit_code == 2, result.output
    assert said in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "cis-iom", "status", "--as-of", "9999-12-31", "--within", "36525"],
        ["status", "--as-of", "9999-12-31"],
        ["portfolio", "--as-of", "9999-12-31", "--notice-days", "36525"],
    ],
)
def test_the_calendars_last_day_as_the_day_of_the_report(command: list[str]) -> None:
    """The look ahead stops at 9999-12-31."""
    result = CliRunner().invoke(app, ["--records", str(PORTFOLIO), *command])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
