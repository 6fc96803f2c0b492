"""Executing the notebooks for the site: a jupyter-cache keyed on code, data and library.

jupyter-cache matches a notebook on its code cells (source and metadata) and
kernel. A page must also change when the data or the library does, so the
cache folder is named after :func:`inputs_digest` (every data file and every
module the notebooks import): a data edit opens a fresh cache and every
notebook runs again; with nothing changed nothing runs; an edit to one
notebook's code re-runs that notebook only. Stale notebooks run in parallel,
each in its own child process and kernel (:data:`WORKERS` at a time).

Examples
--------
>>> len(inputs_digest())
64
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from clvlib.errors import ClvlibError

PACKAGE_DIR = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 600
WORKERS = max(1, min(2, os.cpu_count() or 1))
# Modules that build the site but never run inside a notebook: editing them re-executes nothing.
_NOT_IN_NOTEBOOKS = ("site", "teach.py", "cli.py", "__main__.py", "guide.py")


class NotebookError(ClvlibError):
    """A notebook cell raised an error while the notebook was executed."""

    def __init__(self, notebook: Path, cell: int | None, detail: str):
        self.notebook = Path(notebook)
        self.cell = cell
        where = f"cell {cell}" if cell is not None else "a cell"
        super().__init__(f"{self.notebook.name}: {where} failed:\n{detail}")


def _hash_tree(digest: Any, folder: Path, skip: tuple[str, ...] = ()) -> None:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if (not path.is_file() or rel.parts[0] in skip or "__pycache__" in rel.parts
                or path.suffix == ".pyc"):
            continue
        digest.update(str(rel.as_posix()).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def inputs_digest(data_dir: Path | None = None) -> str:
    """sha256 over every data file and the library source the notebooks run.

    Examples
    --------
    >>> inputs_digest() == inputs_digest()
    True
    """
    from clvlib.data import _catalog

    digest = hashlib.sha256()
    digest.update(b"data\0")
    _hash_tree(digest, _catalog(data_dir).data_dir)
    digest.update(b"library\0")
    _hash_tree(digest, PACKAGE_DIR, skip=_NOT_IN_NOTEBOOKS)
    return digest.hexdigest()


def execute_notebook(path: Path, timeout: int = CELL_TIMEOUT) -> Any:
    """Run a notebook in a fresh kernel, its folder as working directory.

    Returns the executed ``nbformat.NotebookNode``; raises
    :class:`NotebookError` on the first failing cell (cells counted from 0).

    Examples
    --------
    Run the first notebook of the series and count its code cells::

        nb = execute_notebook(teach.notebooks()[0])
        sum(c.cell_type == "code" for c in nb.cells)
    """

    from clvlib.teach import read_notebook

    path = Path(path)
    nb = read_notebook(path)
    return _execute_node(nb, path, timeout)


def _execute_node(nb: Any, path: Path, timeout: int = CELL_TIMEOUT) -> Any:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    # The kernel's own start-up warnings would otherwise land in the last cell's output.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(Path(path).parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        failed = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                       and any(o.get("output_type") == "error" for o in c.get("outputs", []))),
                      None)
        raise NotebookError(path, failed, str(exc)[-3000:]) from exc
    return nb


def _child(source: str, target: str, error_file: str) -> int:
    """Entry point of a child process: execute ``source``, write ``target``."""
    import nbformat

    from clvlib.teach import read_notebook

    path = Path(source)
    try:
        nb = _execute_node(read_notebook(path), path)
    except NotebookError as exc:
        Path(error_file).write_text(json.dumps({"cell": exc.cell, "detail": str(exc)}),
                                    encoding="utf-8")
        return 3
    except KeyboardInterrupt:
        return 130
    nbformat.write(nb, target)
    return 0


class _Run:
    def __init__(self, path: Path, work: Path, env: dict[str, str] | None):
        self.path = path
        self.target = work / path.name
        self.error_file = work / f"{path.stem}.error.json"
        code = ("import sys; from clvlib.site.execute import _child; "
                "sys.exit(_child(*sys.argv[1:]))")
        self.log_file = work / f"{path.stem}.log"
        with self.log_file.open("wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(self.target),
                                          str(self.error_file)], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, env=env)


def _stop(runs: list[_Run]) -> None:
    for run in runs:
        if run.proc.poll() is None:
            run.proc.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 10
    for run in runs:
        try:
            run.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            run.proc.kill()
            run.proc.wait()


def run_parallel(paths: list[Path], workers: int = WORKERS,
                 data_dir: Path | None = None) -> dict[Path, Any]:
    """Execute notebooks, ``workers`` at a time, each in a child process; executed nodes by path.

    With ``data_dir``, the kernels read that data folder (``CLVLIB_DATA_DIR``).
    The first failing notebook stops the others and raises :class:`NotebookError`;
    an interrupt (Ctrl-C) stops every child before it propagates.

    Examples
    --------
    Execute two notebooks side by side::

        executed = run_parallel(teach.notebooks()[:2])
    """
    import nbformat

    from clvlib.catalog import DATA_DIR_ENV

    work = Path(tempfile.mkdtemp(prefix="clvlib-exec-"))
    env = None
    if data_dir is not None:
        env = {**os.environ, DATA_DIR_ENV: str(Path(data_dir).resolve())}
    pending = list(paths)
    running: list[_Run] = []
    done: dict[Path, Any] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                running.append(_Run(pending.pop(0), work, env))
            time.sleep(0.05)
            for run in list(running):
                code = run.proc.poll()
                if code is None:
                    continue
                running.remove(run)
                if code == 0:
                    done[run.path] = nbformat.read(run.target, as_version=4)
                    continue
                if run.error_file.is_file():
                    info = json.loads(run.error_file.read_text(encoding="utf-8"))
                    raise NotebookError(run.path, info["cell"],
                                        info["detail"].split(":\n", 1)[-1])
                if code in (130, -signal.SIGINT):
                    raise KeyboardInterrupt
                tail = run.log_file.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise NotebookError(run.path, None,
                                    f"the executing process ended with status {code}:\n{tail}")
    finally:
        _stop(running)
        shutil.rmtree(work, ignore_errors=True)
    return done


def executed_notebooks(books: list[tuple[Path, Any]], cache_root: Path,
                       data_dir: Path | None = None, log: Any = None) -> tuple[dict[Path, Any], list[Path]]:
    """The executed version of every notebook, from the cache or by running the stale ones.

    ``books`` pairs each notebook path with its (read) node. Returns the
    executed nodes by path (Markdown as in the source, outputs from the
    cache) and the list of notebooks that were executed in this call.
    The cache lives in ``cache_root/<inputs digest>``; folders of older
    digests are removed once every notebook is cached under the new one.

    Examples
    --------
    As the site builder calls it::

        executed, ran = executed_notebooks(books, Path("_build/.jupyter_cache"))
    """
    from jupyter_cache import get_cache

    digest = inputs_digest(data_dir)[:20]
    folder = Path(cache_root) / digest
    cache = get_cache(folder)
    result: dict[Path, Any] = {}
    stale: list[Path] = []
    for path, nb in books:
        try:
            _, merged = cache.merge_match_into_notebook(nb)
            result[path] = merged
        except KeyError:
            stale.append(path)
    if stale:
        if log:
            log(f"executing {len(stale)} notebook(s) ({WORKERS} at a time): "
                + ", ".join(p.name for p in stale))
        ran = run_parallel(stale, data_dir=data_dir)
        from jupyter_cache.base import CacheBundleIn

        for path in stale:
            for cell in ran[path].cells:   # the cache matches on cell metadata too
                cell.metadata.pop("execution", None)
            cache.cache_notebook_bundle(CacheBundleIn(ran[path], uri=str(path)),
                                        check_validity=False, overwrite=True)
            nb = dict(books)[path]
            _, result[path] = cache.merge_match_into_notebook(nb)
    for old in Path(cache_root).iterdir():
        if old.is_dir() and old.name != digest:
            shutil.rmtree(old, ignore_errors=True)
    return result, stale
