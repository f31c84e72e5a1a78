"""The record's history in git: the record as it was at a revision (read with `git`, nothing
checked out), what changed from one version to another (`mou diff`), and one record's
history, commit by commit, following renames (`mou log`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple

from mou.load import Entry, RecordSet, load
from mou.models import CONTACT_DETAILS
from mou.parse import parse
from mou.problems import MAX_BYTES, Problem
from mou.read import SUFFIXES, Snapshot, find_files, snapshot
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
    # -l: each blob's size, so that a file past the limit is never read (MOU004)
    listing = _git(top, "ls-tree", "-r", "-l", "-z", revision, "--", prefix or ".")
    blobs: dict[str, str] = {}
    too_large: dict[str, Problem] = {}
    tree: set[str] = set()
    for line in listing.decode("utf-8").split("\0"):
        if not line:
            continue
        header, _, name = line.partition("\t")
        path = name[len(prefix) :]
        tree.add(path)
        _, kind, blob, size = header.split()
        if (
            kind == "blob"
            and path.endswith(SUFFIXES)
            and not any(part.startswith(".") for part in path.split("/"))
        ):
            if int(size) > MAX_BYTES:
                message = f"file is {int(size):,} bytes; the limit is {MAX_BYTES:,}"
                too_large[path] = Problem("MOU004", message, path)
            else:
                blobs[path] = blob

    def fetch(paths: list[str]) -> dict[str, bytes]:
        return dict(zip(paths, _contents(top, [blobs[path] for path in paths]), strict=True))

    paths = sorted([*blobs, *too_large])
    return Snapshot(root, paths, blobs=blobs, unreadable=too_large, fetch=fetch), tree


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
    valid = {entry.id for entry in new.entries}
    invalid = {id_of(path): path for path in new.files if id_of(path) not in valid}
    return difference(
        old.entries, new.entries, *findings, contact_details=contact_details, invalid=invalid
    )


# --- what changed between two versions (mou diff) -------------------------------------------

# renamed: only in a log; invalid: the file is still there but can no longer be read as a record
ChangeKind = Literal["added", "removed", "changed", "renamed", "invalid"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("added", "changed", "invalid", "removed")


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
    findings: tuple[Problem, ...] = ()  # for invalid records: why the file cannot be read


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


HIDDEN = "(hidden: --include-contact-details shows it)"


def _private(change: FieldChange, shown: bool) -> FieldChange:
    """A change of a contact's e-mail or phone, its values hidden unless `shown`."""
    if shown or change.field.rsplit(".", 1)[-1] not in CONTACT_DETAILS:
        return change
    return FieldChange(
        change.field,
        None if change.before is None else HIDDEN,
        None if change.after is None else HIDDEN,
    )


def _finding_key(problem: Problem) -> tuple[str, str, str]:
    return (problem.code, problem.record or problem.path, problem.message)


def difference(
    before: Sequence[Entry],
    after: Sequence[Entry],
    before_problems: Sequence[Problem],
    after_problems: Sequence[Problem],
    *,
    contact_details: bool = False,
    invalid: Mapping[str, str] | None = None,
) -> Difference:
    """What changed from one version of the record to another: records added, removed and
    changed (field by field), and the findings that appeared or went away. A record whose
    file is still there (`invalid`: id → path) but no longer valid is "invalid", with the
    findings of its file, not "removed"."""
    old = {e.id: e for e in before}
    new = {e.id: e for e in after}
    changes = []
    for identifier in sorted(old.keys() | new.keys()):
        if identifier not in old:
            entry = new[identifier]
            changes.append(Change(identifier, entry.kind, entry.path, "added"))
        elif identifier in (invalid or {}):
            path = (invalid or {})[identifier]
            why = tuple(p for p in after_problems if p.path == path)
            changes.append(Change(identifier, old[identifier].kind, path, "invalid", (), why))
        elif identifier not in new:
            entry = old[identifier]
            changes.append(Change(identifier, entry.kind, entry.path, "removed"))
        else:
            # Compared in full, so that a changed e-mail shows; its values only when asked.
            was = record_data(old[identifier], contact_details=True)
            now = record_data(new[identifier], contact_details=True)
            fields = tuple(_private(f, contact_details) for f in field_changes(was, now))
            if fields:
                entry = new[identifier]
                changes.append(Change(identifier, entry.kind, entry.path, "changed", fields))
    old_keys = {_finding_key(p) for p in before_problems}
    new_keys = {_finding_key(p) for p in after_problems}
    return Difference(
        changes=tuple(changes),
        new_findings=tuple(p for p in after_problems if _finding_key(p) not in old_keys),
        resolved_findings=tuple(p for p in before_problems if _finding_key(p) not in new_keys),
    )


# --- one record's history (mou log) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Revision:
    """One version of a record: a commit (None: the working tree) and what it changed."""

    commit: str | None
    date: str | None  # the author date, ISO 8601
    author: str | None
    subject: str | None
    change: Change
    renamed_from: str | None = None  # the record's path before this commit, when it moved


def record_log(root: Path, wanted: str, *, contact_details: bool = False) -> list[Revision]:
    """The history of the record `wanted` under `root`, newest first. GitError outside git,
    or when neither the working tree nor the history has such a record."""
    root = root.resolve()
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except GitError:
        raise GitError(
            f"{root} is not in a git repository: a record's history is read from git "
            "(git init, then commit the records)"
        ) from None
    prefix = root.relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    born = _has_commits(top)
    on_disk = [path for path in find_files(root) if id_of(path) == wanted]
    path = on_disk[0] if on_disk else (_last_path(top, prefix, wanted) if born else None)
    if path is None:
        raise GitError(f"no record {wanted!r} in the working tree or in the history")
    commits = _commits(top, prefix + path) if born else []
    blobs = _blobs(
        top,
        [f"{c[0]}:{c[5]}" for c in commits if c[5]] + [f"{c[0]}^:{c[6]}" for c in commits if c[6]],
    )
    log = []
    head_path = commits[0][5] if commits else None
    if head_path is not None or on_disk:
        committed = _blobs(top, [f"HEAD:{head_path}"]).get(f"HEAD:{head_path}")
        current = (root / path).read_bytes() if on_disk else None
        if current != committed:
            change = _change(root, path, committed, current, contact_details=contact_details)
            log.append(Revision(None, None, None, None, change))
    for commit, when, author, subject, _, new, old in commits:
        after = blobs.get(f"{commit}:{new}") if new else None
        before = blobs.get(f"{commit}^:{old}") if old else None
        shown = (new or old or "")[len(prefix) :]
        change = _change(root, shown, before, after, contact_details=contact_details)
        moved = old[len(prefix) :] if old and new and old != new else None
        if moved and change.change == "changed" and not change.fields:
            change = Change(change.id, change.kind, change.path, "renamed")
        log.append(Revision(commit, when, author, subject, change, moved))
    return log


def _has_commits(top: Path) -> bool:
    """Whether the repository has a commit yet (a new one has none: only the working tree)."""
    try:
        _git(top, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return False
    return True


def _last_path(top: Path, prefix: str, wanted: str) -> str | None:
    """Where a record no longer in the working tree last was, from the history."""
    patterns = [f":(glob){prefix}**/{wanted}{suffix}" for suffix in SUFFIXES]
    output = _git(top, "log", "-1", "--format=", "--name-only", "--", *patterns).decode()
    names = [name for name in output.splitlines() if name]
    return names[0][len(prefix) :] if names else None


Commit = tuple[str, str, str, str, str, str | None, str | None]  # ..., status, new, old path


def _commits(top: Path, path: str) -> list[Commit]:
    """Commits that touched `path` (following renames), newest first, with the file's path
    after (None when removed) and before (None when added) each commit."""
    output = _git(
        top,
        "log",
        "--follow",
        "-M",
        "--format=%x1e%H%x1f%aI%x1f%an%x1f%s",
        "--name-status",
        "--",
        path,
    ).decode("utf-8", "replace")
    found: list[Commit] = []
    for chunk in output.split("\x1e")[1:]:
        header, _, rest = chunk.partition("\n")
        commit, when, author, subject = header.split("\x1f", 3)
        lines = [line.split("\t") for line in rest.splitlines() if "\t" in line]
        if not lines:
            continue
        status, *names = lines[0]
        new = None if status.startswith("D") else names[-1]
        old = None if status.startswith("A") else names[0]
        found.append((commit, when, author, subject, status, new, old))
    return found


def _blobs(top: Path, names: list[str]) -> dict[str, bytes]:
    """`REVISION:PATH` → the file's bytes, for those that exist, from one git process."""
    if not names:
        return {}
    output = _git(top, "cat-file", "--batch", data="".join(f"{n}\n" for n in names).encode())
    found: dict[str, bytes] = {}
    offset = 0
    for name in names:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split()
        offset = header_end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[name] = output[offset : offset + size]
            offset += size + 1  # the data is followed by a newline
    return found


def _change(
    root: Path,
    path: str,
    before: bytes | None,
    after: bytes | None,
    *,
    contact_details: bool,
) -> Change:
    """What one revision changed in the record, field by field (as `mou diff` says it);
    a version that is not a valid record is compared as the YAML it holds."""
    if before is None or after is None:
        data = after if after is not None else before
        kind = _kind(data or b"")
        return Change(id_of(path), kind, path, "added" if before is None else "removed")
    old = load(root, files={path: before}).entries
    new = load(root, files={path: after}).entries
    if old and new:
        found = difference(old, new, (), (), contact_details=contact_details).changes
        if found:
            return found[0]
        return Change(id_of(path), new[0].kind, path, "changed")
    fields = tuple(field_changes(parse(before, path).value, parse(after, path).value))
    return Change(id_of(path), _kind(after), path, "changed", fields)


def _kind(data: bytes) -> str:
    value = parse(data, "record.yaml", positions=False).value
    kind = value.get("kind") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else "?"
