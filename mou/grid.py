"""Terminal tables laid out by mou, and the same rows as plain tab-separated text.

rich's own table layout shrinks columns to nothing and breaks words in a narrow terminal,
and it cost most of `mou list`'s time on a large record. This layout is simple and fixed:
- a column with nothing in it is left out;
- a `no_wrap` column (ids, dates) is never wrapped: ids are copied into commands;
- a short column (dates, numbers, statuses: `SHORT` cells at most) is never folded either,
  and a column of short phrases (`PHRASE` cells at most: "notice window") is given its
  whole width first, before the rest of the terminal is shared;
- other text folds on word boundaries: a folding column is kept as wide as its longest word,
  so no word is broken, unless it alone is wider than the terminal leaves (a very narrow
  one, or a stacked row); the width left is shared so that no row takes more lines than it
  must (`_balance`);
- when the terminal is too narrow for every column, columns are dropped in their declared
  order (`drop`: 1 goes first; None never goes); then a `no_wrap` cell too long to fit and
  wider than `LONG_CELL` (longer than any valid id: a 250-character file name) and half the
  terminal is cut in its middle with an ellipsis ("2024-01-18-cis…report"): the rest of the
  table keeps the layout it has without it, and the cut cell gets the width left (plain
  rows, `--format tsv|json|csv`, give every value whole); a word of text that long is cut
  the same way rather than wrapped over many lines; if what is left still does not fit side
  by side, each row is stacked: its ids and dates on one line (a cell wider than the
  terminal cut), its text folded under them;
- record text arrives escaped (`mou.escape.one_line`): no control character or bidi override
  reaches the terminal.

Plain rows (`tsv_lines`) follow the "linear TSV" convention: a header of column keys, one
line per row, tabs between cells, and tab, line feed, carriage return and backslash written
as `\\t`, `\\n`, `\\r`, `\\\\` (other control and bidi characters as `\\uXXXX`, as
JSON and CSV write them: `mou.escape.tsv_safe`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len

from mou.escape import one_line, tsv_safe

GAP = 2  # spaces between columns
PHRASE = 24  # a column of cells no wider than this is given the width to hold them whole
INDENT = 4  # a stacked row's text under its ids
SHORT = 12  # a column no wider than this (dates, numbers, statuses) is never folded
LONG_CELL = 80  # longer than any id: a cell (or word) wider is cut rather than wrapped
CUT_FLOOR = 16  # the least width a cut cell is given
ELLIPSIS = "…"


def tsv_lines(keys: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """A header of column keys, then one escaped line per row: for pipes and scripts."""
    yield "\t".join(keys) + "\n"
    for row in rows:
        yield "\t".join(tsv_safe(cell) for cell in row) + "\n"


@dataclass(frozen=True, slots=True)
class GridColumn:
    """A column as laid out: its heading, whether it may wrap, and when it is dropped."""

    heading: str
    no_wrap: bool = False
    drop: int | None = None
    right: bool = False  # numbers: aligned to the right


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes (wide characters two, combining marks none)."""
    return len(text) if text.isascii() else cell_len(text)


def _head(text: str, width: int) -> str:
    """The longest start of `text` that takes at most `width` cells."""
    end = 0
    while end < len(text) and cell_width(text[: end + 1]) <= width:
        end += 1
    return text[:end]


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells: whole when it fits, else its start and its end around
    an ellipsis, so that a long id still shows its date and what ends it."""
    if cell_width(text) <= width:
        return text
    if width < 3:
        return _head(text, width)
    head = _head(text, (width - 1) - (width - 1) // 2)
    tail = _head(text[::-1], width - 1 - cell_width(head))[::-1]
    return head + ELLIPSIS + tail


def _longest_word(texts: Iterable[str]) -> int:
    """The widest word of `texts`; one longer than LONG_CELL counts CUT_FLOOR (it is cut)."""
    sizes = (cell_width(word) for text in texts for word in text.split())
    return max((size if size <= LONG_CELL else CUT_FLOOR for size in sizes), default=0)


def _split_at(word: str, width: int) -> tuple[str, str]:
    """The longest head of `word` that fits in `width` cells (at least one character)."""
    end = 1
    while end < len(word) and cell_width(word[: end + 1]) <= width:
        end += 1
    return word[:end], word[end:]


def fold(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words; a word wider than
    `width` is broken too (the only case where a word is), or cut in its middle with an
    ellipsis when it is wider than `LONG_CELL` (a 250-character unbroken string)."""
    lines: list[str] = []
    line = ""
    for whole in text.split():
        word = whole if cell_width(whole) <= LONG_CELL else cut(whole, width)
        while cell_width(word) > width:
            if line:
                lines.append(line)
                line = ""
            head, word = _split_at(word, width)
            lines.append(head)
        if not word:
            continue
        if not line:
            line = word
        elif cell_width(line) + 1 + cell_width(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line or not lines else lines


def _share(widths: dict[int, int], wants: dict[int, int], spare: int) -> None:
    """Give `spare` cells to the columns that want more: whole to those wanting no more than
    a fair share (short names then stay on one line), the rest in proportion to the want."""
    wants = dict(wants)
    for index in sorted(wants, key=wants.__getitem__):
        if wants[index] <= spare // len(wants):
            widths[index] += wants[index]
            spare -= wants.pop(index)
    total = sum(wants.values())
    given = {index: spare * want // total for index, want in wants.items()}
    left = spare - sum(given.values())
    for index in sorted(wants, key=lambda i: wants[i] - given[i], reverse=True)[:left]:
        given[index] += 1
    for index, extra in given.items():
        widths[index] += min(extra, wants[index])


def _minimum(
    columns: Sequence[GridColumn],
    cells: Sequence[Sequence[str]],
    natural: Sequence[int],
    longest: int | None,
) -> list[int]:
    """Each column's least width: a whole column's widest cell; a folding column's longest
    word, up to `longest` (None: no word is ever broken); short cells always whole."""
    cap = longest if longest is not None else max(natural)
    minimum = [
        natural[i] if column.no_wrap else min(natural[i], _longest_word(cells[i]), cap)
        for i, column in enumerate(columns)
    ]
    for i, texts in enumerate(cells):  # short cells whole; a heading may still fold
        longest_cell = max((cell_width(text) for text in texts[1:]), default=0)
        if longest_cell <= SHORT:
            minimum[i] = max(minimum[i], longest_cell)
    return minimum


def _needed(widths: Sequence[int] | dict[int, int], kept: Iterable[int]) -> int:
    kept = list(kept)
    return sum(widths[i] for i in kept) + GAP * (len(kept) - 1)


def _fitted(
    columns: Sequence[GridColumn], minimum: Sequence[int], shown: Sequence[int], width: int
) -> list[int]:
    """The columns `shown` less those dropped, in their declared order, until the rest fit."""
    kept = list(shown)
    for _, index in sorted((c.drop, i) for i, c in enumerate(columns) if c.drop is not None):
        if _needed(minimum, kept) <= width:
            break
        if index in kept:
            kept.remove(index)
    return kept


def plan(
    columns: Sequence[GridColumn],
    cells: Sequence[Sequence[str]],
    width: int,
    longest: int | None = LONG_CELL,
) -> tuple[dict[int, int], bool]:
    """Which columns are shown (by index, in order) and how wide, in a terminal `width` cells
    wide, and whether they fit side by side. `cells` holds each column's texts, its heading
    first; a folding column is kept as wide as its longest word, up to `longest` (None: no
    word is ever broken)."""
    natural = [max(cell_width(text) for text in texts) for texts in cells]
    minimum = _minimum(columns, cells, natural, longest)
    # A column with nothing in it (exchanges have no status) is left out.
    shown = [i for i, texts in enumerate(cells) if len(texts) == 1 or any(texts[1:])]
    kept = _fitted(columns, minimum, shown, width)
    cut_columns: list[int] = []
    if _needed(minimum, kept) > width:
        # A whole cell wider than half the terminal and than LONG_CELL (a 250-character id)
        # is cut: the table is laid out as if it were as wide as the column's other cells
        # (CUT_FLOOR at least), and it gets what width is left once the others have theirs.
        limit = max(LONG_CELL, width // 2)
        cut_columns = [i for i in shown if columns[i].no_wrap and minimum[i] > limit]
        for index in cut_columns:
            usual = (cell_width(text) for text in cells[index])
            minimum[index] = max(CUT_FLOOR, *(size for size in usual if size <= limit))
        kept = _fitted(columns, minimum, shown, width)
    widths = {i: minimum[i] for i in kept}
    spare = width - _needed(widths, kept)
    if spare > 0:
        spare = _whole_phrases(widths, cells, spare)
    if spare > 0:
        folding = {i: w for i, w in widths.items() if not columns[i].no_wrap}
        spare = _near_misses(folding, cells, _balance(folding, cells, spare))
        widths.update(folding)
    for group in ([i for i in kept if i not in cut_columns], cut_columns):  # cut ones last
        wants = {i: natural[i] - widths[i] for i in group if natural[i] > widths[i]}
        if spare > 0 and wants:
            _share(widths, wants, spare)
            spare = width - _needed(widths, kept)
    return widths, width - _needed(minimum, kept) >= 0


NEAR = 4  # a cell this few cells wider than its column is a near miss (`_near_misses`)


def _near_misses(widths: dict[int, int], cells: Sequence[Sequence[str]], spare: int) -> int:
    """Widen a column by up to NEAR cells where that puts cells now folded by so little on
    one line ("2026-11-19 clause" above a lone "2"), the cheapest first, while `spare` lasts;
    what is left of it."""
    wider = {}
    for i, width in widths.items():
        near = [size for size in map(cell_width, cells[i][1:]) if width < size <= width + NEAR]
        if near:
            wider[i] = max(near)
    for index in sorted(wider, key=lambda i: wider[i] - widths[i]):
        if wider[index] - widths[index] <= spare:
            spare -= wider[index] - widths[index]
            widths[index] = wider[index]
    return spare


TALLEST = 8  # `_balance` looks for the fewest lines a row needs, up to this many
SAMPLE = 24  # the longest cells of a column that `_balance` folds to measure it


def _balance(widths: dict[int, int], cells: Sequence[Sequence[str]], spare: int) -> int:
    """Widen the folding columns so that no row takes more lines than it must: the fewest
    lines `h` for which every column's longest cells fold into `h` lines within `spare` more
    cells (measured on the `SAMPLE` longest cells of each column); what is left of `spare`."""
    samples = {
        i: sorted(cells[i][1:], key=cell_width, reverse=True)[:SAMPLE]
        for i in widths
        if any(cell_width(text) > widths[i] for text in cells[i][1:])
    }
    for lines in range(1, TALLEST + 1):
        wanted = {i: _width_for(texts, lines, widths[i]) for i, texts in samples.items()}
        extra = sum(wanted[i] - widths[i] for i in wanted)
        if extra <= spare:
            widths.update(wanted)
            return spare - extra
    return spare


def _width_for(texts: Sequence[str], lines: int, least: int) -> int:
    """The fewest cells (at least `least`) in which each of `texts` folds into `lines` lines."""
    found = least
    for text in texts:
        whole = cell_width(text)
        low, high = max(found, -(-whole // lines)), max(found, whole)
        while low < high:  # the narrowest width that folds `text` into `lines` lines
            middle = (low + high) // 2
            if len(fold(text, middle)) <= lines:
                high = middle
            else:
                low = middle + 1
        found = max(found, low)
    return found


def _whole_phrases(widths: dict[int, int], cells: Sequence[Sequence[str]], spare: int) -> int:
    """Give columns of short phrases (no cell over PHRASE: a state, "notice window")
    the width to hold each cell on one line, the least wanting first, while `spare` lasts;
    what is left of it."""
    body = {i: max((cell_width(text) for text in cells[i][1:]), default=0) for i in widths}
    wanting = [i for i in widths if widths[i] < body[i] <= PHRASE]
    for index in sorted(wanting, key=lambda i: body[i] - widths[i]):
        want = body[index] - widths[index]
        if want <= spare:
            widths[index] += want
            spare -= want
    return spare


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * (width - cell_width(text))
    return space + text if right else text + space


def _row_lines(
    texts: Sequence[str], widths: dict[int, int], columns: Sequence[GridColumn]
) -> Iterator[str]:
    folded = [
        [cut(texts[i], width)] if columns[i].no_wrap else fold(texts[i], width)
        for i, width in widths.items()
    ]
    height = max(len(lines) for lines in folded)
    for n in range(height):
        parts = [
            _pad(lines[n] if n < len(lines) else "", width, columns[index].right)
            for lines, (index, width) in zip(folded, widths.items(), strict=True)
        ]
        yield (" " * GAP).join(parts).rstrip()


def _stacked_lines(
    texts: Sequence[str], widths: dict[int, int], columns: Sequence[GridColumn]
) -> Iterator[str]:
    """A row too wide to lie side by side: its whole cells on one line, the others folded
    under it."""
    whole = [i for i in widths if columns[i].no_wrap]
    head = whole or list(widths)[:1]  # without an id, the first column leads
    if whole:
        yield (" " * GAP).join(cut(texts[i], widths[i]) for i in whole)
    else:
        yield from fold(texts[head[0]], widths[head[0]] + INDENT)
    for index, width in widths.items():
        if index not in head:
            for line in fold(texts[index], width):
                yield " " * INDENT + line


@dataclass(frozen=True, slots=True)
class Grid:
    """A table of escaped texts, laid out when printed (rich calls `__rich_console__` with
    the console's width), or by `lines(width)`."""

    title: str  # above the table ("3 records"); none when empty
    columns: Sequence[GridColumn]
    rows: Sequence[Sequence[str]]
    longest: int | None = LONG_CELL  # see `plan`

    def layout(self, width: int) -> tuple[list[str], list[str], list[str]]:
        """The heading lines, the rule under them, and the rows' lines."""
        cells = [
            [column.heading, *(row[i] for row in self.rows)]
            for i, column in enumerate(self.columns)
        ]
        widths, side_by_side = plan(self.columns, cells, width, self.longest)
        if not side_by_side:  # text folds under the ids, across the terminal
            text_width = max(width - INDENT, PHRASE // 2)
            widths = {i: width if self.columns[i].no_wrap else text_width for i in widths}
        lines = _row_lines if side_by_side else _stacked_lines
        headings = list(lines([c.heading for c in self.columns], widths, self.columns))
        if side_by_side:
            rule = (" " * GAP).join("─" * w for w in widths.values())
        else:
            rule = "─" * min(width, max(cell_width(line) for line in headings))
        body = [line for row in self.rows for line in lines(row, widths, self.columns)]
        return headings, [rule], body

    def lines(self, width: int) -> list[str]:
        headings, rule, body = self.layout(width)
        return [*([self.title] if self.title else []), *headings, *rule, *body]

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.segment import Segment
        from rich.style import Style

        headings, rule, body = self.layout(options.max_width)
        styled = [
            *([(self.title, None)] if self.title else []),
            *((line, Style(bold=True)) for line in headings),
            *((line, Style(dim=True)) for line in rule),
            *((line, None) for line in body),
        ]
        for text, style in styled:
            yield Segment(text, style)
            yield Segment.line()


def markdown(text: str) -> Any:
    """rich's Markdown, with its tables laid out as a `Grid` that never breaks a word: an id
    in a review's table is never cut (rich's own tables end long words with "…"). Numbers
    aligned right in the Markdown (`---:`) stay so."""
    from rich.markdown import Markdown, TableElement

    class Table(TableElement):
        def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
            header = self.header.row.cells if self.header and self.header.row else []
            body = self.body.rows if self.body else []
            columns = [
                GridColumn(one_line(cell.content.plain), right=cell.justify == "right")
                for cell in header
            ]
            rows = [[one_line(cell.content.plain) for cell in row.cells] for row in body]
            yield Grid("", columns, rows, longest=None)

    class TextMarkdown(Markdown):
        elements: ClassVar[dict[str, Any]] = {**Markdown.elements, "table_open": Table}

    return TextMarkdown(text)
