"""Shared helpers: record trees built inline or from tests/cases, and the CLI run in-process."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mou.cli import app

HERE = Path(__file__).parent
CASES = HERE / "cases"
BASE = CASES / "_base"
REPO = HERE.parent


def build_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path → text or bytes) under `root`; return `root`."""
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def case_tree(name: str, root: Path) -> Path:
    """The case's files laid over the base memorandum (unless the case has its own)."""
    shutil.copytree(BASE, root, dirs_exist_ok=True)
    shutil.copytree(CASES / name, root, dirs_exist_ok=True)
    (root / "expected.txt").unlink(missing_ok=True)
    return root


Run = Callable[..., Result]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty cache of its own: the suite never touches ~/.cache."""
    from mou import cache, progress

    progress.install(progress.Reporter())
    monkeypatch.setenv("MOU_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("MOU_NO_CACHE", raising=False)
    cache.set_enabled(True)


@pytest.fixture
def run() -> Run:
    """Run `mou ARGS...` in-process; the output is printed when an assertion fails."""

    def invoke(*args: str, input: str | None = None) -> Result:
        result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
        print(result.output)
        return result

    return invoke


@pytest.fixture
def base_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """A records root holding the base memorandum plus the given files."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "records"
        shutil.copytree(BASE, root)
        return build_tree(root, files)

    return make


def datasette_get(database: Path, metadata: dict[str, object], path: str) -> object:
    """Datasette's own test client: `path` of `database` served with `metadata`, as JSON."""
    import asyncio

    from datasette.app import Datasette

    async def ask() -> object:
        datasette = Datasette([str(database)], metadata=metadata)
        await datasette.invoke_startup()
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(ask())


def git(folder: Path, *arguments: str) -> None:
    """Run git in `folder` with a fixed identity and no user configuration."""
    subprocess.run(
        ["git", "-C", str(folder), *arguments],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "HOME": str(folder),
            "PATH": "/usr/bin:/bin",
        },
    )


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's site as of 2025-12-31, built once for the session (its pages are only read)."""
    from datetime import date

    from mou.site import SiteOptions
    from mou.site_build import make_site

    site = tmp_path_factory.mktemp("demo-site") / "site"
    make_site(REPO / "examples" / "demo", site, SiteOptions(date(2025, 12, 31)), parallel=False)
    return site
