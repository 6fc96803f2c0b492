"""What the data must hold, beyond the validator's rules."""

from __future__ import annotations

import json
import re
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
    from clvlib import geo

    m = geo.members("2010-01-01").merge(clvlib.load("provinces"), on="province_code")
    got = {c: set(m.loc[m["country"] == c, "province_code"]) for c in TRIANGLE}
    assert got == TRIANGLE


def test_provinces_cover_every_pre_2025_unit_of_the_three_countries():
    import pycountry

    expected = {s.code for cc in ("KH", "LA", "VN") for s in pycountry.subdivisions.get(country_code=cc)}
    assert set(clvlib.load("provinces")["province_code"]) == expected
    assert len(expected) == 25 + 18 + 63


def test_figures_and_capitals_only_for_the_triangle():
    p = clvlib.load("provinces")
    triangle = set().union(*TRIANGLE.values())
    outside = p[~p["province_code"].isin(triangle)]
    assert outside[["area_km2", "population", "capital_en"]].isna().all().all()
    inside = p[p["province_code"].isin(triangle)]
    assert inside["area_km2"].notna().all() and inside["capital_en"].notna().all()


def test_no_spelling_is_shared_by_two_provinces():
    from clvlib.names import normalise

    names = clvlib.load("province_names")
    keys = names.assign(key=names["name"].map(normalise)).groupby("key")["province_code"].nunique()
    assert (keys == 1).all(), list(keys[keys > 1].index)


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
        if pd.isna(local):
            continue
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


def test_events_cover_the_period_with_at_least_sixty_events():
    from clvlib import timeline

    events = clvlib.load_events()
    distinct = timeline.one_per_event(events)
    assert len(distinct) >= 60
    years = timeline.spans(distinct)["start"].dt.year
    assert years.min() <= 1967 and years.max() >= 2025


def test_required_events_are_present_with_their_dates():
    events = clvlib.load_events().set_index("event_id")
    expected = {  # issue 3's list, as the cited sources date them
        "kh_vn_relations_1967": "1967-06-24",
        "invasion_1978": "1978-12-25",
        "phnom_penh_taken_1979": "1979-01-07",
        "sino_vietnamese_war_1979": "1979-02-17",
        "last_troops_leave_1989": "1989-09-26",
        "paris_agreements_1991": "1991-10-23",
        "cambodia_joins_asean_1999": "1999-04-30",
        "first_summit_1999": "1999-10-20",
        "enlargement_2009": "2009",
        "trade_agreement_signed_2016": "2016-11",
        "withdrawal_announced_2024": "2024-09-20",
        "notification_letters_2024": "2024-09-20",
        "na_vote_2024": "2024-11-08",
        "canal_groundbreaking_2024": "2024-08-05",
        "vn_merged_provinces_operate_2025": "2025-07-01",
    }
    for event_id, date in expected.items():
        assert events.loc[event_id, "date"] == date, event_id


def test_the_frus_memorandum_is_an_official_source_cited_by_an_event():
    sources = clvlib.load_sources().set_index("source_id")
    assert sources.loc["frus_1977_80_v22_d23", "kind"] == "official"
    assert "frus1977-80v22/d23" in sources.loc["frus_1977_80_v22_d23", "url"]
    events = clvlib.load_events()
    assert events["source_ids"].str.contains("frus_1977_80_v22_d23").any()


def test_rival_datings_come_in_groups_with_different_dates_and_sources():
    events = clvlib.load_events()
    groups = events.dropna(subset=["conflict_id"]).groupby("conflict_id")
    for conflict_id, rows in groups:
        assert len(rows) >= 2, conflict_id
        versions = set(zip(rows["date"], rows["end_date"].fillna(""), strict=True))
        assert len(versions) == len(rows), conflict_id
        assert rows["source_ids"].nunique() == len(rows), conflict_id


def test_signing_and_ratification_are_kept_apart_and_the_weak_ratification_says_so():
    # the signing is an event; the Assembly's approval, known only from an aggregator's summary,
    # is a field of the instrument (folded there under the copies rule), marked weak in its notes
    events = clvlib.load_events().set_index("event_id")
    trade_agreement = clvlib.load("instruments").set_index("instrument_id").loc["trade_agreement_2016"]
    assert events.loc["trade_agreement_signed_2016", "date"] == trade_agreement["concluded"] == "2016-11"
    assert trade_agreement["kh_assembly_approval"] == "2018-02-14"
    assert trade_agreement["kh_assembly_votes"] == "121 of 123"
    assert "bp_asia_2018_02_17" in trade_agreement["source_ids"]
    assert "Weak evidence" in trade_agreement["notes"]
    assert not events.index.str.startswith("trade_agreement_ratified").any()


def test_every_undated_source_says_why_it_has_no_date():
    import csv

    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        undated = [r for r in csv.DictReader(fh) if not r["published"].strip()]
    silent = [r["source_id"] for r in undated
              if "date" not in r["notes"].lower() and "not found" not in r["notes"].lower()]
    assert undated and not silent, f"undated sources whose notes do not say why: {silent}"


def test_no_two_sources_share_an_address_unless_they_are_different_texts():
    import collections
    import csv

    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        by_url = collections.defaultdict(list)
        for r in csv.DictReader(fh):
            by_url[r["url"]].append(r["source_id"])
    # one address, several texts: the three reference articles reprinted on one forum page, and
    # the pycountry release read once for its subdivision codes and once for its Lao names
    reference = {"ref_opinion_smart_hedging", "ref_news_assembly_vote", "ref_forum_comment_clashes"}
    allowed = {frozenset(reference), frozenset({"pycountry_26_2_16", "h13_isocodes_lo"})}
    shared = [sorted(ids) for ids in by_url.values() if len(ids) > 1 and frozenset(ids) not in allowed]
    assert not shared, f"source rows with the same address (merge them): {shared}"


def test_notes_name_rows_that_exist_unless_they_say_the_row_was_folded():
    # a folded row (t092 into t623) left "Close to t092" behind in a note: a reader could not
    # find t092; a note may still name a folded row when it says so ("was row t092")
    pattern = re.compile(r"\b([tif]\d{3}|c\d{2})\b")
    folded = re.compile(r"(?:was|were|first the) row ([tif]\d{3})")
    ids = set()
    for name in ("trade", "investment", "project_facts", "claims"):
        ids |= set(clvlib.load(name).iloc[:, 0].astype(str))
    stale = []
    for name in clvlib.datasets()["name"]:
        frame = clvlib.load(name)
        for column in ("notes", "summary", "reason", "explanation"):
            if column not in frame.columns:
                continue
            for key, text in zip(frame.iloc[:, 0], frame[column].fillna(""), strict=True):
                said_folded = folded.findall(str(text))
                stale += [(name, key, i) for i in sorted(set(pattern.findall(str(text))) - ids)
                          if pattern.findall(str(text)).count(i) > said_folded.count(i)]
    assert not stale, stale
