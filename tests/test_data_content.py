"""What the data must hold, beyond the validator's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import clvlib
from conftest import ROOT

TRIANGLE = {
    "KHM": {"KH-19", "KH-16", "KH-11", "KH-10"},
    "LAO": {"LA-AT", "LA-SL", "LA-XE", "LA-CH"},
    "VNM": {"VN-28", "VN-30", "VN-33", "VN-72", "VN-58"},
}


def test_the_thirteen_provinces_of_the_triangle():
    p = clvlib.load("provinces")
    got = {c: set(p.loc[p["country"] == c, "province_code"]) for c in TRIANGLE}
    assert got == TRIANGLE


def test_province_code_prefix_matches_country():
    p = clvlib.load("provinces")
    alpha2 = {"KHM": "KH", "LAO": "LA", "VNM": "VN"}
    for code, country in zip(p["province_code"], p["country"], strict=True):
        assert code.split("-")[0] == alpha2[country]


def test_each_province_has_english_and_local_script_names():
    names = clvlib.load("province_names")
    for code in set().union(*TRIANGLE.values()):
        kinds = set(names.loc[names["province_code"] == code, "kind"])
        assert {"english", "local script"} <= kinds, code


def test_names_in_provinces_appear_in_province_names():
    p = clvlib.load("provinces")
    names = clvlib.load("province_names")
    known = set(zip(names["name"], names["province_code"], strict=True))
    for _, row in p.iterrows():
        assert (row["name_en"], row["province_code"]) in known
        local = row["name_local"]
        assert (local, row["province_code"]) in known or (
            f"Tỉnh {local}", row["province_code"]) in known


def test_every_figure_has_its_own_source_and_year():
    p = clvlib.load("provinces")
    has_pop = p["population"].notna()
    assert (p.loc[has_pop, "population_year"].notna()).all()
    assert (p.loc[has_pop, "population_source_ids"].notna()).all()
    assert (p.loc[has_pop, "population_basis"].notna()).all()
    others = ["population_year", "population_basis", "population_source_ids"]
    assert p.loc[~has_pop, others].isna().all().all()
    has_area = p["area_km2"].notna()
    assert (p.loc[has_area, "area_source_ids"].notna()).all()


def test_census_years_are_the_latest_national_censuses():
    p = clvlib.load("provinces").dropna(subset=["population_year"])
    years = p.groupby("country", observed=True)["population_year"].unique()
    assert set(years["KHM"]) == {2019}
    assert set(years["LAO"]) == {2015}
    assert set(years["VNM"]) == {2019}


def test_alternative_figures_differ_from_the_preferred_one():
    p = clvlib.load("provinces").set_index("province_code")
    figs = clvlib.load("province_figures")
    for _, f in figs.iterrows():
        preferred = p.loc[f["province_code"], f["measure"]]
        if pd.isna(preferred):
            continue
        year = p.loc[f["province_code"], "population_year"]
        same_year = (f["measure"] == "area_km2" or pd.isna(f["reference_year"])
                     or bool(f["reference_year"] == year))
        if same_year:
            assert f["value"] != preferred, f["figure_id"]


def test_every_source_is_cited_somewhere():
    sources = set(clvlib.load("sources")["source_id"])
    cited: set[str] = set()
    for name in clvlib.datasets()["name"]:
        if name == "sources":
            continue
        cited |= set(clvlib.cite(name).ids)
    notebooks = " ".join(
        json.dumps(json.loads(p.read_text(encoding="utf-8"))["cells"])
        for p in sorted(Path(ROOT / "notebooks").glob("*.ipynb"))
    )
    orphans = {s for s in sources - cited if s not in notebooks}
    assert not orphans, f"sources cited by no row and no notebook: {sorted(orphans)}"


def test_mirrors_say_what_they_copy():
    s = clvlib.load("sources")
    mirror_words = ("mirror", "copy", "proxy", "translation", "via ")
    flagged = s[s["publisher"].str.lower().str.contains("|".join(mirror_words))]
    missing = flagged[flagged["copy_of"].isna() & flagged["notes"].isna()]
    assert missing.empty, list(missing["source_id"])
