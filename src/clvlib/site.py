"""Execute the notebooks and render them as HTML (``make site``, ``clvlib build``).

Each notebook in ``notebooks/`` runs top to bottom in a fresh kernel (any cell
error stops the build with :class:`NotebookError`, naming the notebook and the
cell); the executed notebooks are written as HTML with nbconvert, plus an
index page, under the output folder.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clvlib.errors import ClvlibError

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
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


@dataclass
class Page:
    """One rendered notebook."""

    source: Path
    html: Path
    title: str
    seconds: float


_INDEX = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>clvlib notebooks</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5}}</style>
</head>
<body>
<h1>clvlib: the Cambodia–Laos–Vietnam Development Triangle kit</h1>
<p>The notebooks of the series, executed on {built}.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def build(out: Path = Path("_build"), notebooks: Path | None = None) -> Path:
    """Execute every notebook and write ``out/html/NN_topic.html`` plus ``out/index.html``.

    Returns the path of the index page. Nothing is written for a notebook
    that fails: the :class:`NotebookError` propagates.

    Examples
    --------
    What ``make site`` runs::

        build(Path("_build"))   # -> Path("_build/index.html")
    """
    from nbconvert import HTMLExporter

    out = Path(out)
    pages_dir = out / "html"
    pages_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    pages: list[Page] = []
    for path in globals()["notebooks"](notebooks):
        start = time.perf_counter()
        nb = execute_notebook(path)
        body, _ = exporter.from_notebook_node(nb)
        target = pages_dir / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        pages.append(Page(path, target, notebook_title(nb, path.stem),
                          time.perf_counter() - start))
    items = "\n".join(
        f'<li><a href="html/{html.escape(p.html.name)}">{html.escape(p.title)}</a></li>'
        for p in pages
    )
    index = out / "index.html"
    index.write_text(_INDEX.format(items=items, built=time.strftime("%Y-%m-%d")),
                     encoding="utf-8")
    return index
