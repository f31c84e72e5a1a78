"""`mou site` at a portfolio's root: each memorandum's site in ID/, the portfolio's page above
them in English and Russian with working links; `-m ID site` writes where the portfolio's
site puts that memorandum, so two memoranda never overwrite each other."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mou.cli import app

PORTFOLIO = Path(__file__).parent.parent / "examples" / "portfolio"
AS_OF = ["--as-of", "2026-06-30"]


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site") / "portfolio"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns("site"))
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_the_portfolio_site_links_every_memorandums_site(portfolio: Path) -> None:
    code, said = run("--records", str(portfolio), "site", *AS_OF)
    assert code == 0, said
    site = portfolio / "site"
    ids = sorted(p.name for p in PORTFOLIO.iterdir() if (p / "memorandum.yaml").is_file())
    for page in ("index.html", "ru/index.html"):
        text = (site / page).read_text("utf-8")
        links = re.findall(r'href="([^"#]+)"', text)
        targets = {(site / page).parent.joinpath(link).resolve() for link in links}
        assert all(target.is_file() for target in targets), page
        for id_ in ids:
            language = "ru" if page.startswith("ru") else "en"
            assert (site / id_ / language / "index.html").resolve() in targets


def test_one_memorandums_site_goes_into_its_own_folder(portfolio: Path) -> None:
    for id_ in ("cis-ilo", "cis-iom"):
        code, said = run("--records", str(portfolio), "-m", id_, "site", *AS_OF)
        assert code == 0, said
    site = portfolio / "site"
    assert (site / "cis-ilo" / "en" / "index.html").is_file()
    assert (site / "cis-iom" / "en" / "index.html").is_file()
    assert "ILO" in (site / "cis-ilo" / "index.html").read_text("utf-8")


def test_a_folder_of_memoranda_sites_becomes_the_portfolio_site(tmp_path: Path) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns("site"))
    assert run("--records", str(root), "-m", "cis-who", "site", *AS_OF)[0] == 0
    code, said = run("--records", str(root), "site", *AS_OF)
    assert code == 0, said
    assert (root / "site" / "index.html").is_file()


def test_a_folder_mou_did_not_write_is_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", "utf-8")
    code, said = run("--records", str(PORTFOLIO), "site", "--output", str(mine), *AS_OF)
    assert code == 2
    assert "not written by `mou site`" in said
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_serve_needs_one_memorandum(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, said = run("--records", str(PORTFOLIO), "site", "--serve", "--output", str(out))
    assert code == 2
    assert "-m ID" in said
    assert not out.exists()


def test_the_index_rows_come_from_the_sites_own_loading_and_equal_a_fresh_one(
    portfolio: Path,
) -> None:
    """Each memorandum's row on the index is made from the record its site loaded and
    checked (not loaded a second time): the index equals the portfolio's page made from a
    fresh load of every member, in both languages."""
    from datetime import date

    from mou.portfolio import find_portfolio
    from mou.portfolio_render import html
    from mou.portfolio_view import portfolio_rows

    code, said = run("--records", str(portfolio), "site", *AS_OF)
    assert code == 0, said
    found = find_portfolio(portfolio)
    assert found is not None
    fresh = portfolio_rows(found.members, date(2026, 6, 30))
    for language, page in (("en", "index.html"), ("ru", "ru/index.html")):
        assert (portfolio / "site" / page).read_text("utf-8") == html(fresh, language, site=True)
