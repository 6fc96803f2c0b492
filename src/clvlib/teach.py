"""The notebook series and its student copies (``clvlib student``).

A notebook's cells carry tags that say who may see them (see the project's
cell-tag contract): ``solution`` marks an exercise's worked solution or an
open question's model answer, ``teacher-notes`` marks notes for the teacher on
discussion questions. A student copy keeps everything else as it is; a code
solution becomes a comment-only stub (tagged ``exercise-stub``), a Markdown
solution and teacher notes are removed.

Examples
--------
>>> [p.name for p in notebooks()][:2]
['00_start_here.ipynb', '01_history.ipynb']
"""

from __future__ import annotations

import copy as _copy
import json
from pathlib import Path
from typing import Any

from clvlib.errors import ClvlibError

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
SOLUTION_TAG = "solution"
TEACHER_NOTES_TAG = "teacher-notes"
STUB_TAG = "exercise-stub"
STUB = (
    "# Your answer here: see the exercise above.\n"
    "# (The teacher copy of this notebook has a worked solution.)\n"
)


class NotebookFolderError(ClvlibError):
    """The notebook folder is missing, is not a folder, or holds no ``NN_topic.ipynb``."""


class BrokenNotebookError(ClvlibError):
    """A notebook file that cannot be read as a notebook (not JSON, or not nbformat)."""

    def __init__(self, path: Path, detail: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: not a readable notebook: {detail}")


class OutputPathError(ClvlibError):
    """An output folder that cannot be used (it names an existing file, say)."""


def notebooks(folder: Path | None = None, *, must_exist: bool = True) -> list[Path]:
    """The notebooks of the series, in order (``NN_topic.ipynb``).

    Raises :class:`NotebookFolderError` when the folder is missing or holds
    no notebook of the series (unless ``must_exist`` is false).

    Examples
    --------
    >>> notebooks()[0].name
    '00_start_here.ipynb'
    >>> notebooks(Path("no-such-folder"))
    Traceback (most recent call last):
    ...
    clvlib.teach.NotebookFolderError: notebook folder 'no-such-folder' does not exist
    """
    folder = Path(folder) if folder else NOTEBOOK_DIR
    if not folder.is_dir():
        if not must_exist:
            return []
        what = "is not a folder" if folder.exists() else "does not exist"
        raise NotebookFolderError(f"notebook folder '{folder}' {what}")
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not found and must_exist:
        raise NotebookFolderError(f"notebook folder '{folder}' holds no notebook named "
                                  "NN_topic.ipynb (00_start_here.ipynb, ...)")
    return found


def read_notebook(path: Path) -> Any:
    """Read a notebook, or raise :class:`BrokenNotebookError` naming the file.

    Examples
    --------
    >>> read_notebook(notebooks()[0]).nbformat
    4
    """
    import nbformat

    path = Path(path)
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError,
            nbformat.validator.ValidationError, KeyError, TypeError, AttributeError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BrokenNotebookError(path, detail) from None


def tags(cell: Any) -> list[str]:
    """The tags of a cell (empty list when it has none).

    Examples
    --------
    >>> import nbformat
    >>> tags(nbformat.v4.new_code_cell("1", metadata={"tags": ["solution"]}))
    ['solution']
    """
    return list(cell.get("metadata", {}).get("tags", []))


def student_copy(nb: Any) -> Any:
    """A student copy of a notebook: no solution and no teacher notes left.

    A ``solution``-tagged code cell becomes a stub: a code cell holding only
    comments (it runs without error and defines nothing), tagged
    ``exercise-stub``, with the cell's id. A ``solution``-tagged Markdown cell
    (a model answer) and every ``teacher-notes`` cell are removed. Every other
    cell is kept as it is. Applying it to a student copy changes nothing.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("### Exercise 1\\nAdd 1 and 1."),
    ...     nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["solution"]}),
    ...     nbformat.v4.new_markdown_cell("Model answer.", metadata={"tags": ["solution"]}),
    ...     nbformat.v4.new_markdown_cell("For the teacher.", metadata={"tags": ["teacher-notes"]})])
    >>> copy = student_copy(nb)
    >>> len(copy.cells), copy.cells[1].source.startswith("# Your answer here"), copy.cells[1].metadata.tags
    (2, True, ['exercise-stub'])
    >>> nb.cells[1].source      # the original is left alone
    '1 + 1'
    """
    import nbformat

    out = _copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        cell_tags = tags(cell)
        if TEACHER_NOTES_TAG in cell_tags:
            continue
        if SOLUTION_TAG not in cell_tags:
            cells.append(cell)
            continue
        if cell.cell_type != "code":
            continue
        stub = nbformat.v4.new_code_cell(STUB)
        stub.metadata["tags"] = [STUB_TAG] + [t for t in cell_tags if t not in (SOLUTION_TAG, STUB_TAG)]
        if "id" in cell:
            stub["id"] = cell["id"]
        cells.append(stub)
    out.cells = cells
    out.metadata["clvlib"] = {"copy": "student"}
    return out


def _check_out_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"output folder '{out}' is an existing file, not a folder")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise OutputPathError(f"output folder '{out}': '{parent}' is a file, not a folder")


def write_notebook(nb: Any, target: Path) -> None:
    """Write a notebook whole or not at all (:func:`clvlib.cache.write_atomic`).

    The text is what :func:`nbformat.write` writes (UTF-8, ending in a newline), so
    writing the same notebook again gives a byte-identical file. An :class:`OSError`
    (read-only or full folder) leaves the target as it was and no temporary file.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "copy.ipynb"
    >>> nb = read_notebook(notebooks()[0])
    >>> write_notebook(nb, target); first = target.read_bytes()
    >>> write_notebook(nb, target); target.read_bytes() == first, [p.name for p in target.parent.iterdir()]
    (True, ['copy.ipynb'])
    """
    import nbformat

    from clvlib.cache import write_atomic

    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    write_atomic(Path(target), text.encode("utf-8"))


def write_student_copies(out: Path, notebooks_dir: Path | None = None) -> list[Path]:
    """Write the student copy of every notebook of the series as ``out/NN_topic.ipynb``.

    Every notebook is read (and a broken one named) before anything is
    written; each copy is written atomically. Writing is idempotent:
    regenerating gives byte-identical files.

    Examples
    --------
    What ``clvlib student --out _build/student`` runs::

        write_student_copies(Path("_build/student"))
    """
    out = Path(out)
    _check_out_folder(out)
    books = [(path, read_notebook(path)) for path in notebooks(notebooks_dir)]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path, nb in books:
        target = out / path.name
        write_notebook(student_copy(nb), target)
        written.append(target)
    return written
