"""A copy of the notebook series in a folder of the user's, to run and edit there.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     first = copy_series(Path(tmp) / "clv")
...     again = copy_series(Path(tmp) / "clv")
>>> sorted({what for _, what in first}), sorted({what for _, what in again})
(['copied'], ['unchanged'])
"""

from __future__ import annotations

from pathlib import Path

from clvlib import cache, paths
from clvlib.errors import ClvlibError


class NotebookCopyError(ClvlibError, OSError):
    """The notebooks cannot be copied to the folder asked for."""


def copy_series(folder: Path, *, force: bool = False) -> list[tuple[Path, str]]:
    """Copy every notebook of the series (``NN_topic.ipynb``) into ``folder``.

    A notebook already there and identical is left alone (``"unchanged"``); one that
    differs (the user edited it) is kept (``"kept (yours differs; --force to
    replace)"``) unless ``force``. Nothing else in the folder is touched. Each
    notebook is written whole or not at all (:func:`clvlib.cache.write_atomic`:
    a unique temporary name, then a rename), so an interrupted or failed copy
    leaves no half-written notebook and no temporary file.

    Parameters
    ----------
    folder : pathlib.Path
        Created if missing; must not be an existing file.
    force : bool
        Replace notebooks that differ from the series.

    Returns
    -------
    list of (Path, str)
        Each notebook's path in ``folder`` and what was done.

    Raises
    ------
    NotebookCopyError
        ``folder`` is a file, cannot be created, or a notebook cannot be read or
        written there (read-only, full, no permission); the message names the file.
    """
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise NotebookCopyError(f"{folder} is a file, not a folder: give a folder for the notebooks")
    source = paths.notebooks_dir()
    series = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not series:
        raise NotebookCopyError(f"no notebooks found in {source}: is clvlib installed completely?")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotebookCopyError(f"cannot create {folder}: {exc}") from exc
    done = []
    for nb in series:
        target = folder / nb.name
        try:
            wanted = nb.read_bytes()
        except OSError as exc:
            raise NotebookCopyError(f"cannot read {nb}: {exc.strerror or exc}") from exc
        try:
            if target.exists():
                if target.read_bytes() == wanted:
                    done.append((target, "unchanged"))
                    continue
                if not force:
                    done.append((target, "kept (yours differs; --force to replace)"))
                    continue
                what = "replaced"
            else:
                what = "copied"
            cache.write_atomic(target, wanted)
        except OSError as exc:
            raise NotebookCopyError(f"cannot write {target}: {exc.strerror or exc}") from exc
        done.append((target, what))
    return done
