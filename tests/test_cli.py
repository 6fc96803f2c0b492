"""The clvlib command line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

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


def test_version_gives_code_and_data_versions(capsys):
    import json

    from conftest import ROOT

    assert main(["--version"]) == 0
    data = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert capsys.readouterr().out.strip() == f"clvlib {clvlib.__version__} (code); data {data}"


def test_python_m_clvlib_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "clvlib", "cite", "--kit"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert "[Computer software]" in done.stdout and "[Dataset]" in done.stdout


def test_cite_styles_and_exports(capsys):
    assert main(["cite", "eras", "--style", "chicago-notes"]) == 0
    assert "“" in capsys.readouterr().out  # Chicago quotes titles of web pages
    assert main(["cite", "eras", "--style", "ris"]) == 0
    assert capsys.readouterr().out.count("TY  - ") == len(clvlib.cite("eras").ids) + 1
    assert main(["cite"]) == 2
    assert "--kit" in capsys.readouterr().err


def test_describe_summarises_sources_instead_of_listing_them(capsys):
    assert main(["describe", "events"]) == 0
    out = capsys.readouterr().out
    n = len(clvlib.cite("events").ids)
    assert f"Sources: {n} sources (" in out and "clvlib cite events" in out
    assert "*" not in out  # no literal Markdown
    assert out.count("https://") < 3  # the bibliography is not dumped


def test_piping_into_head_exits_quietly():
    done = subprocess.run(f"'{sys.executable}' -m clvlib cite sources | head -n 1", shell=True,
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == ""


def test_notebooks_copies_the_series_and_keeps_edited_ones(tmp_path, capsys):
    from clvlib.paths import notebooks_dir

    series = sorted(p.name for p in notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    target = tmp_path / "mine"
    assert main(["notebooks", str(target)]) == 0
    assert sorted(p.name for p in target.glob("*.ipynb")) == series
    # copies a teacher can share: readable by others, as files they created themselves would be
    umask = os.umask(0o022)
    os.umask(umask)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask for p in target.glob("*.ipynb"))
    edited = target / series[0]
    edited.write_text("my notes", encoding="utf-8")
    capsys.readouterr()
    assert main(["notebooks", str(target)]) == 0
    out = capsys.readouterr().out
    assert edited.read_text(encoding="utf-8") == "my notes" and "kept" in out
    assert main(["notebooks", str(target), "--force"]) == 0
    assert edited.read_bytes() == (notebooks_dir() / series[0]).read_bytes()
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    capsys.readouterr()
    assert main(["notebooks", str(a_file)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err


def test_notebooks_into_a_read_only_folder_is_a_named_error_and_leaves_nothing(
        tmp_path, capsys, monkeypatch):
    import errno
    import os

    from clvlib.notebooks import NotebookCopyError, copy_series

    def read_only(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))

    target = tmp_path / "mine"
    target.mkdir()
    monkeypatch.setattr(os, "replace", read_only)   # what a read-only file system does
    assert main(["notebooks", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("clvlib: error: cannot write ") and "Read-only file system" in err
    assert "Traceback" not in err and "00_start_here.ipynb" in err
    assert list(target.iterdir()) == []              # no temporary file, no half-written notebook
    with pytest.raises(NotebookCopyError, match="00_start_here.ipynb"):
        copy_series(target)
