"""The built site in a real browser: headless Debian Chromium driven by Selenium.

Every page is opened from disk (file://) with the network cut off; the test
fails on a console error, on any request that is not to a local file or an
inline resource, on a figure that does not load, and on an interactive map
that draws fewer provinces than the figure holds. Screenshots of every page
are saved under ``_build/screenshots/`` for slides and for review.

``make test`` installs Chromium and its driver (Debian's ``chromium`` and
``chromium-driver``) and sets ``CLVLIB_REQUIRE_BROWSER=1``, so on CI a missing
browser is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from clvlib import geo, site
from conftest import ROOT

SCREENSHOTS = ROOT / "_build" / "screenshots"


def _browser_paths() -> tuple[str, str] | None:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (binary, driver) if binary and driver else None


@pytest.fixture(scope="module")
def browser():
    paths = _browser_paths()
    if paths is None:
        message = ("headless Chromium not found: install Debian's chromium and chromium-driver "
                   "(`make browser` does it as root)")
        if os.environ.get("CLVLIB_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--allow-file-access-from-files",
                # no network at all: a page that needs another host cannot hide it
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(paths[1]), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _open(driver, page: Path) -> None:
    driver.get_log("browser")        # drop what earlier pages logged
    driver.get_log("performance")
    driver.get(page.as_uri())
    driver.execute_script("return document.readyState")


def test_every_page_loads_offline_without_errors(browser, built_site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = sorted(built_site.glob("*.html"))
    assert len(pages) == len(site.notebooks()) + 3
    figures = 0
    for page in pages:
        _open(browser, page)
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, (page.name, errors)
        remote = [u for u in _requests(browser)
                  if not u.startswith(("file:", "data:", "blob:", "about:"))]
        assert not remote, (page.name, remote)
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth]);")
        assert all(done and width > 0 for done, width in images), (page.name, images)
        assert len(images) == page.read_text(encoding="utf-8").count("<img "), page.name
        figures += len(images)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, min(int(height), 12000))
        assert browser.save_screenshot(str(SCREENSHOTS / f"{page.stem}.png"))
        browser.set_window_size(1280, 1000)
        assert (SCREENSHOTS / f"{page.stem}.png").stat().st_size > 10_000
    assert figures >= 10    # the series' matplotlib figures all loaded


def test_interactive_map_draws_every_province(browser, built_site):
    expected = len(geo.interactive_map("2024-09-19").data)   # the figure the notebook shows
    _open(browser, built_site / "04_geography.html")
    drawn = browser.execute_script(
        "return Array.from(document.querySelectorAll('.js-plotly-plot .scatterlayer .trace'))"
        ".filter(t => { const p = t.querySelector('path.js-fill');"
        " return p && (p.getAttribute('d') || '').length > 10; }).length;")
    assert drawn == expected > 100
    # hovering is wired: the plot registered its event handlers
    assert browser.execute_script(
        "const p = document.querySelector('.js-plotly-plot'); return !!(p && p._fullLayout);")
