"""The pages of `mou site` in one language: each page's template and what it sees.

Every page sees `w` (the language's Words), `_`, `ngettext`, `lang`, `up` (the way back to the
language folder: "" or "../" repeated), `here` (its own path in the language folder, for the
language switch) and `site` (the shared SiteData); the templates are in `templates/site/`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from datetime import date
from functools import cache, partial
from typing import Any

from markupsafe import Markup

from mou import site, site_clauses, site_record
from mou.folder import kept
from mou.kinds import KINDS
from mou.load import Entry
from mou.render import environment, templates_folder
from mou.site import DONE_SHOWN, SiteData
from mou.site_clauses import ClauseYears, Listing, listing
from mou.site_record import Extra
from mou.site_timeline import clause_timeline, thin_marks, titled
from mou.site_views import FieldLayout, esc

LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
# Where a page's own path, title and content go in the frame rendered once per depth.
# Markup: printed as they are (a template escapes and shows control characters in text).
HERE, TITLE, MAIN = Markup("\x00here\x00"), Markup("\x00title\x00"), Markup("\x00main\x00")
# Findings listed on the findings page (`mou validate` lists them all).
FINDINGS_SHOWN = 1000


@cache
def _environment() -> Any:
    env = environment(html=True)
    env.globals["language_names"] = LANGUAGE_NAMES
    # The site's templates are mou's own, loaded once: not looked at on disk again (a stat
    # per page rendered, tens of thousands for a large record).
    env.auto_reload = False
    return env


def compile_templates(bytecode: dict[str, bytes]) -> dict[str, bytes]:
    """Load every template of the site through `bytecode` (Jinja's bytecode by template name),
    and return it: a template whose bytecode is there, made from the same source, is loaded
    from it in a tenth of the time; the others are compiled and added. A large record's
    templates are loaded by a child process where a core is free (`site_build._checked`),
    from the package's compiled templates (`template_options`), and the parts' processes
    load them from its bytecode."""
    from mou.template_options import compiled, site_templates

    return compiled(_environment(), site_templates(templates_folder()), bytecode)


def packaged_templates() -> dict[str, bytes]:
    """The site's templates as the package build compiled them (none where this environment
    would compile them otherwise: `template_options.read_compiled`)."""
    from mou.template_options import read_compiled

    return read_compiled(_environment())


def asset(name: str) -> bytes:
    """A static file of the site (CSS, the search script), from the packaged templates."""
    return (templates_folder() / "site" / "assets" / name).read_bytes()


class Pages:
    def __init__(self, data: SiteData, language: str) -> None:
        self.data = data
        self.language = language
        self.words = data.words(language)
        self.layout = FieldLayout(
            self.words, data.href, self._record_title, contact_details=data.options.contact_details
        )
        self.env = _environment()
        self.frames: dict[int, list[str]] = {}
        self.encoded: dict[int, list[bytes | int]] = {}  # frames as bytes; 0-2: here, title, main
        self.row_cells: dict[str, dict[str, str]] = {}  # depth → record id → its row in lists
        self.links: dict[tuple[str, str], str] = {}  # a link to a record's page, by depth
        self.field_heads: dict[str, tuple[str, str]] = {}  # a field's term on a record's page
        self.clause_items: dict[tuple[str, str, str], str] = {}  # site_record._clause_item
        self.key_start: hashlib._Hash | None = None  # site_record._key_start
        self.said: dict[tuple[str, ...], str] = {}
        self.keys: dict[str, tuple[str, int]] = {}  # the pages made from keyed inputs
        self.up = ""  # the way back to the language folder from the page being rendered
        _ = self.words.gettext
        self.changes = {
            "added": _("added"),
            "changed": _("changed"),
            "removed": _("removed"),
            "renamed": _("renamed"),
        }

    def _record_title(self, record_id: str) -> str:
        entry = self.data.by_id.get(record_id)
        return record_id if entry is None else self.title(entry)

    def title(self, entry: Entry) -> str:
        return self.words.title(entry)

    def day(self, text: str | None) -> str:
        """An ISO 8601 date or time (git's) as the language writes a date."""
        return "—" if not text else self.words.date(date.fromisoformat(text[:10]))

    def frame(self, depth: int) -> list[str]:
        """The page around the content (head, header, footer), rendered once per folder depth
        and cut where the title, the page's own path and the content go (the pieces, and
        those places between them)."""
        if depth not in self.frames:
            up = "../" * depth
            values = self.values(up, HERE)
            values["nav"] = Markup(self.env.get_template("site/nav.html.j2").render(values))
            whole = self.env.get_template("site/base.html.j2").render(
                values, title=TITLE, main=Markup(MAIN)
            )
            self.frames[depth] = re.split(f"({HERE}|{TITLE}|{MAIN})", whole)
        return self.frames[depth]

    def render(self, template: str, here: str, title: str, **context: Any) -> bytes:
        """A page: its template's content in the frame."""
        self.up = "../" * here.count("/")
        values = self.values(self.up, here)
        values.update(context)
        return self.wrap(here, title, self.env.get_template(f"site/{template}").render(values))

    def wrap(self, here: str, title: str, main: str) -> bytes:
        """A page: `main` (HTML) in the frame (its pieces encoded once, the page's parts each
        time: a record page is mostly its frame)."""
        depth = here.count("/")
        pieces = self.encoded.get(depth)
        if pieces is None:
            slots: dict[str, int] = {HERE: 0, TITLE: 1, MAIN: 2}
            pieces = self.encoded[depth] = [
                slots[piece] if piece in slots else piece.encode() for piece in self.frame(depth)
            ]
        filled = (esc(here).encode(), esc(title).encode(), main.encode())
        return b"".join([p if isinstance(p, bytes) else filled[p] for p in pieces])

    def rows(self, entries: Sequence[Entry], extra: Extra | None = None) -> Markup:
        """A table of records (templates' `rows`), for a page one folder deep or two."""
        from mou.site_record import record_rows

        return Markup(record_rows(self, entries, self.up, extra))

    def values(self, up: str, here: str) -> dict[str, Any]:
        """What every template sees."""
        words = self.words
        return {
            "w": words,
            "_": words.gettext,
            "ngettext": words.ngettext,
            "lang": self.language,
            "languages": self.data.options.languages,
            "up": up,
            "here": here,
            "site": self.data,
            "m": self.data.memorandum,
            "title_of": self.title,
            "contact_details": self.data.options.contact_details,
            "day": self.day,
            "changes": self.changes,
            "rows": self.rows,
        }

    def document(self, template: str, here: str, **context: Any) -> bytes:
        """A page whose template is a whole document (the top page, a yearly review)."""
        values = self.values("../" * here.count("/"), here)
        values["nav"] = Markup(self.env.get_template("site/nav.html.j2").render(values))
        values.update(context)
        return str(self.env.get_template(f"site/{template}").render(values)).encode("utf-8")

    def root_page(self) -> bytes:
        return self.document("root.html.j2", "index.html")

    def all(self) -> Iterator[tuple[str, bytes | None]]:
        """Every page of the language."""
        yield from self.others()
        yield from self.records()
        yield from self.reviews()

    def records(self) -> Iterator[tuple[str, bytes | None]]:
        """A page per record (None: the output folder holds it already, see `record`)."""
        for entry in self.data.entries:
            yield f"records/{entry.id}.html", self.record(entry)

    def others(self) -> Iterator[tuple[str, bytes]]:
        """The pages but the records' and the reviews': the dashboard, the clauses, parties
        and states, the actions board, the findings and the search."""
        data, _ = self.data, self.words.gettext
        yield "index.html", self.render("dashboard.html.j2", "index.html", _("Dashboard"))
        for clause in data.clauses:
            yield from self.clause(clause)
        for party in data.memorandum.parties:
            yield from self.named("party", party.id, data.parties.get(party.id, {}))
        for code, named in data.states.items():
            yield from self.named("state", code, named)
        title = _("Action items")
        yield (
            "actions.html",
            self.render("actions.html.j2", "actions.html", title, shown=DONE_SHOWN),
        )
        title = _("Data-quality findings")
        yield (
            "findings.html",
            self.render("findings.html.j2", "findings.html", title, limit=FINDINGS_SHOWN),
        )
        kinds = {kind: self.words.word(kind) for kind in KINDS}
        yield "search.html", self.render("search.html.j2", "search.html", _("Search"), kinds=kinds)

    def clause(self, clause: ClauseYears) -> Iterator[tuple[str, bytes]]:
        data = self.data
        shown = titled(len(clause.records))  # (a long list's marks show dates and counts)
        timeline = clause_timeline(
            [
                (day, self.title(e) if shown else "")
                for day, e in zip(clause.dates, clause.records, strict=True)
            ],
            data.memorandum.signed.date,
            data.options.as_of,
            clause.clause.cadence,
            self.words,
            counted=(
                max(data.memorandum.signed.date, clause.since or date.min),
                min(data.options.as_of, clause.until or date.max),
            ),
        )
        here = f"clauses/{clause.clause.id}.html"
        title = f"{self.words.gettext('Clause')} {clause.clause.id}"
        marks = Markup(site_record.clause_marks(timeline))
        yield (
            here,
            self.render("clause.html.j2", here, title, c=clause, timeline=timeline, marks=marks),
        )
        yield from self.year_pages(clause.listing, title)

    def year_pages(self, found: Listing, heading: str) -> Iterator[tuple[str, bytes]]:
        """A page per year of a long list; a year longer than the limit itself is cut into
        parts (`2017.html`, `2017-2.html`...), so that no page grows past ~200 KB."""
        if found.inline:
            return
        for year, entries in found.years:
            yield from self.list_pages(found.folder, str(year), entries, heading, year=year)

    def list_pages(
        self,
        folder: str,
        name: str,
        entries: Sequence[Entry],
        heading: str,
        *,
        year: int,
        crumb: str | None = None,
    ) -> Iterator[tuple[str, bytes]]:
        """The list of `entries` as `folder/name.html`, cut into parts of at most LIST_LIMIT
        records (`name-2.html`...), each linking to the others; its crumb leads to `folder`."""
        limit = site_clauses.LIST_LIMIT  # (read here: a test makes it small)
        names = [
            f"{name}.html" if start == 0 else f"{name}-{start // limit + 1}.html"
            for start in range(0, len(entries), limit)
        ]
        for index, current in enumerate(names):
            here = f"{folder}/{current}"
            values = {
                "heading": heading,
                "crumb": crumb or heading,
                "year": year,
                "entries": entries[index * limit : (index + 1) * limit],
                "back": folder,
                "parts": names if len(names) > 1 else [],
                "current": current,
            }
            yield here, self.render("year.html.j2", here, f"{heading}: {year}", **values)

    def record(self, entry: Entry) -> bytes | None:
        """A record's page; None when the output folder holds it, made from the same inputs
        (the same key: `site_record.record_key`)."""
        here = f"records/{entry.id}.html"
        data, path = self.data, f"{self.language}/{here}"
        key = site_record.record_key(self, entry) if data.output is not None else None
        if key is not None and data.output is not None:
            before = data.previous.get(path)
            if before is not None and before[0] == key and kept(data.output, path, before[1]):
                self.keys[path] = before
                return None
        page = self.wrap(here, self.title(entry), site_record.record_main(self, entry, "../"))
        if key is not None:
            self.keys[path] = (key, len(page))
        return page

    def named(
        self, what: str, key: str, named: dict[str, list[str]]
    ) -> Iterator[tuple[str, bytes]]:
        """A party's or a state's page: the records naming it, and in which fields."""
        folder = "parties" if what == "party" else "states"
        order = self.data.order  # the record's order: by date, then id
        entries = [self.data.by_id[record_id] for record_id in sorted(named, key=order.__getitem__)]
        roles: dict[str, int] = {}
        for fields in named.values():
            for name in fields:
                roles[name] = roles.get(name, 0) + 1
        found = listing(f"{folder}/{key}", entries, self.data.options.as_of, self.data.covered)
        here = f"{folder}/{key}.html"
        heading = self.words.party(key) if what == "party" else self.words.state(key)
        yield (
            here,
            self.render(
                f"{what}.html.j2",
                here,
                heading,
                key=key,
                roles=sorted(roles.items()),
                named=named,
                found=found,
                label=self.layout.label,
                roles_of=lambda e: self.roles(named[e.id]),
                contact_rows=lambda found: Markup(site_record.contact_rows(self, found, self.up)),
            ),
        )
        yield from self.year_pages(found, heading)

    def roles(self, fields: list[str]) -> str:
        """The labels of the fields naming a party or a state (each list said once)."""
        key = tuple(fields)
        found = self.said.get(key)
        if found is None:
            found = self.said[key] = ", ".join(self.layout.label(name) for name in fields)
        return found

    def reviews(
        self, years: Sequence[int] | None = None, *, index: bool = True
    ) -> Iterator[tuple[str, bytes]]:
        """The review of each of `years` (all by default: `mou review`'s page, its long tables
        cut short and its timeline thinned so that the page stays small), the whole of each
        long table on pages of its own (`reviews/YEAR/meetings.html`...), and with `index` the
        page that lists the years."""
        from mou.render import template_context

        data, _ = self.data, self.words.gettext
        if index:
            title = _("Yearly reviews")
            yield "reviews/index.html", self.render("reviews.html.j2", "reviews/index.html", title)
        # What draws the review's long parts in Python (its template's blocks of them replaced)
        drawn = {
            "marks_drawn": site_record.marks_drawn,
            "rows": partial(site_record.review_rows, self.words, data.options.contact_details),
        }
        for year in data.years if years is None else years:
            made = data.year_review(year)
            short, long = site.site_review(made)
            context = template_context(
                short,
                self.language,
                contact_details=data.options.contact_details,
                words=self.words,
                marks=thin_marks(self.words),
                later=True,  # (its template reads no clause's records)
            )
            here = f"reviews/{year}.html"
            more = {
                what: self.more(f"../reviews/{year}/{what}.html", site.REVIEW_ROWS, len(found))
                for what, found in long.items()
            }
            page = self.document("review.html.j2", here, year=year, more=more, **context, **drawn)
            yield here, page
            review_title = f"{_('Joint review of implementation')}: {year}"
            for what, found in long.items():
                heading = _(site.REVIEW_LISTS[what])
                yield from self.list_pages(
                    f"reviews/{year}", what, found, heading, year=year, crumb=review_title
                )

    def more(self, href: str, shown: int, total: int) -> Markup:
        """The note under a table cut short: how much it shows, and a link to the whole."""
        _ = self.words.gettext
        note = _("The first %(shown)s of %(num)s.") % {
            "shown": self.words.number(shown),
            "num": self.words.number(total),
        }
        whole = _("The whole list")
        link = f'<a href="{esc(href)}">{esc(whole)}</a>'
        return Markup(f'<p class="note">{esc(note)} {link}</p>\n')
