"""Dotted keys of `mou set`: `status`, `title.ru`, `end_date`, `actions.a2.status` (a list item
by its `id`), `participants.0.role` (by index where items have no id), `conditions.iom`.

A key is resolved against the kind's model and the record's round-trip document together, and
a value is read as the type the model gives that field (date, decimal, whole number, yes/no,
a closed vocabulary, a list as `a;b;c`), so that a wrong key or value is a usage error naming
what would be right, before anything is checked or written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from mou.fields import Localized, fields, marker, unwrap
from mou.models import field_order


class KeyUsageError(ValueError):
    """A key that names no field, or a value that cannot be read as the field's type."""


@dataclass(frozen=True, slots=True)
class Shape:
    """What a field holds: `model`, `list`, `map`, `localized`, or a scalar (`date`,
    `decimal`, `number`, `bool`, `choice`, `text`); `inner` is the model, the item or value
    type, and `choices` the closed vocabulary."""

    name: str
    inner: Any = None
    choices: tuple[str, ...] = ()


def shape_of(annotation: Any) -> Shape:
    core, metadata = unwrap(annotation)
    origin = get_origin(core)
    if marker(metadata, Localized) is not None:
        return Shape("localized")
    if isinstance(core, type) and issubclass(core, BaseModel):
        return Shape("model", core)
    if origin is tuple:
        return Shape("list", get_args(core)[0])
    if origin is dict:
        return Shape("map", get_args(core)[1])
    if origin is Literal:
        return Shape("choice", choices=tuple(str(c) for c in get_args(core)))
    if origin in (Union, UnionType):  # e.g. a topic: a slug or a declaration; text suffices
        return Shape("text")
    names = {date: "date", Decimal: "decimal", bool: "bool", int: "number"}
    return Shape(names.get(core, "text"))


def fields_of(model: type[BaseModel]) -> dict[str, Any]:
    """A model's keys as written in the file → their type, with the field's markers."""
    return {f.key: Annotated[(f.core, *f.markers)] if f.markers else f.core for f in fields(model)}


def _close(word: str, choices: list[str]) -> str:
    near = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(near)}?)" if near else ""


@dataclass(slots=True)
class Slot:
    """Where a key lands: `container[key]` in the document, holding an `annotation`."""

    container: Any  # CommentedMap or CommentedSeq
    key: str | int
    annotation: Any
    model: type[BaseModel] | None  # the model the container is an instance of, if any


def resolve(
    model: type[BaseModel],
    document: Any,
    key: str,
    *,
    create: bool,
    languages: Sequence[str] = (),
) -> Slot:
    """The slot `key` names in `document` (a record of `model`). With `create`, missing
    mappings and list items on the way are made (`participants.2.name` appends an item when
    there are two); without it (for --unset), a missing part is an error.

    One language of a plain text (`title.ru` on `title: Consultations`) makes it a mapping;
    the present text is taken to be in the first of `languages` (the memorandum's) that is not
    the one being set, since one adds a translation into another language."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    parts = key.split(".")
    if not key or any(not part for part in parts):
        raise KeyUsageError(f"`{key}` is not a key: write field names joined by dots")
    annotation: Any = model
    container: Any = None
    slot: str | int = ""
    owner: type[BaseModel] | None = None
    for position, part in enumerate(parts):
        done = ".".join(parts[:position])
        if position:
            value = container[slot] if _has(container, slot) else None
            if value is None:
                if not create:
                    raise KeyUsageError(f"{key}: `{done}` is not set")
                value = CommentedSeq() if shape_of(annotation).name == "list" else CommentedMap()
                place(container, slot, value, owner)
            elif isinstance(value, str) and shape_of(annotation).name == "localized":
                other = [language for language in languages if language != part]
                value = CommentedMap([(other[0], value)] if other else [])
                container[slot] = value
            container = value
        else:
            container = document
        shape = shape_of(annotation)
        where = f"`{done}`" if done else "the record"
        if shape.name == "model":
            fields = fields_of(shape.inner)
            if part not in fields or part == "kind":
                choices = [f for f in fields if f != "kind"]
                raise KeyUsageError(
                    f"{key}: {where} has no field `{part}`{_close(part, choices)}; "
                    f"its fields: {', '.join(choices)}"
                )
            owner, slot, annotation = shape.inner, part, fields[part]
        elif shape.name == "list":
            owner, slot, annotation = None, _item(container, part, key, done, create), shape.inner
        elif shape.name == "map":
            owner, slot, annotation = None, part, shape.inner
        elif shape.name == "localized":
            if not re.fullmatch(r"[a-z]{2,3}", part):
                raise KeyUsageError(f"{key}: `{part}` is not a language code such as en or ru")
            owner, slot, annotation = None, part, str
        else:
            raise KeyUsageError(f"{key}: `{done}` is a single value, it has no parts")
        if not isinstance(container, dict | list):
            raise KeyUsageError(f"{key}: `{done}` is not a mapping or a list in the file")
    return Slot(container, slot, annotation, owner)


def _has(container: Any, slot: str | int) -> bool:
    if isinstance(container, list):
        return isinstance(slot, int) and slot < len(container)
    return slot in container


def _item(items: Any, part: str, key: str, done: str, create: bool) -> int:
    """A list item's index, from its `id` (where items have one) or its position."""
    if not isinstance(items, list):
        raise KeyUsageError(f"{key}: `{done}` is not a list in the file")
    ids = [str(item.get("id")) for item in items if isinstance(item, dict) and "id" in item]
    if part in ids:
        return ids.index(part)
    if part.isdigit():
        index = int(part)
        if index < len(items) or (create and index == len(items)):
            return index
    if ids:
        adds = f"; {len(items)} adds one ({done}.{len(items)}.id={part} ...)" if create else ""
        listed = ", ".join(ids)
        raise KeyUsageError(f"{key}: `{done}` has no item `{part}`; its ids: {listed}{adds}")
    raise KeyUsageError(
        f"{key}: `{done}` has {len(items)} item(s), numbered from 0 ({len(items)} adds one)"
    )


def place(container: Any, key: str | int, value: Any, model: type[BaseModel] | None) -> None:
    """Set `container[key]`; a new key of a model goes where the model orders it, a new list
    item at the end."""
    if isinstance(container, list):
        assert isinstance(key, int)
        if key == len(container):
            container.append(value)
        else:
            container[key] = value
        return
    if key in container or model is None:
        container[key] = value
        return
    order = field_order(model)
    rank = order.index(key) if key in order else len(order)
    before = [k for k in container if k in order and order.index(k) < rank]
    position = list(container).index(before[-1]) + 1 if before else 0
    if position >= len(container):
        container[key] = value
    else:
        container.insert(position, key, value)


def read_value(slot: Slot, text: str, key: str) -> Any:
    """`text` as the slot's type; a KeyUsageError if it cannot be read as one."""
    shape = shape_of(slot.annotation)
    if shape.name == "list":
        item = shape_of(shape.inner)
        if item.name in ("model", "list", "map"):
            raise KeyUsageError(f"{key}: set its items one field at a time ({key}.0.FIELD=...)")
        from ruamel.yaml.comments import CommentedSeq

        values = CommentedSeq(
            _scalar(item, piece.strip(), key) for piece in text.split(";") if piece.strip()
        )
        values.fa.set_flow_style()
        return values
    if shape.name in ("model", "map"):
        raise KeyUsageError(f"{key}: has fields of its own; set them one by one ({key}.FIELD=...)")
    return _scalar(shape, text, key)


_BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}


def _scalar(shape: Shape, text: str, key: str) -> Any:
    if shape.name == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise KeyUsageError(f"{key}={text}: not a date; write it as 2024-03-12")
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise KeyUsageError(f"{key}={text}: not a calendar date ({error})") from None
    if shape.name == "decimal":
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
            raise KeyUsageError(f"{key}={text}: not an amount; write it as 12500.00")
        return amount
    if shape.name == "number":
        if not re.fullmatch(r"-?[0-9]+", text):
            raise KeyUsageError(f"{key}={text}: not a whole number")
        return int(text)
    if shape.name == "bool":
        if text.lower() not in _BOOLEANS:
            raise KeyUsageError(f"{key}={text}: write true or false")
        return _BOOLEANS[text.lower()]
    if shape.name == "choice" and text not in shape.choices:
        raise KeyUsageError(
            f"{key}={text}: not one of {', '.join(shape.choices)}"
            f"{_close(text, list(shape.choices))}"
        )
    if not text:
        raise KeyUsageError(f"{key}: an empty value; to remove the field use --unset {key}")
    return text


def key_paths(model: type[BaseModel], document: Any, prefix: str = "") -> list[str]:
    """The keys `mou set` accepts for a record, for shell completion: every field of its
    model, and the items of its lists by id (or index) and their fields."""
    found: list[str] = []
    for name, annotation in fields_of(model).items():
        if name == "kind":
            continue
        path = f"{prefix}{name}"
        shape = shape_of(annotation)
        value = document.get(name) if isinstance(document, dict) else None
        if shape.name == "model":
            found.extend(key_paths(shape.inner, value, f"{path}."))
        elif shape.name == "list" and shape_of(shape.inner).name == "model":
            for index, item in enumerate(value if isinstance(value, list) else []):
                label = item.get("id") if isinstance(item, dict) else None
                found.extend(key_paths(shape.inner, item, f"{path}.{label or index}."))
        else:
            found.append(path)
    return found
