"""Changing records after they are written: `mou set`, `done`, `edit`, `rename`, `rm`.

Each builds the files it would write from the files as they are (read under the lock), and
hands them to `commit`, the one checked write path. Edits go through ruamel's round-trip
mode, so that comments, key order and quoting of the lines not changed are kept.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mou.commit import Changes, Outcome, commit
from mou.fields import references
from mou.history import Change, difference
from mou.keys import KeyUsageError, place, read_value, resolve
from mou.kinds import MODELS
from mou.load import Entry, RecordSet, load
from mou.models import id_error
from mou.problems import RefusalError, UsageError
from mou.read import find_files, own_files, read_and_parse, record_id
from mou.write import MODELINE, canonical, dump


class ReferencedError(RefusalError):
    """The record cannot be removed: other records refer to it."""

    def __init__(self, record: str, referrers: list[tuple[str, str]]) -> None:
        self.referrers = referrers  # (path, field) of each reference
        super().__init__(f"{record} is referred to by {len(referrers)} record(s)")


@dataclass(frozen=True, slots=True)
class Edit:
    """What a writing command did (or would do): the checked outcome and the changes,
    record by record and field by field (the engine of `mou diff`)."""

    outcome: Outcome
    changes: tuple[Change, ...]


# --- finding records ----------------------------------------------------------------------


def record_path(root: Path, wanted: str) -> str:
    """The file of the record `wanted` (among the root's own: not a nested memorandum's); a
    UsageError, with close matches, if there is none."""
    own = own_files(find_files(root))
    paths = [path for path in own if record_id(path) == wanted]
    if len(paths) == 1:
        return paths[0]
    if paths:
        raise UsageError(f"{wanted}: more than one file has this id: {', '.join(paths)}")
    ids = sorted({record_id(path) for path in own})
    near = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    raise UsageError(f"no record with id {wanted!r}{hint}")


def referrers(records: RecordSet, wanted: str) -> list[tuple[Entry, tuple[str | int, ...]]]:
    """Every place where a record refers to the record `wanted` (every field the models mark
    as a reference to a record), as (the referring entry, the location in its file)."""
    return [
        (entry, loc)
        for entry in records.entries
        for loc, marker, value in references(entry.model)
        if marker.to == "record" and value == wanted
    ]


def _document(root: Path, path: str, data: bytes) -> tuple[Any, str | None]:
    """A record's round-trip document and its modeline's schema path (kept as it is). A file
    mou cannot read as a record (bad YAML, duplicate keys, not UTF-8, not a mapping) is
    refused with its first problem: it is mended as text, with `mou edit`."""
    from ruamel.yaml.error import YAMLError

    from mou.write import _yaml

    value, problems = read_and_parse(root, path, data)
    wanted = record_id(path)
    if problems or not isinstance(value, dict):
        found = f"{problems[0].code} {problems[0].message}" if problems else "not a mapping"
        raise RefusalError(f"{path}: {found}; mend it with `mou edit {wanted}`")
    text = data.decode("utf-8")
    first = text.split("\n", 1)[0]
    schema = first[len(MODELINE) :] if first.startswith(MODELINE) else None
    try:
        return _yaml().load(text), schema
    except (YAMLError, ValueError) as error:
        message = " ".join(str(error).split())
        raise RefusalError(f"{path}: {message}; mend it with `mou edit {wanted}`") from None


def _languages(root: Path) -> list[str]:
    """The languages of the memorandum's authentic texts (see `keys.resolve`)."""
    value, _ = read_and_parse(root, "memorandum.yaml")
    signed = value.get("signed") if isinstance(value, dict) else None
    languages = signed.get("languages") if isinstance(signed, dict) else None
    return [str(language) for language in languages] if isinstance(languages, list) else []


def _changes_between(root: Path, before: dict[str, bytes], outcome: Outcome) -> tuple[Change, ...]:
    """Field-by-field changes of the records written, from what they were to what they
    would be (only where both can be read as records)."""
    if outcome.records is None:
        return ()
    old = load(root, files=before).entries
    touched = set(outcome.changes.writes)
    new = [entry for entry in outcome.records.entries if entry.path in touched]
    return difference(old, new, (), (), contact_details=True).changes


# --- set and done -------------------------------------------------------------------------


def set_fields(
    root: Path,
    wanted: str,
    assignments: Sequence[tuple[str, str]],
    unset: Sequence[str] = (),
    *,
    today: date,
    dry_run: bool = False,
) -> Edit:
    """Set (KEY, VALUE) pairs and remove keys in one record, then check and write it."""
    path = record_path(root, wanted)
    before: dict[str, bytes] = {}

    def prepare() -> Changes:
        data = (root / path).read_bytes()
        before[path] = data
        document, schema = _document(root, path, data)
        text = data.decode("utf-8")
        kind = document.get("kind")
        model = MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            raise RefusalError(f"{path}: no known `kind:`; mend it with `mou edit {wanted}`")
        languages = _languages(root)
        for key, value in assignments:
            slot = resolve(model, document, key, create=True, languages=languages)
            new = read_value(slot, value, key)
            if slot.key == "amount" and isinstance(slot.container, dict):
                from mou.write import _amount_text

                new = _amount_text(new, slot.container.get("currency"))
            place(slot.container, slot.key, canonical(new, None), slot.model)
        for key in unset:
            slot = resolve(model, document, key, create=False, languages=languages)
            _remove(slot.container, slot.key, key)
        after = dump(document, schema)
        return Changes(writes={path: after}) if after != text else Changes()

    try:
        outcome = commit(root, prepare, today=today, dry_run=dry_run)
    except KeyUsageError as error:
        raise UsageError(str(error)) from None
    return Edit(outcome, _changes_between(root, before, outcome))


def _remove(container: Any, slot: str | int, key: str) -> None:
    if isinstance(container, list):
        assert isinstance(slot, int)
        del container[slot]
    elif slot in container:
        del container[slot]
    else:
        raise KeyUsageError(f"--unset {key}: the record has no `{key}`")


def parse_action(reference: str) -> tuple[str, str]:
    """`MEETING_ID#ACTION_ID`, as `mou actions` names an action item."""
    meeting, hash_sign, action = reference.partition("#")
    if not hash_sign or not meeting or not action:
        raise UsageError(f"{reference!r}: name the action as MEETING_ID#ACTION_ID")
    return meeting, action


def mark_done(root: Path, reference: str, on: date, *, today: date, dry_run: bool = False) -> Edit:
    """`mou done MEETING#ACTION`: the action's status becomes done, done on `on`."""
    meeting, action = parse_action(reference)
    assignments = [(f"actions.{action}.status", "done"), (f"actions.{action}.done_on", str(on))]
    path = record_path(root, meeting)
    value, problems = read_and_parse(root, path)
    if problems:
        _document(root, path, (root / path).read_bytes())  # refused with its problem
    if not isinstance(value, dict) or value.get("kind") != "meeting":
        raise UsageError(f"{meeting} is not a meeting; actions belong to meetings")
    actions = value.get("actions")
    ids = [str(i.get("id")) for i in actions or [] if isinstance(i, dict)]
    if action not in ids:
        listed = ", ".join(ids) if ids else "none"
        raise UsageError(f"{meeting} has no action {action!r}; its actions: {listed}")
    return set_fields(root, meeting, assignments, today=today, dry_run=dry_run)


# --- edit ---------------------------------------------------------------------------------


def save_edited(root: Path, path: str, original: bytes, text: str, *, today: date) -> Edit:
    """A record as the user wrote it in an editor: checked with the whole record and written
    as it is, provided the file still holds what was read before editing."""

    def prepare() -> Changes:
        return Changes(writes={path: text}, expected={path: original})

    outcome = commit(root, prepare, today=today)
    return Edit(outcome, _changes_between(root, {path: original}, outcome))


# --- rename and rm ------------------------------------------------------------------------


def rename(root: Path, old: str, new: str, *, today: date, dry_run: bool = False) -> Edit:
    """Rename a record's file (same folder) and rewrite every reference to it, all or
    nothing: several files are written through `commit`'s journal."""
    problem = id_error(new)
    if problem is not None:
        raise UsageError(f"{new!r} {problem}")
    old_path = record_path(root, old)
    folder, _, name = old_path.rpartition("/")
    new_path = f"{folder}/{new}{name[len(old) :]}" if folder else f"{new}{name[len(old) :]}"
    before: dict[str, bytes] = {}

    def prepare() -> Changes:
        if any(record_id(path) == new for path in find_files(root)):
            raise RefusalError(f"a record with id {new} exists")
        records = load(root)
        places: dict[str, list[tuple[str | int, ...]]] = {}
        for entry, loc in referrers(records, old):
            places.setdefault(entry.path, []).append(loc)
        writes: dict[str, str] = {}
        for path, locs in places.items():
            data = (root / path).read_bytes()
            before[path] = data
            document, schema = _document(root, path, data)
            for loc in locs:
                _replace_at(document, loc, new)
            writes[path] = dump(document, schema)
        data = (root / old_path).read_bytes()
        before[old_path] = data
        writes[new_path] = data.decode("utf-8")
        return Changes(writes=writes, removes=(old_path,), new=frozenset({new_path}))

    outcome = commit(root, prepare, today=today, dry_run=dry_run)
    return Edit(outcome, _changes_between(root, before, outcome))


def _replace_at(document: Any, loc: tuple[str | int, ...], value: str) -> None:
    """Put `value` at `loc`, in the same quoting as the value it replaces."""
    from ruamel.yaml.scalarstring import ScalarString

    container = document
    for step in loc[:-1]:
        container = container[step]
    old = container[loc[-1]]
    container[loc[-1]] = (
        type(old)(value) if isinstance(old, ScalarString) else canonical(value, None)
    )


def remove(root: Path, wanted: str, *, today: date, dry_run: bool = False) -> Outcome:
    """Remove a record's file; refused (ReferencedError) while any record refers to it."""
    path = record_path(root, wanted)
    if path == "memorandum.yaml":
        raise RefusalError("the memorandum is what every record refers to; it is not removed")

    def prepare() -> Changes:
        found = referrers(load(root), wanted)
        if found:
            raise ReferencedError(wanted, [(entry.path, _dotted(loc)) for entry, loc in found])
        return Changes(removes=(path,))

    return commit(root, prepare, today=today, dry_run=dry_run)


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(step) for step in loc)
