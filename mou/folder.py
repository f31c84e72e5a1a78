"""The writer of generated folders (`mou site`): many files, each written whole, into a
folder mou owns. A folder holding anything mou did not write there is refused; files a
previous run wrote and this one did not are removed, and nothing else ever is.

(`write.py` writes records and single outputs atomically; a site of 20,000 pages is written
file by file, unchanged files left alone, and the list of what was written kept in
`.mou-site`.)
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from mou.problems import UsageError
from mou.write import write_text

SITE_MANIFEST = ".mou-site"
# Each page made from inputs mou can name: its path, the key of those inputs, its size. A page
# whose key is unchanged is not made again (the site's rebuilds render only what changed).
SITE_KEYS = ".mou-site-keys"
Keys = dict[str, tuple[str, int]]


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
    if manifest.is_file():
        return set(manifest.read_text("utf-8").split("\n")) - {""}
    if folder.exists() and any(folder.iterdir()):
        raise FolderInUseError(
            f"--output {folder} is not empty and was not written by `mou site`: "
            "choose an empty or new folder"
        )
    # Claimed before the first file is written: a first build cut short (Ctrl-C) leaves a
    # folder that the next `mou site` may write again, not one it must refuse.
    folder.mkdir(parents=True, exist_ok=True)
    manifest.write_text("", encoding="utf-8")
    return set()


def write_files(folder: Path, files: Iterable[tuple[str, bytes | None]]) -> list[str]:
    """Write each `(relative path, bytes)` under `folder` (never outside it: no `..`, no
    absolute path, no folder or file that is a link leading out); unchanged files are left as
    they are, and so are those given as None (`kept`: the folder holds them already). Each
    folder is resolved, made and opened once, not once per file; its files are made from it."""
    root = folder.resolve()
    places: dict[str, int | Path] = {}
    written: list[str] = []
    try:
        for name, data in files:
            parent, _, base = name.rpartition("/")
            if name.startswith("/") or ".." in name.split("/") or base in ("", "."):
                raise ValueError(f"{name!r} would leave {folder}")
            place = places.get(parent)
            if place is None:
                place = places[parent] = _opened(_made(folder, root, parent, name))
            if data is not None and not _write(place, base, data):
                raise FolderInUseError(
                    f"--output {folder}: {name} is not a file mou wrote (a link?): stopped"
                )
            written.append(name)
    finally:
        for place in places.values():
            if isinstance(place, int):
                os.close(place)
    return written


# Where the system can make a file relative to an open folder, each folder is opened once and
# its files made from it (a file's path is not walked again for each one).
_AT = {os.open, os.stat} <= os.supports_dir_fd


def _opened(place: Path) -> int | Path:
    if not _AT:
        return place
    return os.open(place, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def _made(folder: Path, root: Path, parent: str, name: str) -> Path:
    """The folder `parent` under `folder`, made if missing, resolved (links followed) and
    checked to be inside `folder`."""
    place = (folder / parent).resolve() if parent else root
    if place != root and root not in place.parents:
        raise FolderInUseError(f"--output {folder}: {parent} is a link out of the folder: stopped")
    place.mkdir(parents=True, exist_ok=True)
    return place


def _write(place: int | Path, base: str, data: bytes) -> bool:
    """Write `data` into the file `base` of `place` (an open folder, or its path) unless it
    already holds them (then its time stays); a link or anything but a file in its place is
    left alone, never followed (False). A new file costs one call to make it (O_EXCL: a fresh
    site has no file to look at first)."""
    at, target = (place, base) if isinstance(place, int) else (None, str(place / base))
    try:
        handle = os.open(target, _NEW, 0o644, dir_fd=at)
    except FileExistsError:
        status = os.stat(target, dir_fd=at, follow_symlinks=False)
        if not stat.S_ISREG(status.st_mode):
            return False
        if status.st_size == len(data) and _read(target, at, len(data)) == data:
            return True
        handle = os.open(target, _WRITE | os.O_TRUNC, dir_fd=at)
    try:
        done = os.write(handle, data)
        if done < len(data):  # (a short write: the rest, as often as it takes)
            view = memoryview(data)[done:]
            while view:
                view = view[os.write(handle, view) :]
    finally:
        os.close(handle)
    return True


_WRITE = os.O_WRONLY | os.O_NOFOLLOW | getattr(os, "O_BINARY", 0)
_NEW = _WRITE | os.O_CREAT | os.O_EXCL


def _read(target: str, at: int | None, size: int) -> bytes:
    handle = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_BINARY", 0), dir_fd=at)
    try:
        chunks = []
        while chunk := os.read(handle, size + 1):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


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


def read_keys(folder: Path) -> Keys:
    """The keys of the pages a previous run wrote into `folder` (none when unreadable)."""
    keys: Keys = {}
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for line in (folder / SITE_KEYS).read_text("utf-8").splitlines():
            name, key, size = ([*line.split("\t"), "", ""])[:3]
            if size.isdigit():
                keys[name] = (key, int(size))
    return keys


def write_keys(folder: Path, keys: Keys) -> None:
    write_text(
        folder / SITE_KEYS,
        "".join(f"{name}\t{key}\t{size}\n" for name, (key, size) in sorted(keys.items())),
    )


def kept(folder: Path, name: str, size: int) -> bool:
    """Whether `folder` holds the file `name` (a file, not a link) of `size` bytes."""
    try:
        status = os.lstat(folder / name)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size == size
