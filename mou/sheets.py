"""The columns of a kind's sheet: what `mou export xlsx` writes and `mou import` reads back.

One column per field, named after the field as it is written in the file, after an `id`
column; the two commands share this layout, so that export → edit → import round-trips.

    field shape                 column(s)                 cell
    text, choice                title, status, from       text
    date                        date, end_date            a date cell (or 2024-03-12 as text)
    number, flag                participants_count        a number; TRUE/FALSE
    localized text              title_en, title_ru        one column per language
                                title                     text in no particular language
    list of plain values        observers, topics         a;b
    structured items, lists of  participants, actions,    JSON: [{"name": ..., "party": ...}]
    localized text, mappings    conditions                (a list whose items hold `;` too)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from mou.add import Option, options_for

# Text a spreadsheet would run as a formula gets an apostrophe in front (see output.csv_cell);
# reading it back, the apostrophe goes again.
_NEUTRALISED = re.compile(r"'(?=[=+\-@\t\r\n\0])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ID_COLUMN = "id"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a kind's sheet: the field it holds, and for localized text, the language
    (None: text given without a language)."""

    name: str
    option: Option | None  # None for the id column
    language: str | None = None


class CellError(ValueError):
    """A cell's value cannot be a value of its field; the message says what is expected."""


@cache
def kind_options(kind: str) -> list[Option]:
    return options_for(kind)


def columns(kind: str, records: list[dict[str, Any]]) -> list[Column]:
    """The columns of `kind`'s sheet for these records (file data, as `record_data` gives):
    every field, and for localized text one column per language the records use."""
    found = [Column(ID_COLUMN, None)]
    for option in kind_options(kind):
        if option.shape != "localized":
            found.append(Column(option.field, option))
            continue
        values = [record[option.field] for record in records if option.field in record]
        if not values or any(isinstance(value, str) for value in values):
            found.append(Column(option.field, option))
        languages = dict.fromkeys(
            language for value in values if isinstance(value, dict) for language in value
        )
        found += [Column(f"{option.field}_{lang}", option, lang) for lang in languages]
    return found


def column_named(kind: str, name: str) -> Column | None:
    """The column a header names: a field, `id`, or `FIELD_LANG` for localized text."""
    from mou import codes

    name = name.strip()
    if name == ID_COLUMN:
        return Column(ID_COLUMN, None)
    options = {option.field: option for option in kind_options(kind)}
    if name in options:
        return Column(name, options[name])
    field, _, language = name.rpartition("_")
    option = options.get(field)
    if option is not None and option.shape == "localized" and language in codes.languages():
        return Column(name, option, language)
    return None


# --- values → cells ---------------------------------------------------------------------------


def cell_value(column: Column, record_id: str, record: dict[str, Any]) -> Any:
    """What goes into `column`'s cell for one record (file data): text, a number, a bool, a
    date, or None for an empty cell. Text is not yet neutralised (see `output.csv_cell`)."""
    if column.option is None:
        return record_id
    value = record.get(column.option.field)
    if value is None:
        return None
    shape = column.option.shape
    if shape == "localized":
        if column.language is None:
            return value if isinstance(value, str) else None
        return value.get(column.language) if isinstance(value, dict) else None
    if shape == "date":
        return date.fromisoformat(value)
    if shape in ("number", "flag"):
        return value
    if shape == "list":
        plain = all(isinstance(item, str) and ";" not in item for item in value)
        return ";".join(value) if plain else json.dumps(value, ensure_ascii=False)
    if shape in ("items", "pairs"):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- cells → values ---------------------------------------------------------------------------


def text_of(value: Any) -> str:
    """A cell as text: the apostrophe that neutralised a formula removed, numbers without a
    spurious `.0`."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return _NEUTRALISED.sub("", str(value), count=1) if str(value).startswith("'") else str(value)


def field_value(option: Option, value: Any) -> Any:
    """A cell's value as the field's value in the file; CellError when it cannot be one."""
    shape = option.shape
    if shape == "date":
        return _date(value)
    if shape == "number":
        return _number(value)
    if shape == "flag":
        return _flag(value)
    text = text_of(value).strip()
    if shape == "list":
        if text.startswith("["):
            return _json(text, list)
        return [part.strip() for part in text.split(";") if part.strip()]
    if shape == "items":
        return [_dates_in(item) for item in _json(text, list)]
    if shape == "pairs":
        return _json(text, dict)
    return text


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellError("a date without a time of day is expected")
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value).strip() if isinstance(value, str) else None
    if text is not None and _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CellError(f"{text_of(value)!r} is not a date: use a date cell, or write 2024-03-12")


def _number(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("a whole number is expected")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = text_of(value).strip()
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    raise CellError(f"{text!r} is not a whole number")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = text_of(value).strip().lower()
    if text in ("true", "yes"):
        return True
    if text in ("false", "no"):
        return False
    raise CellError(f"{text!r}: TRUE or FALSE is expected")


def _json(text: str, kind: type[Any]) -> Any:
    try:
        value = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise CellError(f"not valid JSON ({error.msg}, character {error.pos + 1})") from None
    if not isinstance(value, kind):
        raise CellError(f"a JSON {'list' if kind is list else 'object'} is expected")
    return value


def _dates_in(item: Any) -> Any:
    """ISO dates in an item's date fields (`due`, `done_on`, `date`) as dates, which the
    writer writes plain, as `add-*` does; amounts (JSON numbers) as decimal text."""
    from mou.add import as_date

    if not isinstance(item, dict):
        return item
    converted = dict(item)
    for key, value in item.items():
        if key in ("due", "done_on", "date") and isinstance(value, str):
            converted[key] = as_date(value)
        elif isinstance(value, Decimal):
            converted[key] = str(value)
    return converted
