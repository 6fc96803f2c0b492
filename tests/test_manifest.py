"""data/manifest.json: each CSV's sha256 and row count, compared by clvlib validate.

A truncated or swapped file is a finding of ``clvlib validate`` (exit 1); loading goes on
with a :class:`clvlib.errors.ManifestWarning`.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import clvlib
from clvlib import catalog
from clvlib.catalog import Catalog, write_manifest
from clvlib.cli import main
from clvlib.errors import ManifestWarning

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("CLVLIB_CACHE", str(tmp_path / "cache"))
    catalog._CACHE.clear()
    catalog._MANIFEST_WARNED.clear()


def _mismatches(report, file):
    return [p for p in report.problems if p.file == file and p.code == "manifest-mismatch"]


def test_the_committed_manifest_matches_the_committed_data(tmp_path):
    """Every data edit must update data/manifest.json (clvlib validate --update-manifest)."""
    assert Catalog().manifest_problems() == []
    committed = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    assert set(committed["files"]) == {t.file for t in map(Catalog().table, Catalog().names)}
    assert committed["files"]["events.csv"]["rows"] == len(clvlib.load("events"))
    # regenerating it gives the same bytes
    copy = tmp_path / "data"
    copy.mkdir()
    for path in DATA.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    write_manifest(copy)
    assert (copy / "manifest.json").read_bytes() == (DATA / "manifest.json").read_bytes()


def test_a_truncated_file_is_a_finding_and_loading_warns(data_copy, capsys):
    path = data_copy / "events.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:11]) + "\n", encoding="utf-8")     # header + 10 rows, valid CSV
    full = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))["files"]["events.csv"]["rows"]
    assert full > 10
    report = clvlib.validate(data_dir=data_copy, use_frictionless=False)
    (problem,) = _mismatches(report, "events.csv")
    assert f"10 rows where the manifest records {full}" in problem.message
    assert main(["--data-dir", str(data_copy), "validate", "--no-frictionless"]) == 1
    assert "manifest-mismatch" in capsys.readouterr().out
    with pytest.warns(ManifestWarning, match=f"events.csv.*10 rows where the manifest records {full}"):
        events = clvlib.load("events", data_dir=data_copy)
    assert len(events) == 10


def test_a_swapped_file_is_a_finding_and_update_manifest_accepts_it(data_copy, capsys):
    path = data_copy / "eras.csv"
    header, first, second, *rest = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([header, second, first, *rest]), encoding="utf-8")
    report = clvlib.validate(data_dir=data_copy, use_frictionless=False)
    assert [p.code for p in report.problems] == ["manifest-mismatch"]
    assert "sha256" in report.problems[0].message and "rows" not in report.problems[0].message
    with pytest.warns(ManifestWarning, match="eras.csv"):
        assert len(clvlib.load("eras", data_dir=data_copy)) == 4
    # a deliberate edit: regenerate the manifest; then validate passes and loading is silent
    assert main(["--data-dir", str(data_copy), "validate", "--update-manifest",
                 "--no-frictionless"]) == 0
    assert "wrote" in capsys.readouterr().out
    catalog._CACHE.clear()
    catalog._MANIFEST_WARNED.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ManifestWarning)
        clvlib.load("eras", data_dir=data_copy)
    assert clvlib.validate(data_dir=data_copy, use_frictionless=False).ok


def test_a_missing_or_stale_manifest_is_a_finding(data_copy):
    manifest = data_copy / "manifest.json"
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content["files"]["gone.csv"] = {"rows": 1, "sha256": "0" * 64}
    manifest.write_text(json.dumps(content), encoding="utf-8")
    report = clvlib.validate(data_dir=data_copy, use_frictionless=False)
    assert [(p.file, p.value, p.code) for p in report.problems] == [
        ("manifest.json", "gone.csv", "manifest-mismatch")]
    manifest.unlink()
    report = clvlib.validate(data_dir=data_copy, use_frictionless=False)
    assert [p.code for p in report.problems] == ["manifest-missing"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ManifestWarning)
        clvlib.load("eras", data_dir=data_copy)   # nothing to compare against: no warning


def test_an_unreadable_manifest_is_named(data_copy):
    (data_copy / "manifest.json").write_text("{not json", encoding="utf-8")
    report = clvlib.validate(data_dir=data_copy, use_frictionless=False)
    assert [p.code for p in report.problems] == ["bad-manifest"]
    with pytest.warns(ManifestWarning, match="cannot read the manifest"):
        clvlib.load("eras", data_dir=data_copy)


def test_update_manifest_on_broken_data_writes_nothing_and_fails(edit, data_copy, capsys):
    def break_a_date(header, rows):
        rows[0]["start"] = "1975-13-45"
    edit("eras.csv", break_a_date)
    manifest = data_copy / "manifest.json"
    before = manifest.read_bytes()
    assert main(["--data-dir", str(data_copy), "validate", "--update-manifest",
                 "--no-frictionless"]) == 1
    out, err = capsys.readouterr()
    assert manifest.read_bytes() == before           # broken files are not recorded as deliberate
    assert "wrote" not in out and "manifest.json not written" in err
    assert "eras.csv" in out and "1975-13-45" in out  # the problem that blocked it is shown
    assert "manifest-mismatch" not in out            # not blamed on the manifest as well
    # once fixed the same command writes it, and validate passes
    edit("eras.csv", lambda header, rows: rows[0].update(start="1975-04-18"))
    assert main(["--data-dir", str(data_copy), "validate", "--update-manifest",
                 "--no-frictionless"]) == 0
    assert manifest.read_bytes() != before and "PASSED" in capsys.readouterr().out
    catalog._CACHE.clear()
    assert clvlib.validate(data_dir=data_copy, use_frictionless=False).ok


def test_update_manifest_in_a_read_only_data_folder_is_a_named_error(data_copy, capsys,
                                                                    monkeypatch):
    import errno
    import os

    def read_only(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))

    (data_copy / "manifest.json").unlink()
    files = sorted(p.name for p in data_copy.iterdir())
    monkeypatch.setattr(os, "replace", read_only)    # tests run as root: chmod would not stop it
    assert main(["--data-dir", str(data_copy), "validate", "--update-manifest",
                 "--no-frictionless"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("clvlib: error: cannot write ") and "manifest.json" in err
    assert "Read-only file system" in err and "Traceback" not in err
    assert sorted(p.name for p in data_copy.iterdir()) == files   # no temporary file left
    with pytest.raises(catalog.ManifestWriteError, match="manifest.json: Read-only"):
        write_manifest(data_copy)
