"""YAML bytes → plain values and the position of every key and value, safely, fast.

Reading goes through libyaml's event parser (PyYAML's `CParser`), not through a loader:
mou builds the values itself from the events. Measured on ~1 KB records (see README,
"Performance"), the event walk costs ~0.1 ms a file against ~0.13 ms for ruamel's C parser
and ~6 ms for ruamel's round-trip parser, which is kept for writing only (`mou fmt`).

Building from events also makes the reader safe and exact in one pass:

- scalars are resolved by the YAML 1.2 core schema, not PyYAML's YAML 1.1 rules: `no`, `on`
  and `010`-style strings stay strings, dates stay text (so a bad date is reported by the
  models with its position), and numbers with a fraction become `Decimal`, never `float`;
- duplicate keys, anchors, aliases, non-core tags and deep nesting are problems (MOU003,
  MOU004), found while walking, without recursion and without ever expanding an alias.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from mou.problems import MAX_BYTES, MAX_DEPTH, MAX_ITEMS, MAX_NODES, N_, Problem, T, Text, too_large

try:  # libyaml is in every PyYAML wheel; the pure-Python parser is a slow but exact fallback.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - only on a PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: bytes) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


_CORE = "tag:yaml.org,2002:"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# A core-schema number, in one match: group 1 an integer, 2 one in base 8 or 16, 3 a float
# (the alternatives are tried in this order, as the schema's rules are).
_NUMBER = re.compile(
    r"([-+]?[0-9]+)|(0o[0-7]+|0x[0-9a-fA-F]+)"
    r"|([-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
)
_SPECIAL_FLOATS = {
    ".inf": "Infinity",
    ".Inf": "Infinity",
    ".INF": "Infinity",
    "+.inf": "Infinity",
    "+.Inf": "Infinity",
    "+.INF": "Infinity",
    "-.inf": "-Infinity",
    "-.Inf": "-Infinity",
    "-.INF": "-Infinity",
    ".nan": "NaN",
    ".NaN": "NaN",
    ".NAN": "NaN",
}
_NUMERIC_START = frozenset("0123456789+-.")
# Plain scalars that may not be text: those starting like a number, and the null and bool words.
_MAYBE_NOT_TEXT_START = _NUMERIC_START | frozenset(text[:1] for text in (*_NULLS, *_BOOLS))


# Python refuses to convert integers of more digits than this to or from text (CVE-2020-10735).
MAX_DIGITS = 4300


class NumberTooLongError(ValueError):
    """A plain integer too long to read or print: a problem on that value, not a crash."""


def _integer(text: str, base: int) -> int:
    if len(text) > MAX_DIGITS:
        raise NumberTooLongError(text)
    value = int(text, base)
    if value.bit_length() > 14_000:  # 0x... of fewer characters but more decimal digits
        raise NumberTooLongError(text)
    return value


def resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if text and text[0] in _NUMERIC_START:
        number = _NUMBER.fullmatch(text)
        if number is not None:
            which = number.lastindex
            return Decimal(text) if which == 3 else _integer(text, 10 if which == 1 else 0)
        special = _SPECIAL_FLOATS.get(text)
        return Decimal(special) if special else text
    if text in _NULLS:
        return None
    return _BOOLS.get(text, text)


def _resolve_tagged(tag: str, text: str) -> tuple[Any, bool]:
    """The value of a scalar with an explicit core tag; False when the tag does not fit."""
    name = tag[len(_CORE) :] if tag.startswith(_CORE) else None
    if tag == "!" or name == "str":
        return text, True
    value = resolve_plain(text)
    fits = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, Decimal | int) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "null": value is None,
    }.get(name or "")
    if name == "float" and isinstance(value, int):
        value = Decimal(value)
    return value, bool(fits)


# Positions. Lines and columns are 0-based here and 1-based in problems.
Pos = tuple[int, int]


@dataclass(slots=True)
class MapPositions:
    start: Pos
    keys: dict[str, Pos] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # Pos | MapPositions | SeqPositions


@dataclass(slots=True)
class SeqPositions:
    start: Pos
    items: list[Any] = field(default_factory=list)


def start_of(positions: Any) -> Pos:
    return positions.start if isinstance(positions, MapPositions | SeqPositions) else positions


def locate(positions: Any, loc: tuple[str | int, ...], *, key: bool = False) -> Pos:
    """The position of the value at `loc` (or of its key); the nearest enclosing node if absent."""
    node = positions
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, MapPositions) and isinstance(part, str) and part in node.values:
            if last and key:
                return node.keys[part]
            node = node.values[part]
        elif isinstance(node, SeqPositions) and isinstance(part, int) and part < len(node.items):
            node = node.items[part]
        else:
            break
    return start_of(node) if node is not None else (0, 0)


@dataclass(slots=True)
class Parsed:
    value: Any
    positions: Any
    problems: list[Problem]


class _UnreadableError(Exception):
    """Ends the walk of a file that cannot be read further."""


class _NeedPositionsError(Exception):
    """Asks for the walk again with positions, to locate a problem found without them."""


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _mark(event: Any) -> Pos:
    mark = event.start_mark
    return (mark.line, mark.column)


_TOO_MANY = N_("more than {n} values in one file")
_LONG_LIST = N_("a list of more than {n} items")
_NOT_UTF8 = N_(
    "not UTF-8: byte 0x{byte} cannot start or continue a character (save the file as UTF-8)"
)
_NOT_ALLOWED = N_(
    "character {character} is not allowed in YAML (a control character or non-character)"
)


def parse(data: bytes, path: str, *, positions: bool = True) -> Parsed:
    """Parse one YAML document from `data`. Never raises for bad input: problems are returned.

    With `positions=False` (the bulk-loading path) no positions are kept; problems still
    carry theirs, and a file that needs positions later is parsed again with them.
    """
    problems: list[Problem] = []

    def problem(code: str, message: str, pos: Pos) -> None:
        problems.append(Problem(code, message, path, pos[0] + 1, pos[1] + 1))

    if len(data) > MAX_BYTES:
        problem("MOU004", too_large(len(data), MAX_BYTES), (0, 0))
        return Parsed(None, None, problems)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = f"{data[error.start]:02x}"
        problem("MOU001", T(_NOT_UTF8, byte=byte), _byte_position(data, error.start))
        return Parsed(None, None, problems)
    try:
        try:
            value, where = _build(_Parser(data), problem, positions)
        except _NeedPositionsError:
            value, where = _build(_Parser(data), problem, True)
    except _UnreadableError:
        return Parsed(None, None, problems)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = (mark.line, mark.column) if mark else (0, 0)
        reason = error.problem or error.context or "unreadable"
        if "nesting depth" in reason:  # libyaml's own limit, far above ours
            problem("MOU004", T(N_("nested more than {depth} levels deep"), depth=MAX_DEPTH), at)
        else:
            problem("MOU001", _syntax(reason, data, mark), at)
        return Parsed(None, None, problems)
    except yaml.reader.ReaderError as error:  # no mark: the byte offset says where
        character = error.character
        shown = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        problem(
            "MOU001",
            T(_NOT_ALLOWED, character=shown),
            _byte_position(data, error.position),
        )
        return Parsed(None, None, problems)
    except yaml.YAMLError as error:
        problem("MOU001", T(N_("YAML: {error}"), error=str(error)), (0, 0))
        return Parsed(None, None, problems)
    if value is None and not problems:
        problem(
            "MOU001", T(N_("the file is empty: a record is a YAML mapping with a `kind:`")), (0, 0)
        )
    return Parsed(value, where, problems)


def _byte_position(data: bytes, offset: int) -> Pos:
    """The line and column (in characters) of byte `offset` of UTF-8 `data`."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n"), len(before[line_start:].decode("utf-8", "replace"))


def _build(parser: Any, problem: Any, track: bool) -> tuple[Any, Any]:
    """The event loop. Kept flat and local-variable heavy: it is the hot path of `mou validate`."""
    from yaml import events

    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    map_start, seq_start = events.MappingStartEvent, events.SequenceStartEvent
    map_end, seq_end = events.MappingEndEvent, events.SequenceEndEvent
    doc_start, stream_end = events.DocumentStartEvent, events.StreamEndEvent
    get_event = parser.get_event
    no_pos = (0, 0)
    maybe_not_text = _MAYBE_NOT_TEXT_START

    # The open container and its positions, the pending key (in a mapping) and its position;
    # `stack` holds the same five for every enclosing container.
    container: Any = None
    where: Any = None
    is_map = False
    key: str | None = None
    key_pos: Pos = no_pos
    stack: list[tuple[Any, Any, bool, str | None, Pos]] = []
    root: Any = None
    root_where: Any = None
    documents = 0
    nodes = 0

    while True:
        event = get_event()
        kind = type(event)
        nodes += 1
        if nodes > MAX_NODES:
            problem("MOU004", T(_TOO_MANY, n=f"{MAX_NODES:,}"), _mark(event))
            raise _UnreadableError
        if kind is scalar_event:
            if event.anchor is not None:
                problem(
                    "MOU004",
                    T(N_("anchor &{name}: records do not use anchors"), name=event.anchor),
                    _mark(event),
                )
                raise _UnreadableError
            text = event.value
            tag = event.tag
            if is_map and key is None and tag is None:
                key = text  # keys are text, whatever they look like
                if track:
                    key_pos = _mark(event)
                continue
            try:
                if tag is not None:
                    value, fits = _resolve_tagged(tag, text)
                    if not fits:
                        problem(
                            "MOU004",
                            T(N_("tag {tag} is not allowed here"), tag=_short(tag)),
                            _mark(event),
                        )
                        raise _UnreadableError
                elif event.style == "":  # plain: most are text, known by their first character
                    value = resolve_plain(text) if text[:1] in maybe_not_text else text
                else:
                    value = text
            except NumberTooLongError:
                problem(
                    "MOU102",
                    T(N_("a number of more than {digits} digits"), digits=f"{MAX_DIGITS:,}"),
                    _mark(event),
                )
                value = text
            if is_map and key is None:
                key = text  # keys are text, whatever they look like
                if track:
                    key_pos = _mark(event)
                continue
            pos = _mark(event) if track else no_pos
        elif kind is map_start or kind is seq_start:
            pos = _mark(event)
            if event.anchor is not None:
                problem(
                    "MOU004",
                    T(N_("anchor &{name}: records do not use anchors"), name=event.anchor),
                    pos,
                )
                raise _UnreadableError
            if event.tag is not None and event.tag not in (_CORE + "map", _CORE + "seq"):
                problem(
                    "MOU004", T(N_("tag {tag} is not allowed here"), tag=_short(event.tag)), pos
                )
                raise _UnreadableError
            if len(stack) >= MAX_DEPTH:
                problem(
                    "MOU004", T(N_("nested more than {depth} levels deep"), depth=MAX_DEPTH), pos
                )
                raise _UnreadableError
            if is_map and key is None:
                problem("MOU102", T(N_("a mapping key must be plain text")), pos)
                raise _UnreadableError
            stack.append((container, where, is_map, key, key_pos))
            is_map = kind is map_start
            container = {} if is_map else []
            if track:
                where = MapPositions(pos) if is_map else SeqPositions(pos)
            key = None
            continue
        elif kind is map_end or kind is seq_end:
            value, pos = container, where
            container, where, is_map, key, key_pos = stack.pop()
        elif kind is alias_event:
            problem(
                "MOU004",
                T(N_("alias *{name}: records do not use aliases"), name=event.anchor),
                _mark(event),
            )
            raise _UnreadableError
        elif kind is doc_start:
            documents += 1
            if documents > 1:
                problem(
                    "MOU001",
                    T(N_("more than one YAML document: one record per file")),
                    _mark(event),
                )
                raise _UnreadableError
            continue
        elif kind is stream_end:
            return root, root_where
        else:
            continue
        # A finished value (scalar or container): put it where it belongs.
        if is_map:
            if key in container:
                if not track:
                    raise _NeedPositionsError  # only positions tell where the first one was
                problem(
                    "MOU003",
                    T(
                        N_("duplicate key `{key}` (first at line {line})"),
                        key=key,
                        line=where.keys[key][0] + 1,
                    ),
                    key_pos,
                )
            else:
                container[key] = value
                if track:
                    where.keys[key] = key_pos
                    where.values[key] = pos
            key = None
        elif container is not None:
            container.append(value)
            if len(container) > MAX_ITEMS:
                problem("MOU004", T(_LONG_LIST, n=f"{MAX_ITEMS:,}"), _mark(event))
                raise _UnreadableError
            if track:
                where.items.append(pos)
        else:
            root, root_where = value, pos


def _syntax(reason: str, data: bytes, mark: Any) -> Text:
    """libyaml's reason, with a hint where people trip: a tab in the indentation."""
    index = getattr(mark, "index", None)
    at_tab = isinstance(index, int) and data.decode("utf-8")[index : index + 1] == "\t"
    if "tab" in reason or at_tab:
        return T(N_("YAML does not allow tabs for indentation: indent with spaces"))
    return T(N_("YAML syntax: {reason}"), reason=reason)
