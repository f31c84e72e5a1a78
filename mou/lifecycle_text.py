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
from mou.selection import ActionItem
from mou.status import ClauseDue, Status
from mou.tables import change_lines

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


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _title(model: Any, language: str = "en") -> str:
    for name in ("title", "subject", "name"):
        value = getattr(model, name, None)
        if value is not None:
            return terminal_safe(localized(value, language))
    return ""


def _by_owner(items: Iterable[ActionItem], status: Status, overdue: bool) -> list[str]:
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
                f"{_days((status.as_of - due).days)} overdue"
                if overdue
                else f"in {_days((due - status.as_of).days)}"
            )
            lines.append(
                f"      {terminal_safe(item.id)}  due {due} ({when})  "
                f"{terminal_safe(localized(item.action.text, 'en'))}"
            )
    return lines


def _clause_line(due: ClauseDue, status: Status) -> str:
    last = f"last {due.last}" if due.last else "never acted on"
    days = (due.due - status.as_of).days
    when = f"{_days(-days)} ago" if days < 0 else f"in {_days(days)}"
    summary = terminal_safe(localized(due.clause.summary, "en"))
    cadence = due.clause.cadence
    return (
        f"    {terminal_safe(due.clause.id)}  due {due.due} ({when}; {last}; every {cadence})"
        f"  {summary}"
    )


def status_text(status: Status) -> str:
    """The status page for the terminal, like `git status`: only what needs attention."""
    ahead = f"the next {_days(status.within)}"
    lines = [f"Status on {status.as_of} (looking {ahead} ahead)"]
    sections: list[tuple[str, list[str]]] = [
        ("Actions overdue, by owner", _by_owner(status.overdue_actions, status, True)),
        (f"Actions due in {ahead}, by owner", _by_owner(status.due_actions, status, False)),
        (
            "Clauses behind their cadence",
            [_clause_line(c, status) for c in status.clauses_behind],
        ),
        (f"Clauses due in {ahead}", [_clause_line(c, status) for c in status.clauses_due]),
        ("Planned events past their date (mark them held or cancelled)", _past(status)),
        (f"Planned events in {ahead}", [_event_line(e.model, e.id) for e in status.coming_events]),
        (_waiting_heading(status), _waiting(status)),
        (
            "Parties without a designated contact",
            [f"    {terminal_safe(p)}" for p in status.parties_without_contact],
        ),
        ("The memorandum's term", _life_lines(status)),
    ]
    shown = [(title, body) for title, body in sections if body]
    for title, body in shown:
        lines += ["", f"{title}:", *body]
    if not shown:
        lines += ["", "Nothing needs attention."]
    lines += [
        "",
        f"Validation: {_plural(status.errors, 'error')}, "
        f"{_plural(status.warnings, 'warning')} (see `mou validate`).",
    ]
    return "\n".join(lines) + "\n"


def _life_lines(status: Status) -> list[str]:
    """The memorandum's notice deadline within `notice_days`, or its expiry or termination."""
    life = status.life
    if life is None or life.state in ("in-force", "pending"):
        return []
    if life.state == "notice-window" and life.term and life.term.notice_by:
        days = (life.term.notice_by - status.as_of).days
        return [
            f"    notice of non-renewal or termination by {life.term.notice_by} "
            f"({f'in {_days(days)}' if days else 'today'}); the term ends {life.term.end}"
        ]
    return [f"    {life.state}: its last day in force was {life.ends}"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _event_line(model: Any, record: str) -> str:
    return f"    {terminal_safe(record)}  {model.dated}  {model.kind}  {_title(model)}"


def _past(status: Status) -> list[str]:
    lines = []
    for entry in status.past_events:
        lines.append(_event_line(entry.model, entry.id))
        lines.append(f"      mou set {terminal_safe(entry.id)} status=held   (or status=cancelled)")
    return lines


def _waiting_heading(status: Status) -> str:
    if status.median_response_days is None:
        return f"Requests without a response for over {_days(status.within)} (no median yet)"
    median = status.median_response_days
    return f"Requests without a response for longer than the median ({median} days)"


def _waiting(status: Status) -> list[str]:
    return [
        f"    {terminal_safe(w.entry.id)}  waiting {_days(w.days)}  {_title(w.entry.model)}"
        for w in status.waiting_requests
    ]


def status_json(status: Status) -> str:
    """The status as JSON with stable keys (dates as ISO text)."""

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
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"
