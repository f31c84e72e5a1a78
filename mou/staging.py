"""Many files at once, all or nothing: `mou import`'s writer (beside write.py, which
writes one file at a time), and an export's several outputs (`replace_all`).

The files are written and fsynced in a dot-named folder (never read as records), which one
rename then gives its name: a reader sees all of them or none. Killed half-way, what is left
is that hidden folder, which the next call removes. The caller holds the records root's lock.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

STAGING_PREFIX = ".mou-import-"


def write_folder(target: Path, files: dict[str, str]) -> None:
    """Create the folder `target` holding `files` (name → text), all at once;
    FileExistsError if `target` exists."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    for leftover in parent.glob(STAGING_PREFIX + "*"):  # a killed import's, under the lock
        shutil.rmtree(leftover, ignore_errors=True)
    if target.exists():
        raise FileExistsError(target)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes 0700; records are shared
        for name, text in files.items():
            with (staging / name).open("x", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        _fsync_folder(staging)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_folder(parent)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        with contextlib.suppress(OSError):
            os.close(descriptor)


def replace_all(
    files: Sequence[tuple[Path, bytes]],
    refused: Callable[[int, OSError], Exception],
    done: Callable[[int], None],
) -> None:
    """Replace each file (path, data) of `files`, each written to a temporary file beside it
    first: one that cannot be written (no permission, a full disk) is refused (`refused`:
    its index and the error) before any file is replaced. `done(index)` once each is."""
    from mou.write import temporary_copy

    staged: list[str] = []
    try:
        for index, (target, data) in enumerate(files):
            try:
                staged.append(temporary_copy(target, data))
            except OSError as error:
                raise refused(index, error) from None
        for index, (target, _) in enumerate(files):
            try:
                os.replace(staged[index], target)
            except OSError as error:
                raise refused(index, error) from None
            _fsync_folder(target.parent)
            done(index)
    finally:
        for temporary in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
