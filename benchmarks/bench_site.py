"""Benchmark the book build against plain nbconvert of the six notebooks.

Measured in one run, interleaved (baseline, cold, no change, Markdown edit; repeated),
medians reported:

- baseline: ``jupyter nbconvert --to html --execute`` of the six notebooks, one after another;
- cold build: ``clvlib build`` into an empty build folder (empty execution cache);
- no-change rebuild: the same command again, nothing changed;
- Markdown edit: one Markdown cell of one notebook edited, then rebuilt.

Targets (issue 11): cold <= 0.75 x baseline; no change <= 0.1 x cold; Markdown edit
<= 0.35 x cold. Caches of the library (boundary files, checked tables) are warm for
every command alike: a warm-up run fills them first. The bundled fonts are fetched once
before timing (as after a first build). Every command runs in its own process.

Run with ``make bench`` or ``python benchmarks/bench_site.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def edit_markdown(folder: Path, round_: int) -> None:
    import nbformat

    path = folder / "01_history.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source = cell.source.split("\n\n(Benchmark edit")[0] + f"\n\n(Benchmark edit {round_}.)"
    nbformat.write(nb, path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the four measures")
    args = ap.parse_args()
    mirror = ROOT.parent / "shared" / "data" / "boundaries"
    if mirror.is_dir():
        os.environ.setdefault("CLVLIB_MIRROR", str(mirror))
    os.environ.setdefault("CLVLIB_CACHE", tempfile.mkdtemp(prefix="clvlib-bench-cache-"))
    from clvlib import teach
    from clvlib.site import fonts

    work = Path(tempfile.mkdtemp(prefix="clvlib-bench-site-"))
    books = work / "notebooks"
    shutil.copytree(teach.NOTEBOOK_DIR, books)
    font_dir = fonts.ensure_fonts(work / "fonts")
    clvlib = str(BIN / "clvlib")
    jupyter = str(BIN / "jupyter")
    names = [p.name for p in teach.notebooks(books)]

    def nbconvert() -> float:
        out = Path(tempfile.mkdtemp(dir=work))
        return sum(timed([jupyter, "nbconvert", "--to", "html", "--execute", "--output-dir", str(out),
                          str(books / n)]) for n in names)

    def build(out: Path) -> float:
        if not (out / ".fonts").exists():
            out.mkdir(parents=True, exist_ok=True)
            shutil.copytree(font_dir, out / ".fonts")
        return timed([clvlib, "build", "--notebooks", str(books), "--out", str(out)])

    print("warm-up (not counted) ...", flush=True)
    build(work / "warmup")
    results: dict[str, list[float]] = {"nbconvert": [], "cold": [], "nochange": [], "markdown": []}
    for round_ in range(args.repeat):
        results["nbconvert"].append(nbconvert())
        out = work / f"build-{round_}"
        results["cold"].append(build(out))
        results["nochange"].append(build(out))
        edit_markdown(books, round_)
        results["markdown"].append(build(out))
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in results.items()),
              flush=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"\nmedians of {args.repeat} interleaved rounds (2 notebooks executed at a time):")
    print(f"  nbconvert --execute, six notebooks one after another: {med['nbconvert']:.1f} s")
    print(f"  cold build:          {med['cold']:.1f} s = {med['cold'] / med['nbconvert']:.2f} x nbconvert "
          "(target <= 0.75)")
    print(f"  no-change rebuild:   {med['nochange']:.2f} s = {med['nochange'] / med['cold']:.3f} x cold "
          "(target <= 0.1)")
    print(f"  Markdown-edit build: {med['markdown']:.1f} s = {med['markdown'] / med['cold']:.2f} x cold "
          "(target <= 0.35)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
