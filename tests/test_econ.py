"""clvlib.econ on small hand-checked inputs, including every refusal."""

from __future__ import annotations

import pandas as pd
import pytest

from clvlib import econ


def rows(*items):
    cols = ["country", "partner", "flow", "period_start", "period_end", "reporter", "value", "unit",
            "source_ids"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in items])


def test_units_are_converted_and_unknown_units_refused():
    t = rows(("KHM", "VNM", "total", "2023", "2023", "VNM", 1.5, "USD billion", "s"),
             ("KHM", "VNM", "total", "2022", "2022", "VNM", 900, "USD million", "s"))
    assert econ.to_usd(t)["value_usd"].tolist() == [1.5e9, 9.0e8]
    bad = t.assign(unit=["USD billion", "VND billion"])
    with pytest.raises(econ.UnitError, match="VND billion"):
        econ.to_usd(bad)


def test_pick_one_prefers_own_statistics_then_source_kind_and_keeps_the_spread():
    t = rows(("KHM", "VNM", "total", "2023", "2023", "VNM", 4.7, "USD billion", "news1"),
             ("KHM", "VNM", "total", "2023", "2023", "KHM", 4.4, "USD billion", "news1"),
             ("KHM", "VNM", "total", "2023", "2023", "KHM", 4.5, "USD billion", "stat1"),
             ("KHM", "VNM", "total", "2022", "2022", "VNM", 4.0, "USD billion", "news1"))
    sources = pd.DataFrame({"source_id": ["news1", "stat1"], "kind": ["newspaper", "statistics"]})
    one = econ.pick_one(t, sources).set_index("period_start")
    assert one.loc["2023", "value"] == 4.5 and one.loc["2023", "reporter"] == "KHM"
    assert one.loc["2023", "reports"] == 3
    assert (one.loc["2023", "low"], one.loc["2023", "high"]) == (4.4e9, 4.7e9)
    assert one.loc["2022", "reports"] == 1 and one.loc["2022", "reporter"] == "VNM"


def test_growth_uses_consecutive_full_years_only():
    t = rows(("KHM", "VNM", "total", "2019", "2019", "VNM", 200, "USD million", "s"),
             ("KHM", "VNM", "total", "2020", "2020", "VNM", 150, "USD million", "s"),
             ("KHM", "VNM", "total", "2022", "2022", "VNM", 300, "USD million", "s"))
    g = econ.growth(t).set_index("year")["growth_pct"]
    assert g[2020] == pytest.approx(-25.0)
    assert pd.isna(g[2019]) and pd.isna(g[2022])  # 2021 is missing: no two-year "growth"


def test_growth_refuses_partial_years_duplicates_and_mixed_flows():
    partial = rows(("KHM", "VNM", "total", "2023", "2023", "VNM", 4.0, "USD billion", "s"),
                   ("KHM", "VNM", "total", "2024-01", "2024-11", "VNM", 4.1, "USD billion", "s"))
    with pytest.raises(econ.PeriodError, match="2024-01"):
        econ.growth(partial)
    dup = rows(("KHM", "VNM", "total", "2023", "2023", "VNM", 4.0, "USD billion", "s"),
               ("KHM", "VNM", "total", "2023", "2023", "KHM", 3.9, "USD billion", "s"))
    with pytest.raises(econ.DuplicateReportError):
        econ.growth(dup)
    mixed = rows(("KHM", "VNM", "exports", "2022", "2022", "KHM", 1, "USD billion", "s"),
                 ("KHM", "VNM", "imports", "2023", "2023", "KHM", 1, "USD billion", "s"))
    with pytest.raises(ValueError, match="one flow"):
        econ.growth(mixed)


def test_shares_and_hhi():
    t = rows(("KHM", "USA", "exports", "2023", "2023", "KHM", 9.0, "USD billion", "s"),
             ("KHM", "VNM", "exports", "2023", "2023", "KHM", 3.0, "USD billion", "s"),
             ("KHM", "CHN", "exports", "2023", "2023", "KHM", 1.5, "USD billion", "s"))
    s = econ.shares(t, total=15e9).set_index("partner")["share"]
    assert s.to_dict() == pytest.approx({"USA": 0.6, "VNM": 0.2, "CHN": 0.1})
    assert econ.hhi(s) == pytest.approx(0.36 + 0.04 + 0.01)
    assert econ.hhi(pd.Series([0.25] * 4)) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="more than the total"):
        econ.shares(t, total=10e9)
    with pytest.raises(ValueError):
        econ.hhi(pd.Series([0.8, 0.4]))


def test_shares_refuse_mixed_periods_and_duplicate_partners():
    t = rows(("KHM", "USA", "exports", "2023", "2023", "KHM", 9.0, "USD billion", "s"),
             ("KHM", "VNM", "exports", "2024-01", "2024-06", "KHM", 3.0, "USD billion", "s"))
    with pytest.raises(econ.PeriodError, match="one country, flow and period"):
        econ.shares(t)
    dup = rows(("KHM", "USA", "exports", "2023", "2023", "KHM", 9.0, "USD billion", "s"),
               ("KHM", "USA", "exports", "2023", "2023", "USA", 8.0, "USD billion", "s"))
    with pytest.raises(econ.DuplicateReportError):
        econ.shares(dup)


def test_mirror_gap_compares_the_two_sides():
    t = rows(("VNM", "KHM", "exports", "2022", "2022", "VNM", 5.0, "USD billion", "s"),
             ("KHM", "VNM", "imports", "2022", "2022", "KHM", 4.0, "USD billion", "s"),
             ("VNM", "KHM", "exports", "2023", "2023", "VNM", 4.0, "USD billion", "s"))
    gap = econ.mirror_gap(t, "VNM", "KHM")
    assert gap["year"].tolist() == [2022]  # 2023 has only one side
    assert gap["gap_usd"].tolist() == [-1.0e9] and gap["gap_pct"].tolist() == [-20.0]
    # two reports of one side's year: one is picked (here the more precise), and counted
    two = pd.concat([t, rows(("VNM", "KHM", "exports", "2022", "2022", "VNM", 5.25, "USD billion",
                              "s"))], ignore_index=True)
    gap = econ.mirror_gap(two, "VNM", "KHM")
    assert gap["exports_reported"].tolist() == [5.25e9] and gap["exports_n"].tolist() == [2]
    assert gap["imports_n"].tolist() == [1]


def test_total_refuses_overlaps_and_mixed_lengths():
    years = rows(("KHM", "VNM", "total", "2022", "2022", "VNM", 1, "USD billion", "s"),
                 ("KHM", "VNM", "total", "2023", "2023", "VNM", 2, "USD billion", "s"))
    assert econ.total(years) == 3e9
    mixed = rows(("KHM", "VNM", "total", "2023", "2023", "VNM", 1, "USD billion", "s"),
                 ("KHM", "VNM", "total", "2024-01", "2024-06", "VNM", 2, "USD billion", "s"))
    with pytest.raises(econ.PeriodError, match="different lengths"):
        econ.total(mixed)
    overlap = rows(("KHM", "VNM", "total", "2024-01", "2024-06", "VNM", 1, "USD billion", "s"),
                   ("KHM", "VNM", "total", "2024-06", "2024-11", "VNM", 2, "USD billion", "s"))
    with pytest.raises(econ.PeriodError, match="overlapping"):
        econ.total(overlap)


# ---------------------------------------------------------------- the real tables


def test_trade_basis_matches_reporter():
    import clvlib

    t = clvlib.load("trade")
    expected = ["not stated" if pd.isna(r) else ("reporter" if r == c else "mirror")
                for r, c in zip(t["reporter"], t["country"], strict=True)]
    assert t["basis"].astype(str).tolist() == expected


def test_the_two_sides_disagree_where_both_report():
    import clvlib

    sides = econ.compare_sides(clvlib.load("trade"), "VNM", "KHM", sources=clvlib.load("sources"))
    both = sides.dropna()
    assert set(both["year"]) >= {2016, 2019, 2020, 2022}
    # hand-checked: 2022 Vietnam 10.57 bn against Cambodia 6.136 bn
    assert both.set_index("year").loc[2022, "ratio"] == pytest.approx(10.57 / 6.136)
    # hand-checked: 2023 Vietnam 8.57 bn (t020) against Cambodia's customs 6.58 bn (t334)
    assert both.set_index("year").loc[2023, "ratio"] == pytest.approx(8.57 / 6.58)
    assert (both["ratio"] > 1.25).all()


def test_vietnam_is_second_export_market_in_jan_oct_2024():
    import clvlib

    t = clvlib.load("trade")
    ten = t[(t["country"] == "KHM") & (t["flow"] == "exports") & (t["period_start"] == "2024-01")
            & (t["period_end"] == "2024-10")]
    world = econ.total(ten[ten["partner"] == "WLD"])
    named = econ.shares(ten[ten["partner"] != "WLD"], total=world)
    assert named["partner"].astype(str).tolist()[:2] == ["USA", "VNM"]
    # hand-checked: 8.23 of 21.57 billion dollars went to the United States
    assert named.set_index("partner").loc["USA", "share"] == pytest.approx(8.23 / 21.57)


def test_project_facts_keep_both_canal_versions():
    import clvlib

    facts = clvlib.load("project_facts")
    lengths = facts[(facts["project_id"] == "funan_techo_canal") & (facts["fact"] == "length")]
    assert set(lengths["value"]) == {"180", "174"}
    assert set(lengths[lengths["as_of"].astype(str).str.startswith("2025")]["value"]) == {"174"}
    # the wire reports' 151.6 km is known only from reposts: kept in the 2025 row's notes, cited there
    rescaled = lengths.set_index("fact_id").loc["f008"]
    assert "151.6 km" in rescaled["notes"] and "reuters_2025_04_canal_reprint" in rescaled["source_ids"]
