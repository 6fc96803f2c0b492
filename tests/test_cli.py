"""The clvlib command line."""

from __future__ import annotations

import subprocess
import sys

import clvlib
from clvlib.cli import main


def test_datasets_lists_every_table(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    for name in clvlib.datasets()["name"]:
        assert name in out


def test_cite_apa_and_bibtex(capsys):
    assert main(["cite", "provinces"]) == 0
    apa = capsys.readouterr().out
    assert len(apa.strip().splitlines()) == len(clvlib.cite("provinces").ids) + 1  # + data release
    assert main(["cite", "provinces", "--bibtex"]) == 0
    bib = capsys.readouterr().out
    assert bib.count("@misc{") == len(clvlib.cite("provinces").ids) + 1


def test_describe(capsys):
    assert main(["describe", "province_names"]) == 0
    assert "province_code" in capsys.readouterr().out


def test_unknown_table_is_an_error_not_a_traceback(capsys):
    assert main(["cite", "nope"]) == 1
    err = capsys.readouterr().err
    assert "no table named 'nope'" in err and "Traceback" not in err


def test_console_script_is_installed():
    exe = sys.executable.replace("python", "clvlib")
    done = subprocess.run([exe, "validate", "--no-frictionless"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "PASSED" in done.stdout
