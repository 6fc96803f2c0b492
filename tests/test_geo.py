"""clvlib.geo: boundary files (mirror, download, hashes), names, membership, crosswalk."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

import clvlib
from clvlib import geo

MIRROR = Path(os.environ.get("CLVLIB_MIRROR", "")) if os.environ.get("CLVLIB_MIRROR") else None
needs_mirror = pytest.mark.skipif(MIRROR is None or not MIRROR.is_dir(),
                                  reason="no boundary mirror beside the checkout (../shared/data/boundaries)")
TRIANGLE_13 = {"KH-19", "KH-16", "KH-11", "KH-10", "LA-AT", "LA-SL", "LA-XE", "LA-CH",
               "VN-28", "VN-30", "VN-33", "VN-72", "VN-58"}


@needs_mirror
def test_provinces_level_has_every_feature_with_project_names():
    gdf = geo.boundaries(1)
    assert gdf.crs.to_epsg() == 4326
    assert gdf.groupby("country").size().to_dict() == {"KHM": 24, "LAO": 17, "VNM": 63}
    assert TRIANGLE_13 <= set(gdf["province_code"])
    row = gdf.set_index("province_code").loc["KH-16"]
    assert row["name_in_file"] == "Rôtânôkiri" and row["name_en"] == "Ratanakiri"
    assert gdf["name_en"].notna().all()
    assert gdf["province_code"].is_unique


@needs_mirror
def test_known_quirks_are_handled_and_said():
    gdf = geo.boundaries(1, ["LAO", "KHM"])
    codes = gdf.set_index("name_in_file")["province_code"]
    assert codes["Vientiane [prefecture]"] == "LA-VT" and codes["Vientiane"] == "LA-VI"
    assert "KH-25" not in set(gdf["province_code"])  # the file predates Tbong Khmum
    notes = " ".join(gdf.attrs["notes"])
    assert "Tbong Khmum" in notes and "Xaisomboun" in notes
    assert any("LA-VT" in fix for fix in gdf.attrs["fixes"])
    assert "Natural Earth" in gdf.attrs["attribution"]
    assert all(url.startswith("https://") for url in gdf.attrs["files"].values())


@needs_mirror
def test_country_level():
    gdf = geo.boundaries(0)
    assert set(gdf["country"]) == {"KHM", "LAO", "VNM", "THA", "CHN", "MMR"}
    assert gdf.crs.to_epsg() == 4326
    with pytest.raises(ValueError, match="no level-1 boundary file"):
        geo.boundaries(1, ["THA"])
    with pytest.raises(ValueError, match="level"):
        geo.boundaries(2)


@needs_mirror
def test_second_load_comes_from_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv(geo.CACHE_ENV, str(tmp_path))
    first = geo.boundaries(1, ["LAO"])
    cached = list((tmp_path / "derived").glob("boundaries-1-*.clvpq"))
    assert len(cached) == 1
    second = geo.boundaries(1, ["LAO"])
    assert second.attrs["attribution"] == first.attrs["attribution"]
    pd.testing.assert_frame_equal(pd.DataFrame(first.drop(columns="geometry")),
                                  pd.DataFrame(second.drop(columns="geometry")))


@needs_mirror
def test_a_name_that_matches_no_province_is_listed_not_dropped(edit, monkeypatch, tmp_path):
    monkeypatch.setenv(geo.CACHE_ENV, str(tmp_path))

    def change(header, rows):
        rows[:] = [r for r in rows if r["province_code"] != "VN-44"]

    data = edit("province_names.csv", change)
    with pytest.raises(geo.UnmatchedProvinceError) as excinfo:
        geo.boundaries(1, ["VNM"], data_dir=data)
    (row,) = excinfo.value.rows
    assert (row["code"], row["name"]) == ("VN-44", "An Giang")
    assert "vietnam.geojson" in str(excinfo.value) and "province_names.csv" in str(excinfo.value)


# ---------------------------------------------------------------- fetching


class _Server:
    """A loopback HTTP server over a folder (for download tests)."""

    def __init__(self, folder: Path):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *a, **k: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


_ORIGINAL_REGISTRY = geo.registry()


def _registry_at(base_url: str) -> dict:
    reg = _ORIGINAL_REGISTRY
    files = {rel: dict(e, url=base_url + rel) for rel, e in reg["files"].items()}
    return dict(reg, files=files)


REL = "admin0_naturalearth_10m_ashkyd/LAO.geojson"


@needs_mirror
def test_download_into_the_cache_with_hash_check(monkeypatch, tmp_path):
    server = _Server(MIRROR)
    try:
        monkeypatch.setattr(geo.boundary, "registry", lambda: _registry_at(server.url))
        monkeypatch.delenv(geo.MIRROR_ENV)
        monkeypatch.setenv(geo.CACHE_ENV, str(tmp_path / "cache"))
        path = geo.fetch(REL)
        assert path == tmp_path / "cache" / REL
        assert geo.sha256(path) == _ORIGINAL_REGISTRY["files"][REL]["sha256"]
        for folder in (tmp_path / "cache", path.parent):   # created user-only
            assert folder.stat().st_mode & 0o777 == 0o700, folder
    finally:
        server.close()


@needs_mirror
def test_a_corrupt_download_is_refused_and_not_kept(monkeypatch, tmp_path):
    bad = tmp_path / "upstream"
    shutil.copytree(MIRROR, bad)
    with (bad / REL).open("a", encoding="utf-8") as fh:
        fh.write(" ")
    server = _Server(bad)
    try:
        monkeypatch.setattr(geo.boundary, "registry", lambda: _registry_at(server.url))
        monkeypatch.delenv(geo.MIRROR_ENV)
        monkeypatch.setenv(geo.CACHE_ENV, str(tmp_path / "cache"))
        with pytest.raises(geo.BoundaryHashError, match="refused"):
            geo.fetch(REL)
        assert not (tmp_path / "cache" / REL).exists()
    finally:
        server.close()


@needs_mirror
def test_a_corrupt_mirror_file_is_refused(monkeypatch, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    (mirror / REL).write_text("{}", encoding="utf-8")
    monkeypatch.setenv(geo.MIRROR_ENV, str(mirror))
    monkeypatch.setenv(geo.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(geo.BoundaryHashError, match="refused"):
        geo.fetch(REL)
    assert not (tmp_path / "cache" / REL).exists()


def test_no_network_and_no_mirror_says_which_files_and_where(monkeypatch, tmp_path):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
    monkeypatch.setattr(geo.boundary, "registry", lambda: _registry_at(closed))
    monkeypatch.delenv(geo.MIRROR_ENV, raising=False)
    monkeypatch.setenv(geo.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(geo.BoundaryUnavailableError) as excinfo:
        geo.boundaries(1, ["KHM", "LAO"])
    message = str(excinfo.value)
    assert excinfo.value.missing == ["admin1_superset_country_map_0.20.3/cambodia.geojson",
                                     "admin1_superset_country_map_0.20.3/laos.geojson"]
    assert "CLVLIB_MIRROR" in message and str(tmp_path / "cache") in message
    assert "cambodia.geojson" in message and "laos.geojson" in message


# ---------------------------------------------------------------- membership and merger


def test_members_on_key_dates():
    assert len(geo.members("2002-06-01")) == 7
    assert len(geo.members("2005")) == 8          # a year is read as its last day
    mid = geo.members("2007-06-01")
    assert mid.set_index("province_code").loc[["KH-11", "LA-SL"], "status"].tolist() == [
        "uncertain", "uncertain"]
    assert len(geo.members("2008-10-01")) == 10
    assert set(geo.members("2010-01-01")["province_code"]) == TRIANGLE_13
    assert len(geo.members("2024-09-19")) == 13
    after = geo.members("2024-09-20")
    assert len(after) == 9 and not after["province_code"].str.startswith("KH").any()


def test_membership_versions_disagree_before_2009():
    assert len(geo.members("2005-01-01", version="ten_at_launch")) == 10
    assert len(geo.members("2005-01-01", version="contemporary_reports")) == 8
    with pytest.raises(KeyError, match="contemporary_reports"):
        geo.members("2005-01-01", version="official")
    with pytest.raises(ValueError, match="2024-13"):
        geo.members("2024-13")


def test_reaggregate_sums_into_merged_provinces():
    table = pd.DataFrame({"province_code": ["VN-28", "VN-29", "VN-72", "VN-40"],
                          "people": [10, 20, 1, 2]})
    out = geo.reaggregate(table, ["people"]).set_index("new_province")
    assert out.loc["Quảng Ngãi", "people"] == 30 and bool(out.loc["Quảng Ngãi", "complete"])
    assert out.loc["Lâm Đồng", "people"] == 3 and not bool(out.loc["Lâm Đồng", "complete"])
    assert out.loc["Lâm Đồng", "old_codes"] == "VN-40;VN-72"


def test_reaggregate_refuses_unknown_codes_and_text():
    with pytest.raises(geo.CrosswalkError, match="VN-HN"):
        geo.reaggregate(pd.DataFrame({"province_code": ["VN-HN"], "x": [1]}), ["x"])
    with pytest.raises(geo.CrosswalkError, match="numeric"):
        geo.reaggregate(pd.DataFrame({"province_code": ["VN-28"], "x": ["a"]}), ["x"])


def test_crosswalk_covers_the_triangles_vietnamese_provinces():
    cw = clvlib.load("crosswalk_2025").set_index("old_code")
    assert cw.loc[["VN-28", "VN-30", "VN-33", "VN-72", "VN-58"], "new_province"].tolist() == [
        "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Lâm Đồng", "Đồng Nai"]
    assert (cw["effective"] == "2025-07-01").all()


@needs_mirror
def test_area_comparison_against_sourced_areas():
    table = geo.area_comparison(geo.boundaries(1), clvlib.load("provinces")).set_index("province_code")
    assert set(table.index) == TRIANGLE_13
    # 12,137 km2 measured on the file (provenance record) against 10,782 km2 in the table
    assert table.loc["KH-16", "area_geometry_km2"] == pytest.approx(12137, rel=0.005)
    assert table.loc["KH-16", "difference_pct"] == pytest.approx(12.6, abs=0.2)


# ---------------------------------------------------------------- maps


@needs_mirror
def test_region_map_has_members_capitals_scale_inset_and_credit():
    from matplotlib_scalebar.scalebar import ScaleBar

    from clvlib import figures

    fig = geo.plot_region("2024-09-20")
    ax, locator, key = fig.axes
    legend = [t.get_text() for t in key.get_legend().get_texts()]
    assert "Cambodia: withdrawn 2024-09-20" in legend
    assert "Laos: member" in legend and "Vietnam: member" in legend
    assert not any(label.startswith("Cambodia: member") for label in legend)
    labels = {t.get_text() for t in ax.texts if t.get_gid() == "capital-label"}
    assert {"Phnom Penh", "Banlung", "Pakse", "Pleiku"} <= labels
    assert any(isinstance(a, ScaleBar) for a in ax.artists)
    assert locator.get_title(loc="left") == "Where the map is"  # beside the map, covering nothing
    credit = [t.get_text() for t in fig.texts if t.get_gid() == "credit"]
    assert credit and "Natural Earth" in credit[0]
    notes = " ".join(t.get_text() for t in key.texts if t.get_gid() == "map-note").replace("\n", " ")
    assert "Tbong Khmum" in notes
    # a capital without coordinates in the places table is named, not invented
    places = clvlib.load("places")
    if "KH-19" not in set(places.loc[places["kind"] == "provincial capital", "province_code"]):
        assert "Stung Treng (KH-19)" in notes
    assert tuple(fig.get_size_inches()) == pytest.approx((13.33, 7.5))
    assert "9 member provinces" in ax.get_title(loc="left")
    assert figures.check(fig) == []


@needs_mirror
def test_ring_road_label_sits_in_cambodia():
    from shapely.geometry import Point

    fig = geo.plot_region("2024-09-19", projects=True)
    ax = fig.axes[0]
    label = next(t for t in ax.texts if t.get_gid() == "project-label" and "ring road" in t.get_text())
    khm = geo.boundaries(0, ("KHM",)).to_crs(geo.MAP_CRS).geometry.iloc[0]
    assert khm.contains(Point(label.xy))


@needs_mirror
def test_province_figures_each_measure_on_its_own_scale():
    from clvlib import figures

    fig = geo.plot_province_figures(clvlib.load("provinces"), "2024-09-19")
    area, people = fig.axes
    assert area.get_xlim()[1] < 50_000 < people.get_xlim()[1]
    assert figures.check(fig) == []


@needs_mirror
def test_small_multiples_one_panel_per_date():
    fig = geo.plot_membership(["2002-06-01", "2007-06-01", "2024-09-20"])
    titles = [a.get_title() for a in fig.axes][:3]   # the last axes holds the legend
    assert titles == ["2002-06-01\n7 members", "2007-06-01\n8 members (+2 uncertain)",
                      "2024-09-20\n9 members"]


@needs_mirror
def test_interactive_map_popups_and_offline_html(tmp_path):
    import re

    fig = geo.interactive_map("2010-01-01")
    members_traces = [t for t in fig.data if t.meta["state"] == "member"]
    assert len(members_traces) == 13 and len(fig.data) == 104
    ratanakiri = next(t for t in fig.data if t.meta["code"] == "KH-16")
    # a filled area's hover label shows the trace name: the name is the pop-up
    assert ratanakiri.hoveron == "fills" and ratanakiri.hoverinfo == "name"
    assert "រតនគិរី" in ratanakiri.name and "217,453" in ratanakiri.name
    assert "in the triangle from 2002-01-26 until 2024-09-20" in ratanakiri.name
    assert "Cambodia, KH-16" in ratanakiri.name and "on 2010-01-01: member" in ratanakiri.name
    html = geo.save_interactive(fig, tmp_path / "map.html").read_text(encoding="utf-8")
    external = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']https?://", html)
    assert external == []
    assert "Plotly.newPlot" in html


def test_the_derived_boundaries_key_changes_with_the_joining_code(monkeypatch):
    # a stored joined frame must not outlive a change to the code that joins it
    from clvlib.catalog import default_data_dir
    from clvlib.geo import boundary

    before = boundary._cache_key(1, ("LAO",), default_data_dir())
    real = boundary.sha256
    monkeypatch.setattr(boundary, "sha256",
                        lambda p: "edited" if Path(p) == Path(boundary.__file__) else real(p))
    assert boundary._cache_key(1, ("LAO",), default_data_dir()) != before


def test_pop_up_source_lines_never_break_an_entry():
    from clvlib.geo.interactive import _sources_short

    publishers = ["Cambodia News Gazette", "Vietnam News (copy on a personal archive site)", "Wikipedia",
                  "A publisher whose name alone is longer than one line of the pop-up"]
    table = pd.DataFrame({"publisher": publishers, "author": [None] * 4,
                          "published": ["2024-09-20", "2002", None, "2010"]}, index=["a", "b", "c", "d"])
    text = _sources_short(["c", "c", "a", "b", "d", "missing_id"], table)
    lines = text.split("<br>")
    entries = [e.strip() for line in lines for e in line.split(";") if e.strip()]
    assert entries == ["Wikipedia (n.d.)", "Cambodia News Gazette (2024)",
                       "Vietnam News (copy on a personal archive site) (2002)",
                       "A publisher whose name alone is longer than one line of the pop-up (2010)",
                       "missing_id"]
    # whole entries per line, lines of at most 70 characters unless one entry is longer
    assert all(len(line.rstrip(";")) <= 70 or ";" not in line.rstrip(";") for line in lines)
    assert len(lines) > 1
