"""A content-addressed cache: what mou already computed, found again by the hash of its input.

Two kinds of entries, both keyed by content, never by time or path:

- **parsed files**, keyed by the file's git blob id (`sha1("blob <size>\\0" + bytes)`, so a
  file read from disk and the same file read from a git revision share one entry): the
  plain values the parser built and its problems, as tuples;
- **results**, keyed by a hash of everything a whole run depends on (mou's version, the day
  taken as today, the root, every path with its blob id, the options that change results):
  the diagnostics of that run, so that an unchanged record answers `mou validate` without
  importing the models.

The cache may never change a result. Every entry carries a header (magic, format, mou's
version, payload length and a BLAKE2b digest of the payload); an entry that is corrupt,
truncated or written by another version is ignored and rebuilt, never trusted. Entries are
unpickled with a loader that knows one class (`decimal.Decimal`) and refuses all others.
Writes go to a temporary file renamed into place, so a reader sees a whole entry or none,
and runs in parallel at most lose each other's new entries (a later run rebuilds them).
The size is bounded: parsed files are spread over 16 shards, each trimmed (oldest first)
to its share of the limit; results beyond `RESULTS_KEPT` go, least recently used first.

Location: `$MOU_CACHE`, else the user's cache folder (platformdirs). `MOU_NO_CACHE=1` or
`mou --no-cache` turn it off. This module imports nothing heavy: it runs before Typer does.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import stat
import struct
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mou import __version__

FORMAT = 3  # 2: a problem carries its message's words; 3: 16 shards, each file's findings
MAGIC = b"MOUC"
# magic, format, length of the version text, payload length, digest of the payload
_HEADER = struct.Struct(">4sBHQ16s")
SHARDS = 16  # few files to write on a cold run; a shard of 50,000 records is ~2 MB
LIMIT = 512 * 1024 * 1024  # bytes of parsed entries, over all shards
RESULTS_KEPT = 64
STALE_SECONDS = 3600  # a temporary file this old was left by a run that was killed

# A parsed file: its value and its problems, each as the tuple of its fields (the path in it
# is the file's that was parsed: the same bytes may be another file, which takes its own).
ProblemTuple = tuple[Any, ...]
ParsedEntry = tuple[Any, list[ProblemTuple]]

# `mou --no-cache` for this process (the environment is read on every call).
_switch = {"enabled": True}


def blob_id(data: bytes) -> str:
    """git's object id of a file holding `data` (what `git hash-object` prints)."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def set_enabled(enabled: bool) -> None:
    """Turn the cache off (or on again) for this process: `mou --no-cache`."""
    _switch["enabled"] = enabled


def enabled() -> bool:
    return _switch["enabled"] and os.environ.get("MOU_NO_CACHE", "") in ("", "0")


def location() -> Path:
    """Where the cache lives: $MOU_CACHE, else the user's cache folder."""
    configured = os.environ.get("MOU_CACHE")
    if configured:
        return Path(configured)
    if sys.platform == "linux":  # platformdirs' answer, without importing it (and tempfile)
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg or os.path.expanduser("~/.cache")) / "mou"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mou", appauthor=False))


def open_cache() -> Cache | None:
    """The cache of this user, or None when it is turned off."""
    return Cache(location()) if enabled() else None


_CODE: list[str] = []


def code_version() -> str:
    """mou's version and a fingerprint of its code: every file of the package with its size
    and modification time (a few dozen stats), so that an entry written by other code, even
    under the same version number (a checkout, an editable install), is never used."""
    if not _CODE:
        package = os.path.dirname(os.path.abspath(__file__))
        digest = hashlib.sha256(__version__.encode("utf-8"))
        for folder, folders, files in os.walk(package):
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            for name in sorted(files):
                status = os.stat(os.path.join(folder, name))
                relative = os.path.relpath(os.path.join(folder, name), package)
                digest.update(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
        _CODE.append(f"{__version__}+{digest.hexdigest()[:16]}")
    return _CODE[0]


def key_of(*parts: Any) -> str:
    """A result key: the hash of `parts` (plain values: text, numbers, lists, tuples)."""
    digest = hashlib.sha256(repr((FORMAT, code_version(), parts)).encode("utf-8"))
    return digest.hexdigest()


class _Unpickler(pickle.Unpickler):
    """Loads plain values and Decimals; any other class in an entry makes the entry invalid."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("decimal", "Decimal"):
            from decimal import Decimal

            return Decimal
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def encode(value: Any) -> bytes:
    """An entry: the header, mou's version, then the pickled value."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    version = code_version().encode("utf-8")
    digest = hashlib.blake2b(payload, digest_size=16).digest()
    return _HEADER.pack(MAGIC, FORMAT, len(version), len(payload), digest) + version + payload


def decode(data: bytes) -> Any:
    """The value of an entry; raises ValueError for anything not written by this mou."""
    if len(data) < _HEADER.size:
        raise ValueError("truncated header")
    magic, form, version_length, length, digest = _HEADER.unpack_from(data)
    start = _HEADER.size + version_length
    if magic != MAGIC or form != FORMAT:
        raise ValueError("not a cache entry of this format")
    if data[_HEADER.size : start] != code_version().encode("utf-8"):
        raise ValueError("written by another version of mou (or other code)")
    payload = data[start:]
    if len(payload) != length or hashlib.blake2b(payload, digest_size=16).digest() != digest:
        raise ValueError("truncated or corrupt")
    value = _unpack(payload)
    if value is None:
        raise ValueError("unreadable")
    return value


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file renamed into place; errors are ignored
    (a cache that cannot be written is only a slower run)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = _temporary(path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass


_MADE = [0]  # temporary files made by this process


def _temporary(folder: Path) -> tuple[int, str]:
    """A new file of this process in `folder`, open for writing, and its path: what
    `tempfile.mkstemp` does, without importing tempfile (~8 ms, on every run that writes)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        _MADE[0] += 1
        name = os.path.join(folder, f".tmp-{os.getpid()}-{_MADE[0]}-{os.urandom(4).hex()}")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(folder)


def _read(path: Path) -> Any:
    """The value of the entry at `path`; None when missing or not to be trusted. Only a
    regular file is read, and no more of it than an entry can hold: a FIFO, a device or a link
    in the cache's place (`$MOU_CACHE` may point anywhere) is no entry, never waited on."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size > LIMIT:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(status.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(handle)
    try:
        return decode(data)
    except ValueError:
        return None


class Cache:
    """The entries under one folder. Methods never raise for a bad or missing entry."""

    def __init__(self, folder: Path, *, limit: int = LIMIT, results_kept: int = RESULTS_KEPT):
        self.folder = folder
        self.limit = limit
        self.results_kept = results_kept

    # --- parsed files ----------------------------------------------------------------------

    def _shard(self, prefix: str) -> Path:
        """The shard holding the blob ids with `prefix` (`prefix_of`)."""
        return self.folder / f"v{FORMAT}" / "parsed" / f"{prefix}.pack"

    def _load_shard(self, prefix: str) -> dict[str, bytes]:
        shard = _read(self._shard(prefix))
        return shard if isinstance(shard, dict) else {}

    def parsed(self, blobs: Iterable[str]) -> dict[str, ParsedEntry]:
        """The entries found for `blobs` (blob id → value and problems); the others are absent."""
        by_shard: dict[str, list[str]] = {}
        for blob in blobs:
            by_shard.setdefault(prefix_of(blob), []).append(blob)
        found: dict[str, ParsedEntry] = {}
        for prefix, wanted in by_shard.items():
            shard = self._load_shard(prefix)
            for blob in wanted:
                packed = shard.get(blob)
                entry: Any = _unpack(packed) if isinstance(packed, bytes) else None
                if _is_parsed_entry(entry):
                    found[blob] = entry
        return found

    def store_parsed(self, entries: Mapping[str, bytes]) -> None:
        """Add entries (blob id → `pack((value, problems))`), trimming each shard to its share.
        Entries come packed: a few bytes each, where the values would take ten times more."""
        by_shard: dict[str, dict[str, bytes]] = {}
        for blob, entry in entries.items():
            by_shard.setdefault(prefix_of(blob), {})[blob] = entry
        share = max(1, self.limit // SHARDS)
        for prefix, new in by_shard.items():
            shard = self._load_shard(prefix)
            for blob in new:
                shard.pop(blob, None)  # re-added at the end: the newest
            shard.update(new)
            data = encode(shard)
            while len(data) > share and len(shard) > 1:  # drop the oldest, in proportion
                drop = max(1, len(shard) - len(shard) * share // len(data))
                for blob in list(shard)[:drop]:
                    del shard[blob]
                data = encode(shard)
            if len(data) <= share:
                _write_atomically(self._shard(prefix), data)
        with contextlib.suppress(OSError):
            _sweep(list(os.scandir(self.folder / f"v{FORMAT}" / "parsed")))

    # --- whole results ---------------------------------------------------------------------

    def result_path(self, key: str) -> Path:
        """Where the result stored under `key` is (it may not be there)."""
        return self.folder / f"v{FORMAT}" / "results" / f"{key}.result"

    def result(self, key: str) -> Any:
        """The result stored under `key`, or None. A hit counts as a use (for eviction)."""
        path = self.result_path(key)
        value = _read(path)
        if value is not None:
            with contextlib.suppress(OSError):
                os.utime(path)
        return value

    def store_result(self, key: str, value: Any) -> None:
        """Store `value` under `key`; keep only the `results_kept` most recently used."""
        path = self.result_path(key)
        _write_atomically(path, encode(value))
        try:
            entries = list(os.scandir(path.parent))
            kept = sorted(
                ((e.stat().st_mtime, e.path) for e in entries if e.name.endswith(".result")),
                reverse=True,
            )
        except OSError:
            return
        for _, old in kept[self.results_kept :]:
            with contextlib.suppress(OSError):
                os.unlink(old)
        _sweep(entries)


def _sweep(entries: Iterable[os.DirEntry[str]]) -> None:
    """Remove the temporary files (`_temporary`) among `entries` that a run killed while
    writing left behind: a regular file over an hour old (a live run's is seconds old)."""
    import time

    old = time.time() - STALE_SECONDS
    for entry in entries:
        if not entry.name.startswith(".tmp-"):
            continue
        with contextlib.suppress(OSError):
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(status.st_mode) and status.st_mtime < old:
                os.unlink(entry.path)


def prefix_of(blob: str) -> str:
    """Which shard holds a blob id's entry: its first hex digit."""
    return blob[:1]


def pack(entry: ParsedEntry) -> bytes:
    """A parsed file's entry as bytes, for `Cache.store_parsed`."""
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


def _unpack(data: bytes) -> Any:
    try:
        return _Unpickler(io.BytesIO(data)).load()
    except Exception:  # any failure to load means: not an entry we trust
        return None


def _is_parsed_entry(entry: Any) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], list)
