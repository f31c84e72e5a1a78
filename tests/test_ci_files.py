"""The CI files shipped for records repositories are valid for the tools that read them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO

BIN = Path(sys.executable).parent


def test_pre_commit_manifest_is_valid() -> None:
    result = subprocess.run(
        [BIN / "pre-commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_the_github_schema() -> None:
    workflows = sorted(str(p) for p in (REPO / ".github" / "workflows").glob("*.yml"))
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_records_workflow_runs_here() -> None:
    """The workflow's validation step, run as the workflow runs it, passes on records/."""
    import os

    from mou.parse import parse

    workflow = parse((REPO / ".github/workflows/records.yml").read_bytes(), "records.yml").value
    assert "records/**" in workflow["on"]["pull_request"]["paths"]
    (step,) = [
        s for s in workflow["jobs"]["validate"]["steps"] if s.get("name") == "Validate the record"
    ]
    environment = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
    }
    result = subprocess.run(
        step["run"],
        shell=True,
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "--format github" in step["run"]
