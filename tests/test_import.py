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


def test_a_cached_load_in_a_new_process_imports_no_checker_nor_downloader(tmp_path):
    # the default (user) cache folder, here under a throw-away XDG_CACHE_HOME
    import os

    env = {k: v for k, v in os.environ.items() if k != "CLVLIB_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    first = "import clvlib; clvlib.load('provinces')"
    subprocess.run([sys.executable, "-c", first], env=env, check=True, capture_output=True)
    assert (tmp_path / "clvlib" / "tables").is_dir()          # stored in the default folder
    code = ("import sys, clvlib; clvlib.load('provinces'); "
            "print([m for m in ['pooch', 'requests', 'pycountry', 'frictionless', 'citeproc'] "
            "if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
