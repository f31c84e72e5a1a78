"""Find the record files under a root, read and parse them: no models, so that this can
start (in worker processes, for a large record) before pydantic is even imported.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from mou.cache import Cache, ParsedEntry, blob_id, pack
from mou.problems import MAX_BYTES, N_, Problem, T, as_row, too_large

SUFFIXES = (".yaml", ".yml")
# Where a change to several files keeps its journal (mou.commit) until it is complete: a dot
# folder in the records root, so never read as records.
JOURNAL_FOLDER = ".mou-journal"


def record_id(path: str) -> str:
    """A record's id: its file name without the extension."""
    name = path.rpartition("/")[2]
    stem, dot, _ = name.rpartition(".")
    return stem if dot else name


def find_files(root: Path, problems: list[Problem] | None = None) -> list[str]:
    """Record files under `root` as sorted relative POSIX paths, without dot files and folders.

    A folder that cannot be listed is never skipped silently: with `problems` given, it gets
    a diagnostic there. Links to folders are not followed (a record lives in the tree).
    """
    found: list[str] = []

    def unreadable(error: OSError) -> None:
        if problems is not None and error.filename is not None:
            relative = os.path.relpath(error.filename, root).replace(os.sep, "/")
            reason = error.strerror or "cannot be listed"
            problems.append(
                Problem(
                    "MOU001", T(N_("cannot read this folder: {reason}"), reason=reason), relative
                )
            )

    for directory, folders, files in os.walk(root, onerror=unreadable):
        folders[:] = sorted(folder for folder in folders if not folder.startswith("."))
        base = os.path.relpath(directory, root)
        prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
        found.extend(
            prefix + name for name in files if name.endswith(SUFFIXES) and not name.startswith(".")
        )
    return sorted(found)


# A folder below a records root's top holding one of these is another memorandum (or a
# portfolio) nested in it: never read as the root's records (MOU403).
NESTED = ("memorandum.yaml", "portfolio.yaml")


def own_files(paths: list[str], problems: list[Problem] | None = None) -> list[str]:
    """A records root's files `paths` (`find_files`) without those of a memorandum or
    portfolio nested in it (a folder below its top holding memorandum.yaml or portfolio.yaml,
    and all under it): each such file is MOU403 in `problems`, once, and the folder's files
    are left out, whichever command reads the root (alone, with `-m`, or in a portfolio)."""
    nested = [path for path in paths if "/" in path and path.rpartition("/")[2] in NESTED]
    if not nested:
        return paths
    if problems is not None:
        message = T(
            N_(
                "a memorandum or portfolio nested in this memorandum's folder: its folder is "
                "not read as this memorandum's records (move it out; a portfolio is one level "
                "deep)"
            )
        )
        problems.extend(Problem("MOU403", message, path) for path in nested)
    folders = tuple(path.rpartition("/")[0] + "/" for path in nested)
    return [path for path in paths if not path.startswith(folders)]


def find_root(explicit: Path | None, also: Callable[[Path], bool] | None = None) -> Path:
    """The records root: `explicit` (--records, $MOU_RECORDS), else the nearest folder upward
    that holds records/memorandum.yaml (or is itself a records root, holding memorandum.yaml:
    inside records/meetings/, or in examples/demo/) or for which `also` holds (a portfolio's
    root, `mou.portfolio.discover`), else ./records."""
    if explicit is not None:
        return explicit
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "memorandum.yaml").is_file():
            return folder
        if (folder / "records" / "memorandum.yaml").is_file():
            return folder / "records"
        if also is not None and also(folder):
            return folder
    return Path("records")


def looks_like_records(root: Path, folders: Iterable[str]) -> bool:
    """Whether `root` can be a records root: it holds memorandum.yaml, a record file at the
    top, or one of the kind `folders`. Looked at without walking anything: `mou --records /`
    answers at once."""
    try:
        with os.scandir(root) as entries:
            names = {entry.name for entry in entries}
    except OSError:
        return True  # an unreadable root: reading it gives the located diagnostic
    return any(name.endswith(SUFFIXES) for name in names) or not names.isdisjoint(folders)


# Below this many files one process is faster than starting workers.
PARALLEL_FROM = 2000


ParsedFile = tuple[Any, list[Problem]]
# A file parsed in a worker: its value and problems as a cache entry (`cache.pack`), its blob.
Packed = tuple[bytes, str | None]


def _parse_chunk(
    root: Path, paths: list[str], data: list[bytes] | None
) -> list[tuple[Any, list[Problem], str | None]]:
    """Parse `paths` (read here, unless their `data` is given): each file's value, problems
    and the blob id of the bytes parsed (None when it could not be read)."""
    import gc

    gc.disable()  # many small containers, no cycles: the collector only costs time here
    parsed: list[tuple[Any, list[Problem], str | None]] = []
    folders: dict[str, bool] = {}  # resolved once a folder, not once a file
    for index, path in enumerate(paths):
        read = read_record_file(root, path, folders=folders) if data is None else data[index]
        if isinstance(read, Problem):
            parsed.append((None, [read], None))
        else:
            parsed.append((*read_and_parse(root, path, read), blob_id(read)))
    return parsed


def _parse_packed(root: Path, paths: list[str], data: list[bytes] | None) -> list[Packed]:
    """`_parse_chunk` in a worker: each file's value and problems packed as the cache keeps
    them, so that they cross to the parent as bytes that the cache stores as they are."""
    return [
        (pack((value, [as_row(problem) for problem in problems])), blob)
        for value, problems, blob in _parse_chunk(root, paths, data)
    ]


def parse_in_workers(
    root: Path, paths: list[str], data: list[bytes] | None = None
) -> Iterator[tuple[Any, list[Problem], str | None, bytes | None]]:
    """Parse `paths` (read by the workers, or their `data` given in the same order) in worker
    processes (`mou.workers`); the results (value, problems, blob id, the packed entry), in
    order, as they come.

    The work is handed out when this is called, not when the results are first asked for.
    """
    from mou import workers as processes

    # One worker a thousand files: below 2,000 the parse runs beside the parent's import of
    # the models (`findings.OVERLAP_FROM`), and one worker keeps the other core to the parent.
    workers = max(1, min(os.cpu_count() or 1, 8, len(paths) // 1000))
    size = max(200, len(paths) // (workers * 4))
    chunks = [
        (root, paths[i : i + size], None if data is None else data[i : i + size])
        for i in range(0, len(paths), size)
    ]
    results = processes.run(_parse_packed, chunks, workers)

    def drain() -> Iterator[tuple[Any, list[Problem], str | None, bytes | None]]:
        for chunk in results:
            for packed, blob in chunk:
                value, rows = pickle.loads(packed)  # from our own worker
                yield value, [Problem(*row) for row in rows], blob, packed

    return drain()


def read_and_parse(root: Path, path: str, data: bytes | None = None) -> ParsedFile:
    """Read one file (unless `data` is given) and parse it without keeping positions."""
    if data is None:
        read = read_record_file(root, path)
        if isinstance(read, Problem):
            return None, [read]
        data = read
    from mou.parse import parse  # YAML is not imported until a file is parsed

    parsed = parse(data, path, positions=False)
    return parsed.value, parsed.problems


_KINDS_OF_FILE = (
    (stat.S_ISDIR, N_("a folder")),
    (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
    (stat.S_ISSOCK, N_("a socket")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
)


def not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS_OF_FILE if test(mode)), N_("not a regular file"))


def input_problem(path: Path) -> str | None:
    """Why `path` cannot be read as an input file (a sheet to import, a template, a reference
    document), or None: a FIFO would hang the read and a device never end it."""
    try:
        what = not_regular(os.stat(path).st_mode)
    except FileNotFoundError:
        return "no such file"
    except OSError as error:
        return str(error.strerror)
    return None if what is None else f"{what}, not a regular file"


def inside(root: Path, full: str) -> bool:
    """Whether `full`, every symbolic link resolved, lies inside `root` (resolved too)."""
    base = os.path.realpath(root)
    return os.path.commonpath([base, os.path.realpath(full)]) == base


def read_record_file(
    root: Path, path: str, limit: int | None = None, *, folders: dict[str, bool] | None = None
) -> bytes | Problem:
    """The bytes of one record file, or the located problem that stops it being read.

    Only a regular file inside the records root is read: a link leading outside the root, a
    FIFO, a device or a socket is reported, never opened for reading or waited on. The file is
    opened without blocking, checked again with `fstat` (it may have been swapped), and read
    to at most `limit` + 1 bytes, so that no file can take more memory than the limit.
    `folders` remembers, over many files of one read, which folders lie inside the root (only
    a file that is itself a link is resolved again).
    """
    limit = MAX_BYTES if limit is None else limit
    full = os.path.join(root, path)
    try:
        folder = path.rpartition("/")[0]
        known = None if folders is None else folders.get(folder)
        if known is None:
            known = inside(root, os.path.dirname(full))
            if folders is not None:
                folders[folder] = known
        status = os.lstat(full)
        link = stat.S_ISLNK(status.st_mode)
        if not known or (link and not inside(root, full)):
            outside = N_("a symbolic link to a place outside the records root: not read")
            return Problem("MOU001", T(outside), path)
        what = not_regular(os.stat(full).st_mode if link else status.st_mode)
        if what is None:
            descriptor = os.open(full, _READ_FLAGS)
            try:
                status = os.fstat(descriptor)
                what = not_regular(status.st_mode)
                too_big = what or status.st_size > limit
                data = b"" if too_big else _read_all(descriptor, status.st_size, limit)
                size = max(status.st_size, len(data))
            finally:
                os.close(descriptor)
        if what:
            return Problem(
                "MOU001", T(N_("{what}, not a regular file: not read"), what=T(what)), path
            )
    except OSError as error:
        return Problem(
            "MOU001", T(N_("cannot read: {reason}"), reason=error.strerror or error), path
        )
    if size > limit:
        return Problem("MOU004", too_large(size, limit), path)
    return data


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _read_all(descriptor: int, size: int, limit: int) -> bytes:
    """The bytes of an open regular file of `size` bytes, at most `limit` + 1 of them (one
    more tells it is over the limit): one read when the file did not grow meanwhile."""
    first = os.read(descriptor, size + 1)
    if len(first) <= size:  # a short read of a regular file: its end
        return first
    chunks, left = [first], limit + 1 - len(first)
    while left > 0:
        chunk = os.read(descriptor, min(left, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


@dataclass(slots=True)
class Snapshot:
    """The record files under a root as read at one moment: each one's bytes and git blob
    id, or the problem that kept it from being read."""

    root: Path
    paths: list[str]
    data: dict[str, bytes] = field(default_factory=dict)
    blobs: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, Problem] = field(default_factory=dict)
    # Folders that could not be listed.
    problems: list[Problem] = field(default_factory=list)
    # Reads the bytes of files not in `data` (a git revision's blobs are fetched when needed).
    fetch: Callable[[list[str]], dict[str, bytes]] | None = None
    # Files not in `data` are on disk, where worker processes can read them themselves.
    on_disk: bool = False

    def contents(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The bytes of `paths` that are readable, fetched first when not at hand."""
        missing = [p for p in paths if p not in self.data and p in self.blobs]
        if missing and self.fetch is not None:
            self.data.update(self.fetch(missing))
        return {path: self.data[path] for path in paths if path in self.data}

    def only(self, paths: Iterable[str]) -> Snapshot:
        """The same snapshot restricted to `paths` (sharing its bytes)."""
        kept = [path for path in paths if path in self.blobs or path in self.unreadable]
        return Snapshot(
            self.root,
            kept,
            self.data,
            {p: self.blobs[p] for p in kept if p in self.blobs},
            {p: self.unreadable[p] for p in kept if p in self.unreadable},
            [],
            self.fetch,
            self.on_disk,
        )


def snapshot(root: Path, paths: list[str] | None = None, *, keep: bool | None = None) -> Snapshot:
    """Read and hash every record file under `root` (reading is cheap next to parsing), or
    the `paths` already found there.

    A small record keeps the bytes read. A large one does not (they would be held by every
    worker process too): a file needed again is read again, and if it changed meanwhile its
    blob id here becomes the new one, so that nothing is cached under the old. `keep` says
    which, when the record is a part of a larger whole (a portfolio's member)."""
    taken = Snapshot(root, [])
    taken.paths = (
        own_files(find_files(root, taken.problems), taken.problems) if paths is None else paths
    )
    keep = len(taken.paths) < PARALLEL_FROM if keep is None else keep
    folders: dict[str, bool] = {}
    for path in taken.paths:
        read = read_record_file(root, path, folders=folders)
        if isinstance(read, Problem):
            taken.unreadable[path] = read
        else:
            if keep:
                taken.data[path] = read
            taken.blobs[path] = blob_id(read)
    if not keep:
        taken.on_disk = True
        reading_again(taken, folders)
    return taken


def reading_again(taken: Snapshot, folders: dict[str, bool] | None = None) -> None:
    """Let a snapshot of files on disk whose bytes were not kept (`Snapshot.on_disk`) read
    them again when asked; a file that changed meanwhile gets its new blob id, so that nothing
    is cached under the old. `folders`: which folders are known to lie inside the root."""
    if not taken.on_disk:
        return
    known = {} if folders is None else folders

    def again(paths: list[str]) -> dict[str, bytes]:
        found = {}
        for path in paths:
            read = read_record_file(taken.root, path, folders=known)
            if isinstance(read, bytes):
                taken.blobs[path] = blob_id(read)
                found[path] = read
        return found

    taken.fetch = again


# A record's files as read and their parse started, by the records root, before the command
# that uses them is known for sure (`start.early_site`: `mou site` before Typer is imported).
EARLY_READING: dict[Path, tuple[Snapshot, Iterator[ParsedFile]]] = {}


def parse_snapshot(
    taken: Snapshot,
    store: Cache | None,
    paths: list[str] | None = None,
    *,
    workers_from: int | None = None,
) -> Iterator[ParsedFile]:
    """The files of `taken` (or only `paths` of them), parsed, in order: from the cache where
    it holds the file's blob, else parsed (in worker processes from `PARALLEL_FROM` files,
    or from fewer: `workers_from`), then cached.

    The cache is looked up and the workers started when this is called, not when the first
    file is asked for: a caller starts the parse, then imports the models while it runs."""
    paths = taken.paths if paths is None else paths
    readable = [path for path in paths if path in taken.blobs]
    found = store.parsed({taken.blobs[path] for path in readable}) if store is not None else {}
    missing = [path for path in readable if taken.blobs[path] not in found]
    many = PARALLEL_FROM if workers_from is None else min(workers_from, PARALLEL_FROM)
    fresh = _parse_missing(taken, missing, many)
    return _in_order(taken, store, paths, found, fresh)


def _in_order(
    taken: Snapshot,
    store: Cache | None,
    paths: list[str],
    found: dict[str, ParsedEntry],
    fresh: Iterator[tuple[Any, list[Problem], str | None, bytes | None]],
) -> Iterator[ParsedFile]:
    """`parse_snapshot`'s files in order: the cached ones from `found`, the others from
    `fresh` (in the order of `paths`); the new entries cached at the end."""
    new: dict[str, bytes] = {}  # packed at once: the values themselves are not kept
    for path in paths:
        if path in taken.unreadable:
            yield None, [taken.unreadable[path]]
            continue
        entry = found.get(taken.blobs[path])
        if entry is None:
            value, problems, blob, packed = next(fresh)
            if blob is None:  # gone or unreadable since it was hashed: not cached
                taken.blobs.pop(path, None)
                taken.unreadable[path] = problems[0]
            else:
                taken.blobs[path] = blob  # what was parsed, should the file have changed
                if store is not None:
                    rows = [as_row(problem) for problem in problems]
                    new[blob] = packed or pack((value, rows))
            yield value, problems
        else:
            cached = (Problem(*row) for row in entry[1])
            yield entry[0], [p if p.path == path else replace(p, path=path) for p in cached]
    if store is not None and new:
        store.store_parsed(new)


def _parse_missing(
    taken: Snapshot, missing: list[str], workers_from: int
) -> Iterator[tuple[Any, list[Problem], str | None, bytes | None]]:
    """Parse the files `missing` from the cache: in worker processes when many (which read
    the files themselves when they are on disk), else here."""
    many = len(missing) >= workers_from and (os.cpu_count() or 1) > 1
    if many and taken.on_disk:
        return parse_in_workers(taken.root, missing)
    contents = taken.contents(missing)
    data = [contents[path] for path in missing if path in contents]
    if len(data) != len(missing):  # some file could not be read again
        return parse_in_workers(taken.root, missing) if many else _here(taken.root, missing, None)
    if many:
        return parse_in_workers(taken.root, missing, data)
    return _here(taken.root, missing, data)


def _here(
    root: Path, paths: list[str], data: list[bytes] | None
) -> Iterator[tuple[Any, list[Problem], str | None, bytes | None]]:
    """`_parse_chunk` in this process (nothing packed yet)."""
    return (
        (value, problems, blob, None) for value, problems, blob in _parse_chunk(root, paths, data)
    )


def document_status(root: Path, text: str, tree: set[str] | None = None) -> str:
    """Where a record's document `path` points: "outside" the records root, "missing" (no file
    there on disk, or in the revision's `tree`), or "present"."""
    root = root.resolve()
    relative = PurePosixPath(text)
    target = (root / Path(*relative.parts)).resolve() if relative.parts else root
    if relative.is_absolute() or not target.is_relative_to(root):
        return "outside"
    if tree is not None:
        return "present" if target.relative_to(root).as_posix() in tree else "missing"
    return "present" if target.is_file() else "missing"
