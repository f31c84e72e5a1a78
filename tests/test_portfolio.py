"""A portfolio of memoranda (mou/portfolio.py and the CLI's -m): discovery, the choice of a
member, the refusal without -m, and what is wrong with a portfolio as a whole."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BASE, Run, build_tree
from mou.portfolio import (
    RECORD_FOLDERS,
    Member,
    Portfolio,
    discover,
    find_portfolio,
    portfolio_problems,
)
from mou.problems import UsageError

MEETING = """kind: meeting
type: consultation
title: Consultations in {id}
date: 2024-03-12
status: held
location: Geneva
format: in-person
organizer: iom
participants:
  - name: A. Ivanov
    party: cis
"""


def memorandum(id: str, title: str | None = None) -> str:
    """The base memorandum with a title of its own."""
    text = (BASE / "memorandum.yaml").read_text(encoding="utf-8")
    given = title or f"Test memorandum {id}"
    return text.replace(
        "title: Test memorandum between the CIS Executive Committee and the IOM Administration",
        f"title: {given}",
    )


def make_portfolio(root: Path, ids: tuple[str, ...] = ("cis-iom", "cis-unhcr")) -> Path:
    """A portfolio of the base memorandum under `ids`, each with one meeting."""
    files: dict[str, str | bytes] = {"portfolio.yaml": "name: test portfolio\n"}
    for id in ids:
        files[f"{id}/memorandum.yaml"] = memorandum(id)
        files[f"{id}/meetings/2024-03-12-consultations.yaml"] = MEETING.format(id=id)
    return build_tree(root, files)


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A portfolio of two memoranda, and the current folder above it (paths are shown
    relative to the current folder)."""
    monkeypatch.delenv("MOU_RECORDS", raising=False)
    root = make_portfolio(tmp_path / "portfolio")
    monkeypatch.chdir(root)
    return root


def _portfolio(root: Path) -> Portfolio:
    found = find_portfolio(root)
    assert found is not None
    return found


def test_record_folders_are_the_kinds_folders() -> None:
    from mou.kinds import KINDS

    assert set(RECORD_FOLDERS) == {kind.folder for kind in KINDS.values() if kind.folder}


def test_members_sorted_by_id(tmp_path: Path) -> None:
    root = make_portfolio(tmp_path / "p", ("zeta", "alpha", "mid"))
    (root / "site").mkdir()
    (root / ".git").mkdir()
    found = _portfolio(root)
    assert found == Portfolio(
        root,
        (
            Member("alpha", root / "alpha"),
            Member("mid", root / "mid"),
            Member("zeta", root / "zeta"),
        ),
    )
    assert found.member("mid").root == root / "mid"
    with pytest.raises(UsageError, match="use -m ID: one of alpha, mid, zeta"):
        found.member("nope")


@pytest.mark.parametrize(
    ("files", "is_portfolio"),
    [
        ({"a/memorandum.yaml": "kind: memorandum\n"}, True),  # no marker needed
        ({"portfolio.yaml": "name: x\n"}, True),  # an empty portfolio, just made
        ({"memorandum.yaml": "", "a/memorandum.yaml": ""}, False),  # a single memorandum
        ({"records/memorandum.yaml": "", "a/memorandum.yaml": ""}, False),  # a repository
        ({"a/meetings/x.yaml": "", "docs/readme.md": ""}, False),  # no memorandum anywhere
        ({".hidden/memorandum.yaml": ""}, False),  # hidden folders are never members
    ],
)
def test_what_is_a_portfolio(
    tmp_path: Path, files: dict[str, str | bytes], is_portfolio: bool
) -> None:
    build_tree(tmp_path / "p", files)
    assert (find_portfolio(tmp_path / "p") is not None) == is_portfolio


def test_discovery(portfolio: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert discover(portfolio) == portfolio  # explicit (--records, MOU_RECORDS)
    monkeypatch.chdir(portfolio)
    assert discover(None) == portfolio  # the current folder
    (portfolio / "docs" / "deep").mkdir(parents=True)
    monkeypatch.chdir(portfolio / "docs" / "deep")
    assert discover(None) == portfolio  # upward, by its portfolio.yaml
    monkeypatch.chdir(portfolio / "cis-iom" / "meetings")
    assert discover(None) == portfolio / "cis-iom"  # inside a member: the member, as today


def test_upward_without_marker_stops_at_nothing(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Far below a folder that merely holds memoranda's folders, nothing is taken for a
    portfolio: only the folder itself, or one marked with portfolio.yaml, is."""
    (portfolio / "portfolio.yaml").unlink()
    (portfolio / "docs").mkdir()
    monkeypatch.chdir(portfolio / "docs")
    assert discover(None) == Path("records")
    monkeypatch.chdir(portfolio)
    assert discover(None) == portfolio


def test_one_memorandum_command_needs_m(run: Run, portfolio: Path) -> None:
    result = run("--records", str(portfolio), "list", "meeting")
    assert result.exit_code == 2
    assert "is a portfolio: this command works on one memorandum; " in result.output
    assert "use -m ID: one of cis-iom, cis-unhcr" in result.output


@pytest.mark.parametrize("option", ["-m", "--memorandum"])
def test_m_chooses_the_member(run: Run, portfolio: Path, option: str) -> None:
    result = run("--records", str(portfolio), option, "cis-unhcr", "list", "meeting")
    assert result.exit_code == 0
    assert "Consultations in cis-unhcr" in result.output
    assert "cis-iom" not in result.output


def test_m_from_the_environment_and_upward(
    run: Run, portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOU_RECORDS", str(portfolio))
    assert "Consultations in cis-iom" in run("-m", "cis-iom", "list", "meeting").output
    monkeypatch.delenv("MOU_RECORDS")
    monkeypatch.chdir(portfolio)
    assert "Consultations in cis-iom" in run("-m", "cis-iom", "list", "meeting").output


def test_inside_a_member_as_today(
    run: Run, portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(portfolio / "cis-iom" / "meetings")
    result = run("list", "meeting")
    assert result.exit_code == 0
    assert "Consultations in cis-iom" in result.output
    # -m from inside one member names a sibling
    assert "Consultations in cis-unhcr" in run("-m", "cis-unhcr", "list", "meeting").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-m", "nope"), "-m nope: no such memorandum in the portfolio"),
        (("-m", "x", "--records", "{single}"), "is one memorandum, not a portfolio"),
    ],
)
def test_m_refused(run: Run, portfolio: Path, args: tuple[str, ...], message: str) -> None:
    single = build_tree(
        portfolio.parent / "repo" / "records", {"memorandum.yaml": memorandum("one")}
    )
    arguments = [a.format(single=single) for a in args]
    if "--records" not in arguments:
        arguments += ["--records", str(portfolio)]
    result = run(*arguments, "list", "meeting")
    assert result.exit_code == 2
    assert message in result.output


def _complete(words: list[str], incomplete: str) -> list[str]:
    from typer._completion_classes import BashComplete
    from typer.main import get_command

    from mou.cli import app

    shell = BashComplete(get_command(app), {}, "mou", "_MOU_COMPLETE")
    return [item.value for item in shell.get_completions(words, incomplete)]


def test_completion_of_the_ids(portfolio: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = ["--records", str(portfolio)]
    assert _complete([*records, "-m"], "cis-u") == ["cis-unhcr"]
    assert _complete([*records, "--memorandum"], "") == ["cis-iom", "cis-unhcr"]
    assert _complete([*records, "-m", "cis-unhcr", "show"], "2024") == ["2024-03-12-consultations"]
    monkeypatch.chdir(portfolio / "cis-iom")  # from inside a member: its siblings
    assert _complete(["-m"], "") == ["cis-iom", "cis-unhcr"]


# --- what is wrong with a portfolio (MOU401-MOU403) ---------------------------------------


def _not_an_id(name: str) -> tuple[dict[str, str | bytes], list[tuple[str, str, int, str]]]:
    """A memorandum in a folder whose `name` is no id: MOU404."""
    path = f"{name}/memorandum.yaml"
    return {path: memorandum("x")}, [("MOU404", path, 1, f"the folder name {name}/ is not a")]


# The portfolio's own problems, each a case (tests/test_cases.py counts their codes).
PORTFOLIO_CASES: list[tuple[dict[str, str | bytes], list[tuple[str, str, int, str]]]] = [
    (
        {"stray/meetings/2024-01-01-x.yaml": MEETING.format(id="stray")},
        [("MOU401", "stray/memorandum.yaml", 1, "stray/ holds records but no memorandum.yaml")],
    ),
    (
        {"stray/x.yaml": "kind: meeting\n"},
        [("MOU401", "stray/memorandum.yaml", 1, "its records are not checked")],
    ),
    (
        {"repo/records/memorandum.yaml": memorandum("repo")},  # a clone of a repository
        [("MOU401", "repo/memorandum.yaml", 1, "repo/ holds records but no memorandum.yaml")],
    ),
    ({"site/index.yaml": "", "documents/a.pdf": "", ".git/x.yaml": ""}, []),  # not members
    (
        {"copy/memorandum.yaml": memorandum("cis-iom")},
        [
            (
                "MOU402",
                "copy/memorandum.yaml",
                3,
                "the same title (en) as the memorandum cis-iom",
            )
        ],
    ),
    # a memorandum nested in a member is the member's own MOU403 (see the test below)
    ({"cis-iom/inner/memorandum.yaml": memorandum("inner")}, []),
    (
        {"group/a/memorandum.yaml": memorandum("a"), "group/portfolio.yaml": "name: g\n"},
        [("MOU403", "group/", 1, "a portfolio inside the portfolio")],
    ),
    *(
        _not_an_id(name)
        for name in ("-x", "with space", "меморандум", "Upper", "a--b", "b" * 81, "b" * 250)
    ),
]


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "memorandum.yaml")


def _folder(folder: Path) -> None:
    (folder / "memorandum.yaml").mkdir()


def _device(folder: Path) -> None:
    (folder / "memorandum.yaml").symlink_to("/dev/zero")


# Each way a memorandum.yaml can be no regular file, and what it is said to be.
NOT_FILES = [(_fifo, "a named pipe (FIFO)"), (_folder, "a folder"), (_device, "a character device")]


@pytest.mark.parametrize(("make", "what"), NOT_FILES)
def test_a_memorandum_yaml_that_is_no_file_is_said(
    run: Run, portfolio: Path, make: Callable[[Path], None], what: str
) -> None:
    import json

    (portfolio / "odd" / "meetings").mkdir(parents=True)
    make(portfolio / "odd")
    result = run(
        "--records", str(portfolio), "validate", "--as-of", "2025-06-01", "--format", "json"
    )
    assert result.exit_code == 1
    [diagnostic] = json.loads(result.output)["diagnostics"]
    assert (diagnostic["code"], diagnostic["path"]) == ("MOU401", "odd/memorandum.yaml")
    expected = f"odd/ is not read: its memorandum.yaml is {what}, not a regular file"
    assert diagnostic["message"] == expected
    # -m odd says the same, with its code (not "no such memorandum")
    for command in (("list",), ("status", "--as-of", "2025-06-01")):
        chosen = run("--records", str(portfolio), "-m", "odd", *command)
        assert (chosen.exit_code, chosen.stderr) == (1, f"mou: error MOU401 -m odd: {expected}\n")


def test_m_of_a_folder_holding_records_without_memorandum_says_mou401(
    run: Run, portfolio: Path
) -> None:
    (portfolio / "cis-who" / "meetings").mkdir(parents=True)
    (portfolio / "cis-who" / "meetings" / "2024-01-01-x.yaml").write_text(MEETING.format(id="x"))
    validated = run("--records", str(portfolio), "validate", "--as-of", "2025-06-01")
    expected = "cis-who/ holds records but no memorandum.yaml: its records are not checked"
    assert "MOU401" in validated.stdout and expected in validated.stdout
    chosen = run("--records", str(portfolio), "-m", "cis-who", "list")
    assert (chosen.exit_code, chosen.stderr) == (1, f"mou: error MOU401 -m cis-who: {expected}\n")


def test_a_memorandum_linked_out_is_not_suggested(
    run: Run, portfolio: Path, tmp_path: Path
) -> None:
    (portfolio / "cis-out").mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text(memorandum("cis-out"))
    (portfolio / "cis-out" / "memorandum.yaml").symlink_to(outside)
    result = run("--records", str(portfolio), "-m", "nope", "list")
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith("use -m ID: one of cis-iom, cis-unhcr")


def test_a_member_linked_from_outside_is_said(run: Run, portfolio: Path, tmp_path: Path) -> None:
    import json

    outside = make_portfolio(tmp_path / "elsewhere", ("lnk",)) / "lnk"
    (portfolio / "lnk").symlink_to(outside)
    (portfolio / "docs").symlink_to(tmp_path)  # a link to a folder of no records: left alone
    result = run(
        "--records", str(portfolio), "validate", "--as-of", "2025-06-01", "--format", "json"
    )
    assert result.exit_code == 1
    [diagnostic] = json.loads(result.output)["diagnostics"]
    assert (diagnostic["code"], diagnostic["path"]) == ("MOU401", "lnk/")
    assert diagnostic["message"] == (
        "lnk/ is a link to a folder: a memorandum is never read through a link"
    )


def test_member_ids_are_the_models_ids(portfolio: Path) -> None:
    from mou.models import ID_MAX_LENGTH, ID_PATTERN
    from mou.portfolio import MEMBER_ID, MEMBER_ID_MAX_LENGTH

    assert (MEMBER_ID.pattern, MEMBER_ID_MAX_LENGTH) == (ID_PATTERN, ID_MAX_LENGTH)
    build_tree(portfolio, {f"{name}/memorandum.yaml": memorandum(name) for name in ("-x", "a b")})
    assert _portfolio(portfolio).ids() == ["cis-iom", "cis-unhcr"]  # not members


@pytest.mark.parametrize(("files", "expected"), PORTFOLIO_CASES)
def test_portfolio_problems(
    portfolio: Path, files: dict[str, str | bytes], expected: list[tuple[str, str, int, str]]
) -> None:
    build_tree(portfolio, files)
    found = portfolio_problems(_portfolio(portfolio))
    assert [(p.code, p.path, p.line) for p in found] == [e[:3] for e in expected]
    for problem, (*_, message) in zip(found, expected, strict=True):
        assert message in problem.message


def test_same_title_in_russian(portfolio: Path) -> None:
    title = "{en: English %s, ru: Один и тот же}"
    build_tree(
        portfolio,
        {
            "a/memorandum.yaml": memorandum("a", title % "a"),
            "b/memorandum.yaml": memorandum("b", title % "b"),
        },
    )
    found = portfolio_problems(_portfolio(portfolio))
    assert [(p.code, p.path) for p in found] == [("MOU402", "b/memorandum.yaml")]
    assert "the same title (ru) as the memorandum a: Один и тот же" in found[0].message
    assert found[0].line == 3 and found[0].column > 1  # at the Russian title itself


def test_portfolio_inside_a_member(portfolio: Path) -> None:
    inner = make_portfolio(portfolio / "cis-iom" / "inner", ("x",))
    found = portfolio_problems(_portfolio(inner))
    assert [(p.code, p.path) for p in found] == [("MOU403", "../memorandum.yaml")]


def test_explain_the_new_codes(run: Run) -> None:
    for code in ("MOU401", "MOU402", "MOU403", "MOU404"):
        result = run("explain", code)
        assert result.exit_code == 0
        assert result.output.startswith(f"{code} (error): ")


# --- mou validate at a portfolio's root -----------------------------------------------------


def test_validate_at_the_root(run: Run, portfolio: Path) -> None:
    result = run("--records", str(portfolio), "validate", "--as-of", "2025-06-01")
    assert (result.exit_code, result.output) == (0, "No problems in 4 files.\n")
    build_tree(portfolio, {"cis-unhcr/meetings/2024-05-01-bad.yaml": "kind: meeting\ntitle: [\n"})
    result = run("--records", str(portfolio), "validate", "--as-of", "2025-06-01")
    assert result.exit_code == 1
    assert result.output.startswith("cis-unhcr/meetings/2024-05-01-bad.yaml:3:1: error MOU001 ")
    assert result.output.endswith("1 error, 0 warnings in 5 files.\n")


def test_validate_at_the_root_as_json(run: Run, portfolio: Path) -> None:
    import json

    (portfolio / "cis-iom" / "meetings" / "2024-03-12-consultations.yaml").write_text(
        MEETING.format(id="x").replace("organizer: iom", "organizer: nobody"), encoding="utf-8"
    )
    result = run(
        "--records", str(portfolio), "validate", "--format", "json", "--as-of", "2025-06-01"
    )
    assert result.exit_code == 1
    diagnostics = json.loads(result.output)["diagnostics"]
    assert [(d["code"], d["path"], d["line"]) for d in diagnostics] == [
        ("MOU204", "cis-iom/meetings/2024-03-12-consultations.yaml", 8)
    ]


def test_validate_one_member_with_m(run: Run, portfolio: Path) -> None:
    """With -m, one memorandum is validated as a single one: paths from its own root."""
    import json

    build_tree(portfolio, {"cis-unhcr/meetings/2024-05-01-bad.yaml": ""})
    member = ["--records", str(portfolio), "-m", "cis-unhcr", "validate", "--format", "json"]
    result = run(*member)
    assert result.exit_code == 1
    diagnostics = json.loads(result.output)["diagnostics"]
    assert [(d["code"], d["path"]) for d in diagnostics] == [
        ("MOU001", "meetings/2024-05-01-bad.yaml")
    ]
    assert run("--records", str(portfolio), "-m", "cis-iom", "validate").exit_code == 0


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "cis-iom/inner/memorandum.yaml": memorandum("inner"),
                "cis-iom/inner/meetings/2024-01-01-x.yaml": MEETING.format(id="inner"),
            },
            [("MOU403", "cis-iom/inner/memorandum.yaml")],
        ),
        (
            {
                "cis-iom/group/portfolio.yaml": "name: group\n",
                "cis-iom/group/a/memorandum.yaml": memorandum("a"),
                "cis-iom/group/a/meetings/2024-01-01-x.yaml": MEETING.format(id="a"),
                "cis-iom/group/b/memorandum.yaml": memorandum("b"),
            },
            [
                ("MOU403", "cis-iom/group/a/memorandum.yaml"),
                ("MOU403", "cis-iom/group/b/memorandum.yaml"),
                ("MOU403", "cis-iom/group/portfolio.yaml"),
            ],
        ),
    ],
)
def test_validate_leaves_a_nested_memorandum_out_of_the_members_records(
    run: Run, portfolio: Path, files: dict[str, str | bytes], expected: list[tuple[str, str]]
) -> None:
    """A memorandum or portfolio nested in a member is MOU403 only: its records are not also
    read as the member's (no follow-on MOU2xx)."""
    import json

    build_tree(portfolio, files)
    options = ("validate", "--as-of", "2025-06-01", "--format", "json")

    def found(*where: str) -> list[tuple[str, str]]:
        result = run(*where, *options)
        assert result.exit_code == 1
        diagnostics = json.loads(result.output)["diagnostics"]
        assert all("one level deep" in d["message"] for d in diagnostics)
        return [(d["code"], d["path"]) for d in diagnostics]

    assert found("--records", str(portfolio)) == expected
    # the member read alone (with -m, or its own folder) says the same, once, its files out
    alone = [(code, path.removeprefix("cis-iom/")) for code, path in expected]
    assert found("--records", str(portfolio), "-m", "cis-iom") == alone
    assert found("--records", str(portfolio / "cis-iom")) == alone
    listed = run("--records", str(portfolio), "-m", "cis-iom", "list", "--format", "json")
    ids = [r["id"] for r in json.loads(listed.stdout)]
    assert ids == ["memorandum", "2024-03-12-consultations"]  # not the nested 2024-01-01-x
    assert (listed.exit_code, "mou: left out") == (1, listed.stderr[:13])  # and says so
    if "cis-iom/inner/memorandum.yaml" in files:  # nor is a nested record changed through it
        removed = run("--records", str(portfolio), "-m", "cis-iom", "rm", "2024-01-01-x")
        assert removed.exit_code == 2 and "no record with id '2024-01-01-x'" in removed.output
        assert (portfolio / "cis-iom/inner/meetings/2024-01-01-x.yaml").is_file()
    row = run("--records", str(portfolio), "portfolio", "--as-of", "2025-06-01", "--format", "json")
    states = {m["id"]: (m["state"], m["errors"]) for m in json.loads(row.stdout)["memoranda"]}
    assert states["cis-iom"] == ("invalid", len(expected))  # as `-m cis-iom validate` says


def test_validate_reports_the_portfolio_problems(run: Run, portfolio: Path) -> None:
    build_tree(portfolio, {"stray/meetings/2024-01-01-x.yaml": MEETING.format(id="stray")})
    for _ in range(2):  # the second answer is the cached one: the folders are looked at again
        result = run("--records", str(portfolio), "validate", "--as-of", "2025-06-01")
        assert result.exit_code == 1
        assert result.output.startswith("stray/memorandum.yaml:1:1: error MOU401 stray/ holds")
    (portfolio / "stray" / "memorandum.yaml").write_text(memorandum("stray"), encoding="utf-8")
    result = run("--records", str(portfolio), "validate", "--as-of", "2025-06-01")
    assert (result.exit_code, result.output) == (0, "No problems in 6 files.\n")


@pytest.mark.parametrize("output_format", ["text", "github", "json", "sarif"])
def test_a_memorandum_moves_into_a_portfolio_unchanged(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """examples/demo copied into a portfolio, not a file edited: the same findings, at paths
    from the portfolio root, in every format; from the current folder too."""
    import shutil

    from conftest import REPO

    root = make_portfolio(tmp_path / "portfolio", ("other",))
    shutil.copytree(REPO / "examples" / "demo", root / "cis-iom")
    monkeypatch.chdir(REPO / "examples" / "demo")
    single = run("validate", "--as-of", "2025-12-31", "--format", output_format).output
    monkeypatch.chdir(root)
    whole = run("validate", "--as-of", "2025-12-31", "--format", output_format).output
    if output_format in ("text", "github"):
        lines = single.splitlines()
        expected = [
            line.replace("file=", "file=cis-iom/") if line.startswith("::") else "cis-iom/" + line
            for line in lines[:-1]
        ]
        assert whole.splitlines() == [*expected, lines[-1].replace("in 47 files", "in 49 files")]
    elif output_format == "json":
        assert whole == single.replace('"path": "', '"path": "cis-iom/')
    else:
        assert whole.count('"ruleId"') == single.count('"ruleId"') == 3
        assert '"uri": "portfolio/cis-iom/meetings/2023-10-12-consultations-geneva.yaml"' in whole


def test_one_parse_pass_for_all_members(
    run: Run, portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large portfolio is parsed by one pool of workers, not one per memorandum."""
    import os

    from mou import portfolio_validation, read

    pools: list[int] = []
    original = read.parse_in_workers

    def counted(*args: object) -> object:
        pools.append(len(args[1]))  # type: ignore[arg-type]
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(read, "parse_in_workers", counted)
    monkeypatch.setattr(read, "PARALLEL_FROM", 2)
    monkeypatch.setattr(portfolio_validation, "PARALLEL_FROM", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    result = run("--no-cache", "--records", str(portfolio), "validate", "--as-of", "2025-06-01")
    assert (result.exit_code, result.output) == (0, "No problems in 4 files.\n")
    assert pools == [4]


@pytest.mark.parametrize("where", ["--records", "MOU_RECORDS", "current folder"])
def test_validate_before_typer_answers_a_portfolio_as_the_cli_does(
    run: Run,
    portfolio: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    """mou/start.py's plain `mou validate` (before Typer) answers at a portfolio's root too,
    with the full CLI's answer, off, cold and warm; with -m it leaves it to the CLI."""
    from mou.start import quick_validate

    build_tree(portfolio, {"stray/x.yaml": "kind: meeting\n", "cis-iom/meetings/x.yaml": ""})
    args = ["validate", "--format", "json", "--as-of", "2025-06-01"]
    expected = run("--no-cache", "--records", str(portfolio), *args)
    assert expected.exit_code == 1
    capsys.readouterr()
    given = ["--records", str(portfolio)] if where == "--records" else []
    if where == "MOU_RECORDS":
        monkeypatch.setenv("MOU_RECORDS", str(portfolio))
    for options in (["--no-cache"], [], []):  # off, cold, warm
        assert quick_validate([*options, *given, *args]) == 1
        assert capsys.readouterr().out == expected.output
    assert quick_validate(["-m", "cis-iom", *given, *args]) is None
