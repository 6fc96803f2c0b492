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

import copy
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

EDITIONS = {"teacher": "site", "student": "site-student"}
STAMP = ".clvlib-build.json"
SOURCES_USED_TAG = "sources-used"
ROOT = Path(__file__).resolve().parents[3]


class BuildInterrupted(ClvlibError):
    """The build was interrupted (Ctrl-C); the previous site is left as it was."""


class SphinxBuildError(ClvlibError):
    """Sphinx could not build the book."""


def _log(message: str) -> None:
    print(f"clvlib build: {message}", file=sys.stderr, flush=True)


def _is_sources_used(cell: Any, last_code: bool) -> bool:
    return (SOURCES_USED_TAG in teach.tags(cell)
            or (last_code and "sources_used(" in cell.source))


def _fold(source: str, title: str, css: str) -> str:
    fence = "`" * max(4, max((len(r) for r in _runs(source)), default=0) + 1)
    return f"{fence}{{admonition}} {title}\n:class: dropdown {css}\n\n{source}\n{fence}"


def _runs(text: str) -> list[str]:
    import re

    return re.findall(r"`{3,}", text)


def _link_outputs(cell: Any, apa: dict[str, str], ids: set[str]) -> None:
    for output in cell.get("outputs", []):
        data = output.get("data")
        if not data:
            if output.get("output_type") == "stream":
                text = pages.link_sources(output.get("text", ""), apa, ids)
                output.clear()
                output.update({"output_type": "display_data", "metadata": {},
                               "data": {"text/markdown": text}})
            continue
        text = data.get("text/markdown") or data.get("text/plain")
        if isinstance(text, list):
            text = "".join(text)
        if text:
            data["text/markdown"] = pages.link_sources(text.strip("'\""), apa, ids)
            data.pop("text/html", None)


LONG_SOURCE_LIST = 5


def _sources_listed(cell: Any, apa: dict[str, str]) -> int:
    """How many bibliography entries a code cell's outputs print."""
    import html as _html

    text = []
    for output in cell.get("outputs", []):
        for value in output.get("data", {}).values():
            text.append(value if isinstance(value, str) else "".join(value)
                        if isinstance(value, list) else "")
        text.append(output.get("text", "") if isinstance(output.get("text"), str) else "")
    joined = _html.unescape(" ".join(text))
    return sum(1 for entry in apa if entry[:60] in joined)


def edition_notebook(nb: Any, stem: str, *, student: bool, apa: dict[str, str], ids: set[str],
                     with_handout: bool = False) -> Any:
    """The executed notebook as an edition shows it.

    Teacher: each ``solution`` code cell folded under a *Show solution* toggle,
    each Markdown solution and ``teacher-notes`` cell in a folded box. Student:
    the student copy (:func:`clvlib.teach.student_copy`). Both: the
    ``sources-used`` cell folded, its source ids linked to the bibliography,
    figures given their alt text, a line of downloads after the header.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"),
    ...     nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["solution"]})])
    >>> t = edition_notebook(nb, "00_t", student=False, apa={}, ids=set())
    >>> t.cells[2].metadata.tags, t.cells[2].metadata.mystnb["code_prompt_show"]
    (['solution', 'hide-cell'], 'Show solution')
    >>> edition_notebook(nb, "00_t", student=True, apa={}, ids=set()).cells[2].source[:16]
    '# Your answer he'
    """
    import nbformat

    nb = teach.student_copy(nb) if student else copy.deepcopy(nb)
    pages.set_alt_text(nb)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    last_code = code_cells[-1] if code_cells else -1
    for index, cell in enumerate(nb.cells):
        cell_tags = teach.tags(cell)
        if cell.cell_type == "code" and _is_sources_used(cell, index == last_code):
            cell.metadata["tags"] = [*cell_tags, "hide-cell"]
            cell.metadata["mystnb"] = {"code_prompt_show": "Show the sources used",
                                       "code_prompt_hide": "Hide the sources used"}
            _link_outputs(cell, apa, ids)
        elif cell.cell_type == "code" and _sources_listed(cell, apa) >= LONG_SOURCE_LIST:
            # a table description or a bibliography printed in the story: fold it
            cell.metadata["tags"] = [*cell_tags, "hide-output"]
            cell.metadata["mystnb"] = {
                "code_prompt_show": f"Show the output (it lists {_sources_listed(cell, apa)} sources)",
                "code_prompt_hide": "Hide the output"}
        elif teach.SOLUTION_TAG in cell_tags and cell.cell_type == "code":
            cell.metadata["tags"] = [*cell_tags, "hide-cell"]
            cell.metadata["mystnb"] = {"code_prompt_show": "Show solution",
                                       "code_prompt_hide": "Hide solution"}
        elif teach.SOLUTION_TAG in cell_tags:
            cell.source = _fold(cell.source, "Solution (model answer)", "clv-solution")
        elif teach.TEACHER_NOTES_TAG in cell_tags:
            cell.source = _fold(cell.source, "Notes for the teacher", "clv-teacher-notes")
        if cell.cell_type == "markdown":
            cell.source = pages.link_cited_ids(cell.source, ids)
    links = [f"{{download}}`student copy <downloads/student/{stem}.ipynb>`"]
    if not student:
        links.insert(0, f"{{download}}`teacher copy (with solutions) <downloads/teacher/{stem}.ipynb>`")
    if with_handout:
        links.append(f'<a href="handouts/{stem}.pdf">PDF handout</a>')
    bar = nbformat.v4.new_markdown_cell(
        '<div class="clv-downloads">\n\n**Open in JupyterLab:** ' + " · ".join(links) + "\n\n</div>")
    bar["id"] = "clvlib-downloads"
    nb.cells.insert(1 if nb.cells else 0, bar)
    return nb


def conf_py(*, student: bool) -> str:
    """The book's ``conf.py``, generated (Sphinx reads a Python file; its values are set here).

    Examples
    --------
    >>> "sphinx_book_theme" in conf_py(student=True)
    True
    """
    edition = "student edition" if student else "teacher edition"
    conf = {
        "project": "clvlib",
        "author": "The clvlib developers",
        "copyright": "The clvlib developers; data CC-BY-4.0",
        "extensions": ["myst_nb", "sphinx_togglebutton"],
        "html_theme": "sphinx_book_theme",
        "html_title": f"clvlib · {edition}",
        "language": "en",
        "nb_execution_mode": "off",
        "nb_merge_streams": True,
        # figures: the PNG (200 dpi) on the page, the SVG in the gallery's downloads
        "nb_mime_priority_overrides": [("html", "image/png", 35)],
        "myst_enable_extensions": ["colon_fence"],
        "exclude_patterns": ["_build", "downloads/**", "data/**", "gallery/**",
                             "**.ipynb_checkpoints"],
        "html_static_path": ["_static"],
        "html_css_files": ["clvlib.css"],
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_last_updated_fmt": None,
        "html_theme_options": {
            "use_download_button": False, "use_fullscreen_button": False,
            "use_repository_button": False, "home_page_in_toc": True, "show_toc_level": 2,
            "show_navbar_depth": 1, "navigation_with_keys": False, "navbar_persistent": [],
            "article_header_start": ["toggle-primary-sidebar.html"],
        },
        "html_context": {"default_mode": "light"},
        "togglebutton_hint": "Show", "togglebutton_hint_hide": "Hide",
        "suppress_warnings": ["mystnb.unknown_mime_type", "myst.header", "toc.not_included",
                              "misc.highlighting_failure"],
    }
    lines = ["# Generated by clvlib.site.book.conf_py: do not edit.", ""]
    lines += [f"{key} = {value!r}" for key, value in conf.items()]
    return "\n".join(lines) + "\n"


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
    apa = pages.apa_index(data_dir)
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
    _write(src / "bibliography.md", pages.bibliography_page(data_dir), written)
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
    try:
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(str(src), str(src), str(html), str(doctrees), "html",
                         status=status, warning=warnings, freshenv=False, keep_going=True)
            app.build()
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        log_file.write_text(status.getvalue() + warnings.getvalue(), encoding="utf-8")
        raise SphinxBuildError(f"Sphinx could not build the book in {src}: {exc} "
                               f"(log: {log_file})") from exc
    finally:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text(status.getvalue() + "\n--- warnings ---\n" + warnings.getvalue(),
                            encoding="utf-8")
    if app.statuscode != 0:
        raise SphinxBuildError(f"Sphinx could not build the book in {src} (log: {log_file})")
    return sum(1 for line in warnings.getvalue().splitlines() if "WARNING" in line)


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
    stamp = final / STAMP
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("digest") == digest:
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
