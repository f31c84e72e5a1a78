"""Each record's history from git, for the record pages of `mou site`: the commits that
touched its file and what each changed, field by field — the `Revision`s of `mou log`,
made by its own `_change` from the two versions of the file.

`mou log` (history.record_log) asks git about one record (`git log --follow`); a site needs
every record's history, so here one `git log -M` lists the commits of every file under the
records root (renames followed back from today's paths), and one `git cat-file --batch`
reads all the versions. Nothing is checked out. Outside a git repository there is no
history, and the site says so.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from mou.history import GitError, Revision, _blobs, _change, _git
from mou.read import SUFFIXES

# A commit that touched a record file: (commit, date, author, subject, path after, path before)
Touch = tuple[str, str, str, str, str | None, str | None]


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
    """Path (relative to the records root, as it is today) → its revisions, newest first;
    and the records root's path in the repository, for "edit this file" ("" outside git)."""
    found = repository_prefix(root)
    if found is None:
        return {}, ""
    top, prefix = found
    try:
        log = _git(
            top,
            "log",
            "-M",
            "--format=%x1e%H%x1f%aI%x1f%an%x1f%s",
            "--name-status",
            "--",
            prefix or ".",
        )
    except GitError:  # a repository without a commit yet
        return {}, prefix
    touched = _touches(log.decode("utf-8", "replace"), prefix)
    wanted = [f"{t[0]}:{t[4]}" for ts in touched.values() for t in ts if t[4]]
    wanted += [f"{t[0]}^:{t[5]}" for ts in touched.values() for t in ts if t[5]]
    blobs = _blobs(top, wanted)
    history = {}
    for path, touches in sorted(touched.items()):
        revisions = []
        for commit, when, author, subject, new, old in touches:
            after = blobs.get(f"{commit}:{new}") if new else None
            before = blobs.get(f"{commit}^:{old}") if old else None
            shown = (new or old or "")[len(prefix) :]
            change = _change(root, shown, before, after, contact_details=contact_details)
            moved = old[len(prefix) :] if old and new and old != new else None
            revisions.append(Revision(commit, when, author, subject, change, moved))
        history[path] = tuple(revisions)
    return history, prefix


def _touches(log: str, prefix: str) -> dict[str, list[Touch]]:
    """The commits of `git log -M --name-status`, by the path each file has today: a rename
    seen (newest first) sends the older path's commits to the newer one's."""
    today: dict[str, str] = {}  # a path at some point in the past → the path it has now
    found: dict[str, list[Touch]] = defaultdict(list)
    for chunk in log.split("\x1e")[1:]:
        header, _, rest = chunk.partition("\n")
        commit, when, author, subject = header.split("\x1f", 3)
        for line in rest.splitlines():
            status, *names = line.split("\t")
            if not names or not names[-1].startswith(prefix) or not names[-1].endswith(SUFFIXES):
                continue
            new = None if status.startswith("D") else names[-1]
            old = None if status.startswith("A") else names[0]
            current = today.get(names[-1], names[-1])
            if status.startswith("R"):
                today[names[0]] = current
            found[current[len(prefix) :]].append((commit, when, author, subject, new, old))
    return found
