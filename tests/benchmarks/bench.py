"""`make bench`: mou against its floor and its peers, measured side by side in one run.

Prints medians (whole processes, wall clock) and ratios; asserts nothing, since the machines
are shared and noisy. Sizes: MOU_BENCH_SIZES (default "1000,10000"), repetitions:
MOU_BENCH_REPEAT (default 3), memory size: MOU_BENCH_MEMORY (default 50000, 0 to skip).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = Path(sys.executable).parent
WORK = REPO / ".bench"

sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

READ_ONLY = """
import os, sys
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(folder, name), "rb") as handle:
            handle.read()
"""
MINIMAL_TYPER = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str) -> None:
    print(name)
@app.command()
def bye(name: str) -> None:
    print(name)
app()
"""


def timed(command: Sequence[str | Path], repeat: int) -> float:
    """Median wall time of `command` over `repeat` runs (output discarded)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(command: Sequence[str | Path]) -> float:
    """Peak of the summed resident memory of `command` and its children (Linux /proc)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def tree_rss(pid: int) -> int:
        total = 0
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{pid}/task").iterdir():
                for child in (task / "children").read_text().split():
                    total += tree_rss(int(child))
        except (OSError, StopIteration, ValueError):
            pass
        return total

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=poll)
    watcher.start()
    process.wait()
    done.set()
    watcher.join()
    return peak / 1024


def files_of(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.yaml"))


def main() -> None:
    sizes = [int(s) for s in os.environ.get("MOU_BENCH_SIZES", "1000,10000").split(",")]
    repeat = int(os.environ.get("MOU_BENCH_REPEAT", "3"))
    memory_size = int(os.environ.get("MOU_BENCH_MEMORY", "50000"))
    python, mou, checker = sys.executable, BIN / "mou", BIN / "check-jsonschema"
    WORK.mkdir(exist_ok=True)
    schema_dir = WORK / "schema"
    subprocess.run([mou, "schema", "--output", schema_dir], check=True, capture_output=True)
    schema = schema_dir / "record.schema.json"

    print(
        f"mou benchmarks — {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"median of {repeat}"
    )
    print()
    print(
        f"{'records':>8} {'read only':>10} {'mou validate':>13} {'check-jsonschema':>17} "
        f"{'ratio':>7} {'mou/floor':>10}"
    )
    for size in sizes:
        root = WORK / f"records-{size}"
        generate(root, size)
        command: list[str | Path] = [mou, "--records", root, "validate"]
        check = subprocess.run(command, capture_output=True, text=True, check=False)
        if check.returncode != 0:
            sys.exit(f"generated record is not valid:\n{check.stdout[-2000:]}")
        floor = timed([python, "-c", READ_ONLY, root], repeat)
        ours = timed([mou, "--records", root, "validate"], repeat)
        peer = timed([checker, "--schemafile", schema, *files_of(root)], repeat)
        print(
            f"{size:>8} {floor:>9.2f}s {ours:>12.2f}s {peer:>16.2f}s {peer / ours:>6.1f}x "
            f"{ours / floor:>9.1f}x"
        )

    # The review of the largest record, against `mou validate` of it (which it includes).
    largest = WORK / f"records-{max(sizes)}"
    review: list[str | Path] = [
        mou,
        "--records",
        largest,
        "review",
        "--period",
        "2009..2024",
        "--as-of",
        "2025-01-01",
    ]
    review_json = timed([*review, "--format", "json"], repeat)
    review_html = timed([*review, "--format", "html", "--lang", "ru"], repeat)
    validate_only = timed([mou, "--records", largest, "validate"], repeat)
    print()
    print(
        f"mou review of {max(sizes):,} records: json {review_json:.2f}s, html (ru) "
        f"{review_html:.2f}s; validate alone {validate_only:.2f}s "
        f"(review/validate {review_html / validate_only:.2f}x)"
    )

    help_ours = timed([mou, "--help"], max(repeat, 5))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(MINIMAL_TYPER)
    help_typer = timed([python, script.name, "--help"], max(repeat, 5))
    os.unlink(script.name)
    print()
    print(
        f"mou --help {help_ours * 1000:.0f} ms, minimal Typer app --help "
        f"{help_typer * 1000:.0f} ms: {help_ours / help_typer:.2f}x (target within 1.2x)"
    )

    if memory_size:
        root = WORK / f"records-{memory_size}"
        generate(root, memory_size)
        start = time.perf_counter()
        peak = peak_rss_mb([mou, "--records", root, "validate"])
        took = time.perf_counter() - start
        print(
            f"peak memory of mou validate over {memory_size:,} records: {peak:.0f} MB "
            f"(summed over its processes; target under 500 MB), {took:.1f} s"
        )


if __name__ == "__main__":
    main()
