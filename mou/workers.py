"""One function over many items in worker processes, the results in order as they are asked
for: forked children where the system forks (Linux, macOS), a process pool elsewhere.

Forking imports nothing (multiprocessing and concurrent.futures cost ~20 ms, as much as
parsing 200 records) and pickles no work: a child has the parent's memory. Each child runs
every n-th item and writes each result, pickled, to a file in memory, then says through a
pipe where it is; the parent reads the results in order when they are asked for. A pipe
alone holds 64 KB where a result is ~1 MB: the children would wait for the parent, which
meanwhile imports the models. A child that fails (killed, out of memory) is not waited for:
its items are run in the parent, with the same results.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TypeVar

Result = TypeVar("Result")
_WHERE = struct.Struct(">QQ")  # a result's offset and length in its child's file
FORKS = hasattr(os, "fork")  # Windows does not: a process pool there


def run(
    function: Callable[..., Result], items: Sequence[tuple[Any, ...]], workers: int
) -> Iterator[Result]:
    """`function(*item)` for each of `items`, in order, run in `workers` processes (started
    when this is called, not when the first result is asked for). `function` is a module's
    function and its results pickle: they cross from the workers."""
    if not FORKS:
        return _pool(function, items, workers)
    children: list[_Child] = []
    try:
        for first in range(workers):
            children.append(_fork(function, items[first::workers]))
    except OSError:  # no process or file to spare (EAGAIN, EMFILE): all of it here
        for child in children:
            child.close(done=False)
        return (function(*item) for item in items)
    return _gathered(function, items, children)


def _pool(
    function: Callable[..., Result], items: Sequence[tuple[Any, ...]], workers: int
) -> Iterator[Result]:
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers)
    results = pool.map(function, *zip(*items, strict=True))

    def drain() -> Iterator[Result]:
        try:
            yield from results
        finally:
            pool.shutdown(cancel_futures=True)

    return drain()


class _Child:
    """A forked worker: its process, the pipe it reports on, the file its results are in."""

    def __init__(self, pid: int, reports: int, results: int) -> None:
        self.pid, self.reports, self.results = pid, reports, results
        self.failed = False

    def receive(self) -> tuple[bool, Any]:
        """(True, the next result), or (False, None) when the child failed before it."""
        report = b"" if self.failed else _read_exactly(self.reports, _WHERE.size)
        if len(report) < _WHERE.size:
            self.failed = True
            return False, None
        offset, length = _WHERE.unpack(report)
        data = bytearray()
        while len(data) < length:
            chunk = os.pread(self.results, length - len(data), offset + len(data))
            if not chunk:
                self.failed = True
                return False, None
            data += chunk
        return True, pickle.loads(data)  # written by our own child

    def close(self, done: bool) -> None:
        import contextlib
        import signal

        os.close(self.reports)
        os.close(self.results)
        if not done:  # abandoned: its results are not wanted
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _read_exactly(descriptor: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(descriptor, size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _memory_file() -> int:
    """A file descriptor of an anonymous file (in memory where the system has memfd)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("mou-results", os.MFD_CLOEXEC)
    import tempfile

    with tempfile.TemporaryFile() as stream:
        return os.dup(stream.fileno())


def _fork(function: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> _Child:
    opened: list[int] = []
    try:
        opened.append(results := _memory_file())
        opened.extend(ends := os.pipe())
        pid = os.fork()
    except OSError:
        for descriptor in opened:
            os.close(descriptor)
        raise
    reading, writing = ends
    if pid == 0:
        os.close(reading)
        _work(function, items, results, writing)
    os.close(writing)
    return _Child(pid, reading, results)


def _work(
    function: Callable[..., Any], items: Sequence[tuple[Any, ...]], results: int, reports: int
) -> NoReturn:
    """A child's life: each result written to `results`, its place reported; then it ends
    without running the parent's clean-up (`os._exit`)."""
    code = 1
    try:
        offset = 0
        for item in items:
            data = pickle.dumps(function(*item), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(results, view) :]
            os.write(reports, _WHERE.pack(offset, len(data)))  # one write: atomic on a pipe
            offset += len(data)
        code = 0
    finally:
        os._exit(code)


def _gathered(
    function: Callable[..., Result], items: Sequence[tuple[Any, ...]], children: list[_Child]
) -> Iterator[Result]:
    done = False
    try:
        for index, item in enumerate(items):
            received, result = children[index % len(children)].receive()
            yield result if received else function(*item)
        done = True
    finally:
        for child in children:
            child.close(done)
