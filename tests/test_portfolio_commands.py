"""`mou status`, `actions`, `calendar` and `stats --by memorandum` at a portfolio's root: every
memorandum's figures exactly as `mou -m ID ...` gives them, put together with the memorandum's
id first. The portfolio here: the demo record (`cis-iom`) and the illustrative memorandum with
a life (`life`, tests/cases/life-illustrative/)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, Run, case_tree

AS_OF = "2025-12-31"
IDS = ["cis-iom", "life"]


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(REPO / "examples" / "demo", root / "cis-iom")
    case_tree("life-illustrative", root / "life")
    return root


def run_at(run: Run, root: Path, *arguments: str) -> tuple[int, str]:
    result = run("--records", str(root), *arguments)
    return result.exit_code, str(result.output)


def each(run: Run, portfolio: Path, *arguments: str) -> dict[str, str]:
    """Each memorandum's own output of the command (`mou -m ID ...`)."""
    found = {}
    for id_ in IDS:
        code, output = run_at(run, portfolio, "-m", id_, *arguments)
        assert code in (0, 1)
        found[id_] = output
    return found


def test_minus_m_is_the_memorandum_on_its_own(run: Run, portfolio: Path) -> None:
    for arguments in (
        ("status", "--as-of", AS_OF),
        ("actions", "--as-of", AS_OF, "--format", "csv"),
        ("calendar", "--as-of", AS_OF),
        ("stats", "--as-of", AS_OF, "--format", "csv"),
    ):
        for id_ in IDS:
            alone = run_at(run, portfolio / id_, *arguments)
            assert run_at(run, portfolio, "-m", id_, *arguments) == alone, (arguments, id_)


def test_status_groups_by_memorandum(run: Run, portfolio: Path) -> None:
    code, text = run_at(run, portfolio, "status", "--as-of", AS_OF)
    assert code == 0
    own = each(run, portfolio, "status", "--as-of", AS_OF)
    titles = {
        "cis-iom": "CIS–IOM Memorandum of Understanding",
        "life": "Illustrative memorandum between the CIS Executive Committee and the IOM "
        "Administration",
    }
    pages = []
    for id_ in IDS:
        heading = f"{id_}: {titles[id_]}"
        pages.append(f"{heading}\n{'=' * min(len(heading), 78)}\n{own[id_]}")
    assert text == "\n".join(pages)


def test_status_json_and_check(run: Run, portfolio: Path) -> None:
    code, output = run_at(run, portfolio, "status", "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert [page["memorandum"] for page in data] == IDS
    own = each(run, portfolio, "status", "--as-of", AS_OF, "--format", "json")
    for page in data:
        alone = json.loads(own[page.pop("memorandum")])
        page.pop("title")
        assert page == alone
    assert run_at(run, portfolio, "status", "--as-of", AS_OF, "--check")[0] == 1  # demo overdue
    russian = run_at(run, portfolio, "status", "--as-of", AS_OF, "--lang", "ru")[1]
    assert "Меморандум: в силе" in russian and "Просроченные поручения" in russian


def test_a_memorandum_that_cannot_be_read_is_named(run: Run, portfolio: Path) -> None:
    (portfolio / "life" / "memorandum.yaml").write_text("kind: memorandum\ntitle: [\n")
    (portfolio / "odd").mkdir()
    os.mkfifo(portfolio / "odd" / "memorandum.yaml")  # no member, but counted as one
    code, output = run_at(run, portfolio, "status", "--as-of", AS_OF)
    assert code == 1
    for id_ in ("life", "odd"):
        assert f"mou: {id_}: no readable memorandum.yaml, left out (`mou validate` says why)" in (
            output
        )
    assert "cis-iom: CIS–IOM Memorandum" in output and "life: " not in output.split("mou:")[0]


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_actions_have_the_memorandum_first(run: Run, portfolio: Path) -> None:
    # Give the illustrative memorandum an action of its own, overdue on the day.
    (portfolio / "life" / "2016-05-10-meeting.yaml").write_text(
        "kind: meeting\ntype: consultation\ntitle: Consultations\ndate: 2016-05-10\n"
        "status: held\nlocation: Minsk\nformat: in-person\norganizer: cis\n"
        "participants: [{name: A. Petrova, party: iom}]\n"
        "actions:\n  - id: report\n    text: Write the report\n    owner: iom\n"
        "    due: 2016-06-30\n    status: open\n",
        encoding="utf-8",
    )
    code, output = run_at(run, portfolio, "actions", "--as-of", AS_OF, "--format", "csv")
    assert code == 0
    rows = _csv(output)
    assert output.startswith("memorandum,id,meeting,")
    assert {row["memorandum"] for row in rows} == set(IDS)
    own = each(run, portfolio, "actions", "--as-of", AS_OF, "--format", "csv")
    for id_ in IDS:
        mine = [{k: v for k, v in row.items() if k != "memorandum"} for row in rows]
        assert [r for r, row in zip(mine, rows, strict=True) if row["memorandum"] == id_] == sorted(
            _csv(own[id_]), key=lambda r: (r["due"] or "9", r["meeting_date"], r["id"])
        )
    assert rows[0]["memorandum"] == "life"  # due 2016-06-30: the earliest
    overdue = run_at(run, portfolio, "actions", "--as-of", AS_OF, "--overdue", "--format", "json")
    assert [(row["memorandum"], row["overdue_days"]) for row in json.loads(overdue[1])] == [
        ("life", 3471),
        ("cis-iom", 700),
    ]
    table = run_at(run, portfolio, "actions", "--as-of", AS_OF, "--format", "table")[1]
    assert table.startswith("9 action items\n") and "Memorandum" in table
    refused = run_at(run, portfolio, "actions", "--owner", "un")
    assert refused == (2, "mou: --owner un: the memoranda declare cis, iom\n")


def _events(ics: str) -> list[dict[str, str]]:
    unfolded = ics.replace("\r\n ", "")
    found = []
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfolded, re.S):
        lines = [line for line in block.split("\r\n") if ":" in line and "VALARM" not in line]
        found.append({k: v for k, _, v in (line.partition(":") for line in lines[:20])})
    return found


def test_one_calendar_of_every_memorandum(run: Run, portfolio: Path) -> None:
    code, ics = run_at(run, portfolio, "calendar", "--as-of", "2017-01-01")
    assert code == 0
    events = _events(ics)
    uids = [event["UID"] for event in events]
    assert len(uids) == len(set(uids))
    own = each(run, portfolio, "calendar", "--as-of", "2017-01-01")
    for id_ in IDS:
        mine = [e for e in events if e["UID"].startswith(f"{id_}/")]
        alone = _events(own[id_])
        assert [e["UID"] for e in mine] == [f"{id_}/{e['UID']}" for e in alone]
        assert [e["SUMMARY"] for e in mine] == [f"{id_}: {e['SUMMARY']}" for e in alone]
    assert "UID:life/memorandum-notice-2@mou.invalid" in ics
    assert len(events) == sum(len(_events(text)) for text in own.values())


def test_stats_by_memorandum(run: Run, portfolio: Path) -> None:
    options = ("stats", "--as-of", AS_OF, "--period", "2015..2025", "--format", "json")
    code, output = run_at(run, portfolio, *options, "--by", "memorandum")
    assert code == 0
    data = json.loads(output)
    rows = {row["key"]: (row["counts"], row["total"]) for row in data["rows"]}
    assert list(rows) == IDS
    for id_ in IDS:
        alone = json.loads(run_at(run, portfolio, "-m", id_, *options, "--by", "kind")[1])
        assert rows[id_] == (alone["all"]["counts"], alone["all"]["total"])
    columns = len(data["columns"])
    sums = [sum(rows[id_][0][index] for id_ in IDS) for index in range(columns)]
    assert data["all"] == {"counts": sums, "total": sum(rows[id_][1] for id_ in IDS)}
    assert rows["life"][1] == 1 and rows["cis-iom"][1] > 20
    table = run_at(run, portfolio, "stats", "--as-of", AS_OF, "--by", "memorandum")[1]
    assert table.startswith("Qualifying records by memorandum, 2008..2025")  # earliest signing


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("stats",), "is a portfolio: use --by memorandum, or use -m ID: one of cis-iom, life"),
        (("-m", "life", "stats", "--by", "memorandum"), "--by memorandum counts a portfolio's"),
        (("stats", "--by", "memorandum", "--period", "2030"), "before the period 2030 starts"),
    ],
)
def test_stats_refusals(
    run: Run, portfolio: Path, arguments: tuple[str, ...], message: str
) -> None:
    code, output = run_at(run, portfolio, *arguments)
    assert code == 2 and message in output


def _tables(database: Path) -> dict[str, list[dict[str, object]]]:
    import sqlite3

    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'records_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    found = {
        name: [dict(row) for row in connection.execute(f'SELECT * FROM "{name}"')] for name in names
    }
    connection.close()
    return found


def _without_nulls(row: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in row.items() if value is not None}


def test_sqlite_holds_every_memorandum(run: Run, portfolio: Path, tmp_path: Path) -> None:
    (tmp_path / "whole").mkdir()
    whole = tmp_path / "whole" / "portfolio.db"
    code, output = run_at(run, portfolio, "export", "sqlite", str(whole), "--as-of", AS_OF)
    assert code == 0 and "wrote" in output
    merged = _tables(whole)
    for id_ in IDS:
        alone = tmp_path / f"{id_}.db"
        run_at(run, portfolio, "-m", id_, "export", "sqlite", str(alone), "--as-of", AS_OF)
        for name, rows in _tables(alone).items():
            mine = [
                _without_nulls({k: v for k, v in row.items() if k != "memorandum"})
                for row in merged[name]
                if row["memorandum"] == id_
            ]
            assert sorted(map(repr, mine)) == sorted(repr(_without_nulls(r)) for r in rows), name
    assert {row["memorandum"] for row in merged["records"]} == set(IDS)
    assert [row["memorandum"] for row in merged["overdue_actions"]] == ["cis-iom"]
    metadata = (tmp_path / "whole" / "metadata.yaml").read_text(encoding="utf-8")
    assert "memoranda cis-iom, life" in metadata and "queries" not in metadata


def _sheets(workbook: Path) -> dict[str, list[dict[str, object]]]:
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    found: dict[str, list[dict[str, object]]] = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        headers = [str(header) for header in rows[0]]
        found[sheet.title] = [dict(zip(headers, row, strict=True)) for row in rows[1:]]
    return found


def test_xlsx_holds_every_memorandum(run: Run, portfolio: Path, tmp_path: Path) -> None:
    whole = tmp_path / "portfolio.xlsx"
    assert run_at(run, portfolio, "export", "xlsx", str(whole), "--as-of", AS_OF)[0] == 0
    merged = _sheets(whole)
    for id_ in IDS:
        alone = tmp_path / f"{id_}.xlsx"
        run_at(run, portfolio, "-m", id_, "export", "xlsx", str(alone), "--as-of", AS_OF)
        for title, rows in _sheets(alone).items():
            lead = "memorandum" if title not in ("Actions", "Costs", "Findings") else "Memorandum"
            mine = [
                _without_nulls({k: v for k, v in row.items() if k != lead})
                for row in merged[title]
                if row[lead] == id_
            ]
            assert mine == [_without_nulls(row) for row in rows], (id_, title)
    assert {row["memorandum"] for row in merged["activities"]} == set(IDS)


@pytest.mark.parametrize(
    "arguments",
    [("status",), ("actions",), ("calendar",), ("stats", "--by", "memorandum"), ("export", "xlsx")],
)
def test_a_portfolio_without_memoranda(
    run: Run, tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    (root / "portfolio.yaml").write_text("name: empty\n", encoding="utf-8")
    extra = (str(tmp_path / "out.xlsx"),) if arguments[0] == "export" else ()
    code, output = run_at(run, root, *arguments, *extra)
    assert code == 2
    assert "it holds no memorandum yet (`mou init ID` adds one)" in output
    assert not (tmp_path / "out.xlsx").exists()
