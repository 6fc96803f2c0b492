"""Faults of the site's helpers: a hanging Chromium, damaged font packages, stamps and logs.

Every test here is fast: Chromium and npm are replaced by small stand-ins.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import nbformat
import pytest

from clvlib.site import book, fonts, handouts

# ---------------------------------------------------------------- handouts


def _fake_chromium(monkeypatch, script: str) -> list[dict]:
    """Run ``python -c script <pdf>`` instead of Chromium; record each start."""
    started: list[dict] = []
    real_popen = subprocess.Popen

    def command(binary, page, pdf, profile):
        started.append({"pdf": Path(pdf), "profile": Path(profile)})
        return [sys.executable, "-c", script, str(pdf)]

    def popen(*args, **kw):
        proc = real_popen(*args, **kw)
        started[-1]["proc"] = proc
        return proc

    monkeypatch.setattr(handouts, "browser", lambda: "chromium")
    monkeypatch.setattr(handouts, "_command", command)
    monkeypatch.setattr(handouts.subprocess, "Popen", popen)
    return started


def _page(tmp_path: Path, name: str = "01_x.html", text: str = "<p>x</p>") -> Path:
    page = tmp_path / "site" / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text)
    return page


def test_hanging_chromium_is_killed_and_reported(tmp_path, monkeypatch):
    started = _fake_chromium(monkeypatch, "import time; time.sleep(60)")
    monkeypatch.setattr(handouts, "TIMEOUT", 0.5)
    cache = tmp_path / "cache"
    with pytest.raises(handouts.HandoutError, match="01_x.html.*within 0.5 s") as info:
        handouts.print_pages([_page(tmp_path)], tmp_path / "out", cache)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert len(started) == 1
    proc = started[0]["proc"]
    assert proc.returncode is not None and proc.returncode < 0      # killed, not left running
    assert not started[0]["profile"].exists()
    assert list(cache.iterdir()) == []                              # no half-written print


def test_prints_use_unique_temporary_names_and_keep_other_builds_files(tmp_path, monkeypatch):
    started = _fake_chromium(
        monkeypatch, "import sys; open(sys.argv[1], 'wb').write(b'%PDF-1.4 fake')")
    cache = tmp_path / "cache"
    cache.mkdir()
    other = cache / ".01_x-abc.pdf.tmp"          # another build's print in progress
    other.write_bytes(b"")
    page = _page(tmp_path)
    [out] = handouts.print_pages([page], tmp_path / "out", cache)
    assert out.read_bytes() == b"%PDF-1.4 fake"
    for old in cache.glob("01_x-*.pdf"):
        old.unlink()
    handouts.print_pages([page], tmp_path / "out", cache)
    first, second = (s["pdf"] for s in started)
    assert first != second and first.parent == cache and first.name.endswith(".pdf.tmp")
    assert other.exists()
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [other.name, f"01_x-{hashlib.sha256(page.read_bytes()).hexdigest()[:20]}.pdf"])


def test_chromium_without_pdf_is_an_error_and_leaves_nothing(tmp_path, monkeypatch):
    _fake_chromium(monkeypatch, "raise SystemExit(3)")
    cache = tmp_path / "cache"
    with pytest.raises(handouts.HandoutError, match="exit status 3"):
        handouts.print_pages([_page(tmp_path)], tmp_path / "out", cache)
    assert list(cache.iterdir()) == []

# ---------------------------------------------------------------- fonts


FAKE = {400: b"wOF2 regular", 700: b"wOF2 bold"}


def _fake_font() -> fonts.Font:
    return fonts.Font("@fontsource/fake-sans", "1.2.3", "fake-sans", "fake", "clvlib Fake",
                      "U+0000-00FF", tuple(hashlib.sha256(FAKE[w]).hexdigest()
                                           for w in fonts.WEIGHTS))


def _fake_npm(monkeypatch, members: dict[str, bytes]) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(args, cwd, **kw):
        calls.append(list(args))
        with tarfile.open(Path(cwd) / "fontsource-fake-sans-1.2.3.tgz", "w:gz") as tar:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(fonts, "FONTS", (_fake_font(),))
    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(fonts.subprocess, "run", run)
    return calls


def _package(**override: bytes) -> dict[str, bytes]:
    members = {f"package/files/fake-sans-fake-{w}-normal.woff2": FAKE[w] for w in fonts.WEIGHTS}
    members["package/LICENSE"] = b"SIL Open Font License"
    members.update(override)
    return members


def test_fonts_are_fetched_pinned_and_checked(tmp_path, monkeypatch):
    calls = _fake_npm(monkeypatch, _package())
    folder = fonts.ensure_fonts(tmp_path / "fonts")
    assert calls == [["/usr/bin/npm", "pack", "--silent", "@fontsource/fake-sans@1.2.3"]]
    assert (folder / "fake-sans-fake-700-normal.woff2").read_bytes() == FAKE[700]
    assert (folder / "fake-sans-LICENSE.txt").read_bytes() == b"SIL Open Font License"
    fonts.ensure_fonts(folder)
    assert len(calls) == 1                                   # intact: not fetched again


def test_package_missing_a_font_file_is_a_font_error(tmp_path, monkeypatch):
    members = _package()
    del members["package/files/fake-sans-fake-700-normal.woff2"]
    _fake_npm(monkeypatch, members)
    with pytest.raises(fonts.FontError, match="has no package/files/fake-sans-fake-700-normal"):
        fonts.ensure_fonts(tmp_path / "fonts")
    assert not (tmp_path / "fonts").exists() or list((tmp_path / "fonts").iterdir()) == []


def test_font_with_another_hash_is_refused(tmp_path, monkeypatch):
    _fake_npm(monkeypatch, _package(**{"package/files/fake-sans-fake-400-normal.woff2": b"evil"}))
    with pytest.raises(fonts.FontError, match="fake-400-normal.woff2 has SHA-256 .*expected"):
        fonts.ensure_fonts(tmp_path / "fonts")
    assert not (tmp_path / "fonts").exists() or list((tmp_path / "fonts").iterdir()) == []


def test_truncated_font_file_is_fetched_again(tmp_path, monkeypatch):
    calls = _fake_npm(monkeypatch, _package())
    folder = fonts.ensure_fonts(tmp_path / "fonts")
    (folder / "fake-sans-fake-400-normal.woff2").write_bytes(FAKE[400][:3])   # cut short
    fonts.ensure_fonts(folder)
    assert len(calls) == 2
    assert (folder / "fake-sans-fake-400-normal.woff2").read_bytes() == FAKE[400]
    assert not list(folder.glob("*.tmp"))


def test_recorded_hashes_are_sha256_hex():
    for font in fonts.FONTS:
        assert font.version.count(".") == 2
        assert all(len(h) == 64 and int(h, 16) >= 0 for h in font.sha256)
        assert len(font.sha256) == len(fonts.WEIGHTS)

# ---------------------------------------------------------------- book


def test_sphinx_failure_with_missing_log_folder_is_a_sphinx_error(tmp_path):
    src = tmp_path / "src"
    src.mkdir()                                   # no conf.py: Sphinx refuses to start
    log = tmp_path / "logs" / "deep" / "sphinx.log"
    with pytest.raises(book.SphinxBuildError, match="could not build the book"):
        book.run_sphinx(src, tmp_path / "html", tmp_path / "doctrees", log)
    assert log.is_file() and log.read_text().count("--- warnings ---") == 1


def test_damaged_stamp_means_not_up_to_date(tmp_path, monkeypatch):
    books = tmp_path / "nb"
    books.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 00 · T")]),
                   books / "00_t.ipynb")
    out = tmp_path / "out"
    final = out / book.EDITIONS["student"]
    final.mkdir(parents=True)
    (final / book.STAMP).write_text('{"digest": "12')           # cut short

    class Rebuilding(Exception):
        pass

    def stop(path):
        raise Rebuilding(path)

    monkeypatch.setattr(book.teach, "read_notebook", stop)   # the first step of a rebuild
    with pytest.raises(Rebuilding):
        book.build(out, notebooks=books, student=True, handouts_pdf=False,
                   fonts_dir=tmp_path / "fonts", log=lambda m: None)
    (final / book.STAMP).write_text(json.dumps(["not", "a", "stamp"]))
    with pytest.raises(Rebuilding):
        book.build(out, notebooks=books, student=True, handouts_pdf=False,
                   fonts_dir=tmp_path / "fonts", log=lambda m: None)
