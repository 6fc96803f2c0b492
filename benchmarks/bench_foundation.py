"""Benchmark the foundation's two performance targets, side by side in one run.

1. ``import clvlib`` in a fresh process vs ``import pandas`` in a fresh process
   (target: clvlib <= 1.2x pandas).
2. ``clvlib.load(name)`` vs ``pandas.read_csv`` of the same file, warm
   (target: <= 3x). Both the cached path (what a notebook meets after the first
   call) and the first, uncached load in a process (which parses, converts and
   checks the table) are reported.

Run with ``make bench`` or ``python benchmarks/bench_foundation.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed_in_fresh_process(code: str, runs: int) -> list[float]:
    """Run ``code`` (which prints one duration in seconds) in ``runs`` fresh interpreters."""
    out = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
        out.append(float(done.stdout.strip()))
    return out


def fresh_import(module: str, runs: int) -> list[float]:
    """Time spent in ``import module`` inside a fresh interpreter (start-up excluded)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return timed_in_fresh_process(code, runs)


def timeit(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def first_load(name: str, runs: int) -> list[float]:
    """First ``clvlib.load`` in a fresh process with an empty cache folder: read and check the CSV."""
    code = ("import os, tempfile, time; os.environ['CLVLIB_CACHE'] = tempfile.mkdtemp(); "
            "import clvlib; t = time.perf_counter(); "
            f"clvlib.load({name!r}); print(time.perf_counter() - t)")
    return timed_in_fresh_process(code, runs)


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.2f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    import pandas as pd

    import clvlib

    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, runs={args.runs} (medians)")
    pandas_import = fresh_import("pandas", args.runs)
    clvlib_import = fresh_import("clvlib", args.runs)
    ratio = statistics.median(clvlib_import) / statistics.median(pandas_import)
    print("\n1. import in a fresh process")
    print(f"   import pandas  {ms(pandas_import)}")
    print(f"   import clvlib  {ms(clvlib_import)}   ratio {ratio:.2f}  (target <= 1.20)"
          f"  {'OK' if ratio <= 1.2 else 'MISSED'}")

    print("\n2. load vs read_csv of the same file (warm)")
    print(f"   {'table':<18}{'read_csv':>12}{'load cached':>14}{'ratio':>7}"
          f"{'first load':>14}{'ratio':>7}")
    worst = 0.0
    for name in clvlib.datasets()["name"]:
        path = clvlib.Catalog().table(name).path
        pd.read_csv(path)
        clvlib.load(name)
        rc = timeit(lambda p=path: pd.read_csv(p), args.runs * 4)
        ld = timeit(lambda n=name: clvlib.load(n), args.runs * 4)
        fl = first_load(name, max(3, args.runs // 3))
        r1 = statistics.median(ld) / statistics.median(rc)
        r2 = statistics.median(fl) / statistics.median(rc)
        worst = max(worst, r1)
        print(f"   {name:<18}{ms(rc):>12}{ms(ld):>14}{r1:>7.2f}{ms(fl):>14}{r2:>7.2f}")
    print(f"   cached load worst ratio {worst:.2f} (target <= 3.00)  {'OK' if worst <= 3 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
