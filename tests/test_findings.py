"""`mou validate` file by file (mou.findings): after an edit only the changed files are
loaded and checked, and the answer is always the one a whole run without the cache gives,
whatever the edit changes for the other files (a kind, a reference's target, what an
arrangement covers, the memorandum, a document, the day)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import BASE, CASES, build_tree
from mou import cache, findings, load, validation
from mou.problems import Validation
from mou.read import snapshot

DAY = date(2025, 12, 31)
SEMINAR = (CASES / "mou304-no-arrangement" / "2024-01-01-seminar.yaml").read_text()
ARRANGEMENT = "kind: arrangement\ntitle: A\ndate: 2024-02-01\nstatus: draft\ncovers: [{}]\n"
MEETING = (CASES / "mou203-references" / "2024-01-01-meeting.yaml").read_text()
EXCHANGE = (
    "kind: exchange\ndate: 2024-03-01\nfrom: cis\nto: iom\nsubject: {}\npublic_domain: {}\n"
    "documents:\n  - {{title: Scan, path: documents/scan.pdf, public: true}}\n"
)


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    shutil.copytree(BASE, root)
    for case in ("mou203-references", "mou304-no-arrangement", "mou311-outside-life"):
        shutil.copytree(CASES / case, root / case, ignore=shutil.ignore_patterns("*.txt", "m*"))
    build_tree(root, {"exchanges/2024-03-01-scan.yaml": EXCHANGE.format("Scan", "true")})
    return root


def _uncached(root: Path, day: date = DAY) -> Validation:
    cache.set_enabled(False)
    try:
        return validation.validate(root, day)
    finally:
        cache.set_enabled(True)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose models are built from now on."""
    built: list[str] = []
    original = load.build_entry

    def counted(records: load.RecordSet, path: str, *rest: object) -> object:
        built.append(path)
        return original(records, path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "build_entry", counted)
    return built


def test_one_changed_file_is_the_only_one_loaded_with_the_memorandum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    first = validation.validate(root, DAY)
    assert first == _uncached(root)
    built = _counting(monkeypatch)
    build_tree(root, {"exchanges/2024-03-01-scan.yaml": EXCHANGE.format("Edited", "false")})
    edited = validation.validate(root, DAY)
    assert sorted(built) == ["exchanges/2024-03-01-scan.yaml", "memorandum.yaml"]
    assert any(problem.code == "MOU301" for problem in edited.problems)
    assert edited == _uncached(root)
    built.clear()
    assert validation.validate(root, DAY) == edited and not built  # the whole answer: cached


def test_a_broken_file_no_record_names_is_the_only_one_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    built = _counting(monkeypatch)
    build_tree(root, {"mou311-outside-life/2024-06-30-exchange.yaml": b"kind: [\n"})
    outcome = validation.validate(root, DAY)
    assert sorted(built) == [
        "memorandum.yaml",
        # It names a record that does not exist: its hint looks at every record's id.
        "mou203-references/2024-01-01-meeting.yaml",
        "mou311-outside-life/2024-06-30-exchange.yaml",
    ]
    assert outcome == _uncached(root)


# Edits that change what the checks of other, unchanged files see.
EDITS: dict[str, dict[str, str | bytes]] = {
    "a referenced record's kind": {
        "mou203-references/2024-03-01-exchange.yaml": SEMINAR.replace("Joint", "Other"),
    },
    "a referenced record broken": {"mou203-references/2024-03-01-exchange.yaml": b"kind: [\n"},
    "a new record a reference names": {
        "more/2024-01-02-meeting.yaml": MEETING.replace("cis", "iom"),
        "more/2024-01-03-exchange.yaml": EXCHANGE.format("New", "true"),
    },
    "what an arrangement covers": {
        "mou203-references/2024-02-01-arrangement.yaml": ARRANGEMENT.format("2024-01-01-seminar"),
    },
    "the memorandum": {
        "memorandum.yaml": (BASE / "memorandum.yaml")
        .read_text()
        .replace("date: 2008-09-19", "date: 2024-02-15")
        .replace("topics: [irregular-migration,", "topics: [")
    },
    "the memorandum broken": {"memorandum.yaml": b"kind: memorandum\ntitle: [\n"},
    "a document that appears": {"documents/scan.pdf": b"%PDF"},
    "a second file with a taken id": {"again/2024-01-01-seminar.yaml": SEMINAR},
}


@pytest.mark.parametrize("edit", EDITS, ids=str)
def test_an_edit_that_changes_other_files_findings_gives_the_whole_answer(
    tmp_path: Path, edit: str
) -> None:
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    build_tree(root, EDITS[edit])
    expected = _uncached(root)
    assert validation.validate(root, DAY) == expected
    assert validation.validate(root, date(2024, 6, 1)) == _uncached(root, date(2024, 6, 1))
    (root / "mou304-no-arrangement" / "2024-01-01-programme.yaml").unlink()
    assert validation.validate(root, DAY) == _uncached(root)


def test_damaged_or_foreign_findings_are_never_trusted(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    expected = validation.validate(root, DAY)
    store = cache.open_cache()
    assert store is not None
    name = cache.key_of("findings", str(root))
    taken = snapshot(root)
    blobs = taken.blobs
    good = store.result(name)
    assert set(good) == set(blobs)
    path = next(iter(sorted(blobs)))
    bad_values = [
        None,
        [1, 2],
        {path: "text"},
        {p: (*good[p][:5], ((99, ()),), (), "") for p in blobs},
        {p: (*good[p][:5], ((0, ("MOU999",)),), (), "") for p in blobs},
        {p: (b, 5, None, (7,), (("x",),), (), (), "") for p, b in blobs.items()},
        {p: (*good[p][:6], ((1, 2),), "") for p in blobs},
        {p: (*good[p][:7], None) for p in blobs},
        {p: good[p][:7] for p in blobs},
    ]
    for value in bad_values:
        store.store_result(name, value)
        for result in store.folder.rglob("*.result"):
            if result.name != f"{name}.result":
                result.unlink()  # no whole answer: the findings are read
        outcome, _, _ = findings.validate(root, DAY, snapshot(root), store)
        assert outcome == expected
