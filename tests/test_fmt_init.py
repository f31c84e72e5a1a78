"""`mou fmt` keeps every comment and is idempotent; `mou init` makes a repository that
validates once its parties are filled in."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, Run
from mou.read import find_files

Tree = Callable[[dict[str, str | bytes]], Path]


def _comments(root: Path) -> list[str]:
    found = []
    for path in find_files(root):
        for line in (root / path).read_text(encoding="utf-8").splitlines():
            if "#" in line and not line.startswith("# yaml-language-server"):
                found.append(line[line.index("#") :].strip())
    return sorted(found)


@pytest.mark.parametrize("source", ["records", "examples/demo"])
def test_fmt_keeps_every_comment_and_changes_nothing_twice(
    source: str, run: Run, tmp_path: Path
) -> None:
    root = tmp_path / "records"
    shutil.copytree(REPO / source, root)
    comments = _comments(root)
    assert comments, "nothing to keep: the test proves nothing"
    run("--records", str(root), "fmt")
    assert _comments(root) == comments
    before = {path: (root / path).read_bytes() for path in find_files(root)}
    result = run("--records", str(root), "fmt")
    assert result.exit_code == 0
    assert {path: (root / path).read_bytes() for path in find_files(root)} == before
    assert run("--records", str(root), "fmt", "--check").exit_code == 0


def test_committed_records_are_canonical(run: Run) -> None:
    for source in ("records", "examples/demo"):
        assert run("--records", str(REPO / source), "fmt", "--check").exit_code == 0


MESSY = """# A comment above everything
notes: Written before the subject   # trailing comment
subject: no
date: 2024-01-01
kind: exchange
# a comment about `from`
from: cis
to: iom
public_domain: true
items:
- title: "Quoted stays quoted"
  language: ru
"""
CANONICAL = """# yaml-language-server: $schema=../schema/record.schema.json
# A comment above everything
kind: exchange
date: 2024-01-01
# a comment about `from`
from: cis
to: iom
subject: "no"
items:
  - title: "Quoted stays quoted"
    language: ru
public_domain: true
notes: Written before the subject   # trailing comment
"""


def test_fmt_orders_keys_quotes_and_keeps_comments(base_tree: Tree, run: Run) -> None:
    root = base_tree({"x.yaml": MESSY, "arrangement.yaml": ARRANGEMENT})
    check = run("--records", str(root), "fmt", "--check")
    assert check.exit_code == 1
    assert "would reformat x.yaml" in check.output
    assert (root / "x.yaml").read_text() == MESSY  # --check writes nothing
    assert run("--records", str(root), "fmt").exit_code == 0
    assert (root / "x.yaml").read_text() == CANONICAL
    amounts = re.findall(r"amount: (\"[^\"]*\"|\S+)", (root / "arrangement.yaml").read_text())
    assert amounts == ['"12500.00"', '"800"', '"0.10"']


ARRANGEMENT = """kind: arrangement
title: A
date: 2024-01-01
status: signed
expenses:
  - {item: Venue, payer: cis, amount: 12500, currency: USD, status: paid}
  - {item: Tickets, payer: iom, amount: 800, currency: JPY, status: paid}
  - {item: Tea, payer: iom, amount: 0.1, currency: EUR, status: paid}
"""


def test_fmt_leaves_unreadable_files_alone(base_tree: Tree, run: Run) -> None:
    broken = "kind: exchange\ntitle: [unclosed\n"
    root = base_tree({"broken.yaml": broken, "dup.yaml": "kind: x\nkind: y\n"})
    result = run("--records", str(root), "fmt")
    assert result.exit_code == 1
    assert "broken.yaml: not formatted: MOU001" in result.output
    assert "dup.yaml: not formatted: MOU003" in result.output
    assert (root / "broken.yaml").read_text() == broken


def test_init_then_fill_in_the_parties(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "new"
    result = run("init", str(target))
    assert result.exit_code == 0
    for name in (
        "records/memorandum.yaml",
        "records/meetings/.gitkeep",
        ".gitignore",
        ".github/workflows/records.yml",
        ".pre-commit-config.yaml",
        ".github/dependabot.yml",
        "schema/record.schema.json",
    ):
        assert (target / name).is_file(), name
    before = run("--records", str(target / "records"), "validate")
    assert before.exit_code == 1
    assert "MOU102 `parties`: needs at least 2 entries" in before.output
    memorandum = target / "records" / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8").replace(
        "parties: []", "parties:\n  - {id: cis, name: CIS}\n  - {id: iom, name: IOM}"
    )
    memorandum.write_text(text, encoding="utf-8")
    assert run("--records", str(target / "records"), "validate").exit_code == 0


def test_init_with_parties_validates_at_once_and_never_overwrites(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "new"
    options = [
        "--title",
        "Memorandum between A and B",
        "--signed",
        "2020-05-01",
        "--place",
        "Вена",
        "--party",
        "a=Organisation A",
        "--party",
        "b=Организация Б",
        "--language",
        "en",
        "--language",
        "ru",
    ]
    assert run("init", str(target), *options).exit_code == 0
    assert run("--records", str(target / "records"), "validate").output == (
        "No problems in 1 file.\n"
    )
    memorandum = (target / "records" / "memorandum.yaml").read_bytes()
    again = run("init", str(target))
    assert again.exit_code == 1
    assert "already a records repository" in again.output
    assert (target / "records" / "memorandum.yaml").read_bytes() == memorandum


def test_init_refuses_a_bad_party_and_writes_nothing(tmp_path: Path, run: Run) -> None:
    result = run("init", str(tmp_path / "new"), "--party", "just-a-name")
    assert result.exit_code == 2
    assert "--party 'just-a-name': expected ID=NAME" in result.output
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    "parties,message",
    [
        (["A=Org"], "--party 'A=Org': `A` is not an id"),
        (["a b=Org"], "is not an id"),
        (["a=Org", "a=Other"], "the party `a` is given twice"),
    ],
)
def test_init_checks_the_parties_it_writes(
    tmp_path: Path, run: Run, parties: list[str], message: str
) -> None:
    options = [word for party in parties for word in ("--party", party)]
    result = run("init", str(tmp_path / "new"), *options)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "new").exists()


def test_init_names_the_signed_option(tmp_path: Path, run: Run) -> None:
    result = run("init", str(tmp_path / "new"), "--signed", "2020-02-30")
    assert result.exit_code == 2
    assert "--signed '2020-02-30': expected a date" in result.output
    assert not (tmp_path / "new").exists()


def test_init_workflow_matches_this_repository(tmp_path: Path, run: Run) -> None:
    run("init", str(tmp_path / "new"))
    theirs = (tmp_path / "new" / ".github/workflows/records.yml").read_text().splitlines()
    ours = (REPO / ".github/workflows/records.yml").read_text().splitlines()
    # Only the comment on top and where mou is installed from differ.
    assert [line for line in theirs if "MOU_PACKAGE: " not in line][3:] == [
        line for line in ours if "MOU_PACKAGE: " not in line
    ][3:]
