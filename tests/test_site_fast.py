"""`mou site`'s fast paths: record pages and lists written without Jinja escape exactly as
autoescape does, the writer never follows a link out of the output folder, and a rebuild of
an unchanged record does not render it again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from conftest import Run
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
