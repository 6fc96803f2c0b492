"""No run of words copied from the reference articles (shared tool, when present)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

TOOL = ROOT.parent / "shared" / "tools" / "copycheck.py"


@pytest.mark.skipif(not TOOL.is_file(), reason="../shared/tools/copycheck.py is not beside this checkout")
def test_no_copied_wording():
    done = subprocess.run([sys.executable, str(TOOL)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("no run")
