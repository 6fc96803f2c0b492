"""Benchmark clvlib.geo.boundaries: first (uncached) load against cached loads.

Target (issue 4): repeated loads take <= 0.3 s. Run with ``make bench`` or
``python benchmarks/bench_geo.py``; boundary files come from ``$CLVLIB_MIRROR``
(default: ``../shared/data/boundaries`` beside the checkout) and a fresh cache
folder is used so that the first load really is uncached.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    mirror = ROOT.parent / "shared" / "data" / "boundaries"
    if mirror.is_dir():
        os.environ.setdefault("CLVLIB_MIRROR", str(mirror))
    os.environ["CLVLIB_CACHE"] = tempfile.mkdtemp(prefix="clvlib-bench-")
    from clvlib import geo

    print(f"mirror: {os.environ.get('CLVLIB_MIRROR', '(none: downloads)')}")
    for level in (1, 0):
        start = time.perf_counter()
        geo.boundaries(level)
        first = time.perf_counter() - start
        cached = []
        for _ in range(args.runs):
            start = time.perf_counter()
            geo.boundaries(level)
            cached.append(time.perf_counter() - start)
        med, worst = statistics.median(cached), max(cached)
        verdict = "OK" if worst <= 0.3 else "MISSED"
        print(f"level {level}: first load {first * 1000:7.1f} ms; cached median {med * 1000:6.1f} ms "
              f"(max {worst * 1000:6.1f} ms) target <= 300 ms  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
