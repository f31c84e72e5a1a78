"""Rules over the whole record: one function per family of codes, in a registry.

Each check takes the `Context` and yields problems; `run_checks` runs them all. What a code
means to a user is in the catalogue (`problems.CODES`, shown by `mou explain`); the
docstrings here say how the rule is applied.
"""

from datetime import date
from pathlib import Path

from mou.checks.base import CHECKS, FILE_CHECKS, Context, Whole, check, check_files, of_kind

# The families of checks register themselves in this order (the order of `CHECKS`).
# isort: off
from mou.checks import records, rules

# isort: on
from mou.load import RecordSet, load
from mou.problems import Problem, Validation, capped
from mou.progress import reporter

__all__ = [
    "CHECKS",
    "FILE_CHECKS",
    "Context",
    "Whole",
    "check",
    "check_files",
    "finish",
    "of_kind",
    "records",
    "rules",
    "run_checks",
    "staged_checks",
    "validate",
]


def run_checks(records: RecordSet, today: date) -> list[Problem]:
    """Every problem of the record: those found while loading, then every check's."""
    found = list(records.problems)
    for problems in staged_checks(Context(records, today)):
        found.extend(problems)
    return finish(found)


def staged_checks(context: Context) -> list[list[Problem]]:
    """The problems each check finds, one list per check in the order of `CHECKS`."""
    stages = []
    progress = reporter()
    progress.step("Checking", len(CHECKS))
    for function in CHECKS:
        stages.append(list(function(context)))
        progress.advance()
    progress.close()  # what comes next is output: the bar must be gone
    return stages


def finish(found: list[Problem]) -> list[Problem]:
    """Problems in the order they are shown (a stable sort: found first, first shown among
    equals), at most as many as are shown."""
    return capped(sorted(found, key=Problem.sort_key))


def validate(root: Path, today: date, extra: dict[str, bytes] | None = None) -> Validation:
    """Load the record under `root` and run every check."""
    records = load(root, extra)
    return Validation(run_checks(records, today), len(records.files))
