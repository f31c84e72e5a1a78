"""The record as it was at a git revision, for `mou diff`. Read with `git`, nothing checked out."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mou.load import RecordSet, load
from mou.read import SUFFIXES


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
    root = root.resolve()
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    folder = root.relative_to(top).as_posix()
    prefix = "" if folder == "." else folder + "/"
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        raise GitError(f"{revision!r} is not a known revision (a branch, tag or commit)") from None
    listing = _git(top, "ls-tree", "-r", "-z", "--name-only", revision, "--", prefix or ".")
    names = [name for name in listing.decode("utf-8").split("\0") if name]
    tree = {name[len(prefix) :] for name in names}
    wanted = [
        name
        for name in names
        if name.endswith(SUFFIXES)
        and not any(part.startswith(".") for part in name[len(prefix) :].split("/"))
    ]
    return load(root, files=_contents(top, revision, wanted, prefix), tree=tree)


def _contents(top: Path, revision: str, names: list[str], prefix: str) -> dict[str, bytes]:
    """Many files' bytes from one `git cat-file --batch` process."""
    if not names:
        return {}
    request = "".join(f"{revision}:{name}\n" for name in names).encode("utf-8")
    output = _git(top, "cat-file", "--batch", data=request)
    files: dict[str, bytes] = {}
    offset = 0
    for name in names:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split()
        size = int(header[2])
        start = header_end + 1
        files[name[len(prefix) :]] = output[start : start + size]
        offset = start + size + 1  # the data is followed by a newline
    return files
