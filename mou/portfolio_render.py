"""`mou portfolio` written out: a terminal table (mou.grid, fitted to the terminal), Markdown,
CSV (formulas neutralised), JSON and one self-contained HTML page (templates/portfolio.html.j2:
autoescaped, no script, no external request, sorted by `--sort` with the sorted column marked).

Every cell's text is made once, in one language, by `cells()`; each format escapes it for where
it lands (the terminal's control characters, Markdown markup, a spreadsheet's formulas, HTML).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mou.escape import code_span, json_safe, markdown_text, one_line
from mou.grid import Grid, GridColumn
from mou.portfolio_view import (
    CLAUSE_STATUSES,
    LIGHTS,
    Deadline,
    Overview,
    PortfolioRow,
    title_of,
)
from mou.problems import N_, NT, Text, catalog, render
from mou.tables import as_csv
from mou.words import Words

FORMATS = ("table", "md", "html", "json", "csv")
DEADLINE_WORDS = {
    "entry-into-force": N_("entry into force"),
    "notice": N_("notice"),
    "end-of-term": N_("end of term"),
    "action": N_("action"),
    "clause": N_("clause"),
}


@dataclass(frozen=True, slots=True)
class Heading:
    key: str  # the column's key: CSV header, `--sort` name where it sorts
    name: str  # its heading (a message)
    sort: str | None = None  # the `--sort` value ordering by this column
    order: str = "ascending"  # how `sort` orders it (aria-sort): `other` is attention first


HEADINGS = (
    Heading("light", N_("Light"), "light", "other"),
    Heading("id", N_("Id"), "id"),
    Heading("title", N_("Memorandum"), "title"),
    Heading("parties", N_("Parties")),
    Heading("state", N_("Status"), "state", "other"),
    Heading("clauses", N_("Clauses on track / behind / no activity"), "clauses", "descending"),
    Heading("last", N_("Last record"), "last"),
    Heading("overdue", N_("Overdue actions"), "overdue", "descending"),
    Heading("next", N_("Next deadline"), "next"),
    Heading("why", N_("Why")),
)


class Language:
    """The words of one language: the page's (`page`: gettext, dates), and each memorandum's
    (`words(row)`: its parties' names)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.page = Words(language, None)

    def _(self, message: str) -> str:
        return self.page.gettext(message)

    def text(self, message: Text) -> str:
        """A message of the rows (a reason) in the language."""
        return render(message.words(), None if self.language == "en" else catalog(self.language))

    def words(self, row: PortfolioRow) -> Words:
        return Words(self.language, row.memorandum) if row.memorandum else self.page


def deadline_text(deadline: Deadline | None, words: Words) -> str:
    """What the deadline is: `notice`, `clause 1.2`, `action glossary (CIS Executive
    Committee)`, ..."""
    if deadline is None:
        return ""
    what = words.gettext(DEADLINE_WORDS[deadline.kind])
    if deadline.kind == "action":
        return f"{what} {deadline.ref.rpartition('#')[2]} ({words.party(deadline.owner)})"
    return f"{what} {deadline.ref}" if deadline.ref else what


def cells(row: PortfolioRow, lang: Language) -> dict[str, str]:
    """The row's cells as text in the language (not yet escaped), by column key."""
    words = lang.words(row)
    parties = row.memorandum.party_ids if row.memorandum else []
    clauses = row.clauses
    deadline = row.next_deadline
    return {
        "light": lang._(row.light),
        "id": row.id,
        "title": title_of(row, lang.language),
        "parties": ", ".join(words.party(p) for p in parties),
        "state": words.word(row.state) if row.state in words.vocabulary else lang._(row.state),
        "clauses": " / ".join(str(clauses[s]) for s in CLAUSE_STATUSES) if clauses else "—",
        "last": str(row.last_record or "—"),
        "overdue": "—" if row.overdue_actions is None else str(row.overdue_actions),
        "next": f"{deadline.day} {deadline_text(deadline, words)}" if deadline else "—",
        "why": "; ".join(lang.text(reason.message) for reason in row.reasons),
    }


def summary(portfolio: Overview, lang: Language) -> str:
    """`6 memoranda on 2026-06-30: red: 2, amber: 1, green: 3`."""
    count = len(portfolio.rows)
    head = NT("{n} memorandum on {day}", "{n} memoranda on {day}", count, day=portfolio.as_of)
    lights = ", ".join(
        f"{lang._(light)}: {portfolio.count(light)}" for light in LIGHTS if portfolio.count(light)
    )
    return f"{lang.text(head)}: {lights}" if lights else lang.text(head)


# --- the terminal ------------------------------------------------------------------------------

# Each column's layout in the terminal: (never wrapped, dropped when narrow: 1 first, numeric).
TABLE_LAYOUT: dict[str, tuple[bool, int | None, bool]] = {
    "light": (True, None, False),
    "id": (True, None, False),
    "title": (False, 3, False),
    "parties": (False, 1, False),
    "state": (False, None, False),
    "clauses": (False, None, False),
    "last": (True, 4, False),
    "overdue": (False, None, True),
    "next": (False, None, False),
    "why": (False, 2, False),
}


def table(portfolio: Overview, language: str) -> Grid:
    """The portfolio as a terminal table: every cell on one line (control characters shown
    escaped), columns dropped in a narrow terminal (parties, reasons, titles, last record)."""
    lang = Language(language)
    columns = [GridColumn(lang._(h.name), *TABLE_LAYOUT[h.key]) for h in HEADINGS]
    rows = [[one_line(text) for text in cells(row, lang).values()] for row in portfolio.rows]
    return Grid(summary(portfolio, lang), columns, rows)


# --- Markdown, CSV, JSON ------------------------------------------------------------------------


def markdown(portfolio: Overview, language: str) -> str:
    """A Markdown page: record text escaped (`markdown_text`), ids as code spans."""
    lang = Language(language)
    lines = [f"# {markdown_text(lang._(TITLE))}", ""]
    lines += [markdown_text(summary(portfolio, lang)) + ".", ""]
    lines += [markdown_text(_about(portfolio, lang)), ""]
    if any(row.illustrative for row in portfolio.rows):
        lines += [markdown_text(lang._(ILLUSTRATIVE)), ""]
    headings = [lang._(h.name) for h in HEADINGS]
    lines.append("| " + " | ".join(markdown_text(h) for h in headings) + " |")
    lines.append("|" + "|".join("---:" if h.key == "overdue" else "---" for h in HEADINGS) + "|")
    for row in portfolio.rows:
        texts = cells(row, lang)
        shown = {key: markdown_text(text) if text else " " for key, text in texts.items()}
        shown["light"] = f"**{shown['light']}**"
        shown["id"] = code_span(row.id)
        lines.append("| " + " | ".join(shown.values()) + " |")
    return "\n".join([*lines, "", markdown_text(lang._(RULE))]) + "\n"


TITLE = N_("Portfolio of memoranda")
ILLUSTRATIVE = N_("Memoranda marked illustrative are invented to show the tool.")
RULE = N_(
    "Red: the record does not validate, the memorandum expired, an action is overdue or a "
    "clause is behind its cadence. Amber: the notice window, or nothing recorded this year. "
    "Green: otherwise."
)


def _about(portfolio: Overview, lang: Language) -> str:
    sort = next(h for h in HEADINGS if h.sort == portfolio.sort)
    message = N_("Clauses over {year} up to the as-of date; sorted by {column}.")
    return lang._(message).format(year=portfolio.year.label, column=lang._(sort.name))


def csv(portfolio: Overview, language: str) -> str:
    """One line per memorandum: codes for the state and the light, text in the language."""
    lang = Language(language)
    return as_csv([_flat(row, lang) for row in portfolio.rows])


def _flat(row: PortfolioRow, lang: Language) -> dict[str, Any]:
    # Control and bidi characters are written as `\uXXXX` by `as_csv` (`tables.csv_cell`).
    texts = cells(row, lang)
    deadline = row.next_deadline
    clauses = row.clauses or {}
    return {
        "id": row.id,
        "title": texts["title"],
        "parties": texts["parties"].replace(", ", "; "),
        "state": row.state,
        "light": row.light,
        **{f"clauses_{s.replace('-', '_')}": clauses.get(s) for s in CLAUSE_STATUSES},
        "last_record": row.last_record and str(row.last_record),
        "overdue_actions": row.overdue_actions,
        "next_deadline": deadline and str(deadline.day),
        "next_deadline_kind": deadline and deadline.kind,
        "next_deadline_ref": deadline and deadline.ref,
        "reasons": texts["why"],
        "errors": row.errors,
        "warnings": row.warnings,
    }


def data(portfolio: Overview, language: str) -> dict[str, Any]:
    """The portfolio as plain data with stable keys (dates as ISO text; record text as the
    record gives it; the reasons' messages in the language)."""
    lang = Language(language)

    def row_data(row: PortfolioRow) -> dict[str, Any]:
        m, deadline = row.memorandum, row.next_deadline
        life = row.life
        return {
            "id": row.id,
            "title": None if m is None else m.title,
            "short_title": None if m is None else m.short_title,
            "parties": [] if m is None else m.party_ids,
            "state": row.state,
            "light": row.light,
            "reasons": [{"code": r.code, "message": lang.text(r.message)} for r in row.reasons],
            "clauses": row.clauses,
            "last_record": row.last_record and str(row.last_record),
            "overdue_actions": row.overdue_actions,
            "next_deadline": deadline
            and {
                "date": str(deadline.day),
                "kind": deadline.kind,
                "ref": deadline.ref or None,
                "owner": deadline.owner or None,
            },
            "in_force_since": life and str(life.in_force_since),
            "ends": life and life.ends and str(life.ends),
            "errors": row.errors,
            "warnings": row.warnings,
            "illustrative": row.illustrative,
        }

    return {
        "as_of": str(portfolio.as_of),
        "year": portfolio.year.label,
        "sort": portfolio.sort,
        "lights": {light: portfolio.count(light) for light in LIGHTS},
        "memoranda": [row_data(row) for row in portfolio.rows],
    }


def as_json(portfolio: Overview, language: str) -> str:
    document = json.dumps(data(portfolio, language), ensure_ascii=False, indent=2)
    return json_safe(document) + "\n"


# --- HTML ---------------------------------------------------------------------------------------


# The portfolio's page as the index of a portfolio's site (`mou site` at its root): each id
# links to that memorandum's site, and the page to itself in the other language.
SITE_PAGES = {
    "en": {"up": "", "other": "ru/index.html", "other_lang": "ru", "other_name": "Русский"},
    "ru": {"up": "../", "other": "../index.html", "other_lang": "en", "other_name": "English"},
}


def html(portfolio: Overview, language: str, *, site: bool = False) -> str:
    """One self-contained page (templates/portfolio.html.j2, autoescaped); with `site`, the
    index of a portfolio's site (English at its top, Russian in ru/)."""
    from mou.render import environment

    lang = Language(language)
    # Record text with its control and bidi characters shown escaped (`\x1b`), never raw;
    # the template isolates it (`dir="auto"`, <bdi>) from the text around it.
    rows = [
        {
            "row": row,
            "id": one_line(row.id),
            "cells": {key: one_line(text) for key, text in cells(row, lang).items()},
            "title": one_line(title_of(row, language, short=False)),
            "reasons": [one_line(lang.text(reason.message)) for reason in row.reasons],
            "deadline": one_line(deadline_text(row.next_deadline, lang.words(row))),
            "words": lang.words(row),
        }
        for row in portfolio.rows
    ]
    template = environment(html=True).get_template("portfolio.html.j2")
    return str(
        template.render(
            portfolio=portfolio,
            rows=rows,
            headings=HEADINGS,
            summary=summary(portfolio, lang),
            about=_about(portfolio, lang),
            illustrative=any(row.illustrative for row in portfolio.rows) and lang._(ILLUSTRATIVE),
            rule=lang._(RULE),
            lang=language,
            site=SITE_PAGES[language] if site else None,
            _=lang._,
        )
    )


def render_portfolio(portfolio: Overview, output_format: str, language: str) -> str:
    """The portfolio in a format of FORMATS but `table` (laid out by the terminal's width)."""
    writers = {"md": markdown, "csv": csv, "json": as_json, "html": html}
    return writers[output_format](portfolio, language)
