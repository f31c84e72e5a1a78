"""`mou site`'s fast paths: record pages and lists written without Jinja escape exactly as
autoescape does, the writer never follows a link out of the output folder, and a rebuild of
an unchanged record does not render it again."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from conftest import REPO, Run
from mou import site as site_module
from mou.site_views import esc

Tree = Callable[[dict[str, str | bytes]], Path]
EXCHANGE = (
    "kind: exchange\ndate: 2024-01-10\nfrom: cis\nto: iom\nsubject: {}\npublic_domain: true\n"
)


@given(st.text())
def test_esc_is_autoescape(text: str) -> None:
    assert esc(text) == str(escape(text))


def test_a_link_in_the_output_folder_is_never_followed(
    base_tree: Tree, tmp_path: Path, run: Run
) -> None:
    root = base_tree({"exchanges/2024-01-10-a.yaml": EXCHANGE.format("A")})
    site = tmp_path / "site"
    assert run("--records", str(root), "site", "--output", str(site)).exit_code == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("mine")
    page = site / "en" / "records" / "2024-01-10-a.html"
    page.unlink()
    page.symlink_to(outside)
    result = run("--records", str(root), "site", "--output", str(site))
    assert result.exit_code == 2 and "is not a file mou wrote" in result.output
    assert outside.read_text() == "mine"

    page.unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    records = site / "ru" / "records"
    for old in records.iterdir():
        old.unlink()
    records.rmdir()
    records.symlink_to(elsewhere, target_is_directory=True)
    result = run("--records", str(root), "site", "--output", str(site))
    assert result.exit_code == 2 and "a link out of the folder" in result.output
    assert not any(elsewhere.iterdir())


def test_no_page_over_200_kb_in_a_dense_year(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record of 1,500 records in 2016 alone (the benchmark's 10,000 hold ~600 a year): every
    page under 200 KB but the search index and the calendars (files to subscribe to, not
    pages); the review's long tables are cut, their whole lists on pages of their own."""
    sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
    import generate

    monkeypatch.setattr(
        generate, "_day", lambda rng: date(2016, 1, 1) + timedelta(rng.randrange(366))
    )
    root = tmp_path / "records"
    generate.generate(root, 1500)
    site = tmp_path / "site"
    assert (
        run(
            "--records", str(root), "site", "--as-of", "2016-12-31", "--output", str(site)
        ).exit_code
        == 0
    )
    sizes = {
        path.relative_to(site).as_posix(): path.stat().st_size
        for path in site.rglob("*")
        if path.is_file() and path.suffix == ".html"
    }
    assert len(sizes) > 3000
    assert max(sizes.values()) <= 200_000, sorted(sizes.items(), key=lambda kv: kv[1])[-3:]
    review = (site / "en" / "reviews" / "2016.html").read_text("utf-8")
    assert "The first 50 of" in review and 'href="../reviews/2016/meetings.html"' in review
    whole = (site / "en" / "reviews" / "2016" / "meetings.html").read_text("utf-8")
    assert whole.count('<td class="date">') in range(51, site_module.LIST_LIMIT + 1)
