"""The user's cache folder (clvlib.cache): no code from it, no lies from it, no crash for it.

Each test points ``CLVLIB_CACHE`` at its own folder. Read-only caches are simulated by
refusing every write under the cache folder at the ``os`` level (the suite runs as root on CI,
where ``chmod`` does not stop writes).
"""

from __future__ import annotations

import errno
import os
import pickle
import stat
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pandas as pd
import pytest

import clvlib
from clvlib import cache, catalog

ROOT = Path(__file__).resolve().parents[1]


def _csv_rows(name: str) -> int:
    """Data rows of a committed CSV, counted with the csv module (independent of the kit)."""
    import csv

    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.reader(fh) if row) - 1


EVENTS_ROWS = _csv_rows("events")
MIRROR = Path(os.environ.get("CLVLIB_MIRROR", "")) if os.environ.get("CLVLIB_MIRROR") else None
needs_mirror = pytest.mark.skipif(MIRROR is None or not MIRROR.is_dir(),
                                  reason="boundary files not available (set CLVLIB_MIRROR)")


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    """Each test: its own cache folder, an empty memory cache, warnings not yet given."""
    monkeypatch.setenv("CLVLIB_CACHE", str(tmp_path / "cache"))
    catalog._CACHE.clear()
    cache._WARNED.clear()
    yield tmp_path / "cache"
    catalog._CACHE.clear()
    cache._WARNED.clear()


def _new_process():
    """What a later process sees: nothing in memory."""
    catalog._CACHE.clear()
    cache._WARNED.clear()


def _stored(root: Path, kind: str, name: str) -> Path:
    (path,) = (root / kind).glob(f"{name}-*{cache.SUFFIX}")
    return path


@pytest.fixture
def read_only(monkeypatch, fresh):
    """Refuse every write, rename, delete and mkdir under the cache folder (EROFS)."""
    root = str(fresh)

    def inside(path) -> bool:
        return os.path.abspath(os.fsdecode(path)).startswith(root)

    def refuse(path):
        raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))

    real = {name: getattr(os, name) for name in ("mkdir", "unlink", "replace", "rename", "open")}

    def guard(name):
        def wrapper(path, *args, **kwargs):
            if inside(path):
                if name != "open" or (args and args[0] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
                    refuse(path)
            return real[name](path, *args, **kwargs)
        return wrapper

    def replace(src, dst, *args, **kwargs):
        if inside(src) or inside(dst):
            refuse(dst)
        return real["replace"](src, dst, *args, **kwargs)

    def activate():
        for name in ("mkdir", "unlink", "open"):
            monkeypatch.setattr(os, name, guard(name))
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "rename", replace)

    return activate


# ---------------------------------------------------------------- where the cache is


def test_folders_are_created_user_only(fresh, data_copy):
    clvlib.load("eras", data_dir=data_copy)
    for folder in (fresh, fresh / "tables"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    stored = list((fresh / "tables").iterdir())
    assert stored and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in stored)


def test_shared_outputs_get_the_usual_permissions_not_the_cache_s(tmp_path):
    old = os.umask(0o022)
    try:
        cache.write_atomic(tmp_path / "page.html", b"<p>x</p>")
        cache.write_atomic(tmp_path / "own.bin", b"x", private=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "own.bin").stat().st_mode) == 0o600


def test_cache_path_that_is_a_file_is_a_named_error_and_loads_still_work(tmp_path, monkeypatch,
                                                                        data_copy):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("CLVLIB_CACHE", str(blocker))
    with pytest.raises(cache.CacheLocationError, match="not-a-folder.*is a file"):
        cache.cache_dir()
    with pytest.warns(cache.CacheWarning, match="is a file"):
        eras = clvlib.load("eras", data_dir=data_copy)
    assert len(eras) == 4
    assert blocker.read_text() == "x"


def test_a_download_with_a_file_as_cache_is_a_named_error(tmp_path, monkeypatch):
    from clvlib import geo

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("CLVLIB_CACHE", str(blocker))
    monkeypatch.delenv("CLVLIB_MIRROR", raising=False)
    with pytest.raises(cache.CacheLocationError, match="CLVLIB_CACHE"):
        geo.fetch("admin0_naturalearth_10m_ashkyd/KHM.geojson")


def test_catalog_and_geo_do_not_import_each_other():
    code = ("import sys, clvlib.catalog, clvlib.cache; "
            "assert not any(m.startswith('clvlib.geo') for m in sys.modules), 'catalog pulled geo'; "
            "assert 'frictionless' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    source = (ROOT / "src" / "clvlib" / "catalog.py").read_text(encoding="utf-8")
    assert "clvlib.geo" not in source and "pickle" not in source


# ---------------------------------------------------------------- what is stored


def test_every_table_round_trips_exactly_through_the_cache(fresh):
    cat = clvlib.Catalog()
    for name in cat.names:
        fresh_frame, problems = cat.check(name)
        assert not problems
        clvlib.load(name)                       # checks and stores
        _new_process()
        from_cache = clvlib.load(name)          # read back from the stored Arrow file
        assert from_cache.attrs["clvlib_table"] == name
        # load() may add derived columns (value_usd) after the stored, checked columns
        stored = pd.DataFrame(from_cache)[list(fresh_frame.columns)]
        pd.testing.assert_frame_equal(stored, fresh_frame, check_exact=True)


def test_stored_files_are_arrow_with_a_verified_header(fresh, data_copy):
    clvlib.load("events", data_dir=data_copy)
    data = _stored(fresh, "tables", "events").read_bytes()
    header, _, payload = data.partition(b"\n")
    assert payload[:6] == b"ARROW1" and payload[-6:] == b"ARROW1"   # Arrow IPC (Feather v2)
    assert b'"format": "clvlib-cache-1"' in header and f'"rows": {EVENTS_ROWS}'.encode() in header


def test_a_planted_pickle_is_never_executed_nor_trusted(fresh, data_copy, tmp_path):
    marker = tmp_path / "code-ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    good = clvlib.load("events", data_dir=data_copy)
    target = _stored(fresh, "tables", "events")
    planted = pickle.dumps(Payload())
    target.write_bytes(planted)                                   # under the very name read
    (fresh / "tables" / target.name.replace(cache.SUFFIX, ".pickle")).write_bytes(planted)
    _new_process()
    again = clvlib.load("events", data_dir=data_copy)
    assert not marker.exists()
    pd.testing.assert_frame_equal(again, good)
    assert target.read_bytes() != planted                         # dropped and rebuilt
    assert clvlib.validate(data_dir=data_copy, use_frictionless=False).ok
    assert not marker.exists()


def test_garbage_and_a_forged_header_are_not_trusted(fresh, data_copy):
    good = clvlib.load("eras", data_dir=data_copy)
    target = _stored(fresh, "tables", "eras")
    header, _, payload = target.read_bytes().partition(b"\n")
    for bad in (b"\x00" * 50, header + b"\n" + payload[:-10], header + b"\n" + payload + b"x",
                header.replace(b'"rows": 4', b'"rows": 5') + b"\n" + payload):
        target.write_bytes(bad)
        _new_process()
        pd.testing.assert_frame_equal(clvlib.load("eras", data_dir=data_copy), good)
        assert target.read_bytes() != bad


def test_a_replaced_table_with_fewer_rows_is_not_trusted(fresh, data_copy):
    good = clvlib.load("events", data_dir=data_copy)
    assert len(good) == EVENTS_ROWS
    target = _stored(fresh, "tables", "events")
    key = target.name[len("events-"):-len(cache.SUFFIX)]
    _, files = clvlib.Catalog(data_copy)._digest(clvlib.Catalog(data_copy)._signature())
    honest = files["events.csv"]
    # a well-formed file, written by the cache's own writer, claiming the real CSV's digest
    for claimed in (honest, {**honest, "rows": 10}):
        assert cache.write_frame("tables", "events", key, good.head(10), claimed)
        _new_process()
        again = clvlib.load("events", data_dir=data_copy)
        assert len(again) == EVENTS_ROWS
        pd.testing.assert_frame_equal(again, good)


# ---------------------------------------------------------------- a cache that cannot be written


def test_a_read_only_cache_with_a_damaged_file_costs_speed_only(fresh, data_copy, read_only):
    good = clvlib.load("eras", data_dir=data_copy)
    target = _stored(fresh, "tables", "eras")
    target.write_bytes(b"damaged")
    _new_process()
    read_only()
    with pytest.warns(cache.CacheWarning, match="cannot write"):
        again = clvlib.load("eras", data_dir=data_copy)
    pd.testing.assert_frame_equal(again, good)
    assert target.read_bytes() == b"damaged"       # could not be removed; ignored instead
    _new_process()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cache.CacheWarning)
        pd.testing.assert_frame_equal(clvlib.load("eras", data_dir=data_copy), good)


def test_an_empty_read_only_cache_costs_speed_only(fresh, data_copy, read_only):
    read_only()
    with pytest.warns(cache.CacheWarning):
        assert len(clvlib.load("provinces", data_dir=data_copy)) == 106
    assert not fresh.exists()


def test_write_atomic_leaves_no_temporary_file_when_it_fails(tmp_path, monkeypatch):
    target = tmp_path / "x.bin"
    target.write_bytes(b"old")

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        cache.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]


# ---------------------------------------------------------------- derived boundary files


@needs_mirror
def test_boundaries_and_maps_work_with_a_read_only_cache(fresh, read_only):
    from clvlib import geo

    first = geo.boundaries(0)
    target = _stored(fresh, "derived", "boundaries-0")
    target.write_bytes(target.read_bytes()[:1000])           # damaged, and cannot be fixed
    read_only()
    with pytest.warns(cache.CacheWarning):
        again = geo.boundaries(0)
        pd.testing.assert_frame_equal(pd.DataFrame(again.drop(columns="geometry")),
                                      pd.DataFrame(first.drop(columns="geometry")))
        fig = geo.plot_region()
    assert fig.axes
    import matplotlib.pyplot as plt

    plt.close(fig)


@needs_mirror
def test_a_truncated_geoparquet_recovers_by_itself(fresh):
    from clvlib import geo

    first = geo.boundaries(1, ["LAO"])
    target = _stored(fresh, "derived", "boundaries-1")
    whole = target.read_bytes()
    target.write_bytes(whole[: len(whole) // 2])
    again = geo.boundaries(1, ["LAO"])
    assert again.geom_equals(first).all()
    assert list(again["province_code"]) == list(first["province_code"])
    assert target.read_bytes() == whole                       # rebuilt in place
    assert geo.boundaries(1, ["LAO"]).geom_equals(first).all()


@needs_mirror
def test_four_parallel_processes_fill_an_empty_cache(fresh):
    script = textwrap.dedent("""
        import clvlib
        from clvlib import geo
        a = geo.boundaries(1)
        b = geo.boundaries(0)
        print(len(a), a["province_code"].nunique(), len(b), len(clvlib.load("events")))
    """)
    env = {**os.environ, "CLVLIB_CACHE": str(fresh), "PYTHONWARNINGS": "error::UserWarning"}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [(p.returncode, out, err) for p in procs for out, err in [p.communicate(timeout=300)]]
    assert [code for code, _, _ in results] == [0, 0, 0, 0], [err for _, _, err in results]
    from clvlib import geo

    provinces = geo.boundaries(1, use_cache=False)
    expected = (f"{len(provinces)} {provinces['province_code'].nunique()} "
                f"{len(geo.boundaries(0, use_cache=False))} {EVENTS_ROWS}")
    assert [out.strip() for _, out, _ in results] == [expected] * 4
    names = sorted(p.name for p in (fresh / "derived").iterdir())
    assert len(names) == 2 and all(n.endswith(cache.SUFFIX) for n in names), names
    assert not [p for p in fresh.rglob("*.tmp")]


@needs_mirror
def test_what_counts_as_used_does_not_depend_on_the_cache(fresh):
    from clvlib import data, geo, provenance

    provenance.reset()                                     # a fresh process: nothing used yet
    getattr(data, "_LOADED", set()).clear()
    before = set(clvlib.sources_used().ids)
    cold = geo.boundaries(1, ["KHM"])                     # empty cache: joins the tables
    after_cold = set(clvlib.sources_used().ids)
    warm = geo.boundaries(1, ["KHM"])                     # from the cache
    assert _stored(fresh, "derived", "boundaries-1").is_file()
    assert set(clvlib.sources_used().ids) == after_cold == before
    assert list(warm["province_code"]) == list(cold["province_code"])
