"""Each record's history from git, for the record pages of `mou site`: the commits that
touched its file and what they changed, field by field (the diff engine of `mou diff`).

One `git log` lists the commits of every file under the records root, and one
`git cat-file --batch` reads the versions; nothing is checked out. Outside a git repository
there is no history, and the site says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mou.history import FieldChange, GitError, _contents, _git, field_changes
from mou.load import load
from mou.selection import record_data

CHANGES = {"A": "added", "M": "changed", "D": "removed"}


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that changed a record's file: what changed, field by field."""

    commit: str
    day: date
    subject: str
    change: str  # added, changed, removed
    fields: tuple[FieldChange, ...] = ()


def repository_prefix(root: Path) -> tuple[Path, str] | None:
    """The repository's top folder and the records root's path in it ("" at the top), or
    None when the records are not in a git repository."""
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except GitError:
        return None
    folder = root.resolve().relative_to(top).as_posix()
    return top, "" if folder == "." else folder + "/"


def record_history(
    root: Path, *, contact_details: bool = False
) -> tuple[dict[str, tuple[Revision, ...]], str]:
    """Path (relative to the records root) → its revisions, newest first; and the records
    root's path in the repository, for "edit this file" ("" when not in git)."""
    found = repository_prefix(root)
    if found is None:
        return {}, ""
    top, prefix = found
    try:
        log = _git(
            top,
            "log",
            "--no-renames",
            "--format=%x00%H%x09%as%x09%s",
            "--name-status",
            "--",
            prefix or ".",
        )
    except GitError:  # a repository without commits yet
        return {}, prefix
    commits: dict[str, list[tuple[str, date, str, str]]] = defaultdict(list)
    for chunk in log.decode("utf-8", "replace").split("\0"):
        lines = [line for line in chunk.splitlines() if line]
        if not lines:
            continue
        commit, day, subject = [*lines[0].split("\t", 2), "", ""][:3]
        for line in lines[1:]:
            status, _, name = line.partition("\t")
            if name.startswith(prefix) and name.endswith((".yaml", ".yml")):
                commits[name[len(prefix) :]].append(
                    (commit, date.fromisoformat(day), subject, status[:1])
                )
    return _with_changes(root, top, prefix, commits, contact_details), prefix


def _with_changes(
    root: Path,
    top: Path,
    prefix: str,
    commits: dict[str, list[tuple[str, date, str, str]]],
    contact_details: bool,
) -> dict[str, tuple[Revision, ...]]:
    wanted = [
        (path, commit)
        for path, revisions in sorted(commits.items())
        for commit, _, _, status in revisions
        if status != "D"
    ]
    blobs = _contents(top, [f"{commit}:{prefix}{path}" for path, commit in wanted])
    versions: dict[tuple[str, str], dict[str, object] | None] = {}
    for (path, commit), blob in zip(wanted, blobs, strict=True):
        entries = load(root, files={path: blob}).entries
        versions[(path, commit)] = (
            record_data(entries[0], contact_details=contact_details) if entries else None
        )
    history: dict[str, tuple[Revision, ...]] = {}
    for path, revisions in sorted(commits.items()):
        made = []
        for index, (commit, day, subject, status) in enumerate(revisions):
            older = revisions[index + 1][0] if index + 1 < len(revisions) else ""
            before, after = versions.get((path, older)), versions.get((path, commit))
            fields: tuple[FieldChange, ...] = ()
            if status == "M" and before is not None and after is not None:
                fields = tuple(field_changes(before, after))
            made.append(Revision(commit, day, subject, CHANGES.get(status, "changed"), fields))
        history[path] = tuple(made)
    return history
