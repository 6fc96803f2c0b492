"""Benchmark the notebook series and the site build against a floor.

The floor is a notebook that only imports pandas, geopandas and matplotlib,
executed once per notebook of the series (each run pays a kernel start and
those imports, which every notebook needs anyway). Measured in one run on one
machine: the floor, each notebook's execution time and its kernel's peak
memory, the series' total, and the full site build (``clvlib.site.build``:
execute, render, copy data and downloads).

Targets (issue 7): series <= 1.5 x floor; site build <= 2 x floor.
Run with ``make bench`` or ``python benchmarks/bench_site.py``. Each
execution runs in a child process so that the kernel's peak resident memory
can be read from ``getrusage(RUSAGE_CHILDREN)`` there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs one notebook in a fresh kernel; prints its wall time and the kernel's peak RSS.
CHILD = """
import json, resource, sys, time
from clvlib import site
start = time.perf_counter()
site.execute_notebook(sys.argv[1])
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024}))
"""


def run_one(path: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def floor_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import pandas as pd\nimport geopandas as gpd\nimport matplotlib.pyplot as plt")])
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-site", action="store_true", help="do not time the site build")
    args = ap.parse_args()
    mirror = ROOT.parent / "shared" / "data" / "boundaries"
    if mirror.is_dir():
        os.environ.setdefault("CLVLIB_MIRROR", str(mirror))
    os.environ.setdefault("CLVLIB_CACHE", tempfile.mkdtemp(prefix="clvlib-bench-"))
    from clvlib import site

    books = site.notebooks()
    work = Path(tempfile.mkdtemp(prefix="clvlib-bench-site-"))
    # warm-up: first import of the stack and the boundary cache, not counted
    run_one(books[-2] if len(books) > 1 else books[0])

    floor_path = floor_notebook(work)
    floor_runs = [run_one(floor_path) for _ in books]
    floor = sum(r["seconds"] for r in floor_runs)
    print(f"floor: import-only notebook x {len(books)}: {floor:.1f} s "
          f"({floor / len(books):.2f} s each; kernel peak {floor_runs[0]['peak_mib']:.0f} MiB)")

    total = 0.0
    print(f"{'notebook':32} {'seconds':>8} {'peak MiB':>9}")
    for path in books:
        r = run_one(path)
        total += r["seconds"]
        print(f"{path.name:32} {r['seconds']:8.1f} {r['peak_mib']:9.0f}")
    print(f"series: {total:.1f} s = {total / floor:.2f} x floor (target <= 1.5 x)")

    if not args.skip_site:
        start = time.perf_counter()
        site.build(work / "_build")
        build = time.perf_counter() - start
        print(f"site build: {build:.1f} s = {build / floor:.2f} x floor (target <= 2 x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
