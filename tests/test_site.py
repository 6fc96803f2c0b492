"""The notebooks execute top to bottom and render to HTML (what `make site` does)."""

from __future__ import annotations

import re

import nbformat
import pytest

from clvlib import site
from conftest import ROOT


def test_series_is_numbered_and_committed_clean():
    books = site.notebooks()
    assert books and books[0].name == "00_start_here.ipynb"
    for path in books:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def test_notebooks_follow_the_design_header_and_footer():
    for path in site.notebooks():
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "markdown")
        for heading in ("Overview", "Learning objectives", "Prerequisites", "Time to learn",
                        "Summary", "Discussion questions", "What's next", "Sources used"):
            assert re.search(rf"^#+ .*{re.escape(heading)}", text, flags=re.MULTILINE), (
                path.name, heading)


def test_build_executes_every_notebook_and_renders_html(tmp_path):
    index = site.build(tmp_path / "_build")
    html_index = index.read_text(encoding="utf-8")
    for path in site.notebooks():
        page = tmp_path / "_build" / "html" / f"{path.stem}.html"
        assert page.is_file()
        assert f'href="html/{path.stem}.html"' in html_index
        body = page.read_text(encoding="utf-8")
        assert "Traceback" not in body
        assert "IPKernelApp" not in body  # no kernel chatter in the rendered page
    start = (tmp_path / "_build" / "html" / "00_start_here.html").read_text(encoding="utf-8")
    assert "Ratanakiri" in start           # the provinces table was rendered
    assert "accessed 2026" in start        # and the generated sources footer


def test_a_failing_cell_names_notebook_and_cell(tmp_path):
    books = tmp_path / "nb"
    books.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Broken"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise RuntimeError('boom')"),
    ])
    nbformat.write(nb, books / "07_broken.ipynb")
    with pytest.raises(site.NotebookError) as excinfo:
        site.build(tmp_path / "out", notebooks=books)
    assert excinfo.value.cell == 2
    assert "07_broken.ipynb" in str(excinfo.value) and "boom" in str(excinfo.value)
    assert not (tmp_path / "out" / "index.html").exists()


def test_notebooks_load_through_clvlib_not_by_path():
    for path in site.notebooks():
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "code")
        assert "read_csv" not in code and "data/" not in code, path.name
    assert (ROOT / "notebooks").is_dir()
