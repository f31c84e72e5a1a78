"""Meetings, seminars and open actions' due dates as one iCalendar file (RFC 5545).

Generated with the `icalendar` library: all-day events, UIDs that stay the same from one
export to the next (from record ids), and a reminder the day before planned events and due
dates. Contacts' details never appear: a calendar is shared more widely than the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from mou.life import has_life, term_on
from mou.load import Entry
from mou.models import Meeting, Memorandum, Seminar
from mou.periods import Period
from mou.selection import ActionItem, action_items, by_date, is_bilateral, title_of
from mou.words import Words

UID_DOMAIN = "mou.invalid"  # a stable suffix that names no host
REMINDER = timedelta(days=1)
STATUSES = {
    "planned": "TENTATIVE",
    "held": "CONFIRMED",
    "cancelled": "CANCELLED",
    "postponed": "TENTATIVE",
}


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
    ical = _calendar(name)
    for event in events(entries, memorandum, period=period, stamp=stamp, as_of=as_of, words=words):
        ical.add_component(event)
    return bytes(ical.to_ical())


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
    ical = _calendar(name)
    for id_, entries, memorandum in members:
        words = Words(language, memorandum)
        found = events(entries, memorandum, period=period, stamp=stamp, as_of=as_of, words=words)
        for event in found:
            uid, summary = str(event.pop("uid")), str(event.pop("summary"))
            event.add("uid", f"{id_}/{uid}")
            event.add("summary", f"{id_}: {summary}")
            ical.add_component(event)
    return bytes(ical.to_ical())


def _calendar(name: str) -> Any:
    from icalendar import Calendar

    ical = Calendar()
    ical.add("prodid", "-//mou//memorandum record//EN")
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("x-wr-calname", name)
    return ical


def events(
    entries: Iterable[Entry],
    memorandum: Memorandum,
    *,
    period: Period | None,
    stamp: datetime,
    as_of: date,
    words: Words,
) -> list[Any]:
    """The calendar's events: meetings and seminars in `period` (or all), the due dates of
    open actions in it, the current term's notice deadline and end."""
    entries = by_date(entry for entry in entries if not is_bilateral(entry.model))
    name = words.text(memorandum.short_title or memorandum.title)
    found = []

    def in_period(day: date) -> bool:
        return period is None or day in period

    for entry in entries:
        if isinstance(entry.model, Meeting | Seminar) and in_period(entry.model.date):
            found.append(_event(entry, entry.model, words, name, stamp))
    for item in action_items(entries, as_of, open_only=True):
        if item.action.due is not None and in_period(item.action.due):
            found.append(_due(item, item.action.due, words, stamp))
    term = term_on(memorandum, as_of) if has_life(memorandum) else None
    if term is not None and memorandum.terminated is None:
        for day, what in ((term.notice_by, "notice"), (term.end, "term-end")):
            if day is not None and in_period(day):
                found.append(
                    _life_event(day, what, term.number, words=words, name=name, stamp=stamp)
                )
    return found


def _life_event(
    day: date, what: str, renewals: int, *, words: Words, name: str, stamp: datetime
) -> Any:
    """The current term's last day to give notice, or its end, as an all-day event with a
    reminder (its UID names the term, so a renewal makes a new event)."""
    summary = (
        words.gettext("Last day to give notice")
        if what == "notice"
        else words.gettext("Current term ends")
    )
    uid = f"memorandum-{what}-{renewals}"
    event = _all_day(uid, stamp, f"{name}: {summary}", day, day)
    event.add("transp", "TRANSPARENT")
    event.add_component(_reminder(summary))
    return event


def _all_day(uid: str, stamp: datetime, summary: str, first: date, last: date) -> Any:
    """An event over the whole days `first`..`last`: what every event of the calendar is."""
    from icalendar import Event

    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))
    return event


def _reminder(text: str) -> Any:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -REMINDER)
    return alarm


def _event(entry: Entry, model: Meeting | Seminar, words: Words, name: str, stamp: datetime) -> Any:
    """A meeting or seminar as an all-day event, with a reminder when it is planned."""
    title = words.text(title_of(entry))
    event = _all_day(entry.id, stamp, title, model.date, model.end_date or model.date)
    event.add("location", words.text(model.location))
    event.add("status", STATUSES[model.status])
    kind = model.type if isinstance(model, Meeting) else model.form
    organizers = [model.organizer] if isinstance(model, Meeting) else list(model.organizers)
    details = [
        f"{words.word(kind)}, {words.word(model.status)}",
        ", ".join(words.party(party) for party in organizers),
        f"{name}: {entry.id}",
    ]
    event.add("description", "\n".join(details))
    event.add("categories", [words.word(kind)])
    if model.status == "planned":
        event.add_component(_reminder(title))
    return event


def _due(item: ActionItem, due: date, words: Words, stamp: datetime) -> Any:
    """An open action's due date as an all-day event that takes no time, with a reminder."""
    text = words.text(item.action.text)
    # `#` is in no id: a meeting `x-a1` and the action `a1` of meeting `x` never share a UID
    uid = f"{item.meeting.id}#{item.action.id}"
    event = _all_day(uid, stamp, f"{words.gettext('Due')}: {text}", due, due)
    owner = words.party(item.action.owner)
    meeting = words.text(title_of(item.meeting))
    event.add("description", f"{owner}\n{meeting} ({item.id})")
    event.add("transp", "TRANSPARENT")
    event.add_component(_reminder(f"{words.gettext('Due')}: {text}"))
    return event
