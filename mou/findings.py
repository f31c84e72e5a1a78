"""`mou validate` file by file: each record file's findings cached by its path and blob id,
with what they depended on, so that a run after a few edits builds the models of the
changed files only (and of the memorandum, which the checks consult).

A file's findings are those of loading it (YAML, its model) and of every `@check` on its
record. What those checks see of the rest of the record (`checks.Whole`: every file with
its kind, the memorandum's files, the ids arrangements cover), the day taken as today and
the root make up the *context key*. Cached findings are used again only for a file whose
path and bytes are the same, under the same context key, and whose documents are where
they were; every other file is loaded and checked again. The `@check_files` checks (ids,
the one memorandum) look only at the list of files and always run whole. The problems are
then put in the order a whole run gives (one list per stage: loading, then each check).

The findings of one root are one cache entry (path → `Facts`): read and written once a run.
When there is none (a first run), every file is loaded: their parse is started (in worker
processes for a large record) before the models and checks are imported, which this module
therefore imports only where it uses them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mou import cache
from mou.problems import PROBLEM_FIELDS, Problem, Validation, as_row
from mou.read import ParsedFile, Snapshot, document_status, parse_snapshot, record_id

if TYPE_CHECKING:
    from mou.load import RecordSet

# Files from which a first run parses in worker processes, started before the models are
# imported (~0.2 s of one core, which the workers use): from fewer files than a run that
# has the models already (`read.PARALLEL_FROM`). A few hundred files parse here: a worker
# would save the parent little more than importing YAML (~30 ms).
OVERLAP_FROM = 200

# One file's facts: its blob id, the context key, the kind it names, the ids it covers (an
# arrangement), its documents (path as written, where it was found), its findings (stage:
# 0 for loading, 1 + the index of the check in CHECKS; the problem as a row), the records
# its checks looked up (id, kind or MISSING), and the digest of every file's kind when its
# checks looked at them all ("" when not).
Facts = tuple[
    str,
    str,
    str | None,
    tuple[str, ...],
    tuple[tuple[str, str], ...],
    tuple[tuple[int, tuple[Any, ...]], ...],
    tuple[tuple[str, str | None], ...],
    str,
]
SIZE = 8  # the length of Facts
Documents = list[tuple[str, str]]


def entry_name(root: Path) -> str:
    """The cache key of the findings of the record under `root`."""
    return cache.key_of("findings", str(root))


# What a run knows before it has read the files: the findings' key and, when the cache held
# them, the facts of each file then (path → `Facts`, their shape checked).
Ready = tuple[str, dict[str, Facts]]


def prepare(root: Path, store: cache.Cache) -> Ready | None:
    """What checking some files of `root` needs before they are read: the models and checks
    imported, and the cached findings of the files (None when there are none)."""
    name = entry_name(root)
    value = store.result(name)
    if not isinstance(value, dict) or not value:
        return None
    import mou.checks
    import mou.load
    import mou.parse  # noqa: F401 - imported for the files that changed

    sound = _sound_facts(value)
    return (name, sound) if sound else None


def validate(
    root: Path, today: date, taken: Snapshot, store: cache.Cache, ready: Ready | None = None
) -> tuple[Validation, Documents, bool]:
    """Every problem of the record `taken` under `root` (on disk), as of `today`: the cached
    findings of the files that allow it, the others checked. Also where each document was
    found, and whether the files stayed as they were while read (else nothing is cached).
    `ready`: what `prepare` found (read here when not given)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of small tuples and no cycles: collection is pure cost
    try:
        if ready is None:
            name = entry_name(root)
            ready = (name, _sound_facts(store.result(name)))
        first = None  # nothing known: every file is loaded; their parse starts at once
        if not ready[1]:
            first = parse_snapshot(taken, store, workers_from=OVERLAP_FROM)
        return _validate(root, today, taken, store, (ready, first))
    finally:
        if collecting:
            gc.enable()


def _validate(
    root: Path,
    today: date,
    taken: Snapshot,
    store: cache.Cache,
    before_run: tuple[Ready, Iterator[ParsedFile] | None],
) -> tuple[Validation, Documents, bool]:
    from mou.checks import Context, Whole, finish, staged_checks
    from mou.load import MEMORANDUM_ID

    before = dict(taken.blobs)
    (name, previous), first = before_run
    known = {
        path: fact
        for path, blob in taken.blobs.items()
        if (fact := previous.get(path)) is not None and fact[0] == blob
    }
    changed = [path for path in taken.paths if path not in known]
    loaded = _load_some(root, taken, changed, first)
    facts = dict(known)
    facts.update(_kinds_of(loaded, taken, changed))
    files = {path: facts[path][2] for path in taken.paths}
    covered = frozenset(covered for fact in facts.values() for covered in fact[3])
    ids = [record_id(path) for path in taken.paths]
    memoranda = [path for path, id_ in zip(taken.paths, ids, strict=True) if id_ == MEMORANDUM_ID]
    memorandum_files = [(path, taken.blobs.get(path)) for path in memoranda]
    context = cache.key_of("context", str(root), today.isoformat(), memorandum_files)
    context = cache.key_of(context, sorted(covered))
    kinds = dict(zip(ids, files.values(), strict=True))  # `files` is in the order of the paths
    every = cache.key_of("kinds", list(files.items()))
    stale = _stale(root, known, context, kinds, every)
    checked = frozenset([*changed, *stale])
    # The memorandum's files are loaded for the checks' context; checks of files run whole.
    again = [p for p in taken.paths if p in stale or (p in memoranda and p not in changed)]
    records = _joined(root, taken, loaded, _load_some(root, taken, again if checked else []))
    checking = Context(records, today, Whole(files, records.memorandum, covered, checked))
    fresh = [[p for p in records.problems if p.path in checked], *staged_checks(checking)]
    seen = (checking.looked_up, checking.looked_at_all, every)
    facts.update(_facts_of(records, taken, sorted(checked), (context, fresh, seen)))
    found = _in_stages(fresh, [facts[path] for path in taken.paths if path not in checked])
    outcome = Validation(finish(found), len(taken.paths))
    documents = sorted({document for fact in facts.values() for document in fact[4]})
    unchanged = taken.blobs == before and not taken.unreadable
    if checked and unchanged:
        store.store_result(name, {path: facts[path] for path in taken.paths})
    return outcome, documents, unchanged


def _sound_facts(value: Any) -> dict[str, Facts]:
    """The facts of each file in a cached value; none of the wrong shape (never trusted)."""
    if not isinstance(value, dict):
        return {}
    from mou.checks import CHECKS

    stages = len(CHECKS) + 1  # loading, then each check
    return {
        path: fact
        for path, fact in value.items()
        if isinstance(path, str)
        and isinstance(fact, tuple)
        and len(fact) == SIZE
        and isinstance(fact[0], str)
        and _sound(fact, stages)
    }


def _sound(fact: tuple[Any, ...], stages: int) -> bool:
    """Whether cached facts have the shape `Facts` (every stage one of `stages`, every row a
    row). Most tuples in it are empty: those are not walked."""
    _, context, kind, covers, documents, findings, looked_up, every = fact
    return (
        isinstance(context, str)
        and isinstance(every, str)
        and isinstance(looked_up, tuple)
        and all(
            isinstance(pair, tuple)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and (pair[1] is None or isinstance(pair[1], str))
            for pair in looked_up
        )
        and (kind is None or isinstance(kind, str))
        and isinstance(covers, tuple)
        and (not covers or all(isinstance(covered, str) for covered in covers))
        and isinstance(documents, tuple)
        and (
            not documents
            or all(
                isinstance(d, tuple) and len(d) == 2 and all(isinstance(t, str) for t in d)
                for d in documents
            )
        )
        and isinstance(findings, tuple)
        and (
            not findings
            or all(
                isinstance(f, tuple)
                and len(f) == 2
                and type(f[0]) is int
                and 0 <= f[0] < stages
                and isinstance(f[1], tuple)
                and len(f[1]) == len(PROBLEM_FIELDS)
                for f in findings
            )
        )
    )


def _stale(
    root: Path, known: dict[str, Facts], context: str, kinds: dict[str, str | None], every: str
) -> set[str]:
    """The files whose cached findings no longer hold. They hold under the same context, when
    the records their checks looked up are of the same kinds, and their documents are where
    they were (most files looked nothing up and name no document: compared in one step)."""
    from mou.checks.base import MISSING

    def holds(fact: Facts) -> bool:
        return all(kinds.get(record, MISSING) == kind for record, kind in fact[6]) and all(
            document_status(root, text, None) == status for text, status in fact[4]
        )

    return {
        path
        for path, fact in known.items()
        if fact[1] != context
        or (fact[7] and fact[7] != every)
        or ((fact[6] or fact[4]) and not holds(fact))
    }


def _load_some(
    root: Path, taken: Snapshot, paths: list[str], parsed: Iterator[ParsedFile] | None = None
) -> RecordSet | None:
    """The files `paths` of `taken`, loaded (None for none); blob ids read again while
    loading (a large record reads its files again) are kept in `taken`. `parsed`: every file
    of `taken`, its parse already started (then `paths` are all of them)."""
    from mou.load import load

    if parsed is not None:
        return load(root, taken=taken, parsed=parsed)
    if not paths:
        return None
    part = taken.only(paths)
    records = load(root, taken=part)
    taken.blobs.update(part.blobs)
    for path, problem in part.unreadable.items():
        taken.blobs.pop(path, None)
        taken.unreadable[path] = problem
    return records


def _joined(root: Path, taken: Snapshot, *parts: RecordSet | None) -> RecordSet:
    """One record set of the files loaded in `parts`, positions read from `taken`."""
    from mou.load import RecordSet

    records = RecordSet(root, taken=taken)
    for part in parts:
        if part is not None:
            records.entries.extend(part.entries)
            records.files.update(part.files)
            records.problems.extend(part.problems)
    records.entries.sort(key=lambda entry: entry.path)
    return records


def _kinds_of(records: RecordSet | None, taken: Snapshot, paths: list[str]) -> dict[str, Facts]:
    """What the context needs of the loaded files `paths`: the kind each names, what it covers."""
    from mou.models import Arrangement

    if records is None:
        return {}
    covers = {
        entry.path: tuple(entry.model.covers)
        for entry in records.entries
        if isinstance(entry.model, Arrangement)
    }
    facts: dict[str, Facts] = {}
    for path in paths:
        blob, kind = taken.blobs.get(path, ""), records.files.get(path)
        facts[path] = (blob, "", kind, covers.get(path, ()), (), (), (), "")
    return facts


Checked = tuple[str, list[list[Problem]], tuple[dict[str, dict[str, str | None]], set[str], str]]


def _facts_of(
    records: RecordSet, taken: Snapshot, paths: list[str], checked: Checked
) -> dict[str, Facts]:
    """The facts of the loaded files `paths`, checked under the context key with the stages
    of findings and what the checks looked up in `checked`. The stages of `@check_files`
    checks are the whole record's: not kept."""
    from mou.checks import CHECKS, FILE_CHECKS
    from mou.models import Arrangement

    context, fresh, (looked_up, looked_at_all, every) = checked
    entries = {entry.path: entry for entry in records.entries}
    own: dict[str, list[tuple[int, tuple[Any, ...]]]] = {path: [] for path in paths}
    for stage, problems in enumerate(fresh):
        if stage and CHECKS[stage - 1] in FILE_CHECKS:
            continue
        for problem in problems:
            if problem.path in own:
                own[problem.path].append((stage, as_row(problem)))
    facts: dict[str, Facts] = {}
    for path in paths:
        entry = entries.get(path)
        model = None if entry is None else entry.model
        covers = tuple(model.covers) if isinstance(model, Arrangement) else ()
        documents = tuple(
            (document.path, document_status(records.root, document.path))
            for document in (model.documents if model is not None else ())
            if document.path is not None
        )
        blob, kind = taken.blobs.get(path, ""), records.files.get(path)
        seen = tuple(looked_up.get(path, {}).items())
        whole = every if path in looked_at_all else ""
        facts[path] = (blob, context, kind, covers, documents, tuple(own[path]), seen, whole)
    return facts


def _in_stages(fresh: list[list[Problem]], reused: Iterable[Facts]) -> list[Problem]:
    """The problems of every stage in stage order: those just found and those reused."""
    stages = [list(problems) for problems in fresh]
    for fact in reused:
        for stage, row in fact[5]:
            stages[stage].append(Problem(*row))
    return [problem for problems in stages for problem in problems]
