"""A user's template, run bounded: Jinja's sandbox (no attribute or method that is not safe)
plus limits on what it can cost. Whatever goes wrong is a TemplateLimitError or the template
error itself, never a hang, a traceback or the machine's memory:

- `*` and `**` that would build a huge string, list or number are refused before they run;
- the output is at most MAX_OUTPUT characters (rendered in chunks, stopped past it);
- rendering takes at most SECONDS (an alarm, where the platform has one);
- memory is bounded (the address space may grow by MEMORY while the template runs, on
  platforms with `resource`), so that doubling a string in a loop ends in a clean error.
Recursion (a template including itself, a recursive macro) is Python's RecursionError,
reported like the others by the command line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

MAX_OUTPUT = 20_000_000
SECONDS = 30
MEMORY = 1024**3


class TemplateLimitError(ValueError):
    """A user's template went past a limit; the message says which."""


def _too_big(operator: str, left: Any, right: Any) -> bool:
    if operator == "**":
        return isinstance(right, int) and isinstance(left, int) and abs(right) > 1000
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(count, int):
            return len(sequence) * count > MAX_OUTPUT
    return False


def sandbox(**options: Any) -> Any:
    """A SandboxedEnvironment whose `*` and `**` cannot build something huge."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class Bounded(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if _too_big(operator, left, right):
                raise SecurityError(f"`{operator}` would build a value past the template limits")
            return super().call_binop(context, operator, left, right)

    return Bounded(**options)


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise TemplateLimitError(f"the template ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_budget(extra: int) -> Iterator[None]:
    try:
        import resource

        with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        budget = used + extra
        if hard != resource.RLIM_INFINITY:
            budget = min(budget, hard)
        if soft != resource.RLIM_INFINITY:
            budget = min(budget, soft)
        resource.setrlimit(resource.RLIMIT_AS, (budget, hard))
    except (ImportError, OSError, ValueError):
        yield  # no /proc or no resource: the time and size limits still hold
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """`template` rendered with `context` within the limits above."""
    chunks: list[str] = []
    total = 0
    try:
        with _deadline(SECONDS), _memory_budget(MEMORY):
            for chunk in template.generate(context):
                total += len(chunk)
                if total > MAX_OUTPUT:
                    raise TemplateLimitError(f"the output passed {MAX_OUTPUT:,} characters")
                chunks.append(chunk)
    except MemoryError:
        chunks.clear()
        raise TemplateLimitError("the template needed more memory than allowed") from None
    return "".join(chunks)
