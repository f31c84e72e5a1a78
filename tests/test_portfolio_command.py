"""`mou portfolio`: golden output on examples/portfolio for a fixed --as-of (table, md, json,
csv; the HTML page's structure), bad input (a member that does not validate, a folder without
memorandum.yaml, an unknown --sort, one memorandum's folder), hostile record text in each
format."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from test_portfolio import NOT_FILES

from conftest import REPO, Run
from mou.escape import has_unsafe

PORTFOLIO = REPO / "examples" / "portfolio"
GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-06-30"


def portfolio(run: Run, root: Path | str, *options: str) -> tuple[int, str]:
    """The exit code and standard output (standard error in `errors`)."""
    result = run("--records", str(root), "portfolio", "--as-of", AS_OF, *options)
    return result.exit_code, result.stdout


def errors(run: Run, root: Path | str, *options: str) -> str:
    return str(run("--records", str(root), "portfolio", "--as-of", AS_OF, *options).stderr)


def check_golden(name: str, output: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("MOU_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8"), (
        f"run MOU_UPDATE_GOLDEN=1 and diff {golden}"
    )


@pytest.mark.parametrize(
    ("options", "golden"),
    [
        ((), "portfolio-2026-06-30.80.txt"),
        (("--format", "md"), "portfolio-2026-06-30.en.md"),
        (("--format", "md", "--lang", "ru", "--sort", "next"), "portfolio-2026-06-30.ru.md"),
        (("--format", "json"), "portfolio-2026-06-30.json"),
        (("--format", "csv", "--sort", "id"), "portfolio-2026-06-30.csv"),
    ],
)
def test_golden(
    run: Run, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...], golden: str
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, output = portfolio(run, PORTFOLIO, *options)
    assert code == 0
    check_golden(golden, output)


@pytest.mark.parametrize("columns", [80, 60, 100, 140])
def test_the_table_fits_the_terminal(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    _, output = portfolio(run, PORTFOLIO)
    widest = max(len(line) for line in output.splitlines())
    assert widest <= columns
    for member in ("cis-iom", "cis-ilo", "cis-iom-unhcr", "cis-unodc", "cis-who", "cis-unicef"):
        assert re.search(rf"^(red|amber|green) +{member}( |$)", output, re.MULTILINE)


def test_a_wide_terminal_shows_titles_and_reasons(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _, output = portfolio(run, PORTFOLIO)
    assert "CIS–ILO labour migration" in output
    assert "notice of non-renewal by" in output


def test_json_holds_each_row(run: Run) -> None:
    _, output = portfolio(run, PORTFOLIO, "--format", "json")
    data = json.loads(output)
    assert data["lights"] == {"red": 2, "amber": 1, "green": 3}
    ilo = next(m for m in data["memoranda"] if m["id"] == "cis-ilo")
    assert ilo["next_deadline"] == {
        "date": "2026-07-31",
        "kind": "action",
        "ref": "2026-05-27-consultations-minsk#renewal-position",
        "owner": "ilo",
    }
    assert ilo["reasons"] == [
        {"code": "notice-window", "message": "notice of non-renewal by 2026-08-31"}
    ]


@pytest.mark.parametrize(
    "sort", ["light", "id", "title", "state", "clauses", "last", "overdue", "next"]
)
def test_every_sort_is_accepted(run: Run, sort: str) -> None:
    code, output = portfolio(run, PORTFOLIO, "--format", "json", "--sort", sort)
    assert code == 0
    assert json.loads(output)["sort"] == sort


def test_an_unknown_sort_is_a_usage_error(run: Run) -> None:
    result = run("--records", str(PORTFOLIO), "portfolio", "--sort", "colour")
    assert result.exit_code == 2
    assert "'colour' is not one of: light, id, title, state, clauses, last, overdue, next" in (
        result.output
    )


def test_output_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "portfolio.html"
    code, _ = portfolio(run, PORTFOLIO, "--format", "html", "--output", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- the HTML page ----------------------------------------------------------------------------


def test_html_is_one_self_contained_page(run: Run) -> None:
    _, page = portfolio(run, PORTFOLIO, "--format", "html", "--sort", "next")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)  # no external request
    assert page.count("<tr>") == 1 + 6  # a heading row, a row per memorandum
    sorted_by = re.findall(r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*>([^<]+)</th>', page)
    assert sorted_by == [("ascending", "Next deadline")]
    for light in ("red", "amber", "green"):  # a word beside every colour
        assert re.search(rf'<span class="light light-{light}">{light}</span>', page)
    assert page.index("cis-iom</code>") < page.index("cis-ilo</code>")  # soonest deadline first


def test_html_in_russian(run: Run) -> None:
    _, page = portfolio(run, PORTFOLIO, "--format", "html", "--lang", "ru")
    assert '<html lang="ru">' in page
    assert "Портфель меморандумов" in page
    assert '<span class="light light-amber">жёлтый</span>' in page


# --- bad input --------------------------------------------------------------------------------


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PORTFOLIO, tmp_path / "portfolio"))


def test_a_member_that_does_not_validate_gets_a_row_and_exit_1(run: Run, copy: Path) -> None:
    (copy / "cis-who" / "memorandum.yaml").write_text("kind: memorandum\n", encoding="utf-8")
    code, output = portfolio(run, copy, "--format", "csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(output)))
    assert len(rows) == 6
    who = next(row for row in rows if row["id"] == "cis-who")
    assert (who["state"], who["light"]) == ("invalid", "red")
    assert who["reasons"].startswith("the record does not validate:")
    message = "mou: 1 of 6 memoranda do not validate: cis-who (`mou validate` says why)"
    assert message in errors(run, copy, "--format", "csv")


@pytest.mark.parametrize(("make", "what"), NOT_FILES)
def test_a_memorandum_yaml_that_is_no_file_is_counted_as_invalid(
    run: Run, copy: Path, make: Callable[[Path], None], what: str
) -> None:
    """`mou validate` at the root reports the folder (MOU401): the portfolio counts it among
    its memoranda, as one that does not validate, and says so once."""
    (copy / "cis-odd" / "meetings").mkdir(parents=True)
    make(copy / "cis-odd")
    code, output = portfolio(run, copy, "--format", "json")
    assert code == 1
    rows = {m["id"]: (m["state"], m["light"]) for m in json.loads(output)["memoranda"]}
    assert len(rows) == 7 and rows["cis-odd"] == ("invalid", "red")
    said = errors(run, copy, "--format", "json")
    assert said.count("cis-odd/memorandum.yaml:1:1: error MOU401") == 1
    assert f"its memorandum.yaml is {what}" in said
    assert "mou: 1 of 7 memoranda do not validate: cis-odd (`mou validate` says why)" in said
    validated = run("--records", str(copy), "validate", "--as-of", AS_OF, "--format", "json")
    assert [
        d["path"] for d in json.loads(validated.stdout)["diagnostics"] if d["severity"] == "error"
    ] == ["cis-odd/memorandum.yaml"]


def test_a_folder_without_memorandum_is_reported(run: Run, copy: Path) -> None:
    stray = copy / "cis-ifrc" / "meetings"
    stray.mkdir(parents=True)
    shutil.copy(PORTFOLIO / "cis-iom" / "meetings" / "2025-10-14-consultations-almaty.yaml", stray)
    code, output = portfolio(run, copy, "--format", "json")
    assert code == 1
    assert [m["id"] for m in json.loads(output)["memoranda"]] == [
        "cis-iom-unhcr", "cis-who", "cis-ilo", "cis-iom", "cis-unicef", "cis-unodc",
    ]  # fmt: skip
    said = errors(run, copy, "--format", "json")
    assert re.search(r"cis-ifrc/memorandum.yaml:1:1: error MOU401 cis-ifrc/ holds records", said)


def test_one_memorandum_folder_gives_its_one_row(run: Run) -> None:
    code, output = portfolio(run, PORTFOLIO / "cis-ilo", "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert [m["id"] for m in data["memoranda"]] == ["cis-ilo"]


def test_with_m_one_member_of_the_portfolio(run: Run) -> None:
    result = run(
        "--records",
        str(PORTFOLIO),
        "-m",
        "cis-who",
        "portfolio",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert [m["id"] for m in json.loads(result.output)["memoranda"]] == ["cis-who"]


def test_an_empty_portfolio(run: Run, tmp_path: Path) -> None:
    (tmp_path / "portfolio.yaml").write_text("name: empty\n", encoding="utf-8")
    code, output = portfolio(run, tmp_path, "--format", "md")
    assert code == 0
    assert "0 memoranda on 2026-06-30." in output


# --- hostile record text ----------------------------------------------------------------------

HOSTILE = (
    "=cmd|' /C calc'!A0 <script>alert(1)</script> \\x1b[31mred \\u202eevil | *b* [x](http://e.org)"
    " \\x1b[2J \\x1b]8;;http://e.org\\x07link\\x1b]8;;\\x07 bell\\x07"
)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(PORTFOLIO / "cis-iom", root / "evil")
    memorandum = root / "evil" / "memorandum.yaml"
    text = memorandum.read_text(encoding="utf-8")
    title = "Illustrative memorandum on migration data between the CIS Executive Committee and IOM"
    text = text.replace(f"  en: {title}", f'  en: "{HOSTILE}"').replace(
        "  en: CIS–IOM migration data (illustrative)", f'  en: "{HOSTILE} short"'
    )
    text = text.replace("      en: IOM\n", '      en: "@SUM(1) <b>IOM</b>"\n')
    memorandum.write_text(text, encoding="utf-8")
    return root


def test_hostile_text_in_the_terminal(
    run: Run, hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    _, output = portfolio(run, hostile)
    assert "\\x1b[31mred" in output and "\\u202eevil" in output  # shown, not obeyed
    assert not has_unsafe(output)


def test_hostile_text_in_markdown(run: Run, hostile: Path) -> None:
    _, output = portfolio(run, hostile, "--format", "md")
    row = next(line for line in output.splitlines() if "`evil`" in line)
    assert row.count(" | ") == 9  # the pipe in the title did not add a cell
    assert "\\<script\\>" in row and "\\[x\\](http://e.org)" in row and "\\*b\\*" in row
    assert not has_unsafe(output)


def test_hostile_text_in_csv(run: Run, hostile: Path) -> None:
    _, output = portfolio(run, hostile, "--format", "csv")
    row = next(csv.DictReader(io.StringIO(output)))
    assert row["title"].startswith("'=cmd")  # a spreadsheet reads text, not a formula
    assert row["parties"] == "CIS Executive Committee; @SUM(1) <b>IOM</b>"
    # shown as `mou list --format csv` shows them: nothing clears a terminal or opens a link
    assert not has_unsafe(output)
    assert "\\u001b[2J" in row["title"] and "\\u001b]8;;http://e.org\\u0007link" in row["title"]
    assert "\\u202eevil" in row["title"] and row["title"].endswith("bell\\u0007 short")


def test_hostile_text_in_json(run: Run, hostile: Path) -> None:
    _, output = portfolio(run, hostile, "--format", "json")
    assert not has_unsafe(output)
    assert json.loads(output)["memoranda"][0]["title"]["en"].startswith("=cmd")


def test_hostile_text_in_html(run: Run, hostile: Path) -> None:
    _, page = portfolio(run, hostile, "--format", "html")
    assert "<script" not in page and "<b>IOM" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "@SUM(1) &lt;b&gt;IOM&lt;/b&gt;" in page
    assert not has_unsafe(page)  # no raw ESC, BEL or U+202E
    assert "\\x1b[2J" in page and "\\x1b]8;;http://e.org\\x07link" in page and "\\u202eevil" in page
    assert re.search(r'<bdi dir="auto">=cmd[^<]*</bdi>', page)  # record text isolated
    assert '<bdi dir="auto">CIS Executive Committee, @SUM(1) &lt;b&gt;IOM&lt;/b&gt;</bdi>' in page


def test_the_readme_shows_the_current_table(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    _, output = portfolio(run, PORTFOLIO)
    assert f"$ mou --records examples/portfolio portfolio --as-of {AS_OF}\n{output}```" in readme
