"""`mou validate`, `mou schema`, `mou explain` and the global options, run in-process."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, Run, build_tree

Tree = Callable[[dict[str, str | bytes]], Path]

NOT_PUBLIC = """kind: exchange
date: 2024-01-01
from: cis
to: iom
subject: Internal memo
public_domain: false
"""
BILATERAL = """kind: activity
clause: "1.1"
title: Visit
date: 2024-01-02
parties: [iom]
states: [KAZ]
"""


def test_clean_record_exits_0(run: Run) -> None:
    result = run("--records", str(REPO / "records"), "validate")
    assert result.exit_code == 0
    assert result.output == "No problems in 1 file.\n"


def test_text_format_lines_and_summary(
    base_tree: Tree, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({"2024-01-01-memo.yaml": NOT_PUBLIC, "2024-01-02-visit.yaml": BILATERAL})
    monkeypatch.chdir(root.parent)
    result = run("--records", "records", "validate")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "records/2024-01-01-memo.yaml:6:16: error MOU301 clause 1.2 covers information in the "
        "public domain only; this exchange says it is not",
        "records/2024-01-02-visit.yaml:6:9: warning MOU303 involves one state (KAZ) and one party "
        "(iom): if this is bilateral cooperation (clause 5), mark it `scope: bilateral`; "
        "otherwise add the other party to `parties`",
        "1 error, 1 warning in 3 files.",
    ]


def test_warnings_fail_only_with_strict(base_tree: Tree, run: Run) -> None:
    root = base_tree({"2024-01-02-visit.yaml": BILATERAL})
    assert run("--records", str(root), "validate").exit_code == 0
    assert run("--records", str(root), "validate", "--strict").exit_code == 1


def test_as_of_moves_today(base_tree: Tree, run: Run) -> None:
    meeting = """kind: meeting
type: consultation
title: Talks
date: 2025-03-01
status: held
location: Geneva
format: online
organizer: iom
observers: [cis]
"""
    root = base_tree({"2025-03-01-talks.yaml": meeting})
    assert run("--records", str(root), "validate", "--as-of", "2025-02-01").exit_code == 1
    assert run("--records", str(root), "validate", "--as-of", "2025-03-01").exit_code == 0


def test_json_format(base_tree: Tree, run: Run) -> None:
    root = base_tree({"sub/2024-01-01-memo.yaml": NOT_PUBLIC})
    document = json.loads(run("--records", str(root), "validate", "--format", "json").output)
    assert document == {
        "errors": 1,
        "warnings": 0,
        "diagnostics": [
            {
                "severity": "error",
                "code": "MOU301",
                "message": "clause 1.2 covers information in the public domain only; "
                "this exchange says it is not",
                "path": "sub/2024-01-01-memo.yaml",
                "line": 6,
                "column": 16,
                "record": "2024-01-01-memo",
            }
        ],
    }


def test_github_format_escapes_and_keeps_the_log(
    base_tree: Tree, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({"a,b:c.yaml": "kind: '50%\n\n  odd'\n"})
    monkeypatch.chdir(root)
    lines = run("validate", "--format", "github").output.splitlines()
    assert lines[0].startswith(
        "::error file=a%2Cb%3Ac.yaml,line=1,col=1,title=MOU201::`a,b:c` is not a valid id"
    )
    assert lines[1] == (
        "::error file=a%2Cb%3Ac.yaml,line=1,col=7,title=MOU002::unknown kind `50%25%0Aodd`"
    )
    assert "a,b:c.yaml:1:7: error MOU002 unknown kind `50%\\nodd`" in lines  # one line each
    assert lines[-1] == "2 errors, 0 warnings in 2 files."


def test_github_is_the_default_in_github_actions(
    base_tree: Tree, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({"2024-01-01-memo.yaml": NOT_PUBLIC})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run("--records", str(root), "validate").output.startswith("::error file=")


def test_sarif_format(base_tree: Tree, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from mou.problems import CODES

    root = base_tree({"2024-01-01-memo.yaml": NOT_PUBLIC})
    monkeypatch.chdir(root.parent)
    document = json.loads(run("--records", "records", "validate", "--format", "sarif").output)
    assert document["version"] == "2.1.0"
    sarif_run = document["runs"][0]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(CODES)
    (result,) = sarif_run["results"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "MOU301"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "records/2024-01-01-memo.yaml"
    assert location["region"] == {"startLine": 6, "startColumn": 16}


def test_usage_errors_exit_2(run: Run, tmp_path: Path) -> None:
    records = str(REPO / "records")
    assert run("--records", records, "validate", "--as-of", "yesterday").exit_code == 2
    assert run("--records", records, "validate", "--format", "xml").exit_code == 2
    assert run("--records", str(tmp_path / "nowhere"), "validate").exit_code == 2


def test_no_memorandum(tmp_path: Path, run: Run) -> None:
    root = build_tree(tmp_path / "records", {"2024-01-01-memo.yaml": NOT_PUBLIC})
    result = run("--records", str(root), "validate")
    assert result.exit_code == 1
    assert (
        "memorandum.yaml:1:1: error MOU205 no memorandum.yaml at the records root" in result.output
    )


def test_records_root_is_found_upward(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build_tree(
        tmp_path / "repo" / "records",
        {"memorandum.yaml": (REPO / "records" / "memorandum.yaml").read_text()},
    )
    (tmp_path / "repo" / "docs" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo" / "docs" / "deep")
    monkeypatch.delenv("MOU_RECORDS", raising=False)
    assert run("validate").output == "No problems in 1 file.\n"


def test_records_root_from_the_environment(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOU_RECORDS", str(REPO / "records"))
    assert run("validate").exit_code == 0


def test_explain(run: Run) -> None:
    result = run("explain", "mou303")
    assert result.exit_code == 0
    assert result.output.startswith("MOU303 (warning): single-state, single-party")
    assert "scope: bilateral" in result.output
    assert run("explain", "MOU999").exit_code == 2


def test_version(run: Run) -> None:
    from mou import __version__

    assert run("--version").output == f"mou {__version__}\n"


def test_schema_writes_every_kind(run: Run, tmp_path: Path) -> None:
    from mou.kinds import MODELS as KINDS

    result = run("schema", "--output", str(tmp_path / "schema"))
    assert result.exit_code == 0
    names = sorted(path.name for path in (tmp_path / "schema").iterdir())
    assert names == sorted(["record.schema.json", *(f"{kind}.schema.json" for kind in KINDS)])


def test_unwritable_outputs_are_usage_errors(run: Run, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("kept\n")
    demo = str(REPO / "examples" / "demo")
    review = run("--records", demo, "review", "--period", "2024", "--output", str(tmp_path))
    assert review.exit_code == 2 and "is a folder" in review.output
    assert run("schema", "--output", str(a_file)).exit_code == 2
    assert run("--records", demo, "calendar", "--output", str(a_file / "x.ics")).exit_code == 2
    assert run("init", str(a_file)).exit_code == 1
    assert a_file.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no temporary file left
