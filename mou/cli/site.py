"""`mou site`: the whole record as a static site, and `--serve` to preview it while editing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mou.cli.common import (
    INTERRUPTED,
    AsOfOption,
    ContactDetails,
    command,
    no_memorandum,
    output_folder,
    output_refused,
    parse_as_of,
    portfolio_or_root,
)

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator
    from http.server import ThreadingHTTPServer

    from mou.portfolio import Portfolio
    from mou.read import ParsedFile, Snapshot
    from mou.site import SiteOptions

    Reading = tuple[Snapshot, Iterator[ParsedFile]]

OutputFolder = Annotated[
    Path | None,
    typer.Option(
        "--output",
        metavar="DIR",
        help="Folder to write the site into. Default: site/ beside the records folder (at a "
        "portfolio's root, site/ in it; for one of its memoranda, site/ID/ there).",
        show_default=False,
    ),
]
Serve = Annotated[
    bool,
    typer.Option("--serve", help="Serve the site on 127.0.0.1; rebuild it when a record changes."),
]
Port = Annotated[
    int, typer.Option("--port", metavar="N", min=0, max=65535, help="The port for --serve.")
]


@command()
def site(
    context: typer.Context,
    *,
    output: OutputFolder = None,
    as_of: AsOfOption = None,
    serve: Serve = False,
    port: Port = 8000,
    contact_details: ContactDetails = False,
) -> int | None:
    """The whole record as a static site in English and Russian: dashboard, clauses, every
    record, parties, states, yearly reviews, actions, findings, search and the calendar."""
    from mou.portfolio import Portfolio

    found = portfolio_or_root(context)
    day = _site_day(parse_as_of(as_of))
    if isinstance(found, Portfolio):
        from mou.site import SiteOptions

        target = output_folder(output if output is not None else found.root / "site")
        if serve:
            raise typer.BadParameter("--serve previews one memorandum: add -m ID")
        _build_portfolio(found, target, SiteOptions(day, contact_details=contact_details))
        return None
    root = found
    target = output_folder(output if output is not None else _default_folder(root))
    # A port that cannot be had is said before the site is built, not after.
    httpd = _bind(target, port) if serve else None
    # The files are read and their parse started (in worker processes for a large record)
    # before the models, the checks and the templates are imported and compiled.
    reading = None if serve else _start_reading(root)
    from mou.site import SiteOptions

    options = SiteOptions(day, contact_details=contact_details)
    try:
        _build(root, target, options, parallel=not serve, reading=reading, last=not serve)
    except BaseException:
        if httpd is not None:
            httpd.server_close()  # the port bound for nothing: given back at once
        raise
    if httpd is not None:
        return _serve(root, httpd, lambda: _build(root, target, options, parallel=False))
    return None


def _default_folder(root: Path) -> Path:
    """site/ beside the records; for a memorandum of a portfolio, site/ID/ in the portfolio,
    where the portfolio's own site puts it (so two memoranda never share a folder)."""
    from mou.portfolio import find_portfolio

    folder = root.resolve()
    portfolio = find_portfolio(folder.parent)
    if portfolio is not None and folder.name in portfolio.ids():
        return folder.parent / "site" / folder.name
    return folder.parent / "site"


def _build_portfolio(portfolio: Portfolio, target: Path, options: SiteOptions) -> None:
    from mou.escape import terminal_safe
    from mou.folder import FolderInUseError
    from mou.problems import RefusalError
    from mou.site_portfolio import make_portfolio_site

    try:
        report, unreadable = make_portfolio_site(portfolio, target, options)
    except (FolderInUseError, OSError) as error:
        raise output_refused(error, target) from None
    typer.echo(f"wrote {report.files} files; open {target / 'index.html'}", err=True)
    if unreadable:
        names = ", ".join(terminal_safe(id_) for id_ in unreadable)
        raise RefusalError(f"no readable memorandum.yaml, no site for: {names}")


def _site_day(day: date) -> date:
    """The as-of date, refused past the last year a period may lie in: the heat map and the
    yearly reviews are periods up to it."""
    from mou.periods import LAST_YEAR
    from mou.problems import UsageError

    if day.year > LAST_YEAR:
        raise UsageError(
            f"--as-of {day.isoformat()}: the site's yearly reviews and heat map reach no "
            f"further than {LAST_YEAR}"
        )
    return day


def _start_reading(root: Path) -> Reading:
    """The record's files read, and their parse started (`site_build.make_site` takes them)."""
    from mou.cache import open_cache
    from mou.findings import OVERLAP_FROM
    from mou.read import EARLY_READING, parse_snapshot, snapshot

    early = EARLY_READING.pop(root.resolve(), None)
    EARLY_READING.clear()
    if early is not None:
        return early  # started before Typer was imported (`start.early_site`)
    taken = snapshot(root)
    return taken, parse_snapshot(taken, open_cache(), workers_from=OVERLAP_FROM)


def _build(
    root: Path,
    target: Path,
    options: SiteOptions,
    *,
    parallel: bool,
    reading: Reading | None = None,
    last: bool = False,
) -> None:
    from mou.folder import FolderInUseError
    from mou.site_build import NoMemorandumError, make_site

    try:
        report = make_site(root, target, options, parallel=parallel, reading=reading, last=last)
    except NoMemorandumError:
        raise no_memorandum() from None
    except (FolderInUseError, OSError) as error:
        raise output_refused(error, target) from None
    typer.echo(f"wrote {report.files} files; open {target / 'index.html'}", err=True)
    if report.errors or report.warnings:
        typer.echo(
            f"the record has {report.errors} errors and {report.warnings} warnings "
            "(on the site's findings page; `mou validate` lists them)",
            err=True,
        )


def _bind(target: Path, port: int) -> ThreadingHTTPServer:
    """The server of `target` on 127.0.0.1:`port`, bound (not serving yet)."""
    from mou.problems import UsageError
    from mou.site_serve import server

    try:
        return server(target, port)
    except OSError as error:
        raise UsageError(f"--port {port}: cannot serve: {error.strerror}") from None


def _rebuild(build: Callable[[], None], stop: threading.Event) -> None:
    """`build()` for a change seen while serving: a failure is said, the last good site stays
    served and the watching goes on (none said once `stop` is set: a Ctrl+C also stops the
    git a rebuild runs)."""
    import sys

    from mou.escape import terminal_safe
    from mou.problems import RefusalError, UsageError

    after_bar = "\n" if sys.stderr.isatty() else ""  # (a progress bar may hold the line)
    try:
        build()
    except (UsageError, RefusalError) as error:
        typer.echo(f"{after_bar}mou: {error}; the site was not rebuilt", err=True)
    except Exception as error:  # any other failure: said, and the watching goes on
        if not stop.is_set():
            reason = terminal_safe(str(error) or type(error).__name__)
            typer.echo(f"{after_bar}mou: the site was not rebuilt: {reason}", err=True)


def _serve(root: Path, httpd: ThreadingHTTPServer, build: Callable[[], None]) -> int:
    """Serve the site with `httpd` until interrupted (then exit code 130, as for any command
    Ctrl+C ends), rebuilding when a record changes; a rebuild that fails is reported and the
    last good site stays served."""
    import sys
    import threading

    from mou.site_serve import HOST, watch

    stop = threading.Event()
    watcher = threading.Thread(
        target=watch, args=(root, lambda: _rebuild(build, stop), stop), daemon=True
    )
    watcher.start()
    try:  # (a Ctrl+C just after the address is said is one the server answers too)
        typer.echo(f"serving on http://{HOST}:{httpd.server_port}/ (Ctrl+C stops)", err=True)
        httpd.serve_forever()  # until Ctrl+C
    except KeyboardInterrupt:
        # Stopped as every command is (start.main): exit code 130, no traceback. A rebuild
        # under way is let end first (the next build makes whole what it left undone).
        stop.set()
        watcher.join()
    finally:
        stop.set()
        httpd.server_close()
    typer.echo("\nstopped" if sys.stderr.isatty() else "stopped", err=True)
    return INTERRUPTED
