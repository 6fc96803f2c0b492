"""Exact citations or a clear refusal: provenance through what researchers do to a frame.

Expected source ids are read straight from the CSV files with the csv module, not
through clvlib.
"""

from __future__ import annotations

import pandas as pd
import pytest

import clvlib
from clvlib import provenance
from conftest import DATA, read_rows


def _ids(table: str, keep=lambda row: True) -> set[str]:
    _, rows = read_rows(DATA / f"{table}.csv")
    out: set[str] = set()
    for row in rows:
        if keep(row):
            for col, cell in row.items():
                if col.endswith("source_ids") and cell:
                    out.update(i.strip() for i in cell.split(";") if i.strip())
    return out


@pytest.fixture
def trade() -> pd.DataFrame:
    return clvlib.load("trade")


def _cited(frame) -> set[str]:
    return set(clvlib.cite(frame).ids)


def test_row_selection_and_column_subset_cite_the_rows_sources(trade):
    mask = (trade["country"] == "KHM") & (trade["partner"] == "VNM")
    expected = _ids("trade", lambda r: r["country"] == "KHM" and r["partner"] == "VNM")
    assert expected  # the data has such rows
    assert _cited(trade[mask][["value", "unit"]]) == expected
    assert _cited(trade.loc[mask, ["value"]]) == expected
    assert _cited(trade[mask]["value"]) == expected  # a single column (Series)
    assert _cited(trade.query("country == 'KHM' and partner == 'VNM'")[["value"]]) == expected
    assert _cited(trade[mask].sort_values("value").reset_index(drop=True)[["value"]]) == expected
    assert _cited(trade[mask].head(2)[["value"]]) == _ids(
        "trade", lambda r: r["trade_id"] in set(trade[mask].head(2)["trade_id"]))
    assert _cited(trade[mask][["value"]]) < _cited(trade)


def test_group_by_aggregates_cite_each_groups_rows(trade):
    by_country = trade.groupby("country", observed=True)["value_usd"].sum()
    assert _cited(by_country) == _ids("trade")
    assert _cited(by_country.loc[["LAO"]]) == _ids("trade", lambda r: r["country"] == "LAO")
    named = trade.groupby(["country", "partner"], observed=True).agg(total=("value_usd", "sum"))
    assert _cited(named) == _ids("trade")
    frame_sum = trade[["country", "value_usd"]].groupby("country", observed=True).sum()
    assert _cited(frame_sum.loc[["VNM"]]) == _ids("trade", lambda r: r["country"] == "VNM")


def test_concatenation_keeps_each_parts_rows(trade):
    a = trade[trade["country"] == "LAO"][["value"]]
    b = trade[trade["country"] == "VNM"][["value"]]
    both = pd.concat([a, b])
    assert _cited(both) == _ids("trade", lambda r: r["country"] in {"LAO", "VNM"})
    assert _cited(pd.concat([a, b], ignore_index=True).iloc[: len(a)]) == _ids(
        "trade", lambda r: r["country"] == "LAO")


def test_merge_cites_the_rows_of_both_inputs(trade):
    provinces = clvlib.load("provinces")
    laos = provinces[provinces["country"] == "LAO"][["province_code", "name_en"]]
    khm_trade = trade[trade["country"] == "KHM"][["country", "value"]]
    joined = khm_trade.merge(laos.assign(country="KHM"), on="country")[["value", "name_en"]]
    expected = _ids("trade", lambda r: r["country"] == "KHM") | _ids(
        "provinces", lambda r: r["country"] == "LAO")
    assert _cited(joined) == expected


def test_where_rows_cannot_be_known_cite_refuses_and_says_how(trade):
    counts = trade.groupby("country", observed=True).size()
    with pytest.raises(clvlib.ProvenanceLostError, match="source_ids"):
        clvlib.cite(counts)
    rebuilt = pd.DataFrame(trade[["value", "unit"]].to_dict("list"))
    with pytest.raises(clvlib.ProvenanceLostError, match="clvlib.cite\\(trade\\[mask\\]\\)"):
        clvlib.cite(rebuilt)
    grown = trade[["value"]].copy()
    grown.loc[len(grown) + 100] = [1.0]  # a row added by hand
    with pytest.raises(clvlib.ProvenanceLostError):
        clvlib.cite(grown)


def test_the_advertised_way_out_works(trade):
    counts = trade.groupby("country", observed=True).agg(
        n=("trade_id", "size"), source_ids=("source_ids", provenance.join_ids))
    plain = pd.DataFrame(counts.to_dict("list"))  # even rebuilt, the column carries the sources
    assert _cited(plain) == _ids("trade")


def test_sources_used_counts_shown_and_cited_frames_not_loaded_ones(trade, tmp_path, monkeypatch):
    provenance.reset()
    events = clvlib.load("events")
    assert clvlib.sources_used().ids == []
    lao = trade[trade["country"] == "LAO"][["value", "unit"]]
    repr(lao)  # printed
    assert set(clvlib.sources_used().ids) == _ids("trade", lambda r: r["country"] == "LAO")
    clvlib.cite(events[events["event_id"] == "withdrawal_announced_2024"])
    expected = _ids("trade", lambda r: r["country"] == "LAO") | _ids(
        "events", lambda r: r["event_id"] == "withdrawal_announced_2024")
    assert set(clvlib.sources_used().ids) == expected
    # independent of the cache: an empty cache folder gives the same answer
    from clvlib import catalog

    catalog._CACHE.clear()
    monkeypatch.setenv("CLVLIB_CACHE", str(tmp_path / "empty-cache"))
    assert set(clvlib.sources_used().ids) == expected
    provenance.reset()


def test_value_usd_is_the_stated_value_in_dollars(trade):
    _, rows = read_rows(DATA / "trade.csv")
    factor = {"USD billion": 1e9, "USD million": 1e6, "USD thousand": 1e3, "USD": 1.0}
    expected = [float(r["value"]) * factor[r["unit"]] for r in rows]
    assert trade["value_usd"].astype(float).tolist() == pytest.approx(expected)
    inv = clvlib.load("investment")
    counts = inv[~inv["unit"].astype(str).str.startswith("USD")]
    assert len(counts) and counts["value_usd"].isna().all()  # no dollars for counts of projects
    money = inv[inv["unit"].astype(str).str.startswith("USD")]
    assert money["value_usd"].notna().all()


def test_a_loaded_frame_gives_the_same_results_as_a_plain_dataframe(trade):
    plain = pd.DataFrame(trade)
    assert type(plain) is pd.DataFrame
    ops = [
        lambda f: f[f["country"] == "KHM"][["value", "unit"]],
        lambda f: f.groupby("country", observed=True)[["value_usd"]].sum(min_count=1).reset_index(),
        lambda f: f.groupby(["country", "partner"], observed=True)["value_usd"].sum(),
        lambda f: f.groupby("country", observed=True).agg(total=("value_usd", "sum")),
        lambda f: f.groupby("country", observed=True).size(),
        lambda f: pd.concat([f.head(3), f.tail(2)]),
        lambda f: f.merge(f[["trade_id", "unit"]], on="trade_id", suffixes=("", "_again")),
        lambda f: f.sort_values("value").reset_index(),
        lambda f: f.pivot_table(index="country", columns="flow", values="value_usd", aggfunc="sum",
                                observed=True),
        lambda f: f["value"].rename("v").to_frame(),
    ]
    for op in ops:
        got, want = op(trade), op(plain)
        if isinstance(want, pd.Series):
            pd.testing.assert_series_equal(pd.Series(got), want)  # names of series and index kept
        else:
            pd.testing.assert_frame_equal(pd.DataFrame(got), want)


def test_a_merged_frame_of_ones_own_adds_its_source_column(trade):
    mine = pd.DataFrame({"country": ["KHM"], "source_ids": ["pycountry_26_2_16"]})
    joined = trade[trade["country"] == "KHM"][["country", "value"]].merge(mine, on="country")
    assert _cited(joined) == _ids("trade", lambda r: r["country"] == "KHM") | {"pycountry_26_2_16"}
