"""The book's generated pages, as MyST Markdown: landing, data, bibliography, gallery.

Pure text-making functions: they read the data through clvlib and the notebooks'
Markdown, and return page text; :mod:`clvlib.site.build` writes them. Source ids
link to the bibliography page, whose anchors are the source ids themselves
(``bibliography.html#<source_id>``).

Examples
--------
>>> source_link("un_charter")
'<a class="clv-source" href="bibliography.html#un_charter">un_charter</a>'
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def source_link(source_id: str) -> str:
    """An HTML link from any page to a source's entry on the bibliography page.

    Examples
    --------
    >>> source_link("a&b")
    '<a class="clv-source" href="bibliography.html#a&amp;b">a&amp;b</a>'
    """
    sid = html.escape(str(source_id))
    return f'<a class="clv-source" href="bibliography.html#{sid}">{sid}</a>'


def sections(nb: Any) -> dict[str, str]:
    """The Markdown under each ``##`` heading of a notebook, by heading text.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# T\\n\\n## Time to learn\\n\\n**40 minutes**\\n\\n## Next\\n\\nx")])
    >>> sections(nb)["Time to learn"]
    '**40 minutes**'
    """
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    parts = re.split(r"^##\s+(.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def notebook_title(nb: Any, fallback: str) -> str:
    """The first Markdown heading of a notebook, without its ``#`` marks.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Start here")])
    >>> notebook_title(nb, "x")
    'Start here'
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return fallback


def kit_citation(root: Path = ROOT) -> str:
    """How to cite the kit, from ``CITATION.cff`` (APA-like, Markdown).

    Examples
    --------
    >>> "clvlib" in kit_citation()
    True
    """
    import yaml

    cff_path = Path(root) / "CITATION.cff"
    if not cff_path.is_file():
        return "The clvlib developers. *clvlib* (software and data)."
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or f"{a.get('family-names')}, {a.get('given-names')}"
                        for a in cff.get("authors", []))
    year = str(cff.get("date-released", ""))[:4]
    doi = f" https://doi.org/{cff['doi']}" if cff.get("doi") else ""
    return (f"{authors} ({year}). *{cff['title']}* (Version {cff.get('version')}) "
            f"[Software and data].{doi}")


def landing(books: list[tuple[Path, Any]], *, student: bool, root: Path = ROOT) -> str:
    """The landing page: the series with objectives and time to learn, and how to cite.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# 00 · Start\\n\\n## Learning objectives\\n\\n1. Read.\\n\\n"
    ...     "## Time to learn\\n\\n**30 minutes**")])
    >>> page = landing([(Path("00_start.ipynb"), nb)], student=True)
    >>> "[00 · Start](00_start.ipynb)" in page and "**30 minutes**" in page
    True
    """
    series = []
    for path, nb in books:
        sec = sections(nb)
        objectives = sec.get("Learning objectives", "").strip() or "(not stated)"
        time_to_learn = sec.get("Time to learn", "").strip() or "not stated"
        series.append(f"### [{notebook_title(nb, path.stem)}]({path.name})\n\n"
                      f"**Time to learn:** {time_to_learn}\n\n"
                      f"**Learning objectives**\n\n{objectives}")
    edition = (
        "This is the **student edition**: exercises have empty answer cells, and each notebook "
        "has a printable PDF handout." if student else
        "This is the **teacher edition**: each exercise's worked solution is folded under a "
        "*Show solution* toggle, and the [teacher's guide](guide.md) holds the 2 × 90-minute plan, "
        "model answers and notes for the discussion questions.")
    more = "" if student else "- [Teacher's guide](guide.md): the class plan, model answers, notes\n"
    return "\n\n".join([
        "# clvlib: the Cambodia–Laos–Vietnam Development Triangle",
        "A teaching and research kit: executed notebooks, cited data tables and their "
        "bibliography. This site needs no internet; every page, figure, font and map is stored "
        "in this folder. " + edition,
        "```{toctree}\n:hidden:\n:caption: The series\n\n"
        + "\n".join(p.stem for p, _ in books) + "\n```",
        "```{toctree}\n:hidden:\n:caption: Reference\n\n"
        + ("" if student else "guide\n") + "glossary\ngallery\ndata\nbibliography\n```",
        "## The notebook series\n\n" + "\n\n".join(series),
        "## Also on this site\n\n" + more
        + "- [Glossary](glossary.md): the terms a student meets, with Khmer, Lao and Vietnamese\n"
        "- [Figure gallery](gallery.md): every figure with caption, credit, PNG, SVG and data\n"
        "- [Data tables](data.md): every table, its licence, sources and a CSV download\n"
        "- [Bibliography](bibliography.md): every source the tables cite",
        "## How to cite\n\nCite the kit, and the original sources of the rows you use "
        "(`clvlib.cite(table_or_rows)` lists them):\n\n> " + kit_citation(root),
    ]) + "\n"


def _quality_by_table(data_dir: Path | None) -> dict[str, dict[str, Any]]:
    from clvlib import evidence

    frame = evidence.quality(data_dir=data_dir)
    return {str(r["table"]): r for r in frame.to_dict("records")}


def _quality_text(q: dict[str, Any] | None) -> str:
    if not q:
        return "not assessed"
    share = q.get("share_strong")
    strong = q.get("rows_strong")
    try:
        return (f"{int(strong)} of {int(q['rows'])} rows ({float(share):.0%}) rest on an official, "
                "statistical, legal-text or news source")
    except (TypeError, ValueError):
        return "not assessed yet"


def evidence_overview(data_dir: Path | None = None) -> str:
    """The data page's summary of evidence quality: the core tables, every table, the source kinds.

    Examples
    --------
    >>> text = evidence_overview()
    >>> text.startswith("## Evidence quality at a glance") and "| mirror |" in text
    True
    """
    from clvlib import evidence

    q = evidence.quality(data_dir=data_dir)
    core = evidence.core_summary(table=q)
    kinds = evidence.source_kinds(data_dir=data_dir)
    names = ", ".join(f"`{t}`" for t in evidence.CORE_TABLES)
    lines = ["## Evidence quality at a glance",
             f"In the core tables ({names}), **{core['rows_strong']} of {core['rows']} rows "
             f"({core['share_strong']:.1%})** cite at least one official, statistical, legal-text "
             f"or news source; **{core['rows_mirror_blog_only']}** rest only on copies of other "
             "publishers' pages, reposting sites or blogs. Such rows say \"Weak evidence\" in their "
             "notes, and `clvlib.evidence.weak_rows(table)` lists them. Some strong sources were read "
             "through a copy (a news outlet carrying another's story, the IMF's trade table held in a "
             "public repository); counting only strong sources read in the original, "
             f"**{core['rows_strong_original']} rows ({core['share_strong_original']:.1%})** "
             "are strong.",
             "| table | rows | strong | share | only copies or blogs |",
             "|---|---:|---:|---:|---:|"]
    for r in q.itertuples():
        share = "—" if r.rows == 0 else f"{r.share_strong:.0%}"
        label = f"**{r.table}**" if r.core else r.table
        lines.append(f"| {label} | {r.rows} | {r.rows_strong} | {share} | {r.rows_mirror_blog_only} |")
    total, dated = int(kinds["sources"].sum()), int(kinds["dated"].sum())
    lines += ["", f"The {total} sources by kind ({dated} show a publication date; each of the "
              "others says in its notes why it has none):", "",
              "| kind | sources | with a date | counts as strong |", "|---|---:|---:|:---:|"]
    for k in kinds.itertuples():
        lines.append(f"| {k.kind} | {k.sources} | {k.dated} | {'yes' if k.strong else ''} |")
    return "\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:])


def data_page(data_dir: Path | None = None) -> str:
    """The data page: every table with description, licence, rows, evidence quality, sources, CSV.

    Examples
    --------
    >>> page = data_page()
    >>> "## " in page and "{download}`events.csv <data/events.csv>`" in page
    True
    """
    from clvlib.data import _catalog, _cited_ids, _source_columns, datasets

    cat = _catalog(data_dir)
    quality = _quality_by_table(data_dir)
    parts = ["# The data tables",
             "Every table is a CSV file described in a Frictionless data package "
             "({download}`datapackage.json <data/datapackage.json>`); every row cites its "
             "sources, listed in the [bibliography](bibliography.md). In Python, "
             "`clvlib.load(name)` reads a table with its types and `clvlib.describe(name)` "
             "shows its fields. *Evidence quality* counts the rows backed by an official, "
             "statistical, legal-text or news source (`clvlib.evidence.quality()`)."]
    parts.append(evidence_overview(data_dir))
    for row in datasets(data_dir=data_dir).itertuples():
        table = cat.table(row.name)
        frame = cat.read(row.name)
        description = (table.resource.get("description") or "").strip()
        csv = Path(table.resource["path"]).name
        lines = [f"## {row.title} (`{row.name}`)", description,
                 f"- **Rows:** {row.rows}; **fields:** {row.fields}\n"
                 f"- **Licence:** {row.licence}\n"
                 f"- **Evidence quality:** {_quality_text(quality.get(row.name))}\n"
                 f"- **Download:** {{download}}`{csv} <data/{csv}>`"]
        if row.name == "sources":
            lines.append("This table is the bibliography: see the [bibliography page](bibliography.md).")
        else:
            ids = sorted(_cited_ids(frame, _source_columns(cat, row.name)))
            links = ", ".join(source_link(i) for i in ids) or "none"
            lines.append(f"````{{admonition}} Sources cited ({len(ids)})\n:class: dropdown\n\n"
                         f"{links}\n````")
        parts.append("\n\n".join(line for line in lines if line))
    return "\n\n".join(parts) + "\n"


def bibliography_page(data_dir: Path | None = None, *, entries: dict[str, str] | None = None) -> str:
    """The bibliography: every source, its anchor being its source id.

    ``entries`` is :func:`apa_entries`'s result when the caller has it already (formatting
    every source with citeproc takes a second or two; the build does it once).

    Examples
    --------
    >>> page = bibliography_page()
    >>> '<span class="clv-anchor" id="' in page
    True
    """
    entries = entries if entries is not None else apa_entries(data_dir)
    items = "\n".join(
        f'- <span class="clv-anchor" id="{html.escape(sid)}"></span>`{sid}`: {entries[sid]}'
        for sid in sorted(entries))
    return "\n\n".join([
        "# Bibliography",
        f"All {len(entries)} sources recorded in `data/sources.csv`, by source id. Tables cite "
        "these ids; `clvlib.cite(table)` gives the same entries in APA or BibTeX.",
        items]) + "\n"


def apa_entries(data_dir: Path | None = None) -> dict[str, str]:
    """Each source id's APA line (plain text), every source of the table.

    Examples
    --------
    >>> apa_entries()["pycountry_26_2_16"].startswith("Python Package Index. (2026).")
    True
    """
    from clvlib import citation
    from clvlib.data import load

    sources = load("sources", data_dir=data_dir)
    return {str(row["source_id"]): citation.format_apa(row).strip() for _, row in sources.iterrows()}


def apa_index(data_dir: Path | None = None, *, entries: dict[str, str] | None = None) -> dict[str, str]:
    """Each source's APA line, mapped to its source id (to link printed bibliographies).

    Examples
    --------
    >>> index = apa_index()
    >>> len(index) > 10
    True
    """
    entries = entries if entries is not None else apa_entries(data_dir)
    return {text: sid for sid, text in entries.items()}


def link_sources(text: str, apa: dict[str, str], ids: set[str]) -> str:
    """A printed bibliography (Markdown list or plain lines) with each source id linked.

    Lines that are a known APA entry get their id in front as a link; source
    ids written out in the text become links.

    Examples
    --------
    >>> link_sources("- Doe (2020). *T*.", {"Doe (2020). *T*.": "doe20"}, {"doe20"})
    '- <a class="clv-source" href="bibliography.html#doe20">doe20</a>: Doe (2020). *T*.'
    """
    out = []
    for line in text.splitlines():
        bare = re.sub(r"^\s*[-*]\s+", "", line).strip()
        if bare in apa:
            out.append(f"- {source_link(apa[bare])}: {bare}")
            continue
        out.append(re.sub(r"(?<![\w#/])([a-z][a-z0-9_]{3,})(?![\w<])",
                          lambda m: source_link(m.group(1)) if m.group(1) in ids else m.group(1),
                          line))
    return "\n".join(out)


def link_cited_ids(markdown: str, ids: set[str]) -> str:
    """Markdown with each source id written as inline code (`` `id` ``) linked to the bibliography.

    Code blocks are left alone.

    Examples
    --------
    >>> link_cited_ids("As `doe20` says; `x` is code.", {"doe20"})
    'As <a class="clv-source" href="bibliography.html#doe20"><code>doe20</code></a> says; `x` is code.'
    """
    parts = re.split(r"(^(?:```|~~~).*?^(?:```|~~~)[ \t]*$)", markdown, flags=re.MULTILINE | re.DOTALL)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(
            r"(?<!`)`([A-Za-z0-9][\w.-]*)`(?!`)",
            lambda m: (f'<a class="clv-source" href="bibliography.html#{html.escape(m.group(1))}">'
                       f"<code>{html.escape(m.group(1))}</code></a>") if m.group(1) in ids else m.group(0),
            parts[i])
    return "".join(parts)


@dataclass
class Figure:
    """One figure of the series, as a notebook displayed it (contract 4)."""

    notebook: str
    name: str
    title: str
    caption: str
    alt: str
    credit: str
    sources: list[str]
    csv: str
    png: bytes
    svg: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def figures(nb: Any, notebook: str) -> list[Figure]:
    """The figures a notebook displayed: ``display_data`` outputs carrying ``metadata["clvlib"]``.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("f()")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
    ...     "text/plain": "T"}, metadata={"clvlib": {"name": "f", "title": "T", "alt": "A"}})]
    >>> [f.name for f in figures(nbformat.v4.new_notebook(cells=[cell]), "00_x")]
    ['f']
    """
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            info = output.get("metadata", {}).get("clvlib")
            data = output.get("data", {})
            if output.get("output_type") != "display_data" or not info or "image/png" not in data:
                continue
            svg = data.get("image/svg+xml")
            if isinstance(svg, list):
                svg = "".join(svg)
            found.append(Figure(
                notebook=notebook, name=str(info.get("name") or f"figure-{len(found) + 1}"),
                title=str(info.get("title") or data.get("text/plain") or ""),
                caption=str(info.get("caption") or ""), alt=str(info.get("alt") or ""),
                credit=str(info.get("credit") or ""), sources=[str(s) for s in info.get("sources", [])],
                csv=str(info.get("csv") or ""), png=base64.b64decode(data["image/png"]), svg=svg))
    return found


def set_alt_text(nb: Any) -> int:
    """Give every clvlib figure output its alt text (``<img alt>`` on the page); returns the count.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("f()")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="},
    ...     metadata={"clvlib": {"alt": "A map"}})]
    >>> set_alt_text(nbformat.v4.new_notebook(cells=[cell])), cell.outputs[0].metadata["image/png"]
    (1, {'alt': 'A map'})
    """
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            info = output.get("metadata", {}).get("clvlib")
            if info and info.get("alt") and "image/png" in output.get("data", {}):
                output.metadata["image/png"] = {"alt": str(info["alt"])}
                count += 1
    return count


def alt_by_image(figs: list[Figure]) -> dict[str, str]:
    """Alt text by the name myst-nb gives a figure's PNG on a page (``_images/<sha256>.png``).

    Examples
    --------
    >>> fig = Figure("00_x", "f", "T", "C", "A map", "", [], "", b"png")
    >>> alt_by_image([fig])
    {'_images/8f8cbb7dcf46e0bc7d53265749a6c17d116093a6ba95e442764060c76fd4a86c.png': 'A map'}
    """
    import hashlib

    return {f"_images/{hashlib.sha256(f.png).hexdigest()}.png": f.alt for f in figs if f.alt}


def apply_alt(page: str, alts: dict[str, str]) -> str:
    """Set ``<img alt>`` on a rendered page from :func:`alt_by_image` (myst-nb writes the path).

    Examples
    --------
    >>> apply_alt('<img alt="_images/a.png" src="_images/a.png" />', {"_images/a.png": 'A "map"'})
    '<img alt="A &quot;map&quot;" src="_images/a.png" />'
    """
    def fix(match: re.Match) -> str:
        alt = alts.get(match.group(2))
        if alt is None:
            return match.group(0)
        return f'<img alt="{html.escape(alt, quote=True)}"{match.group(1)}src="{match.group(2)}"'

    return re.sub(r'<img alt="[^"]*"(\s+)src="([^"]+)"', fix, page)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "figure"


def gallery_page(figs: list[Figure], folder: Path) -> str:
    """The gallery page; writes each figure's PNG, SVG and CSV into ``folder`` (``gallery/``).

    Examples
    --------
    >>> import tempfile
    >>> fig = Figure("01_history", "timeline", "T", "C", "A", "Sources: x.", ["x"], "a\\n1\\n", b"png")
    >>> page = gallery_page([fig], Path(tempfile.mkdtemp()) / "gallery")
    >>> ":alt: A" in page and "{download}`CSV <gallery/01_history-timeline.csv>`" in page
    True
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parts = ["# Figure gallery",
             f"Every figure of the series ({len(figs)}), as the notebooks draw it: its caption, "
             "its credit line (the sources of the rows drawn), a PNG at 200 dpi and an SVG for "
             "slides and papers, and the CSV of the data drawn."]
    if not figs:
        parts.append("*No figure of the series is registered yet.*")
    for fig in figs:
        stem = _safe_name(f"{fig.notebook}-{fig.name}")
        (folder / f"{stem}.png").write_bytes(fig.png)
        downloads = [f"{{download}}`PNG (200 dpi) <gallery/{stem}.png>`"]
        if fig.svg:
            (folder / f"{stem}.svg").write_text(fig.svg, encoding="utf-8")
            downloads.append(f"{{download}}`SVG <gallery/{stem}.svg>`")
        if fig.csv:
            (folder / f"{stem}.csv").write_text(fig.csv, encoding="utf-8")
            downloads.append(f"{{download}}`CSV <gallery/{stem}.csv>`")
        alt = " ".join((fig.alt or fig.title).split())
        sources = ", ".join(source_link(s) for s in fig.sources)
        # the full list of sources is folded: the figure and its downloads come first
        folded = (f'<details class="clv-sources"><summary>The {len(fig.sources)} source(s) of the '
                  f"rows drawn</summary>\n\n{sources}\n\n</details>") if sources else ""
        parts.append("\n\n".join(filter(None, [
            f"## {fig.title or fig.name}",
            f"```{{figure}} gallery/{stem}.png\n:alt: {alt}\n:width: 100%\n\n"
            f"{fig.caption or fig.title}\n```",
            f"**Credit:** {fig.credit}" if fig.credit else "",
            f"**From:** [{fig.notebook}]({fig.notebook}.ipynb) · **Downloads:** "
            + " · ".join(downloads),
            folded])))
    return "\n\n".join(parts) + "\n"
