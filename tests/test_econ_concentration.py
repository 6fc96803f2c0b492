"""Partner shares and the concentration index over time (econ.concentration, plot_concentration)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import clvlib
from clvlib import econ, provenance


def rows(*records):
    cols = ["country", "partner", "flow", "period_start", "period_end", "reporter", "value", "unit",
            "source_ids"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in records])


def sample():
    return rows(
        ("KHM", "WLD", "exports", "2022", "2022", "KHM", 20.0, "USD billion", "w22"),
        ("KHM", "USA", "exports", "2022", "2022", "KHM", 8.0, "USD billion", "u22"),
        ("KHM", "CHN", "exports", "2022", "2022", "KHM", 1000.0, "USD million", "c22"),
        # the partner's own (mirror) figure must not enter Cambodia's series
        ("KHM", "USA", "exports", "2022", "2022", "USA", 9.5, "USD billion", "m22"),
        # a partial year is not a year
        ("KHM", "CHN", "exports", "2023-01", "2023-06", "KHM", 0.6, "USD billion", "c23h1"),
        ("KHM", "WLD", "exports", "2023", "2023", "KHM", 25.0, "USD billion", "w23"),
        ("KHM", "USA", "exports", "2023", "2023", "KHM", 10.0, "USD billion", "u23"),
    )


def test_shares_and_index_of_a_complete_year_come_from_the_values():
    c = econ.concentration(sample(), partners=["USA", "CHN"]).set_index("year")
    assert c.loc[2022, "share_USA"] == pytest.approx(8 / 20)
    assert c.loc[2022, "share_CHN"] == pytest.approx(1 / 20)
    assert c.loc[2022, "hhi_named"] == pytest.approx((8 / 20) ** 2 + (1 / 20) ** 2)
    assert bool(c.loc[2022, "complete"]) and c.loc[2022, "total_usd"] == 20e9
    assert set(c.loc[2022, "source_ids"].split(";")) == {"w22", "u22", "c22"}


def test_a_year_missing_a_partner_keeps_its_shares_but_gets_no_index():
    c = econ.concentration(sample(), partners=["USA", "CHN"]).set_index("year")
    assert c.loc[2023, "share_USA"] == pytest.approx(0.4)
    assert math.isnan(c.loc[2023, "share_CHN"])  # only a half-year figure exists
    assert not bool(c.loc[2023, "complete"]) and math.isnan(c.loc[2023, "hhi_named"])
    assert c.loc[2023, "partners_found"] == 1


def test_two_own_reports_of_one_flow_are_reduced_to_one():
    t = pd.concat([sample(), rows(("KHM", "USA", "exports", "2022", "2022", "KHM", 7.0,
                                   "USD billion", "u22b"))], ignore_index=True)
    c = econ.concentration(t, partners=["USA", "CHN"]).set_index("year")
    assert c.loc[2022, "share_USA"] in (pytest.approx(8 / 20), pytest.approx(7 / 20))
    assert c.loc[2022, "source_ids"].count("u22") == 1


def test_no_own_full_year_figures_is_a_named_error():
    only_mirror = sample()[sample()["reporter"] == "USA"]
    with pytest.raises(econ.PeriodError, match="own statistics"):
        econ.concentration(only_mirror, partners=["USA"])


def test_the_real_table_has_a_complete_year_and_shares_below_one():
    c = econ.concentration(clvlib.load("trade"), sources=clvlib.load("sources"))
    assert c["complete"].any()
    share_cols = [col for col in c.columns if col.startswith("share_")]
    assert (c[share_cols].sum(axis=1) <= 1).all()


def test_plot_names_and_marks_every_source_drawn():
    from clvlib import figures

    provenance.reset()
    c = econ.concentration(sample(), partners=["USA", "CHN"])
    fig = econ.plot_concentration(c)
    credit = " ".join(t.get_text() for t in fig.texts if t.get_gid() == "credit").replace("\n", " ")
    for sid in {"w22", "u22", "c22", "w23", "u23"}:   # ids not in the sources table are named as they are
        assert sid in credit and sid in provenance.used() and sid in fig.clvlib_info["sources"]
    assert figures.check(fig) == []                   # nothing overlaps or is cut; text >= 9 pt
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["United States", "China"]


def test_a_long_credit_line_stays_clear_of_the_tick_labels():
    from clvlib import figures

    many = sample().assign(source_ids=[f"a_rather_long_source_identifier_{i:02d}" for i in range(7)])
    fig = econ.plot_concentration(econ.concentration(many, partners=["USA", "CHN"]))
    (credit,) = [t for t in fig.texts if t.get_gid() == "credit"]
    assert "\n" in credit.get_text()                   # wrapped, not cut at the edge
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = credit.get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in fig.axes[1].get_xticklabels() if t.get_text()]
    assert ticks and box.y1 < min(t.y0 for t in ticks)
    assert figures.check(fig) == []


def test_a_year_without_any_row_still_gets_a_tick():
    gap = sample()[sample()["period_start"] != "2023"]
    later = rows(("KHM", "WLD", "exports", "2025", "2025", "KHM", 30.0, "USD billion", "w25"))
    c = econ.concentration(pd.concat([gap, later]), partners=["USA", "CHN"])
    assert 2024 not in set(c["year"])
    fig = econ.plot_concentration(c)
    assert [int(t) for t in fig.axes[1].get_xticks()] == [2022, 2023, 2024, 2025]


def test_coverage_counts_only_own_full_years_and_all_flows_needs_every_flow():
    t = pd.concat([sample(), rows(
        ("KHM", "USA", "imports", "2022", "2022", "KHM", 0.3, "USD billion", "ui22"),
        # a mirror import figure for 2023 must not cover Cambodia's own 2023 imports
        ("KHM", "USA", "imports", "2023", "2023", "USA", 0.4, "USD billion", "mi23"),
    )])
    c = econ.coverage(t, partners=["USA", "CHN"], years=range(2022, 2024))
    assert c.loc[("exports", "USA"), [2022, 2023]].tolist() == [True, True]
    assert c.loc[("imports", "USA"), [2022, 2023]].tolist() == [True, False]
    assert c.loc[("all flows", "USA"), [2022, 2023]].tolist() == [True, False]
    # China: 2022 full year, 2023 only a half year
    assert c.loc[("exports", "CHN"), [2022, 2023]].tolist() == [True, False]
    assert c.loc[("exports", "USA"), "years_covered"] == 2
    assert c.loc[("all flows", "CHN"), "years_covered"] == 0


def test_a_final_figure_wins_over_a_preliminary_one_listed_first():
    t = rows(
        ("KHM", "WLD", "exports", "2020", "2020", "KHM", 16.0, "USD billion", "early"),
        ("KHM", "WLD", "exports", "2020", "2020", "KHM", 17.2, "USD billion", "final"),
        ("KHM", "USA", "exports", "2020", "2020", "KHM", 5.2, "USD billion", "u20"),
    ).assign(preliminary=[True, None, None])
    one = econ.pick_one(t)
    world = one[one["partner"] == "WLD"].iloc[0]
    assert world["source_ids"] == "final" and world["reports"] == 2
    c = econ.concentration(t, partners=["USA"]).set_index("year")
    assert c.loc[2020, "share_USA"] == pytest.approx(5.2 / 17.2, abs=1e-6)


def test_the_real_series_takes_a_year_s_partners_and_world_from_one_table():
    # 2015-2020: the IMF's table for Cambodia holds the world and every partner, and being a
    # statistics table it wins over the press reports of the same years (2020: the ministry's
    # 17.215 billion of exports, rows t301 and t304-t308, are not mixed in)
    trade, sources = clvlib.load("trade"), clvlib.load("sources")
    c = econ.concentration(trade, flow="exports", sources=sources).set_index("year")
    assert c.loc[2015:2020, "complete"].all()
    assert set(c.loc[2015:2020, "source_ids"]) == {"s3h8_imf_dots_khm"}
    assert c.loc[2020, "total_usd"] == pytest.approx(17767.063e6, rel=1e-6)
    # 2021 has no such table: the press reports do not cover every partner, so no index
    assert not c.loc[2021, "complete"] and pd.isna(c.loc[2021, "hhi_named"])


def test_an_exact_figure_wins_over_a_rounded_report_of_the_same_flow():
    t = rows(
        ("KHM", "WLD", "exports", "2020", "2020", "KHM", 17.0, "USD billion", "rounded"),
        ("KHM", "WLD", "exports", "2020", "2020", "KHM", 17.21537, "USD billion", "exact"),
    )
    assert econ.pick_one(t)["source_ids"].tolist() == ["exact"]
    # but a better kind of source still comes first
    kinds = pd.DataFrame({"source_id": ["rounded", "exact"], "kind": ["statistics", "newspaper"]})
    assert econ.pick_one(t, kinds)["source_ids"].tolist() == ["rounded"]


def test_the_index_line_breaks_at_an_incomplete_year():
    # 2022 and 2024 complete, 2023 missing China: no segment may join 2022 to 2024 across it
    t = pd.concat([sample(), rows(
        ("KHM", "WLD", "exports", "2024", "2024", "KHM", 30.0, "USD billion", "w24"),
        ("KHM", "USA", "exports", "2024", "2024", "KHM", 12.0, "USD billion", "u24"),
        ("KHM", "CHN", "exports", "2024", "2024", "KHM", 2.0, "USD billion", "c24"),
    )])
    c = econ.concentration(t, partners=["USA", "CHN"])
    fig = econ.plot_concentration(c)
    (index_line,) = [ln for ln in fig.axes[1].get_lines() if ln.get_label().startswith("index")]
    x, y = index_line.get_xdata(), index_line.get_ydata()
    assert list(x) == [2022, 2023, 2024]
    assert not math.isnan(y[0]) and math.isnan(y[1]) and not math.isnan(y[2])
    (marks,) = [ln for ln in fig.axes[1].get_lines() if ln.get_label().startswith("year incomplete")]
    assert list(marks.get_xdata()) == [2023]
