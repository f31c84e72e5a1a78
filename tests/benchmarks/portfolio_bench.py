"""The portfolio's figures in `make bench` (issue 15): a portfolio of MOU_BENCH_PORTFOLIO
memoranda (default 200) holding MOU_BENCH_PORTFOLIO_RECORDS records in all (default 50,000)
against one memorandum holding as many, validated side by side, runs interleaved; and the
memory of the portfolio's validation (summed over processes; target < 500 MB).

    python tests/benchmarks/portfolio_bench.py     (also run by bench.py)
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import BIN, CPU, WORK, empty_cache, line, peak_memory_mb, timed  # noqa: E402
from generate import generate  # noqa: E402


def generate_portfolio(out: Path, members: int, records: int) -> None:
    """`members` memoranda of `records` records in all, each generated as one (its own seed,
    its own title, so that no two have the same), under `out`."""
    each = records // members
    for index in range(members):
        root = out / f"memorandum-{index:03d}"
        generate(root, each, seed=index)
        memorandum = root / "memorandum.yaml"
        lines = memorandum.read_text(encoding="utf-8").splitlines()
        at = lines.index("title:")
        for offset in (1, 2):  # title.en, title.ru
            lines[at + offset] += f" No. {index}"
        memorandum.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "portfolio.yaml").write_text("name: benchmark portfolio\n", encoding="utf-8")


def interleaved(commands: dict[str, list[str | Path]], repeat: int, cold: bool) -> dict[str, float]:
    """Median wall time of each command, and its median CPU in bench.CPU, runs interleaved
    (one of each in turn) so that the machine's load falls on all alike."""
    walls: dict[str, list[float]] = {label: [] for label in commands}
    cpus: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            wall = timed(command, 1, before=empty_cache if cold else None)
            walls[label].append(wall)
            cpus[label].append(CPU[wall])
    medians = {}
    for label in commands:
        wall = statistics.median(walls[label])
        CPU[wall] = statistics.median(cpus[label])
        medians[label] = wall
    return medians


def portfolio_section(members: int, records: int, repeat: int) -> None:
    mou = BIN / "mou"
    single, portfolio = WORK / f"single-{records}", WORK / f"portfolio-{members}-{records}"
    if not (single / "memorandum.yaml").is_file():
        generate(single, records)
    if not (portfolio / "portfolio.yaml").is_file():
        generate_portfolio(portfolio, members, records)
    print(f"portfolio: {members} memoranda holding {records:,} records against one holding as many")
    for label, options in (
        ("cold (empty cache)", []),
        ("--no-cache", ["--no-cache"]),
        ("warm", []),
    ):
        commands: dict[str, list[str | Path]] = {
            "one": [mou, *options, "--records", single, "validate"],
            "portfolio": [mou, *options, "--records", portfolio, "validate"],
        }
        if label == "warm":
            interleaved(commands, 1, cold=False)
        times = interleaved(commands, repeat, cold=label.startswith("cold"))
        one, whole = times["one"], times["portfolio"]
        line(f"one memorandum, validate {label}", one)
        line(f"the portfolio, validate {label}", whole)
        ratio, cpu = whole / one, CPU[whole] / CPU[one]
        verdict = "met" if max(ratio, cpu) <= 1.3 else ("met by CPU" if cpu <= 1.3 else "NOT met")
        print(
            f"  {'→ portfolio / one':<48} {ratio:>9.2f}x (cpu {cpu:.2f}x)"
            f"     target ≤ 1.3: {verdict}"
        )
    empty_cache()
    for label, options in (
        ("validate (cold: empty cache)", []),
        ("validate --no-cache", ["--no-cache"]),
    ):
        rss, pss = peak_memory_mb([mou, *options, "--records", portfolio, "validate"])
        verdict = "met" if rss < 500 else ("met by PSS" if pss < 500 else "NOT met")
        print(f"  the portfolio, {label:<30} RSS {rss:>5.0f} MB  PSS {pss:>5.0f} MB  {verdict}")


def main() -> None:
    WORK.mkdir(exist_ok=True)
    members = int(os.environ.get("MOU_BENCH_PORTFOLIO", "200"))
    records = int(os.environ.get("MOU_BENCH_PORTFOLIO_RECORDS", "50000"))
    repeat = int(os.environ.get("MOU_BENCH_REPEAT", "3"))
    if members:
        portfolio_section(members, records, repeat)


if __name__ == "__main__":
    main()
