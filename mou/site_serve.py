"""`mou site --serve`: the built site on http://127.0.0.1:PORT, rebuilt when a record changes.

For previewing while editing: a local HTTP server on the loopback interface only, and a
watcher that polls the record files' sizes and modification times once a second (no extra
dependency) and calls `rebuild` when any of them changes, appears or goes away.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mou.read import find_files

HOST = "127.0.0.1"


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every record file's (modification time, size): what a change shows in."""
    found = {}
    for path in find_files(root):
        try:
            stat = (root / path).stat()
        except OSError:
            continue
        found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        """The file asked for, but none whose path has a part starting with a dot: mou's own
        lists of what it wrote (`.mou-site`, `.mou-site-keys`) are not part of the site."""
        from urllib.parse import unquote, urlsplit

        parts = unquote(urlsplit(self.path).path).split("/")
        if any(part.startswith(".") for part in parts):
            self.send_error(404)
            return None
        return super().send_head()


def server(output: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for `output` on 127.0.0.1 (port 0: any free port)."""
    handler = partial(QuietHandler, directory=str(output))
    return ThreadingHTTPServer((HOST, port), handler)


def watch(
    root: Path,
    rebuild: Callable[[], None],
    stop: threading.Event,
    interval: float = 1.0,
) -> None:
    """Call `rebuild` whenever the record files under `root` change, until `stop` is set."""
    seen = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != seen:
            seen = now
            rebuild()
