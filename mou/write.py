"""The only module that writes files: canonical YAML, atomically, never over a record.

Canonical form (what `mou fmt` produces and every `add-*` writes): a `yaml-language-server`
modeline first; `kind`, then the kind's fields in the order of the model, then `tags`,
`notes`, `documents`; 2-space indentation, lists of mappings in block style; no folding of
long or non-ASCII lines; strings that a YAML 1.1 reader would take for something else
(`no`, `on`, `010`, `2024-03-12` as text) quoted; amounts as quoted decimal strings with the
currency's minor unit; dates as plain ISO dates. Comments are kept (ruamel's round-trip
mode, which is used here only: reading for validation never goes through it).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from mou.models import KINDS, Record

MODELINE = "# yaml-language-server: $schema="
SCHEMA_FILE = "record.schema.json"
LOCK_NAME = ".mou.lock"
COMMON_FIELDS = ("tags", "notes", "documents")


# --- files --------------------------------------------------------------------------------


def write_text(target: Path, text: str) -> None:
    """Replace `target` with `text`: temporary file in the same folder, fsync, rename, fsync."""
    temporary = _temporary_copy(target, text.encode("utf-8"))
    try:
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(target.parent)


def write_new(target: Path, text: str) -> None:
    """Create `target` with `text`, atomically; FileExistsError if it exists (never overwrites).

    The data goes to a temporary file first; a hard link then gives it its name in one step
    that fails if the name is taken, so a killed writer leaves either the whole record or no
    record (at most a dot-named temporary file, which is never read as a record).
    """
    temporary = _temporary_copy(target, text.encode("utf-8"))
    try:
        os.link(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _fsync_folder(target.parent)


def _temporary_copy(target: Path, data: bytes) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def lock(root: Path, timeout: float = 60) -> Any:
    """An exclusive lock on the records root, for "choose an id, check, write"."""
    from filelock import FileLock

    return FileLock(root / LOCK_NAME, timeout=timeout)


def schema_reference(root: Path, path: str) -> str:
    """The modeline's schema path, relative to the record's folder: the nearest
    `schema/record.schema.json` from the records root up to the repository's top (the folder
    holding `.git`), else `<root>/../schema/`, where `mou init` puts it."""
    start = root.resolve()
    schema = start.parent / "schema" / SCHEMA_FILE
    for folder in (start, *start.parents):
        if (folder / "schema" / SCHEMA_FILE).is_file():
            schema = folder / "schema" / SCHEMA_FILE
            break
        if (folder / ".git").exists():
            break
    record_folder = (start / path).parent
    return Path(os.path.relpath(schema, record_folder)).as_posix()


# --- canonical form ----------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.representer import RoundTripRepresenter

    class Constructor(RoundTripConstructor):
        """Numbers with a fraction become Decimal from their text, never a binary float."""

    def construct_decimal(constructor: Any, node: Any) -> Decimal:
        try:
            return Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            return Decimal("NaN")

    Constructor.add_constructor("tag:yaml.org,2002:float", construct_decimal)

    class Representer(RoundTripRepresenter):
        pass

    def represent_decimal(representer: Any, value: Decimal) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:float", str(value))

    Representer.add_representer(Decimal, represent_decimal)

    yaml = YAML()
    yaml.Constructor = Constructor
    yaml.Representer = Representer
    yaml.width = sys.maxsize  # never fold a line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    return yaml


def needs_quotes(text: str) -> bool:
    """Whether a plain `text` would be read as something other than text by YAML 1.1 or 1.2."""
    import yaml as pyyaml

    from mou.parse import resolve_plain

    if not isinstance(resolve_plain(text), str):
        return True
    resolver: Any = pyyaml.resolver.Resolver()
    tag = resolver.resolve(pyyaml.nodes.ScalarNode, text, (True, False))
    return bool(tag != "tag:yaml.org,2002:str")


def _model_of(annotation: Any) -> type[Any] | None:
    """The pydantic model inside an annotation (through Optional, tuple, unions), if any."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (tuple, list, UnionType, Union) or origin is not None:
        for argument in get_args(annotation):
            found = _model_of(argument)
            if found is not None:
                return found
    return None


def _key_order(model: type[Any]) -> list[str]:
    names = [info.alias or name for name, info in model.model_fields.items()]
    if issubclass(model, Record):
        own = [name for name in names if name not in ("kind", *COMMON_FIELDS)]
        return ["kind", *own, *COMMON_FIELDS]
    return names


def _field_models(model: type[Any]) -> dict[str, type[Any] | None]:
    return {
        info.alias or name: _model_of(info.annotation) for name, info in model.model_fields.items()
    }


def canonical(data: Any, model: type[Any] | None, *, fresh: bool = False) -> Any:
    """`data` in canonical form, as ruamel round-trip nodes; comments of `data` are kept.

    `fresh` (a record not yet written): lists of plain values in flow style, `[cis, iom]`.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(data, dict):
        mapping = data if isinstance(data, CommentedMap) else CommentedMap(data)
        if model is not None:
            order = _key_order(model)
            rank = {key: index for index, key in enumerate(order)}
            for key in sorted(mapping, key=lambda k: rank.get(k, len(rank))):
                mapping.move_to_end(key)
            children = _field_models(model)
        else:
            children = {}
        for key in list(mapping):
            value = mapping[key]
            if key == "amount" and model is not None and model.__name__ == "Expense":
                mapping[key] = _amount_text(value, mapping.get("currency"))
            else:
                mapping[key] = canonical(value, children.get(key), fresh=fresh)
        return mapping
    if isinstance(data, list):
        sequence = data if isinstance(data, CommentedSeq) else CommentedSeq(data)
        for index, item in enumerate(sequence):
            sequence[index] = canonical(item, model, fresh=fresh)
        if fresh and sequence and not any(isinstance(i, dict | list) for i in sequence):
            sequence.fa.set_flow_style()
        return sequence
    if type(data) is str:  # a plain string (quoted ones keep their quotes)
        if "\n" in data:
            return LiteralScalarString(data)
        if needs_quotes(data):
            return DoubleQuotedScalarString(data)
    return data


def _amount_text(value: Any, currency: Any) -> Any:
    """A quoted decimal string, with as many decimals as the currency's minor unit."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from mou import codes

    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value  # not an amount: left as written for `mou validate` to report
    if not amount.is_finite():
        return value
    places = -int(amount.as_tuple().exponent)
    if isinstance(currency, str) and currency in codes.currencies():
        allowed = codes.minor_unit(currency)
        if places <= allowed:
            amount = amount.quantize(Decimal(1).scaleb(-allowed))
    return DoubleQuotedScalarString(str(amount))


def dump(document: Any, schema: str | None) -> str:
    """Serialize, with the modeline (when `schema` is given) as the first line."""
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    lines = [line for line in buffer.getvalue().splitlines() if not line.startswith(MODELINE)]
    if schema is not None:
        lines.insert(0, MODELINE + schema)
    return "\n".join(lines) + "\n"


def render_record(data: dict[str, Any], schema: str | None) -> str:
    """A new record (plain values) as canonical YAML text."""
    model = KINDS.get(data.get("kind", ""))
    return dump(canonical(_plain(data), model, fresh=True), schema)


def _plain(value: Any) -> Any:
    """Tuples (as the models hold lists) become lists, which ruamel writes."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class FormatError(ValueError):
    """The file cannot be formatted (it cannot be read); the message says why."""


def format_text(text: str, schema: str | None) -> str:
    """The canonical form of a record's text, keeping its comments."""
    from ruamel.yaml.error import YAMLError

    try:
        document = _yaml().load(text)
    except (YAMLError, ValueError) as error:
        raise FormatError(" ".join(str(error).split())) from None
    if not isinstance(document, dict):
        raise FormatError("not a mapping")
    kind = document.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    return dump(canonical(document, model), schema)
