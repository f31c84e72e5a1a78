"""Where users trip: a filter value that matches nothing by typo, an id that names no record,
a file a listing leaves out, an option value Typer refuses, a quoted date, Markdown that
shows its backticks."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, Run, case_tree
from mou.escape import markdown_message

DEMO = str(REPO / "examples" / "demo")


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["list", "--party", "unhcr"], "--party unhcr: the memorandum declares cis, iom"),
        (["list", "--topic", "x"], "--topic x: the memorandum declares irregular-migration, "),
        (["list", "--state", "XX"], "--state XX: not an ISO 3166-1 alpha-3 code; the memorandum"),
        (["list", "meeting", "--status", "done"], "the statuses of meetings are planned, held"),
        (["list", "--status", "nope"], "--status nope: the statuses are planned, held,"),
        (["list", "--clause", "9"], "--clause 9: the memorandum declares 1.1, 1.2"),
        (["actions", "--owner", "unhcr"], "--owner unhcr: the memorandum declares cis, iom"),
    ],
)
def test_an_unknown_filter_value_exits_2_with_the_valid_ones(
    arguments: list[str], message: str, run: Run
) -> None:
    result = run("--records", DEMO, *arguments)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_known_filter_value_that_matches_nothing_is_an_empty_list(run: Run) -> None:
    result = run("--records", DEMO, "list", "--state", "ARM", "--format", "json")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "wanted,first",
    [
        ("2025-04-08", "2025-04-08-training-cross-border-cooperation"),  # a prefix
        ("cross-border", "2025-04-08-training-cross-border-cooperation"),  # inside the id
        ("consultations-genva", "2023-10-12-consultations-geneva"),  # spelt alike
        ("2025-04-08-seminar", "2025-04-08-training-cross-border-cooperation"),  # same day
    ],
)
def test_show_suggests_prefixes_and_substrings_before_spellings(
    wanted: str, first: str, run: Run
) -> None:
    result = run("--records", DEMO, "show", wanted)
    assert result.exit_code == 2
    assert f"no record {wanted}; did you mean " in result.output
    assert first in result.output


def test_show_searches_titles_too(run: Run) -> None:
    from mou.load import load
    from mou.selection import suggestions

    entries = load(Path(DEMO)).entries
    (with_word,) = [e for e in entries if e.id == "2025-04-08-training-cross-border-cooperation"]
    from mou.kinds import title_of
    from mou.models import localized

    title = title_of(with_word.model)
    assert isinstance(title, str | dict)
    words = localized(title, "en").lower().split()
    word = next(w for w in words if len(w) > 4 and w not in with_word.id)  # in the title only
    assert with_word.id in suggestions(word, entries)


def test_list_names_the_files_it_could_not_read(tmp_path: Path, run: Run) -> None:
    root = case_tree("clean", tmp_path / "case")
    (root / "meetings" / "2024-09-01-broken.yaml").write_text("kind: meeting\ntitle: [\n")
    result = run("--records", str(root), "list", "--format", "tsv")
    assert result.exit_code == 1
    assert "2024-03-12-consultations" in result.stdout  # the others are listed
    assert "left out 1 file that could not be read" in result.stderr
    assert "meetings/2024-09-01-broken.yaml" in result.stderr


@pytest.mark.parametrize(
    "files",
    [
        ["meetings/inner/memorandum.yaml", "meetings/inner/meetings/2024-01-01-x.yaml"],
        ["meetings/inner/portfolio.yaml", "meetings/inner/memorandum.yaml"],
    ],
    ids=["memorandum", "portfolio"],
)
def test_list_says_a_nested_memorandum_is_left_out_as_one(
    tmp_path: Path, run: Run, files: list[str]
) -> None:
    root = case_tree("clean", tmp_path / "case")
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes((root / "memorandum.yaml").read_bytes())
    result = run("--records", str(root), "list", "--format", "tsv")
    assert result.exit_code == 1
    assert "2024-03-12-consultations" in result.stdout
    assert result.stderr == (
        "mou: left out 1 folder holding a memorandum or portfolio nested in this one's "
        "(MOU403: not this memorandum's records; move it out): meetings/inner/\n"
    )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "mou: left out 2 folders holding a memorandum or portfolio nested in this one's"),
        ("ru", "mou: не показано: 2 папки с вложенным меморандумом или портфелем (MOU403:"),
    ],
)
def test_list_counts_the_nested_folders_in_words(
    tmp_path: Path, run: Run, language: str, said: str
) -> None:
    root = case_tree("clean", tmp_path / "case")
    for inner in ("meetings/a", "seminars/b"):
        (root / inner).mkdir(parents=True, exist_ok=True)
        (root / inner / "memorandum.yaml").write_bytes((root / "memorandum.yaml").read_bytes())
    result = run("--records", str(root), "list", "--format", "tsv", "--lang", language)
    assert result.exit_code == 1
    assert result.stderr.startswith(said)
    assert result.stderr.rstrip().endswith("meetings/a/, seminars/b/")


@pytest.mark.parametrize(
    "arguments,choices",
    [
        (["review", "--format", "pdf"], "'pdf' is not one of: md, text, html, json"),
        (["list", "--format", "pdf"], "'pdf' is not one of: table, tsv, json, csv"),
    ],
)
def test_a_refused_choice_is_said_plainly(arguments: list[str], choices: str, run: Run) -> None:
    result = run("--records", DEMO, *arguments)
    assert result.exit_code == 2
    assert choices in result.output
    assert "Value error" not in result.output


def test_fmt_writes_a_quoted_date_plain(tmp_path: Path, run: Run) -> None:
    root = case_tree("clean", tmp_path / "case")
    visit = root / "activities" / "2024-06-01-study-visit.yaml"
    visit.write_text(visit.read_text().replace("date: 2024-06-01", "date: '2024-06-01'"))
    assert run("--records", str(root), "fmt").exit_code == 0
    assert "\ndate: 2024-06-01\n" in visit.read_text()
    title = visit.read_text().replace("title: Study visit", "title: '2024-06-01'")
    visit.write_text(title)  # text that looks like a date stays quoted
    assert run("--records", str(root), "fmt").exit_code == 0
    assert 'title: "2024-06-01"' in visit.read_text() or "title: '2024-06-01'" in visit.read_text()


@pytest.mark.parametrize(
    "message,markdown",
    [
        ("action `a3` (cis) was due", "action `a3` (cis) was due"),
        ("no record `x` *bold*", "no record `x` \\*bold\\*"),
        ("`a``b` <i>", "`a``b` \\<i\\>"),
        ("unknown party `un|hcr`", "unknown party `un¦hcr`"),
    ],
)
def test_markdown_findings_use_code_spans(message: str, markdown: str) -> None:
    assert markdown_message(message) == markdown
