"""import clvlib stays light: heavy libraries load only when used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["frictionless", "geopandas", "matplotlib", "pycountry", "nbclient", "nbconvert", "shapely"]


def test_import_does_not_load_heavy_libraries():
    code = ("import sys, clvlib; "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_load_does_not_import_frictionless():
    code = ("import sys, clvlib; clvlib.load('provinces'); "
            "print('frictionless' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
