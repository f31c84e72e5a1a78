"""Tables that read: the layout at several terminal widths (ids whole, words whole, columns
dropped in their declared order), plain rows in a pipe, and escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, Run
from mou.escape import one_line, tsv_safe
from mou.fields import fields, literals
from mou.grid import Grid, GridColumn, cell_width, fold, plan
from mou.kinds import KINDS
from mou.selection import COMMON_COLUMNS, list_columns
from mou.tables import LARGE, lay_out

DEMO = str(REPO / "examples" / "demo")
WIDTHS = [60, 80, 100, 200]
Tree = Callable[[dict[str, str | bytes]], Path]

# At most 6 characters: 12 cells even when every one is a wide (CJK) character.
words_ = st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=6)


@given(st.lists(words_, max_size=30), st.integers(min_value=12, max_value=80))
def test_fold_keeps_words_whole_and_within_width(words: list[str], width: int) -> None:
    lines = fold(" ".join(words), width)
    assert all(cell_width(line) <= width for line in lines)
    assert " ".join(lines).split() == words  # nothing lost, no word cut


def test_fold_breaks_only_a_word_wider_than_the_column() -> None:
    assert fold("an extraordinarily long word", 8) == ["an", "extraord", "inarily", "long", "word"]


def test_escaping_controls_and_bidi() -> None:
    hostile = "a\tb\nc\rd\x1b[31me\u202ef\u2066g\\h"
    assert one_line(hostile) == "a\\tb\\nc\\rd\\x1b[31me\\u202ef\\u2066g\\h"
    assert tsv_safe(hostile) == "a\\tb\\nc\\rd\\u001b[31me\\u202ef\\u2066g\\\\h"


COLUMNS = [
    GridColumn("Date", no_wrap=True, drop=1),
    GridColumn("Id", no_wrap=True),
    GridColumn("Title"),
    GridColumn("Status", drop=2),
]
ROWS = [
    ["2024-01-18", "2024-01-18-cis-bulletin-2023", "Statistical bulletin on migration", "held"],
    ["2024-11-12", "2024-11-12-cis-biometric-overview", "Overview of passports", "planned"],
]


@pytest.mark.parametrize(
    ("width", "shown", "side_by_side"),
    [
        (200, ["Date", "Id", "Title", "Status"], True),
        (80, ["Date", "Id", "Title", "Status"], True),
        (60, ["Id", "Title", "Status"], True),
        (50, ["Id", "Title"], True),
        (40, ["Id", "Title"], False),  # nothing left to drop: the title goes under the id
    ],
)
def test_columns_drop_in_declared_order(width: int, shown: list[str], side_by_side: bool) -> None:
    cells = [[c.heading, *(row[i] for row in ROWS)] for i, c in enumerate(COLUMNS)]
    widths, fits = plan(COLUMNS, cells, width)
    assert [COLUMNS[i].heading for i in widths] == shown and fits == side_by_side
    assert all(w > 0 for w in widths.values())
    lines = Grid("2 records", COLUMNS, ROWS).lines(width)
    assert max(len(line) for line in lines) <= width
    for row in ROWS:
        assert any(row[1] in line for line in lines)  # the id whole, on one line
        assert set(row[2].split()) <= {word for line in lines for word in line.split()}


def test_lay_out_decides_table_or_plain_rows() -> None:
    assert lay_out(None, 10, terminal=True)
    assert not lay_out(None, 10, terminal=False)
    assert not lay_out(None, LARGE + 1, terminal=True)
    assert lay_out("table", LARGE + 1, terminal=False)
    assert not lay_out("tsv", 1, terminal=True)


def _ids(run: Run, *options: str) -> list[str]:
    header, *rows = run("--records", DEMO, *options).output.splitlines()
    index = header.split("\t").index("id")
    return [row.split("\t")[index] for row in rows]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "contact"),
        ("actions", "--as-of", "2025-12-31"),
    ],
)
def test_tables_at_terminal_widths(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int, command: tuple[str, ...]
) -> None:
    ids = _ids(run, *command)
    titles = _column(run, command, "title" if command[0] == "list" else "action")
    monkeypatch.setenv("COLUMNS", str(width))
    output = run("--records", DEMO, *command, "--format", "table").output
    lines = output.splitlines()
    assert max(len(line) for line in lines) <= width
    rule = next(line for line in lines if set(line) <= {"─", " "})
    assert "" not in rule.split("  ")  # no zero-width column
    for identifier in ids:  # every id whole, on one line
        assert re.search(rf"(^|\s){re.escape(identifier)}(\s|$)", output, re.MULTILINE)
    words = set(output.split())
    for title in titles:  # every word of every title whole
        assert set(title.split()) <= words, title


def _column(run: Run, command: tuple[str, ...], key: str) -> list[str]:
    header, *rows = run("--records", DEMO, *command, "--format", "tsv").output.splitlines()
    if command[1:2] == ("contact",):
        key = "name"
    index = header.split("\t").index(key)
    return [row.split("\t")[index] for row in rows]


def test_table_golden_at_80_columns(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    output = run("--records", DEMO, "list", "--period", "2024", "--format", "table").output
    golden = REPO / "tests" / "golden" / "list-2024.80.txt"
    assert output == golden.read_text(encoding="utf-8")


def test_plain_rows_in_a_pipe_escape_record_text(base_tree: Tree, run: Run) -> None:
    seminar = (
        'kind: seminar\nform: seminar\ntitle: "Tab\\there\\nnew line \\u202e back\\\\slash"\n'
        "date: 2024-02-01\nstatus: planned\nlocation: M\nformat: online\n"
        "organizers: [cis]\ntopics: [irregular-migration]\n"
    )
    root = base_tree({"seminars/s.yaml": seminar})
    output = run("--records", str(root), "list", "seminar").output
    assert output == (
        "date\tkind\tid\ttitle\tstatus\n"
        "2024-02-01\tseminar\ts\tTab\\there\\nnew line \\u202e back\\\\slash\tplanned\n"
    )
    table = run("--records", str(root), "list", "seminar", "--format", "table").output
    assert "Tab\\there\\nnew" in table and "\u202e" not in table and "\t" not in table


@pytest.mark.parametrize("width", WIDTHS)
def test_rich_prints_the_same_layout_at_the_console_width(width: int) -> None:
    import io

    from rich.console import Console

    grid = Grid("2 records", COLUMNS, ROWS)
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(grid, crop=False)
    assert console.file.getvalue().splitlines() == grid.lines(width)  # type: ignore[attr-defined]


# --- the columns of JSON and CSV --------------------------------------------------------------


def _csv_header(run: Run, *options: str) -> list[str]:
    output = run("--records", DEMO, "list", *options, "--format", "csv").stdout_bytes
    return output.decode("utf-8").split("\r\n", 1)[0].split(",")


@pytest.mark.parametrize("kind", [k for k in KINDS])
def test_csv_columns_are_the_kinds_whatever_the_filter(run: Run, kind: str) -> None:
    expected = list(list_columns(kind))
    assert expected[:3] == ["id", "kind", "path"] and expected[-3:] == list(COMMON_COLUMNS)
    found = [w for f in fields(KINDS[kind].model) if f.key == "status" for w in literals(f.core)]
    statuses = [("--status", found[0])] if found else []  # an unknown status exits 2
    for filters in [(), ("--period", "2026"), ("--period", "1990"), *statuses]:
        assert _csv_header(run, kind, *filters) == expected


def test_csv_of_every_kind_has_every_kinds_columns_once(run: Run) -> None:
    header = _csv_header(run, "--period", "2026")
    assert header == list(list_columns(None)) == _csv_header(run)
    assert set(header) == {c for kind in KINDS for c in list_columns(kind)}
    assert len(header) == len(set(header))


def test_json_rows_have_their_kinds_columns(run: Run) -> None:
    rows = json.loads(run("--records", DEMO, "list", "--format", "json").output)
    assert {row["kind"] for row in rows} == set(KINDS)
    for row in rows:
        assert list(row) == list(list_columns(row["kind"]))


def test_columns_chosen_in_their_order(run: Run) -> None:
    options = ("--format", "json", "--columns", "status, id,date")
    rows = json.loads(run("--records", DEMO, "list", "seminar", *options).output)
    assert rows and all(list(row) == ["status", "id", "date"] for row in rows)
    assert _csv_header(run, "seminar", "--columns", "participants_count,id") == [
        "participants_count",
        "id",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("seminar", "--format", "csv", "--columns", "id,bogus"), "unknown column 'bogus'"),
        (("seminar", "--format", "csv", "--columns", ","), "no column"),
        (("exchange", "--format", "json", "--columns", "status"), "unknown column 'status'"),
        (("seminar", "--columns", "id"), "--format json or csv"),
        (("seminar", "--format", "table", "--columns", "id"), "--format json or csv"),
    ],
)
def test_unknown_columns_are_usage_errors(run: Run, options: tuple[str, ...], message: str) -> None:
    result = run("--records", DEMO, "list", *options)
    assert result.exit_code == 2 and message in result.output
    if "unknown" in message:  # the valid ones are named
        assert ", ".join(list_columns(options[0])) in result.output


def test_readme_documents_each_kinds_columns() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:
        own = ", ".join(f"`{c}`" for c in list_columns(kind)[3:-3])
        assert f"| `{kind}` | {own} |" in readme


# --- the review as text -------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 100])
def test_text_review_never_cuts_an_id(run: Run, width: int) -> None:
    from mou.render import terminal_text

    options = ("--period", "2023..2026", "--as-of", "2026-12-31")
    markdown = run("--records", DEMO, "review", *options, "--format", "md").output
    data = json.loads(run("--records", DEMO, "review", *options, "--format", "json").output)
    ids = data["actions"]["overdue"]
    assert "2025-06-05-consultations-minsk#training-evaluation" in ids
    text = terminal_text(markdown, width)
    assert "…" not in text
    for identifier in ids:
        assert f"({identifier})" in text
    assert max(cell_width(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize(
    "command",
    [
        ("list", "exchange", "--period", "2024", "--party", "iom"),
        ("actions", "--overdue", "--as-of", "2025-12-31"),
    ],
)
def test_readme_tables_at_80_columns_are_current(
    run: Run, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    output = run("--records", DEMO, *command, "--format", "table").output
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = f"$ mou {' '.join(command)}   # in an 80-column terminal\n{output}"
    assert shown in readme


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(st.dictionaries(st.text(max_size=5), _values, max_size=4), max_size=4))
def test_rows_written_as_they_come_are_the_rows_written_at_once(
    rows: list[dict[str, object]],
) -> None:
    """`mou list --format json/csv` streams its rows: the same bytes as the whole document
    (control and bidi characters escaped, formulas neutralised)."""
    from mou.escape import json_safe
    from mou.tables import as_csv, csv_lines, json_lines

    whole = json_safe(json.dumps(rows, ensure_ascii=False, indent=2)) + "\n"
    assert "".join(json_lines(iter(rows))) == whole
    columns = list(dict.fromkeys(key for row in rows for key in row)) or ["id"]
    assert "".join(csv_lines(iter(rows), columns)) == as_csv(rows, columns)
