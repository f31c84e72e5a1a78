"""The record's history in git: the record as it was at a revision (read with `git`, nothing
checked out), and what changed from one version to another (`mou diff`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple

from mou.load import Entry, RecordSet, load
from mou.problems import Problem
from mou.read import SUFFIXES, Snapshot, snapshot
from mou.read import record_id as id_of
from mou.selection import record_data


class GitError(ValueError):
    """git could not answer (not a repository, unknown revision); the message says why."""


def _git(folder: Path, *arguments: str, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *arguments], input=data, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {arguments[0]} failed")
    return result.stdout


def load_revision(root: Path, revision: str | None) -> RecordSet:
    """The record under `root` at `revision`; None is the working tree (what is on disk)."""
    if revision is None:
        return load(root)
    taken, tree = revision_snapshot(root, revision)
    return load(taken.root, taken=taken, tree=tree)


def revision_snapshot(root: Path, revision: str) -> tuple[Snapshot, set[str]]:
    """The record files under `root` at `revision` with their blob ids, as git lists them (no
    file is read until its bytes are needed), and every file of that revision's tree."""
    root = root.resolve()
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    folder = root.relative_to(top).as_posix()
    prefix = "" if folder == "." else folder + "/"
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        raise GitError(f"{revision!r} is not a known revision (a branch, tag or commit)") from None
    listing = _git(top, "ls-tree", "-r", "-z", revision, "--", prefix or ".")
    blobs: dict[str, str] = {}
    tree: set[str] = set()
    for line in listing.decode("utf-8").split("\0"):
        if not line:
            continue
        header, _, name = line.partition("\t")
        path = name[len(prefix) :]
        tree.add(path)
        _, kind, blob = header.split()
        if (
            kind == "blob"
            and path.endswith(SUFFIXES)
            and not any(part.startswith(".") for part in path.split("/"))
        ):
            blobs[path] = blob

    def fetch(paths: list[str]) -> dict[str, bytes]:
        return dict(zip(paths, _contents(top, [blobs[path] for path in paths]), strict=True))

    return Snapshot(root, sorted(blobs), blobs=blobs, fetch=fetch), tree


def _contents(top: Path, objects: list[str]) -> list[bytes]:
    """Many objects' bytes, in order, from one `git cat-file --batch` process."""
    if not objects:
        return []
    output = _git(top, "cat-file", "--batch", data="".join(f"{o}\n" for o in objects).encode())
    contents: list[bytes] = []
    offset = 0
    for _ in objects:
        header_end = output.index(b"\n", offset)
        size = int(output[offset:header_end].split()[2])
        start = header_end + 1
        contents.append(output[start : start + size])
        offset = start + size + 1  # the data is followed by a newline
    return contents


def diff_revisions(
    root: Path, base: str, head: str | None, today: date, *, contact_details: bool = False
) -> Difference:
    """What changed from revision `base` to `head` (None: the working tree).

    Only the files whose blob differs (and the files sharing an id with one of them) are
    read and built into models; the findings of each side come from the cache when that
    version was checked before, else from checking it (its files parsed from the cache,
    the others in worker processes)."""
    from mou.validation import validate_files

    before, before_tree = revision_snapshot(root, base)
    if head is None:
        after, after_tree = snapshot(root), None
    else:
        after, after_tree = revision_snapshot(root, head)
    findings = [
        validate_files(taken.root, today, taken, tree).problems
        for taken, tree in ((before, before_tree), (after, after_tree))
    ]
    changed = {
        path
        for path in {*before.paths, *after.paths}
        if before.blobs.get(path) != after.blobs.get(path)
        or path in before.unreadable
        or path in after.unreadable
    }
    ids = {id_of(path) for path in changed}
    old, new = (
        load(taken.root, taken=taken.only(p for p in taken.paths if id_of(p) in ids), tree=tree)
        for taken, tree in ((before, before_tree), (after, after_tree))
    )
    return difference(old.entries, new.entries, *findings, contact_details=contact_details)


# --- what changed between two versions (mou diff) -------------------------------------------

ChangeKind = Literal["added", "removed", "changed"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "changed", "removed")


class FieldChange(NamedTuple):
    """One value that differs: `expenses[0].amount`, before and after (None: absent)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Change:
    """One record's difference between two versions of the record."""

    id: str
    kind: str
    path: str
    change: ChangeKind
    fields: tuple[FieldChange, ...] = ()  # for changed records


@dataclass(frozen=True, slots=True)
class Difference:
    changes: tuple[Change, ...]
    new_findings: tuple[Problem, ...]
    resolved_findings: tuple[Problem, ...]


def field_changes(before: Any, after: Any, where: str = "") -> Iterator[FieldChange]:
    """Every value that differs, as deep as the two shapes match:
    `expenses[0].amount: "100.00" → "250.00"` rather than two whole lists."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in dict.fromkeys([*before, *after]):
            yield from field_changes(
                before.get(key), after.get(key), f"{where}.{key}" if where else key
            )
    elif (
        isinstance(before, list)
        and isinstance(after, list)
        and len(before) == len(after)
        and any(isinstance(item, dict) for item in before)
    ):
        for index, (was, now) in enumerate(zip(before, after, strict=True)):
            yield from field_changes(was, now, f"{where}[{index}]")
    else:
        yield FieldChange(where, before, after)


def _finding_key(problem: Problem) -> tuple[str, str, str]:
    return (problem.code, problem.record or problem.path, problem.message)


def difference(
    before: Sequence[Entry],
    after: Sequence[Entry],
    before_problems: Sequence[Problem],
    after_problems: Sequence[Problem],
    *,
    contact_details: bool = False,
) -> Difference:
    """What changed from one version of the record to another: records added, removed and
    changed (field by field), and the findings that appeared or went away."""
    old = {e.id: e for e in before}
    new = {e.id: e for e in after}
    changes = []
    for record_id in sorted(old.keys() | new.keys()):
        if record_id not in old:
            entry = new[record_id]
            changes.append(Change(record_id, entry.kind, entry.path, "added"))
        elif record_id not in new:
            entry = old[record_id]
            changes.append(Change(record_id, entry.kind, entry.path, "removed"))
        else:
            was = record_data(old[record_id], contact_details=contact_details)
            now = record_data(new[record_id], contact_details=contact_details)
            fields = tuple(field_changes(was, now))
            if fields:
                entry = new[record_id]
                changes.append(Change(record_id, entry.kind, entry.path, "changed", fields))
    old_keys = {_finding_key(p) for p in before_problems}
    new_keys = {_finding_key(p) for p in after_problems}
    return Difference(
        changes=tuple(changes),
        new_findings=tuple(p for p in after_problems if _finding_key(p) not in old_keys),
        resolved_findings=tuple(p for p in before_problems if _finding_key(p) not in new_keys),
    )
