"""The site of a portfolio (`mou site` at its root): each memorandum's own site in a folder
named by its id, and above them an index, the portfolio's page in English (at the top) and
Russian (ru/), every id linking to that memorandum's site."""

from __future__ import annotations

from pathlib import Path

from mou.folder import SITE_MANIFEST, close_folder, open_folder, write_files
from mou.portfolio import Portfolio
from mou.portfolio_render import html
from mou.portfolio_view import Overview, member_row, sort_rows, year_of
from mou.site import SiteOptions
from mou.site_build import NoMemorandumError, SiteReport, make_site

INDEX_PAGES = {"en": "index.html", "ru": "ru/index.html"}


def make_portfolio_site(
    portfolio: Portfolio, output: Path, options: SiteOptions, *, parallel: bool = True
) -> tuple[SiteReport, list[str]]:
    """Write every memorandum's site into `output`/ID and the index above them; the report
    sums the memoranda's, and the ids of those whose memorandum cannot be read (left out of
    the sites, shown on the index as invalid) come second."""
    previous = _open(output, portfolio)
    files = errors = warnings = 0
    unreadable: list[str] = []
    as_of, year = options.as_of, year_of(options.as_of)
    rows = []
    for member in portfolio.members:
        try:
            report = make_site(member.root, output / member.id, options, parallel=parallel)
        except NoMemorandumError:
            unreadable.append(member.id)
            rows.append(member_row(member.id, member.root, as_of, year))
            continue
        assert report.records is not None
        # The index's row from the record the site loaded and checked (not loaded again).
        loaded = (report.records, report.problems)
        rows.append(member_row(member.id, member.root, as_of, year, loaded=loaded))
        files, errors, warnings = (
            files + report.files,
            errors + report.errors,
            warnings + report.warnings,
        )
    overview = Overview(as_of, year, tuple(sort_rows(rows, "light", "en")), "light")
    pages = [
        (name, html(overview, language, site=True).encode("utf-8"))
        for language, name in INDEX_PAGES.items()
    ]
    written = write_files(output, pages)
    close_folder(output, previous, written)
    return SiteReport(files + len(written), errors, warnings), unreadable


def _open(output: Path, portfolio: Portfolio) -> set[str]:
    """`folder.open_folder` (a folder mou did not write is never touched), also accepting a
    folder that holds only memoranda's sites written by `mou -m ID site`."""
    if output.is_dir() and not (output / SITE_MANIFEST).is_file():
        names = {entry.name for entry in output.iterdir()}
        ids = set(portfolio.ids())
        if names and all(
            name in ids and (output / name / SITE_MANIFEST).is_file() for name in names
        ):
            return set()
    return open_folder(output)
