"""`mou rename` is all or nothing even when the process dies half-way: after the next `mou`
run the record holds either the old id everywhere or the new one everywhere, never a
dangling reference."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, Run
from mou import lifecycle

OLD, NEW = "2025-02-15-arrangement-counter-trafficking", "2025-02-15-counter-trafficking"
TODAY = date(2025, 12, 31)


def demo_copy(folder: Path) -> Path:
    root = folder / "records"
    shutil.copytree(REPO / "examples" / "demo", root)
    return root


def assert_whole(run: Run, root: Path) -> str:
    """After the next run: one of the two ids, everywhere, and a valid record. Which one."""
    result = run("--records", str(root), "validate", "--as-of", str(TODAY))
    assert result.exit_code == 0, result.output
    assert not (root / ".mou-journal").exists()
    old = (root / f"arrangements/{OLD}.yaml").exists()
    new = (root / f"arrangements/{NEW}.yaml").exists()
    assert old != new
    texts = "".join(p.read_text(encoding="utf-8") for p in root.rglob("*.yaml"))
    assert texts.count(f"arrangement: {NEW if new else OLD}") == 3
    assert f"arrangement: {OLD if new else NEW}" not in texts
    return NEW if new else OLD


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs, no cleanup catches it."""


@pytest.mark.parametrize("fatal", range(1, 12))
def test_rename_interrupted_at_each_file_step(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fatal: int
) -> None:
    """Every rename, replace and unlink the rename makes, in turn, is the one it dies at."""
    root = demo_copy(tmp_path)
    calls = 0
    originals = {name: getattr(os, name) for name in ("replace", "unlink", "link")}

    def dying(name: str) -> object:
        def call(*arguments: object, **options: object) -> object:
            nonlocal calls
            calls += 1
            if calls == fatal:
                raise Crash
            return originals[name](*arguments, **options)

        return call

    for name in originals:
        monkeypatch.setattr(os, name, dying(name))
    try:
        lifecycle.rename(root, OLD, NEW, today=TODAY)
        finished = True
    except Crash:
        finished = False
    monkeypatch.undo()
    assert_whole(run, root)
    if finished:  # the steps ran out before the fatal one: the rename is complete
        assert (root / f"arrangements/{NEW}.yaml").exists()


def test_the_program_completes_a_journal_before_validating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed entry point answers a plain `mou validate` without Typer: it must not
    skip the journal a killed rename left."""
    root = demo_copy(tmp_path)
    real_replace = os.replace

    def die_after_the_journal(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        if str(target).endswith("journal.json"):
            raise Crash

    monkeypatch.setattr(os, "replace", die_after_the_journal)
    with pytest.raises(Crash):
        lifecycle.rename(root, OLD, NEW, today=TODAY)
    monkeypatch.undo()
    assert (root / ".mou-journal" / "journal.json").exists()
    program = "from mou.start import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", program, "--records", str(root), "validate", "--as-of", str(TODAY)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (root / ".mou-journal").exists()
    assert (root / f"arrangements/{NEW}.yaml").exists()


def test_rename_killed_at_random_points(run: Run, tmp_path: Path) -> None:
    """SIGKILL a process doing the rename at random moments across its whole run."""
    started = time.perf_counter()
    lifecycle.rename(demo_copy(tmp_path / "timing"), OLD, NEW, today=TODAY)
    duration = time.perf_counter() - started
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    outcomes = []
    for attempt in range(20):
        root = demo_copy(tmp_path / str(attempt))
        pid = os.fork()
        if pid == 0:  # the child renames and leaves at once, whatever happens
            try:
                lifecycle.rename(root, OLD, NEW, today=TODAY)
            finally:
                os._exit(0)
        time.sleep(chance.uniform(0, duration * 1.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        outcomes.append(assert_whole(run, root))
    print(f"seed {seed}: {outcomes.count(NEW)} renamed, {outcomes.count(OLD)} not")
