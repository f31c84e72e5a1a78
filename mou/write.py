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
import itertools
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from mou.fields import fields
from mou.kinds import MODELS
from mou.models import _iso_date, field_order
from mou.problems import UsageError
from mou.read import not_regular

MODELINE = "# yaml-language-server: $schema="
SCHEMA_FILE = "record.schema.json"
LOCK_NAME = ".mou.lock"


# --- files --------------------------------------------------------------------------------


def write_text(target: Path, text: str) -> None:
    """Replace `target` with `text`: temporary file in the same folder, fsync, rename, fsync."""
    write_bytes(target, text.encode("utf-8"))


def write_bytes(target: Path, data: bytes) -> None:
    """Replace `target` with `data`, atomically (see `write_text`)."""
    temporary = temporary_copy(target, data)
    try:
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(target.parent)


class UnsafePathError(UsageError):
    """A write refused before anything is touched; the message names the path and why
    (a usage error: exit 2)."""


def record_target(root: Path, relative: str) -> Path:
    """The path to write record `relative` at, checked to lie inside the records root once
    every `..` and symbolic link is resolved (UnsafePathError otherwise)."""
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, relative))
    if os.path.isabs(relative) or os.path.commonpath([base, target]) != base:
        raise UnsafePathError(f"{relative}: outside the records root {root}; nothing was written")
    return Path(target)


def write_output(target: Path | str, data: bytes) -> Path | None:
    """Write a command's `--output` atomically (see `output_target`); `-`: standard output."""
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    real = output_target(target)
    write_bytes(real, data)
    return real


def output_target(target: Path | str, option: str = "--output") -> Path:
    """The regular file (or new path) an output to `target` replaces, through any symbolic
    link; UnsafePathError for a folder, device, FIFO or socket, before anything is written
    (the message names the option: `--output X is a folder: ...`). OSError when it cannot
    be looked at (a file where a folder should be on the way, no permission)."""
    real = Path(os.path.realpath(target))
    try:
        what = not_regular(os.stat(real).st_mode)
    except FileNotFoundError:
        what = None
    if what is not None:
        also = " (or `-` for standard output)" if option == "--output" else ""
        where = f"{option} {target}" if option.startswith("-") else str(target)
        raise UnsafePathError(f"{where} is {what}: {option} writes a regular file{also}")
    return real


def write_new(target: Path, text: str) -> None:
    """Create `target` with `text`, atomically; FileExistsError if it exists (never overwrites).
    A temporary file, then a hard link naming it in one step that fails if the name is taken:
    a killed writer leaves the whole record or none (and maybe a dot-named temporary file)."""
    temporary = temporary_copy(target, text.encode("utf-8"))
    try:
        os.link(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _fsync_folder(target.parent)


def temporary_copy(target: Path, data: bytes) -> str:
    """`data` in a new file beside `target` (fsynced, `target`'s mode), for a rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        os.fchmod(descriptor, _mode_for(target))  # mkstemp makes 0600; records are shared
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


def _mode_for(target: Path) -> int:
    """The file mode to write with: the replaced file's, else what the umask allows."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def lock(root: Path, timeout: float = 60) -> Iterator[None]:
    """An exclusive lock on the records root, for "choose an id, check, write".

    A lock that cannot be taken (a read-only folder, a lock file owned by someone else,
    another writer holding it past `timeout`) is an UnsafePathError saying what to do.
    """
    from filelock import FileLock, Timeout

    path = root / LOCK_NAME
    held = FileLock(path, timeout=timeout)
    try:
        held.acquire()
    except Timeout:
        raise UnsafePathError(
            f"{path}: another mou has held the lock for {timeout:g} s; try again, or delete "
            "the file if no mou is running"
        ) from None
    except OSError as error:
        raise UnsafePathError(
            f"{path}: cannot take the lock ({error.strerror}); you need write access to "
            f"{root} and to {LOCK_NAME} in it"
        ) from None
    try:
        yield
    finally:
        held.release()


def schema_reference(root: Path, path: str) -> str:
    """The modeline's schema path, relative to the record's folder: the nearest
    `schema/record.schema.json` from the records root up to the repository's top (the folder
    holding `.git`; outside git, the root's parent), else `<root>/../schema/`, where `mou init`
    puts it. Never above the repository: a stray schema folder elsewhere is not the record's."""
    start = root.resolve()
    chain = (start, *start.parents)
    top = next((i for i, folder in enumerate(chain) if (folder / ".git").exists()), 1)
    found = (f / "schema" / SCHEMA_FILE for f in chain[: top + 1])
    schema = next((s for s in found if s.is_file()), start.parent / "schema" / SCHEMA_FILE)
    record_folder = (start / path).parent
    return Path(os.path.relpath(schema, record_folder)).as_posix()


# --- canonical form ----------------------------------------------------------------------


@cache
def _yaml() -> Any:
    """The one ruamel round-trip instance (reusable: each load and dump starts afresh)."""
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


def needs_quotes(text: str, *, flow: bool = False) -> bool:
    """Whether plain `text` could be misread: taken for something other than text by YAML 1.1
    or 1.2, or not a valid plain scalar for a YAML 1.1 reader (PyYAML) in its context (a
    comma is fine in `title: a, b` but not in `tags: [a, b]`)."""
    from mou.parse import resolve_plain

    if not isinstance(resolve_plain(text), str):
        return True
    import yaml as pyyaml

    resolver, emitter = _pyyaml_helpers()
    if resolver.resolve(pyyaml.nodes.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str":
        return True
    analysis = emitter.analyze_scalar(text)
    return not (analysis.allow_flow_plain if flow else analysis.allow_block_plain)


@cache
def _pyyaml_helpers() -> tuple[Any, Any]:
    import yaml as pyyaml

    return pyyaml.resolver.Resolver(), pyyaml.emitter.Emitter(io.StringIO(), allow_unicode=True)


def _field_models(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    return {field.key: field.model for field in fields(model)}


def canonical(
    data: Any, model: type[BaseModel] | None, *, fresh: bool = False, flow: bool = False
) -> Any:
    """`data` in canonical form, as ruamel round-trip nodes; comments of `data` are kept.

    `fresh` (a record not yet written): lists of plain values in flow style, `[cis, iom]`.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(data, dict):
        mapping = data if isinstance(data, CommentedMap) else CommentedMap(data)
        children: dict[str, type[BaseModel] | None] = {}
        dates = {f.key for f in fields(model) if f.core is date} if model is not None else set()
        if model is not None:
            rank = {key: index for index, key in enumerate(field_order(model))}
            _reorder(mapping, sorted(mapping, key=lambda k: rank.get(k, len(rank))))
            children = _field_models(model)
        flow = flow or bool(mapping.fa.flow_style())
        for key in list(mapping):
            value = mapping[key]
            if key == "amount" and model is not None and model.__name__ == "Expense":
                mapping[key] = _amount_text(value, mapping.get("currency"))
            elif key in dates and isinstance(value, str):  # a quoted date: written plain
                with contextlib.suppress(ValueError):  # not a day: validation says so
                    mapping[key] = _iso_date(value)
            else:
                mapping[key] = canonical(value, children.get(key), fresh=fresh, flow=flow)
        return mapping
    if isinstance(data, list):
        sequence = data if isinstance(data, CommentedSeq) else CommentedSeq(data)
        if fresh and sequence and not any(isinstance(i, dict | list) for i in sequence):
            sequence.fa.set_flow_style()
        flow = flow or bool(sequence.fa.flow_style())
        for index, item in enumerate(sequence):
            sequence[index] = canonical(item, model, fresh=fresh, flow=flow)
        return sequence
    if type(data) is str:  # a plain string (quoted ones keep their quotes)
        if "\n" in data and not flow:
            return LiteralScalarString(data)
        if "\n" in data or needs_quotes(data, flow=flow):
            return DoubleQuotedScalarString(data)
    return data


def _reorder(mapping: Any, order: list[Any]) -> None:
    """Put `mapping`'s keys in `order`, keeping each comment line above the key it was above.

    ruamel attaches the comment lines between two keys to the first of them: they are put
    back in front of the key they were written above. Where that cannot be done exactly (above
    the first key, after a nested block), the mapping keeps its order: a misplaced comment is
    worse than an unusual order.
    """
    keys = list(mapping)
    if keys == order:
        return
    above: dict[Any, str] = {}
    for previous, key in itertools.pairwise(keys):
        token = _trailing_comment(mapping, previous)
        if token is not None:
            _, lines = _split_comment(token.value)
            if lines:
                above[key] = lines
    for index, key in enumerate(order):
        if key not in above:
            continue
        before = order[index - 1] if index else None
        if before is None or isinstance(mapping[before], dict | list):
            return  # cannot place it exactly: keep the written order
    tail = _trailing_comment(mapping, keys[-1])
    if (
        tail is not None
        and _split_comment(tail.value)[1]
        and isinstance(mapping[order[-1]], dict | list)
    ):
        return
    for previous in keys:
        token = _trailing_comment(mapping, previous)
        if token is not None:
            token.value = _split_comment(token.value)[0]
    tail_lines = _split_comment(tail.value)[1] if tail is not None else ""
    for key in order:
        mapping.move_to_end(key)
    for index, key in enumerate(order):
        if key in above:
            _append_comment(mapping, order[index - 1], above[key])
    if tail_lines:
        _append_comment(mapping, order[-1], tail_lines)


def _trailing_comment(mapping: Any, key: Any) -> Any:
    entry = mapping.ca.items.get(key)
    return entry[2] if entry and len(entry) > 2 else None


def _split_comment(value: str) -> tuple[str, str]:
    """A value's comment token → (the rest of its own line, the comment lines after it)."""
    end = value.find("\n")
    if end < 0:
        return value, ""
    return value[: end + 1], value[end + 1 :]


def _append_comment(mapping: Any, key: Any, lines: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    token = _trailing_comment(mapping, key)
    if token is None:
        entry = mapping.ca.items.setdefault(key, [None, None, None, None])
        entry[2] = CommentToken("\n" + lines, CommentMark(0), None)
    else:
        token.value += lines


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
    model = MODELS.get(data.get("kind", ""))
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
    model = MODELS.get(kind) if isinstance(kind, str) else None
    return dump(canonical(document, model), schema)


# --- `mou fmt` ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Formatted:
    """What happened to one file: `changed` (rewritten, or would be with `check`), or
    `failed` (left as it was; `reason` says why)."""

    path: str
    outcome: Literal["changed", "failed"]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FormatReport:
    files: tuple[Formatted, ...]  # the files changed or failed, in the order they were seen
    total: int  # every record file
    check: bool  # nothing was written

    @property
    def changed(self) -> int:
        return sum(1 for f in self.files if f.outcome == "changed")

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.outcome == "failed")


def format_tree(root: Path, *, check: bool = False) -> FormatReport:
    """Rewrite every record under `root` in canonical form, keeping comments (with `check`,
    write nothing). Files that cannot be read or parsed are left as they are."""
    from mou.parse import parse
    from mou.read import find_files, read_record_file

    found: list[Formatted] = []
    with lock(root):
        for path in find_files(root):
            read = read_record_file(root, path)  # only regular files inside the root
            data = read if isinstance(read, bytes) else b""
            problems = [read] if not isinstance(read, bytes) else parse(data, path).problems
            try:
                if problems:
                    raise FormatError(f"{problems[0].code} {problems[0].message}")
                after = format_text(data.decode("utf-8"), schema_reference(root, path))
            except FormatError as error:
                found.append(Formatted(path, "failed", f"not formatted: {error}"))
                continue
            if after == data.decode("utf-8"):
                continue
            found.append(Formatted(path, "changed"))
            if not check:
                try:
                    write_text(record_target(root, path), after)
                except OSError as error:
                    found.append(Formatted(path, "failed", f"cannot write: {error.strerror}"))
    return FormatReport(tuple(found), len(find_files(root)), check)
