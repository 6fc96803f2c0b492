"""clvlib.load, datasets, describe, cite and sources_used on the real data."""

from __future__ import annotations

import json
import os
import time

import pandas as pd
import pytest

import clvlib
from conftest import DATA, read_rows


def _descriptor():
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def _raw_ids(file: str, columns: list[str], keep=lambda row: True) -> set[str]:
    _, rows = read_rows(DATA / file)
    ids = set()
    for row in rows:
        if keep(row):
            for col in columns:
                ids.update(i.strip() for i in row.get(col, "").split(";") if i.strip())
    return ids


def test_load_returns_declared_columns_in_order():
    for resource in _descriptor()["resources"]:
        frame = clvlib.load(resource["name"])
        declared = [f["name"] for f in resource["schema"]["fields"]]
        if resource["name"] in ("trade", "investment"):  # derived: dollars next to value and unit
            declared.insert(declared.index("unit") + 1, "value_usd")
        assert list(frame.columns) == declared


def test_load_applies_declared_dtypes():
    p = clvlib.load("provinces")
    assert p["province_code"].dtype == "string"
    assert isinstance(p["country"].dtype, pd.CategoricalDtype)
    assert p["area_km2"].dtype == "Float64"
    assert p["population"].dtype == "Int64"
    assert p["population_year"].dtype == "Int64"
    s = clvlib.load("sources")
    assert pd.api.types.is_datetime64_any_dtype(s["accessed"])
    assert s["published"].dtype == "string"  # partial dates stay text at their precision


def test_missing_values_are_nulls_not_zeros():
    p = clvlib.load("provinces").set_index("province_code")
    _, rows = read_rows(DATA / "provinces.csv")
    empty = {r["province_code"] for r in rows if r["population"] == ""}
    assert empty, "the test needs a province with no sourced population"
    for code in empty:
        assert pd.isna(p.loc[code, "population"])
        assert pd.isna(p.loc[code, "population_year"])


def test_values_match_the_csv():
    p = clvlib.load("provinces").set_index("province_code")
    _, rows = read_rows(DATA / "provinces.csv")
    for r in rows:
        if r["area_km2"]:
            assert p.loc[r["province_code"], "area_km2"] == float(r["area_km2"])
        else:
            assert pd.isna(p.loc[r["province_code"], "area_km2"])
        if r["name_local"]:
            assert p.loc[r["province_code"], "name_local"] == r["name_local"]


def test_each_call_returns_an_independent_copy():
    first = clvlib.load("provinces")
    first.loc[0, "name_en"] = "changed"
    first["extra"] = 1
    first.iloc[1, 0] = "XX-00"
    second = clvlib.load("provinces")
    assert "extra" not in second.columns
    assert second.loc[0, "name_en"] != "changed"
    assert len(second) == len(clvlib.load("provinces")) and second.iloc[1, 0] != "XX-00"


def test_cache_follows_file_changes(data_copy):
    before = clvlib.load("province_names", data_dir=data_copy)
    path = data_copy / "province_names.csv"
    path.write_text(path.read_text(encoding="utf-8") + "Ratanak Kiri Province,KH-16,variant,en,"
                    "wp_ratanakiri_ipfs,\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = clvlib.load("province_names", data_dir=data_copy)
    assert len(after) == len(before) + 1


def test_cached_load_is_fast():
    clvlib.load("provinces")
    start = time.perf_counter()
    for _ in range(20):
        clvlib.load("provinces")
    assert (time.perf_counter() - start) / 20 < 0.05


def test_unknown_table_names_the_tables():
    with pytest.raises(clvlib.UnknownTableError, match="provinces") as excinfo:
        clvlib.load("provinces_2025")
    assert "provinces_2025" in str(excinfo.value)


def test_per_table_loaders_match_load():
    pd.testing.assert_frame_equal(clvlib.load_provinces(), clvlib.load("provinces"))
    pd.testing.assert_frame_equal(clvlib.load_sources(), clvlib.load("sources"))
    pd.testing.assert_frame_equal(clvlib.load_province_names(), clvlib.load("province_names"))
    pd.testing.assert_frame_equal(clvlib.load_province_figures(), clvlib.load("province_figures"))
    pd.testing.assert_frame_equal(clvlib.load_events(), clvlib.load("events"))
    pd.testing.assert_frame_equal(clvlib.load_eras(), clvlib.load("eras"))


def test_datasets_summary_counts_from_the_files():
    d = clvlib.datasets().set_index("name")
    descriptor = _descriptor()
    assert list(d.index) == [r["name"] for r in descriptor["resources"]]
    for r in descriptor["resources"]:
        _, rows = read_rows(DATA / r["path"])
        assert d.loc[r["name"], "rows"] == len(rows)
        assert d.loc[r["name"], "fields"] == len(r["schema"]["fields"])
        assert d.loc[r["name"], "licence"] == "CC-BY-4.0"
    expected = _raw_ids("provinces.csv", ["source_ids", "area_source_ids", "population_source_ids"])
    assert d.loc["provinces", "sources"] == len(expected)


def test_describe_shows_schema_description_and_sources():
    info = clvlib.describe("province_names")
    resource = next(r for r in _descriptor()["resources"] if r["name"] == "province_names")
    assert list(info.schema["field"]) == [f["name"] for f in resource["schema"]["fields"]]
    assert info.description == resource["description"]
    assert set(info.sources.ids) == _raw_ids("province_names.csv", ["source_ids"])
    text = str(info)
    assert "province_code" in text and "Sources:" in text
    assert "<table" in info._repr_html_()


def test_cite_a_table_lists_every_cited_source():
    ids = _raw_ids("provinces.csv", ["source_ids", "area_source_ids", "population_source_ids"])
    apa = clvlib.cite("provinces")
    assert set(apa.ids) == ids
    lines = str(apa).splitlines()
    assert len(lines) == len(ids) + 1  # the sources, then the data release with its version
    assert lines[-1].startswith("The clvlib developers.") and f"Version {clvlib.data_version()}" in lines[-1]


def test_cite_a_filtered_frame_lists_only_its_rows_sources():
    p = clvlib.load("provinces")
    laos = p[p["country"] == "LAO"]
    expected = _raw_ids("provinces.csv", ["source_ids", "area_source_ids", "population_source_ids"],
                        keep=lambda row: row["country"] == "LAO")
    cited = clvlib.cite(laos)
    assert set(cited.ids) == expected
    assert set(cited.ids) < set(clvlib.cite("provinces").ids)


def test_cite_bibtex_has_one_entry_per_source():
    names = clvlib.load("province_names")
    one = names[names["province_code"] == "KH-16"]
    bib = clvlib.cite(one, style="bibtex")
    expected = _raw_ids("province_names.csv", ["source_ids"], keep=lambda r: r["province_code"] == "KH-16")
    assert str(bib).count("@misc{") == len(expected) + 1  # and @misc{clvlib_data,
    assert "@misc{clvlib_data," in bib
    for sid in expected:
        assert f"@misc{{{sid}," in bib


def test_cite_refuses_a_frame_with_no_record_of_its_rows():
    with pytest.raises(clvlib.ProvenanceLostError, match="source_ids"):
        clvlib.cite(pd.DataFrame({"value": [1.0]}))
    # a frame of one's own that keeps a source-id column is cited from it
    assert clvlib.cite(pd.DataFrame({"source_ids": ["pycountry_26_2_16"]})).ids == ["pycountry_26_2_16"]
    with pytest.raises(ValueError, match="style"):
        clvlib.cite("provinces", style="chicago")


def test_sources_used_lists_what_was_shown_or_cited_not_what_was_loaded():
    from clvlib import provenance

    provenance.reset()
    names = clvlib.load("province_names")
    assert clvlib.sources_used().ids == []  # loading alone uses nothing
    one = names[names["province_code"] == "KH-16"]
    one._repr_html_()  # shown in Jupyter
    expected = _raw_ids("province_names.csv", ["source_ids"], keep=lambda r: r["province_code"] == "KH-16")
    assert set(clvlib.sources_used().ids) == expected
    assert set(clvlib.sources_used(also=["pycountry_26_2_16"]).ids) == expected | {"pycountry_26_2_16"}
    last = str(clvlib.sources_used()).splitlines()[-1]  # the data release closes the list
    assert last.startswith("The clvlib developers.") and f"Version {clvlib.data_version()}" in last
    provenance.reset()


# ---- the checked tables kept between processes (clvlib cache folder)


def _forget_in_memory():
    from clvlib import catalog

    catalog._CACHE.clear()


def test_a_checked_table_is_stored_and_reused_by_a_later_process(tmp_path, monkeypatch, data_copy):
    from clvlib import catalog

    monkeypatch.setenv("CLVLIB_CACHE", str(tmp_path / "cache"))
    first = clvlib.load("eras", data_dir=data_copy)
    stored = list((tmp_path / "cache" / "tables").glob("eras-*.clvpq"))
    assert len(stored) == 1
    # a new process has an empty memory cache; it must not need to check the CSV again
    _forget_in_memory()
    monkeypatch.setattr(catalog.Catalog, "check", lambda self, name: pytest.fail("checked again"))
    again = clvlib.load("eras", data_dir=data_copy)
    pd.testing.assert_frame_equal(first, again)


def test_a_changed_file_is_checked_again_never_served_stale(tmp_path, monkeypatch, edit):
    monkeypatch.setenv("CLVLIB_CACHE", str(tmp_path / "cache"))
    data = edit("eras.csv", lambda header, rows: None)
    before = clvlib.load("eras", data_dir=data)
    _forget_in_memory()

    def rename(header, rows):
        rows[0]["title"] = "A renamed era"

    edit("eras.csv", rename)
    after = clvlib.load("eras", data_dir=data)
    assert after.loc[0, "title"] == "A renamed era" != before.loc[0, "title"]
    assert len(list((tmp_path / "cache" / "tables").glob("eras-*.clvpq"))) == 2
    # and a broken file raises even though a checked version of the table is stored
    _forget_in_memory()

    def break_it(header, rows):
        rows[0]["era_id"] = ""

    edit("eras.csv", break_it)
    with pytest.raises(clvlib.DataError, match="eras.csv"):
        clvlib.load("eras", data_dir=data)


def test_a_damaged_stored_table_is_dropped_and_rebuilt(tmp_path, monkeypatch, data_copy):
    monkeypatch.setenv("CLVLIB_CACHE", str(tmp_path / "cache"))
    good = clvlib.load("eras", data_dir=data_copy)
    (stored,) = (tmp_path / "cache" / "tables").glob("eras-*.clvpq")
    stored.write_bytes(b"not a stored table")
    _forget_in_memory()
    pd.testing.assert_frame_equal(clvlib.load("eras", data_dir=data_copy), good)
    assert stored.read_bytes() != b"not a stored table"   # rewritten whole


def test_describe_lists_the_derived_dollar_column_where_load_adds_it():
    for name in ("trade", "investment"):
        fields = list(clvlib.describe(name).schema["field"])
        assert fields == list(clvlib.load(name).columns)
    assert "value_usd" not in set(clvlib.describe("events").schema["field"])
