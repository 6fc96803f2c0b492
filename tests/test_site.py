"""The book site as `make site` and `make site-student` build it (both editions, built once)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import clvlib
from clvlib import site, teach
from conftest import ROOT


def _markdown(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "markdown")


def _text(page: str) -> str:
    """What a reader sees of a page: tags dropped, entities decoded."""
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.DOTALL)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    return text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}))


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
        text = _markdown(path)
        for heading in ("Overview", "Learning objectives", "Prerequisites", "Time to learn",
                        "Summary", "Discussion questions", "What's next", "Sources used"):
            assert re.search(rf"^#+ .*{re.escape(heading)}", text, flags=re.MULTILINE), (
                path.name, heading)


def test_notebooks_load_through_clvlib_not_by_path():
    for path in site.notebooks():
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "code")
        assert "read_csv" not in code and "data/" not in code, path.name


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"#]+)', page)


def test_every_notebook_page_is_rendered_with_its_downloads(built_site, built_student_site):
    for path in site.notebooks():
        body = (built_site / f"{path.stem}.html").read_text(encoding="utf-8")
        assert "Traceback" not in body and "IPKernelApp" not in body
        downloads = [h for h in _hrefs(body) if h.startswith("_downloads/") and h.endswith(path.name)]
        assert len(downloads) == 2, (path.name, downloads)   # teacher copy and student copy
        files = [built_site / h for h in downloads]
        assert path.read_bytes() in [f.read_bytes() for f in files]   # the teacher copy as is
        student = next(f for f in files if f.read_bytes() != path.read_bytes())
        assert nbformat.read(student, as_version=4) == teach.student_copy(teach.read_notebook(path))
        # the student edition offers the student copy only, and the PDF handout
        body = (built_student_site / f"{path.stem}.html").read_text(encoding="utf-8")
        downloads = [h for h in _hrefs(body) if h.startswith("_downloads/") and h.endswith(path.name)]
        assert len(downloads) == 1
        assert nbformat.read(built_student_site / downloads[0], as_version=4) == nbformat.read(student, 4)
        assert f'href="handouts/{path.stem}.pdf"' in body
    start = _text((built_site / "00_start_here.html").read_text(encoding="utf-8"))
    assert "Ratanakiri" in start           # the provinces table was rendered


def test_landing_page_has_series_objectives_time_and_citation(built_site, built_student_site):
    for edition in (built_site, built_student_site):
        landing = (edition / "index.html").read_text(encoding="utf-8")
        visible = _text(landing)
        for path in site.notebooks():
            assert f'href="{path.stem}.html"' in landing
            markdown = _markdown(path)
            time_to_learn = re.search(r"## Time to learn\s+.*?\*\*(.+?)\*\*", markdown).group(1)
            first_objective = re.search(r"## Learning objectives\s+.*?^(?:-|\d+\.) (.+)$", markdown,
                                        flags=re.MULTILINE | re.DOTALL).group(1)
            assert f"<strong>{time_to_learn}</strong>" in landing, path.name
            assert re.sub(r"[`*]", "", first_objective)[:30] in visible
        assert "How to cite" in visible and "The clvlib developers" in visible
    assert 'href="guide.html"' in (built_site / "index.html").read_text(encoding="utf-8")
    # the guide holds model answers: it is a page of the teacher edition only
    assert (built_site / "guide.html").is_file() and not (built_student_site / "guide.html").exists()
    for name in ("glossary", "gallery", "data", "bibliography", "search"):
        assert (built_site / f"{name}.html").is_file() and (built_student_site / f"{name}.html").is_file()


def test_data_page_lists_every_table_with_licence_quality_sources_and_download(built_site):
    page = (built_site / "data.html").read_text(encoding="utf-8")
    bib = (built_site / "bibliography.html").read_text(encoding="utf-8")
    info = clvlib.datasets()
    for row in info.itertuples():
        assert f'<span class="pre">{row.name}</span>' in page, row.name
        csv = next(h for h in _hrefs(page) if h.endswith(f"/{row.name}.csv"))
        assert (built_site / csv).read_bytes() == (ROOT / "data" / f"{row.name}.csv").read_bytes()
    assert page.count("CC-BY-4.0") >= len(info)            # each table's licence is shown
    assert _text(page).count("Evidence quality:") == len(info)
    # sources are folded, and a source cited by the events table links to its bibliography entry
    assert page.count("Sources cited (") == len(info) - 1   # all tables but the bibliography itself
    assert re.search(r'<div class="[^"]*dropdown[^"]*">\s*<p class="admonition-title">Sources cited',
                     page)
    some_id = clvlib.cite("events").ids[0]
    assert f'href="bibliography.html#{some_id}"' in page
    assert f'id="{some_id}"' in bib
    assert bib.count('class="clv-anchor" id="') == len(clvlib.load("sources"))


def test_solutions_are_folded_in_the_teacher_edition(built_site):
    for path in site.notebooks():
        nb = teach.read_notebook(path)
        code_solutions = [c for c in nb.cells if teach.SOLUTION_TAG in teach.tags(c)
                          and c.cell_type == "code"]
        body = (built_site / f"{path.stem}.html").read_text(encoding="utf-8")
        folded = re.findall(r'<details class="[^"]*hide[^"]*">\s*<summary[^>]*>\s*'
                            r'<p class="collapsed admonition-title">Show solution</p>', body)
        assert len(folded) == len(code_solutions) > 0, path.name
        # the sources-used footer is folded too, its ids linked to the bibliography
        footer = body.split("Show the sources used", 1)
        assert len(footer) == 2, path.name
        entry = '<li><p><a class="clv-source" href="bibliography.html#'   # one linked source of a list
        assert entry in footer[1]
        # the story first: outside folded parts no list of sources is printed, but the lists are there
        unfolded = re.sub(r"<details\b.*?</details>", "", body, flags=re.DOTALL)
        assert unfolded.count('<li><p><a class="clv-source"') == 0, path.name
        assert body.count(entry) >= 10, path.name


def _solution_lines() -> list[str]:
    """Code lines of the series' solutions and teacher notes that appear in no other cell."""
    private = {teach.SOLUTION_TAG, teach.TEACHER_NOTES_TAG}
    cells = [c for path in site.notebooks() for c in teach.read_notebook(path).cells]
    others = "\n".join(c.source for c in cells if not private & set(teach.tags(c)))
    lines = []
    for cell in cells:
        if private & set(teach.tags(cell)):
            for line in cell.source.splitlines():
                line = line.strip()
                if len(line) > 15 and not line.startswith("#") and line not in others:
                    lines.append(line)
    return lines


def _leaks(edition: Path, lines: list[str]) -> list[tuple[str, str]]:
    found = []
    for file in sorted(edition.rglob("*")):
        if file.suffix not in {".html", ".js", ".ipynb", ".txt", ".md"} or "_static" in file.parts:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        seen = _text(text) if file.suffix == ".html" else text
        if file.suffix in {".js", ".ipynb"}:
            seen = seen.replace('\\"', '"')
        found += [(file.name, line) for line in lines if line in seen]
    return found


def test_student_edition_holds_no_solution_anywhere(built_site, built_student_site):
    lines = _solution_lines()
    assert len(lines) > 20
    # the check can fail: the teacher edition shows (folded) solutions and offers them for download
    assert len({line for _, line in _leaks(built_site, lines)}) > len(lines) // 2
    assert _leaks(built_student_site, lines) == []
    index = (built_student_site / "searchindex.js").read_text(encoding="utf-8")
    assert "Show solution" not in index and "Notes for the teacher" not in index
    for page in built_student_site.glob("*.html"):
        assert "Show solution" not in page.read_text(encoding="utf-8"), page.name


def test_handouts_are_pdfs_with_pages(built_student_site):
    for path in site.notebooks():
        pdf = (built_student_site / "handouts" / f"{path.stem}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2, path.name


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


@pytest.mark.parametrize("edition", ["built_site", "built_student_site"])
def test_site_works_offline_no_external_resource(edition, request):
    root: Path = request.getfixturevalue(edition)
    pages = sorted(root.glob("*.html"))
    assert len(pages) >= len(site.notebooks()) + 6
    for page in pages:
        collector = _Refs()
        collector.feed(page.read_text(encoding="utf-8"))
        remote = [u for u in collector.urls if _is_remote(u)]
        assert not remote, (page.name, remote)
        # every local resource a page fetches or links exists in the site
        for url in collector.urls + [u for u in collector.links if not re.match(r"^([a-z]+:|//|#)", u)]:
            if not url.startswith("data:"):
                assert (root / url.split("#")[0].split("?")[0]).exists(), (page.name, url)
    # stylesheets fetch nothing remote either, and the fonts they name are bundled
    for css in root.glob("_static/**/*.css"):
        for url in _css_urls(css.read_text(encoding="utf-8", errors="replace")):
            assert not _is_remote(url), (css.name, url)
    style = (root / "_static" / "clvlib.css").read_text(encoding="utf-8")
    fonts = re.findall(r'url\("(fonts/[^"]+\.woff2)"\)', style)
    assert len(fonts) == 4
    assert all((root / "_static" / f).read_bytes()[:4] == b"wOF2" for f in fonts)
    assert "@media print" in style
    # figures are embedded, and the interactive map ships its own plotly.js
    geography = (root / "04_geography.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in geography and 'src="https://cdn.plot.ly' not in geography


def test_source_ids_in_the_story_link_to_the_bibliography(built_site):
    ids = set(clvlib.load("sources")["source_id"])
    linked = 0
    for path in site.notebooks():
        cited = set(re.findall(r"`([a-z0-9][\w.-]*)`", _markdown(path))) & ids
        body = (built_site / f"{path.stem}.html").read_text(encoding="utf-8")
        for source_id in cited:
            assert f'href="bibliography.html#{source_id}"><code>{source_id}</code>' in body, (
                path.name, source_id)
        linked += len(cited)
    assert linked >= 5
    assert all(f'id="{i}"' in (built_site / "bibliography.html").read_text(encoding="utf-8")
               for i in ids)


def test_gallery_shows_every_notebook_figure_with_downloads_and_folded_sources(built_site):
    # every figure-helper call of the notebooks (outside solutions) is one gallery entry
    calls = 0
    for path in site.notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and "solution" not in cell.metadata.get("tags", []):
                calls += len(re.findall(r"\bplot_\w+\(", cell.source))
    page = (built_site / "gallery.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img [^>]*alt="([^"]*)"[^>]*src="_images/', page) or \
        re.findall(r'<img [^>]*src="_images/[^"]*"[^>]*alt="([^"]*)"', page)
    assert calls >= 10 and len(alts) == calls
    assert all(len(a) > 20 for a in alts)                     # real alt text, not a file name
    for kind in ("png", "svg", "csv"):
        files = re.findall(rf'href="(_downloads/[^"]+\.{kind})"', page)
        assert len(files) == calls, kind
        assert all((built_site / f).is_file() for f in files)
    # the sources behind each figure are linked but folded, after the figure and its downloads
    unfolded = re.sub(r"<details\b.*?</details>", "", page, flags=re.DOTALL)
    assert 'class="clv-source"' not in unfolded
    assert page.count('<details class="clv-sources">') == calls


def test_tables_on_the_pages_show_no_scientific_notation(built_site):
    # a reader of a rendered table (or a teacher's slide) should see 8.58, not 8.577724e+09
    cell = re.compile(r"<t[dh][^>]*>([^<]*)</t[dh]>")
    sci = re.compile(r"\d\.?\d*e[+-]\d{2}\b", re.IGNORECASE)
    found = {page.name: hits for page in sorted(built_site.glob("*.html"))
             if (hits := [c for c in cell.findall(page.read_text(encoding="utf-8")) if sci.search(c)])}
    assert not found, {name: hits[:3] for name, hits in found.items()}
