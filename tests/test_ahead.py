"""`mou validate` with its checks got ready in a child (mou.ahead): the child's answer is the
one the process would have found itself, whatever the edit; a child that fails or is killed
leaves the check to the process, with the same answer; where nothing changed the child is
stopped; and no child is started where it would not pay.

The records here are small: `FROM_BYTES` is set to 0 so that any cached findings start a
child (a record of ~1,000 files does in use). The child is a fork of the test process, so
what a test patches holds in it too."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from test_findings import DAY, EDITS, _tree, _uncached

from conftest import build_tree
from mou import ahead, cache, findings, read, start, validation, workers

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the child is forked")


class Spy:
    """What the children of the validations since made of it: answers and stops."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[int] = []
        self.answers: list[bool] = []
        self.stopped: list[int] = []
        original_start = ahead.start
        original_answer, original_end = ahead.Ahead.answer, ahead.Ahead.end

        def started(*arguments: Any) -> ahead.Ahead | None:
            child = original_start(*arguments)
            if child is not None:
                self.started.append(child.pid)
            return child

        def answer(child: ahead.Ahead) -> ahead.Answer | None:
            found = original_answer(child)
            self.answers.append(found is not None)
            return found

        def end(child: ahead.Ahead, *, stop: bool = True) -> None:
            if stop and not child.ended:
                self.stopped.append(child.pid)
            original_end(child, stop=stop)

        monkeypatch.setattr(ahead, "start", started)
        monkeypatch.setattr(ahead.Ahead, "answer", answer)
        monkeypatch.setattr(ahead.Ahead, "end", end)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    monkeypatch.setattr(ahead, "FROM_BYTES", 0)
    monkeypatch.setattr(ahead, "_forks_usefully", lambda: True)  # one core in CI too
    return Spy(monkeypatch)


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # waited for already: no zombie left
    return False


@pytest.mark.parametrize("edit", EDITS, ids=str)
def test_the_childs_answer_after_any_edit_is_the_whole_answer(
    tmp_path: Path, spy: Spy, edit: str
) -> None:
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    assert spy.started == []  # no findings yet: the first run parses while it imports
    build_tree(root, EDITS[edit])
    assert validation.validate(root, DAY) == _uncached(root)
    assert spy.answers == [True]
    assert all(_gone(pid) for pid in spy.started)


def test_a_large_record_read_again_by_the_child_gives_the_whole_answer(
    tmp_path: Path, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large record's snapshot keeps no bytes: the child reads the files it loads."""
    monkeypatch.setattr(read, "PARALLEL_FROM", 1)
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    build_tree(root, EDITS["a referenced record broken"])
    assert validation.validate(root, DAY) == _uncached(root)
    assert spy.answers == [True]


def test_nothing_changed_stops_the_child(tmp_path: Path, spy: Spy) -> None:
    root = _tree(tmp_path)
    first = validation.validate(root, DAY)
    again = validation.validate(root, DAY)
    assert again == first
    assert spy.answers == [] and spy.stopped == spy.started and len(spy.started) == 1
    assert _gone(spy.started[0])


def _fails(*_: Any) -> None:
    raise RuntimeError("a failure in the child")


def _is_killed(*_: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # out of memory, say


# An edit, the step of the child that goes wrong, and how.
MISHAPS = {
    "fails": ("what an arrangement covers", "validate", _fails),
    "killed": ("the memorandum", "prepare", _is_killed),
}


@pytest.mark.parametrize("mishap", MISHAPS)
def test_a_child_that_fails_or_is_killed_leaves_the_check_to_the_process(
    tmp_path: Path, spy: Spy, monkeypatch: pytest.MonkeyPatch, mishap: str
) -> None:
    edit, where, happen = MISHAPS[mishap]
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    build_tree(root, EDITS[edit])
    parent, original = os.getpid(), getattr(findings, where)

    def in_the_child(*arguments: Any) -> Any:
        if os.getpid() != parent:
            happen()
        return original(*arguments)

    monkeypatch.setattr(findings, where, in_the_child)
    assert validation.validate(root, DAY) == _uncached(root)
    assert spy.answers == [False]


def test_files_that_cannot_be_given_stop_the_child(
    tmp_path: Path, spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing the files for the child fails (a file-size limit, a full disk where there is no
    memfd): the child is stopped and this process checks them; never a wait for ever."""
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    build_tree(root, EDITS["a referenced record's kind"])

    def full(*arguments: Any) -> int:
        raise OSError(27, "File too large")

    def waited_too_long(*_: Any) -> None:
        raise TimeoutError("the parent waits for an answer that cannot come")

    monkeypatch.setattr(workers, "write_all", full)  # (the child, forked before, is as it was)
    before = signal.signal(signal.SIGALRM, waited_too_long)
    signal.alarm(60)
    try:
        outcome = validation.validate(root, DAY)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert outcome == _uncached(root)
    assert spy.answers == [False] and spy.stopped == spy.started


def test_damaged_findings_end_the_child_at_once(tmp_path: Path, spy: Spy) -> None:
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    store = cache.open_cache()
    assert store is not None
    store.store_result(findings.entry_name(root), ["not", "findings"])
    build_tree(root, EDITS["a document that appears"])
    assert validation.validate(root, DAY) == _uncached(root)
    assert spy.answers == [False]


def test_plain_validate_command_uses_the_child(
    tmp_path: Path, spy: Spy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    build_tree(root, EDITS["a new record a reference names"])
    arguments = ["--records", str(root), "validate", "--as-of", DAY.isoformat(), "--format", "json"]
    monkeypatch.setattr(sys, "argv", ["mou", *arguments])
    with pytest.raises(SystemExit):
        start.main(prog_name="mou")
    through_child = capsys.readouterr().out
    assert spy.answers == [True]
    monkeypatch.setenv("MOU_NO_CACHE", "1")
    with pytest.raises(SystemExit):
        start.main(prog_name="mou")
    assert capsys.readouterr().out == through_child


def test_no_child_where_it_would_not_pay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    validation.validate(root, DAY)
    store, threshold = cache.open_cache(), ahead.FROM_BYTES
    monkeypatch.setattr(workers, "threads_running", lambda: False)  # each reason on its own
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    monkeypatch.setattr(ahead, "FROM_BYTES", 0)
    child = ahead.start(root, DAY, store)
    assert child is not None  # what the cases below take away, one at a time
    child.end()
    monkeypatch.setattr(ahead, "FROM_BYTES", threshold)
    assert ahead.start(root, DAY, store) is None  # the findings of a small record
    monkeypatch.setattr(ahead, "FROM_BYTES", 0)
    assert ahead.start(root, DAY, None) is None  # no cache
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0})
        assert ahead.start(root, DAY, store) is None  # one core: the child would take turns
