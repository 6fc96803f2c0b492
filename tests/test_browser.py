"""Both editions of the book in a real browser: headless Debian Chromium driven by Selenium.

Every page is opened from disk (file://) with the network cut off; the test
fails on a console error, on any request that is not to a local file or an
inline resource, on a figure that does not load, on a page without the
sidebar, on a search from file:// that finds nothing, on a solution visible
before its toggle is clicked, and on Khmer text not drawn with the bundled
font. Screenshots of every page are saved under ``_build/screenshots/``.

``make test`` installs Chromium and its driver (Debian's ``chromium`` and
``chromium-driver``) and sets ``CLVLIB_REQUIRE_BROWSER=1``, so on CI a missing
browser is a failure, not a skip.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from clvlib import geo, site
from conftest import ROOT

SCREENSHOTS = ROOT / "_build" / "screenshots"


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _open(driver, page: Path, query: str = "") -> None:
    driver.get_log("browser")        # drop what earlier pages logged
    driver.get_log("performance")
    driver.get(page.as_uri() + query)
    driver.execute_script("return document.readyState")


def _wait(driver, script: str, *args, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script, *args)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.mark.parametrize("edition", ["built_site", "built_student_site"])
def test_every_page_loads_offline_with_sidebar_and_figures(browser, edition, request):
    root: Path = request.getfixturevalue(edition)
    shots = SCREENSHOTS / root.name
    shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(p for p in root.glob("*.html") if p.name not in {"genindex.html"})
    assert len(pages) >= len(site.notebooks()) + 5
    figures = 0
    for page in pages:
        _open(browser, page)
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, (page.name, errors)
        remote = [u for u in _requests(browser)
                  if not u.startswith(("file:", "data:", "blob:", "about:"))]
        assert not remote, (page.name, remote)
        # the series in the sidebar, the current page marked
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('.bd-sidebar-primary nav a.reference'))"
            ".map(a => [a.getAttribute('href'), a.classList.contains('current')"
            " || a.parentElement.classList.contains('current')]);")
        hrefs = {page.name if current else h for h, current in links}
        assert all(f"{p.stem}.html" in hrefs for p in site.notebooks()), (page.name, hrefs)
        if page.name != "search.html":      # the search page is not in the table of contents
            assert [h for h, current in links if current] == ["#"], (page.name, links)
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt]);")
        assert all(done and width > 0 for done, width, _ in images), (page.name, images)
        assert len(images) == page.read_text(encoding="utf-8").count("<img "), page.name
        figures += len(images)
        if page.stem in {p.stem for p in site.notebooks()}:
            # an in-page outline and previous/next links
            assert browser.execute_script(
                "return document.querySelectorAll('.bd-sidebar-secondary nav a').length") >= 3
            assert browser.execute_script(
                "return document.querySelectorAll('.prev-next-area a').length") >= 1
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, min(int(height), 12000))
        assert browser.save_screenshot(str(shots / f"{page.stem}.png"))
        browser.set_window_size(1280, 1000)
        assert (shots / f"{page.stem}.png").stat().st_size > 10_000
    assert figures >= 10    # the series' matplotlib figures all loaded


@pytest.mark.parametrize("word", ["Khmer", "Funan", "ratification"])
def test_search_works_from_file_urls(browser, built_site, word):
    _open(browser, built_site / "search.html", f"?q={word}")
    found = _wait(browser, "const r = document.querySelectorAll('#search-results li');"
                           "return r.length ? Array.from(r).map(li => li.querySelector('a')"
                           ".getAttribute('href')) : null;")
    assert found, word
    assert all((built_site / href.split("#")[0].split("?")[0]).is_file() for href in found)


def test_a_search_for_nonsense_finds_nothing(browser, built_site):
    # the search above can fail: it reports no result for a word on no page
    _open(browser, built_site / "search.html", "?q=qzxjvkwplm")
    assert _wait(browser, "return document.querySelector('#search-results p') !== null "
                          "&& document.querySelectorAll('#search-results li').length === 0;")


def test_solutions_stay_hidden_until_their_toggle_is_clicked(browser, built_site, built_student_site):
    _open(browser, built_site / "01_history.html")
    toggles = browser.find_elements(
        "xpath", "//details[contains(@class,'hide')][.//p[contains(@class,'collapsed') and "
                 "normalize-space()='Show solution']]")
    assert toggles
    for details in toggles:
        code = details.find_element("css selector", ".cell_input")
        assert details.get_attribute("open") is None and not code.is_displayed()
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", details)
        details.find_element("tag name", "summary").click()
        assert details.get_attribute("open") is not None
        assert _wait(browser, "return arguments[0].getClientRects().length > 0 && "
                              "arguments[0].getBoundingClientRect().height > 5;", code), details.text
    _open(browser, built_student_site / "01_history.html")
    assert "Show solution" not in browser.page_source


def test_khmer_text_uses_the_bundled_font(browser, built_student_site):
    _open(browser, built_student_site / "bibliography.html")
    browser.set_script_timeout(30)
    fonts = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => done(Array.from(document.fonts)"
        ".map(f => [f.family.replace(/\"/g, ''), f.status])));")
    loaded = {family for family, status in fonts if status == "loaded"}
    assert "clvlib Noto Sans Khmer" in loaded, fonts
    # and it was fetched from the site itself
    font_files = [u for u in _requests(browser) if u.endswith(".woff2")]
    assert font_files and all(u.startswith((built_student_site / "_static").as_uri()) for u in font_files)


def test_interactive_map_draws_every_province(browser, built_site):
    expected = len(geo.interactive_map("2024-09-19").data)   # the figure the notebook shows
    _open(browser, built_site / "04_geography.html")
    drawn = _wait(browser,
                  "return Array.from(document.querySelectorAll('.js-plotly-plot .scatterlayer .trace'))"
                  ".filter(t => { const p = t.querySelector('path.js-fill');"
                  " return p && (p.getAttribute('d') || '').length > 10; }).length;")
    assert drawn == expected > 100
    assert browser.execute_script(
        "const p = document.querySelector('.js-plotly-plot'); return !!(p && p._fullLayout);")


def test_folded_boxes_open_only_when_clicked(browser, built_site):
    # the data page's source lists use the same folded box as Markdown model answers and
    # teacher notes (sphinx-togglebutton's dropdown admonition)
    pages = [built_site / "data.html"] + [built_site / f"{p.stem}.html" for p in site.notebooks()]
    boxes_seen = 0
    for page in pages:
        _open(browser, page)
        boxes = browser.find_elements("css selector", ".admonition.dropdown")
        for box in boxes[:3]:
            body = box.find_elements("css selector", ":scope > :not(.admonition-title)")
            assert body and not any(b.is_displayed() for b in body), page.name
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
            box.find_element("css selector", ".admonition-title").click()
            assert _wait(browser, "return Array.from(arguments[0].children).some(c => "
                                  "!c.classList.contains('admonition-title') && c.offsetHeight > 0);",
                         box), page.name
            boxes_seen += 1
    assert boxes_seen >= 3
