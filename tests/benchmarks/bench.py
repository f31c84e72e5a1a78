"""`make bench`: mou against its floor and its peers, measured side by side in one run.

Prints medians (whole processes, wall clock) and each target of issue 13 with the ratio
measured; asserts nothing, since the machines are shared and noisy. Sizes: MOU_BENCH_SIZES
(default "1000,10000"), repetitions: MOU_BENCH_REPEAT (default 3; check-jsonschema:
MOU_BENCH_PEER_REPEAT, default 3 up to 2,000 files, where a run takes seconds, else 1),
memory size: MOU_BENCH_MEMORY (default 50000, 0 to skip); the portfolio's figures:
tests/benchmarks/portfolio_bench.py (MOU_BENCH_PORTFOLIO=0 skips them).
The cache used is .bench/cache, emptied where a measure says "cold".

mou's own modules are compiled to bytecode first (`compileall`), as an installed wheel has
them: with PYTHONDONTWRITEBYTECODE set, an editable install would otherwise compile every
module it imports from source on every run, and each figure would time the compiler too.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = Path(sys.executable).parent
WORK = REPO / ".bench"
CACHE = WORK / "cache"
DEMO = REPO / "examples" / "demo"

sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

# The floor: what any tool must do to know whether a record changed.
FLOOR = """
import hashlib, os, sys
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(folder, name), "rb") as handle:
            data = handle.read()
        hashlib.sha1(b"blob %d\\0" % len(data) + data).hexdigest()
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
Command = Sequence[str | Path]


CPU: dict[float, float] = {}  # a wall-clock median → the median CPU time of the same runs


def timed(command: Command, repeat: int, before: Callable[[], None] | None = None) -> float:
    """Median wall time of `command` over `repeat` runs (output discarded); `before` runs,
    untimed, before each. The median CPU time (user + system, over all processes) is kept in
    CPU: on a shared machine it moves less than the wall clock."""
    times, cpu = [], []
    env = {**os.environ, "MOU_CACHE": str(CACHE)}
    for _ in range(repeat):
        if before is not None:
            before()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
    wall = statistics.median(times)
    CPU[wall] = statistics.median(cpu)
    return wall


def empty_cache() -> None:
    shutil.rmtree(CACHE, ignore_errors=True)
    settle()


def settle() -> None:
    """Flush what was just written or removed (the generated records, the emptied cache) to
    disk before the clock starts: the system writes it back later, and that writing would be
    counted against whichever run comes next (it made the first cold runs 1.5x slower)."""
    if hasattr(os, "sync"):
        os.sync()


# What the bench no longer needs is moved here, and removed only once every section is done.
ASIDE = WORK / "aside"
SLOW_FILE = 60e-6  # seconds to make a file: above this the disk is not at its usual speed


def put_aside(path: Path) -> None:
    """Move `path` (if any) out of the way, to be removed at the end (`remove_aside`)."""
    if path.exists():
        ASIDE.mkdir(exist_ok=True)
        path.rename(ASIDE / f"{path.name}.{time.time_ns()}")


def remove_aside() -> None:
    shutil.rmtree(ASIDE, ignore_errors=True)


def wait_for_the_disk(longest: float = 480) -> None:
    """Wait, up to `longest` seconds, until the disk makes files at its usual speed. Ext4
    without a journal (this machine's root) passes over the inodes freed in the last minutes
    when it makes a file, one by one: for up to ~6 minutes after 21,000 files were removed
    (the last bench's sites, a test run's temporary folders), making a file took 150-450 µs
    instead of 10-25 (measured), which added 3-4 s of system time to a site's build. A probe
    makes 300 empty files in a folder of its own and times them."""
    waited = 0.0
    while True:
        probe = WORK / f"probe.{time.time_ns()}"
        probe.mkdir()
        start = time.perf_counter()
        for number in range(300):
            (probe / str(number)).touch()
        each = (time.perf_counter() - start) / 300
        put_aside(probe)
        if each <= SLOW_FILE or waited >= longest:
            break
        if not waited:
            print(f"  (the disk makes a file in {each * 1e6:.0f} µs, not its usual ~20: waiting)")
        time.sleep(30)
        waited += 30
    if waited:
        print(f"  (waited {waited:.0f} s; a file now takes {each * 1e6:.0f} µs)")


def peak_memory_mb(command: Command) -> tuple[float, float]:
    """Peaks of the memory of `command` and its children summed over them (Linux /proc): the
    resident sizes (RSS: a page shared by a forked worker and its parent counts twice) and
    the proportional ones (PSS: a shared page is split between the processes sharing it)."""
    env = {**os.environ, "MOU_CACHE": str(CACHE)}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    peaks = [0, 0]
    done = threading.Event()

    def field(path: str, name: str) -> int:
        text = Path(path).read_text()
        return next(int(line.split()[1]) for line in text.splitlines() if line.startswith(name))

    def tree(pid: int) -> tuple[int, int]:
        rss = pss = 0
        try:
            rss += field(f"/proc/{pid}/status", "VmRSS:")
            pss += field(f"/proc/{pid}/smaps_rollup", "Pss:")
            for task in Path(f"/proc/{pid}/task").iterdir():
                for child in (task / "children").read_text().split():
                    more = tree(int(child))
                    rss, pss = rss + more[0], pss + more[1]
        except (OSError, StopIteration, ValueError):
            pass
        return rss, pss

    def poll() -> None:
        while not done.is_set():
            rss, pss = tree(process.pid)
            peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)
            time.sleep(0.02)

    watcher = threading.Thread(target=poll)
    watcher.start()
    process.wait()
    done.set()
    watcher.join()
    return peaks[0] / 1024, peaks[1] / 1024


def files_of(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.yaml"))


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def line(label: str, seconds: float, note: str = "") -> None:
    cpu = f"(cpu {_shown(CPU[seconds])})" if seconds in CPU else ""
    print(f"  {label:<48} {_shown(seconds):>10} {cpu:<16} {note}")


def target(label: str, mine: float, other: float, goal: str, met: bool) -> None:
    """A target: the ratio `mine / other` by wall clock, and by CPU time."""
    ratio = mine / other
    cpu = f"(cpu {CPU[mine] / CPU[other]:.2f}x)" if mine in CPU and other in CPU else ""
    verdict = "met" if met else "NOT met"
    print(f"  {'→ ' + label:<48} {ratio:>9.2f}x {cpu:<16} target {goal}: {verdict}")


EDITED = "\n  en: "  # the English subject of a generated exchange (`subject:` is a mapping)


def _editor(root: Path) -> Callable[[], None]:
    """Changes one field of one record file before each run (a new English subject each
    time), leaving the file valid: what an editor's save does."""
    victim = next(iter(sorted((root / "exchanges").glob("*.yaml"))))
    original = victim.read_text(encoding="utf-8")
    if f"subject:{EDITED}" not in original:
        sys.exit(f"{victim}: no English subject to edit")
    count = [0]

    def edit() -> None:
        count[0] += 1
        edited = f"subject:{EDITED}(edit {count[0]}) "
        victim.write_text(original.replace(f"subject:{EDITED}", edited, 1), encoding="utf-8")

    return edit


def compile_mou() -> None:
    """mou's modules as bytecode, as an installed wheel has them (see the module's doc)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", REPO / "mou"], check=True)


def git(folder: Path, *arguments: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True, env=env)


def size_section(size: int, repeat: int, peer_repeat: int, schema: Path) -> float:
    """The validate figures of one size; returns the cold validate time."""
    python, mou = sys.executable, BIN / "mou"
    root = WORK / f"records-{size}"
    generate(root, size)
    settle()
    validate: list[str | Path] = [mou, "--records", root, "validate"]
    check = subprocess.run([*validate, "--format", "json"], capture_output=True, check=False)
    if check.returncode != 0:
        sys.exit(f"generated record is not valid:\n{check.stdout[-2000:]!r}")
    print(f"{size:,} records")
    floor = timed([python, "-c", FLOOR, root], repeat)
    cold = timed(validate, repeat, before=empty_cache)
    uncached = timed([mou, "--no-cache", "--records", root, "validate"], repeat)
    subprocess.run(validate, capture_output=True, check=False)
    settle()  # what the runs before wrote (the cache) is not written back during the next
    warm = timed(validate, repeat)
    edit = _editor(root)
    edit()
    check = subprocess.run([*validate, "--format", "json"], capture_output=True, check=False)
    if check.returncode != 0:
        sys.exit(f"the edited record is not valid:\n{check.stdout[-2000:]!r}")

    def edited() -> None:
        edit()
        settle()

    one = timed(validate, repeat, before=edited)
    peer = timed([BIN / "check-jsonschema", "--schemafile", schema, *files_of(root)], peer_repeat)
    line("floor: walk + read + hash every file", floor)
    line("mou validate, cold (empty cache)", cold)
    line("mou --no-cache validate", uncached)
    line("mou validate, unchanged, second run", warm)
    line("mou validate, one file changed", one)
    line("check-jsonschema", peer, f"(median of {peer_repeat})")
    target("unchanged / floor", warm, floor, "≤ 2", warm <= 2 * floor)
    target("check-jsonschema / unchanged", peer, warm, "≥ 50", peer >= 50 * warm)
    target("one changed / cold", one, cold, "≤ 0.3", one <= 0.3 * cold)
    goal = 20 if size >= 10000 else 10
    target("check-jsonschema / cold", peer, cold, f"≥ {goal}", peer >= goal * cold)
    listing = timed([mou, "--no-cache", "--records", root, "list"], repeat)
    line("mou --no-cache list (piped)", listing)
    target("list / validate (both uncached)", listing, uncached, "≤ 1.5", listing <= 1.5 * uncached)
    for output in ("json", "csv"):  # one column set per kind: the same rows, other formats
        other = timed([mou, "--no-cache", "--records", root, "list", "--format", output], repeat)
        line(f"mou --no-cache list --format {output}", other)
    return cold


def site_section(size: int, repeat: int) -> None:
    """`mou site` of a `size` record against `mou validate` of it (both without the cache),
    and the size of its largest pages (issue 11: ≤ 3× validate; no page over 200 KB but the
    search index)."""
    mou = BIN / "mou"
    root = WORK / f"records-{size}"
    builds = [WORK / f"site-{size}.{run}" for run in range(repeat)]
    output = builds[-1]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"mou site, {size:,} records (load average {load:.1f}; validate and site interleaved)")
    command: Command = [mou, "--no-cache", "--records", root, "site", "--as-of", "2025-12-31"]
    # Each build goes into a folder of its own, never used before: what is timed is a first
    # build (a fresh checkout's CI run). Nothing is removed before the builds (old ones are
    # put aside, removed at the end of the bench), and the disk is given time to make files
    # at its usual speed (`wait_for_the_disk`).
    for path in WORK.glob(f"site-{size}*"):
        put_aside(path)
    wait_for_the_disk()
    runs: dict[str, list[tuple[float, float]]] = {"validate": [], "site": []}
    # Each run starts with what the runs before wrote flushed (`settle`).
    for build in builds:  # one of each in turn: a change in the machine's load hits both
        wall = timed([mou, "--no-cache", "--records", root, "validate"], 1, before=settle)
        runs["validate"].append((wall, CPU[wall]))
        wall = timed([*command, "--output", build], 1, before=settle)
        runs["site"].append((wall, CPU[wall]))
    validate, site = (statistics.median(wall for wall, _ in runs[name]) for name in runs)
    CPU[validate], CPU[site] = (statistics.median(cpu for _, cpu in runs[name]) for name in runs)
    again = timed([*command, "--output", output], repeat, before=settle)
    edit = _editor(root)

    def edited_then_settled() -> None:
        edit()
        settle()

    edited = timed([*command, "--output", output], repeat, before=edited_then_settled)
    line("mou --no-cache validate", validate)
    line("mou --no-cache site (into an empty folder)", site)
    line("mou --no-cache site, again, nothing changed", again)
    line("mou --no-cache site, again, one record changed", edited)
    target("site / validate (both uncached)", site, validate, "≤ 3", site <= 3 * validate)
    # The search index and the calendars may be larger (files, not pages: README), and so
    # may mou's own lists of what it wrote (.mou-site, .mou-site-keys).
    pages = sorted(
        (path.stat().st_size, path.relative_to(output).as_posix())
        for path in output.rglob("*")
        if path.is_file()
        and path.name != "search-index.js"
        and path.suffix != ".ics"
        and not path.name.startswith(".")
    )
    over = [name for size_of, name in pages if size_of > 200_000]
    print(
        f"  {len(pages):,} files; the largest: "
        + ", ".join(f"{name} {size_of / 1000:.0f} KB" for size_of, name in pages[-3:])
    )
    print(f"  pages over 200 KB: {len(over)}" + (f" (e.g. {', '.join(over[:4])})" if over else ""))
    for build in builds:
        put_aside(build)


def diff_section(size: int, repeat: int, cold: float) -> None:
    """`mou diff` between two commits of a `size` record that differ in one file."""
    mou = BIN / "mou"
    root = WORK / f"history-{size}"
    put_aside(root)
    shutil.copytree(WORK / f"records-{size}", root / "records")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    _editor(root / "records")()
    git(root, "commit", "-q", "-am", "one change")
    diff: list[str | Path] = [mou, "--records", root / "records", "diff", "HEAD~1", "HEAD"]
    subprocess.run(
        diff, capture_output=True, check=False, env={**os.environ, "MOU_CACHE": str(CACHE)}
    )
    warm = timed(diff, repeat)
    uncached = timed([mou, "--no-cache", *diff[1:]], repeat)
    line(f"mou diff HEAD~1 HEAD, one of {size:,} changed, warm", warm)
    line("mou --no-cache diff, the same", uncached)
    target("diff warm / cold validate", warm, cold, "≤ 0.5", warm <= 0.5 * cold)


def startup_section(repeat: int) -> None:
    python, mou = sys.executable, BIN / "mou"
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(MINIMAL_TYPER)
    typer_help = timed([python, script.name, "--help"], max(repeat, 5))
    os.unlink(script.name)
    version = timed([mou, "--version"], max(repeat, 5))
    help_ = timed([mou, "--help"], max(repeat, 5))
    demo: list[str | Path] = [mou, "--records", DEMO, "validate", "--as-of", "2025-12-31"]
    subprocess.run(
        demo, capture_output=True, check=False, env={**os.environ, "MOU_CACHE": str(CACHE)}
    )
    demo_warm = timed(demo, max(repeat, 5))
    demo_cold = timed([mou, "--no-cache", *demo[1:]], max(repeat, 5))
    demo_empty = timed(demo, max(repeat, 5), before=empty_cache)
    print("start-up")
    line("minimal Typer app --help", typer_help)
    line("mou --version", version)
    line("mou --help", help_)
    line("mou validate, demo (47 files), cached", demo_warm)
    line("mou --no-cache validate, demo", demo_cold)
    line("mou validate, demo, empty cache", demo_empty)
    target("--version / Typer --help", version, typer_help, "≤ 1.0", version <= typer_help)
    target(
        "demo validate (cached) / Typer --help",
        demo_warm,
        typer_help,
        "≤ 1.2",
        demo_warm <= 1.2 * typer_help,
    )
    target(
        "demo validate (uncached) / Typer --help",
        demo_cold,
        typer_help,
        "≤ 1.2",
        demo_cold <= 1.2 * typer_help,
    )
    target(
        "demo validate (empty cache) / Typer --help",
        demo_empty,
        typer_help,
        "≤ 1.2",
        demo_empty <= 1.2 * typer_help,
    )


def memory_section(size: int) -> None:
    mou = BIN / "mou"
    root = WORK / f"records-{size}"
    generate(root, size)
    settle()
    print(f"memory, {size:,} records (peaks summed over processes; target < 500 MB)")
    review = ["review", "--period", "2009..2024", "--as-of", "2025-01-01"]
    commands: dict[str, list[str | Path]] = {
        "validate (cold: empty cache)": [mou, "--records", root, "validate"],
        "validate --no-cache": [mou, "--no-cache", "--records", root, "validate"],
        "review --no-cache": [mou, "--no-cache", "--records", root, *review],
        "list --no-cache (piped)": [mou, "--no-cache", "--records", root, "list"],
        "list --no-cache --format json": [
            *(mou, "--no-cache", "--records", root, "list", "--format", "json")
        ],
    }
    empty_cache()
    for label, command in commands.items():
        start = time.perf_counter()
        rss, pss = peak_memory_mb(command)
        took = time.perf_counter() - start
        verdict = "met" if rss < 500 else ("met by PSS" if pss < 500 else "NOT met")
        print(f"  {label:<40} RSS {rss:>5.0f} MB  PSS {pss:>5.0f} MB  {took:5.1f} s  {verdict}")


def main() -> None:
    sizes = [int(s) for s in os.environ.get("MOU_BENCH_SIZES", "1000,10000").split(",")]
    repeat = int(os.environ.get("MOU_BENCH_REPEAT", "3"))
    peer_repeat = os.environ.get("MOU_BENCH_PEER_REPEAT")
    memory_size = int(os.environ.get("MOU_BENCH_MEMORY", "50000"))
    WORK.mkdir(exist_ok=True)
    compile_mou()
    schema_dir = WORK / "schema"
    subprocess.run([BIN / "mou", "schema", "--output", schema_dir], check=True, capture_output=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"mou benchmarks — {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"median of {repeat}, load average {load:.1f} at the start; mou's modules compiled "
        "to bytecode first, as installed"
    )
    cold = 0.0
    for size in sizes:
        peers = int(peer_repeat) if peer_repeat else (3 if size <= 2000 else 1)
        cold = size_section(size, repeat, peers, schema_dir / "record.schema.json")
    # The site before the diff: the diff's set-up removes and copies a record, and ext4 makes
    # files slowly for a minute after many were removed (see site_section).
    site_section(max(sizes), repeat)
    diff_section(max(sizes), repeat, cold)
    startup_section(repeat)
    if memory_size:
        memory_section(memory_size)
    from portfolio_bench import main as portfolio

    portfolio()
    remove_aside()


if __name__ == "__main__":
    main()
