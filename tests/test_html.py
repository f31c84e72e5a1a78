"""The HTML review opened in headless Chromium: it renders, and it prints. Skipped, with the
reason, where Chromium is not installed (`.ci/run` installs Debian's package)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import CHROMIUM, REPO, Run
from conftest import CHROMIUM_FLAGS as FLAGS

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_html_review_renders_and_prints(language: str, run: Run, tmp_path: Path) -> None:
    page = tmp_path / f"review.{language}.html"
    result = run(
        "--records",
        str(REPO / "examples" / "demo"),
        "review",
        "--period",
        "2024",
        "--as-of",
        "2025-12-31",
        "--format",
        "html",
        "--lang",
        language,
        "--output",
        str(page),
    )
    assert result.exit_code == 0
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    screenshot, pdf = tmp_path / f"review.{language}.png", tmp_path / f"review.{language}.pdf"
    for action in (f"--screenshot={screenshot}", f"--print-to-pdf={pdf}"):
        subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--window-size=1100,2600",
                "--no-pdf-header-footer",
                action,
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
    assert screenshot.stat().st_size > 50_000  # a real page, not a blank one
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.read_bytes().count(b"/Type /Page") >= 2  # the review runs over several pages
