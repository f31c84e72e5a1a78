"""mou.workers: a function over many items in worker processes, the results in order, the
same as in one process, also when a worker dies or the results are abandoned."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mou import workers

PARENT = os.getpid()


@pytest.fixture(autouse=True)
def _no_other_threads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers as they run in `mou`, which starts no thread, whatever threads other tests
    of the session left running (with threads, the work runs in the parent: tested last)."""
    if "threads_running" not in request.node.name:
        monkeypatch.setattr(workers, "threads_running", lambda: False)


def _square_and_where(number: int, size: int) -> tuple[int, bytes]:
    """A result of `size` bytes: larger than a pipe holds, so only the file carries it."""
    return number * number, bytes([number % 256]) * size


def _dies_in_a_worker(number: int, marker: str) -> int:
    if os.getpid() != PARENT and number % 3 == 1:
        os._exit(7)  # a worker killed while on this item
    Path(marker, f"{number}-{os.getpid()}").touch()
    return number + 1


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_results_come_in_order_as_one_process_gives_them(count: int) -> None:
    items = [(number, 100_000) for number in range(11)]
    expected = [_square_and_where(*item) for item in items]
    assert list(workers.run(_square_and_where, items, count)) == expected


def test_the_items_of_a_worker_that_dies_are_run_here(tmp_path: Path) -> None:
    items = [(number, str(tmp_path)) for number in range(9)]
    assert list(workers.run(_dies_in_a_worker, items, 2)) == [n + 1 for n in range(9)]
    here = {int(p.name.split("-")[0]) for p in tmp_path.iterdir() if p.name.endswith(f"-{PARENT}")}
    assert {1, 4, 7} <= here  # each worker died on its first item of the kind: here from then on


def test_abandoned_results_end_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    fork = workers._fork

    def counted(*args: Any) -> Any:
        child = fork(*args)
        started.append(child.pid)
        return child

    monkeypatch.setattr(workers, "_fork", counted)
    items = [(number, 10) for number in range(40)]
    results = workers.run(_square_and_where, items, 2)
    assert next(results) == (0, b"\0" * 10)
    results.close()  # type: ignore[attr-defined]
    assert len(started) == 2
    for pid in started:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # ended and reaped: not even a zombie left


def test_without_fork_a_process_pool_gives_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [(number, 1000) for number in range(5)]
    expected = [_square_and_where(*item) for item in items]
    monkeypatch.setattr(workers, "FORKS", False)
    assert list(workers.run(_square_and_where, items, 2)) == expected


def test_without_memfd_a_temporary_file_carries_the_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """macOS has fork but no memfd: the results go through an unlinked temporary file."""
    items = [(number, 100_000) for number in range(6)]
    expected = [_square_and_where(*item) for item in items]
    monkeypatch.delattr(os, "memfd_create", raising=False)
    assert list(workers.run(_square_and_where, items, 2)) == expected


def test_when_no_process_can_be_started_it_all_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [(number, 10) for number in range(5)]
    expected = [_square_and_where(*item) for item in items]
    forks = [0]
    fork = os.fork

    def second_fails() -> int:
        forks[0] += 1
        if forks[0] == 2:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return fork()

    monkeypatch.setattr(os, "fork", second_fails)
    assert list(workers.run(_square_and_where, items, 2)) == expected
    assert forks[0] == 2  # the first child started, was ended, and all ran here


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux: open files in /proc")
def test_each_result_is_freed_once_read() -> None:
    """A result's file in memory is closed (freed) once the parent has read it: the results
    not yet asked for are all that is held."""

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    before = open_files()
    items = [(number, 50_000) for number in range(6)]
    results = workers.run(_square_and_where, items, 2)
    held = [open_files()]
    for _ in range(3):
        next(results)
        held.append(open_files())
    assert held == [before + 6 + 2, before + 5 + 2, before + 4 + 2, before + 3 + 2]
    assert len(list(results)) == 3  # the rest
    assert open_files() == before


def test_with_otherthreads_running_the_work_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    def refused(*args: Any) -> Any:
        raise AssertionError("forked while another thread ran")

    monkeypatch.setattr(workers, "_fork", refused)
    monkeypatch.setattr(workers, "_pool", refused)
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # a server's thread, say
    server.start()
    try:
        items = [(number, 10) for number in range(5)]
        expected = [_square_and_where(*item) for item in items]
        assert list(workers.run(_square_and_where, items, 2)) == expected
    finally:
        stop.set()
        server.join()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's parent-death signal")
def test_workers_end_with_a_killed_parent(tmp_path: Path) -> None:
    """`mou` killed with -9 (or by a CI timeout) while its workers parse: they end with it."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from mou import workers\n"
        "fork = workers._fork\n"
        "def told(*args):\n"
        "    child = fork(*args)\n"
        "    print(child.pid, flush=True)\n"
        "    return child\n"
        "workers._fork = told\n"
        "results = workers.run(time.sleep, [(30,), (30,)], 2)\n"
        "time.sleep(30)\n"
    )
    with subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        children = [int(parent.stdout.readline()) for _ in range(2)]
        parent.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children)


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, ended but not yet reaped by init, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _interrupted(number: int) -> tuple[int, int]:
    """Ctrl-C (SIGINT) arrives while the item runs, in whatever process runs it."""
    import signal

    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # time for the signal to be handled
    return number * 2, os.getpid()


def test_a_worker_leaves_ctrl_c_to_the_parent() -> None:
    """A worker ignores SIGINT (Ctrl-C goes to the whole process group): the parent answers
    it and stops its workers. Before, a worker interrupted before its work began ran on in
    the parent's code; one interrupted during it failed, and its items were run again here."""
    results = list(workers.run(_interrupted, [(1,), (2,)], 2))
    assert [value for value, _ in results] == [2, 4]
    assert all(pid != PARENT for _, pid in results)


# --- share: items taken in turn; Later: a result read when it is wanted ---------------------


def _slow_or_quick(number: int) -> tuple[int, int]:
    """Item 0 is long: the other child takes the rest meanwhile."""
    time.sleep(0.5 if number == 0 else 0.01)
    return number * 3, os.getpid()


def test_shared_items_are_taken_in_turn_and_come_back_in_order() -> None:
    results = workers.share(_slow_or_quick, list(range(12)), 2)
    assert [value for value, _ in results] == [n * 3 for n in range(12)]
    by = {pid for _, pid in results}
    assert len(by) == 2 and PARENT not in by
    first = results[0][1]
    assert sum(pid == first for _, pid in results) < 6  # the other child took most meanwhile


def _dies_on_seven(number: int) -> tuple[int, int]:
    if os.getpid() != PARENT and number == 7:
        os._exit(7)  # a child killed while on this item: what it did is lost with it
    return number + 1, os.getpid()


def test_the_items_of_a_sharing_child_that_dies_are_run_here() -> None:
    results = workers.share(_dies_on_seven, list(range(10)), 2)
    assert [value for value, _ in results] == [n + 1 for n in range(10)]
    assert results[7][1] == PARENT


def test_sharing_leaves_ctrl_c_to_the_parent() -> None:
    results = workers.share(_interrupted, [1, 2, 3], 2)
    assert [value for value, _ in results] == [2, 4, 6]
    assert all(pid != PARENT for _, pid in results)


def test_many_items_are_shared_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """More indices than a pipe writes at once: each still taken whole, by one child."""
    monkeypatch.setattr(workers, "_TURNS", 16)  # two indices a write
    results = workers.share(abs, [-n for n in range(2000)], 2)
    assert results == list(range(2000))


def test_without_fork_or_with_threads_sharing_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "FORKS", False)
    assert [pid for _, pid in workers.share(_slow_or_quick, [1, 2], 2)] == [PARENT, PARENT]


def _checked_later(number: int) -> list[int]:
    if number < 0:
        os._exit(3)
    return [number, os.getpid()]


def test_a_later_result_is_read_by_this_process_and_by_its_children() -> None:
    later = workers.Later(_checked_later, (5,))
    try:
        pid = os.fork()
        if pid == 0:  # a process forked meanwhile (a pool's worker) reads it too
            os._exit(0 if later.result()[1][0] == 5 else 1)
        assert os.waitpid(pid, 0)[1] == 0
        received, (number, child) = later.result()
        assert received and number == 5 and child not in (PARENT, pid)
        assert later.result() == (received, [number, child])  # as often as wanted
    finally:
        later.close()


def test_a_later_child_that_fails_says_so() -> None:
    later = workers.Later(_checked_later, (-1,))
    try:
        assert later.result() == (False, None)
    finally:
        later.close()


def test_when_no_process_can_be_started_the_shared_items_run_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second child cannot be made (EAGAIN): the first is stopped, all of it runs here."""
    fork = workers.fork
    made: list[bool] = []

    def second_fails() -> int:
        if made:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        made.append(True)
        return fork()

    monkeypatch.setattr(workers, "fork", second_fails)
    results = workers.share(_slow_or_quick, [1, 2, 3], 2)
    assert results == [(3, PARENT), (6, PARENT), (9, PARENT)]
