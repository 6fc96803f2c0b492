"""The interactive map in a real browser: hover text read from the page, offline, from file://.

Headless Debian Chromium driven by Selenium (the ``browser`` fixture of ``conftest.py``),
network cut off. The map is saved with :func:`clvlib.geo.save_interactive`, opened
from disk, and the mouse is moved over a province: plotly's hover label must give
the names (English and Khmer script), the country, the status on the date, the
membership dates and the sources.
"""

from __future__ import annotations

import os

import pytest

from clvlib import geo
from test_browser import _requests

needs_mirror = pytest.mark.skipif(not os.environ.get("CLVLIB_MIRROR"), reason="boundary mirror not set")


HOVER_AT = """
const gd = document.querySelector('.js-plotly-plot');
const trace = gd.data.findIndex(t => t.meta && t.meta.code === arguments[0]);
const m = gd.data[trace].meta, xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
const drag = gd.querySelector('.nsewdrag').getBoundingClientRect();
const box = gd.getBoundingClientRect();
// from the centre of the drag layer, where Selenium's offsets start
return [box.left + xa._offset + xa.l2p(m.x) - (drag.left + drag.width / 2),
        box.top + ya._offset + ya.l2p(m.y) - (drag.top + drag.height / 2)];
"""


def _hover_text(driver, code: str) -> str:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    dx, dy = driver.execute_script(HOVER_AT, code)
    drag = driver.find_element(By.CSS_SELECTOR, ".js-plotly-plot .nsewdrag")
    ActionChains(driver).move_to_element_with_offset(drag, int(dx), int(dy)).perform()
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.querySelectorAll('.hoverlayer .hovertext').length"))
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.hoverlayer .hovertext'))"
        ".map(h => Array.from(h.querySelectorAll('tspan.line')).map(t => t.textContent).join('\\n')"
        " || h.textContent).join('\\n');")


@needs_mirror
def test_hover_shows_names_country_status_dates_and_sources(browser, tmp_path):
    path = geo.save_interactive(geo.interactive_map("2024-09-19"), tmp_path / "map.html")
    browser.get_log("performance")
    browser.get(path.as_uri())
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors
    remote = [u for u in _requests(browser) if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert not remote   # offline: plotly.js is inside the file
    text = _hover_text(browser, "KH-16")
    assert "Ratanakiri" in text and "រតនគិរី" in text
    assert "Cambodia, KH-16" in text
    assert "on 2024-09-19: member" in text
    assert "in the triangle from 2002-01-26 until 2024-09-20" in text
    assert "sources:" in text and "Cambodia News Gazette (2024)" in text
    # another province, another pop-up: the label follows the mouse, it is not one fixed text
    text = _hover_text(browser, "LA-AT")
    assert "Attapeu" in text and "Laos, LA-AT" in text and "Ratanakiri" not in text
    assert browser.save_screenshot(str(tmp_path / "hover.png"))
