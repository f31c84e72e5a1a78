"""The demo's site in headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
selenium): every page loads with no console error and no failed or outside request, axe-core
finds no serious or critical accessibility violation, the keyboard reaches the search and the
language switch, and the search finds records. One browser for the whole module.

Skipped, with the reason, where Chromium, its driver or selenium is missing; `.ci/run`
installs them, so CI always runs these.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, CHROMIUM_FLAGS

DRIVER = shutil.which("chromedriver")
selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install .[dev])")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Chromium or its driver is not installed (apt-get install chromium chromium-driver)",
)

RECORD = "records/2024-05-14-conference-irregular-migration.html"
AUDITED = ["index.html", "clauses/1.2.html", RECORD, "reviews/2024.html", "search.html"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, "--window-size=1280,900"):
        options.add_argument(flag.replace("--headless", "--headless=new"))
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def requests_of(browser: Any) -> tuple[list[str], list[str]]:
    """The URLs the page asked for, and the ones that failed, since the last call."""
    asked, failed = [], []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            asked.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.loadingFailed":
            failed.append(f"{message['params'].get('errorText')}: {message['params']}")
    return asked, failed


def test_every_page_loads_cleanly(browser: Any, demo_site: Path) -> None:
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 150
    browser.get_log("browser")
    requests_of(browser)
    for page in pages:
        browser.get(page.as_uri())
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, f"{page}: {errors}"
        asked, failed = requests_of(browser)
        assert not failed, f"{page}: {failed}"
        outside = [url for url in asked if not url.startswith(demo_site.as_uri())]
        assert not outside, f"{page}: requests outside the site: {outside}"
        assert browser.find_element("css selector", "h1").text.strip(), page


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_serious_accessibility_violation(browser: Any, demo_site: Path, language: str) -> None:
    from axe_selenium_python import Axe

    for page in AUDITED:
        browser.get((demo_site / language / page).as_uri())
        axe = Axe(browser)
        axe.inject()
        results = axe.run()
        serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"{language}/{page}: {axe.report(serious)}"


def test_keyboard_reaches_search_and_language_switch(browser: Any, demo_site: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get((demo_site / "en" / RECORD).as_uri())
    reached = set()
    for _ in range(30):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        reached.add(active.get_attribute("id") or active.get_attribute("hreflang") or "")
    assert {"q", "ru"} <= reached
    # Enter on the focused Russian link opens the same record in Russian.
    browser.find_element("css selector", 'a[hreflang="ru"]').send_keys(Keys.ENTER)
    WebDriverWait(browser, 30).until(lambda driver: driver.current_url.endswith("/ru/" + RECORD))


def test_search_finds_records(browser: Any, demo_site: Path) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get((demo_site / "ru" / "index.html").as_uri())
    field = browser.find_element("id", "q")
    field.send_keys("бюллетень", Keys.ENTER)  # a Russian word of the exchanges' subjects
    # The index is fetched when the search is first used: wait for the results, not a time.
    WebDriverWait(browser, 30).until(
        lambda driver: len(driver.find_elements("css selector", "#results li a")) >= 2
    )
    links = browser.find_elements("css selector", "#results li a")
    assert len(links) >= 2
    assert all("/ru/records/" in link.get_attribute("href") for link in links)
    links[0].click()
    assert "бюллетень" in browser.find_element("css selector", "h1").text.lower()
