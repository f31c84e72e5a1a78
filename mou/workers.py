"""One function over many items in worker processes, the results in order as they are asked
for: forked children where the system forks (Linux, macOS), a process pool elsewhere.

Forking imports nothing (multiprocessing and concurrent.futures cost ~20 ms, as much as
parsing 200 records) and pickles no work: a child has the parent's memory. Each child runs
every n-th item and writes each result, pickled, to a file in memory of its own (made
before the fork), then says through a pipe that it is there; the parent reads the results
in order when they are asked for, and closes each file once read, which frees it. A pipe
alone holds 64 KB where a result is ~1 MB: the children would wait for the parent, which
meanwhile imports the models. A child that fails (killed, out of memory) is not waited for:
its items are run in the parent, with the same results.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TypeVar

Result = TypeVar("Result")
_SIZE = struct.Struct(">Q")  # the length of a result, reported when it is written
FORKS = hasattr(os, "fork")  # Windows does not: a process pool there


def run(
    function: Callable[..., Result], items: Sequence[tuple[Any, ...]], workers: int
) -> Iterator[Result]:
    """`function(*item)` for each of `items`, in order, run in `workers` processes (started
    when this is called, not when the first result is asked for). `function` is a module's
    function and its results pickle: they cross from the workers."""
    if threads_running():  # a fork copies one thread of many: a lock another held stays held
        return (function(*item) for item in items)
    if not FORKS:
        return _pool(function, items, workers)
    files: list[int] = []
    children: list[_Child] = []
    try:
        for _ in items:
            files.append(memory_file())
        for first in range(workers):
            children.append(_fork(function, items, files, first, workers))
    except OSError:  # no process or file to spare (EAGAIN, EMFILE): all of it here
        _close(files, children, done=False)
        return (function(*item) for item in items)
    return _gathered(function, items, files, children)


def threads_running() -> bool:
    """Whether this process runs threads besides the main one (`mou site --serve`'s server):
    a child forked then could wait for ever on a lock a vanished thread held, and so could a
    process pool, which forks too. The work runs in this process instead."""
    import sys

    threading = sys.modules.get("threading")  # not imported: no thread was started by it
    return threading is not None and threading.active_count() > 1


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
    """A forked worker: its process and the pipe it reports on."""

    def __init__(self, pid: int, reports: int) -> None:
        self.pid, self.reports = pid, reports
        self.failed = False

    def receive(self, results: int) -> tuple[bool, Any]:
        """(True, its next result, read from `results`), or (False, None) when the child
        failed before it was written."""
        report = b"" if self.failed else read_exactly(self.reports, _SIZE.size)
        if len(report) < _SIZE.size:
            self.failed = True
            return False, None
        (length,) = _SIZE.unpack(report)
        data = read_file(results, length)
        if len(data) < length:
            self.failed = True
            return False, None
        return True, pickle.loads(data)  # written by our own child

    def close(self, done: bool) -> None:
        os.close(self.reports)
        _ended(self.pid, stopped=not done)  # abandoned: its results are not wanted


def read_exactly(descriptor: int, size: int) -> bytes:
    """`size` bytes from `descriptor`, or fewer when its other end closed first."""
    data = bytearray()
    while len(data) < size:
        chunk = os.read(descriptor, min(size - len(data), 1 << 20))
        if not chunk:
            break
        data += chunk
    return bytes(data)


def read_file(descriptor: int, length: int) -> bytes:
    """The first `length` bytes of the file `descriptor` (fewer when it is shorter), read from
    its start whatever its offset (a file shared with a forked process shares the offset)."""
    data = bytearray()
    while len(data) < length:
        chunk = os.pread(descriptor, length - len(data), len(data))
        if not chunk:
            break
        data += chunk
    return bytes(data)


def write_all(descriptor: int, data: bytes) -> None:
    """Write all of `data` (a pipe or a file may take less at a time)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def memory_file() -> int:
    """A file descriptor of an anonymous file (in memory where the system has memfd)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("mou-results", os.MFD_CLOEXEC)
    import tempfile

    with tempfile.TemporaryFile() as stream:
        return os.dup(stream.fileno())


def _fork(
    function: Callable[..., Any],
    items: Sequence[tuple[Any, ...]],
    files: list[int],
    first: int,
    workers: int,
) -> _Child:
    """A child running items `first`, `first + workers`, ..., each result to its file."""
    reading, writing = os.pipe()
    parent = os.getpid()
    try:
        pid = fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        raise
    if pid == 0:
        end_with(parent)
        os.close(reading)
        for index, descriptor in enumerate(files):
            if index % workers != first and descriptor >= 0:
                os.close(descriptor)  # another's: its memory is freed when the parent is done
        mine = range(first, len(items), workers)
        _work(function, [(items[index], files[index]) for index in mine], writing)
    os.close(writing)
    return _Child(pid, reading)


def fork() -> int:
    """`os.fork()`, the child deaf to Ctrl-C (SIGINT ignored, blocked across the fork so that
    none arrives before): Ctrl-C is the parent's to answer, which stops its children. A child
    interrupted before its work began would otherwise run on in the parent's code."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return pid


def end_with(parent: int) -> None:
    """In a child: be killed when `parent` ends (Linux's parent-death signal), so that a
    `mou` killed (kill -9, a CI timeout) leaves no worker running on; and end now if it
    ended already, before the signal was asked for. Elsewhere the child ends with its work."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _work(
    function: Callable[..., Any], jobs: list[tuple[tuple[Any, ...], int]], reports: int
) -> NoReturn:
    """A child's life: each result written to its file, reported; then it ends without
    running the parent's clean-up (`os._exit`)."""
    code = 1
    try:
        for item, results in jobs:
            data = pickle.dumps(function(*item), protocol=pickle.HIGHEST_PROTOCOL)
            write_all(results, data)
            os.close(results)
            os.write(reports, _SIZE.pack(len(data)))  # one write: atomic on a pipe
        code = 0
    finally:
        os._exit(code)


def _gathered(
    function: Callable[..., Result],
    items: Sequence[tuple[Any, ...]],
    files: list[int],
    children: list[_Child],
) -> Iterator[Result]:
    done = False
    try:
        for index, item in enumerate(items):
            received, result = children[index % len(children)].receive(files[index])
            os.close(files[index])  # read: its memory goes
            files[index] = -1
            yield result if received else function(*item)
        done = True
    finally:
        _close(files, children, done=done)


def _close(files: list[int], children: list[_Child], *, done: bool) -> None:
    for descriptor in files:
        if descriptor >= 0:
            os.close(descriptor)
    for child in children:
        child.close(done)


class Later:
    """`function(*args)` run by a forked child, its result read when it is wanted, by this
    process or by any it forks meanwhile (a pool's workers inherit the way to it): work that
    only some of them need, late, is not waited for before they start. The child writes the
    result to a file in memory; its end of a pipe closes when it ends, which each reader
    waits for. Only where the system forks (`FORKS`)."""

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self._file = memory_file()
        reading, writing = os.pipe()
        parent = os.getpid()
        try:
            pid = fork()
        except OSError:
            for descriptor in (reading, writing, self._file):
                os.close(descriptor)
            raise
        if pid == 0:
            end_with(parent)
            os.close(reading)
            _leave(self._file, lambda: function(*args))  # its end of the pipe closes with it
        os.close(writing)
        self._pid, self._done = pid, reading

    def result(self) -> tuple[bool, Any]:
        """(True, the result) once the child has ended, or (False, None) when it failed
        (killed, an error): the caller then does the work itself."""
        while os.read(self._done, 1 << 12):  # (nothing is written: the end of the pipe is)
            pass
        return _left(self._file)

    def close(self) -> None:
        """In the process that made it: the child stopped if it still runs, and waited for."""
        os.close(self._done)
        os.close(self._file)
        _ended(self._pid, stopped=True)


def share(function: Callable[[Any], Result], items: Sequence[Any], workers: int) -> list[Result]:
    """`function(item)` for each of `items` by `workers` forked children, each taking the next
    item when free (the items' sizes vary: each child's share is not known ahead), the results
    in order. A child ends with this process and is deaf to Ctrl-C, which this process answers
    by stopping them; an item whose child failed is run here, with the same result."""
    if not FORKS or threads_running() or workers < 2:
        return [function(item) for item in items]
    queue, writing = os.pipe()  # the items' indices: each child reads the next one
    files: list[int] = []
    pids: list[int] = []
    parent = os.getpid()
    found: dict[int, Any] = {}
    try:
        try:
            for _ in range(workers):
                files.append(memory_file())
                pid = fork()
                if pid == 0:
                    end_with(parent)
                    os.close(writing)  # (the end of the queue is when no one holds this end)
                    _take_in_turn(function, items, queue, files[-1])
                pids.append(pid)
        except OSError:  # no process or file to spare (EAGAIN, EMFILE): all of it here
            return [function(item) for item in items]
        indices = b"".join(_SIZE.pack(index) for index in range(len(items)))
        for start in range(0, len(indices), _TURNS):  # whole indices: each write is atomic
            write_all(writing, indices[start : start + _TURNS])
        os.close(writing)
        writing = -1
        for pid, results in zip(pids, files, strict=True):
            _ended(pid, stopped=False)
            received, done = _left(results)
            if received:  # (a child that failed wrote nothing whole: its items are run here)
                found.update(done)
        pids.clear()
    finally:
        for pid in pids:  # (interrupted, or no process to spare: the children are stopped)
            _ended(pid, stopped=True)
        for descriptor in (queue, writing, *files):
            if descriptor >= 0:
                os.close(descriptor)
    return [found[index] if index in found else function(item) for index, item in enumerate(items)]


# Bytes of indices written to a child's queue at a time: a whole number of indices, and no
# more than a pipe writes at once (POSIX's PIPE_BUF is at least 512), so no read takes half.
_TURNS = 512


def _take_in_turn(
    function: Callable[[Any], Any], items: Sequence[Any], queue: int, results: int
) -> NoReturn:
    """A child of `share`: the next item's index from `queue` until none is left, then all of
    its results, by index, to its file."""

    def taken() -> dict[int, Any]:
        done = {}
        while len(turn := read_exactly(queue, _SIZE.size)) == _SIZE.size:
            index = _SIZE.unpack(turn)[0]
            done[index] = function(items[index])
        return done

    _leave(results, taken)


def _leave(results: int, make: Callable[[], Any]) -> NoReturn:
    """A child's end (`Later`, `share`): what `make` returns, pickled, to the file `results`,
    then the process ends without running the parent's clean-up (`os._exit`); nothing whole
    is written when `make` fails."""
    code = 1
    try:
        write_all(results, pickle.dumps(make(), protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    finally:
        os._exit(code)


def _left(results: int) -> tuple[bool, Any]:
    """(True, what a child's `_leave` wrote to `results`), or (False, None) when it wrote
    nothing whole (it failed, or was killed, first)."""
    try:
        return True, pickle.loads(read_file(results, os.fstat(results).st_size))
    except Exception:  # an empty or cut file (from our own child: nothing else)
        return False, None


def _ended(pid: int, *, stopped: bool) -> None:
    """A child waited for (its process freed); `stopped`: killed first, if it still runs."""
    if stopped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
