"""Shell completion for the life-cycle commands: record ids, `MEETING#ACTION` references and
the keys of `mou set`. Called on every <Tab>, so they read files (libyaml) and import the
models only to list the keys of one record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mou.read import find_files, read_and_parse, record_id


def ids(root: Path, incomplete: str) -> list[str]:
    """Ids of the records under `root` that start with `incomplete`."""
    return sorted({record_id(p) for p in find_files(root) if record_id(p).startswith(incomplete)})


def action_references(root: Path, incomplete: str) -> list[str]:
    """`MEETING#ACTION` of open actions; before the `#`, the meetings (as `ID#`)."""
    meeting, hash_sign, action = incomplete.partition("#")
    paths = [p for p in find_files(root) if record_id(p).startswith(meeting)]
    if not hash_sign:
        found = []
        for path in paths:
            value, _ = read_and_parse(root, path)
            if isinstance(value, dict) and value.get("kind") == "meeting" and value.get("actions"):
                found.append(f"{record_id(path)}#")
        return sorted(found)
    found_path = next((p for p in paths if record_id(p) == meeting), None)
    value = read_and_parse(root, found_path)[0] if found_path else None
    items = value.get("actions") if isinstance(value, dict) else None
    return [
        f"{meeting}#{item['id']}"
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
        and str(item.get("id", "")).startswith(action)
        and item.get("status") == "open"
    ]


def keys(root: Path, record: str, incomplete: str, *, values: bool = True) -> list[str]:
    """`KEY=` for the fields of `record` that start with `incomplete`; after `KEY=`, the
    values of a closed vocabulary (`status=held`). Without `values` (for --unset): the keys
    alone, and the list items (`actions.a2`)."""
    from mou.keys import KeyUsageError, key_paths, resolve, shape_of
    from mou.kinds import MODELS

    path = next((p for p in find_files(root) if record_id(p) == record), None)
    value = read_and_parse(root, path)[0] if path else None
    model = MODELS.get(value.get("kind", "")) if isinstance(value, dict) else None
    if model is None:
        return []
    key, equals, _ = incomplete.partition("=")
    if not values:
        paths = key_paths(model, value)
        items = {path.rsplit(".", 1)[0] for path in paths if path.count(".") >= 2}
        return sorted(p for p in {*paths, *items} if p.startswith(incomplete))
    if equals:
        try:
            slot = resolve(model, value, key, create=False)
        except KeyUsageError:
            return []
        choices = shape_of(slot.annotation).choices
        return [f"{key}={c}" for c in choices if f"{key}={c}".startswith(incomplete)]
    return [f"{k}=" for k in key_paths(model, value) if k.startswith(incomplete)]


def declared(root: Path, what: str, incomplete: str) -> list[str]:
    """The memorandum's declared `parties`, `topics`, `clauses` or `states` (ids) that start
    with `incomplete`, read from the file as it is (no models)."""
    value = (
        read_and_parse(root, "memorandum.yaml")[0] if (root / "memorandum.yaml").is_file() else None
    )
    items = value.get(what) if isinstance(value, dict) else None
    found = []
    for item in items if isinstance(items, list) else []:
        name = item.get("id") if isinstance(item, dict) else item
        if isinstance(name, str | int | float) and str(name).startswith(incomplete):
            found.append(str(name))
    return found


def periods(incomplete: str, today: date | None = None) -> list[str]:
    """Periods near today, in each form (`2025`, `2025-H1`, `2025-Q3`, `2025-06`), that start
    with `incomplete`; ranges are typed by hand."""
    year = (today or date.today()).year
    found = []
    for shown in range(year - 3, year + 2):
        found += [str(shown), f"{shown}-H1", f"{shown}-H2"]
        found += [f"{shown}-Q{quarter}" for quarter in range(1, 5)]
        found += [f"{shown}-{month:02d}" for month in range(1, 13)]
    return [period for period in found if period.startswith(incomplete)]
