"""A flow no row states, derived from the same statistics' total and other flow (econ.derive_flows)."""

from __future__ import annotations

import pandas as pd
import pytest

import clvlib
from clvlib import econ


def rows(*records):
    cols = ["trade_id", "country", "partner", "flow", "period_start", "period_end", "reporter",
            "value", "unit", "source_ids"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in records])


def derived(frame):
    out = econ.derive_flows(frame)
    return out[out["derived"]]


def test_exports_are_the_total_less_imports_with_both_sources_and_inputs_named():
    d = derived(rows(("a", "KHM", "VNM", "total", "2022", "2022", "KHM", 6.136, "USD billion", "s1"),
                     ("b", "KHM", "VNM", "imports", "2022", "2022", "KHM", 3967.0, "USD million", "s2")))
    (row,) = d.to_dict("records")
    assert row["flow"] == "exports" and row["trade_id"] == "a-b"
    assert row["value_usd"] == pytest.approx(2.169e9, rel=1e-5)
    assert row["source_ids"] == "s1;s2"
    assert "a" in row["notes"] and "b" in row["notes"]


def test_a_stated_flow_is_never_replaced_even_by_a_different_figure():
    t = rows(("a", "KHM", "USA", "total", "2022", "2022", "KHM", 9.281, "USD billion", "s1"),
             ("b", "KHM", "USA", "exports", "2022", "2022", "KHM", 8.969, "USD billion", "s2"),
             ("c", "KHM", "USA", "imports", "2022", "2022", "KHM", 0.4, "USD billion", "s3"))
    assert derived(t).empty
    assert len(econ.derive_flows(t)) == 3


def test_no_derivation_across_reporters_partial_years_or_to_a_negative_value():
    t = rows(
        # the total is the partner's (mirror) figure, the exports Cambodia's own
        ("a", "KHM", "USA", "total", "2021", "2021", "USA", 9.0, "USD billion", "s1"),
        ("b", "KHM", "USA", "exports", "2021", "2021", "KHM", 8.0, "USD billion", "s2"),
        # half a year is not a year
        ("c", "KHM", "CHN", "total", "2023-01", "2023-06", "KHM", 5.0, "USD billion", "s3"),
        ("d", "KHM", "CHN", "imports", "2023-01", "2023-06", "KHM", 4.0, "USD billion", "s4"),
        # inconsistent reports: the flow exceeds the total
        ("e", "KHM", "JPN", "total", "2022", "2022", "KHM", 1.0, "USD billion", "s5"),
        ("f", "KHM", "JPN", "exports", "2022", "2022", "KHM", 1.2, "USD billion", "s6"),
    )
    assert derived(t).empty


def test_each_input_is_the_one_pick_one_prefers():
    t = rows(("a", "KHM", "CHN", "total", "2022", "2022", "KHM", 11.7, "USD billion", "rounded"),
             ("b", "KHM", "CHN", "total", "2022", "2022", "KHM", 11.686, "USD billion", "exact"),
             ("c", "KHM", "CHN", "imports", "2022", "2022", "KHM", 10.446, "USD billion", "s3"))
    (row,) = derived(t).to_dict("records")
    assert row["trade_id"] == "b-c" and row["value_usd"] == pytest.approx(1.24e9)


def test_concentration_uses_a_derived_partner_and_says_so():
    t = rows(("w", "KHM", "WLD", "exports", "2022", "2022", "KHM", 20.0, "USD billion", "w22"),
             ("u", "KHM", "USA", "exports", "2022", "2022", "KHM", 8.0, "USD billion", "u22"),
             ("ct", "KHM", "CHN", "total", "2022", "2022", "KHM", 11.0, "USD billion", "ct22"),
             ("ci", "KHM", "CHN", "imports", "2022", "2022", "KHM", 10.0, "USD billion", "ci22"))
    c = econ.concentration(t, partners=["USA", "CHN"]).set_index("year")
    assert c.loc[2022, "complete"] and c.loc[2022, "derived"] == "CHN"
    assert c.loc[2022, "share_CHN"] == pytest.approx(0.05)
    assert {"ct22", "ci22"} <= set(c.loc[2022, "source_ids"].split(";"))
    plain = econ.concentration(t, partners=["USA", "CHN"], derive=False).set_index("year")
    assert not plain.loc[2022, "complete"] and pd.isna(plain.loc[2022, "share_CHN"])
    cov = econ.coverage(t, partners=["CHN"], years=range(2022, 2023))
    assert cov.loc[("exports", "CHN"), "years_covered"] == 1
    assert cov.loc[("exports", "CHN"), "years_derived"] == 1
    assert econ.coverage(t, partners=["CHN"], years=range(2022, 2023),
                         derive=False).loc[("exports", "CHN"), "years_covered"] == 0


def test_the_real_2022_series_is_complete_only_through_figures_derived_from_news_reports():
    # the copy-only 2022 rows were folded into notes: 2022 is complete through derived figures,
    # each resting on two news reports of the customs statistics, none on the copy
    trade, sources = clvlib.load("trade"), clvlib.load("sources")
    ex = econ.concentration(trade, flow="exports", sources=sources).set_index("year")
    im = econ.concentration(trade, flow="imports", sources=sources).set_index("year")
    assert ex.loc[2022, "complete"] and set(ex.loc[2022, "derived"].split(";")) == {"VNM", "CHN"}
    assert im.loc[2022, "complete"] and im.loc[2022, "derived"] == "USA"
    assert ex.loc[2022, "share_VNM"] * ex.loc[2022, "total_usd"] == pytest.approx(2.169e9, rel=1e-5)
    own = trade[(trade["country"] == "KHM") & (trade["reporter"] == "KHM")]
    made = econ.derive_flows(own, sources)
    kinds = sources.set_index("source_id")["kind"]
    for ids in made.loc[made["derived"] & (made["period_start"] == "2022"), "source_ids"]:
        assert "tr_aecutcc_2022" not in ids
        assert all(kinds[s] == "newspaper" for s in ids.split(";")), ids
