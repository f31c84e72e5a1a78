"""The one path every writing command takes (`add-*`, `set`, `done`, `edit`, `rename`, `rm`):
check the would-be record together with the whole record, then, under the lock, write it
atomically, or write nothing. Several files at once go through a journal that the next run
completes or discards, so that a killed process never leaves a dangling reference.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mou.checks import run_checks
from mou.load import RecordSet, load
from mou.problems import Problem, RefusalError, Severity
from mou.read import JOURNAL_FOLDER
from mou.write import UnsafePathError, lock, record_target, write_new, write_text
from mou.write import _fsync_folder as fsync_folder


@dataclass(frozen=True, slots=True)
class Changes:
    """Files to write (path → text) and to remove, relative to the records root. `new` are
    written only if the name is free; `expected` holds what a file must still contain (the
    bytes that were read before the user edited them), else nothing is written."""

    writes: dict[str, str] = field(default_factory=dict)
    removes: tuple[str, ...] = ()
    new: frozenset[str] = frozenset()
    expected: dict[str, bytes] = field(default_factory=dict)

    @property
    def paths(self) -> list[str]:
        return [*self.writes, *self.removes]


@dataclass(frozen=True, slots=True)
class Outcome:
    changes: Changes
    problems: list[Problem]  # of the files written (as they would be)
    written: bool
    records: RecordSet | None = None  # the whole record as it would be, when checked

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self.problems)


def commit(
    root: Path, prepare: Callable[[], Changes], *, today: date, dry_run: bool = False
) -> Outcome:
    """The path every writing command takes: under the records root's lock, `prepare` the
    changes (reading the files there, so that nobody's change is lost), check them together
    with the whole record as `mou validate` would, and write them, atomically, unless a
    written file would have an error (or `dry_run`). Nothing is written on refusal."""
    with lock(root):
        recover(root)
        changes = prepare()
        if not changes.paths:
            return Outcome(changes, [], written=False)
        for path, data in changes.expected.items():
            if _read_or_none(root / path) != data:
                raise RefusalError(f"{path} changed while you were editing it")
        for path in changes.new:
            if (root / path).exists():
                raise RefusalError(f"{path} exists")
        encoded = {path: text.encode("utf-8") for path, text in changes.writes.items()}
        records = load(root, extra=encoded, without=changes.removes)
        touched = set(changes.writes)
        problems = [p for p in run_checks(records, today) if p.path in touched]
        outcome = Outcome(changes, problems, written=False, records=records)
        if dry_run or outcome.has_errors:
            return outcome
        try:
            apply(root, changes)
        except FileExistsError as error:  # written by something that does not take the lock
            name = error.filename2 or error.filename
            raise RefusalError(f"{name} appeared meanwhile") from None
        except PermissionError as error:  # a read-only folder: the user's to fix (exit 2)
            raise UnsafePathError(
                f"cannot write {error.filename}: {error.strerror}; you need write access to "
                "it and to its folder"
            ) from None
        except OSError as error:
            raise RefusalError(f"cannot write {error.filename}: {error.strerror}") from None
    return Outcome(changes, problems, written=True, records=records)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# --- several files at once: a journal -------------------------------------------------------

JOURNAL = "journal.json"


def apply(root: Path, changes: Changes) -> None:
    """Write and remove files. One file is replaced atomically on its own; several (a rename
    rewriting references) go through a journal, so that a process killed half-way leaves
    either the old record or the new one once `recover` has run (every `mou` run calls it):
    the new texts are first written in full to the journal folder; the journal file, renamed
    into place in one step, is the commit point; then the files are moved into place."""
    if len(changes.paths) == 1:
        for path, text in changes.writes.items():
            (write_new if path in changes.new else write_text)(record_target(root, path), text)
        for path in changes.removes:
            target = record_target(root, path)
            target.unlink()
            fsync_folder(target.parent)
        return
    folder = root / JOURNAL_FOLDER
    if folder.exists():
        _discard(folder)
    folder.mkdir()
    steps = []
    for number, (path, text) in enumerate(changes.writes.items()):
        if path in changes.new and (root / path).exists():
            raise FileExistsError(errno.EEXIST, "exists", path)
        write_text(folder / f"{number}.yaml", text)
        steps.append({"write": path, "from": f"{number}.yaml"})
    steps += [{"remove": path} for path in changes.removes]
    write_text(folder / JOURNAL, json.dumps(steps, ensure_ascii=False))
    _complete(root, folder)


def recover(root: Path) -> bool:
    """Complete a journal left by a killed process, or discard one that never reached its
    commit point. Whether there was anything to do."""
    folder = root / JOURNAL_FOLDER
    if not folder.is_dir():
        return False
    if (folder / JOURNAL).is_file():
        _complete(root, folder)
    else:
        _discard(folder)
    return True


def _complete(root: Path, folder: Path) -> None:
    try:
        steps = [_step(step) for step in json.loads((folder / JOURNAL).read_text("utf-8"))]
    except (ValueError, TypeError) as error:  # a journal mou did not write (it came in a PR?)
        raise UnsafePathError(
            f"{folder / JOURNAL} is not a journal mou wrote ({error}): look at it, then remove "
            f"the folder {folder}"
        ) from None
    for step in steps:
        if "write" in step:
            source = record_target(folder, step["from"])  # never a file from elsewhere
            if source.exists():  # else already moved into place before the process died
                target = record_target(root, step["write"])
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                fsync_folder(target.parent)
        else:
            target = record_target(root, step["remove"])
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
                fsync_folder(target.parent)
    _discard(folder)


def _step(step: object) -> dict[str, str]:
    """One journal step, checked to be what `apply` writes."""
    if not isinstance(step, dict) or not all(isinstance(v, str) for v in step.values()):
        raise ValueError("a step is not a mapping of texts")
    if set(step) not in ({"write", "from"}, {"remove"}):
        raise ValueError(f"unexpected step {sorted(step)}")
    return step


def _discard(folder: Path) -> None:
    (folder / JOURNAL).unlink(missing_ok=True)  # first: what is left is then never completed
    fsync_folder(folder)
    for name in os.listdir(folder):
        (folder / name).unlink()
    folder.rmdir()
    fsync_folder(folder.parent)
