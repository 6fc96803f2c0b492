"""Benchmark the notebook series and the site build against a floor.

The floor is a notebook that only imports pandas, geopandas and matplotlib,
executed once per notebook of the series (each run pays a kernel start and
those imports, which every notebook needs anyway). Measured on one
machine in one session: the floor, each notebook's execution time (median of
``--repeat`` runs, interleaved with floor runs) and its kernel's peak memory,
the series' total (sum of the medians), and the full site build
(``clvlib.site.build``: execute, render, copy data and downloads).

Targets (issue 7): series <= 1.5 x floor; site build <= 2 x floor.
Caches are warm, as on a machine after its first run: boundary files and
checked tables are in ``CLVLIB_CACHE`` (a fresh folder for the benchmark,
filled by a warm-up that is not counted).
Run with ``make bench`` or ``python benchmarks/bench_site.py``. Each
execution runs in a child process so that the kernel's peak resident memory
can be read from ``getrusage(RUSAGE_CHILDREN)`` there.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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
    ap.add_argument("--repeat", type=int, default=3, help="runs of each notebook and of the floor")
    args = ap.parse_args()
    mirror = ROOT.parent / "shared" / "data" / "boundaries"
    if mirror.is_dir():
        os.environ.setdefault("CLVLIB_MIRROR", str(mirror))
    os.environ.setdefault("CLVLIB_CACHE", tempfile.mkdtemp(prefix="clvlib-bench-"))
    from clvlib import site

    books = site.notebooks()
    work = Path(tempfile.mkdtemp(prefix="clvlib-bench-site-"))
    # warm-up, not counted: the file-system cache, the boundary cache and the checked-table
    # cache (as on any machine after its first run of the series)
    import clvlib

    clvlib.datasets()   # reads and checks every table, storing it in CLVLIB_CACHE/tables
    run_one(books[-2] if len(books) > 1 else books[0])

    # Floor and notebooks are interleaved (floor, notebook, floor, notebook, ...) and repeated,
    # so that drifts of this shared machine hit both alike; medians are reported.
    floor_path = floor_notebook(work)
    floor_runs: list[dict[str, float]] = []
    runs: dict[str, list[dict[str, float]]] = {p.name: [] for p in books}
    for _ in range(args.repeat):
        for path in books:
            floor_runs.append(run_one(floor_path))
            runs[path.name].append(run_one(path))
    each = statistics.median(r["seconds"] for r in floor_runs)
    floor = each * len(books)
    print(f"floor: import-only notebook x {len(books)}: {floor:.1f} s (median {each:.2f} s of "
          f"{len(floor_runs)} runs, range {min(r['seconds'] for r in floor_runs):.2f}-"
          f"{max(r['seconds'] for r in floor_runs):.2f} s; kernel peak "
          f"{max(r['peak_mib'] for r in floor_runs):.0f} MiB)")
    total = 0.0
    print(f"{'notebook':32} {'median s':>9} {'range s':>12} {'peak MiB':>9}")
    for name, results in runs.items():
        times = [r["seconds"] for r in results]
        median = statistics.median(times)
        total += median
        print(f"{name:32} {median:9.1f} {min(times):5.1f}-{max(times):<5.1f} "
              f"{max(r['peak_mib'] for r in results):9.0f}")
    print(f"series: {total:.1f} s = {total / floor:.2f} x floor (target <= 1.5 x)")

    if not args.skip_site:
        start = time.perf_counter()
        site.build(work / "_build")
        build = time.perf_counter() - start
        print(f"site build: {build:.1f} s = {build / floor:.2f} x floor (target <= 2 x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
