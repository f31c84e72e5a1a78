"""`mou init --portfolio` makes a portfolio repository whose CI job and pre-commit hook
validate every memorandum; `mou init ID` inside it adds a memorandum's folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Run
from mou.parse import parse

BIN = Path(sys.executable).parent
PARTIES = ["--party", "cis=CIS Executive Committee", "--party", "iom=IOM Administration"]


@pytest.fixture
def made(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A portfolio made by `mou init --portfolio`, the current folder."""
    monkeypatch.delenv("MOU_RECORDS", raising=False)
    result = run("init", "--portfolio", str(tmp_path / "partners"), "--title", "IOM partners")
    assert result.exit_code == 0
    monkeypatch.chdir(tmp_path / "partners")
    return tmp_path / "partners"


def test_init_portfolio_writes_the_repository(made: Path) -> None:
    for name in (
        "portfolio.yaml",
        "README.md",
        ".github/workflows/records.yml",
        ".github/dependabot.yml",
        ".pre-commit-config.yaml",
        ".gitignore",
        "schema/record.schema.json",
    ):
        assert (made / name).is_file(), name
    marker = parse((made / "portfolio.yaml").read_bytes(), "portfolio.yaml").value
    assert marker == {"name": "partners", "title": {"en": "IOM partners"}}
    assert "site/" in (made / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert not list(made.glob("*/memorandum.yaml"))  # no memorandum yet


def test_init_id_adds_memoranda_that_validate_together(made: Path, run: Run) -> None:
    assert run("validate").output == "No problems in 0 files.\n"  # an empty portfolio
    result = run("init", "cis-iom", *PARTIES, "--signed", "2008-09-19")
    assert result.exit_code == 0
    assert "created cis-iom/memorandum.yaml" in result.output
    assert "created cis-iom/meetings/.gitkeep" in result.output
    assert "schema/" not in result.output  # the portfolio's own schema/ is there already
    assert "Next: replace the example clause in cis-iom/memorandum.yaml" in result.output
    assert run("init", "--id", "cis-ilo", *PARTIES).exit_code == 0
    memorandum = (made / "cis-ilo" / "memorandum.yaml").read_text(encoding="utf-8")
    assert memorandum.startswith("# yaml-language-server: $schema=../schema/record.schema.json")
    assert 'title: "Memorandum of understanding (cis-ilo)"' in memorandum  # titles differ
    assert run("validate").output == "No problems in 2 files.\n"
    assert run("-m", "cis-ilo", "validate").output == "No problems in 1 file.\n"


def test_init_from_inside_a_memorandum_adds_a_sibling(
    made: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("init", "cis-iom", *PARTIES)
    monkeypatch.chdir(made / "cis-iom" / "meetings")
    assert run("init", "cis-unhcr", *PARTIES).exit_code == 0
    assert (made / "cis-unhcr" / "memorandum.yaml").is_file()
    assert not (made / "cis-iom" / "cis-unhcr").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 2, "is a portfolio: `mou init ID` adds the memorandum ID to it"),
        (("Bad_Id",), 2, "'Bad_Id' is not a memorandum id"),
        (("../elsewhere",), 2, "'../elsewhere' is not a memorandum id"),
        (("b" * 300,), 2, f"{'b' * 80!r}... is not a memorandum id: lower-case letters"),
        (("b" * 81,), 2, "is not a memorandum id: lower-case letters and digits joined"),
        (("con",), 2, "'con' is not a memorandum id: a name Windows reserves for a device"),
        (("a", "--id", "b"), 2, "--id b and a: give the new memorandum's id once"),
        (("cis-iom",), 1, "the portfolio already holds cis-iom; nothing was written"),
    ],
)
def test_init_inside_a_portfolio_refuses(
    made: Path, run: Run, args: tuple[str, ...], code: int, message: str
) -> None:
    run("init", "cis-iom", *PARTIES)
    before = sorted(made.rglob("*"))
    result = run("init", *args)
    assert (result.exit_code, message in result.output) == (code, True)
    assert sorted(made.rglob("*")) == before


def test_init_id_outside_a_portfolio_and_a_portfolio_over_a_memorandum(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOU_RECORDS", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("init", "--id", "x")
    assert result.exit_code == 2
    assert "--id x: not inside a portfolio (see --portfolio)" in result.output
    assert run("init", "single", *PARTIES).exit_code == 0
    result = run("init", "--portfolio", "single/records")
    assert result.exit_code == 1
    assert "holds a memorandum: a portfolio's memoranda are its sub-folders" in result.output


@pytest.mark.parametrize(
    ("inside", "enclosing"),
    [
        ("cis-iom/meetings", "cis-iom/memorandum.yaml"),
        ("cis-iom/meetings/deeper", "cis-iom/memorandum.yaml"),
        ("sub", "portfolio.yaml"),
        ("single/records/meetings", "single/records/memorandum.yaml"),
    ],
)
def test_init_portfolio_inside_a_memorandum_or_portfolio_refuses(
    made: Path, run: Run, monkeypatch: pytest.MonkeyPatch, inside: str, enclosing: str
) -> None:
    run("init", "cis-iom", *PARTIES)
    (made / "single" / "records" / "meetings").mkdir(parents=True)
    (made / "single" / "records" / "memorandum.yaml").write_text("kind: memorandum\n")
    (made / inside).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(made / inside)
    before = sorted(made.rglob("*"))
    result = run("init", "--portfolio")
    assert result.exit_code == 1
    assert f"lies inside {made / enclosing}:" in result.output
    assert "nothing was written" in result.output
    assert sorted(made.rglob("*")) == before


def test_init_portfolio_beside_a_repository_is_made(tmp_path: Path, run: Run) -> None:
    """A folder beside a repository's records/ (not inside it) may be a portfolio."""
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "memorandum.yaml").write_text("kind: memorandum\n")
    assert run("init", "--portfolio", str(tmp_path / "docs" / "partners")).exit_code == 0
    assert (tmp_path / "docs" / "partners" / "portfolio.yaml").is_file()


def test_the_portfolio_workflow_validates_the_portfolio(made: Path, run: Run) -> None:
    """The workflow's steps run at the portfolio root, and it passes GitHub's schema and
    zizmor's audit like the single memorandum's."""
    workflow_file = made / ".github" / "workflows" / "records.yml"
    workflow = parse(workflow_file.read_bytes(), "records.yml").value
    steps = {step.get("name"): step for step in workflow["jobs"]["validate"]["steps"]}
    assert steps["Validate the record"]["run"] == "mou validate --format github"
    assert (
        'mou -m "${memorandum%/memorandum.yaml}" diff'
        in steps["Summarise what the pull request changes"]["run"]
    )
    assert workflow["on"]["pull_request"]["paths"] == ["**"]
    run("init", "cis-iom", *PARTIES)
    (made / "cis-iom" / "meetings" / "broken.yaml").write_text("kind: meeting\n")
    result = run("validate", "--format", "github")
    assert result.exit_code == 1
    assert "::error file=cis-iom/meetings/broken.yaml,line=1,col=1,title=MOU101::" in result.output
    commands: list[list[str | Path]] = [
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", workflow_file],
        [BIN / "zizmor", "--offline", workflow_file],
    ]
    for command in commands:
        checked = subprocess.run(command, capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_hook_is_the_single_memorandums() -> None:
    """The pre-commit hook runs `mou validate` where it is run, the repository's top: at a
    portfolio's root that checks every memorandum (test_init_id_adds_memoranda_...)."""
    from conftest import REPO

    hook = parse((REPO / "mou/scaffold/pre-commit-config.yaml").read_bytes(), "hook").value
    assert hook["repos"][0]["hooks"][0]["entry"] == "mou validate"
