"""Checks of the memorandum's own rules (MOU301-MOU304) and of dates (MOU305-MOU308)."""

from __future__ import annotations

from collections.abc import Iterator

from mou.checks.base import PLANNED_GRACE, Context, check, of_kind
from mou.kinds import KINDS
from mou.life import life_findings, outside_life
from mou.load import Entry
from mou.models import (
    Activity,
    Exchange,
    Meeting,
    Memorandum,
    Programme,
    Request,
    Seminar,
)
from mou.problems import N_, NT, Problem, T

# What a programme without an arrangement is, by its status.
_PROGRAMME_LED = {
    "active": N_("an active programme led by {parties}"),
    "completed": N_("a completed programme led by {parties}"),
}


# --- the memorandum's own rules (MOU301-MOU304) ---------------------------------------------


@check
def check_public_domain(context: Context) -> Iterator[Problem]:
    """MOU301: clause 1.2 is about information in the public domain only."""
    for entry, exchange in of_kind(context, Exchange):
        if not exchange.public_domain:
            yield context.at(
                "MOU301",
                entry,
                ("public_domain",),
                T(
                    N_(
                        "clause 1.2 covers information in the public domain only; "
                        "this exchange says it is not"
                    )
                ),
            )


@check
def check_representation(context: Context) -> Iterator[Problem]:
    """MOU302: a representation meeting has an observer from a party other than the organizer."""
    for entry, meeting in of_kind(context, Meeting):
        if meeting.type == "representation" and not set(meeting.observers) - {meeting.organizer}:
            loc = ("observers",) if meeting.observers else ()
            yield context.at(
                "MOU302",
                entry,
                loc,
                T(
                    N_(
                        "representation (clause 1.5) means another party observes: add an "
                        "observer other than the organizer `{party}`"
                    ),
                    party=meeting.organizer,
                ),
            )


@check
def check_bilateral_scope(context: Context) -> Iterator[Problem]:
    """MOU303: one state and one party, not marked `scope: bilateral` (clause 5)."""
    for entry in context.entries:
        model = entry.model
        if isinstance(model, Programme):
            parties, field_name = set(model.lead), "lead"
        elif isinstance(model, Activity):
            parties, field_name = set(model.parties), "parties"
        else:
            continue
        if model.scope != "bilateral" and len(set(model.states)) == 1 and len(parties) == 1:
            yield context.at(
                "MOU303",
                entry,
                ("states",),
                T(
                    N_(
                        "involves one state ({state}) and one party ({party}): if this is "
                        "bilateral cooperation (clause 5), mark it `scope: bilateral`; "
                        "otherwise add the other party to `{field}`"
                    ),
                    state=model.states[0],
                    party=next(iter(parties)),
                    field=field_name,
                ),
            )


@check
def check_arrangements(context: Context) -> Iterator[Problem]:
    """MOU304: a joint held seminar or active/completed programme is covered by an arrangement."""
    covered = context.covered
    for entry in context.entries:
        model = entry.model
        if isinstance(model, Seminar) and model.status == "held":
            parties, what = set(model.organizers), N_("a held seminar organised by {parties}")
        elif isinstance(model, Programme) and model.status in ("active", "completed"):
            parties, what = set(model.lead), _PROGRAMME_LED[model.status]
        else:
            continue
        if len(parties) > 1 and model.arrangement is None and entry.id not in covered:
            yield context.at(
                "MOU304",
                entry,
                ("status",),
                T(
                    N_(
                        "{what} with no special arrangement (clause 3): set `arrangement:` "
                        "or list it in an arrangement's `covers:`"
                    ),
                    what=T(what, parties=", ".join(sorted(parties))),
                ),
            )


# --- dates (MOU305-MOU308) ---------------------------------------------------------------------


@check
def check_signing_date(context: Context) -> Iterator[Problem]:
    """MOU305: no record is dated before the memorandum was signed; MOU309/MOU310 on the
    memorandum's life fields (mou.life); MOU311 for records outside its life."""
    memorandum = context.memorandum
    if memorandum is None:
        return
    signed = memorandum.signed.date
    date_keys = {name: kind.date_key for name, kind in KINDS.items()}  # once, not once a record
    for entry in context.entries:
        model = entry.model
        if isinstance(model, Memorandum):
            for code, loc, message in life_findings(model):
                yield context.at(code, entry, loc, message)
            continue
        name = date_keys[model.kind]
        outside = outside_life(memorandum, model.dated)
        if model.dated < signed:
            before = N_("dated {date}, before the memorandum was signed on {signed}")
            yield context.at("MOU305", entry, (name,), T(before, date=model.dated, signed=signed))
        elif outside is not None:
            yield context.at("MOU311", entry, (name,), outside)


@check
def check_status_dates(context: Context) -> Iterator[Problem]:
    """MOU306 for held/done/delivered after today; MOU307 for planned more than 30 days ago;
    MOU308 for open actions past due. `--as-of` replaces today."""
    today = context.today
    for entry in context.entries:
        model = entry.model
        if isinstance(model, Meeting | Seminar):
            if model.status == "held" and model.date > today:
                yield context.at(
                    "MOU306",
                    entry,
                    ("status",),
                    T(
                        N_("status is held but the date {date} is after {today}"),
                        date=model.date,
                        today=today,
                    ),
                )
            if model.status == "planned" and model.date < today - PLANNED_GRACE:
                days = (today - model.date).days
                yield context.at(
                    "MOU307",
                    entry,
                    ("status",),
                    NT(
                        "still planned {n} day after its date {date}: "
                        "record it as held, cancelled or postponed",
                        "still planned {n} days after its date {date}: "
                        "record it as held, cancelled or postponed",
                        days,
                        date=model.date,
                    ),
                )
        if isinstance(model, Meeting):
            yield from _action_dates(context, entry, model)
        if isinstance(model, Request) and model.status == "delivered":
            delivered = model.delivered_on or model.date
            if delivered > today:
                field_name = "delivered_on" if model.delivered_on else "status"
                yield context.at(
                    "MOU306",
                    entry,
                    (field_name,),
                    T(N_("delivered on {date}, after {today}"), date=delivered, today=today),
                )


def _action_dates(context: Context, entry: Entry, meeting: Meeting) -> Iterator[Problem]:
    """MOU306 for an action done after today; MOU308 for an open action past due."""
    today = context.today
    for index, action in enumerate(meeting.actions):
        done = action.done_on or meeting.date
        if action.status == "done" and done > today:
            yield context.at(
                "MOU306",
                entry,
                ("actions", index, "status"),
                T(
                    N_("action `{id}` is done on {done}, after {today}"),
                    id=action.id,
                    done=done,
                    today=today,
                ),
            )
        if action.status == "open" and action.due is not None and action.due < today:
            yield context.at(
                "MOU308",
                entry,
                ("actions", index, "due"),
                NT(
                    "action `{id}` ({owner}) was due {due}, {n} day ago",
                    "action `{id}` ({owner}) was due {due}, {n} days ago",
                    (today - action.due).days,
                    id=action.id,
                    owner=action.owner,
                    due=action.due,
                ),
            )
