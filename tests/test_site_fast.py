"""`mou site`'s fast paths: record pages and lists written without Jinja escape exactly as
autoescape does, the writer never follows a link out of the output folder, and a rebuild of
an unchanged record does not render it again."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from conftest import REPO, Run
from mou.escape import has_unsafe, terminal_safe
from mou.load import Entry
from mou.render import environment
from mou.site_clauses import LIST_LIMIT
from mou.site_views import esc

_PRINTED = environment(html=True).from_string("{{ t }}")  # a value as a site template prints it

Tree = Callable[[dict[str, str | bytes]], Path]
EXCHANGE = (
    "kind: exchange\ndate: 2024-01-10\nfrom: cis\nto: iom\nsubject: {}\npublic_domain: true\n"
)


YEAR_ROW = re.compile(
    r'<tr><td>(?:<a [^>]*>)?(\d{4})(?:</a>)?</td><td><span class="status status-([a-z-]+)"'
)


def built(run: Run, root: Path, as_of: str, tmp_path: Path) -> Path:
    """The site of the records under `root` as of `as_of`."""
    site = tmp_path / "site"
    result = run("--records", str(root), "site", "--as-of", as_of, "--output", str(site))
    assert result.exit_code == 0
    return site


def years_of(page: str) -> dict[str, str]:
    """A clause page's status year by year."""
    return dict(YEAR_ROW.findall(page))


@given(st.text())
def test_esc_is_autoescape(text: str) -> None:
    """The string joins escape exactly as the templates print (finalize, then autoescape)."""
    assert esc(text) == _PRINTED.render(t=text)
    assert esc(text) == str(escape(terminal_safe(text, newlines=True)))
    assert not has_unsafe(esc(text))  # no raw control or bidi character reaches the page


@given(st.text(alphabet=st.sampled_from("a\xa0\u202f\x1b\u202e\n\t\r\x85я ")))
def test_a_no_break_space_is_kept_and_what_is_unsafe_beside_it_escaped(text: str) -> None:
    """Russian dates and amounts hold no-break spaces (not "printable" to Python): they are
    kept as they are, and a control or bidi character beside one is still escaped."""
    assert esc(text) == str(escape(terminal_safe(text, newlines=True)))
    assert not has_unsafe(esc(text))


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
    assert result.exit_code == 2 and "error MOU501 --output" in result.output
    assert "is not a file mou wrote" in result.output
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
    assert result.exit_code == 2 and "error MOU501 --output" in result.output
    assert "a link out of the folder" in result.output
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
    site = built(run, root, "2016-12-31", tmp_path)
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
    assert whole.count('<td class="date">') in range(51, LIST_LIMIT + 1)


def test_the_memorandums_life_and_its_amended_clauses(tmp_path: Path, run: Run) -> None:
    """The dashboard states the life (in force since, the current term's end, the last day to
    give notice, the amendments); clause pages give the text as amended, the amendments that
    touched the clause, and count only the days it was in force, as `mou review` does."""
    from mou.life import life_on
    from mou.load import load
    from mou.periods import parse_period
    from mou.review import review
    from mou.words import Words

    root = REPO / "tests" / "cases" / "life-illustrative"
    site = built(run, root, "2024-06-30", tmp_path)
    records = load(root)
    memorandum = records.memorandum
    assert memorandum is not None
    life = life_on(memorandum, date(2024, 6, 30))
    assert life.term is not None and life.term.notice_by is not None
    for language in ("en", "ru"):
        words = Words(language, memorandum)
        dashboard = (site / language / "index.html").read_text("utf-8")
        for shown in (life.in_force_since, life.term.end, life.term.notice_by, date(2015, 3, 2)):
            assert f"<dd>{words.date(shown)}" in dashboard or f">{words.date(shown)}<" in dashboard
        assert esc(words.text(memorandum.amendments[0].title)) in dashboard
        assert 'href="clauses/6.html">6</a>' in dashboard
    clause = (site / "en" / "clauses" / "2.html").read_text("utf-8")
    assert "Consultations twice a year." in clause and "changed" in clause
    ru = (site / "ru" / "clauses" / "6.html").read_text("utf-8")
    assert "Совместное обучение должностных лиц." in ru
    made = review(records, parse_period("2014"), date(2024, 6, 30))
    assert "6" not in [c.clause.id for c in made.clauses]  # not yet in force in 2014
    added = (site / "en" / "clauses" / "6.html").read_text("utf-8")
    rows = years_of(added)
    assert rows["2014"] == "n-a" and rows["2016"] == "on-track"
    removed = (site / "en" / "clauses" / "1.1.html").read_text("utf-8")
    rows = years_of(removed)
    assert rows["2014"] != "n-a" and rows["2016"] == "n-a"
    for year in (2014, 2016):
        made = review(records, parse_period(str(year)), date(2024, 6, 30))
        heat = {c.clause.id: c.status for c in made.clauses}
        for clause_id, status in heat.items():
            page = (site / "en" / "clauses" / f"{clause_id}.html").read_text("utf-8")
            found = years_of(page)
            assert found[str(year)] == status.replace("/", "-"), (clause_id, year)


def test_a_rebuild_makes_only_the_pages_whose_inputs_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each record page's inputs have a key (`.mou-site-keys`): a rebuild leaves a page whose
    key is unchanged as it is, without making it; an edited record's page is made again, and
    so are the pages showing its title; a page removed from the folder is made again."""
    import shutil

    from mou import site_record
    from mou.site import SiteOptions
    from mou.site_build import make_site

    root = tmp_path / "demo"
    shutil.copytree(REPO / "examples" / "demo", root)
    made: list[str] = []
    render = site_record.record_main

    def counted(pages: site_record.Pages, entry: Entry, up: str) -> str:
        made.append(f"{pages.words.language}/{entry.id}")
        return render(pages, entry, up)

    monkeypatch.setattr(site_record, "record_main", counted)
    site, options = tmp_path / "site", SiteOptions(date(2025, 12, 31))

    def build() -> dict[str, bytes]:
        made.clear()
        make_site(root, site, options, parallel=False)
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}

    first = build()
    records = len([p for p in first if "/records/" in p])
    assert len(made) == records > 40
    assert build() == first and made == []

    arrangement = root / "arrangements" / "2023-08-01-arrangement-seminar-2023.yaml"
    text = arrangement.read_text("utf-8")
    arrangement.write_text(text.replace("en: Special arrangement", "en: Amended arrangement"))
    second = build()
    covered = ("2023-09-19-seminar-countering-trafficking", "2023-01-01-labour-migration-data")
    # The English title changed: the Russian pages naming the arrangement stay as they were.
    assert sorted(made) == sorted(
        ["en/2023-08-01-arrangement-seminar-2023", "ru/2023-08-01-arrangement-seminar-2023"]
        + [f"en/{record_id}" for record_id in covered]
    )
    assert len(made) < records / 4
    programme = second["en/records/2023-01-01-labour-migration-data.html"]
    assert b"Amended arrangement" in programme
    changed = {p for p in first if first[p] != second[p] and "/records/" in p}
    assert changed <= {"{}/records/{}.html".format(*name.split("/")) for name in made}

    (site / "ru" / "records" / "2023-01-20-cis-bulletin-2022.html").unlink()
    assert build() == second and made == ["ru/2023-01-20-cis-bulletin-2022"]


@pytest.mark.parametrize("checks", ["in a child", "child killed"])
def test_the_parts_written_by_two_processes_make_the_same_site(
    demo_site: Path, tmp_path: Path, checks: str
) -> None:
    """A large record's parts are written by two forked processes (here the demo, the size
    from which they fork set low, in a process of its own: one thread, so it forks): the
    same files, byte for byte, as one process writes; also when the child running the checks
    dies (the processes that need the findings run the checks themselves)."""
    site = tmp_path / "site"
    killed = "site_build._checked = lambda *_: os._exit(3)\n" if checks == "child killed" else ""
    script = (
        "import os, sys\nfrom datetime import date\nfrom pathlib import Path\n"
        "from mou import read, site_build\nfrom mou.site import SiteOptions\n"
        f"read.PARALLEL_FROM = 1\nassert site_build._can_fork(1)\n{killed}"
        "report = site_build.make_site(Path(sys.argv[1]), Path(sys.argv[2]), "
        "SiteOptions(date(2025, 12, 31)))\nprint(report.files, report.warnings)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(REPO / "examples" / "demo"), str(site)],
        capture_output=True,
        text=True,
        check=True,
    )

    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file() and p.name != ".mou-site-keys"
        }

    written, warnings = map(int, done.stdout.split())
    assert written == len(files(site)) - 1  # and the list of what was written
    assert warnings == 3  # the demo's findings, counted for the report
    assert files(site) == files(demo_site)
    keys = (site / ".mou-site-keys").read_text("utf-8").splitlines()
    assert len(keys) == len([p for p in files(site) if "/records/" in p])


def test_a_first_build_cut_short_leaves_a_folder_the_next_build_writes(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the first `mou site` into a new folder: the files already written stay,
    and the next `mou site` builds into that folder instead of refusing it as not its own."""
    from mou import folder

    demo, site = REPO / "examples" / "demo", tmp_path / "site"
    write_files = folder.write_files

    def cut_short(output: Path, files: Any) -> list[str]:
        write_files(output, itertools.islice(files, 5))
        raise KeyboardInterrupt

    monkeypatch.setattr(folder, "write_files", cut_short)
    cut = run("--no-cache", "--records", str(demo), "site", "--output", str(site))
    assert cut.exit_code != 0
    assert len([p for p in site.rglob("*") if p.is_file()]) > 1  # pages, and mou's mark
    monkeypatch.setattr(folder, "write_files", write_files)
    again = run("--no-cache", "--records", str(demo), "site", "--output", str(site))
    assert again.exit_code == 0, again.output
    assert (site / "en" / "index.html").is_file()


def test_where_the_system_does_not_fork_the_parts_are_written_in_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On Windows (no fork) a large record's site is written by this process, part after
    part: the "fork" start method exists only where the system forks."""
    from mou import site_build, workers

    monkeypatch.setattr(workers, "FORKS", False)
    assert not site_build._can_fork(10**6)


def test_templates_compiled_elsewhere_are_used_only_for_their_own_source() -> None:
    """A large record's templates are compiled by the checks' child and loaded here from its
    bytecode; bytecode that does not match a template's source (here: each template given
    another's) is not used: the template is compiled from its source."""
    from mou import site_pages

    env = site_pages._environment()
    env.cache.clear()  # as in a new process
    found = site_pages.compile_templates({})
    assert len(found) >= 10
    names = sorted(n for n in env.list_templates() if re.fullmatch(r"site/[a-z]+\.html\.j2", n))

    def origins() -> dict[str, str]:
        return {n: env.get_template(n).root_render_func.__code__.co_filename for n in names}

    expected = origins()
    assert all(path.endswith(name) for name, path in expected.items())
    values = list(found.values())
    swapped = dict(zip(found, [*values[1:], values[0]], strict=True))
    for bytecode in (found, swapped):
        env.cache.clear()
        site_pages.compile_templates(bytecode)
        assert origins() == expected
    env.cache.clear()


@pytest.mark.parametrize("last", [False, True])
def test_the_collector_is_on_again_after_a_build_unless_the_process_ends(
    tmp_path: Path, last: bool
) -> None:
    """A build turns cycle collection off; it is turned back on at the end, unless the process
    ends next (`mou site` without --serve), where one collection would walk the whole record."""
    import gc

    from mou.site import SiteOptions
    from mou.site_build import make_site

    gc.enable()
    try:
        options = SiteOptions(date(2025, 12, 31))
        make_site(REPO / "examples" / "demo", tmp_path / "s", options, parallel=False, last=last)
        assert gc.isenabled() is not last
    finally:
        gc.enable()


def test_a_short_write_is_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system may write less than it is given (a signal, a full pipe): the writer writes
    the rest, new files and changed ones alike."""
    import os

    from mou import folder

    real = os.write
    monkeypatch.setattr(os, "write", lambda handle, data: real(handle, bytes(data[:7])))
    page = bytes(range(256)) * 3
    assert folder.write_files(tmp_path, [("a/new.html", page)]) == ["a/new.html"]
    assert (tmp_path / "a" / "new.html").read_bytes() == page
    folder.write_files(tmp_path, [("a/new.html", page[::-1])])
    assert (tmp_path / "a" / "new.html").read_bytes() == page[::-1]


def test_a_title_worked_out_once_is_never_a_namesakes(tmp_path: Path) -> None:
    """`Words.title` keeps a record's title by its id and its model: another record of the
    same id (another memorandum's, or the record read again after an edit) gets its own."""
    from mou.load import load
    from mou.words import Words

    titles = []
    for subject in ("First", "Second"):
        root = tmp_path / subject
        (root / "exchanges").mkdir(parents=True)
        (root / "exchanges" / "2024-01-10-a.yaml").write_text(EXCHANGE.format(subject), "utf-8")
        titles.append(next(e for e in load(root).entries if e.kind == "exchange"))
    words = Words("en", None)
    assert [words.title(e) for e in titles] == ["First", "Second"]
    assert [words.title(e) for e in titles] == ["First", "Second"]


def test_review_marks_and_rows_are_written_as_the_template_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site writes a yearly review's timeline marks and long tables' rows in Python
    (`site_record.marks_drawn`, `review_rows`), overriding the review template's blocks of
    them: every review page is the one those blocks write, on a dense year (marks merged,
    tables cut short), on a year of one hostile title, with contact details and without."""
    from mou.load import load
    from mou.site import SiteOptions
    from mou.site_build import site_data
    from mou.site_pages import Pages

    sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
    import generate

    monkeypatch.setattr(
        generate, "_day", lambda rng: date(2016, 1, 1) + timedelta(rng.randrange(366))
    )
    root = tmp_path / "records"
    generate.generate(root, 400)
    hostile = EXCHANGE.format('x <script>y</script> & "\u202e" \'').replace("2024", "2015")
    (root / "exchanges" / "2015-01-10-x.yaml").write_text(hostile)
    records = load(root)
    source = (REPO / "templates" / "site" / "review.html.j2").read_text("utf-8")
    plain = "".join(
        line
        for line in source.splitlines(True)
        if not (line.startswith("{% block") and ("marks" in line or "_rows" in line))
    )
    assert source.count("\n") - plain.count("\n") == 6
    for language, details in itertools.product(("en", "ru"), (False, True)):
        data = site_data(records, [], SiteOptions(date(2017, 3, 31), contact_details=details))
        pages = Pages(data, language)
        written = dict(pages.reviews())
        monkeypatch.setattr(pages.env, "get_template", _replaced(pages.env, plain))
        assert dict(pages.reviews()) == written
        monkeypatch.undo()
        dense = written["reviews/2016.html"]
        assert dense.count(b"<circle") > 50 and dense.count(b"<tr>") > 150
        assert (b"@example" in dense) is details
        alone = written["reviews/2015.html"]
        assert b"x &lt;script&gt;y&lt;/script&gt; &amp; &#34;\\u202e&#34; &#39;</title>" in alone


def _replaced(env: Any, source: str) -> Callable[..., Any]:
    """`env.get_template` with the site's review template replaced by `source`."""
    original, replacement = env.get_template, env.from_string(source)

    def get_template(name: str, *args: Any, **kwargs: Any) -> Any:
        return replacement if name == "site/review.html.j2" else original(name, *args, **kwargs)

    return get_template
