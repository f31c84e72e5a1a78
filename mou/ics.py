"""Meetings, seminars and open actions' due dates as one iCalendar file (RFC 5545).

All-day events, UIDs that stay the same from one export to the next (from record ids), and a
reminder the day before planned events and due dates. Contacts' details never appear: a
calendar is shared more widely than the record.

Written line by line here (a site writes two calendars of thousands of events, and building
them as `icalendar` objects took seconds): the bytes are those `icalendar` writes for the same
events (properties in its order, its TEXT escaping, lines folded at 75 octets as it folds
them), which the tests check against `icalendar` itself, and `icalendar` parses them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from mou.life import has_life, term_on
from mou.load import Entry
from mou.models import Meeting, Memorandum, Seminar
from mou.periods import Period
from mou.selection import ActionItem, action_items, by_date, is_bilateral, title_of
from mou.words import Words

UID_DOMAIN = "mou.invalid"  # a stable suffix that names no host
REMINDER = "-P1D"  # a day before
STATUSES = {
    "planned": "TENTATIVE",
    "held": "CONFIRMED",
    "cancelled": "CANCELLED",
    "postponed": "TENTATIVE",
}
FOLD = 75  # octets: a line this long is folded (as icalendar folds: at most 74 on a line)
_ESCAPED = re.compile(r"[\\;,\r\n]")  # what `_text` escapes (`\N` starts with a backslash)


@dataclass(frozen=True, slots=True)
class Event:
    """An event over the whole days `first`..`last`: what every event of the calendar is.
    `more`: its other properties, (NAME, value as written); `reminder`: the text of a
    reminder the day before, if any."""

    uid: str
    summary: str
    first: date
    last: date
    more: tuple[tuple[str, str], ...] = ()
    reminder: str | None = None


def calendar(
    entries: Iterable[Entry],
    memorandum: Memorandum,
    *,
    period: Period | None,
    stamp: datetime,
    as_of: date,
    language: str,
) -> bytes:
    """The calendar of `entries` (meetings and seminars in `period`, or all; due dates of open
    actions in it) as iCalendar bytes."""
    words = Words(language, memorandum)
    name = words.text(memorandum.short_title or memorandum.title)
    found = events(entries, memorandum, period=period, as_of=as_of, words=words)
    return _written(name, found, stamp)


def portfolio_calendar(
    members: Sequence[tuple[str, Iterable[Entry], Memorandum]],
    name: str,
    *,
    period: Period | None,
    stamp: datetime,
    as_of: date,
    language: str,
) -> bytes:
    """One calendar of every memorandum of a portfolio, given as (id, entries, memorandum):
    each event's summary begins with the memorandum's id, and its UID with the id and a `/`
    (in no id), so that events of two memoranda never share one."""
    found = []
    for id_, entries, memorandum in members:
        words = Words(language, memorandum)
        for event in events(entries, memorandum, period=period, as_of=as_of, words=words):
            found.append(
                replace(event, uid=f"{id_}/{event.uid}", summary=f"{id_}: {event.summary}")
            )
    return _written(name, found, stamp)


def events(
    entries: Iterable[Entry],
    memorandum: Memorandum,
    *,
    period: Period | None,
    as_of: date,
    words: Words,
) -> list[Event]:
    """The calendar's events: meetings and seminars in `period` (or all), the due dates of
    open actions in it, the current term's notice deadline and end, or the day a recorded
    termination takes effect."""
    entries = by_date(entry for entry in entries if not is_bilateral(entry.model))
    name = words.text(memorandum.short_title or memorandum.title)
    found = []

    def in_period(day: date) -> bool:
        return period is None or day in period

    for entry in entries:
        if isinstance(entry.model, Meeting | Seminar) and in_period(entry.model.date):
            found.append(_event(entry, entry.model, words, name))
    for item in action_items(entries, as_of, open_only=True):
        if item.action.due is not None and in_period(item.action.due):
            found.append(_due(item, item.action.due, words))
    term = term_on(memorandum, as_of) if has_life(memorandum) else None
    if term is not None and memorandum.terminated is None:
        for day, what in ((term.notice_by, "notice"), (term.end, "term-end")):
            if day is not None and in_period(day):
                found.append(_life_event(day, what, term.number, words=words, name=name))
    ended = memorandum.terminated
    if ended is not None and in_period(ended.date):  # recorded ahead of time, or past
        found.append(_life_event(ended.date, "terminated", None, words=words, name=name))
    return found


def _written(name: str, found: Iterable[Event], stamp: datetime) -> bytes:
    """The calendar of the events `found`, stamped `stamp` (UTC), as icalendar writes it."""
    stamped = f"{stamp:%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//mou//memorandum record//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
    ]
    for event in found:
        lines += _lines(event, stamped)
    lines.append("END:VCALENDAR")
    short = FOLD // 4  # (characters: a line this short is short in any encoding)
    folded = [
        line if len(line) < short or (len(line) < FOLD and line.isascii()) else _fold(line)
        for line in lines
    ]
    return ("\r\n".join(folded) + "\r\n").encode("utf-8")


def _lines(event: Event, stamp: str) -> list[str]:
    """An event's lines, its properties in icalendar's order: its canonical ones (summary,
    start, end, stamp, UID), then the others by name, then the reminder."""
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(event.summary)}",
        f"DTSTART;VALUE=DATE:{_day(event.first)}",
        f"DTEND;VALUE=DATE:{_day(event.last + timedelta(days=1))}",
        f"DTSTAMP:{stamp}",
        f"UID:{_text(event.uid)}",
        *(f"{key}:{value}" for key, value in sorted(event.more)),
    ]
    if event.reminder is not None:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_text(event.reminder)}",
            f"TRIGGER:{REMINDER}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def _life_event(day: date, what: str, renewals: int | None, *, words: Words, name: str) -> Event:
    """The current term's last day to give notice, or its end (`renewals` the term's: its UID
    names the term, so a renewal makes a new event), or the day a termination takes effect
    (`terminated.date`: the first day the memorandum is no longer in force), as an all-day
    event with a reminder."""
    summary = {
        "notice": words.gettext("Last day to give notice"),
        "term-end": words.gettext("Current term ends"),
        "terminated": words.gettext("Termination takes effect"),
    }[what]
    uid = f"memorandum-{what}" if renewals is None else f"memorandum-{what}-{renewals}"
    return Event(
        f"{uid}@{UID_DOMAIN}", f"{name}: {summary}", day, day, (("TRANSP", "TRANSPARENT"),), summary
    )


def _event(entry: Entry, model: Meeting | Seminar, words: Words, name: str) -> Event:
    """A meeting or seminar as an all-day event, with a reminder when it is planned."""
    title = words.text(title_of(entry))
    kind = model.type if isinstance(model, Meeting) else model.form
    organizers = [model.organizer] if isinstance(model, Meeting) else list(model.organizers)
    details = [
        f"{words.word(kind)}, {words.word(model.status)}",
        ", ".join(words.party(party) for party in organizers),
        f"{name}: {entry.id}",
    ]
    more = (
        ("LOCATION", _text(words.text(model.location))),
        ("STATUS", STATUSES[model.status]),
        ("DESCRIPTION", _text("\n".join(details))),
        ("CATEGORIES", _text(words.word(kind))),
    )
    reminder = title if model.status == "planned" else None
    uid = f"{entry.id}@{UID_DOMAIN}"
    return Event(uid, title, model.date, model.end_date or model.date, more, reminder)


def _due(item: ActionItem, due: date, words: Words) -> Event:
    """An open action's due date as an all-day event that takes no time, with a reminder."""
    text = words.text(item.action.text)
    # `#` is in no id: a meeting `x-a1` and the action `a1` of meeting `x` never share a UID
    uid = f"{item.meeting.id}#{item.action.id}@{UID_DOMAIN}"
    summary = f"{words.gettext('Due')}: {text}"
    owner = words.party(item.action.owner)
    meeting = words.text(title_of(item.meeting))
    more = (
        ("DESCRIPTION", _text(f"{owner}\n{meeting} ({item.id})")),
        ("TRANSP", "TRANSPARENT"),
    )
    return Event(uid, summary, due, due, more, summary)


def _day(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _text(text: str) -> str:
    """A TEXT value escaped as icalendar escapes it (RFC 5545 3.3.11; line ends as `\\n`)."""
    if _ESCAPED.search(text) is None:
        return text  # (most texts: nothing to escape, looked through once)
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _fold(line: str) -> str:
    """`line` folded as icalendar folds (RFC 5545 3.1): a break before the character that
    would bring a line to 75 octets, never right after a backslash or a caret (so that an
    escape stays whole), each continuation starting with a space. (Cut in the line's UTF-8
    bytes, at the start of a character: never inside one.)"""
    if len(line) < FOLD // 4 or (len(line) < FOLD and line.isascii()):
        return line  # (shorter than a line may be, in any encoding)
    data = line.encode("utf-8")
    if len(data) < FOLD:
        return line
    parts = []
    start, end = 0, len(data)
    while end - start >= FOLD:
        cut = start + FOLD - 1
        while data[cut] & 0xC0 == 0x80:  # a byte inside a character
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")
