"""Shared fixtures: a throw-away copy of the data folder that tests may break."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from clvlib import site

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, as the csv module reads them."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ in a temporary folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def edit(data_copy: Path) -> Callable[..., Path]:
    """Change a CSV of the data copy: ``edit("provinces.csv", fn)`` with fn(header, rows)."""

    def _edit(file: str, change: Callable[[list[str], list[dict[str, str]]], list[str] | None]) -> Path:
        path = data_copy / file
        header, rows = read_rows(path)
        new_header = change(header, rows)
        write_rows(path, new_header or header, rows)
        return data_copy

    return _edit


@pytest.fixture(scope="session")
def site_build_dir(tmp_path_factory) -> Path:
    """One build folder for the session: both editions share its execution cache.

    ``CLVLIB_TEST_BUILD=folder`` reuses a build folder between sessions (the builder's
    cache makes an unchanged site cost about a second).
    """
    reuse = os.environ.get("CLVLIB_TEST_BUILD")
    return Path(reuse) if reuse else tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def built_site(site_build_dir) -> Path:
    """The teacher edition, built once for the session (what `make site` does)."""
    index = site.build(site_build_dir)
    assert index == site_build_dir / "site" / "index.html"
    return index.parent


@pytest.fixture(scope="session")
def built_student_site(site_build_dir, built_site) -> Path:
    """The student edition, built once for the session (what `make site-student` does)."""
    index = site.build(site_build_dir, student=True)
    assert index == site_build_dir / "site-student" / "index.html"
    return index.parent


# ----------------------------------------------------------------------------- the real browser


def _browser_paths() -> tuple[str, str] | None:
    from clvlib.site import handouts  # the tests drive the same Chromium that prints the handouts

    binary = handouts.browser()
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
