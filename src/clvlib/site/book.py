"""Build the book: source folder, Sphinx + myst-nb + sphinx-book-theme, editions, atomic swap.

``build(out)`` writes the teacher edition to ``out/site/``; ``build(out,
student=True)`` the student edition to ``out/site-student/``. Steps, all inside
``out``:

1. check the notebook folder and read every notebook (a missing or empty
   folder, or a notebook that is not valid JSON, is a named error before
   anything is touched);
2. if nothing that goes into the edition changed since the last build, stop:
   the site is up to date;
3. take each notebook's executed version from the execution cache
   (``out/.jupyter_cache``), running the stale ones in parallel;
4. write the book source (``out/.book/<edition>/src``: ``conf.py``, landing
   page, notebooks as the edition shows them, data, bibliography, guide,
   glossary and gallery pages, downloads, fonts and stylesheet), changing only
   files whose content changed, so that Sphinx re-reads only those;
5. run Sphinx (doctrees and HTML kept in ``out/.book/<edition>``), copy the HTML
   to a new folder, print the handouts (student edition), then swap it in
   atomically: the old site is renamed aside, the new one moved in, and only
   then is the old one deleted. An error or Ctrl-C at any point leaves the
   previous site whole.

Examples
--------
>>> EDITIONS["student"]
'site-student'
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from clvlib import teach
from clvlib.errors import ClvlibError
from clvlib.site import execute, fonts, handouts, pages
from clvlib.site.editions import conf_py, edition_notebook

EDITIONS = {"teacher": "site", "student": "site-student"}
STAMP = ".clvlib-build.json"
ROOT = Path(__file__).resolve().parents[3]


class BuildInterrupted(ClvlibError):
    """The build was interrupted (Ctrl-C); the previous site is left as it was."""


class SphinxBuildError(ClvlibError):
    """Sphinx could not build the book."""


def _log(message: str) -> None:
    print(f"clvlib build: {message}", file=sys.stderr, flush=True)


def _write(path: Path, content: str | bytes, written: set[Path]) -> None:
    """Write a file only when its content changes (so Sphinx re-reads only what changed)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    written.add(path)
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _prune(folder: Path, keep: set[Path]) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def write_source(src: Path, books: list[tuple[Path, Any]], executed: dict[Path, Any], *,
                 student: bool, data_dir: Path | None, fonts_dir: Path,
                 with_handouts: bool) -> list[pages.Figure]:
    """Write the book source folder of an edition; return the figures of the gallery.

    Examples
    --------
    See :func:`build`, which calls it with the executed notebooks::

        write_source(Path("_build/.book/teacher/src"), books, executed, student=False, ...)
    """
    import nbformat

    from clvlib import guide
    from clvlib.data import _catalog, load

    src = Path(src)
    src.mkdir(parents=True, exist_ok=True)
    written: set[Path] = set()
    entries = pages.apa_entries(data_dir)   # every source formatted once, for the links and the page
    apa = pages.apa_index(entries=entries)
    ids = set(load("sources", data_dir=data_dir)["source_id"].astype(str))
    _write(src / "conf.py", conf_py(student=student), written)
    _write(src / "index.md", pages.landing(books, student=student, root=ROOT), written)
    figs: list[pages.Figure] = []
    for path, nb in books:
        shown = edition_notebook(executed[path], path.stem, student=student, apa=apa, ids=ids,
                                 with_handout=with_handouts)
        _write(src / path.name, nbformat.writes(shown), written)
        _write(src / "downloads" / "student" / path.name,
               nbformat.writes(teach.student_copy(nb)), written)
        if not student:
            _write(src / "downloads" / "teacher" / path.name, path.read_bytes(), written)
        figs += pages.figures(executed[path], path.stem)
    cat = _catalog(data_dir)
    for name in cat.names:
        csv = cat.data_dir / cat.table(name).resource["path"]
        _write(src / "data" / csv.name, csv.read_bytes(), written)
    _write(src / "data" / "datapackage.json", (cat.data_dir / "datapackage.json").read_bytes(),
           written)
    _write(src / "data.md", pages.data_page(data_dir), written)
    _write(src / "bibliography.md", pages.bibliography_page(data_dir, entries=entries), written)
    if not student:
        _write(src / "guide.md", guide.guide_markdown([p for p, _ in books]), written)
    _write(src / "glossary.md", guide.glossary_markdown(data_dir=data_dir), written)
    gallery_tmp = src / ".gallery-new"
    shutil.rmtree(gallery_tmp, ignore_errors=True)
    page = pages.gallery_page(figs, gallery_tmp)
    for file in sorted(gallery_tmp.iterdir()):
        _write(src / "gallery" / file.name, file.read_bytes(), written)
    shutil.rmtree(gallery_tmp, ignore_errors=True)
    _write(src / "gallery.md", page, written)
    css = fonts.font_css("fonts/") + (Path(__file__).parent / "static" / "clvlib.css").read_text(
        encoding="utf-8")
    _write(src / "_static" / "clvlib.css", css, written)
    for file in sorted(fonts_dir.iterdir()):
        _write(src / "_static" / "fonts" / file.name, file.read_bytes(), written)
    _prune(src, written)
    return figs


def run_sphinx(src: Path, html: Path, doctrees: Path, log_file: Path) -> int:
    """Run Sphinx on the book source (incremental: doctrees are kept); return the warning count.

    Examples
    --------
    As :func:`build` calls it::

        run_sphinx(src, Path("_build/.book/teacher/html"), Path("_build/.book/teacher/doctrees"), log)
    """
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    status, warnings = io.StringIO(), io.StringIO()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(str(src), str(src), str(html), str(doctrees), "html",
                         status=status, warning=warnings, freshenv=False, keep_going=True)
            app.build()
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        raise SphinxBuildError(f"Sphinx could not build the book in {src}: {exc} "
                               f"(log: {log_file})") from exc
    finally:                                  # the log is written once, whatever happened
        log_file.write_text(status.getvalue() + "\n--- warnings ---\n" + warnings.getvalue(),
                            encoding="utf-8")
    if app.statuscode != 0:
        raise SphinxBuildError(f"Sphinx could not build the book in {src} (log: {log_file})")
    return sum(1 for line in warnings.getvalue().splitlines() if "WARNING" in line)


def _stamp_digest(stamp: Path) -> str | None:
    """The digest recorded in a build stamp, or ``None`` if it is missing or unreadable.

    Examples
    --------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / STAMP
    >>> _ = bad.write_text('{"digest": "ab')
    >>> _stamp_digest(bad) is None, _stamp_digest(bad.with_name("none")) is None
    (True, True)
    """
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    digest = recorded.get("digest") if isinstance(recorded, dict) else None
    return digest if isinstance(digest, str) else None


def build_digest(notebooks_dir: Path, data_dir: Path | None, *, student: bool,
                 with_handouts: bool) -> str:
    """A digest of everything an edition is made from (data, library, notebooks, citation).

    Examples
    --------
    >>> a = build_digest(teach.NOTEBOOK_DIR, None, student=True, with_handouts=False)
    >>> a != build_digest(teach.NOTEBOOK_DIR, None, student=False, with_handouts=False)
    True
    """
    from importlib.metadata import version

    from clvlib.data import _catalog

    digest = hashlib.sha256(json.dumps({
        "edition": "student" if student else "teacher", "handouts": with_handouts,
        "versions": [version(p) for p in ("sphinx", "myst-nb", "sphinx-book-theme",
                                          "sphinx-togglebutton", "jupyter-cache")],
    }).encode())
    for name, folder in (("data", _catalog(data_dir).data_dir), ("library", execute.PACKAGE_DIR),
                         ("notebooks", Path(notebooks_dir))):
        digest.update(name.encode() + b"\0")
        execute._hash_tree(digest, folder, skip=(".ipynb_checkpoints",))
    cff = ROOT / "CITATION.cff"
    if cff.is_file():
        digest.update(cff.read_bytes())
    return digest.hexdigest()


def _swap(new: Path, final: Path) -> None:
    """Move ``new`` into place as ``final``: old aside, new in, old deleted; never without a site.

    Ctrl-C (or SIGTERM) during the two renames is held back until both are done,
    then raised as ``KeyboardInterrupt``: the new site is whole in place by then.
    """
    aside = final.with_name(f".{final.name}.old")
    shutil.rmtree(aside, ignore_errors=True)
    pending: list[int] = []
    in_main = threading.current_thread() is threading.main_thread()
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, _frame: pending.append(signum))
                for sig in held} if in_main else {}
    try:
        if final.exists():
            final.rename(aside)
        new.rename(final)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    shutil.rmtree(aside, ignore_errors=True)
    if pending:
        raise KeyboardInterrupt


def _recover(final: Path) -> None:
    """A swap cut short (power loss) left the old site aside and no site: put it back."""
    aside = final.with_name(f".{final.name}.old")
    if aside.is_dir() and not final.exists():
        aside.rename(final)


def build(out: Path = Path("_build"), notebooks: Path | None = None,
          data_dir: Path | None = None, *, student: bool = False,
          handouts_pdf: bool | None = None, fonts_dir: Path | None = None,
          log: Any = _log) -> Path:
    """Build an edition of the book under ``out/site/`` (teacher) or ``out/site-student/``.

    Parameters
    ----------
    out : Path
        The build folder (``_build``); the execution cache and the book
        sources live inside it.
    notebooks : Path, optional
        The notebook folder (default: the repository's ``notebooks/``).
    data_dir : Path, optional
        The data folder (default: the repository's ``data/``).
    student : bool
        Build the student edition (no solution, no teacher notes anywhere).
    handouts_pdf : bool, optional
        Print a PDF handout of each notebook page (default: for the student
        edition when Chromium is installed).
    fonts_dir : Path, optional
        Where the bundled fonts are kept (default ``out/.fonts``).

    Returns
    -------
    Path
        The landing page, ``out/site/index.html`` or ``out/site-student/index.html``.

    Examples
    --------
    What ``make site`` and ``make site-student`` run::

        build(Path("_build"))                 # -> Path("_build/site/index.html")
        build(Path("_build"), student=True)   # -> Path("_build/site-student/index.html")
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise teach.OutputPathError(f"build folder '{out}' is an existing file, not a folder")
    edition = "student" if student else "teacher"
    final = out / EDITIONS[edition]
    folder = Path(notebooks) if notebooks else teach.NOTEBOOK_DIR
    paths = teach.notebooks(folder)                       # refuses a missing or empty folder
    if handouts_pdf is None:
        handouts_pdf = student and handouts.browser() is not None
    out.mkdir(parents=True, exist_ok=True)
    _recover(final)
    digest = build_digest(folder, data_dir, student=student, with_handouts=handouts_pdf)
    if _stamp_digest(final / STAMP) == digest:
        log(f"{final} is up to date (nothing changed)")
        return final / "index.html"
    books = [(p, teach.read_notebook(p)) for p in paths]  # names a broken notebook
    work = out / ".book" / edition
    new = out / f".{final.name}.new"
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[phase] = round(now - clock, 2)
        clock = now

    try:
        fonts_folder = fonts.ensure_fonts(Path(fonts_dir) if fonts_dir else out / ".fonts")
        executed, ran = execute.executed_notebooks(books, out / ".jupyter_cache", data_dir, log=log)
        lap("execute")
        if not ran:
            log("every notebook's outputs came from the execution cache")
        figs = write_source(work / "src", books, executed, student=student, data_dir=data_dir,
                           fonts_dir=fonts_folder, with_handouts=handouts_pdf)
        lap("pages")
        warnings = run_sphinx(work / "src", work / "html", work / "doctrees", work / "sphinx.log")
        lap("sphinx")
        if warnings:
            log(f"Sphinx reported {warnings} warning(s): see {work / 'sphinx.log'}")
        shutil.rmtree(new, ignore_errors=True)
        shutil.copytree(work / "html", new, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
        alts = pages.alt_by_image(figs)
        for page in new.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            fixed = pages.apply_alt(text, alts)
            if fixed != text:
                page.write_text(fixed, encoding="utf-8")
        lap("copy")
        if handouts_pdf:
            handouts.print_pages([new / f"{p.stem}.html" for p in paths], new / "handouts",
                                 work / "handouts")
            lap("handouts")
        log("seconds by step: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
        (new / STAMP).write_text(json.dumps({"digest": digest, "edition": edition,
                                             "executed": [p.name for p in ran],
                                             "seconds": seconds}), encoding="utf-8")
        try:
            _swap(new, final)
        except KeyboardInterrupt:
            raise BuildInterrupted(f"build interrupted after the new site was moved into {final}; "
                                   "it is complete") from None
    except KeyboardInterrupt:
        shutil.rmtree(new, ignore_errors=True)
        raise BuildInterrupted(f"build interrupted; the previous site in {final} is unchanged"
                               if final.exists() else "build interrupted; nothing was built") from None
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return final / "index.html"
