"""Installed anywhere: a built wheel, installed into a fresh environment outside the checkout, works.

The wheel is built from the checkout (``pip wheel``), installed with ``--no-deps`` into a
new virtual environment in a temporary folder; that environment sees the project's own
dependencies through a ``.pth`` line (so nothing is downloaded), but not the checkout:
it must find the data, the notebooks and ``CITATION.cff`` inside the installed package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT


def _run(cmd: list[str], cwd: Path, env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(python of the fresh environment, a folder outside the checkout, its environment)."""
    tmp = tmp_path_factory.mktemp("install")
    env = {k: v for k, v in os.environ.items() if k not in {"CLVLIB_DATA_DIR", "PYTHONPATH"}}
    env["CLVLIB_CACHE"] = str(tmp / "cache")
    wheels = tmp / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels),
                  str(ROOT)], cwd=tmp, env=env)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("clvlib-*.whl"))
    venv = tmp / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp, env=env)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site_dir = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         cwd=tmp, env=env).stdout.strip())
    # the project's dependencies, without the checkout's editable clvlib (nested .pth files are not run)
    (site_dir / "project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    inst = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                 "--no-index", "--quiet", str(wheel)], cwd=tmp, env=env)
    assert inst.returncode == 0, inst.stderr
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return python, elsewhere, env


def test_the_wheel_carries_the_data_notebooks_and_citation(installed):
    python, elsewhere, env = installed
    out = _run([str(python), "-c", textwrap.dedent("""
        import json, clvlib, clvlib.paths as p
        notebooks = sorted(x.name for x in p.notebooks_dir().iterdir())
        print(json.dumps({"module": clvlib.__file__, "checkout": str(p.checkout_root()),
                          "data": str(p.data_dir()), "notebooks": notebooks,
                          "cff": p.citation_file().is_file()}))
    """)], cwd=elsewhere, env=env)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert "site-packages" in info["module"] and str(ROOT) not in info["module"]
    assert info["checkout"] == "None"
    assert info["data"].endswith("clvlib/_data")
    expected = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert [n for n in info["notebooks"] if n.endswith(".ipynb")] == expected
    assert info["cff"]


def test_load_validate_cite_describe_work_outside_the_checkout(installed):
    python, elsewhere, env = installed
    script = textwrap.dedent("""
        import clvlib
        trade = clvlib.load("trade")
        print(len(trade))
        print(clvlib.validate().ok)  # with the frictionless pass over the packaged descriptor
        print(len(clvlib.cite(trade[trade["country"] == "KHM"][["value", "unit"]]).ids))
        print(clvlib.describe("events").sources_summary)
        print(clvlib.cite_kit(style="bibtex").count("@"))
    """)
    out = _run([str(python), "-c", script], cwd=elsewhere, env=env)
    assert out.returncode == 0, out.stderr
    rows, ok, cited, summary, kit_entries = out.stdout.strip().splitlines()
    assert int(rows) == sum(1 for _ in (ROOT / "data" / "trade.csv").open(encoding="utf-8")) - 1
    assert ok == "True"
    assert int(cited) > 0
    assert "sources (" in summary and "clvlib.cite('events')" in summary
    assert kit_entries == "2"  # the software and the data release


def test_python_m_clvlib_and_the_console_script_work_outside_the_checkout(installed):
    python, elsewhere, env = installed
    version = _run([str(python), "-m", "clvlib", "--version"], cwd=elsewhere, env=env)
    assert version.returncode == 0, version.stderr
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    import clvlib

    assert version.stdout.strip() == f"clvlib {clvlib.__version__} (code); data {descriptor['version']}"
    copied = _run([str(python.parent / "clvlib"), "notebooks", "mine"], cwd=elsewhere, env=env)
    assert copied.returncode == 0, copied.stderr
    assert sorted(p.name for p in (elsewhere / "mine").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
