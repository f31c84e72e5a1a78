"""Hostile and broken files: each gets a located, coded diagnostic, never a traceback, and the
other files of the record are still checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
FLOW_NESTING = "kind: meeting\ntitle: " + "[" * 5000 + "]" * 5000 + "\n"
BLOCK_NESTING = "kind: meeting\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(100)) + "\n"
PYTHON_TAG = "kind: exchange\nsubject: !!python/object:os.system {}\n"
LATIN1 = "kind: exchange\nsubject: Réunion à Genève\n".encode("latin-1")
BAD_DATE = """kind: exchange
date: 2024-13-45
from: cis
to: iom
subject: Bulletin
public_domain: true
"""
DUPLICATE = "kind: exchange\ndate: 2024-01-01\ndate: 2024-01-02\n"
HUGE = "kind: exchange\nnotes: |\n" + "  padding padding padding padding\n" * 40000
NOT_PUBLIC = """kind: exchange
date: 2024-01-01
from: cis
to: iom
subject: The one good file, with one finding of its own
public_domain: false
"""


def test_hostile_files_become_diagnostics(
    base_tree: Callable[[dict[str, str | bytes]], Path], run: Run
) -> None:
    root = base_tree(
        {
            "bomb.yaml": BOMB,
            "flow-nesting.yaml": FLOW_NESTING,
            "block-nesting.yaml": BLOCK_NESTING,
            "python-tag.yaml": PYTHON_TAG,
            "latin-1.yaml": LATIN1,
            "bad-date.yaml": BAD_DATE,
            "duplicate.yaml": DUPLICATE,
            "huge.yaml": HUGE,
            "2024-01-01-not-public.yaml": NOT_PUBLIC,
        }
    )
    result = run("--records", str(root), "validate", "--format", "json", "--as-of", "2025-01-01")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    found = {
        (d["path"], d["code"], d["line"], d["column"])
        for d in json.loads(result.output)["diagnostics"]
    }
    assert found == {
        ("bomb.yaml", "MOU004", 1, 4),  # the first anchor; nothing is ever expanded
        ("flow-nesting.yaml", "MOU004", 2, 1007),  # libyaml's own depth limit (1,000)
        ("block-nesting.yaml", "MOU004", 66, 129),  # mou's limit: 64 levels
        ("python-tag.yaml", "MOU004", 2, 10),
        ("latin-1.yaml", "MOU001", 2, 11),  # the first byte that is not UTF-8
        ("bad-date.yaml", "MOU102", 2, 7),
        ("duplicate.yaml", "MOU003", 3, 1),
        ("huge.yaml", "MOU004", 1, 1),
        ("2024-01-01-not-public.yaml", "MOU301", 6, 16),
    }


def test_messages_name_the_problem(
    base_tree: Callable[[dict[str, str | bytes]], Path], run: Run
) -> None:
    root = base_tree({"python-tag.yaml": PYTHON_TAG, "latin-1.yaml": LATIN1, "bomb.yaml": BOMB})
    result = run("--records", str(root), "validate")
    assert "tag !!python/object:os.system is not allowed" in result.output
    assert "not UTF-8: byte 0xe9" in result.output
    assert "anchor &a: records do not use anchors" in result.output


def test_an_unreadable_file_is_reported_and_the_rest_checked(
    base_tree: Callable[[dict[str, str | bytes]], Path], run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = base_tree({"2024-01-01-not-public.yaml": NOT_PUBLIC})
    (root / "dangling.yaml").symlink_to(root / "nowhere.yaml")
    monkeypatch.chdir(root)
    result = run("validate")
    assert result.output.splitlines() == [
        "2024-01-01-not-public.yaml:6:16: error MOU301 clause 1.2 covers information in the "
        "public domain only; this exchange says it is not",
        "dangling.yaml:1:1: error MOU001 cannot read: No such file or directory",
        "2 errors, 0 warnings in 3 files.",
    ]
