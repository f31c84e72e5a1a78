"""`mou validate` as one core function: the cached answer when nothing it depends on changed,
else load, check, and cache the answer.

What a validation depends on, and so its key: mou's version, the day taken as today, the
root as given (it is named in a message), every record file's path and blob id, and the
options that change results. The documents the records point to are not record files: the
answer keeps what it found for each (present, missing, outside the root) and is used again
only while each still holds. This module imports no models at its top, so that a cached
answer costs reading and hashing the files, and little else.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mou import cache
from mou.output import FORMATTERS, as_text, counts
from mou.problems import PROBLEM_FIELDS, Problem, Validation, as_row, translated
from mou.read import Snapshot, document_status, snapshot

if TYPE_CHECKING:
    from mou.ahead import Ahead

FORMATS = tuple(FORMATTERS)


def _key(root: Path, today: date, taken: Snapshot, tree: set[str] | None) -> str | None:
    if taken.unreadable or taken.problems:  # why a file cannot be read is not in its bytes
        return None
    files = sorted(taken.blobs.items())
    when = today.isoformat()
    return cache.key_of("validate", PROBLEM_FIELDS, str(root), when, files, tree and sorted(tree))


def _still_holds(root: Path, value: Any, tree: set[str] | None) -> Validation | None:
    """The outcome in a cached value, if its shape is right and its documents are as found."""
    try:
        problems = [Problem(*fields) for fields in value["problems"]]
        files = int(value["files"])
        documents = value["documents"]
        if any(document_status(root, text, tree) != status for text, status in documents):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return Validation(problems, files)


def validate(root: Path, today: date) -> Validation:
    """Every problem of the record under `root`, as of `today`: from the cache when nothing
    it depends on changed, else checked (and then cached). Imports no models on a hit."""
    from mou import ahead  # a large record checked before: its checks got ready meanwhile

    ready = ahead.start(root, today, cache.open_cache())
    try:
        return validate_files(root, today, snapshot(root), ahead=ready)
    finally:
        if ready is not None:
            ready.end()  # stopped when not asked: the cached answer held


def validate_files(
    root: Path,
    today: date,
    taken: Snapshot,
    tree: set[str] | None = None,
    *,
    ahead: Ahead | None = None,
) -> Validation:
    """`validate` over the files `taken` (on disk, or at a git revision whose `tree` lists
    every file, for the documents). `ahead`: a child that can check them (`mou.ahead`)."""
    store = cache.open_cache()
    key = _key(root, today, taken, tree)
    if store is not None and key is not None:
        value = store.result(key)
        found = None if value is None else _still_holds(root, value, tree)
        if found is not None:
            return found
    if store is not None and key is not None and tree is None:
        from mou import findings  # each file's findings cached: only changed files checked

        if ahead is not None:
            ahead.give(taken)  # (only now: an unchanged record spends nothing on the child)
        answer = None if ahead is None else ahead.answer()
        if answer is None:
            answer = findings.validate(root, today, taken, store)
        outcome, listed, unchanged = answer
        if unchanged:  # every blob id as when `key` was made (not hashed again: ~15 ms at 10k)
            _store(store, key, outcome, listed)
        return outcome
    from mou.findings import OVERLAP_FROM
    from mou.read import parse_snapshot

    parsed = parse_snapshot(taken, store, workers_from=OVERLAP_FROM)  # runs while this imports:
    from mou.checks import run_checks
    from mou.load import load

    records = load(root, taken=taken, tree=tree, parsed=parsed)
    outcome = Validation(run_checks(records, today), len(records.files))
    # A file that changed while it was read again is checked as it is now: not under the key.
    if store is not None and key is not None and key == _key(root, today, taken, tree):
        statuses = {
            (document.path, document_status(root, document.path, tree))
            for entry in records.entries
            for document in entry.model.documents
            if document.path is not None
        }
        _store(store, key, outcome, sorted(statuses))
    return outcome


def _store(
    store: cache.Cache, key: str, outcome: Validation, documents: list[tuple[str, str]]
) -> None:
    problems = [as_row(problem) for problem in outcome.problems]
    store.store_result(key, {"problems": problems, "files": outcome.files, "documents": documents})


def default_format() -> str:
    """github inside GitHub Actions, else text."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def report(
    outcome: Validation, root: Path, output_format: str, *, strict: bool, language: str = "en"
) -> tuple[str, int]:
    """The text `mou validate` prints, and its exit code: 1 for errors (or warnings with
    `strict`), else 0. Messages in `language` (the cached problems keep their words)."""
    if output_format == "text":
        text = as_text(outcome.problems, root, outcome.files, language)
    else:
        problems = translated(outcome.problems, language)
        text = FORMATTERS[output_format](problems, root, outcome.files)
    errors, warnings = counts(outcome.problems)
    return text, 1 if errors or (strict and warnings) else 0
