"""Building `mou site`: every file of the site from the loaded record, and writing them.

`build_site()` yields `(path, bytes)` for every file and writes nothing; `make_site()` loads
and checks the record, reads its history from git, and writes the site: its parts (`PARTS`)
one after the other, or a large record's by two forked processes, once what they share is
computed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mou.escape import visible
from mou.folder import Keys
from mou.history import Revision
from mou.load import RecordSet
from mou.problems import Problem
from mou.read import ParsedFile, Snapshot
from mou.site import ASSETS, SiteData, SiteOptions
from mou.site_pages import Pages, asset

if TYPE_CHECKING:
    from mou.workers import Later

# The parts of a site, each made and written whole by one process, largest first, the last
# ones small (so that two processes taking the next part when free finish together): a
# language's record pages (Russian's are the longer), its other pages, what is at the top (the
# page that leads to the languages, the styles and scripts, the search index), and the yearly
# review of each year in both languages (a review is computed where it is written, and it
# serves both; "0" is the first year's, with the page listing the years).
Part = tuple[str, str | None]


def parts(languages: Sequence[str], years: int) -> list[Part]:
    last_first = sorted(languages, reverse=True)  # ("ru", "en")
    return [
        *(("records", language) for language in last_first),
        *(("pages", language) for language in last_first),
        ("top", None),
        *(("reviews", str(year)) for year in range(years)),
    ]


def build_site(data: SiteData) -> Iterator[tuple[str, bytes | None]]:
    """Every file of the site as `(path relative to the output folder, bytes)`, part by part
    (None: a page the output folder holds already, made from the same inputs)."""
    for part in parts(data.options.languages, len(data.years)):
        yield from site_files(data, part)


def site_data(
    records: RecordSet,
    problems: Sequence[Problem],
    options: SiteOptions,
    *,
    history: dict[str, tuple[Revision, ...]] | None = None,
    source_prefix: str = "",
) -> SiteData:
    memorandum = records.memorandum
    if memorandum is None:
        raise NoMemorandumError(records.root)
    return SiteData(records, memorandum, problems, options, history or {}, source_prefix)


def site_files(
    data: SiteData, part: Part, keys: Keys | None = None
) -> Iterator[tuple[str, bytes | None]]:
    """The files of one part of the site (`parts`). The keys of its pages go into `keys`."""
    what, language = part
    if what == "top":
        yield "index.html", Pages(data, data.options.languages[0]).root_page()
        for name in ASSETS:
            yield f"assets/{name}", asset(name)
        yield "assets/search-index.js", search_index(data)
        return
    if what == "reviews":
        index = int(language or 0)
        for each in data.options.languages:
            years = data.years[index : index + 1]
            for path, page in Pages(data, each).reviews(years, index=index == 0):
                yield f"{each}/{path}", page
        return
    assert language is not None
    pages = Pages(data, language)
    made: Iterator[tuple[str, bytes | None]] = (
        pages.records() if what == "records" else pages.others()
    )
    for path, content in made:
        yield f"{language}/{path}", content
    if what == "pages":
        yield f"{language}/calendar.ics", _calendar(data, language)
    if keys is not None:
        keys.update(pages.keys)


def search_index(data: SiteData) -> bytes:
    """Every record's id, kind, date, title, summary and notes in each language, as a script that
    sets `window.mouIndex` (a script file, so that search works opened from disk too)."""
    rows = []
    words = {language: data.words(language) for language in data.options.languages}
    has_summary: dict[type, bool] = {}  # (asking a model for a field it lacks raises, slowly)
    for entry in data.entries:
        model = entry.model
        kind = type(model)
        found = has_summary.get(kind)
        if found is None:
            found = has_summary[kind] = "summary" in kind.model_fields
        summary, notes = model.summary if found else None, model.notes  # type: ignore[attr-defined]
        rows.append(
            [
                entry.id,
                entry.kind,
                model.dated.isoformat(),
                {lang: visible(w.title(entry)) for lang, w in words.items()},
                {lang: visible(w.text(summary)) for lang, w in words.items()} if summary else {},
                {lang: visible(w.text(notes)) for lang, w in words.items()} if notes else {},
            ]
        )
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # `<` escaped too: the index is a script, and record text must never close one.
    text = text.replace("<", "\\u003c")
    return f"window.mouIndex = {text};\n".encode()


def _calendar(data: SiteData, language: str) -> bytes:
    """The language's `mou calendar` (every meeting, seminar and due date), stamped with the
    as-of date so that the same record gives the same bytes."""
    from mou.ics import calendar

    as_of = data.options.as_of
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    return calendar(  # (bilateral records are left out there)
        data.entries, data.memorandum, period=None, stamp=stamp, as_of=as_of, language=language
    )


class NoMemorandumError(ValueError):
    """The record has no readable memorandum: there is no site to build."""


@dataclass(frozen=True, slots=True)
class SiteReport:
    files: int
    errors: int
    warnings: int
    # The record as loaded and its findings (a portfolio's index row is made from them).
    records: RecordSet | None = field(default=None, compare=False, repr=False)
    problems: Sequence[Problem] = field(default=(), compare=False, repr=False)


def make_site(
    root: Path,
    output: Path,
    options: SiteOptions,
    *,
    parallel: bool = True,
    reading: tuple[Snapshot, Iterator[ParsedFile]] | None = None,
    last: bool = False,
) -> SiteReport:
    """Load and check the record under `root`, and write its site into `output` (a folder mou
    did not write is never touched: `write.open_folder`). With `parallel`, a large record's
    parts are written by two processes (forked once the shared data is computed). `reading`:
    the record's files as read, their parse started (`read.parse_snapshot`). `last`: the
    process ends once the site is written (the collector is not turned back on).
    ValueError when the record has no readable memorandum."""
    import gc

    # No cycle collection while the site is made (the workers inherit this): each collection
    # walked every object of the loaded record, and what a build makes is freed by reference
    # counting (a few cycles, in templates' contexts, wait for the collector until the end).
    # The first collection after it walks the whole record again (~40 ms at 10,000 records):
    # a process that ends next has nothing to gain from it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _make_site(root, output, options, parallel=parallel, reading=reading)
    finally:
        if collecting and not last:
            gc.enable()


def _make_site(
    root: Path,
    output: Path,
    options: SiteOptions,
    *,
    parallel: bool,
    reading: tuple[Snapshot, Iterator[ParsedFile]] | None,
) -> SiteReport:
    from mou.checks import run_checks
    from mou.folder import close_folder, open_folder, read_keys, write_keys
    from mou.load import load
    from mou.output import counts
    from mou.site_history import record_history

    taken, parsed = reading if reading is not None else (None, None)
    records = load(root, taken=taken, parsed=parsed)
    if records.memorandum is None:
        raise NoMemorandumError(root)
    # A large record is checked by a child while this process prepares what the parts share,
    # and while the parts' processes write the record pages (which show no findings).
    checking = _checking(records, options.as_of) if parallel else None
    try:
        problems: Sequence[Problem] = run_checks(records, options.as_of) if checking is None else []
        history, prefix = record_history(root, contact_details=options.contact_details)
        data = site_data(records, problems, options, history=history, source_prefix=prefix)
        previous = open_folder(output)
        data.output, data.previous = output, read_keys(output) if previous else {}
        every = parts(options.languages, len(data.years))
        if checking is not None:
            data.prepare()
            done = _in_two_processes(data, output, every, checking)
            problems = data.problems
        else:
            from mou.site_pages import compile_templates, packaged_templates

            compile_templates(packaged_templates())
            done = [_write_files(data, output, part) for part in every]
    finally:
        if checking is not None:  # (its child stopped if still running: refused, Ctrl-C)
            checking.close()
    written = [name for names, _ in done for name in names]
    close_folder(output, previous, written)
    write_keys(output, {name: key for _, keys in done for name, key in keys.items()})
    errors, warnings = counts(problems)
    return SiteReport(len(written), errors, warnings, records, problems)


def _checking(records: RecordSet, as_of: date) -> Later | None:
    """The checks of a large record started in a child (None: here, after all)."""
    from mou.workers import Later

    if not _can_fork(len(records.entries)):
        return None
    try:
        return Later(_checked, (records, as_of))
    except OSError:  # no process to spare (EAGAIN): the checks run here
        return None


def _checked(records: RecordSet, as_of: date) -> tuple[list[Problem], dict[str, bytes]]:
    """The problems of `records`, and the site's templates compiled (`compile_templates`)."""
    from mou.checks import run_checks
    from mou.site_pages import compile_templates, packaged_templates

    return run_checks(records, as_of), compile_templates(packaged_templates())


def _in_two_processes(
    data: SiteData, output: Path, every: list[Part], checking: Later
) -> list[tuple[list[str], Keys]]:
    """Write the parts by two forked processes, each taking the next when free. The checks'
    outcome (the findings, the templates compiled) is taken where a part needs it: the record
    pages come first and need neither (their frame's two templates are compiled where they
    are made), so the processes start without waiting for the checks."""
    from mou.workers import share

    _FORKED["site"] = (data, output, checking)
    _TAKEN.clear()  # (a portfolio builds one site after another in this process)
    try:
        done = share(_write_part, every, 2)
        _take_checks(data, checking, templates=False)  # (the findings' count, for the report)
    finally:
        _FORKED.clear()
        _TAKEN.clear()
    return done


def _take_checks(data: SiteData, checking: Later, *, templates: bool = True) -> None:
    """The checks' outcome in `data` (with `templates`, the templates loaded), once per
    process; where the child failed, the checks are run here."""
    if _TAKEN:
        return
    from mou.site_pages import compile_templates

    received, outcome = checking.result()
    if received:
        data.problems, compiled = outcome
        if templates:
            compile_templates(compiled)
    else:
        from mou.checks import run_checks

        data.problems = run_checks(data.records, data.options.as_of)
    _TAKEN.append(True)


# Set in the parent just before it forks the workers, which inherit it; `_TAKEN`: whether this
# process took the checks' outcome.
_FORKED: dict[str, tuple[SiteData, Path, Later]] = {}
_TAKEN: list[bool] = []


def _can_fork(size: int) -> bool:
    from mou.read import PARALLEL_FROM
    from mou.workers import FORKS, threads_running

    # Forking a process with threads can deadlock (and --serve has its server's threads);
    # where the system does not fork (Windows), the parts are written one after the other.
    return FORKS and size >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and not threads_running()


def _write_part(part: Part) -> tuple[list[str], Keys]:
    data, output, checking = _FORKED["site"]
    if part[0] != "records":
        _take_checks(data, checking)
    return _write_files(data, output, part)


def _write_files(data: SiteData, output: Path, part: Part) -> tuple[list[str], Keys]:
    """Write one part of the site: the files written, and the keys of its pages."""
    from mou.folder import write_files

    keys: Keys = {}
    return write_files(output, site_files(data, part, keys)), keys
