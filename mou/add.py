"""New records from command-line values. The options come from the models, so every `add-*`
command is the same mechanism and a new field is an option without further code.

    field               option                       value
    title (localized)   --title TEXT | --title ru=TEXT (repeat for each language)
    date                --date YYYY-MM-DD
    type (closed)       --type consultation|...
    observers (list)    --observer iom --observer cis
    participants        --participant "NAME;PARTY[;ROLE]"
    conditions          --condition "PARTY;TEXT"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from mou.fields import Ref, fields, marker
from mou.kinds import KINDS
from mou.models import WINDOWS_RESERVED, field_order, id_error
from mou.problems import Problem, RefusalError, Severity, UsageError

# Structured items: their parts in the order they are written, `?` for optional ones.
ITEM_PARTS: dict[str, tuple[str, ...]] = {
    "participants": ("name", "party", "role?"),
    "actions": ("text", "owner", "due?", "status?", "done_on?"),
    "expenses": ("item", "payer", "amount", "currency", "status?", "date?"),
    "items": ("title", "url?", "language?"),
    "documents": ("title", "url-or-path", "public|private?", "language?"),
    "conditions": ("party", "text"),
}
SINGULAR = {"agenda": "agenda", "lead": "lead", "covers": "covers", "parties": "party"}
ID_ROOM = 80 - len("2024-01-01-") - len("-99")


@dataclass(frozen=True, slots=True)
class Option:
    """One command-line option of an `add-*` command, derived from a model field."""

    field: str  # the key in the file
    param: str  # the Python parameter name
    flag: str  # --end-date, --observer
    shape: str  # text, localized, date, choice, flag, number, list, items, pairs
    required: bool
    choices: tuple[str, ...] = ()
    ref: Ref | None = None
    help: str = ""

    @property
    def metavar(self) -> str:
        parts = ITEM_PARTS.get(self.field)
        if parts:
            inner = [p.rstrip("?").upper() for p in parts]
            required = [p for p in parts if not p.endswith("?")]
            text = ";".join(inner[: len(required)])
            for part in inner[len(required) :]:
                text += f"[;{part}"
            return text + "]" * (len(inner) - len(required))
        return {"date": "DATE", "number": "N", "localized": "TEXT"}.get(self.shape, "TEXT")


def options_for(kind: str) -> list[Option]:
    """The options of `mou add-KIND`, in the order of the model's fields."""
    model = KINDS[kind].model
    found: list[Option] = []
    order = field_order(model)  # as the record is written: tags, notes, documents last
    for info in sorted(fields(model), key=lambda f: order.index(f.key)):
        field, core = info.key, info.core
        if field == "kind":
            continue
        shape, ref = "text", info.ref
        choices: tuple[str, ...] = ()
        flag = field.replace("_", "-")
        if get_origin(core) is Literal:
            shape, choices = "choice", tuple(str(c) for c in get_args(core))
        elif info.localized:
            shape = "localized"
        elif core is date:
            shape = "date"
        elif core is bool:
            shape = "flag"
        elif core is int:
            shape = "number"
        elif get_origin(core) is dict:
            shape, flag = "pairs", SINGULAR.get(field, field.removesuffix("s"))
        elif get_origin(core) is tuple:
            item, item_metadata = info.item
            flag = SINGULAR.get(field, field.removesuffix("s")).replace("_", "-")
            if isinstance(item, type) and issubclass(item, BaseModel):
                shape = "items"
            else:
                shape, ref = "list", marker(item_metadata, Ref)
                if get_origin(item) is Literal:
                    choices = tuple(str(c) for c in get_args(item))
        found.append(
            Option(
                field=field,
                param=info.name,
                flag=f"--{flag}",
                shape=shape,
                required=info.required,
                choices=choices,
                ref=ref,
                help=_help(field, shape, choices, ref),
            )
        )
    return found


def _help(field: str, shape: str, choices: tuple[str, ...], ref: Ref | None) -> str:
    words = field.replace("_", " ")
    if shape == "choice":
        return f"{words.capitalize()}: {', '.join(choices)}."
    if shape == "localized":
        return f"{words.capitalize()}; LANG=TEXT for one language, repeated for each."
    if shape == "list":
        what = f"a {ref.to}" if ref else "a value"
        return f"Add {what} to `{field}` (repeat the option for more)."
    if shape in ("items", "pairs"):
        return f"Add one of `{field}` (repeat the option for more)."
    if shape == "date":
        return f"{words.capitalize()}, YYYY-MM-DD."
    if ref is not None and ref.to == "record":
        return f"{words.capitalize()}: the id of {' or '.join(map(with_article, ref.kinds))}."
    if ref is not None:
        return f"{words.capitalize()}: a {ref.to} id."
    return f"{words.capitalize()}."


def with_article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


# --- values → a record --------------------------------------------------------------------

_LANGUAGE_PREFIX = re.compile(r"([a-z]{2,3})=(.*)", re.DOTALL)


def localized_value(option: Option, values: list[str]) -> str | dict[str, str]:
    """`--title TEXT` → text; `--title en=TEXT --title ru=TEXT` → {en: ..., ru: ...}."""
    from mou import codes

    pairs = [_LANGUAGE_PREFIX.fullmatch(value) for value in values]
    if len(values) == 1 and not (pairs[0] and pairs[0][1] in codes.languages()):
        return values[0]
    text: dict[str, str] = {}
    for value, match in zip(values, pairs, strict=True):
        if not match or match[1] not in codes.languages():
            raise UsageError(
                f"{option.flag} {value!r}: given more than once, each value is LANG=TEXT "
                f"(en=..., ru=...)"
            )
        text[match[1]] = match[2]
    return text


def item_value(option: Option, value: str, index: int) -> dict[str, Any]:
    """`--participant "A. Ivanov;cis;head"` → {name: A. Ivanov, party: cis, role: head}."""
    parts = ITEM_PARTS[option.field]
    pieces = [piece.strip() for piece in value.split(";")]
    required = sum(1 for part in parts if not part.endswith("?"))
    if not required <= len(pieces) <= len(parts) or any(not p for p in pieces[:required]):
        raise UsageError(f"{option.flag} {value!r}: expected {option.metavar}")
    item: dict[str, Any] = {}
    for part, piece in zip(parts, pieces, strict=False):
        if piece:
            item[part.rstrip("?")] = piece
    if option.field == "actions":
        item = {"id": f"a{index + 1}", "status": "open", **item}
        for key in ("due", "done_on"):
            if key in item:
                item[key] = as_date(item[key])
    elif option.field == "expenses":
        item.setdefault("status", "planned")
        if "date" in item:
            item["date"] = as_date(item["date"])
    elif option.field == "documents":
        where = item.pop("url-or-path")
        item["url" if re.match(r"https?://", where) else "path"] = where
        visibility = item.pop("public|private", "private")
        if visibility not in ("public", "private"):
            raise UsageError(f"{option.flag} {value!r}: the third part is public or private")
        item["public"] = visibility == "public"
    return item


def _date_option(option: Option, text: str) -> date:
    day = as_date(text)
    if isinstance(day, str):
        raise UsageError(f"{option.flag} {text}: not a date; write it as 2024-03-12")
    return day


def as_date(text: str) -> date | str:
    """An ISO date as a date (written plain); anything else stays text for validation to report."""
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text
    except ValueError:
        return text


def build(kind: str, values: dict[str, Any], today: date) -> dict[str, Any]:
    """The record's fields from option values (None or [] where an option was not given)."""
    data: dict[str, Any] = {"kind": kind}
    for option in options_for(kind):
        value = values.get(option.param)
        if value is None or value == []:
            continue
        if option.shape == "localized":
            data[option.field] = localized_value(option, value)
        elif option.shape == "date":
            data[option.field] = _date_option(option, value)
        elif option.shape == "items":
            data[option.field] = [item_value(option, v, i) for i, v in enumerate(value)]
        elif option.shape == "pairs":
            pairs = [item_value(option, v, i) for i, v in enumerate(value)]
            data[option.field] = {pair["party"]: pair["text"] for pair in pairs}
        else:
            data[option.field] = value.value if hasattr(value, "value") else value
    apply_defaults(kind, data, today)
    return data


def apply_defaults(kind: str, data: dict[str, Any], today: date) -> None:
    """Events default to held up to today and planned after it; requests start open."""
    if "status" in data:
        return
    day = data.get("date")
    if kind in ("meeting", "seminar") and isinstance(day, date):
        data["status"] = "held" if day <= today else "planned"
    elif kind == "request":
        data["status"] = "open"


def missing(kind: str, data: dict[str, Any]) -> list[Option]:
    """The required options that have no value yet (an event's status follows from its date,
    so it is not asked for while the date is still missing)."""
    derived = {"status"} if kind in ("meeting", "seminar") and "date" not in data else set()
    wanted = [o for o in options_for(kind) if o.required and o.field not in data]
    return [o for o in wanted if o.field not in derived]


# --- ids ----------------------------------------------------------------------------------


def new_id(kind: str, data: dict[str, Any], taken: set[str]) -> str:
    """`DATE-slug-of-title`, Cyrillic transliterated; `-2`, `-3`... when taken."""
    from slugify import slugify

    day = data.get(KINDS[kind].date_key)
    words = data.get(KINDS[kind].title_field, kind)
    if isinstance(words, dict):
        words = words.get("en") or next(iter(words.values()))
    slug = slugify(str(words), max_length=ID_ROOM, word_boundary=True, save_order=True) or kind
    base = f"{day}-{slug}" if isinstance(day, date) else slug
    candidate, number = base, 1
    while candidate in taken or candidate in WINDOWS_RESERVED:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def record_path(kind: str, record_id: str) -> str:
    return f"{KINDS[kind].folder}/{record_id}.yaml"


class RefusedError(RefusalError):
    """The record cannot be written at all (its id is taken); the message says why."""


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str  # relative to the records root
    text: str  # the canonical YAML
    problems: list[Problem]  # those of the new record
    written: bool

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self.problems)


def create(
    root: Path,
    kind: str,
    data: dict[str, Any],
    record_id: str | None,
    *,
    today: date,
    dry_run: bool = False,
) -> Outcome:
    """Choose the id, check the new record with the whole record, and write it unless it has
    an error (or `dry_run`): through `commit`, the path every writing command takes, so that
    people adding at the same moment get distinct ids and never overwrite each other."""
    from mou.commit import Changes, commit
    from mou.read import find_files
    from mou.read import record_id as id_of
    from mou.write import render_record, schema_reference

    if record_id is not None:
        _check_id(record_id)  # before the lock: a refused id leaves no trace
    chosen: dict[str, str] = {}

    def prepare() -> Changes:
        taken = {id_of(path) for path in find_files(root)}
        new = record_id or new_id(kind, data, taken)
        _check_id(new)
        if new in taken:
            raise RefusedError(f"--id {new}: a record with this id exists")
        path = record_path(kind, new)
        chosen.update(path=path, text=render_record(data, schema_reference(root, path)))
        return Changes(writes={path: chosen["text"]}, new=frozenset({path}))

    done = commit(root, prepare, today=today, dry_run=dry_run)
    return Outcome(chosen["path"], chosen["text"], done.problems, done.written)


def _check_id(record_id: str) -> None:
    """An id (given or generated) is one name that Windows can hold, or nothing is written."""
    from mou.write import UnsafePathError

    bad = id_error(record_id)
    if bad:
        raise UnsafePathError(f"--id {record_id!r} {bad}")


def memorandum_choices(root: Path) -> dict[str, list[str]]:
    """Parties, topics and clauses the memorandum declares (empty lists if it cannot be read)."""
    from mou.load import RecordSet, build_entry
    from mou.read import read_and_parse

    records = RecordSet(root)
    value, problems = read_and_parse(root, "memorandum.yaml")
    entry, _, _ = build_entry(records, "memorandum.yaml", value, problems)
    memorandum = getattr(entry, "model", None)
    if memorandum is None or memorandum.kind != "memorandum":
        return {"party": [], "topic": [], "clause": []}
    return {
        "party": list(memorandum.party_ids),
        "topic": list(memorandum.topic_ids),
        "clause": [clause.id for clause in memorandum.clauses],
    }
