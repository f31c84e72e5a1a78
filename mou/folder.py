"""The writer of generated folders (`mou site`): many files, each written whole, into a
folder mou owns. A folder holding anything mou did not write there is refused; files a
previous run wrote and this one did not are removed, and nothing else ever is.

(`write.py` writes records and single outputs atomically; a site of 20,000 pages is written
file by file, unchanged files left alone, and the list of what was written kept in
`.mou-site`.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from mou.problems import UsageError
from mou.write import write_text

SITE_MANIFEST = ".mou-site"


class FolderInUseError(UsageError):
    """The output folder holds files mou did not write there; nothing was written."""


def write_folder(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write generated files into `folder` and remove the ones a previous run wrote that are
    no longer generated. A folder that exists, is not empty and was not written by mou is left
    alone (FolderInUseError). Unchanged files are not rewritten. Returns the paths written."""
    previous = open_folder(folder)
    written = write_files(folder, files)
    close_folder(folder, previous, written)
    return written


def open_folder(folder: Path) -> set[str]:
    """Check that `folder` may be written (see `write_folder`); the files written last time."""
    manifest = folder / SITE_MANIFEST
    if folder.exists() and not manifest.is_file() and any(folder.iterdir()):
        raise FolderInUseError(
            f"--output {folder} is not empty and was not written by `mou site`: "
            "choose an empty or new folder"
        )
    return set(manifest.read_text("utf-8").split("\n")) - {""} if manifest.is_file() else set()


def write_files(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write each `(relative path, bytes)` under `folder` (never outside it); unchanged files
    are left as they are."""
    root = folder.resolve()
    written: list[str] = []
    for name, data in files:
        target = (folder / name).resolve()
        if name.startswith("/") or ".." in name.split("/") or root not in target.parents:
            raise ValueError(f"{name!r} would leave {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not _holds(target, data):
            target.write_bytes(data)
        written.append(name)
    return written


def close_folder(folder: Path, previous: set[str], written: list[str]) -> None:
    """Remove what a previous run wrote and this one did not; record what this one wrote."""
    for stale in sorted(previous - set(written)):
        with contextlib.suppress(OSError):
            (folder / stale).unlink()
            parent = (folder / stale).parent
            while parent != folder and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    write_text(folder / SITE_MANIFEST, "".join(f"{name}\n" for name in sorted(written)))


def _holds(target: Path, data: bytes) -> bool:
    """Whether `target` already holds `data` (then it is not rewritten: its time stays)."""
    return target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data
