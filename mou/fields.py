"""The one walker over the fields of a pydantic model: for each field its attribute name, its
key in the file (the alias: `from` for `from_`), its core type, the model nested in it, its
markers (`Ref`, localized text), and whether it is optional or a list.

The writer (key order, nested models), the add builder (one option per field), the loader's
messages (field names) and the references of the models all read fields from here, so that
the annotations are taken apart in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class Ref:
    """Marks a field whose value names something declared elsewhere.

    `to` is one of: party, state, topic, currency, clause, or `record` (then `kinds` says
    which kinds of record may be named).
    """

    to: str
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Localized:
    """Marks text that may be given in several languages ({en: ..., ru: ...})."""


LOCALIZED = Localized()
T = TypeVar("T")


def unwrap(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """The core type of an annotation, without Optional and Annotated, and the metadata
    (markers, constraints) found on the way."""
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            metadata.extend(annotation.__metadata__)
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType) and type(None) in get_args(annotation):
            members = [a for a in get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else Union[tuple(members)]  # noqa: UP007
        else:
            return annotation, tuple(metadata)


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (through Optional, tuple, unions), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = model_in(argument)
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a model, as the rest of mou needs to know it."""

    name: str  # the attribute: from_
    key: str  # the key in the file: from
    core: Any  # the type without Optional and Annotated: str, date, tuple[...], Literal[...]
    markers: tuple[Any, ...]  # the metadata of the field and of its type
    required: bool
    optional: bool  # None is allowed
    model: type[BaseModel] | None  # the model nested in it (itself, or its items')

    @property
    def many(self) -> bool:
        """A list in the file (a tuple in the model)."""
        return get_origin(self.core) is tuple

    @property
    def item(self) -> tuple[Any, tuple[Any, ...]]:
        """A list's item type, unwrapped, and its metadata."""
        return unwrap(get_args(self.core)[0])

    @property
    def ref(self) -> Ref | None:
        return marker(self.markers, Ref)

    @property
    def localized(self) -> bool:
        return marker(self.markers, Localized) is not None


def marker(metadata: tuple[Any, ...], kind: type[T]) -> T | None:
    """The first marker of `kind` in `metadata`."""
    return next((m for m in metadata if isinstance(m, kind)), None)


@cache
def fields(model: type[BaseModel]) -> tuple[Field, ...]:
    """The fields of `model`, in the order the model declares them."""
    found = []
    for name, info in model.model_fields.items():
        core, metadata = unwrap(info.annotation)
        found.append(
            Field(
                name=name,
                key=info.alias or name,
                core=core,
                markers=(*metadata, *info.metadata),
                required=info.is_required(),
                optional=core is not info.annotation and type(None) in get_args(info.annotation),
                model=model_in(info.annotation),
            )
        )
    return tuple(found)


def literals(annotation: Any) -> Iterator[str]:
    """The strings of every `Literal` inside an annotation (Optional, Annotated, tuple...);
    nested models are not entered (they are walked on their own)."""
    if get_origin(annotation) is Literal:
        yield from (value for value in get_args(annotation) if isinstance(value, str))
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return
    for argument in get_args(annotation):
        yield from literals(argument)


def key_of(model: type[BaseModel], name: str) -> str:
    """The key in the file of the attribute `name` (`from` for `from_`)."""
    return next((f.key for f in fields(model) if f.name == name), name)


def keys(model: type[BaseModel]) -> list[str]:
    """The keys of `model` in the file, in declaration order."""
    return [f.key for f in fields(model)]


# --- references ---------------------------------------------------------------------------

# A path through a model: (attribute, key in the file) per field, "*" for every item of a
# sequence or every value of a mapping, "{}" for every key of a mapping.
RefStep = tuple[str, str] | str
RefPath = tuple[RefStep, ...]


def _references_in(annotation: Any, path: RefPath) -> Iterator[tuple[RefPath, Ref]]:
    core, metadata = unwrap(annotation)
    found = marker(metadata, Ref)
    if found is not None:
        yield path, found
        return
    origin = get_origin(core)
    if origin is UnionType or origin is Union:
        for member in get_args(core):
            yield from _references_in(member, path)
    elif origin is tuple:
        yield from _references_in(get_args(core)[0], (*path, "*"))
    elif origin is dict:
        key, value = get_args(core)
        yield from _references_in(key, (*path, "{}"))
        yield from _references_in(value, (*path, "*"))
    elif isinstance(core, type) and issubclass(core, BaseModel):
        for field in fields(core):
            step = (*path, (field.name, field.key))
            found = field.ref
            if found is not None:
                yield step, found
            else:
                yield from _references_in(field.core, step)


@cache
def reference_paths(model: type[BaseModel]) -> tuple[tuple[RefPath, Ref], ...]:
    """Every path in `model` whose value names a party, state, topic, ... or another record."""
    return tuple(_references_in(model, ()))


# --- references ---------------------------------------------------------------------------

Loc = tuple[str | int, ...]


def references(record: BaseModel) -> Iterator[tuple[Loc, Ref, str]]:
    """(location in the file, marker, value) of every reference the record makes."""
    for path, marker in reference_paths(type(record)):
        current: list[tuple[Any, Loc]] = [(record, ())]
        for step in path:
            following: list[tuple[Any, Loc]] = []
            for value, loc in current:
                if step == "*" and isinstance(value, tuple):
                    following.extend((item, (*loc, i)) for i, item in enumerate(value))
                elif step == "*" and isinstance(value, dict):
                    following.extend((item, (*loc, key)) for key, item in value.items())
                elif step == "{}" and isinstance(value, dict):
                    following.extend((key, (*loc, key)) for key in value)
                elif isinstance(step, tuple) and value is not None:
                    following.append((getattr(value, step[0]), (*loc, step[1])))
            current = following
        for value, loc in current:
            if value is not None:
                yield loc, marker, value
