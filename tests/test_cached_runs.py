"""The cache never changes a result: every command gives the same bytes and exit code with the
cache cold, warm, and turned off; an answer from the cache is given without the models."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE, CASES, REPO, Run, build_tree
from mou import cache
from mou.start import quick_validate

DEMO = str(REPO / "examples" / "demo")
AS_OF = "2025-12-31"
COMMANDS = [
    ["validate", "--as-of", AS_OF],
    ["validate", "--format", "json", "--as-of", "2024-06-01"],
    ["validate", "--format", "sarif", "--strict", "--as-of", AS_OF],
    ["validate", "--format", "github"],
    ["review", "--period", "2024", "--as-of", AS_OF, "--format", "json"],
    ["review", "--period", "2023..2025", "--as-of", AS_OF, "--format", "md"],
    ["list", "--format", "json"],
    ["list", "meeting", "--period", "2024"],
    ["show", "2024-08-19-biometrics-equipment"],
    ["actions", "--as-of", AS_OF, "--format", "csv"],
    ["calendar", "--as-of", AS_OF],
]


def _three_ways(run: Run, args: list[str]) -> list[tuple[int, str]]:
    """The exit code and output without the cache, then with it cold, then warm."""
    results = [run("--no-cache", *args)]
    results += [run(*args), run(*args)]
    return [(result.exit_code, result.output) for result in results]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_on_the_demo_is_the_same_cached_or_not(run: Run, args: list[str]) -> None:
    first, *others = _three_ways(run, ["--records", DEMO, *args])
    assert first[1]
    assert others == [first, first]


def _quick(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int | None, str]:
    code = quick_validate(args)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("args", [c for c in COMMANDS if c[0] == "validate"], ids=" ".join)
def test_validate_before_typer_answers_as_the_cli_does(
    run: Run, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    expected = run("--no-cache", "--records", DEMO, *args)
    capsys.readouterr()
    for options in (["--no-cache"], [], []):  # off, cold, warm
        assert _quick(capsys, [*options, "--records", DEMO, *args]) == (
            expected.exit_code,
            expected.output,
        )


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--help"],
        ["validate", "--format", "yaml"],
        ["validate", "--as-of", "soon"],
        ["validate", "--as-of"],
        ["validate", "--format", "json", "--format", "text"],
        ["validate", "--records", DEMO],
        ["validate", "extra"],
        ["--records", DEMO],
        ["--records", "/no/such/folder", "validate"],
        ["--records=", "validate"],
        ["list"],
        [],
    ],
    ids=" ".join,
)
def test_any_other_command_line_goes_to_the_full_cli(args: list[str]) -> None:
    assert quick_validate(args) is None


def test_equals_forms_and_the_environment_are_read_as_click_reads_them(
    run: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run("--records", DEMO, "validate", "--format", "json", "--as-of", AS_OF)
    capsys.readouterr()
    quick = ["validate", "--format=json", f"--as-of={AS_OF}"]
    assert _quick(capsys, [f"--records={DEMO}", *quick]) == (0, expected.output)
    monkeypatch.setenv("MOU_RECORDS", DEMO)
    assert _quick(capsys, quick) == (0, expected.output)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    github = run("validate", "--as-of", AS_OF).output
    capsys.readouterr()
    assert "::warning" in github
    assert _quick(capsys, ["validate", "--as-of", AS_OF]) == (0, github)


def _tree_files() -> list[tuple[str, bytes]]:
    """Every file of every case: the pool hypothesis draws records from."""
    pool = []
    for case in sorted(CASES.iterdir()):
        for path in sorted(case.rglob("*")):
            if path.is_file() and path.name != "expected.txt":
                pool.append((path.relative_to(case).as_posix(), path.read_bytes()))
    return pool


POOL = _tree_files()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    chosen=st.lists(st.sampled_from(POOL), min_size=1, max_size=8, unique_by=lambda f: f[0]),
    edits=st.lists(st.sampled_from(POOL), max_size=3),
)
def test_hypothesis_trees_validate_the_same_cached_or_not(
    run: Run, chosen: list[tuple[str, bytes]], edits: list[tuple[str, bytes]]
) -> None:
    """Random trees laid over the base memorandum, validated and listed, then edited file by
    file (a record replaced by another, a document appearing): after every step the cached
    answers, cold and warm, are the uncached one (validate takes the findings of unchanged
    files from the cache)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "records"
        shutil.copytree(BASE, root)
        build_tree(root, dict(chosen))
        for step in [None, *edits]:
            if step is not None:
                build_tree(root, dict([step]))
            for args in (["validate", "--as-of", AS_OF], ["list", "--format", "csv"]):
                first, *others = _three_ways(run, ["--records", str(root), *args])
                assert others == [first, first]


def test_a_document_that_appears_or_goes_changes_the_answer(run: Run, tmp_path: Path) -> None:
    root = tmp_path / "records"
    shutil.copytree(CASES / "_base", root)
    shutil.copytree(CASES / "mou206-documents", root, dirs_exist_ok=True)
    (root / "expected.txt").unlink()
    args = ["--records", str(root), "validate", "--format", "json", "--as-of", AS_OF]
    missing = run(*args).output
    assert "no file `documents/missing.pdf`" in missing
    build_tree(root, {"documents/missing.pdf": b"%PDF"})
    present = run(*args).output
    assert present == run("--no-cache", *args).output
    assert "no file `documents/missing.pdf`" not in present
    (root / "documents" / "missing.pdf").unlink()
    assert run(*args).output == missing


def _python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return result.stdout


A_RUN = """
import gc, sys
{before}
sys.argv = ["mou", *{args!r}]
from mou.start import main
try:
    main()
except SystemExit:
    pass
print({shown})
"""
IMPORTED = 'sorted({name.split(".")[0] for name in sys.modules} & {"pydantic", "typer", "click"})'


def _after_a_run(args: list[str], shown: str, env: dict[str, str], before: str = "") -> str:
    """What `mou ARGS` prints, run by mou.start in a new Python (`before` run first), then
    the value of `shown` after it."""
    return _python(A_RUN.format(before=before, args=args, shown=shown), env)


def test_what_a_cached_validate_version_and_help_import(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "MOU_CACHE": str(tmp_path / "cache")}
    validate = ["--records", DEMO, "validate", "--as-of", AS_OF]
    first = _after_a_run(validate, IMPORTED, env)
    assert first.endswith("['pydantic']\n")  # the first run checks, with the models
    second = _after_a_run(validate, IMPORTED, env)
    assert second.endswith("[]\n") and second.splitlines()[:-1] == first.splitlines()[:-1]
    assert _after_a_run(["--version"], IMPORTED, env).splitlines()[-1] == "[]"
    assert _after_a_run(["--help"], IMPORTED, env).splitlines()[-1] == "['typer']"


def test_runs_in_parallel_give_the_same_answer(tmp_path: Path) -> None:
    env = {**os.environ, "MOU_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "mou.start", "--records", DEMO, "validate"]
    command += ["--format", "json", "--as-of", AS_OF]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=REPO) for _ in range(4)
    ]
    outputs = {process.communicate()[0] for process in processes}
    again = subprocess.run(command, capture_output=True, env=env, cwd=REPO, check=False).stdout
    assert outputs == {again}


def test_a_damaged_cache_gives_the_same_answer(run: Run) -> None:
    args = ["--records", DEMO, "validate", "--format", "json", "--as-of", AS_OF]
    expected = run(*args).output
    for path in cache.location().rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes()[:-7])
    assert run(*args).output == expected
    assert run(*args).output == expected


def _commit(repo: Path, message: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "HOME": str(repo),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    for arguments in (["add", "-A"], ["commit", "-q", "-m", message], ["tag", message]):
        subprocess.run(
            ["git", "-C", str(repo), *arguments], check=True, env=env, capture_output=True
        )


EXCHANGE = (
    "kind: exchange\ndate: 2024-01-01\nfrom: cis\nto: iom\nsubject: {}\npublic_domain: true\n"
)
WITH_DOCUMENT = (
    EXCHANGE + "documents:\n  - {{title: Scan, path: documents/scan.pdf, public: true}}\n"
)


def test_diff_reads_only_what_changed_and_says_what_a_full_read_says(
    run: Run, tmp_path: Path
) -> None:
    """Two files with one id (the unchanged one later), a document only in one revision, a
    broken file, a removal: `mou diff` gives what loading both revisions whole gives."""
    from mou.checks import run_checks
    from mou.history import difference, load_revision
    from mou.tables import difference_text

    repo = tmp_path / "repo"
    records = repo / "records"
    shutil.copytree(BASE, records)
    build_tree(
        records,
        {
            "a/same.yaml": EXCHANGE.format("A"),
            "z/same.yaml": EXCHANGE.format("Z"),
            "exchanges/doc.yaml": WITH_DOCUMENT.format("D"),
            "exchanges/gone.yaml": EXCHANGE.format("G"),
        },
    )
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _commit(repo, "v1")
    build_tree(
        records,
        {
            "a/same.yaml": EXCHANGE.format("A, changed"),
            "documents/scan.pdf": b"%PDF",
            "exchanges/broken.yaml": "kind: exchange\ndate: [\n",
        },
    )
    (records / "exchanges" / "gone.yaml").unlink()
    _commit(repo, "v2")
    build_tree(records, {"z/same.yaml": EXCHANGE.format("Z, changed on disk")})
    (records / "documents" / "scan.pdf").unlink()
    for base, head in (("v1", "v2"), ("v2", "v1"), ("v1", None), ("v2", None)):
        old, new = load_revision(records, base), load_revision(records, head)
        expected = difference_text(
            difference(
                old.entries,
                new.entries,
                run_checks(old, date(2025, 12, 31)),
                run_checks(new, date(2025, 12, 31)),
            ),
            "json",
            base,
            head or "working tree",
        )
        args = ["--records", str(records), "diff", base, *([head] if head else [])]
        for result in _three_ways(run, [*args, "--format", "json", "--as-of", AS_OF]):
            assert result == (0, expected), (base, head)


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every record counts as large: bytes not kept after hashing, parsing in workers."""
    from mou import read

    monkeypatch.setattr(read, "PARALLEL_FROM", 2)


@pytest.mark.usefixtures("large")
@pytest.mark.parametrize("args", COMMANDS[:5], ids=" ".join)
def test_large_records_are_the_same_cached_or_not(run: Run, args: list[str]) -> None:
    first, *others = _three_ways(run, ["--records", DEMO, *args])
    assert others == [first, first]


@pytest.mark.usefixtures("large")
def test_a_file_changed_after_hashing_is_never_cached_under_its_old_bytes(tmp_path: Path) -> None:
    from mou import read, validation

    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    day = date(2025, 12, 31)
    changed = root / "exchanges" / sorted(os.listdir(root / "exchanges"))[0]
    original = changed.read_bytes()
    taken = read.snapshot(root)
    assert not taken.data  # a large record keeps no bytes
    changed.write_bytes(original.replace(b"public_domain: true", b"public_domain: false"))
    now = validation.validate_files(root, day, taken)
    cache.set_enabled(False)
    assert now == validation.validate(root, day)
    assert any(problem.code == "MOU301" for problem in now.problems)
    changed.write_bytes(original)
    before = validation.validate(root, day)
    cache.set_enabled(True)
    assert validation.validate(root, day) == before


COUNTED = """
from mou import findings, read
findings.OVERLAP_FROM = 2  # the demo's 47 files count as many
started = []
original = read.parse_in_workers


def counted(*args):
    started.append((len(args[1]), "mou.models" in sys.modules, "yaml" in sys.modules))
    return original(*args)


read.parse_in_workers = counted
"""


@pytest.mark.parametrize("cached", [True, False], ids=["empty cache", "--no-cache"])
def test_a_first_run_parses_in_workers_before_it_imports_the_models(
    tmp_path: Path, cached: bool
) -> None:
    """The parse of a first run starts in worker processes before pydantic and the models
    are imported (it runs while they are), and before the parent imports YAML (it does only
    to locate a problem). The answer is the one a run in one process gives."""
    env = {**os.environ, "MOU_CACHE": str(tmp_path / "cache")}
    args = [*([] if cached else ["--no-cache"]), "--records", DEMO, "validate", "--as-of", AS_OF]
    output = _after_a_run(args, "started", env, before=COUNTED).splitlines()
    assert output[-1] == "[(47, False, False)]"
    expected = subprocess.run(
        [sys.executable, "-m", "mou", "--no-cache", *args[-5:]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    ).stdout
    assert "\n".join(output[:-1]) + "\n" == expected


def test_a_plain_validate_runs_without_the_cycle_collector(tmp_path: Path) -> None:
    """`mou validate` (answered before Typer) runs with the collector off: what it builds
    lives to the end, and walking it when loading ends and at exit cost ~0.1 s at 10,000
    records. Any other command keeps it."""
    env = {**os.environ, "MOU_CACHE": str(tmp_path / "cache")}
    validate = ["--records", DEMO, "validate", "--as-of", AS_OF]
    runs = [_after_a_run(args, "gc.isenabled()", env) for args in (validate, ["--help"])]
    collecting = [output.splitlines()[-1] for output in runs]
    assert collecting == ["False", "True"]
