"""`mou site`: the pages, their links, their escaping, the same bytes from the same input, the
history from git, the folder rules, and `--serve`. The browser checks are in
test_site_browser.py; both use the demo's site, built once per session."""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, Run, git
from mou.checks import run_checks
from mou.load import load
from mou.periods import parse_period
from mou.review import ClauseReview, review
from mou.site import SiteOptions
from mou.site_build import site_data
from mou.site_views import FieldLayout

DEMO = REPO / "examples" / "demo"
AS_OF = "2025-12-31"
Tree = Callable[[dict[str, str | bytes]], Path]


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class Links(HTMLParser):
    """The links, ids and script/style sources of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href") is not None:
            self.hrefs.append(str(found["href"]))
        if tag in ("script", "link", "img") and (found.get("src") or found.get("href")):
            self.sources.append(str(found.get("src") or found.get("href")))


def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text("utf-8"))
    return links


def test_every_page_in_both_languages(demo_site: Path) -> None:
    english = {p.relative_to(demo_site / "en") for p in (demo_site / "en").rglob("*")}
    russian = {p.relative_to(demo_site / "ru") for p in (demo_site / "ru").rglob("*")}
    assert english == russian
    records = load(DEMO)
    for entry in records.entries:
        if entry.kind != "memorandum":
            assert Path("records", f"{entry.id}.html") in english
    for expected in ("index.html", "clauses/1.2.html", "parties/cis.html", "states/KAZ.html"):
        assert Path(expected) in english
    assert {f"reviews/{y}.html" for y in range(2008, 2026)} <= {p.as_posix() for p in english}
    assert Path("calendar.ics") in english
    ics = (demo_site / "ru" / "calendar.ics").read_text("utf-8")
    assert "BEGIN:VCALENDAR" in ics and "Консультации" in ics
    assert "DTSTAMP:20251231T000000Z" in ics


def test_every_internal_link_resolves_with_its_anchor(demo_site: Path) -> None:
    """The link checker: every relative link of every page names a file of the site, and the
    anchor it names exists there; nothing is linked or loaded from outside the site."""
    parsed = {page: parse(page) for page in pages(demo_site)}
    checked = 0
    for page, links in parsed.items():
        for source in links.sources:
            assert not re.match(r"[a-z]+:|//", source), f"{page}: external {source}"
            assert (page.parent / source).resolve().is_file(), f"{page}: {source}"
        for href in links.hrefs:
            if href.startswith(("https://", "http://")):
                continue
            assert not re.match(r"[a-z]+:|/", href), f"{page}: {href} is not relative"
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve() if path else page.resolve()
            assert target.is_file(), f"{page}: broken link {href}"
            if anchor and target.suffix == ".html":
                assert anchor in parsed[target].ids, f"{page}: no #{anchor} in {path}"
            checked += 1
    assert checked > 2500


def test_language_switch_keeps_the_page(demo_site: Path) -> None:
    page = demo_site / "en" / "records" / "2024-04-18-consultations-online.html"
    assert "../../ru/records/2024-04-18-consultations-online.html" in parse(page).hrefs
    text = (demo_site / "ru" / "records" / "2024-04-18-consultations-online.html").read_text()
    assert '<html lang="ru">' in text and "Онлайн-консультации" in text


def test_the_same_input_gives_the_same_bytes(demo_site: Path, tmp_path: Path, run: Run) -> None:
    again = tmp_path / "again"
    result = run("--records", str(DEMO), "site", "--as-of", AS_OF, "--output", str(again))
    assert result.exit_code == 0
    first = {p.relative_to(demo_site): p.read_bytes() for p in demo_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_pages_are_small_and_strict(demo_site: Path) -> None:
    for page in demo_site.rglob("*"):
        if page.is_file() and page.name != "search-index.js":
            assert page.stat().st_size < 200_000, page
    for page in pages(demo_site):
        text = page.read_text("utf-8")
        assert "Content-Security-Policy" in text, page
        assert "<script>" not in text, page
        if page.parent.name != "reviews":  # the reviews keep their own inline styles
            assert "'unsafe-inline'" not in text and " style=" not in text, page


def test_heat_map_uses_the_review(demo_site: Path) -> None:
    """A cell of the dashboard is the review's status of the clause in that year."""
    records = load(DEMO)
    as_of = date.fromisoformat(AS_OF)
    made = review(records, parse_period("2024"), as_of, run_checks(records, as_of))
    dashboard = (demo_site / "en" / "index.html").read_text("utf-8")
    for clause in made.clauses:
        if clause.status == "n/a":
            continue
        cell = re.search(
            rf'<td class="cell-([a-z-]+)"[^>]*>(?:<a href="clauses/{re.escape(clause.clause.id)}'
            rf'\.html#y2024"[^>]*>|<span>){clause.count}\b',
            dashboard,
        )
        assert cell is not None and cell[1] == clause.status, clause.clause.id


def test_yearly_review_from_the_records_it_needs_equals_the_review() -> None:
    records = load(DEMO)
    as_of = date.fromisoformat(AS_OF)
    problems = run_checks(records, as_of)
    data = site_data(records, problems, SiteOptions(as_of))
    for year, made in data.reviews.items():
        assert made == review(records, parse_period(str(year)), as_of, problems), year


def test_yearly_reviews_of_a_generated_record_equal_the_review(tmp_path: Path) -> None:
    """The benchmark's record (arrangements whose expenses fall in the next year, contacts and
    programmes over several years): each year's review from the records it needs is the
    review of the whole record."""
    sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
    from generate import generate

    generate(tmp_path / "records", 400)
    # An arrangement of 2013 paying in 2014, and a later one (the clauses' latest record
    # before 2014): the first counts in 2014's costs only.
    for day, paid in (("2013-12-01", "2014-02-01"), ("2013-12-30", "2013-12-31")):
        (tmp_path / "records" / "arrangements" / f"{day}-a.yaml").write_text(
            f"kind: arrangement\ntitle: A\ndate: {day}\nstatus: signed\nexpenses:\n"
            f"  - {{item: I, payer: cis, amount: '7.00', currency: EUR, status: paid, "
            f"date: {paid}}}\n"
        )
    records = load(tmp_path / "records")
    as_of = date(2025, 12, 31)
    problems = run_checks(records, as_of)
    data = site_data(records, problems, SiteOptions(as_of))
    assert any(c.currency == "EUR" for c in data.reviews[2014].costs)
    for year, made in data.reviews.items():
        assert made == review(records, parse_period(str(year)), as_of, problems), year


def test_heat_map_of_a_generated_record_is_the_review_of_each_year(tmp_path: Path) -> None:
    """Each clause's status by year on the site (from the records each year can use, none
    asked again whether it counts) is the review's: status, count, longest gap, next due."""
    sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
    from generate import generate

    generate(tmp_path / "records", 400)
    records = load(tmp_path / "records")
    as_of = date(2025, 12, 31)
    data = site_data(records, [], SiteOptions(as_of))

    def shown(c: ClauseReview) -> tuple[object, ...]:
        return c.clause.id, c.status, c.count, c.longest_gap_days, c.next_due

    for year in data.years:
        made = review(records, parse_period(str(year)), as_of)
        site = {c.clause.id: dict((p.label, status) for p, status in c.years) for c in data.clauses}
        for clause in made.clauses:
            assert shown(site[clause.clause.id][str(year)]) == shown(clause), (year, clause)


def test_clause_page_marks_gaps_longer_than_the_cadence(demo_site: Path) -> None:
    page = (demo_site / "en" / "clauses" / "1.2.html").read_text("utf-8")
    assert page.count('<rect class="gap"') == 4
    assert "5,236 days without a qualifying record (19 Sept 2008 – 20 Jan 2023)" in page
    assert page.count('<circle class="mark"') == 11  # the eleven exchanges
    no_cadence = (demo_site / "en" / "clauses" / "1.6.html").read_text("utf-8")
    assert '<rect class="gap"' not in no_cadence


def test_record_page_reads_like_the_record(demo_site: Path) -> None:
    page = demo_site / "en" / "records" / "2024-04-01-arrangement-conference-2024.html"
    text = page.read_text("utf-8")
    assert "RUB\u00a02,100,000.00" in text  # money formatted, not raw YAML
    assert '<a href="../parties/cis.html">CIS Executive Committee</a>' in text
    assert (
        '<a href="../records/2024-05-14-conference-irregular-migration.html">'
        "International conference on countering irregular migration</a>"
    ) in text
    assert "examples/demo/arrangements/2024-04-01-arrangement-conference-2024.yaml" in text
    covered = demo_site / "en" / "records" / "2024-05-14-conference-irregular-migration.html"
    assert "../records/2024-04-01-arrangement-conference-2024.html" in parse(covered).hrefs


def test_contacts_without_details_unless_asked(demo_site: Path, tmp_path: Path, run: Run) -> None:
    email = re.compile(r"[\w.]+@example\.org")
    for page in pages(demo_site):
        assert not email.search(page.read_text("utf-8")), page
    detailed = tmp_path / "detailed"
    result = run(
        "--records", str(DEMO), "site", "--as-of", AS_OF, "--output", str(detailed),
        "--include-contact-details",
    )  # fmt: skip
    assert result.exit_code == 0
    assert email.search((detailed / "en" / "parties" / "iom.html").read_text("utf-8"))


def test_search_index_has_both_languages(demo_site: Path) -> None:
    index = (demo_site / "assets" / "search-index.js").read_text("utf-8")
    assert index.startswith("window.mouIndex = [")
    assert "2024-04-18-consultations-online" in index and "Консультации" in index
    search = (demo_site / "ru" / "search.html").read_text("utf-8")
    assert '<script src="../assets/search-index.js"></script>' in search
    assert '<form class="site-search" role="search" action="search.html"' in search


HOSTILE: dict[str, str | bytes] = {
    "meetings/2024-03-01-hostile.yaml": """kind: meeting
type: consultation
title: "<script>alert('title')</script>"
date: 2024-03-01
status: held
location: "<img src=x onerror=alert(1)>"
format: online
organizer: cis
observers: [iom]
summary: "javascript:alert(1)"
notes: "[click](javascript:alert(2)) </dd></dl><script>alert(3)</script>"
""",
    "contacts/cis-hostile.yaml": """kind: contact
party: cis
name: "<script>alert('name')</script>"
position: "<img src=x onerror=alert(1)>"
phone: "<script>alert('phone')</script>"
from: 2024-01-01
""",
}


def test_record_text_is_escaped_everywhere(base_tree: Tree, tmp_path: Path, run: Run) -> None:
    root = base_tree(HOSTILE)
    site, detailed = tmp_path / "site", tmp_path / "detailed"
    result = run("--records", str(root), "site", "--as-of", "2024-12-31", "--output", str(site))
    assert result.exit_code == 0
    result = run(
        "--records", str(root), "site", "--as-of", "2024-12-31", "--output", str(detailed),
        "--include-contact-details",
    )  # fmt: skip
    assert result.exit_code == 0
    for page in [*pages(site), *pages(detailed), site / "assets" / "search-index.js"]:
        text = page.read_text("utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page
        assert 'href="javascript:' not in text, page
    party = (detailed / "en" / "parties" / "cis.html").read_text("utf-8")
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;</a></td>" in party
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in party
    assert "<td>&lt;script&gt;alert(&#39;phone&#39;)&lt;/script&gt;</td></tr>" in party
    index = (site / "assets" / "search-index.js").read_text("utf-8")
    rows = json.loads(index.removeprefix("window.mouIndex = ").removesuffix(";\n"))
    hostile = next(row for row in rows if row[0] == "2024-03-01-hostile")
    assert hostile[5]["en"].endswith("</dd></dl><script>alert(3)</script>")  # notes searched too
    record = (site / "en" / "records" / "2024-03-01-hostile.html").read_text("utf-8")
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in record
    assert "javascript:alert(1)" in record  # shown as text


def test_a_link_field_is_a_link_only_when_it_is_http() -> None:
    """A URL that somehow holds `javascript:` (models only accept http(s)) is shown as text."""
    from mou.models import Document
    from mou.words import Words

    records = load(DEMO)
    assert records.memorandum is not None
    layout = FieldLayout(
        Words("en", records.memorandum), lambda m, v: None, str, contact_details=False
    )
    bad = Document.model_construct(title="x", url="javascript:alert(1)", public=True)
    good = Document.model_construct(title="x", url="https://example.org/a?b=<c>", public=True)
    bad_html = layout.html(bad, ("documents", 0), "../")
    good_html = layout.html(good, ("documents", 0), "../")
    assert "<a " not in bad_html and "javascript:alert(1)" in bad_html
    assert '<a href="https://example.org/a?b=&lt;c&gt;">' in good_html


def test_history_from_git(base_tree: Tree, tmp_path: Path, run: Run) -> None:
    root = base_tree(
        {
            "exchanges/2024-01-10-bulletin.yaml": "kind: exchange\ndate: 2024-01-10\nfrom: cis\n"
            "to: iom\nsubject: Bulletin\npublic_domain: true\n"
        }
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add the bulletin")
    record = root / "exchanges" / "2024-01-10-bulletin.yaml"
    record.write_text(record.read_text().replace("Bulletin", "Annual bulletin"))
    git(root, "commit", "-q", "-am", "Rename the bulletin")
    site = tmp_path / "site"
    result = run("--records", str(root), "site", "--as-of", "2024-12-31", "--output", str(site))
    assert result.exit_code == 0
    page = (site / "en" / "records" / "2024-01-10-bulletin.html").read_text("utf-8")
    assert "Rename the bulletin" in page and "Add the bulletin" in page
    assert "<code>subject</code>: Bulletin → Annual bulletin" in page
    assert page.index("Rename the bulletin") < page.index("Add the bulletin")  # newest first


def test_folder_rules(base_tree: Tree, tmp_path: Path, run: Run) -> None:
    root = base_tree({"exchanges/2024-01-10-a.yaml": ACTIVITY_FREE_EXCHANGE})
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.txt").write_text("mine")
    result = run("--records", str(root), "site", "--output", str(busy))
    assert result.exit_code == 2 and "not written by `mou site`" in result.output
    assert [p.name for p in busy.iterdir()] == ["thesis.txt"]

    site = tmp_path / "site"
    assert run("--records", str(root), "site", "--output", str(site)).exit_code == 0
    assert (site / "en" / "records" / "2024-01-10-a.html").is_file()
    (root / "exchanges" / "2024-01-10-a.yaml").unlink()
    (site / "en" / "mine.txt").write_text("kept")
    assert run("--records", str(root), "site", "--output", str(site)).exit_code == 0
    assert not (site / "en" / "records" / "2024-01-10-a.html").exists()
    assert (site / "en" / "mine.txt").read_text() == "kept"  # not ours: never removed

    (root / "memorandum.yaml").write_text("kind: memorandum\n")
    result = run("--records", str(root), "site", "--output", str(site))
    assert result.exit_code == 1 and "no readable memorandum" in result.output


ACTIVITY_FREE_EXCHANGE = (
    "kind: exchange\ndate: 2024-01-10\nfrom: cis\nto: iom\nsubject: A\npublic_domain: true\n"
)


def test_default_output_is_beside_the_records(tmp_path: Path, run: Run) -> None:
    root = tmp_path / "repo" / "records"
    shutil.copytree(REPO / "tests" / "cases" / "_base", root)
    assert run("--records", str(root), "site").exit_code == 0
    assert (tmp_path / "repo" / "site" / "en" / "index.html").is_file()


def test_long_lists_move_to_a_page_per_year(
    base_tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mou import site_clauses
    from mou.site_build import make_site

    monkeypatch.setattr(site_clauses, "LIST_LIMIT", 1)
    root = base_tree(
        {
            f"exchanges/{day}-e.yaml": ACTIVITY_FREE_EXCHANGE.replace("2024-01-10", day)
            for day in ("2023-05-01", "2024-02-01", "2024-08-01")
        }
    )
    make_site(root, tmp_path / "site", SiteOptions(date(2024, 12, 31)))
    clause = tmp_path / "site" / "en" / "clauses" / "1.2.html"
    assert "2024.html" in " ".join(parse(clause).hrefs)
    # Two records in 2024 with a limit of one: the year is cut into two parts, linked.
    year = tmp_path / "site" / "en" / "clauses" / "1.2" / "2024.html"
    second = year.with_name("2024-2.html")
    assert year.read_text("utf-8").count("../../records/") == 1
    assert second.read_text("utf-8").count("../../records/") == 1
    assert "2024-2.html" in parse(year).hrefs and "2024.html" in parse(second).hrefs
    dashboard = (tmp_path / "site" / "en" / "index.html").read_text("utf-8")
    assert 'href="clauses/1.2/2023.html"' in dashboard


def test_a_port_that_cannot_be_had_is_said_before_the_site_is_built(
    base_tree: Tree, run: Run, tmp_path: Path
) -> None:
    import socket

    root, site = base_tree({}), tmp_path / "site"
    serve = ["--records", str(root), "site", "--output", str(site), "--serve", "--port"]
    result = run(*serve, "70000")
    assert result.exit_code == 2 and "--port" in result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run(*serve, port)
    assert result.exit_code == 2
    assert f"--port {port}: cannot serve" in result.output
    assert not site.exists()  # refused before building, not after


@pytest.mark.parametrize("stopping", [False, True])
def test_a_rebuild_that_fails_is_said_and_the_watching_goes_on(
    stopping: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any failure of a rebuild while serving (here one like a git child killed by Ctrl+C)
    is said in one line and returns, so that the watcher thread keeps watching; once the
    server is stopping, nothing is said."""
    from mou.cli.site import _rebuild
    from mou.history import GitError

    def build() -> None:
        raise GitError("git cat-file failed")

    stop = threading.Event()
    if stopping:
        stop.set()
    _rebuild(build, stop)  # returns: no exception ends the watcher
    said = capsys.readouterr().err
    assert said == ("" if stopping else "mou: the site was not rebuilt: git cat-file failed\n")


def test_serve_rebuilds_when_a_record_changes(base_tree: Tree, tmp_path: Path) -> None:
    from mou.site_build import make_site
    from mou.site_serve import server, watch

    root = base_tree({"exchanges/2024-01-10-a.yaml": ACTIVITY_FREE_EXCHANGE})
    site = tmp_path / "site"
    options = SiteOptions(date(2024, 12, 31))
    make_site(root, site, options, parallel=False)
    httpd = server(site, 0)
    stop = threading.Event()
    rebuilt = threading.Event()

    def rebuild() -> None:
        make_site(root, site, options, parallel=False)
        rebuilt.set()

    threads = [
        threading.Thread(target=httpd.serve_forever),
        threading.Thread(target=watch, args=(root, rebuild, stop, 0.05)),
    ]
    for thread in threads:
        thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_port}"
        assert httpd.server_address[0] == "127.0.0.1"
        with urllib.request.urlopen(f"{base}/en/records/2024-01-10-a.html") as response:
            assert b"<h1>A</h1>" in response.read()
        (root / "exchanges" / "2024-01-10-a.yaml").write_text(
            ACTIVITY_FREE_EXCHANGE.replace("subject: A", "subject: Changed")
        )
        assert rebuilt.wait(20)
        with urllib.request.urlopen(f"{base}/en/records/2024-01-10-a.html") as response:
            assert b"<h1>Changed</h1>" in response.read()
        for hidden in (".mou-site-keys", ".mou-site", "en/.%6Dou", "en/../.mou-site"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{base}/{hidden}")
            refused.value.close()
            assert refused.value.code == 404, hidden
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        for thread in threads:
            thread.join()


@pytest.mark.parametrize(
    "workflow", [REPO / ".github/workflows/records.yml", REPO / "mou/scaffold/records.yml"]
)
def test_pages_job_is_optional_and_builds_the_site(
    workflow: Path, tmp_path: Path, run: Run
) -> None:
    from mou.parse import parse

    jobs = parse(workflow.read_bytes(), workflow.name).value["jobs"]
    job = jobs["site"]
    assert job["if"].startswith("vars.MOU_PAGES == 'true'")  # off unless turned on
    assert job["needs"] == "validate" and job["permissions"]["pages"] == "write"
    uses = [step.get("uses", "").split("@")[0] for step in job["steps"]]
    assert uses[-3:] == [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    (build,) = [step["run"] for step in job["steps"] if step.get("name") == "Build the site"]
    arguments = build.split()[1:]  # mou --records records site --output _site
    assert arguments[:2] == ["--records", "records"] and "_site" in arguments
    output = str(tmp_path / "_site")
    arguments = [output if a == "_site" else a for a in arguments]
    arguments[1] = str(REPO / "records")
    assert run(*arguments).exit_code == 0
    assert (tmp_path / "_site" / "ru" / "index.html").is_file()


BIDI: dict[str, str | bytes] = {
    "meetings/2024-03-02-bidi.yaml": """kind: meeting
type: consultation
title: "Seminar \\u202eTITLE gnp.exe"
date: 2024-03-02
status: held
location: "Minsk \\u2067isolate \\x1b[31mred"
format: online
organizer: cis
observers: [iom]
summary: "\\u202d\\u202a\\u200f text"
""",
}


def test_bidi_and_control_characters_are_shown_not_obeyed(
    base_tree: Tree, tmp_path: Path, run: Run
) -> None:
    """An unclosed right-to-left override in a title would turn the page's own words around
    it (a date, the memorandum's name in <title>): on every page it is shown escaped."""
    from mou.escape import has_unsafe

    root = base_tree(BIDI)
    site = tmp_path / "site"
    result = run("--records", str(root), "site", "--as-of", "2024-12-31", "--output", str(site))
    assert result.exit_code == 0
    for page in [*pages(site), site / "assets" / "search-index.js"]:
        assert not has_unsafe(page.read_text("utf-8"), newlines=True), page
    record = (site / "en" / "records" / "2024-03-02-bidi.html").read_text("utf-8")
    assert "<title>Seminar \\u202eTITLE gnp.exe" in record
    assert "Minsk \\u2067isolate \\x1b[31mred" in record
