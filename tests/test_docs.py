"""The README stays true: every command has help and an example, every code is explained."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, Run
from mou.problems import CODES

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    from typer.main import get_command

    from mou.cli import app

    group = get_command(app)
    return sorted(group.list_commands(None))  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_a_readme_section(command: str, run: Run) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert re.search(rf"^### .*`mou {command}[` ]", README, re.MULTILINE) or (
        command.startswith("add-") and f"`mou {command}`" in README
    ), f"`mou {command}` has no section in the README"
    assert re.search(rf"\$ mou .*{command} ", README), f"no example of `mou {command}`"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_in_the_readme_table(code: str) -> None:
    row = re.search(rf"^\| {code} \| (error|warning) \|", README, re.MULTILINE)
    assert row, f"{code} is missing from the README's table"
    assert row.group(1) == CODES[code].severity


def test_readme_shows_the_two_set_up_commands() -> None:
    assert "make demo" in README
    assert "make test" in README


def test_demo_output_in_readme_is_current(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    output = run("--records", "examples/demo", "validate", "--as-of", "2025-12-31").output
    for line in output.splitlines():
        assert line in README, f"README shows outdated output; now: {line}"
