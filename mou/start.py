"""The `mou` program's entry point: answers `mou --version` and plain `mou validate` before
Typer (and, with a cached answer, the models) is imported; everything else goes to the CLI.

Typer, Click and rich cost about 0.1 s to import, as much as reading and hashing 10,000
record files. A command line is answered here only when every word of it is understood;
anything else (help, an unknown option, a bad value) goes to the full CLI, which gives the
same answer or the usage error.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec
    from types import ModuleType

    from mou.portfolio import Portfolio


def _validate_arguments(args: list[str]) -> dict[str, str] | None:
    """The options of `mou [--no-cache] [--records PATH] validate [--format F] [--strict]
    [--as-of D] [--lang L]`, or None for any other command line."""
    valued = {"--format": "format", "--as-of": "as_of", "--lang": "lang"}
    return _plain(args, "validate", valued, {"--strict": "strict"})


def _site_arguments(args: list[str]) -> dict[str, str] | None:
    """The options of `mou [--no-cache] [--records PATH] site [--output DIR] [--as-of D]
    [--include-contact-details]` (a build, not --serve), or None for any other command line."""
    valued = {"--output": "output", "--as-of": "as_of"}
    return _plain(args, "site", valued, {"--include-contact-details": "contact_details"})


def _plain(
    args: list[str], command: str, valued: dict[str, str], flags: dict[str, str]
) -> dict[str, str] | None:
    """The options of `mou [--no-cache] [--records PATH] COMMAND ...` when every word is one
    of `valued` (each once, with a value, `--name value` or `--name=value`) or `flags`; None
    for any other command line (the full CLI answers it)."""
    options: dict[str, str] = {}
    allowed = {"--records": "records"}
    found = False
    words = iter(args)
    for word in words:
        name, equals, value = word.partition("=")
        if not found and word == "--no-cache":
            options["no_cache"] = "yes"
        elif not found and word == command:
            found, allowed = True, valued
        elif found and word in flags:
            options[flags[word]] = "yes"
        elif name in allowed and allowed[name] not in options:
            if not equals:
                value = next(words, "")
            if not value:
                return None
            options[allowed[name]] = value
        else:
            return None
    return options if found else None


def early_site(args: list[str]) -> None:
    """For a plain `mou site` build of one memorandum, read the record's files and start their
    parse now: the workers parse while Typer and the site are imported (~0.1 s). The full CLI
    still reads the command line and decides; `cli.site` takes the reading if its record is
    this one (`read.EARLY_READING`), else it is not used."""
    options = _site_arguments(args)
    if options is None or _refused(options):
        return
    from mou import cache, progress

    cache.set_enabled("no_cache" not in options)  # (as the CLI sets them)
    progress.for_terminal()
    found = _records_root(options.get("records"))
    from mou.read import JOURNAL_FOLDER

    if not isinstance(found, Path) or (found / JOURNAL_FOLDER).is_dir():
        return  # a portfolio, or a rename cut short: the full CLI settles it
    from mou.findings import OVERLAP_FROM
    from mou.read import EARLY_READING, parse_snapshot, snapshot

    taken = snapshot(found)
    EARLY_READING[found.resolve()] = (
        taken,
        parse_snapshot(taken, cache.open_cache(), workers_from=OVERLAP_FROM),
    )


def _refused(options: dict[str, str]) -> bool:
    """Whether the CLI may refuse these options before it reads the record (a date it would
    not take, an --output that is no folder): nothing is read ahead for it then."""
    if "as_of" in options:
        from mou.periods import LAST_YEAR

        day = _as_of(options)
        if day is None or day.year > LAST_YEAR:  # (the site's heat map and reviews end there)
            return True
    output = options.get("output")
    return output is not None and os.path.lexists(output) and not os.path.isdir(output)


def _as_of(options: dict[str, str]) -> date | None:
    """The day `--as-of` gives (today without it), or None for one the full CLI refuses or
    reads otherwise (it answers that itself)."""
    if "as_of" not in options:
        return date.today()
    from mou.periods import FIRST_YEAR

    try:
        day = date.fromisoformat(options["as_of"])
    except ValueError:
        return None
    return day if day.year >= FIRST_YEAR else None


def _records_root(given: str | None) -> Path | Portfolio | None:
    from mou.portfolio import discover, find_portfolio

    if given is None:
        given = os.environ.get("MOU_RECORDS")
        if given == "":
            return None  # Click's reading of an empty variable is left to Click
    root = discover(None if given is None else Path(given))
    if (root / "memorandum.yaml").is_file():
        return root
    # Neither a memorandum nor a portfolio: the full CLI decides (it refuses a folder that
    # holds no record).
    return find_portfolio(root)


def quick_validate(args: list[str]) -> int | None:
    """Run `mou validate` without Typer when `args` is a plain one; its exit code, else None."""
    options = _validate_arguments(args)
    if options is None:
        return None
    from mou import cache, progress, validation

    if "no_cache" in options:
        cache.set_enabled(False)
    progress.for_terminal()
    output_format = options.get("format") or validation.default_format()
    found = _records_root(options.get("records"))
    if output_format not in validation.FORMATS or found is None:
        return None
    from mou.read import JOURNAL_FOLDER

    roots = [found] if isinstance(found, Path) else [member.root for member in found.members]
    if any((root / JOURNAL_FOLDER).is_dir() for root in roots):
        return None  # a rename cut short: the full CLI settles it first
    today = _as_of(options)
    if today is None:
        return None
    from mou.problems import language_of_environment

    language = options.get("lang") or language_of_environment()
    if language not in ("en", "ru"):
        return None  # the full CLI says what --lang takes
    from mou.portfolio_validation import validate_any

    root, outcome = validate_any(found, today)
    text, code = validation.report(
        outcome, root, output_format, strict="strict" in options, language=language
    )
    sys.stdout.write(text)
    sys.stdout.flush()
    return code


def main(prog_name: str | None = None) -> None:
    """Run mou on `sys.argv`; `prog_name` names the program in help and usage lines (for
    `python -m mou`, whose argv[0] is `__main__.py`)."""
    args = sys.argv[1:]
    if sys.stdout is None:  # started with standard output closed: what it says goes nowhere
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the process
    # What mou says on standard error never fails the command: closed (`2>&-`) or full, the
    # exit code still tells what happened.
    if not isinstance(sys.stderr, _Unfailing):
        sys.stderr = _Unfailing(sys.stderr or open(os.devnull, "w"))  # noqa: SIM115
    try:
        if args == ["--version"]:
            from mou import __version__

            sys.stdout.write(f"mou {__version__}\n")
            code: int | str | None = 0
        else:
            _turn_plugins_off()
            code = _run(args, prog_name)
        sys.stdout.flush()  # here, where a failed write is answered, not at exit
    except KeyboardInterrupt:
        code = 130  # Ctrl-C: the shell's code for it, and no traceback
    except OSError as error:
        code = _output_failed(error)
    finally:
        _clear_progress()
    if code == 130 and sys.stderr.isatty():  # Ctrl-C (Typer gives 130 for it too)
        sys.stderr.write("\n")  # the prompt on a line of its own
    raise SystemExit(code)


def _clear_progress() -> None:
    """A progress bar still shown (a step cut short) is cleared, and the cursor shown again."""
    progress = sys.modules.get("mou.progress")
    if progress is not None:
        with contextlib.suppress(Exception):  # on the way out: nothing to add to a failure
            progress.reporter().close()


class _Unfailing:
    """Standard error whose writes never raise (a full disk, a closed pipe): there is nowhere
    left to say that they failed, and the command's exit code is what matters."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except (OSError, ValueError):  # ValueError: written after it was closed
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _run(args: list[str], prog_name: str | None) -> int | str | None:
    import gc

    # One validation and the process ends: what it builds lives to the end and holds no
    # cycles worth collecting. With the collector on, it walks all of it when re-enabled
    # after loading and again at exit (~0.1 s for 10,000 records, more than checking them).
    gc.disable()
    code = quick_validate(args)
    if code is not None:
        return code
    gc.enable()
    with contextlib.suppress(Exception):  # (whatever fails here, the CLI meets and reports)
        early_site(args)
    from mou.cli import main as full

    try:
        full(prog_name)
    except SystemExit as done:
        return done.code
    return 0


def _turn_plugins_off() -> None:
    import mou

    if mou.PLUGINS_VARIABLE not in os.environ:
        os.environ[mou.PLUGINS_VARIABLE] = "__all__"
        mou.plugins_turned_off = True
        _no_plugin_loader()


def _no_plugin_loader() -> None:
    """pydantic looks for plugins with `pydantic.plugin._loader.get_plugins`, which returns
    none when PYDANTIC_DISABLE_PLUGINS says so, but whose module imports `importlib.metadata`
    (~25 ms: email, zipfile, socket) before it reads the variable. With the variable set by
    mou, that module is found as one whose `get_plugins` returns none at once: the same answer.
    (A finder, so that nothing named pydantic is imported before pydantic is.)"""
    if not any(isinstance(finder, _NoPlugins) for finder in sys.meta_path):
        sys.meta_path.insert(0, _NoPlugins())


class _NoPlugins:
    """Finds and makes the stand-in for pydantic's plugin loader (an import finder and loader)."""

    NAME = "pydantic.plugin._loader"

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name != self.NAME:
            return None
        from importlib.machinery import ModuleSpec

        loader = cast("Loader", self)  # a loader by its methods (importlib.abc costs an import)
        return ModuleSpec(name, loader, origin="mou.start: plugins turned off")

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        module.get_plugins = tuple  # type: ignore[attr-defined]


# Failures of writing to standard output (a closed pipe, a full disk, a device): not mou's.
_OUTPUT_ERRORS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EBADF})


def _output_failed(error: OSError) -> int:
    """Answer a failed write to standard output: quietly for a reader that went away (`| head`,
    as Click does), else said on standard error; exit code 1. Any other error of the system
    is said as one (`_system_refused`)."""
    if error.filename is not None or error.errno not in _OUTPUT_ERRORS:
        return _system_refused(error)
    with contextlib.suppress(OSError):  # what is still buffered goes nowhere, not to a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if error.errno != errno.EPIPE:
        with contextlib.suppress(OSError):
            sys.stderr.write(f"mou: cannot write the output: {error.strerror}\n")
    return 1


def _system_refused(error: OSError) -> int:
    """What the system refused that no command answered (a records path it cannot use: a
    name too long, a folder mou may not look into, the current folder removed): said on
    standard error with the path, without a traceback; exit code 2, as for a records folder
    that is missing."""
    from mou.escape import one_line

    if error.filename is not None:
        where = f"{one_line(str(error.filename))}: "
    else:
        try:
            os.getcwd()
            where = ""
        except OSError:
            where = "the current folder: "  # (removed while mou ran in it)
    sys.stderr.write(f"mou: {where}{error.strerror or error}\n")
    return 2


if __name__ == "__main__":
    main()
