"""The two editions of the book: each notebook as an edition shows it, and the book's ``conf.py``.

Teacher edition: solutions folded under *Show solution*, Markdown model answers and
teacher notes in folded boxes. Student edition: the student copy
(:func:`clvlib.teach.student_copy`). Both: the ``sources-used`` footer and any long
printed list of sources folded, source ids linked to the bibliography, a line of
downloads after the header.

Examples
--------
>>> "sphinx_book_theme" in conf_py(student=False)
True
"""

from __future__ import annotations

import copy
import re
from typing import Any

from clvlib import teach
from clvlib.site import pages

SOURCES_USED_TAG = "sources-used"


def _is_sources_used(cell: Any, last_code: bool) -> bool:
    return (SOURCES_USED_TAG in teach.tags(cell)
            or (last_code and "sources_used(" in cell.source))


def _fold(source: str, title: str, css: str) -> str:
    fence = "`" * max(4, max((len(r) for r in _runs(source)), default=0) + 1)
    return f"{fence}{{admonition}} {title}\n:class: dropdown {css}\n\n{source}\n{fence}"


def _runs(text: str) -> list[str]:
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
