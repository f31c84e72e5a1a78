"""`mou validate` at a portfolio's root: every memorandum checked in one run.

Every record file of every memorandum is read and hashed first, then parsed in one pass (one
pool of worker processes for a large portfolio, never one pool per memorandum), then each
memorandum is loaded and checked on its own, exactly as a single records root is, and
dropped before the next (so memory follows the largest memorandum, not the portfolio).
Paths are relative to the portfolio root (`cis-iom/meetings/x.yaml`), so one summary and
every output format read as for one memorandum. The whole answer is cached like a single
memorandum's (by every file's path and blob id), except the portfolio's folders (MOU401,
MOU403), which are looked at again on every run: they are not in any file's bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from mou import cache
from mou.portfolio import Portfolio, same_titles, structure_problems
from mou.problems import PROBLEM_FIELDS, Problem, Validation, as_row
from mou.read import (
    PARALLEL_FROM,
    ParsedFile,
    Snapshot,
    document_status,
    find_files,
    own_files,
    snapshot,
)
from mou.validation import validate


def _read(portfolio: Portfolio) -> list[Snapshot]:
    """Each member's own files read and hashed (not those of a memorandum nested in it: its
    MOU403, as when the member is read alone). The bytes are kept only when the whole
    portfolio is small, as for one memorandum (`read.snapshot`)."""
    found = []
    for member in portfolio.members:
        problems: list[Problem] = []
        found.append((own_files(find_files(member.root, problems), problems), problems))
    keep = sum(len(paths) for paths, _ in found) < PARALLEL_FROM
    members = []
    for member, (paths, problems) in zip(portfolio.members, found, strict=True):
        taken = snapshot(member.root, paths, keep=keep)
        taken.problems.extend(problems)
        members.append(taken)
    return members


def _whole(portfolio: Portfolio, members: list[Snapshot]) -> Snapshot:
    """All the members' files as one snapshot of the portfolio root (paths prefixed with the
    member's id), to parse in one pass."""
    whole = Snapshot(portfolio.root, [], on_disk=any(taken.on_disk for taken in members))
    for member, taken in zip(portfolio.members, members, strict=True):
        prefix = member.id + "/"
        whole.paths.extend(prefix + path for path in taken.paths)
        whole.data.update((prefix + path, data) for path, data in taken.data.items())
        whole.blobs.update((prefix + path, blob) for path, blob in taken.blobs.items())
        whole.unreadable.update((prefix + p, problem) for p, problem in taken.unreadable.items())
    return whole


def _key(portfolio: Portfolio, today: date, members: list[Snapshot]) -> str | None:
    if any(taken.unreadable or taken.problems for taken in members):
        return None  # why a file cannot be read is not in its bytes
    files = [
        (member.id, sorted(taken.blobs.items()))
        for member, taken in zip(portfolio.members, members, strict=True)
    ]
    root = str(portfolio.root)
    return cache.key_of("validate-portfolio", PROBLEM_FIELDS, root, today.isoformat(), files)


def _still_holds(portfolio: Portfolio, value: Any) -> Validation | None:
    """The outcome in a cached value, if its shape is right and its documents are as found."""
    try:
        problems = [Problem(*fields) for fields in value["problems"]]
        files = int(value["files"])
        roots = {member.id: member.root for member in portfolio.members}
        for member, text, status in value["documents"]:
            if document_status(roots[member], text) != status:
                return None
    except (KeyError, TypeError, ValueError):
        return None
    return Validation(problems, files)


def validate_portfolio(portfolio: Portfolio, today: date) -> Validation:
    """Every problem of every memorandum of the portfolio, and of the portfolio itself, as of
    `today`; paths relative to the portfolio root. From the cache when nothing changed."""
    members = _read(portfolio)
    store = cache.open_cache()
    key = _key(portfolio, today, members)
    found = None
    if store is not None and key is not None:
        value = store.result(key)
        found = None if value is None else _still_holds(portfolio, value)
    if found is None:
        found, documents = _check(portfolio, today, members, store)
        if store is not None and key is not None and key == _key(portfolio, today, members):
            rows = [as_row(problem) for problem in found.problems]
            value = {"problems": rows, "files": found.files, "documents": documents}
            store.store_result(key, value)
    folders = structure_problems(portfolio)
    return Validation(sorted([*found.problems, *folders], key=Problem.sort_key), found.files)


def validate_any(found: Portfolio | Path, today: date) -> tuple[Path, Validation]:
    """`mou validate` of a records root or of a portfolio: the root its paths are relative
    to, and the outcome."""
    if isinstance(found, Path):
        return found, validate(found, today)
    return found.root, validate_portfolio(found, today)


def _check(
    portfolio: Portfolio,
    today: date,
    members: list[Snapshot],
    store: cache.Cache | None,
) -> tuple[Validation, list[tuple[str, str, str]]]:
    """Load and check each member in turn from one parse of them all; the problems (paths
    from the portfolio root) and where each document path pointed."""
    from mou.checks import run_checks
    from mou.load import load
    from mou.read import parse_snapshot

    whole = _whole(portfolio, members)
    parsed = parse_snapshot(whole, store)
    problems: list[Problem] = list(same_titles(portfolio))
    documents: set[tuple[str, str, str]] = set()
    files = 0
    for member, taken in zip(portfolio.members, members, strict=True):
        prefix = member.id + "/"
        own = _unprefixed(islice(parsed, len(taken.paths)), prefix)
        records = load(member.root, taken=taken, parsed=own)
        files += len(records.files)
        for problem in run_checks(records, today):
            problems.append(dataclasses.replace(problem, path=prefix + problem.path))
        documents.update(
            (member.id, document.path, document_status(member.root, document.path))
            for entry in records.entries
            for document in entry.model.documents
            if document.path is not None
        )
    next(parsed, None)  # the end of the parse: its new entries are cached then
    return Validation(sorted(problems, key=Problem.sort_key), files), sorted(documents)


def _unprefixed(parsed: Iterator[ParsedFile], prefix: str) -> Iterator[ParsedFile]:
    """Parsed files of one member, their problems' paths relative to the member's root."""
    for value, problems in parsed:
        yield value, [dataclasses.replace(p, path=p.path.removeprefix(prefix)) for p in problems]
