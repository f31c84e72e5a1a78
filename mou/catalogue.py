"""The catalogue of diagnostic codes: each code's severity, its one-line title (the README's
table, SARIF's rules) and its explanation (`mou explain`). Codes are stable: tools and people
grep for them, so a code's meaning never changes. No mou imports: `problems` builds on it.

    MOU0xx reading a file     MOU1xx a record's own fields   MOU2xx ids, references, documents
    MOU3xx the memorandum's rules and dates                  MOU4xx a portfolio of memoranda
    MOU5xx an output a command refuses to write (not a finding of the record: said as
           `mou: error MOU501 ...`, exit 2, never in `mou validate`'s report)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    title: str
    explanation: str


def N_(message: str) -> str:  # noqa: N802 - gettext's marker: translated where it is shown
    return message


def _code(code: str, severity: Severity, title: str, explanation: str) -> Code:
    return Code(code, severity, title, " ".join(explanation.split()))


E, W = Severity.ERROR, Severity.WARNING

# The catalogue. `title` is the one-line meaning shown in the README and SARIF rules;
# `explanation` is what `mou explain CODE` prints.
CODES: dict[str, Code] = {
    c.code: c
    for c in (
        _code(
            "MOU001",
            E,
            N_("not valid YAML, not UTF-8, or empty"),
            """
            The file could not be read as one YAML document: a syntax error, bytes that are
            not UTF-8, more than one document, or nothing in it at all. The location is
            where the reader stopped.""",
        ),
        _code(
            "MOU002",
            E,
            N_("not a mapping, or no / an unknown `kind`"),
            """
            Every record is a YAML mapping whose `kind:` says what it records (meeting,
            seminar, exchange, request, programme, arrangement, contact, activity, or the one
            memorandum).""",
        ),
        _code(
            "MOU003",
            E,
            N_("duplicate key in a mapping"),
            """
            The same key appears twice in one mapping. YAML readers disagree on which value
            wins, so mou refuses both; the location is the second occurrence.""",
        ),
        _code(
            "MOU004",
            E,
            N_("file too large, nested too deep, or using anchors, aliases or tags"),
            """
            Records are plain data: at most 1 MiB per file, 64 levels of nesting, 1,000
            items in one list and 50,000 values in one file; no anchors (&a), aliases (*a)
            or tags other than the core ones (!!str, !!int, ...). This keeps every record
            readable on its own and keeps hostile files (alias bombs, !!python/object, a
            million empty entries) from doing harm.""",
        ),
        _code(
            "MOU101",
            E,
            N_("missing required field"),
            """
            A field the record's kind requires is absent (or empty). The location is the
            mapping that lacks it.""",
        ),
        _code(
            "MOU102",
            E,
            N_("invalid value"),
            """
            A value has the wrong type, is not one of the allowed words, is not an ISO date,
            puts dates in the wrong order (end before start), is an amount with more
            decimals than its currency allows, or is a document with both or neither of
            `url` and `path`.""",
        ),
        _code(
            "MOU103",
            E,
            N_("unknown field"),
            """
            A key the record's kind does not define. Usually a typo: `organiser` for
            `organizer`, `obervers` for `observers`. Unknown fields are errors so that a typo
            never passes silently.""",
        ),
        _code(
            "MOU201",
            E,
            N_("bad id (file name)"),
            """
            A record's id is its file name without the extension. It must be lower-case
            letters and digits in groups joined by single hyphens (^[a-z0-9]+(-[a-z0-9]+)*$),
            at most 80 characters; dated records conventionally start with the date:
            2024-03-12-consultations-geneva.""",
        ),
        _code(
            "MOU202",
            E,
            N_("duplicate id"),
            """
            Two files have the same name without extension (in different folders, or as
            .yaml and .yml). Ids are unique across the whole record because references use
            them.""",
        ),
        _code(
            "MOU203",
            E,
            N_("reference to a missing record, or one of the wrong kind"),
            """
            An `arrangement:` field must name an arrangement; an arrangement's `covers:` must
            name meetings, seminars, requests, programmes or activities.""",
        ),
        _code(
            "MOU204",
            E,
            N_("unknown party, state, topic, currency or clause"),
            """
            Parties, topics and clauses are those the memorandum declares; states are ISO
            3166-1 alpha-3 codes (ARM, KAZ); currencies are ISO 4217 codes (USD, EUR).""",
        ),
        _code(
            "MOU205",
            E,
            N_("no memorandum, or more than one"),
            """
            The records root must hold exactly one memorandum.yaml of kind memorandum, and no
            other record may be of kind memorandum.""",
        ),
        _code(
            "MOU206",
            E,
            N_("document path missing or outside the records root"),
            """
            A document's `path:` is relative to the records root and must name a file that
            exists there, without leaving the root (no absolute paths, no ..).""",
        ),
        _code(
            "MOU301",
            E,
            N_("exchange of information not in the public domain"),
            """
            Clause 1.2 covers the exchange of information in the public domain only. An
            exchange with `public_domain: false` does not belong in this record.""",
        ),
        _code(
            "MOU302",
            E,
            N_("representation meeting without an observer from the other party"),
            """
            Clause 1.5 is reciprocal representation: a representation meeting's observers
            must include a party other than the organizer.""",
        ),
        _code(
            "MOU303",
            W,
            N_("single-state, single-party programme or activity (clause 5)"),
            """
            Clause 5: bilateral cooperation of one state with one party is outside the
            memorandum. A programme or activity with one state and one party is probably
            such cooperation: mark it `scope: bilateral` (it stays in the record but out of
            every count), or add the other party.""",
        ),
        _code(
            "MOU304",
            W,
            N_("joint event or programme with no special arrangement (clause 3)"),
            """
            Clause 3: special arrangements define each party's conditions and expenses. A
            held seminar or an active/completed programme organised by more than one party
            should be covered by an arrangement (its `arrangement:` field, or an
            arrangement's `covers:`).""",
        ),
        _code(
            "MOU305",
            E,
            N_("record dated before the memorandum was signed"),
            """
            Nothing can implement the memorandum before it exists. Check the date, or
            whether the record belongs here.""",
        ),
        _code(
            "MOU306",
            E,
            N_("held, done or delivered in the future"),
            """
            A meeting or seminar `status: held`, an action `status: done` or a request
            `status: delivered` is dated after today (or after --as-of). Either the date or
            the status is wrong.""",
        ),
        _code(
            "MOU307",
            W,
            N_("still planned more than 30 days after its date"),
            """
            A meeting or seminar is still `status: planned` more than 30 days after its date.
            Record what happened: held, cancelled or postponed.""",
        ),
        _code(
            "MOU308",
            W,
            N_("open action item past its due date"),
            """
            An action item of a meeting is `status: open` and its `due` date has passed.
            The diagnostic's record is the meeting; the action id is in the message.""",
        ),
        _code(
            "MOU309",
            E,
            N_("the memorandum's life dates are out of order"),
            """
            A memorandum is signed, then enters into force (`entry_into_force`), then runs
            to its expiry (`expires`, or the end of its `term`). Amendments are dated within
            that life (not before signing, not on or after the day a termination takes
            effect), and a memorandum is terminated (`terminated.date`, the day the
            termination takes effect: its last day in force is the day before) after it was
            signed.""",
        ),
        _code(
            "MOU310",
            E,
            N_("the memorandum's term, renewal or amendments do not fit together"),
            """
            A memorandum runs for a `term` (a duration) or until a date it `expires`, not
            both. `renewal: automatic` needs a `renewal_term` and a term or expiry to renew;
            a `renewal_term` or a `notice` needs a term or expiry, and only automatic renewal
            has a renewal term. A `notice` is shorter than the term (and the renewal term)
            it ends, and a term ends by 9999-12-31, the calendar's last day. Amendment ids
            are unique; an amendment adds clauses the text does not have yet and changes or
            removes clauses it has at the amendment's date.""",
        ),
        _code(
            "MOU311",
            W,
            N_("record dated before entry into force or after termination"),
            """
            The memorandum entered into force after it was signed, or it was terminated,
            and a record is dated before its entry into force, or on or after the day its
            termination took effect (`terminated.date`: no longer in force from that day).
            Work in those days was not done under the memorandum: check the date, or
            whether the record belongs here.""",
        ),
        _code(
            "MOU401",
            E,
            N_("a memorandum's folder in a portfolio has no memorandum.yaml"),
            """
            A folder at the top of a portfolio holds records (record files, folders such as
            meetings/, or a repository's records/) but no memorandum.yaml of its own, so it
            is not a memorandum of the portfolio and its records are not checked. Add its
            memorandum.yaml (`mou init ID` writes one), move a repository's records/ up into
            it, or move the folder out of the portfolio. A memorandum.yaml that is not a
            regular file (a FIFO, a folder, a link to a device) is said and never read; a
            link at the top of the portfolio to a folder of records is not followed (records
            are never read outside the portfolio): move the folder in. Folders that hold no
            records (hidden ones, site/, documents) are not members and are left alone.""",
        ),
        _code(
            "MOU402",
            E,
            N_("two memoranda of a portfolio have the same title"),
            """
            Two memoranda of the portfolio have the same title (in one language), so a reader
            of the portfolio cannot tell them apart: the same memorandum copied twice, or a
            title left as the template wrote it. Give each its own title, or remove the
            copy.""",
        ),
        _code(
            "MOU403",
            E,
            N_("a memorandum or portfolio nested below a portfolio's top level"),
            """
            A portfolio is one level deep: its sub-folders are memoranda, each a records
            root. A memorandum.yaml or portfolio.yaml found further down, inside a
            memorandum's folder, is a memorandum or portfolio nested where it does not
            belong: it is reported once, and its folder's files are left out of the outer
            memorandum's records, whether the outer memorandum is read alone, with `-m ID`
            or as a member of the portfolio. Move it to the top of the portfolio, as a folder
            of its own.""",
        ),
        _code(
            "MOU404",
            E,
            N_("a memorandum's folder in a portfolio is not named by an id"),
            """
            A folder at the top of a portfolio holds a memorandum.yaml, but its name is not
            a memorandum id: lower-case letters and digits joined by single hyphens, at most
            80 characters, as `mou init ID` takes (no spaces, no leading hyphen, no other
            alphabet). The folder is not a member: it is not read, listed, offered by `-m`
            or its completion. Rename the folder (`git mv`) to the memorandum's id.""",
        ),
        _code(
            "MOU501",
            E,
            N_("an output mou will not write there"),
            """
            A command's output (`--output`, an export's FILE or `--metadata`) names a place
            mou does not write: a folder, a device, a FIFO or a socket where a file goes
            (through any link: `--output /dev/null` is refused; `-` is standard output), a
            path ending in a slash (a folder) where a file goes, one of the command's own
            input files (`--template`, `--reference-doc`) or a record file (a .yaml or .yml
            under the records root), two outputs of one command that are the same file,
            something other than a folder where a folder goes (`mou site`, `mou schema`), or
            a site folder that is not empty and was not written by `mou site`, or where a
            path `mou site` writes is a symbolic link (it never writes through one). Nothing
            is written and the command exits 2: give a regular file or a new path, or an
            empty or new folder.""",
        ),
        _code(
            "MOU502",
            E,
            N_("an output the system would not let mou write"),
            """
            mou would write the output there, but the system refused: no permission, a
            read-only or full disk, a file where a folder should be on the way. The
            system's reason ends the message, and the command exits 2. A single output
            file is written to a temporary file beside it and renamed into place, so the
            file that was there is left as it was.""",
        ),
    )
}
