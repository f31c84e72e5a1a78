"""The record kinds of SPEC §2 as pydantic models. No I/O.

What one record can say about itself is checked here (types, vocabularies, formats); what
needs the other records is in mou.checks. Fields that point elsewhere carry a `Ref` marker,
so that checks and queries find every reference from the models themselves."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)

from mou import codes
from mou.fields import LOCALIZED, Ref, keys
from mou.problems import N_, T

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX_LENGTH = 80
# A contact person's private details: shown, quoted or passed to a template only when asked.
CONTACT_DETAILS = ("email", "phone")
# Names Windows cannot hold, whatever the extension (records are cloned on Windows too).
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{name}{n}" for name in ("com", "lpt") for n in range(10)]
)


def id_error(name: str) -> str | None:
    """Why `name` cannot be an id (the file name of a record), or None when it can."""
    if len(name) > ID_MAX_LENGTH or not re.fullmatch(ID_PATTERN, name):
        return T(_NOT_AN_ID, n=ID_MAX_LENGTH)
    if name in WINDOWS_RESERVED:
        return T(N_("is a name Windows reserves for a device: records must open on Windows too"))
    return None


_NOT_AN_ID = N_(
    "is not a valid id: lower-case letters and digits joined by single hyphens, at most {n} "
    "characters"
)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _wrong(template: str, **values: Any) -> ValueError:
    """The error a validator raises: its message a template of the catalogs, with values."""
    return ValueError(T(template, **values))


# --- scalar types -------------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    # YAML 1.2 leaves dates as text; pydantic would also take numbers as Unix time.
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise _wrong(
                N_("{value} is not a calendar date ({why})"), value=value, why=error
            ) from None
    raise ValueError(T(N_("expected an ISO 8601 date such as 2024-03-12")))


IsoDate = Annotated[date, BeforeValidator(_iso_date)]

Text = Annotated[str, StringConstraints(min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
ClauseId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]+([.-][0-9A-Za-z]+)*$")]


def _language(value: str) -> str:
    if value not in codes.languages():
        raise _wrong(N_("`{value}` is not an ISO 639 language code (en, ru, fr, ...)"), value=value)
    return value


LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN), AfterValidator(_language)]


def validate_localized(value: Any) -> str | dict[str, str]:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(T(N_("text must not be empty")))
        return value
    if isinstance(value, dict) and value:
        for language, text in value.items():
            _language(language)
            if not isinstance(text, str) or not text.strip():
                raise _wrong(N_("the `{language}` text must be non-empty text"), language=language)
        return dict(value)
    raise _wrong(N_("expected text, or a mapping of language code to text ({{en: ..., ru: ...}})"))


_LOCALIZED_SCHEMA = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[a-z]{2,3}$"},
            "additionalProperties": {"type": "string", "minLength": 1},
        },
    ]
}
LocalizedText = Annotated[
    str | dict[str, str],
    PlainValidator(validate_localized),
    WithJsonSchema(_LOCALIZED_SCHEMA),
    LOCALIZED,
]


def localized(text: str | dict[str, str], language: str) -> str:
    """Text in `language` when the record gives it, else in the first language given."""
    if isinstance(text, str):
        return text
    return text.get(language) or next(iter(text.values()))


# Money range: every amount that validates renders exactly in every format (a float, a
# spreadsheet, 28-digit decimal arithmetic): at most 15 digits before the point, 4 after.
MONEY_DIGITS, MONEY_DECIMALS = 15, 4
_AMOUNT_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")


def _amount(value: Any) -> Decimal:
    # Parsed from the source text (the reader turns 12.50 into Decimal("12.50")), never float.
    if (isinstance(value, str) and _AMOUNT_TEXT.fullmatch(value)) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(T(N_('expected a decimal amount such as "12500.00"')))
    if value <= 0:
        raise ValueError(T(N_("an amount must be positive")))
    if value.adjusted() >= MONEY_DIGITS:
        raise _wrong(
            N_("an amount has at most {n} digits before the decimal point"), n=MONEY_DIGITS
        )
    if value.as_tuple().exponent < -MONEY_DECIMALS:  # type: ignore[operator]
        raise ValueError(T(N_("an amount has at most {n} decimal places"), n=MONEY_DECIMALS))
    return Decimal(f"{value:f}")  # plain notation: 1E+3 is 1000, in every format


Amount = Annotated[Decimal, BeforeValidator(_amount)]  # its JSON Schema: mou.schema


def _duration(value: str) -> str:
    import isodate

    try:
        duration = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError):
        duration = None
    if duration is None:
        raise _wrong(N_("`{value}` is not an ISO 8601 duration such as P6M or P1Y"), value=value)
    if value.find("T") >= 0 or not value.startswith("P") or not duration:
        raise _wrong(N_("`{value}` is not whole years, months, weeks or days (P6M)"), value=value)
    return value


Duration = Annotated[str, StringConstraints(pattern=r"^P"), AfterValidator(_duration)]
URL_PATTERN = r"^https?://\S+$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN)]

Party = Annotated[Slug, Ref("party")]
State = Annotated[Text, Ref("state")]
Topic = Annotated[Slug, Ref("topic")]
Currency = Annotated[Text, Ref("currency")]
ArrangementRef = Annotated[Slug, Ref("record", ("arrangement",))]
COVERABLE_KINDS = ("meeting", "seminar", "request", "programme", "activity")
CoveredRef = Annotated[Slug, Ref("record", COVERABLE_KINDS)]

EventStatus = Literal["planned", "held", "cancelled", "postponed"]
Format = Literal["in-person", "online", "hybrid"]


# --- parts --------------------------------------------------------------------------------


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Document(Part):
    title: LocalizedText
    url: Url | None = None
    path: Text | None = None
    language: Language | None = None
    public: StrictBool


class Participant(Part):
    name: LocalizedText
    party: Party
    role: LocalizedText | None = None


class Action(Part):
    id: Slug
    text: LocalizedText
    owner: Party
    due: IsoDate | None = None
    status: Literal["open", "done", "dropped"]
    done_on: IsoDate | None = None


class Item(Part):
    title: LocalizedText
    url: Url | None = None
    language: Language | None = None


class Expense(Part):
    item: LocalizedText
    payer: Party
    amount: Amount
    currency: Currency
    status: Literal["planned", "committed", "paid"]
    date: IsoDate | None = None


class Signatory(Part):
    name: LocalizedText | None = None
    title: LocalizedText | None = None


class PartyDeclaration(Part):
    id: Slug
    name: LocalizedText
    short: LocalizedText | None = None
    signatory: Signatory | None = None
    depositary: StrictBool | None = None


class Signing(Part):
    date: IsoDate
    place: LocalizedText
    languages: tuple[Language, ...] = Field(min_length=1)
    originals: StrictInt | None = Field(default=None, ge=1)


class TopicDeclaration(Part):
    id: Slug
    name: LocalizedText | None = None


# --- records ------------------------------------------------------------------------------


class Record(Part):
    """Fields every kind has. `kind` is the discriminator; the id is the file name."""

    kind: str
    tags: tuple[Text, ...] = ()
    notes: LocalizedText | None = None
    documents: tuple[Document, ...] = ()

    # The field holding the record's date: what periods, MOU305 and sorting use.
    date_field: ClassVar[str] = "date"

    @property
    def dated(self) -> date:
        value: date = getattr(self, self.date_field)  # (a date: every kind's field is one)
        return value


def _evidence_kinds() -> list[str]:
    """The kinds a clause's evidence may name: every record kind but the memorandum, read
    from the models (the registry of kinds, mou.kinds, is built on top of them)."""
    kinds = [get_args(m.model_fields["kind"].annotation)[0] for m in Record.__subclasses__()]
    return [kind for kind in kinds if kind != "memorandum"]


def _check_evidence(entry: str) -> str:
    kind, _, subtype = entry.partition("/")
    if kind not in _evidence_kinds():
        message = N_("evidence `{entry}`: `{kind}` is not a record kind ({kinds})")
        raise ValueError(T(message, entry=entry, kind=kind, kinds=", ".join(_evidence_kinds())))
    if subtype and (kind != "meeting" or subtype not in MEETING_TYPES):
        message = N_("evidence `{entry}`: only meetings have types ({types})")
        raise ValueError(T(message, entry=entry, types=", ".join(MEETING_TYPES)))
    return entry


class Clause(Part):
    id: ClauseId
    summary: LocalizedText
    evidence: tuple[Annotated[Text, AfterValidator(_check_evidence)], ...] = ()
    cadence: Duration | None = None


class ClauseChanges(Part):
    added: tuple[Clause, ...] = ()
    changed: tuple[Clause, ...] = ()
    removed: tuple[ClauseId, ...] = ()


class Amendment(Part):
    id: Slug
    date: IsoDate
    title: LocalizedText
    document: Document | None = None
    clauses: ClauseChanges = ClauseChanges()


class Termination(Part):
    date: IsoDate
    by: Party
    document: Document | None = None


class Memorandum(Record):
    kind: Literal["memorandum"]
    title: LocalizedText
    short_title: LocalizedText | None = None
    signed: Signing
    entry_into_force: IsoDate | Literal["signature"] | None = None
    term: Duration | None = None
    expires: IsoDate | None = None
    renewal: Literal["automatic", "by-agreement", "none"] | None = None
    renewal_term: Duration | None = None
    notice: Duration | None = None
    parties: tuple[PartyDeclaration, ...] = Field(min_length=2)
    states: tuple[State, ...] = ()
    topics: tuple[Slug | TopicDeclaration, ...] = ()
    clauses: tuple[Clause, ...] = Field(min_length=1)
    amendments: tuple[Amendment, ...] = ()
    terminated: Termination | None = None

    date_field: ClassVar[str] = "signed"  # its date is the signing's: signed.date

    @property
    def dated(self) -> date:
        return self.signed.date

    @property
    def party_ids(self) -> list[str]:
        return [party.id for party in self.parties]

    @property
    def topic_ids(self) -> list[str]:
        return [topic if isinstance(topic, str) else topic.id for topic in self.topics]


class Meeting(Record):
    kind: Literal["meeting"]
    type: Literal["consultation", "representation", "review", "other"]
    title: LocalizedText
    date: IsoDate
    end_date: IsoDate | None = None
    status: EventStatus
    location: LocalizedText
    format: Format
    organizer: Party
    observers: tuple[Party, ...] = ()
    participants: tuple[Participant, ...] = ()
    agenda: tuple[LocalizedText, ...] = ()
    summary: LocalizedText | None = None
    decisions: tuple[LocalizedText, ...] = ()
    actions: tuple[Action, ...] = ()
    period_reviewed: Text | None = None
    arrangement: ArrangementRef | None = None


class Seminar(Record):
    kind: Literal["seminar"]
    form: Literal["seminar", "conference", "workshop", "training", "round-table"]
    title: LocalizedText
    date: IsoDate
    end_date: IsoDate | None = None
    status: EventStatus
    location: LocalizedText
    format: Format
    organizers: tuple[Party, ...] = Field(min_length=1)
    topics: tuple[Topic, ...] = Field(min_length=1)
    audience: LocalizedText | None = None
    states: tuple[State, ...] = ()
    participants_count: StrictInt | None = Field(default=None, ge=0)
    arrangement: ArrangementRef | None = None
    cancellation_reason: LocalizedText | None = None


class Exchange(Record):
    kind: Literal["exchange"]
    date: IsoDate
    from_: Party = Field(alias="from")
    to: Party
    subject: LocalizedText
    topics: tuple[Topic, ...] = ()
    items: tuple[Item, ...] = ()
    public_domain: StrictBool
    channel: Text | None = None


class Request(Record):
    kind: Literal["request"]
    date: IsoDate
    requested_by: Party
    addressed_to: Party
    subject: LocalizedText
    status: Literal["open", "accepted", "in-progress", "delivered", "declined", "withdrawn"]
    responded_on: IsoDate | None = None
    delivered_on: IsoDate | None = None
    outcome: LocalizedText | None = None
    arrangement: ArrangementRef | None = None


class Programme(Record):
    kind: Literal["programme"]
    title: LocalizedText
    start: IsoDate
    end: IsoDate | None = None
    status: Literal["proposed", "active", "completed", "suspended", "cancelled"]
    lead: tuple[Party, ...] = Field(min_length=1)
    states: tuple[State, ...] = ()
    objectives: tuple[LocalizedText, ...] = ()
    arrangement: ArrangementRef | None = None
    scope: Literal["bilateral"] | None = None

    date_field: ClassVar[str] = "start"


class Arrangement(Record):
    kind: Literal["arrangement"]
    title: LocalizedText
    date: IsoDate
    status: Literal["draft", "signed", "closed"]
    covers: tuple[CoveredRef, ...] = ()
    conditions: dict[Party, LocalizedText] = Field(default_factory=dict)
    expenses: tuple[Expense, ...] = ()


class Contact(Record):
    kind: Literal["contact"]
    party: Party
    name: LocalizedText
    position: LocalizedText | None = None
    email: Email | None = None
    phone: Text | None = None
    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = None

    date_field: ClassVar[str] = "from_"


class Activity(Record):
    kind: Literal["activity"]
    clause: Annotated[Text, Ref("clause")]
    title: LocalizedText
    date: IsoDate
    parties: tuple[Party, ...] = ()
    states: tuple[State, ...] = ()
    summary: LocalizedText | None = None
    scope: Literal["bilateral"] | None = None


MEETING_TYPES: tuple[str, ...] = get_args(Meeting.model_fields["type"].annotation)


COMMON_FIELDS = ("tags", "notes", "documents")


def field_order(model: type[BaseModel]) -> list[str]:
    """The keys of a model as they are written: for a record, `kind`, then the kind's own
    fields, then `tags`, `notes`, `documents` (which every kind has, so they come last)."""
    names = keys(model)
    if issubclass(model, Record):
        own = [name for name in names if name not in ("kind", *COMMON_FIELDS)]
        return ["kind", *own, *COMMON_FIELDS]
    return names


def evidences(entry: str, record: Record) -> bool:
    """Whether `record` is of the kind (and meeting type) that a clause's evidence entry names."""
    kind, _, subtype = entry.partition("/")
    if record.kind != kind:
        return False
    return not subtype or (isinstance(record, Meeting) and record.type == subtype)
