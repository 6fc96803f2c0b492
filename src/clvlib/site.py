"""The offline teaching site and the student copies (``make site``, ``clvlib build``, ``clvlib student``).

Each notebook in ``notebooks/`` runs top to bottom in a fresh kernel (any cell
error stops the build with :class:`NotebookError`, naming the notebook and the
cell). The executed notebooks, a landing page, a data page and a bibliography
page are rendered with nbconvert and the ``clvsite`` template (JupyterLab's
template with every remote script removed) into ``_build/site/``, which opens
from disk with no request to another host. Each notebook page links its
teacher copy (with solutions) and its student copy (solutions replaced by
stubs, see :func:`student_copy`).
"""

from __future__ import annotations

import html
import re
import shutil
import time
from pathlib import Path
from typing import Any

from clvlib.errors import ClvlibError

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SOLUTION_TAG = "solution"
STUB_TAG = "exercise-stub"
CELL_TIMEOUT = 600


class NotebookError(ClvlibError):
    """A notebook cell raised an error while the notebook was executed."""

    def __init__(self, notebook: Path, cell: int | None, detail: str):
        self.notebook = notebook
        self.cell = cell
        where = f"cell {cell}" if cell is not None else "a cell"
        super().__init__(f"{notebook.name}: {where} failed:\n{detail}")


def notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks of the series, in order (``NN_topic.ipynb``).

    Examples
    --------
    >>> notebooks()[0].name
    '00_start_here.ipynb'
    """
    folder = Path(folder) if folder else NOTEBOOK_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def execute_notebook(path: Path, timeout: int = CELL_TIMEOUT) -> Any:
    """Run a notebook in a fresh kernel, its folder as working directory.

    Returns the executed ``nbformat.NotebookNode``; raises
    :class:`NotebookError` on the first failing cell (cells counted from 0).

    Examples
    --------
    Run the first notebook of the series and count its code cells::

        nb = execute_notebook(notebooks()[0])
        sum(c.cell_type == "code" for c in nb.cells)
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    # The kernel's own start-up warnings would otherwise land in the last cell's output.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        failed = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                       and any(o.get("output_type") == "error" for o in c.get("outputs", []))),
                      None)
        raise NotebookError(path, failed, str(exc)[-3000:]) from exc
    return nb


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


STUB = (
    "# Your answer here: see the exercise above.\n"
    "# (The teacher copy of this notebook has a worked solution.)\n"
)


def student_copy(nb: Any) -> Any:
    """A student copy of a notebook: every ``solution``-tagged cell becomes a stub.

    The stub is a code cell holding only comments (it runs without error and
    defines nothing), tagged ``exercise-stub``; the exercise prompt, in the
    Markdown cell before it, and every other cell are kept as they are.
    Applying it to a student copy changes nothing.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("### Exercise 1\\nAdd 1 and 1."),
    ...     nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["solution"]})])
    >>> copy = student_copy(nb)
    >>> copy.cells[1].source.startswith("# Your answer here"), copy.cells[1].metadata.tags
    (True, ['exercise-stub'])
    >>> nb.cells[1].source      # the original is left alone
    '1 + 1'
    """
    import copy as _copy

    import nbformat

    out = _copy.deepcopy(nb)
    for index, cell in enumerate(out.cells):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if SOLUTION_TAG not in tags:
            continue
        stub = nbformat.v4.new_code_cell(STUB)
        stub.metadata["tags"] = [STUB_TAG] + [t for t in tags if t not in (SOLUTION_TAG, STUB_TAG)]
        if "id" in cell:
            stub["id"] = cell["id"]
        out.cells[index] = stub
    out.metadata["clvlib"] = {"copy": "student"}
    return out


def write_student_copies(out: Path, notebooks_dir: Path | None = None) -> list[Path]:
    """Write the student copy of every notebook of the series as ``out/NN_topic.ipynb``.

    Writing is idempotent: regenerating gives byte-identical files.

    Examples
    --------
    What ``clvlib student --out _build/student`` runs::

        write_student_copies(Path("_build/student"))
    """
    import nbformat

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks(notebooks_dir):
        nb = nbformat.read(path, as_version=4)
        target = out / path.name
        nbformat.write(student_copy(nb), target)
        written.append(target)
    return written


def _sections(nb: Any) -> dict[str, str]:
    """The Markdown under each ``##`` heading of a notebook, by heading text."""
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    parts = re.split(r"^##\s+(.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def _exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="clvsite", extra_template_basedirs=[str(TEMPLATE_DIR)])


def _render(exporter: Any, nb: Any, target: Path, title: str,
            nav: list[tuple[str, str]], downloads: list[tuple[str, str]] | None = None) -> None:
    nb.metadata["title"] = title
    resources = {"clvlib_nav": nav, "clvlib_downloads": downloads or []}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    # links between notebooks point at their pages in the site
    body = re.sub(r'href="(\d\d_[\w-]+)\.ipynb', r'href="\1.html', body)
    target.write_text(body, encoding="utf-8")


def _markdown_page(*cells: str) -> Any:
    import nbformat

    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])


def _kit_citation() -> str:
    import yaml

    cff_path = NOTEBOOK_DIR.parent / "CITATION.cff"
    if not cff_path.is_file():
        return "The clvlib developers. *clvlib* (software and data)."
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or f"{a.get('family-names')}, {a.get('given-names')}"
                        for a in cff.get("authors", []))
    year = str(cff.get("date-released", ""))[:4]
    return f"{authors} ({year}). *{cff['title']}* (Version {cff.get('version')}) [Software and data]."


def _landing(books: list[tuple[Path, Any, str]], built: str) -> Any:
    series = []
    for path, nb, title in books:
        sec = _sections(nb)
        objectives = sec.get("Learning objectives", "").strip()
        time_to_learn = sec.get("Time to learn", "").strip()
        series.append(f"### [{title}]({path.stem}.html)\n\n"
                      f"**Time to learn:** {time_to_learn or 'not stated'}\n\n"
                      f"**Learning objectives**\n\n{objectives}\n\n"
                      f"Download: [teacher copy](downloads/{path.name}) · "
                      f"[student copy](downloads/student/{path.name})")
    return _markdown_page(
        "# clvlib: a teaching and research kit on the Cambodia–Laos–Vietnam Development Triangle",
        "This site holds the executed notebooks of the clvlib series, its data tables and "
        "their bibliography. It needs no internet: every page, figure and interactive map is "
        "stored in this folder. Each notebook page links a *teacher copy* (with worked "
        "solutions) and a *student copy* (solutions replaced by empty cells) to open in "
        f"JupyterLab. Built on {built}.",
        "## The notebook series\n\n" + "\n\n".join(series),
        "## The data\n\nThe [data page](data.html) lists every table with its description, "
        "licence and sources, and a CSV download; the [bibliography](bibliography.html) lists "
        "every source the tables cite.",
        "## How to cite\n\nCite the kit, and the original sources of the rows you use "
        "(`clvlib.cite(table_or_rows)` lists them):\n\n> " + _kit_citation(),
    )


def _data_page(data_dir: Path | None) -> Any:
    from clvlib.data import _catalog, _cited_ids, _source_columns, datasets

    cat = _catalog(data_dir)
    cells = ["# The data tables",
             "Every table is a CSV file described in a Frictionless data package "
             "([datapackage.json](data/datapackage.json)); every row cites its sources, listed "
             "in the [bibliography](bibliography.html). In Python, `clvlib.load(name)` reads a "
             "table with its types and `clvlib.describe(name)` shows its fields."]
    for row in datasets(data_dir=data_dir).itertuples():
        table = cat.table(row.name)
        frame = cat.read(row.name)
        ids = (sorted(frame["source_id"].astype(str)) if row.name == "sources"
               else sorted(_cited_ids(frame, _source_columns(cat, row.name))))
        links = ", ".join(f"[{i}](bibliography.html#{i})" for i in ids)
        if row.name == "sources":
            links = "this table is the bibliography"
        description = (table.resource.get("description") or "").strip()
        csv = Path(table.resource["path"]).name
        cells.append(
            f"## {row.title} (`{row.name}`)\n\n{description}\n\n"
            f"- **Rows:** {row.rows}; **fields:** {row.fields}\n"
            f"- **Licence:** {row.licence}\n"
            f"- **Download:** [{csv}](data/{csv})\n"
            f"- **Sources cited ({len(ids)}):** {links}"
        )
    return _markdown_page(*cells)


def _bibliography_page(data_dir: Path | None) -> Any:
    from clvlib import citation
    from clvlib.data import load

    sources = load("sources", data_dir=data_dir).sort_values("source_id")
    items = "\n".join(
        f'- <a id="{html.escape(str(row["source_id"]))}"></a>`{row["source_id"]}`: '
        f"{citation.format_apa(row)}"
        for _, row in sources.iterrows())
    return _markdown_page(
        "# Bibliography",
        f"All {len(sources)} sources recorded in `data/sources.csv`, by source id. Tables cite "
        "these ids; `clvlib.cite(table)` gives the same entries in APA or BibTeX.",
        items)


def build(out: Path = Path("_build"), notebooks: Path | None = None,
          data_dir: Path | None = None) -> Path:
    """Execute every notebook and render the offline site under ``out/site/``.

    Writes ``index.html`` (landing page), one page per notebook, ``data.html``,
    ``bibliography.html``, the CSV files and descriptor under ``data/``, and
    the teacher and student copies under ``downloads/``. The site is built in a
    temporary folder and moved into place only when every notebook ran: on a
    :class:`NotebookError` the previous site (if any) is left untouched.

    Returns the path of the landing page.

    Examples
    --------
    What ``make site`` runs::

        build(Path("_build"))   # -> Path("_build/site/index.html")
    """
    import nbformat

    from clvlib.data import _catalog

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    final = out / "site"
    work = out / "site.partial"
    shutil.rmtree(work, ignore_errors=True)
    try:
        (work / "downloads" / "student").mkdir(parents=True)
        (work / "data").mkdir()
        books: list[tuple[Path, Any, str]] = []
        executed = []
        for path in globals()["notebooks"](notebooks):
            start = time.perf_counter()
            nb = execute_notebook(path)
            title = notebook_title(nb, path.stem)
            books.append((path, nbformat.read(path, as_version=4), title))
            executed.append((path, nb, title, time.perf_counter() - start))
        nav = ([("index.html", "Home")] + [(f"{p.stem}.html", p.stem[:2]) for p, _, _ in books]
               + [("data.html", "Data"), ("bibliography.html", "Bibliography")])
        exporter = _exporter()
        for path, nb, title, _seconds in executed:
            shutil.copyfile(path, work / "downloads" / path.name)
            nbformat.write(student_copy(nbformat.read(path, as_version=4)),
                           work / "downloads" / "student" / path.name)
            _render(exporter, nb, work / f"{path.stem}.html", title, nav,
                    [(f"downloads/{path.name}", "teacher copy (with solutions)"),
                     (f"downloads/student/{path.name}", "student copy")])
        cat = _catalog(data_dir)
        for name in cat.names:
            csv = cat.table(name).resource["path"]
            shutil.copyfile(cat.data_dir / csv, work / "data" / Path(csv).name)
        shutil.copyfile(cat.data_dir / "datapackage.json", work / "data" / "datapackage.json")
        _render(exporter, _data_page(data_dir), work / "data.html", "clvlib data tables", nav)
        _render(exporter, _bibliography_page(data_dir), work / "bibliography.html",
                "clvlib bibliography", nav)
        _render(exporter, _landing(books, time.strftime("%Y-%m-%d")), work / "index.html",
                "clvlib teaching kit", nav)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    work.rename(final)
    return final / "index.html"
