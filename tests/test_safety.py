"""Writers killed at any moment and writers running at once never lose or corrupt a record."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from mou.checks import validate
from mou.read import find_files
from mou.write import write_new, write_text

Tree = Callable[[dict[str, str | bytes]], Path]
MOU = Path(sys.executable).parent / "mou"
TEXT = "kind: exchange\n" + "notes: " + "x" * 20000 + "\n"  # large enough to be caught mid-write
OTHER = "kind: exchange\n" + "notes: " + "y" * 30000 + "\n"
KILLS = 120


def _fork_and_kill(work: Callable[[], None], rng: random.Random) -> None:
    pid = os.fork()
    if pid == 0:  # the child writes until it is killed
        try:
            work()
        finally:
            os._exit(0)
    time.sleep(rng.uniform(0.0005, 0.02))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_killed_writers_leave_whole_records_or_none(tmp_path: Path) -> None:
    rng = random.Random(5)
    folder = tmp_path / "records"
    folder.mkdir()
    replaced = folder / "replaced.yaml"
    write_text(replaced, TEXT)

    def create() -> None:
        for i in range(10_000):
            write_new(folder / f"r{os.getpid()}-{i}.yaml", TEXT)

    def replace() -> None:
        while True:
            write_text(replaced, OTHER)
            write_text(replaced, TEXT)

    for round_ in range(KILLS):
        _fork_and_kill(create if round_ % 2 else replace, rng)

    records = [folder / path for path in find_files(folder)]
    assert len(records) > 1, "no writer got to write a record: the test proves nothing"
    for record in records:
        assert record.read_text() in (TEXT, OTHER), f"{record.name} is partial"
    assert replaced.read_text() in (TEXT, OTHER)
    # What a kill can leave is a temporary file, dot-named, which is never read as a record.
    leftovers = [p.name for p in folder.iterdir() if p not in records]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers)
    print(f"{len(records)} records written, {len(leftovers)} writes cut off by a kill")


EXCHANGE = [
    "add-exchange",
    "--date",
    "2024-01-01",
    "--from",
    "cis",
    "--to",
    "iom",
    "--subject",
    "Bulletin",
    "--public-domain",
]


def test_concurrent_adds_get_distinct_ids(base_tree: Tree) -> None:
    root = base_tree({})
    processes = [
        subprocess.Popen([MOU, "--records", root, *EXCHANGE], stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    paths = [process.communicate()[0].strip() for process in processes]
    assert [process.returncode for process in processes] == [0] * 8
    assert len(set(paths)) == 8
    names = sorted(p.name for p in (root / "exchanges").iterdir())
    assert names == sorted(
        ["2024-01-01-bulletin.yaml"] + [f"2024-01-01-bulletin-{n}.yaml" for n in range(2, 9)]
    )
    assert validate(root, date(2025, 1, 1)).problems == []


def test_killed_mou_add_leaves_a_valid_record(base_tree: Tree) -> None:
    root = base_tree({})
    rng = random.Random(7)
    for _ in range(12):
        process = subprocess.Popen([MOU, "--records", root, *EXCHANGE], stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.8))
        process.send_signal(signal.SIGKILL)
        process.wait()
    # The lock died with its holder: the next writer is not blocked.
    command: list[str | Path] = [MOU, "--records", root, *EXCHANGE]
    finished = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert finished.returncode == 0
    assert validate(root, date(2025, 1, 1)).problems == []
    for path in find_files(root):
        assert (root / path).stat().st_size > 0
