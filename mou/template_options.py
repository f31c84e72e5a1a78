"""How mou's Jinja templates are compiled, in one place: the options every environment is made
with (`render.environment`), and the site's templates compiled ahead.

Jinja compiles a template into Python each time a process first loads it: ~0.3 s for the
site's, in every `mou site`. The package build (hatch_build.py) compiles them once, as
Python compiles a module into its `.pyc`, into `mou/templates.compiled`. A process uses that
bytecode only where its own environment would compile the same code (`fingerprint`: Jinja's
version, Python's bytecode, every option and filter that shapes the code) and only for a
template whose source is the one compiled (Jinja checks each template's checksum); any other
template is compiled as before. Nothing here imports mou's models: the build runs it alone.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The options of every mou environment (the review's and the site's templates, users' own).
OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}
# The filters mou adds (their names and kinds shape the compiled code, not their bodies).
FILTERS = ("md", "md_message")
COMPILED = Path(__file__).parent / "templates.compiled"


def site_templates(folder: Path) -> list[str]:
    """The names of the site's templates under the templates `folder` (and the review's HTML,
    which the site's yearly reviews extend)."""
    return [f"site/{path.name}" for path in sorted((folder / "site").glob("*.j2"))] + [
        "review.html.j2"
    ]


def fingerprint(env: Any) -> str | None:
    """What shapes the code Jinja makes from a template in `env` (None: something no compiled
    file is made for, such as autoescape decided by a function)."""
    import importlib.util

    import jinja2
    from jinja2.utils import _PassArg

    if not isinstance(env.autoescape, bool) or env.is_async:
        return None

    def kinds(functions: dict[str, Callable[..., Any]]) -> list[tuple[str, str]]:
        return sorted((name, str(_PassArg.from_obj(f))) for name, f in functions.items())

    shape = (
        jinja2.__version__,
        importlib.util.MAGIC_NUMBER.hex(),
        env.autoescape,
        None if env.finalize is None else str(_PassArg.from_obj(env.finalize)),
        *(getattr(env, option) for option in sorted(OPTIONS)),
        env.newline_sequence,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.optimized,
        sorted(env.extensions),
        kinds(env.filters),
        kinds(env.tests),
    )
    return hashlib.sha256(repr(shape).encode()).hexdigest()


def cache_by_name(found: dict[str, bytes]) -> Any:
    """A Jinja bytecode cache held in `found`, by template name (not by the file's path, which
    differs between the machine that built the package and the one running it)."""
    import jinja2

    class ByName(jinja2.BytecodeCache):
        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return name

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            data = found.get(bucket.key)
            if data is not None:
                bucket.bytecode_from_string(data)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            found[bucket.key] = bucket.bytecode_to_string()

    return ByName()


def compiled(env: Any, names: list[str], found: dict[str, bytes]) -> dict[str, bytes]:
    """Load each of `names` in `env` through `found` (a template there, from the same source,
    is loaded from it; the others compiled and added), and return `found`."""
    previous = env.bytecode_cache
    env.bytecode_cache = cache_by_name(found)
    try:
        for name in names:
            env.get_template(name)
    finally:
        env.bytecode_cache = previous
    return found


def write_compiled(path: Path, env: Any, names: list[str]) -> None:
    """The build's step: `names` compiled in `env`, with its fingerprint, into `path`."""
    found = compiled(env, names, {})
    path.write_bytes(pickle.dumps((fingerprint(env), found), protocol=pickle.HIGHEST_PROTOCOL))


def read_compiled(env: Any, path: Path = COMPILED) -> dict[str, bytes]:
    """The templates compiled by the build, when `env` would compile them the same way (else
    none: they are compiled here)."""
    try:
        kept = pickle.loads(path.read_bytes())  # (the package's own file)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        return {}
    if not (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], dict)):
        return {}
    shape, found = kept
    return dict(found) if shape is not None and shape == fingerprint(env) else {}


def build_environment(folder: Path) -> Any:
    """An environment that compiles the site's templates as the site's own does (the build
    has no models to make the real one with: what it calls does not shape the code)."""
    import jinja2

    def same(value: Any) -> Any:
        return value

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, finalize=same, **OPTIONS
    )
    env.filters.update(dict.fromkeys(FILTERS, same))
    return env
