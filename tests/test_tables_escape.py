"""Record text with control and bidi characters in `mou list` and `mou actions` outputs:
CSV writes them as `\\uXXXX` (the one function `escape.json_safe`, as `mou portfolio`'s CSV
and every JSON output), still neutralising formulas; plain rows (TSV) and tables show them
escaped too. Nothing raw reaches a terminal that prints the output."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from mou.escape import has_unsafe
from mou.tables import csv_cell

Tree = Callable[[dict[str, str | bytes]], Path]

# Clear the screen, a hyperlink, a right-to-left override, a bell; a carriage return that
# would let a line overwrite itself.
HOSTILE = (
    "\\x1b[2J\\x1b]8;;http://e.org\\x07link\\x1b]8;;\\x07 \\u202eevil\\u202c bell\\x07 cr\\rend"
)
MEETING = f"""kind: meeting
type: consultation
title: "={HOSTILE}"
date: 2024-03-12
status: held
location: Geneva
format: in-person
organizer: iom
observers: [cis]
actions:
  - id: send-plan
    text: "@{HOSTILE}"
    owner: cis
    due: 2024-04-30
    status: open
"""
ESCAPED = (
    "\\u001b[2J\\u001b]8;;http://e.org\\u0007link\\u001b]8;;\\u0007 \\u202eevil\\u202c bell\\u0007"
)


@pytest.fixture
def root(base_tree: Tree) -> Path:
    return base_tree({"meetings/2024-03-12-consultations.yaml": MEETING})


def _rows(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


@pytest.mark.parametrize(
    ("command", "column", "first"),
    [
        (("list", "meeting"), "title", "="),
        (("actions", "--as-of", "2025-01-01"), "text", "@"),
    ],
)
def test_csv_escapes_controls_and_neutralises_formulas(
    run: Run, root: Path, command: tuple[str, ...], column: str, first: str
) -> None:
    result = run("--records", str(root), *command, "--format", "csv")
    assert not has_unsafe(result.output)
    (row,) = _rows(result.output)
    # a spreadsheet reads text, not a formula; a terminal shows the escapes, obeys none
    assert row[column] == f"'{first}{ESCAPED} cr\\u000dend"


def test_tables_escape_them(run: Run, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for command in (("list", "meeting"), ("actions", "--as-of", "2025-01-01")):
        monkeypatch.setenv("COLUMNS", "200")
        output = run("--records", str(root), *command, "--format", "table").output
        assert not has_unsafe(output), command
        assert "\\x1b[2J" in output and "\\u202eevil" in output and "cr\\rend" in output


@pytest.mark.parametrize(
    ("command", "columns", "first"),
    [
        (("list", "meeting"), ("title", "title"), "="),
        (("actions", "--as-of", "2025-01-01"), ("action", "text"), "@"),
    ],
)
def test_plain_rows_escape_them_as_csv_does_and_keep_formulas(
    run: Run, root: Path, command: tuple[str, ...], columns: tuple[str, str], first: str
) -> None:
    """TSV writes a control or bidi character as CSV and JSON do (`\\u0007`), its own four
    (tab, line feed, carriage return, backslash) as `\\t`, `\\n`, `\\r`, `\\\\`; and it is for
    scripts, not spreadsheets: a value starting with `=` or `@` is given as it is (the
    README's design decisions)."""
    output = run("--records", str(root), *command, "--format", "tsv").output
    assert not has_unsafe(output)
    header, line = output.splitlines()
    cell = dict(zip(header.split("\t"), line.split("\t"), strict=True))[columns[0]]
    assert cell == f"{first}{ESCAPED} cr\\rend"
    csv_output = run("--records", str(root), *command, "--format", "csv").output
    csv_cell = _rows(csv_output)[0][columns[1]]
    assert csv_cell == "'" + cell.replace("\\r", "\\u000d")  # the same but for the quote


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("plain", "plain"),
        ("=1+1", "'=1+1"),
        ("\x1b=1", "\\u001b=1"),  # escaped first: no longer a formula, nor raw
        ("\r=1", "\\u000d=1"),
        ("\t=1", "'\t=1"),  # a tab is kept (quoted in the file): still neutralised
        ("two\nlines", "two\nlines"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        (["a\x07", "b"], "a\\u0007; b"),
        ({"k": "\u202e"}, '{"k": "\\u202e"}'),
        (3, 3),
        (None, ""),
    ],
)
def test_csv_cell(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_a_csv_cell_reads_back_unambiguously() -> None:
    """A record's own text `\\u202e` and a real U+202E give different cells (the backslash
    doubled, as in TSV); a value without either is unchanged."""
    from mou.tables import csv_cell

    literal, real = "lit \\u202e", "lit \u202e"
    assert csv_cell(literal) == "lit \\\\u202e"
    assert csv_cell(real) == "lit \\u202e"
    assert csv_cell(literal) != csv_cell(real)
    assert csv_cell("plain text") == "plain text"
    assert csv_cell({"k": "a\\b"}) == '{"k": "a\\\\b"}'  # JSON's own doubling, not twice
