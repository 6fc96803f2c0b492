"""Test-session settings shared by tests/ and the doctests in src/.

Boundary files come from the offline mirror beside the checkout when there is one
(``../shared/data/boundaries``, as on CI), and every download or derived file goes
to a throw-away cache, so the suite never touches the user's cache. A value
already set in the environment wins.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent
MIRROR = ROOT.parent / "shared" / "data" / "boundaries"

if MIRROR.is_dir():
    os.environ.setdefault("CLVLIB_MIRROR", str(MIRROR))
os.environ.setdefault("CLVLIB_CACHE", tempfile.mkdtemp(prefix="clvlib-test-cache-"))
