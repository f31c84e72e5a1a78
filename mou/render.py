"""The review as Markdown, terminal text, HTML or JSON, in English or Russian.

Every word mou writes goes through gettext (catalogs in `mou/locale/`); dates, numbers and
money are formatted by Babel for the locale; record text appears in the chosen language where
the record gives it. Templates are Jinja (`templates/`); HTML is autoescaped, Markdown output
neutralises record text that would break a table or inject markup.
"""

from __future__ import annotations

import gettext
import json
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from mou.load import Entry
from mou.models import TITLE_FIELDS, Memorandum, localized
from mou.output import markdown_text
from mou.periods import Period
from mou.problems import CODES, N_, Problem
from mou.queries import Review, record_data

# Babel locales: British English writes dates the way international secretariats do.
LOCALES = {"en": "en_GB", "ru": "ru"}
PACKAGE = Path(__file__).parent


# The words of the record's closed vocabularies, as they appear in a review.
VOCABULARY = {
    "on-track": N_("on track"),
    "behind": N_("behind"),
    "no-activity": N_("no activity"),
    "n/a": N_("n/a"),
    "planned": N_("planned"),
    "held": N_("held"),
    "cancelled": N_("cancelled"),
    "postponed": N_("postponed"),
    "consultation": N_("consultation"),
    "representation": N_("representation"),
    "review": N_("review"),
    "other": N_("other"),
    "seminar": N_("seminar"),
    "conference": N_("conference"),
    "workshop": N_("workshop"),
    "training": N_("training"),
    "round-table": N_("round table"),
    "in-person": N_("in person"),
    "online": N_("online"),
    "hybrid": N_("hybrid"),
    "open": N_("open"),
    "accepted": N_("accepted"),
    "in-progress": N_("in progress"),
    "delivered": N_("delivered"),
    "declined": N_("declined"),
    "withdrawn": N_("withdrawn"),
    "proposed": N_("proposed"),
    "active": N_("active"),
    "completed": N_("completed"),
    "suspended": N_("suspended"),
    "committed": N_("committed"),
    "paid": N_("paid"),
    "done": N_("done"),
    "dropped": N_("dropped"),
    "error": N_("error"),
    "warning": N_("warning"),
    "meeting": N_("meeting"),
    "exchange": N_("exchange"),
    "request": N_("request"),
    "programme": N_("programme"),
    "arrangement": N_("arrangement"),
    "contact": N_("contact"),
    "activity": N_("activity"),
}


def templates_folder() -> Path:
    """The packaged templates (an installed wheel), else the repository's `templates/`."""
    packaged = PACKAGE / "templates"
    return packaged if packaged.is_dir() else PACKAGE.parent / "templates"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language` (English needs none: the messages are English)."""
    if language == "en":
        return gettext.NullTranslations()
    compiled = PACKAGE / "locale" / language / "LC_MESSAGES" / "mou.mo"
    if compiled.is_file():
        with compiled.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    # Running from a source tree nobody built: compile the catalog in memory.
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (compiled.with_suffix(".po")).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# --- the data templates see ------------------------------------------------------------------


class Words:
    """Formatting for one language: gettext, Babel, and the record's localized text."""

    def __init__(self, language: str, memorandum: Memorandum) -> None:
        from babel import Locale

        self.language = language
        self.locale = Locale.parse(LOCALES[language])
        self._dates: dict[tuple[date, str], str] = {}
        self.translation = translations(language)
        self.parties = {party.id: party for party in memorandum.parties}
        self.topics = {
            topic.id: topic.name
            for topic in memorandum.topics
            if not isinstance(topic, str) and topic.name is not None
        }

    def gettext(self, message: str) -> str:
        return self.translation.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translation.ngettext(singular, plural, count)

    def word(self, value: str) -> str:
        """A word of the record's closed vocabularies (a status, a kind) in the language."""
        message = VOCABULARY.get(value)
        return self.gettext(message) if message else value

    def text(self, value: Any) -> str:
        return "" if value is None else localized(value, self.language)

    def date(self, value: date | None, form: str = "medium") -> str:
        from babel.dates import format_date

        if value is None:
            return "—"
        key = (value, form)
        if key not in self._dates:  # a long review repeats the same days many times
            self._dates[key] = format_date(value, form, locale=self.locale)
        return self._dates[key]

    def number(self, value: int | float | Decimal | None) -> str:
        from babel.numbers import format_decimal

        return "—" if value is None else format_decimal(value, locale=self.locale)

    def money(self, amount: Decimal, currency: str) -> str:
        """English puts the ISO code first (USD 4,200.00), as financial reports in English do;
        other languages use their locale's own pattern (4 200,00 $)."""
        from babel.numbers import format_currency

        pattern = "¤¤\u00a0#,##0.00" if self.language == "en" else None
        return format_currency(amount, currency, pattern, locale=self.locale, currency_digits=True)

    def days(self, count: int | None) -> str:
        if count is None:
            return "—"
        return self.ngettext("%(num)s day", "%(num)s days", count) % {"num": self.number(count)}

    def party(self, party_id: str, *, full: bool = False) -> str:
        party = self.parties.get(party_id)
        if party is None:
            return party_id
        return self.text(party.name if full or party.short is None else party.short)

    def topic(self, topic_id: str) -> str:
        name = self.topics.get(topic_id)
        return self.text(name) if name is not None else topic_id

    def state(self, code: str) -> str:
        """A state's name in the language (CLDR), from its ISO 3166-1 alpha-3 code."""
        import pycountry

        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            return code
        return str(self.locale.territories.get(country.alpha_2, code))

    def finding(self, problem: Problem) -> str:
        """A finding in the language: the detailed message in English (as `mou validate` writes
        it), what its code means in the other languages."""
        if self.language == "en":
            return problem.message
        return self.gettext(CODES[problem.code].title)

    def states(self, codes: Iterable[str]) -> list[str]:
        """States' names in the language, in its alphabetical order."""
        return sorted((self.state(code) for code in codes), key=_collation_key)

    def period(self, period: Period) -> str:
        return f"{period.label} ({self.date(period.start)} – {self.date(period.end)})"


def _collation_key(text: str) -> str:
    return text.casefold().replace("ё", "е")


def template_context(
    review: Review, language: str, *, contact_details: bool = False
) -> dict[str, Any]:
    """Everything a template sees: the review, the formatting helpers, a timeline, and
    whether contacts' e-mail and phone may be shown (only when asked for)."""
    words = Words(language, review.memorandum)
    return {
        "contact_details": contact_details,
        "review": review,
        "memorandum": review.memorandum,
        "lang": language,
        "w": words,
        "_": words.gettext,
        "ngettext": words.ngettext,
        "timeline": timeline(review, words),
        "title_of": lambda entry: words.text(title_of(entry)),
    }


def title_of(entry: Entry) -> Any:
    """What a record is called: its title, subject or name (localized text), else its id."""
    model = entry.model
    for field in TITLE_FIELDS:
        value = getattr(model, field, None)
        if value is not None:
            return value
    return entry.id


# --- the timeline --------------------------------------------------------------------------

TIMELINE_WIDTH = 960
LABEL_WIDTH = 150
ROW_HEIGHT = 34
TOP = 30


def timeline(review: Review, words: Words) -> dict[str, Any]:
    """Geometry of the HTML timeline: one row per clause with evidence, a mark per record of
    the period that counts for it, month ticks along the top, a line at the cut-off."""
    start, end = review.period.start, review.period.end
    span = max((end - start).days, 1)
    plot = TIMELINE_WIDTH - LABEL_WIDTH - 20

    def x(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day - start).days / span, 1)

    rows = []
    for index, clause in enumerate(c for c in review.clauses if c.status != "n/a"):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        marks = []
        for entry in clause.records:
            day = max(entry.model.dated, start)
            marks.append(
                {
                    "x": x(day),
                    "kind": entry.kind,
                    "date": words.date(entry.model.dated),
                    "title": words.text(title_of(entry)),
                }
            )
        rows.append({"y": y, "clause": clause, "marks": marks})
    # A tick a month up to a year and a half, then every six months, then every year.
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    every = 1 if months <= 18 else 6 if months <= 60 else 12
    ticks: list[dict[str, Any]] = []
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start and (month.month - 1) % every == 0:
            ticks.append({"x": x(month), "label": words.date(month, "MMM yy")})
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    height = TOP + len(rows) * ROW_HEIGHT + 10
    cut = x(review.cut_off) if review.cut_off < end else None
    return {
        "width": TIMELINE_WIDTH,
        "height": height,
        "rows": rows,
        "ticks": ticks,
        "label_width": LABEL_WIDTH,
        "cut_off": cut,
        "right": TIMELINE_WIDTH - 20,
    }


# --- rendering -----------------------------------------------------------------------------


def environment(*, sandboxed: bool = False, html: bool = False, folder: Path | None = None) -> Any:
    """A Jinja environment for the review templates; a user's template gets a sandbox and
    StrictUndefined (a misspelt name is an error, not an empty string)."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    loader = jinja2.FileSystemLoader(str(folder or templates_folder()))
    kind: Callable[..., Any] = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = kind(
        loader=loader,
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    return env


def render_template(
    review: Review, language: str, name: str, *, html: bool, contact_details: bool = False
) -> str:
    template = environment(html=html).get_template(name)
    context = template_context(review, language, contact_details=contact_details)
    return str(template.render(context))


def render_user_template(
    review: Review, language: str, path: Path, *, contact_details: bool = False
) -> str:
    html = path.suffix.lower() in (".html", ".htm", ".xml", ".svg")
    env = environment(sandboxed=True, html=html, folder=path.parent)
    context = template_context(review, language, contact_details=contact_details)
    return str(env.get_template(path.name).render(context))


def render(
    review: Review, output_format: str, language: str, *, contact_details: bool = False
) -> str:
    """The review in a format (md, text, html, json) and language (en, ru)."""
    if output_format == "json":
        return as_json(review, contact_details=contact_details)
    if output_format == "html":
        return render_template(
            review, language, "review.html.j2", html=True, contact_details=contact_details
        )
    markdown = render_template(
        review, language, "review.md.j2", html=False, contact_details=contact_details
    )
    if output_format == "md":
        return markdown
    return terminal_text(markdown)


def terminal_text(markdown: str, width: int = 100) -> str:
    """The Markdown review laid out by rich for a terminal (tables drawn, headings set off),
    as plain text: for a file or a pipe. On a terminal, `print_terminal` adds colour."""
    import io

    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(Markdown(markdown))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def print_terminal(markdown: str) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(markdown))


# --- JSON ----------------------------------------------------------------------------------


def review_data(review: Review, *, contact_details: bool = False) -> dict[str, Any]:
    """The review as plain data with stable keys (SPEC §6); amounts as strings; contacts'
    e-mail and phone only when asked for."""
    from mou.output import diagnostic

    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "period": {
            "label": review.period.label,
            "start": day(review.period.start),
            "end": day(review.period.end),
        },
        "as_of": day(review.as_of),
        "cut_off": day(review.cut_off),
        "clauses": [
            {
                "id": c.clause.id,
                "status": c.status,
                "count": c.count,
                "longest_gap_days": c.longest_gap_days,
                "next_due": day(c.next_due),
                "records": [e.id for e in c.records],
            }
            for c in review.clauses
        ],
        "meetings": {
            "consultations": [e.id for e in review.consultations],
            "other": [e.id for e in review.other_meetings],
        },
        "representation": [
            {"host": host, "observer": observer, "count": count}
            for host, observer, count in review.representation
        ],
        "seminars": {
            "held": review.seminars.held,
            "planned": review.seminars.planned,
            "cancelled": review.seminars.cancelled,
            "postponed": review.seminars.postponed,
            "participants": review.seminars.participants,
            "topics": [{"topic": t, "held": n} for t, n in review.seminars.topics],
            "other_topics": [{"topic": t, "held": n} for t, n in review.seminars.other_topics],
            "states": list(review.seminars.states),
            "records": [e.id for e in review.seminars.records],
        },
        "exchanges": [
            {"from": sender, "to": receiver, "count": count}
            for sender, receiver, count in review.exchanges
        ],
        "requests": {
            "opened": review.requests.opened,
            "resolved": review.requests.resolved,
            "median_response_days": review.requests.median_response_days,
            "records": [e.id for e in review.requests.records],
        },
        "programmes": [e.id for e in review.programmes],
        "costs": [
            {"payer": c.payer, "currency": c.currency, "status": c.status, "amount": str(c.amount)}
            for c in review.costs
        ],
        "actions": {
            "opened": review.actions.opened,
            "closed": review.actions.closed,
            "overdue": [o.id for o in review.actions.overdue],
        },
        "contacts": [{"party": party, "days_without": days} for party, days in review.contacts],
        "contact_persons": [
            {"id": e.id, **record_data(e, contact_details=contact_details)}
            for e in review.contact_persons
        ],
        "bilateral": [e.id for e in review.bilateral],
        "findings": [diagnostic(p) for p in review.findings],
    }


def as_json(review: Review, *, contact_details: bool = False) -> str:
    data = review_data(review, contact_details=contact_details)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
