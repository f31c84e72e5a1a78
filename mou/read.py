"""Find the record files under a root, read and parse them: no models, so that this can
start (in worker processes, for a large record) before pydantic is even imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mou import parse as yamlparse
from mou.problems import Problem

SUFFIXES = (".yaml", ".yml")


def record_id(path: str) -> str:
    """A record's id: its file name without the extension."""
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def find_files(root: Path) -> list[str]:
    """Record files under `root` as sorted relative POSIX paths, without dot files and folders."""
    found: list[str] = []
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(folder for folder in folders if not folder.startswith("."))
        base = os.path.relpath(directory, root)
        prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
        found.extend(
            prefix + name for name in files if name.endswith(SUFFIXES) and not name.startswith(".")
        )
    return sorted(found)


# Below this many files one process is faster than starting workers.
PARALLEL_FROM = 2000


ParsedFile = tuple[Any, list[Problem]]


def parse_files(root: Path, paths: list[str]) -> list[ParsedFile]:
    """Read and parse `paths` here, one after the other."""
    return [read_and_parse(root, path) for path in paths]


def _parse_chunk(root: Path, paths: list[str]) -> list[ParsedFile]:
    import gc

    gc.disable()  # many small containers, no cycles: the collector only costs time here
    return parse_files(root, paths)


def parse_in_workers(root: Path, paths: list[str]) -> Iterator[ParsedFile]:
    """Parse `paths` in one worker process per core; the results, in order, as they come.

    The work is handed out when this is called, not when the results are first asked for.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = min(os.cpu_count() or 1, 8)
    size = max(200, len(paths) // (workers * 4))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(workers, mp_context=context)
    results = pool.map(_parse_chunk, [root] * len(chunks), chunks)

    def drain() -> Iterator[ParsedFile]:
        try:
            for chunk in results:
                yield from chunk
        finally:
            pool.shutdown(cancel_futures=True)

    return drain()


def read_and_parse(root: Path, path: str, data: bytes | None = None) -> ParsedFile:
    """Read one file (unless `data` is given) and parse it without keeping positions."""
    if data is None:
        full = os.path.join(root, path)
        try:
            size = os.stat(full).st_size
            if size > yamlparse.MAX_BYTES:
                return None, [
                    Problem(
                        "MOU004",
                        f"file is {size:,} bytes; the limit is {yamlparse.MAX_BYTES:,}",
                        path,
                    )
                ]
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return None, [Problem("MOU001", f"cannot read: {error.strerror}", path)]
    parsed = yamlparse.parse(data, path, positions=False)
    return parsed.value, parsed.problems
