"""The notebooks execute top to bottom and render to HTML (what `make site` does)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nbformat
import pytest

import clvlib
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


def test_build_executes_every_notebook_and_renders_every_page(built_site):
    landing = (built_site / "index.html").read_text(encoding="utf-8")
    for path in site.notebooks():
        page = built_site / f"{path.stem}.html"
        assert page.is_file()
        assert f'href="{path.stem}.html"' in landing
        body = page.read_text(encoding="utf-8")
        assert "Traceback" not in body
        assert "IPKernelApp" not in body  # no kernel chatter in the rendered page
        # each notebook page offers both copies, and both files exist
        assert f'href="downloads/{path.name}"' in body
        assert f'href="downloads/student/{path.name}"' in body
        assert (built_site / "downloads" / path.name).read_bytes() == path.read_bytes()
        assert (built_site / "downloads" / "student" / path.name).is_file()
    start = (built_site / "00_start_here.html").read_text(encoding="utf-8")
    assert "Ratanakiri" in start           # the provinces table was rendered
    assert "clvlib-bibliography" in start  # and the generated sources footer (clvlib.sources_used)
    # the landing page carries each notebook's objectives and time, and how to cite
    for path in site.notebooks():
        markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                             if c.cell_type == "markdown")
        time_to_learn = re.search(r"## Time to learn\s+.*?\*\*(.+?)\*\*", markdown).group(1)
        first_objective = re.search(r"## Learning objectives\s+.*?^(?:-|\d+\.) (.+)$", markdown,
                                    flags=re.MULTILINE | re.DOTALL).group(1)
        assert f"<strong>{time_to_learn}</strong>" in landing, path.name
        assert re.sub(r"[`*]", "", first_objective)[:30] in html.unescape(re.sub(r"<[^>]+>", "", landing))
    assert "Learning objectives" in landing and "How to cite" in landing


def test_data_page_lists_every_table_with_licence_sources_and_download(built_site):
    page = (built_site / "data.html").read_text(encoding="utf-8")
    bib = (built_site / "bibliography.html").read_text(encoding="utf-8")
    info = clvlib.datasets()
    for row in info.itertuples():
        assert f"<code>{row.name}</code>" in page, row.name
        csv = built_site / "data" / f"{row.name}.csv"
        assert f'href="data/{row.name}.csv"' in page
        assert csv.read_bytes() == (ROOT / "data" / f"{row.name}.csv").read_bytes()
    assert page.count("CC-BY-4.0") >= len(info)   # each table's licence is shown
    # a source cited by the events table links to its bibliography entry
    some_id = clvlib.cite("events").ids[0]
    assert f'href="bibliography.html#{some_id}"' in page
    assert f'id="{some_id}"' in bib
    sources = clvlib.load("sources")
    assert bib.count('<a id="') == len(sources)


class _Refs(HTMLParser):
    """Collects every URL a page would fetch by itself (not links the reader may follow)."""

    FETCHING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
                "video": "src", "embed": "src", "object": "data", "input": "src", "track": "src"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.links: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.FETCHING and attrs.get(self.FETCHING[tag]):
            self.urls.append(attrs[self.FETCHING[tag]])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "link" and attrs.get("href"):  # stylesheets, fonts, icons, preloads
            self.urls.append(attrs["href"])
        if tag == "img" and attrs.get("srcset"):
            self.urls += [part.split()[0] for part in attrs["srcset"].split(",")]
        if attrs.get("style"):
            self.urls += _css_urls(attrs["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += _css_urls(data)


def _css_urls(css: str) -> list[str]:
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return found


def _is_remote(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), flags=re.IGNORECASE))


def test_the_reference_collector_catches_remote_resources():
    # the checker below must be able to fail: feed it a page with each kind of remote fetch
    page = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" '
            'href="//fonts.example/css"><img src="http://tiles.example/1/2/3.png">'
            '<style>@import "https://a.example/b.css"; body{background:url(https://c.example/d.png)}'
            '</style><a href="https://ok.example/source">a source</a>')
    collector = _Refs()
    collector.feed(page)
    assert len([u for u in collector.urls if _is_remote(u)]) == 5


def test_site_works_offline_no_external_resource_on_any_page(built_site):
    pages = sorted(built_site.glob("*.html"))
    assert len(pages) == len(site.notebooks()) + 3   # + landing, data, bibliography
    for page in pages:
        collector = _Refs()
        collector.feed(page.read_text(encoding="utf-8"))
        remote = [u for u in collector.urls if _is_remote(u)]
        assert not remote, (page.name, remote)
        # every local resource a page fetches or links exists in the site
        for url in collector.urls:
            if not url.startswith("data:"):
                assert (built_site / url.split("#")[0]).exists(), (page.name, url)
        # and every relative link (to another page, a download, an anchor) resolves
        for url in collector.links:
            if not re.match(r"^([a-z]+:|//|#)", url):
                assert (built_site / url.split("#")[0]).exists(), (page.name, url)
    # figures are embedded, and the interactive map ships its own plotly.js
    geography = (built_site / "04_geography.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in geography
    assert "Plotly.newPlot" in geography and "cdn.plot.ly/plotly" not in geography


def test_student_copy_has_no_solution_code_and_keeps_everything_else():
    for path in site.notebooks():
        teacher = nbformat.read(path, as_version=4)
        student = site.student_copy(teacher)
        solutions = [c for c in teacher.cells if "solution" in c.metadata.get("tags", [])]
        assert solutions, path.name   # every notebook has exercises with solutions
        assert len(student.cells) == len(teacher.cells)
        text = "\n".join(c.source for c in student.cells)
        for sol in solutions:
            for line in sol.source.splitlines():
                if len(line.strip()) > 12 and not line.strip().startswith("#"):
                    assert line not in text, (path.name, line)
        for before, after in zip(teacher.cells, student.cells, strict=True):
            if "solution" in before.metadata.get("tags", []):
                assert after.cell_type == "code" and "solution" not in after.metadata.tags
                assert all(line.startswith("#") for line in after.source.splitlines())
            else:
                assert after == before   # prompts and every other cell unchanged


def test_student_copies_execute_and_regenerate_identically(tmp_path):
    first = site.write_student_copies(tmp_path / "a")
    again = site.write_student_copies(tmp_path / "a")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    # a copy of a copy is the same copy
    nb = nbformat.read(first[0], as_version=4)
    assert site.student_copy(nb) == nb
    for path in first:
        executed = site.execute_notebook(path)   # raises NotebookError on any failing cell
        stubs = [c for c in executed.cells if site.STUB_TAG in c.metadata.get("tags", [])]
        assert stubs and all(not c.outputs for c in stubs), path.name


def test_cli_student_writes_the_copies(tmp_path):
    from clvlib.cli import main

    assert main(["student", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in site.notebooks()]


def test_a_failing_cell_names_notebook_and_cell(tmp_path):
    books = tmp_path / "nb"
    books.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Broken"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise RuntimeError('boom')"),
    ])
    nbformat.write(nb, books / "07_broken.ipynb")
    (tmp_path / "out" / "site").mkdir(parents=True)
    (tmp_path / "out" / "site" / "index.html").write_text("the previous site")
    with pytest.raises(site.NotebookError) as excinfo:
        site.build(tmp_path / "out", notebooks=books)
    assert excinfo.value.cell == 2
    assert "07_broken.ipynb" in str(excinfo.value) and "boom" in str(excinfo.value)
    # nothing half-written: the previous site is intact and no partial folder is left
    assert (tmp_path / "out" / "site" / "index.html").read_text() == "the previous site"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["site"]


def test_notebooks_load_through_clvlib_not_by_path():
    for path in site.notebooks():
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "code")
        assert "read_csv" not in code and "data/" not in code, path.name
    assert (ROOT / "notebooks").is_dir()
