"""`mou validate` of a large record that an earlier run checked: the checks got ready while
the files are read.

A run in which a file changed spends ~0.2 s importing the models and checks and reading the
earlier run's findings before it can check that file, as long as reading and hashing 10,000
files takes. So, where the earlier run's findings are there to say the record is large, a
forked child does that part on another core while this process reads the files:
- nothing changed: the cached answer stands, and the child is stopped (its work, on the
  other core, is lost rather than waited for);
- something changed: the child is given the files as read, checks what changed
  (`findings.validate`, as this process would) and sends the outcome back.

Only where it pays and is safe: a system that forks, two cores or more, no thread running
(a fork copies one thread of many), the cache on, and findings of this root of at least
`FROM_BYTES` (a record of about a thousand files; a smaller one is read in less time than
the child would save). A child that fails in any way (killed, out of memory, an error)
sends no outcome, and this process checks the files itself, with the same result: the
child's outcome is the one this process would have found, never another.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NoReturn

from mou import cache, progress, workers
from mou.problems import Problem, Validation, as_row
from mou.read import Snapshot, reading_again

# Findings this large come from a record of about a thousand files (~120 bytes a file).
FROM_BYTES = 120_000
_SIZE = struct.Struct(">Q")  # the length of what follows, first on each pipe

Answer = tuple[Validation, list[tuple[str, str]], bool]  # as `findings.validate` returns


def start(root: Path, today: date, store: cache.Cache | None) -> Ahead | None:
    """A child getting the checks of `root` ready, or None where it would not pay."""
    if store is None or not _forks_usefully():
        return None
    from mou.findings import entry_name

    try:
        size = os.stat(store.result_path(entry_name(root))).st_size
    except OSError:
        return None  # no findings yet: a first run overlaps parsing with the imports instead
    if size < FROM_BYTES:
        return None
    made: list[int] = []
    parent = os.getpid()
    try:
        made.append(workers.memory_file())
        made.extend(os.pipe())
        made.extend(os.pipe())
        pid = workers.fork()
    except OSError:  # no file or process to spare (EMFILE, EAGAIN): no child
        for descriptor in made:
            os.close(descriptor)
        return None
    files, requests, request, answer, answers = made
    if pid == 0:
        os.close(request)
        os.close(answer)
        _child(parent, (root, today, store), files, requests, answers)
    os.close(requests)
    os.close(answers)
    return Ahead(pid, (files, request), answer)


def _forks_usefully() -> bool:
    if not workers.FORKS or workers.threads_running():
        return False
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) > 1
    return (os.cpu_count() or 1) > 1


class Ahead:
    """The child: its process, the file in memory and the pipe that give it the files as
    read, and the pipe it answers on."""

    def __init__(self, pid: int, request: tuple[int, int], answer: int) -> None:
        self.pid, (self.files, self.request), self.answers = pid, request, answer
        self.ended = False

    def give(self, taken: Snapshot) -> None:
        """Give the child the files as read, without waiting for it (the pipe carries only
        their size)."""
        try:
            data = pickle.dumps(replace(taken, fetch=None), protocol=pickle.HIGHEST_PROTOCOL)
            workers.write_all(self.files, data)
            os.write(self.request, _SIZE.pack(len(data)))  # 8 bytes: a pipe takes them at once
        except OSError:  # the child is gone, or the files could not be given: stop it
            self.end()

    def answer(self) -> Answer | None:
        """What `findings.validate` gives for the files given, found by the child; None when
        it could not say (then the caller checks them itself)."""
        if self.ended:  # (`give` failed)
            return None
        data = None
        try:
            data = _received(self.answers)
        finally:
            self.end(stop=data is None)  # an answer: the child is ending; else (Ctrl-C) stop it
        if data is None:
            return None
        rows, files_read, documents, unchanged = pickle.loads(data)  # from our own child
        return Validation([Problem(*row) for row in rows], files_read), documents, unchanged

    def end(self, *, stop: bool = True) -> None:
        """Close the pipes and wait for the child; `stop` kills it first (not wanted)."""
        if self.ended:
            return
        self.ended = True
        if stop:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        for descriptor in (self.files, self.request, self.answers):
            os.close(descriptor)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _child(
    parent: int, job: tuple[Path, date, cache.Cache], files: int, requests: int, answers: int
) -> NoReturn:
    """The child's life: get ready, wait for the files, check them, answer; then end without
    the parent's clean-up (`os._exit`). Any failure ends it silently: the parent then checks
    the files itself, and shows what went wrong the usual way."""
    code = 1
    try:
        workers.end_with(parent)
        # It gives way to the parent, whose reading is what the run waits for when nothing
        # changed, and it shows no progress: a child stopped (Ctrl-C) could not clear it.
        with contextlib.suppress(OSError):
            os.nice(5)
        progress.install(progress.Reporter())
        from mou import findings

        root, today, store = job
        # No findings to start from after all (damaged): the parent checks the files itself.
        ready = findings.prepare(root, store)
        head = b"" if ready is None else workers.read_exactly(requests, _SIZE.size)
        if ready is not None and len(head) == _SIZE.size:
            (length,) = _SIZE.unpack(head)
            given = workers.read_file(files, length)
            if len(given) < length:
                raise EOFError("the files given were cut short")
            taken: Snapshot = pickle.loads(given)  # from our own parent
            reading_again(taken)
            outcome, documents, unchanged = findings.validate(root, today, taken, store, ready)
            rows = [as_row(problem) for problem in outcome.problems]
            answer = (rows, outcome.files, documents, unchanged)
            _send(answers, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
            code = 0
    finally:
        os._exit(code)


def _send(descriptor: int, data: bytes) -> None:
    workers.write_all(descriptor, _SIZE.pack(len(data)) + data)


def _received(descriptor: int) -> bytes | None:
    """What the other end sent, whole; None when it ended before (closed, killed)."""
    head = workers.read_exactly(descriptor, _SIZE.size)
    if len(head) < _SIZE.size:
        return None
    (length,) = _SIZE.unpack(head)
    data = workers.read_exactly(descriptor, length)
    return data if len(data) == length else None
