"""A portfolio of memoranda: a folder whose sub-folders are records roots, each holding its
memorandum.yaml and named by the memorandum's id (`mou -m ID`).

    portfolio/                 the portfolio root (portfolio.yaml: optional, written by
      portfolio.yaml           `mou init --portfolio`)
      cis-iom/                 a member: a records root, exactly as a single memorandum's
        memorandum.yaml
        meetings/...
      cis-unhcr/
        memorandum.yaml

A folder holding memorandum.yaml itself, or records/memorandum.yaml, is one memorandum as
always, never a portfolio: inside a member's folder every command behaves as it does for a
single memorandum. Nothing here imports the models (the titles are read with the parser).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mou.problems import N_, Problem, RefusalError, T, Text, UsageError
from mou.read import SUFFIXES, find_root, inside, not_regular, read_record_file

MEMORANDUM = "memorandum.yaml"
MARKER = "portfolio.yaml"
# The folders a records root holds (the kinds' folders, `mou.kinds`), named here so that
# finding a portfolio imports no models: tests/test_portfolio.py keeps the two equal.
RECORD_FOLDERS = (
    "meetings",
    "seminars",
    "exchanges",
    "requests",
    "programmes",
    "arrangements",
    "contacts",
    "activities",
)

# A member's folder name is its id, a slug as `mou init ID` takes (models.ID_PATTERN and
# ID_MAX_LENGTH, named here so that nothing imports the models: tests keep them equal).
MEMBER_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MEMBER_ID_MAX_LENGTH = 80

# Folders of a portfolio that are never memoranda: the site `mou site` writes there.
NOT_MEMBERS = ("site",)


@dataclass(frozen=True)
class Member:
    """One memorandum of a portfolio: its id (the folder's name) and its records root."""

    id: str
    root: Path


@dataclass(frozen=True)
class Portfolio:
    """A portfolio root and its memoranda, sorted by id. `unreadable`: folders named by an id
    whose memorandum.yaml is there but is no regular file (a FIFO, a folder, a device: MOU401,
    never read); no member, yet memoranda that do not validate wherever they are counted."""

    root: Path
    members: tuple[Member, ...]
    unreadable: tuple[Member, ...] = ()

    def ids(self) -> list[str]:
        return [member.id for member in self.members]

    def member(self, id: str) -> Member:
        """The member `id`; a usage error naming the ids there are when there is none, and a
        refusal saying what its memorandum.yaml is when that is no regular file (MOU401)."""
        for member in self.members:
            if member.id == id:
                return member
        folder = self.root / id
        unread = is_member_id(id) and not folder.is_symlink() and holds_records(folder)
        if unread or id in {member.id for member in self.unreadable}:
            raise RefusalError(f"-m {id}: {_no_memorandum(folder)}", "MOU401")
        raise UsageError(
            f"-m {id}: no such memorandum in the portfolio {self.root}; {self.choice()}"
        )

    def choice(self) -> str:
        """`use -m ID: one of a, b, c` (what a refusal tells the user to do): the members whose
        memorandum.yaml lies in their folder (one that is a link out is never read)."""
        usable = [m.id for m in self.members if inside(m.root, str(m.root / MEMORANDUM))]
        if not usable:
            return "it holds no memorandum yet (`mou init ID` adds one)"
        return f"use -m ID: one of {', '.join(usable)}"


def _subfolders(folder: Path) -> list[str]:
    """The names of the folders in `folder` (not hidden, not links), sorted; [] if unreadable."""
    try:
        with os.scandir(folder) as entries:
            return sorted(
                entry.name
                for entry in entries
                if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)
            )
    except OSError:
        return []


def is_member_id(name: str) -> bool:
    """Whether a folder's `name` can be a member's id (any other folder is not a member)."""
    return len(name) <= MEMBER_ID_MAX_LENGTH and MEMBER_ID.fullmatch(name) is not None


def is_single(folder: Path) -> bool:
    """Whether `folder` is one memorandum's folder: it holds memorandum.yaml, or
    records/memorandum.yaml (a repository of one memorandum)."""
    return (folder / MEMORANDUM).is_file() or (folder / "records" / MEMORANDUM).is_file()


def find_portfolio(folder: Path) -> Portfolio | None:
    """The portfolio whose root is `folder`, or None when it is not one: it holds a single
    memorandum, or neither portfolio.yaml nor any sub-folder holding memorandum.yaml."""
    if is_single(folder):
        return None
    named = [name for name in _subfolders(folder) if name not in NOT_MEMBERS and is_member_id(name)]
    members = tuple(
        Member(name, folder / name) for name in named if (folder / name / MEMORANDUM).is_file()
    )
    if not members and not (folder / MARKER).is_file():
        return None
    odd = [name for name in named if _not_regular(folder / name) is not None]
    return Portfolio(folder, members, tuple(Member(name, folder / name) for name in odd))


def _not_regular(folder: Path) -> str | None:
    """What `folder`'s memorandum.yaml is when it is there but no regular file (a FIFO, a
    folder, a device), else None (a regular file, or none: not there, a broken link)."""
    try:
        return not_regular(os.stat(folder / MEMORANDUM).st_mode)
    except OSError:
        return None


def holds_records(folder: Path) -> bool:
    """Whether `folder` looks like a records root: a record file at its top, or one of the
    kinds' folders, or a repository's records/memorandum.yaml (hidden folders, site/,
    documents/ and the like do not)."""
    try:
        with os.scandir(folder) as entries:
            names = {entry.name for entry in entries if not entry.name.startswith(".")}
    except OSError:
        return False
    if any(name.endswith(SUFFIXES) for name in names) or not names.isdisjoint(RECORD_FOLDERS):
        return True
    return (folder / "records" / MEMORANDUM).is_file()  # a repository's records/ in its folder


def portfolio_problems(portfolio: Portfolio) -> list[Problem]:
    """What is wrong with the portfolio as a whole (MOU401-MOU403), each located at a path
    relative to the portfolio root; the members' own records are checked by `mou validate`."""
    return sorted([*structure_problems(portfolio), *same_titles(portfolio)], key=Problem.sort_key)


_NOT_AN_ID = N_(
    "the folder name {folder} is not a memorandum id (lower-case letters and digits joined by "
    "single hyphens, at most {n} characters): the memorandum is not read"
)


def structure_problems(portfolio: Portfolio) -> list[Problem]:
    """MOU401, MOU403 and MOU404: what the portfolio's folders say (no file's bytes). A
    memorandum nested in a member is the member's own MOU403 (`read.own_files`), reported
    wherever that member is read."""
    found: list[Problem] = []
    members = {member.id for member in portfolio.members}
    for name in _subfolders(portfolio.root):
        folder = portfolio.root / name
        if name in members or name in NOT_MEMBERS:
            continue
        if not is_member_id(name) and (folder / MEMORANDUM).is_file():
            message = T(_NOT_AN_ID, folder=f"{name}/", n=MEMBER_ID_MAX_LENGTH)
            found.append(Problem("MOU404", message, f"{name}/{MEMORANDUM}"))
        elif find_portfolio(folder) is not None:
            message = T(N_("a portfolio inside the portfolio: not read (one level only)"))
            found.append(Problem("MOU403", message, f"{name}/"))
        elif holds_records(folder):
            found.append(Problem("MOU401", _no_memorandum(folder), f"{name}/{MEMORANDUM}"))
    found.extend(_linked_folders(portfolio.root))
    if (portfolio.root.parent / MEMORANDUM).is_file():
        message = T(N_("this portfolio lies inside a memorandum's folder: move it out"))
        found.append(Problem("MOU403", message, f"../{MEMORANDUM}"))
    return found


def _no_memorandum(folder: Path) -> Text:
    """Why a folder holding records is no member: no memorandum.yaml, or one that is not a
    regular file (a FIFO, a folder, a link to a device: said, never read)."""
    what = _not_regular(folder)
    if what is not None:
        template = N_("{folder} is not read: its memorandum.yaml is {what}, not a regular file")
        return T(template, folder=f"{folder.name}/", what=T(what))
    template = N_("{folder} holds records but no memorandum.yaml: its records are not checked")
    return T(template, folder=f"{folder.name}/")


def _linked_folders(root: Path) -> list[Problem]:
    """MOU401 on each link at the portfolio's top to a folder holding records: a memorandum
    is a folder of the portfolio, never read through a link (records are never read outside
    their root)."""
    try:
        with os.scandir(root) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if not entry.name.startswith(".") and entry.is_symlink() and entry.is_dir()
            )
    except OSError:
        return []
    template = N_("{folder} is a link to a folder: a memorandum is never read through a link")
    return [
        Problem("MOU401", T(template, folder=f"{name}/"), f"{name}/")
        for name in names
        if name not in NOT_MEMBERS and holds_records(root / name)
    ]


def memorandum_title(root: Path) -> tuple[dict[str, str], Any]:
    """The memorandum's title under `root` by language (`{}` when it cannot be read), and
    the positions of its file."""
    from mou.parse import parse

    data = read_record_file(root, MEMORANDUM)
    if not isinstance(data, bytes):
        return {}, None
    parsed = parse(data, MEMORANDUM)
    value = parsed.value
    title = value.get("title") if isinstance(value, dict) else None
    if isinstance(title, str):
        title = {"en": title}
    if not isinstance(title, dict):
        return {}, None
    texts = {str(k): " ".join(v.split()) for k, v in title.items() if isinstance(v, str)}
    return {language: text for language, text in texts.items() if text}, parsed.positions


def same_titles(portfolio: Portfolio) -> list[Problem]:
    """MOU402 on each memorandum whose title (in some language) an earlier one has."""
    from mou.parse import locate

    seen: dict[tuple[str, str], str] = {}
    found = []
    for member in portfolio.members:
        titles, positions = memorandum_title(member.root)
        for language, text in sorted(titles.items()):
            first = seen.setdefault((language, text.casefold()), member.id)
            if first != member.id:
                line, column = locate(positions, ("title", language)) if positions else (0, 0)
                message = T(
                    N_("the same title ({language}) as the memorandum {other}: {title}"),
                    language=language,
                    other=first,
                    title=text,
                )
                path = f"{member.id}/{MEMORANDUM}"
                found.append(Problem("MOU402", message, path, line + 1, column + 1, "memorandum"))
    return found


def discover(explicit: Path | None) -> Path:
    """The folder mou works on: `explicit` (--records, $MOU_RECORDS: a records root or a
    portfolio root), else the nearest folder upward that is a records root (as
    `read.find_root` finds it: inside a member, the member) or a portfolio's root: the
    current folder when it holds memoranda, a folder above it only with its portfolio.yaml
    (so that a folder that happens to hold a few memoranda's folders is never taken for one
    from far below), else ./records."""
    here = Path.cwd()

    def portfolio_root(folder: Path) -> bool:
        if folder != here and not (folder / MARKER).is_file():
            return False
        return find_portfolio(folder) is not None

    return find_root(explicit, portfolio_root)
