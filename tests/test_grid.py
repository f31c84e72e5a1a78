"""Terminal tables (mou.grid) at 80 and 120 columns: short phrases stay on one line, no word
is broken, and a very long unbreakable cell (a 250-character id) is cut in its middle with an
ellipsis while the rest of the table keeps the layout it has without it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_tables import COLUMNS, ROWS

from conftest import REPO, Run
from mou.grid import ELLIPSIS, LONG_CELL, Grid, GridColumn, cell_width, cut, fold, plan

PORTFOLIO = REPO / "examples" / "portfolio"
AS_OF = "2026-06-30"
LONG_ID = "2024-01-18-" + "statistical-bulletin-on-migration-" * 7 + "final"


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("2024-01-18-cis-bulletin", 30, "2024-01-18-cis-bulletin"),  # fits: whole
        ("2024-01-18-cis-bulletin", 23, "2024-01-18-cis-bulletin"),
        ("2024-01-18-cis-bulletin", 12, "2024-0…letin"),  # the start and the end
        ("abcdef", 2, "ab"),
        ("データデータデータ", 9, "デー…ータ"),  # wide characters: 4 + 1 + 4 cells
    ],
)
def test_cut(text: str, width: int, shown: str) -> None:
    assert cut(text, width) == shown
    assert cell_width(cut(text, width)) <= width


@given(st.text(min_size=1, max_size=300), st.integers(min_value=1, max_value=200))
def test_cut_keeps_within_width(text: str, width: int) -> None:
    shown = cut(text, width)
    assert cell_width(shown) <= width
    assert shown == text or (width >= 3) is (ELLIPSIS in shown)


# Grapheme clusters and the terminal cells they take (rich >= 14.3 counts a cluster, not
# its code points: a family emoji joined by ZWJ was 6 cells and put the columns out).
CLUSTERS = [
    ("a", 1),
    ("\U0001f469\u200d\U0001f469\u200d\U0001f467", 2),  # family: woman, woman, girl (ZWJ)
    ("\U0001f9d1\U0001f3fd\u200d\U0001f692", 2),  # firefighter, skin tone, ZWJ
    ("\U0001f1fa\U0001f1f8", 2),  # a flag: two regional indicators
    ("\U0001f44d\U0001f3fd", 2),  # thumbs up with a skin tone modifier
    ("\u2764\ufe0f", 2),  # a heart shown as emoji (variation selector 16)
    ("e\u0301", 1),  # e and a combining acute accent
    ("デ", 2),
    ("Ж", 1),
]


@pytest.mark.parametrize(("cluster", "cells"), CLUSTERS)
def test_a_grapheme_cluster_takes_its_cells(cluster: str, cells: int) -> None:
    assert cell_width(cluster) == cells


@given(st.lists(st.sampled_from(CLUSTERS), max_size=12))
def test_a_text_takes_the_cells_of_its_clusters(clusters: list[tuple[str, int]]) -> None:
    text = " ".join(cluster for cluster, _ in clusters)
    assert cell_width(text) == sum(cells for _, cells in clusters) + max(len(clusters) - 1, 0)


@pytest.mark.parametrize(("cluster", "cells"), CLUSTERS)
def test_a_cluster_in_a_title_keeps_the_columns_aligned(cluster: str, cells: int) -> None:
    rows = [[*ROWS[0][:2], f"Family {cluster} visit", "held"], ROWS[1]]
    _title, heading, _rule, first, second = Grid("2 records", COLUMNS, rows).lines(120)
    # the status column starts on the same terminal cell in the heading and every row, the
    # cluster counted as the cells it takes (not as the grid counted it)
    starts = [
        line.replace(f"Family {cluster} ", f"Family {'x' * cells} ").rindex(status)
        for line, status in ((heading, "Status"), (first, "held"), (second, "planned"))
    ]
    assert starts[0] == starts[1] == starts[2], (heading, first, second)


@pytest.mark.parametrize("width", [80, 120])
def test_no_word_is_broken(width: int) -> None:
    """A long word (a URL, a hyphenated name) widens its column, or the row is stacked: at
    80 columns and more, it is never broken."""
    word = "https://example.org/reports/migration-statistics-2024.pdf"  # 56 cells
    rows = [[*ROWS[0][:2], f"Bulletin, see {word} for the tables", "held"], ROWS[1]]
    lines = Grid("2 records", COLUMNS, rows).lines(width)
    assert any(word in line.split() for line in lines)
    assert all(cell_width(line) <= width for line in lines)


def test_a_very_long_word_of_text_is_cut_not_wrapped_over_many_lines() -> None:
    word = "a" * 100 + "z" * 150  # wider than any id (LONG_CELL)
    assert fold(f"see {word} here", 20) == ["see", "a" * 10 + ELLIPSIS + "z" * 9, "here"]
    assert fold("an extraordinarily long word", 8) == ["an", "extraord", "inarily", "long", "word"]
    assert len(word) > LONG_CELL


@pytest.mark.parametrize("width", [80, 120])
def test_a_very_long_id_is_cut_and_the_rest_keeps_its_layout(width: int) -> None:
    rows = [*ROWS, ["2024-12-01", LONG_ID, "Statistical bulletin on migration", "held"]]
    lines = Grid("3 records", COLUMNS, rows).lines(width)
    assert all(cell_width(line) <= width for line in lines)
    # side by side, as without the long id: every column shown, its heading on one line
    assert lines[1].split() == ["Date", "Id", "Title", "Status"]
    alone = Grid("2 records", COLUMNS, ROWS).lines(width)
    # the other rows read as they do without the long id (only the padding may differ)
    long_row = next(n for n, line in enumerate(lines) if line.startswith("2024-12-01"))
    assert [line.split() for line in lines[3:long_row]] == [line.split() for line in alone[3:]]
    long_line = next(line for line in lines if line.startswith("2024-12-01"))
    shown = long_line.split()[1]
    assert ELLIPSIS in shown and LONG_ID.startswith(shown.split(ELLIPSIS)[0])
    assert LONG_ID.endswith(shown.split(ELLIPSIS)[1])


def test_an_id_that_is_not_very_long_is_never_cut() -> None:
    """At 40 columns an ordinary id does not fit beside its title: the rows are stacked, each
    id whole on its line, as before."""
    cells = [[c.heading, *(row[i] for row in ROWS)] for i, c in enumerate(COLUMNS)]
    _, side_by_side = plan(COLUMNS, cells, 40)
    assert not side_by_side and max(len(r[1]) for r in ROWS) < LONG_CELL
    lines = Grid("2 records", COLUMNS, ROWS).lines(40)
    assert {row[1] for row in ROWS} <= {line.strip() for line in lines}


def test_short_phrases_stay_on_one_line() -> None:
    columns = [GridColumn("Id", no_wrap=True), GridColumn("State"), GridColumn("Why")]
    why = "the record does not validate and an action is overdue by many days " * 2
    rows = [["cis-ilo", "notice window", why], ["cis-iom", "in force", why]]
    lines = Grid("", columns, rows).lines(60)
    assert any("notice window" in line for line in lines)
    assert sum("in force" in line for line in lines) == 1


def _portfolio(run: Run, root: Path, width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    return str(run("--records", str(root), "portfolio", "--as-of", AS_OF).stdout)


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_the_portfolio_table_breaks_no_word(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    from mou.portfolio import find_portfolio
    from mou.portfolio_render import HEADINGS, Language, cells
    from mou.portfolio_view import portfolio_rows

    output = _portfolio(run, PORTFOLIO, width, monkeypatch)
    lines = output.splitlines()
    assert all(cell_width(line) <= width for line in lines)
    found = find_portfolio(PORTFOLIO)
    assert found is not None
    rows = portfolio_rows(found.members, date.fromisoformat(AS_OF)).rows
    words = set(output.split())
    headings = " ".join(lines[1:6])
    shown = [h.key for h in HEADINGS if h.name.split()[0] in headings]
    assert len(shown) >= 6  # side by side
    for row in rows:
        texts = cells(row, Language("en"))
        for key in shown:
            assert set(texts[key].split()) <= words, (key, texts[key])  # every word whole
        if width in (80, 120):  # the state on one line, as the brief terminal widths show it
            assert any(f"  {texts['state']}  " in line for line in lines), texts["state"]


@pytest.mark.parametrize("width", [80, 120])
def test_a_250_character_memorandum_id(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, width: int
) -> None:
    """One memorandum's folder named by 250 characters: its row stays a row of the table."""
    name = ("cis-" + "very-long-memorandum-name-" * 10)[:250]
    root = Path(shutil.copytree(PORTFOLIO / "cis-iom", tmp_path / name))
    output = _portfolio(run, root, width, monkeypatch)
    lines = output.splitlines()
    assert all(cell_width(line) <= width for line in lines)
    assert lines[1].split()[:3] == ["Light", "Id", "Memorandum" if width >= 120 else "Status"]
    row = next(line for line in lines if line.startswith(("red", "amber", "green")))
    shown = row.split()[1]
    assert ELLIPSIS in shown and name.startswith(shown.split(ELLIPSIS)[0])
    assert "in force" in row  # its state beside it, on the same line


@pytest.mark.parametrize(("spare", "width", "left"), [(3, 18, 1), (2, 18, 0), (1, 16, 1)])
def test_a_near_miss_is_put_on_one_line_when_the_width_allows(
    spare: int, width: int, left: int
) -> None:
    """ "2026-11-19 пункт 2" in 16 cells leaves a lone "2" on a line of its own."""
    from mou.grid import _near_misses

    widths = {0: 16}
    cells = [["Next deadline", "2026-11-19 пункт 2", "2026-07-31 поручение renewal-position"]]
    assert fold(cells[0][1], 16) == ["2026-11-19 пункт", "2"]
    assert _near_misses(widths, cells, spare) == left
    assert widths == {0: width}
