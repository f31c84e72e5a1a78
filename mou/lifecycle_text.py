"""Text of the life-cycle commands: a record's log (text, Markdown, JSON) and the status page
(text, JSON). Every value from a record is escaped for where it lands."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from mou.escape import json_safe, markdown_text, terminal_safe
from mou.history import Revision
from mou.life import life_data
from mou.models import localized
from mou.problems import N_, catalog
from mou.selection import ActionItem
from mou.status import ClauseDue, Status
from mou.tables import change_lines, terminal_width
from mou.words import vocabulary

# --- mou log ------------------------------------------------------------------------------


def log_text(wanted: str, log: Sequence[Revision], output_format: str) -> str:
    """A record's history, newest first, as text, Markdown or JSON."""
    if output_format == "json":
        data = [_revision_data(r) for r in log]
        return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
    markdown = output_format == "md"
    lines = [f"{'## ' if markdown else ''}History of {_safe(wanted, markdown)}"]
    if not log:
        lines += ["", "No commit touched this record."]
    for revision in log:
        lines.append("")
        if revision.commit is None:
            heading = "working tree (not committed)"
        else:
            heading = (
                f"{revision.commit[:10]} {revision.date} {revision.author} — {revision.subject}"
            )
        lines.append(f"### {markdown_text(heading)}" if markdown else terminal_safe(heading))
        if revision.renamed_from:
            moved = f"renamed from {revision.renamed_from}"
            lines.append(f"- {markdown_text(moved)}" if markdown else f"  {terminal_safe(moved)}")
        lines.extend(change_lines(revision.change, markdown=markdown))
    return terminal_safe("\n".join(lines), newlines=True) + "\n"


def _safe(text: str, markdown: bool) -> str:
    return markdown_text(text) if markdown else terminal_safe(text)


def _revision_data(revision: Revision) -> dict[str, Any]:
    change = revision.change
    return {
        "commit": revision.commit,
        "date": revision.date,
        "author": revision.author,
        "subject": revision.subject,
        "path": change.path,
        "renamed_from": revision.renamed_from,
        "change": change.change,
        "fields": [{"field": f, "before": b, "after": a} for f, b, a in change.fields],
    }


# --- mou status ---------------------------------------------------------------------------


class _Say:
    """The status page's words in one language (the catalogs' gettext; dates stay ISO, as
    `git status` would have them): `say(MESSAGE, name=value)` fills a template's fields with
    values already made safe for the terminal."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.translation = catalog(language)

    def __call__(self, message: str, **values: object) -> str:
        return self.translation.gettext(message).format(**values)

    def days(self, count: float) -> str:
        # A median may be fractional: it takes the plural form of 2 (12.5 days, 12,5 дня).
        whole = count == int(count)
        shown = str(int(count)) if whole else f"{count:.1f}"
        if self.language == "ru":
            shown = shown.replace(".", ",")
        form = int(count) if whole else 2
        return self.translation.ngettext("%(num)s day", "%(num)s days", form) % {"num": shown}

    def word(self, code: str) -> str:
        """A word of the record's closed vocabularies (a kind, a state of life)."""
        message = vocabulary().get(code)
        return self.translation.gettext(message) if message else code

    def when(self, days: int) -> str:
        """`in 3 days`, `today` or `3 days ago`."""
        if days > 0:
            return self(N_("in {days}"), days=self.days(days))
        if days < 0:
            return self(N_("{days} ago"), days=self.days(-days))
        return self(N_("today"))


def _title(model: Any, language: str = "en") -> str:
    for name in ("title", "subject", "name"):
        value = getattr(model, name, None)
        if value is not None:
            return terminal_safe(localized(value, language))
    return ""


def _by_owner(items: Iterable[ActionItem], status: Status, say: _Say, overdue: bool) -> list[str]:
    lines: list[str] = []
    owners: dict[str, list[ActionItem]] = {}
    for item in items:
        owners.setdefault(item.action.owner, []).append(item)
    for owner in sorted(owners):
        lines.append(f"    {terminal_safe(owner)}:")
        for item in owners[owner]:
            due = item.action.due
            assert due is not None
            when = (
                say(N_("{days} overdue"), days=say.days((status.as_of - due).days))
                if overdue
                else say.when((due - status.as_of).days)
            )
            text = terminal_safe(localized(item.action.text, say.language))
            due_on = say(N_("due {date}"), date=due)
            lines.append(f"      {terminal_safe(item.id)}  {due_on} ({when})  {text}")
    return lines


def _clause_line(due: ClauseDue, status: Status, say: _Say) -> str:
    last = say(N_("last {date}"), date=due.last) if due.last else say(N_("never acted on"))
    details = say(
        N_("due {date} ({when}; {last}; every {cadence})"),
        date=due.due,
        when=say.when((due.due - status.as_of).days),
        last=last,
        cadence=due.clause.cadence,
    )
    summary = terminal_safe(localized(due.clause.summary, say.language))
    return f"    {terminal_safe(due.clause.id)}  {details}  {summary}"


def status_text(status: Status, language: str = "en") -> str:
    """The status page for the terminal, like `git status`: only what needs attention (and,
    when the memorandum states its life, where it stands), in English or Russian."""
    say = _Say(language)
    ahead = say.days(status.within)
    lines = [
        say(N_("Status on {date} (looking the next {days} ahead)"), date=status.as_of, days=ahead)
    ]
    lines += _life_summary(status, say)
    sections: list[tuple[str, list[str]]] = [
        (
            say(N_("Actions overdue, by owner")),
            _by_owner(status.overdue_actions, status, say, True),
        ),
        (
            say(N_("Actions due in the next {days}, by owner"), days=ahead),
            _by_owner(status.due_actions, status, say, False),
        ),
        (
            say(N_("Clauses behind their cadence")),
            [_clause_line(c, status, say) for c in status.clauses_behind],
        ),
        (
            say(N_("Clauses due in the next {days}"), days=ahead),
            [_clause_line(c, status, say) for c in status.clauses_due],
        ),
        (
            say(N_("Planned events past their date (mark them held or cancelled)")),
            _past(status, say),
        ),
        (
            say(N_("Planned events in the next {days}"), days=ahead),
            [_event_line(e.model, e.id, say) for e in status.coming_events],
        ),
        (_waiting_heading(status, say), _waiting(status, say)),
        (
            say(N_("Parties without a designated contact")),
            [f"    {terminal_safe(p)}" for p in status.parties_without_contact],
        ),
        (say(N_("The memorandum's term")), _life_lines(status, say)),
    ]
    shown = [(title, body) for title, body in sections if body]
    for title, body in shown:
        lines += ["", f"{title}:", *body]
    if not shown:
        lines += ["", say(N_("Nothing needs attention."))]
    errors = say.translation.ngettext("{n} error", "{n} errors", status.errors)
    warnings = say.translation.ngettext("{n} warning", "{n} warnings", status.warnings)
    validation = say(
        N_("Validation: {errors}, {warnings} (see `mou validate`)."),
        errors=errors.format(n=status.errors),
        warnings=warnings.format(n=status.warnings),
    )
    return "\n".join([*lines, "", validation]) + "\n"


def _life_summary(status: Status, say: _Say) -> list[str]:
    """Where the memorandum stands, in one line: its state and since when it is in force,
    then the current term's end and the last day to give notice on it, or a termination to
    come (or, once it has ended, its last day in force)."""
    life = status.life
    if life is None:
        return []
    state, since = say.word(life.state), life.in_force_since
    if life.state in ("expired", "terminated"):
        ended = N_("The memorandum: {state}, in force from {date} to {end}")
        return [say(ended, state=state, date=since, end=life.ends) + "."]
    entry = (
        N_("The memorandum: {state}, enters into force on {date}")
        if life.state == "pending"
        else N_("The memorandum: {state}, entered into force on {date}")
    )
    parts = [say(entry, state=state, date=since)]
    term = life.term
    if life.terminated is not None:  # recorded, not yet in effect: no term or notice to come
        ending = N_("terminated with effect from {date} (its last day in force {end})")
        parts.append(say(ending, date=life.terminated, end=life.ends))
    elif term is not None:
        ends = N_("the current term ends {date} (renewals: {count})")
        parts.append(say(ends, date=term.end, count=term.number))
        if term.notice_by is not None:
            parts.append(say(N_("last day to give notice {date}"), date=term.notice_by))
    return [", ".join(parts) + "."]


def _life_lines(status: Status, say: _Say) -> list[str]:
    """The memorandum's notice deadline within `notice_days`, or its expiry or termination."""
    life = status.life
    if life is None or life.state in ("in-force", "pending"):
        return []
    if life.state == "notice-window" and life.term and life.term.notice_by:
        notice = say(
            N_("notice of non-renewal or termination by {date} ({when}); the term ends {end}"),
            date=life.term.notice_by,
            when=say.when((life.term.notice_by - status.as_of).days),
            end=life.term.end,
        )
        return [f"    {notice}"]
    ended = say(
        N_("{state}: its last day in force was {date}"), state=say.word(life.state), date=life.ends
    )
    return [f"    {ended}"]


def _event_line(model: Any, record: str, say: _Say) -> str:
    kind = say.word(model.kind)
    return f"    {terminal_safe(record)}  {model.dated}  {kind}  {_title(model, say.language)}"


def _past(status: Status, say: _Say) -> list[str]:
    lines = []
    for entry in status.past_events:
        lines.append(_event_line(entry.model, entry.id, say))
        command = f"mou set {terminal_safe(entry.id)} status=held"
        lines.append("      " + say(N_("{command}   (or status=cancelled)"), command=command))
    return lines


def _waiting_heading(status: Status, say: _Say) -> str:
    if status.median_response_days is None:
        return say(
            N_("Requests without a response for over {days} (no median yet)"),
            days=say.days(status.within),
        )
    return say(
        N_("Requests without a response for longer than the median ({days})"),
        days=say.days(status.median_response_days),
    )


def _waiting(status: Status, say: _Say) -> list[str]:
    lines = []
    for waiting in status.waiting_requests:
        days = say(N_("waiting {days}"), days=say.days(waiting.days))
        title = _title(waiting.entry.model, say.language)
        lines.append(f"    {terminal_safe(waiting.entry.id)}  {days}  {title}")
    return lines


def status_json(status: Status) -> str:
    """The status as JSON with stable keys (dates as ISO text)."""
    return json_safe(json.dumps(status_data(status), ensure_ascii=False, indent=2)) + "\n"


def portfolio_status_json(pages: Sequence[tuple[str, str, Status]]) -> str:
    """Each memorandum's status (`status_data`) after its `memorandum` id and `title`."""
    data = [{"memorandum": id_, "title": title} | status_data(page) for id_, title, page in pages]
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def fold(text: str, width: int | None = None) -> str:
    """`text` with each line longer than `width` broken between words and continued four
    cells further in; a word is never broken, and short lines stay as they are. Without a
    `width`: the terminal's, when writing to one or when `COLUMNS` is set; else (a pipe, a
    file: one line an item, for grep) `text` as it is."""
    import os
    import sys

    from mou.grid import cell_width

    if width is None:
        if not (sys.stdout.isatty() or os.environ.get("COLUMNS")):
            return text
        width = terminal_width()
    lines = []
    for line in text.split("\n"):
        if cell_width(line) <= width:
            lines.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        lines.extend(_wrapped(line.strip(" "), max(width, 20), indent))
    return "\n".join(lines)


def _wrapped(text: str, width: int, indent: str) -> list[str]:
    """`text` in lines of at most `width` terminal cells (a CJK character or an emoji takes
    two: `grid.cell_width`), broken only at spaces, the spaces at a break dropped; the first
    line starts with `indent`, the others four cells further in. A word wider than a line
    has a line of its own."""
    import re

    from mou.grid import cell_width

    lines, current, used = [], indent, len(indent)
    pending = ""  # the spaces before the next word, kept inside a line
    for piece in re.split(r"( +)", text):
        if not piece:
            continue
        if piece[0] == " ":
            pending = piece
            continue
        size = cell_width(piece)
        if used > len(indent) and used + len(pending) + size > width:  # a word on the line
            lines.append(current)
            current = indent + "    "
            used = len(current)
        elif used > len(indent):
            current, used = current + pending, used + len(pending)
        current, used, pending = current + piece, used + size, ""
    lines.append(current)
    return lines


def portfolio_status_text(pages: Sequence[tuple[str, str, Status]], language: str = "en") -> str:
    """Each memorandum's status page (`status_text`) under its id and title, by id."""
    from mou.grid import cell_width

    parts = []
    for id_, title, page in pages:
        heading = terminal_safe(f"{id_}: {title}")
        rule = "=" * min(cell_width(heading), 78)  # as wide as the heading looks
        parts.append(f"{heading}\n{rule}\n{status_text(page, language)}")
    return "\n".join(parts)


def status_data(status: Status) -> dict[str, Any]:
    """The status as plain data with stable keys (dates as ISO text)."""

    def action(item: ActionItem) -> dict[str, Any]:
        return {
            "id": item.id,
            "owner": item.action.owner,
            "due": str(item.action.due),
            "text": item.action.text,
        }

    def clause(due: ClauseDue) -> dict[str, Any]:
        last = str(due.last) if due.last else None
        return {
            "id": due.clause.id,
            "due": str(due.due),
            "last": last,
            "cadence": due.clause.cadence,
        }

    def event(entry: Any) -> dict[str, Any]:
        return {"id": entry.id, "kind": entry.kind, "date": str(entry.model.dated)}

    document = {
        "as_of": str(status.as_of),
        "within_days": status.within,
        "overdue": status.overdue,
        "actions": {
            "overdue": [action(i) for i in status.overdue_actions],
            "due": [action(i) for i in status.due_actions],
        },
        "clauses": {
            "behind": [clause(c) for c in status.clauses_behind],
            "due": [clause(c) for c in status.clauses_due],
        },
        "events": {
            "past": [event(e) for e in status.past_events],
            "coming": [event(e) for e in status.coming_events],
        },
        "requests": {
            "median_response_days": status.median_response_days,
            "waiting": [{"id": w.entry.id, "days": w.days} for w in status.waiting_requests],
        },
        "parties_without_contact": list(status.parties_without_contact),
        "findings": {"errors": status.errors, "warnings": status.warnings},
    } | ({"life": life_data(status.life)} if status.life else {})
    return document
