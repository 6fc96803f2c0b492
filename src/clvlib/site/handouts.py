"""PDF handouts: each notebook page of the student edition printed by headless Chromium.

Chromium prints the page from disk (``file://``) with the site's print
stylesheet and with every network request refused, so a handout is made
offline. A handout is kept in a cache folder under the digest of the page it
was printed from, so an unchanged page is never printed again.

Examples
--------
>>> browser() is None or Path(browser()).name.startswith("chromium")
True
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from clvlib.cache import write_atomic
from clvlib.errors import ClvlibError

TIMEOUT = 180.0
"""Seconds Chromium may take to print one page before it is killed."""


class HandoutError(ClvlibError):
    """Chromium could not print a page to PDF."""


def browser() -> str | None:
    """The headless browser used for handouts (Debian's ``chromium``), or ``None``.

    Examples
    --------
    >>> browser() is None or isinstance(browser(), str)
    True
    """
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _command(binary: str, page: Path, pdf: Path, profile: str) -> list[str]:
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--allow-file-access-from-files",
            "--run-all-compositor-stages-before-draw", "--virtual-time-budget=8000",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()]


def print_pages(pages: list[Path], target: Path, cache: Path, workers: int = 2) -> list[Path]:
    """Print each HTML page to ``target/<page stem>.pdf``; reuse cached prints of unchanged pages.

    Examples
    --------
    What the student edition's build runs::

        print_pages([site / "01_history.html"], site / "handouts", Path("_build/.book/handouts"))
    """
    binary = browser()
    if binary is None:
        raise HandoutError("PDF handouts need headless Chromium: apt-get install chromium")
    target.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[Path, Path]] = []
    results = []
    for page in pages:
        digest = hashlib.sha256(page.read_bytes()).hexdigest()[:20]
        cached = cache / f"{page.stem}-{digest}.pdf"
        results.append((page, cached))
        if not cached.is_file():
            todo.append((page, cached))
    running: list[tuple[subprocess.Popen, Path, Path, str, Path]] = []
    try:
        while todo or running:
            while todo and len(running) < workers:
                page, cached = todo.pop(0)
                # a unique temporary name in the cache folder: builds sharing it never collide
                fd, tmp = tempfile.mkstemp(dir=cache, prefix=f".{page.stem}-", suffix=".pdf.tmp")
                os.close(fd)            # Chromium overwrites it; an empty file is no PDF
                partial = Path(tmp)
                profile = tempfile.mkdtemp(prefix="clvlib-chromium-")
                try:
                    proc = subprocess.Popen(_command(binary, page, partial, profile),
                                            stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
                except OSError as exc:
                    shutil.rmtree(profile, ignore_errors=True)
                    partial.unlink(missing_ok=True)
                    raise HandoutError(f"cannot start {binary} to print {page.name}: "
                                       f"{exc}") from exc
                running.append((proc, page, cached, profile, partial))
            proc, page, cached, profile, partial = running[0]
            try:
                proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                raise HandoutError(f"Chromium did not print {page.name} to PDF within "
                                   f"{TIMEOUT:g} s (stopped)") from None
            running.pop(0)
            shutil.rmtree(profile, ignore_errors=True)
            ok = (proc.returncode == 0 and partial.is_file()
                  and partial.read_bytes()[:5] == b"%PDF-")
            if not ok:
                partial.unlink(missing_ok=True)
                raise HandoutError(f"Chromium could not print {page.name} to PDF "
                                   f"(exit status {proc.returncode})")
            os.replace(partial, cached)
    finally:
        for proc, _page, _cached, profile, partial in running:
            proc.kill()
            proc.wait()
            shutil.rmtree(profile, ignore_errors=True)
            partial.unlink(missing_ok=True)
    keep = {c for _, c in results}
    for old in cache.glob("*.pdf"):       # temporary prints end in .pdf.tmp: never matched
        if old not in keep:
            old.unlink(missing_ok=True)
    written = []
    for page, cached in results:
        out = target / f"{page.stem}.pdf"
        write_atomic(out, cached.read_bytes())
        written.append(out)
    return written
