"""`mou init --portfolio` (a portfolio repository) and `mou init ID` inside one (a memorandum's
folder): the files, from the single memorandum's templates beside this file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from mou.portfolio import MARKER, MEMORANDUM, find_portfolio
from mou.problems import UsageError
from mou.scaffold import (
    HERE,
    ScaffoldError,
    _folders,
    _memorandum,
    _quoted,
    _repository,
    _write,
    schema_files,
)

# The single memorandum's workflow, made the portfolio's: each line to replace, and with what
# (a change to records.yml that one of these no longer finds fails `portfolio_workflow`).
_WORKFLOW = (
    (
        "# Validates the record on every pull request that touches it.",
        "# Validates every memorandum of the portfolio on every pull request.",
    ),
    ('      - "records/**"\n      - ".github/workflows/records.yml"\n', '      - "**"\n'),
    ('      - "records/**"\n', '      - "**"\n'),
    ("mou --records records validate --format github", "mou validate --format github"),
    (
        '        run: mou --records records diff "origin/$GITHUB_BASE_REF" --format md >> '
        '"$GITHUB_STEP_SUMMARY"\n',
        "        run: |\n"
        "          for memorandum in */memorandum.yaml; do\n"
        '            mou -m "${memorandum%/memorandum.yaml}" diff "origin/$GITHUB_BASE_REF" \\\n'
        '              --format md >> "$GITHUB_STEP_SUMMARY"\n'
        "          done\n",
    ),
    ("mou --records records site --output _site", "mou site --output _site"),
)

_README = """# {name}

A portfolio of memoranda of understanding, kept with [mou](https://pypi.org/project/mou-records/):
each folder here is one memorandum's implementation record (its `memorandum.yaml` and the
records beside it), named by the memorandum's id.

    mou init ID                 add a memorandum (then fill in ID/memorandum.yaml)
    mou validate                check every memorandum (CI and the pre-commit hook do)
    mou -m ID review ...        any command on one memorandum
    cd ID && mou review ...     the same, from inside its folder
"""


def portfolio_workflow() -> str:
    """The CI workflow of a portfolio: the single memorandum's, run at the portfolio root."""
    text = (HERE / "records.yml").read_text(encoding="utf-8")
    for old, new in _WORKFLOW:
        if old not in text:
            raise AssertionError(f"records.yml no longer has {old!r}")  # a bug, not input
        text = text.replace(old, new, 1)
    return text


def scaffold_portfolio(directory: Path, *, title: str | None) -> tuple[list[str], list[str]]:
    """A portfolio repository in `directory`: portfolio.yaml, a README, the JSON Schema, the
    CI workflow and pre-commit hook validating every memorandum, .gitignore (site/ in it).
    Existing files are kept. (written, kept) paths."""
    from mou.portfolio import is_single

    if is_single(directory):
        raise ScaffoldError(
            f"{directory} holds a memorandum: a portfolio's memoranda are its sub-folders; "
            "nothing was written"
        )
    enclosing = _enclosing(directory)
    if enclosing is not None:
        raise ScaffoldError(
            f"{directory} lies inside {enclosing}: a portfolio holds memoranda, never the other "
            "way round, and is one level deep; nothing was written"
        )
    name = directory.resolve().name or "portfolio"
    marker = (
        f"# A portfolio of memoranda: each folder beside this file is one.\nname: {_quoted(name)}\n"
    )
    if title is not None:
        marker += f"title:\n  en: {_quoted(title)}\n"
    files = {MARKER: marker, "README.md": _README.format(name=name)}
    files.update(_repository(portfolio_workflow()))
    return _write(directory, files)


def _enclosing(directory: Path) -> Path | None:
    """The memorandum or portfolio file above `directory` that would enclose a portfolio
    made there: a memorandum.yaml or portfolio.yaml in a folder above it, or the
    records/memorandum.yaml of a repository whose records/ holds it; else None."""
    folder = Path(os.path.abspath(directory))
    for above in folder.parents:
        for path in (above / MEMORANDUM, above / MARKER):
            if path.is_file():
                return path
        if (above / "records" / MEMORANDUM).is_file() and folder.is_relative_to(above / "records"):
            return above / "records" / MEMORANDUM
    return None


def member_id(text: str) -> str:
    """A new memorandum's id (its folder's name), checked as record ids are (its length
    bounded too, and no name Windows reserves)."""
    from mou.models import ID_MAX_LENGTH, WINDOWS_RESERVED, id_error

    if id_error(text) is not None:
        shown = repr(text) if len(text) <= ID_MAX_LENGTH else f"{text[:ID_MAX_LENGTH]!r}..."
        why = (
            "a name Windows reserves for a device"
            if text in WINDOWS_RESERVED
            else "lower-case letters and digits joined by single hyphens, at most "
            f"{ID_MAX_LENGTH} characters, e.g. cis-ilo"
        )
        raise UsageError(f"{shown} is not a memorandum id: {why}")
    return text


def scaffold_member(
    root: Path,
    id: str,
    *,
    title: str,
    signed: date,
    place: str,
    parties: list[str],
    languages: list[str],
) -> tuple[list[str], list[str]]:
    """A new memorandum `id` in the portfolio at `root`: its memorandum.yaml and kind folders
    (and the JSON Schema its memorandum.yaml points to, when the portfolio has no schema/
    yet). (written, kept) paths."""
    target = root / member_id(id) / MEMORANDUM
    if target.exists():
        raise ScaffoldError(
            f"{target} exists: the portfolio already holds {id}; nothing was written"
        )
    files = {f"{id}/{MEMORANDUM}": _memorandum(title, signed, place, parties, languages)}
    files.update(_folders(f"{id}/"))
    if not (root / "schema").exists():  # a portfolio that was not made by `mou init`
        files.update(schema_files())
    return _write(root, files)


def portfolio_of(folder: Path) -> Path | None:
    """The portfolio root `mou init` adds a memorandum to, working in `folder`: the folder
    itself, or the portfolio holding it when it is one of its memoranda; else None."""
    folder = Path(os.path.abspath(folder))
    for candidate in (folder, folder.parent):
        found = find_portfolio(candidate)
        if found is not None and (candidate == folder or folder.name in found.ids()):
            return candidate
    return None
