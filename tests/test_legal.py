"""clvlib.legal: every rule of the exit-route engine, the missing-fact path, the real cases."""

from __future__ import annotations

import pandas as pd
import pytest

import clvlib
from clvlib import legal


def _instruments(**facts):
    base = {"instrument_id": "x", "parties": "KHM;LAO;VNM", "binding": "treaty",
            "withdrawal_clause": "no", "notice_months": pd.NA, "clause_article": pd.NA,
            "kh_approval": "legislature"}
    base.update(facts)
    return pd.DataFrame([base])


PROVISIONS = None


def provisions():
    global PROVISIONS
    if PROVISIONS is None:
        PROVISIONS = clvlib.load("provisions")
    return PROVISIONS


def route(notice="2024-09-20", party="KHM", **facts):
    return legal.exit_route("x", party, notice, instruments=_instruments(**facts),
                            provisions=provisions())


def test_treaty_without_clause_takes_twelve_months_and_a_law():
    r = route()
    assert r.complete
    steps = r.steps
    international = steps[steps["plane"] == "international"]
    assert international["basis"].tolist() == ["vclt_65_67", "vclt_56", "vclt_70"]
    assert international["earliest_effective"].tolist() == [
        pd.Timestamp("2024-09-20"), pd.Timestamp("2025-09-20"), pd.Timestamp("2025-09-20")]
    domestic = steps[steps["plane"] == "domestic"]
    assert domestic["basis"].tolist() == ["kh_const_90", "kh_const_93", "kh_const_26"]
    assert domestic["earliest_effective"].isna().all()  # no legal deadline for a vote
    assert steps["order"].tolist() == list(range(1, len(steps) + 1))


def test_treaty_with_clause_follows_its_notice_period():
    r = route(withdrawal_clause="yes", notice_months=6, clause_article="Article 9")
    international = r.steps[r.steps["plane"] == "international"]
    assert international["basis"].tolist() == ["vclt_65_67", "vclt_54; x Article 9", "vclt_70"]
    assert international["earliest_effective"].iloc[1] == pd.Timestamp("2025-03-20")


def test_non_binding_instrument_ends_on_notice_without_the_legislature():
    r = route(binding="non-binding", kh_approval="government only")
    assert r.complete
    assert r.steps["basis"].tolist() == ["vclt_2_1_a", "kh_government_notice"]
    assert (r.steps["earliest_effective"] == pd.Timestamp("2024-09-20")).all()


def test_unknown_facts_are_named_not_guessed():
    r = route(withdrawal_clause="unknown", kh_approval="unknown")
    assert not r.complete
    assert any("withdrawal or termination clause" in m for m in r.missing)
    assert any("approved the instrument at home" in m for m in r.missing)
    assert "vclt_56" not in r.steps["basis"].tolist()
    # the consequences step cannot be dated when the withdrawal step itself is missing
    assert r.steps.set_index("basis").loc["vclt_70", "earliest_effective"] is pd.NaT
    with pytest.raises(legal.MissingFactError, match="withdrawal or termination clause"):
        legal.exit_route("x", "KHM", "2024-09-20", instruments=_instruments(withdrawal_clause="unknown"),
                         provisions=provisions(), strict=True)


def test_clause_without_notice_period_is_a_missing_fact():
    r = route(withdrawal_clause="yes", notice_months=pd.NA)
    assert r.missing == ["the notice period of the instrument's withdrawal clause"]
    assert pd.isna(r.steps.set_index("basis").loc["vclt_54", "earliest_effective"])


def test_another_party_lacks_the_domestic_facts():
    r = route(party="LAO")
    assert r.steps["plane"].eq("international").all()
    assert any("approved the instrument at home" in m for m in r.missing)


def test_refusals():
    with pytest.raises(ValueError, match="not a party"):
        route(party="THA")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        route(notice="2024-09")
    with pytest.raises(KeyError, match="no instrument"):
        legal.exit_route("nope")


def test_rules_come_from_the_data():
    changed = provisions().copy()
    changed.loc[changed["provision_id"] == "vclt_56", "notice_months"] = 3
    r = legal.exit_route("x", "KHM", "2024-09-20", instruments=_instruments(), provisions=changed)
    assert r.steps.set_index("basis").loc["vclt_56", "earliest_effective"] == pd.Timestamp("2024-12-20")


# ---------------------------------------------------------------- the real instruments


def test_real_case_the_framework_ends_by_notification_only():
    r = legal.exit_route("mou_preferential_policies_2008", notice_date="2024-09-20")
    assert "kh_government_notice" in r.steps["basis"].tolist()
    assert not any(b.startswith("kh_const_90") for b in r.steps["basis"])  # no law needed
    assert any("Article 18" in b for b in r.steps["basis"])
    assert "the notice period of the instrument's withdrawal clause" in r.missing


def test_real_case_the_ratified_agreement_needs_a_law():
    r = legal.exit_route("trade_agreement_2016", notice_date="2024-09-20")
    domestic = r.steps[r.steps["plane"] == "domestic"]
    assert domestic["actor"].tolist() == ["National Assembly", "Senate", "The King"]
    assert any("withdrawal or termination clause" in m for m in r.missing)


def test_hypotheticals():
    six = legal.exit_route("trade_agreement_2016", notice_date="2024-09-20",
                           overrides={"withdrawal_clause": "yes", "notice_months": 6})
    assert six.complete and six.steps["earliest_effective"].max() == pd.Timestamp("2025-03-20")
    never_ratified = legal.exit_route("trade_agreement_2016", notice_date="2024-09-20",
                                      overrides={"approval": "government only", "withdrawal_clause": "no"})
    assert never_ratified.steps[never_ratified.steps["plane"] == "domestic"]["basis"].tolist() == [
        "kh_government_notice"]
    laos = legal.exit_route("trade_agreement_2016", party="LAO", notice_date="2024-09-20")
    assert not laos.complete


def test_plot_marks_open_dates_and_actual_events():
    r = legal.exit_route("trade_agreement_2016", notice_date="2024-09-20")
    fig = legal.plot_exit_route(r, {"Assembly vote": "2024-11-08"})
    time_ax, open_ax, key = fig.axes
    labels = [t.get_text() for t in key.texts if t.get_gid() == "step"]
    assert len(labels) == len(r.steps)
    n_open = int(r.steps["earliest_effective"].isna().sum())
    assert n_open and sum("(date open)" in t for t in labels) == n_open
    # open steps are never put on the time axis: one numbered hollow circle each in their own panel
    on_time = {t.get_text() for t in time_ax.texts if t.get_gid() == "step-number"}
    in_gap = {t.get_text() for t in open_ax.texts if t.get_gid() == "step-number"}
    dated = r.steps.dropna(subset=["earliest_effective"])["order"].astype(str)
    assert on_time == set(dated) and in_gap == set(r.steps["order"].astype(str)) - set(dated)
    assert [t.get_text() for t in key.texts if t.get_gid() == "actual"] == [
        "A  2024-09-20  notice given (the route counts from it)", "B  2024-11-08  Assembly vote"]
    assert any("withdrawal or termination clause" in t.get_text() for t in key.texts
               if t.get_gid() == "missing")
    assert fig.clvlib_info["sources"] and "credit" in fig.clvlib_info


def test_plot_keeps_letters_of_close_events_apart():
    from clvlib import figures

    r = legal.exit_route("trade_agreement_2016", notice_date="2024-09-20")
    fig = legal.plot_exit_route(r, {"Assembly vote": "2024-11-08", "Senate": "2024-11-13",
                                    "Assembly again": "2024-11-20", "King": "2024-11-21"})
    marks = {t.get_text(): t.get_position() for t in fig.axes[0].texts if t.get_gid() == "actual-mark"}
    assert sorted(marks) == ["A", "B", "C", "D", "E"]
    assert marks["D"][1] != marks["E"][1]          # one day apart: one at the top, one at the bottom
    assert marks["A"][1] == marks["B"][1]          # seven weeks apart: both on top
    assert figures.check(fig) == []


def test_plot_draws_a_partial_date_as_its_span_not_a_day():
    r = legal.exit_route("trade_agreement_2016", notice_date="2024-09-20")
    fig = legal.plot_exit_route(r, {"Senate review (month only)": "2024-11"})
    time_ax = fig.axes[0]
    spans = [p for p in time_ax.patches if p.get_width() > 20]   # the shaded month, in days
    assert len(spans) == 1 and round(spans[0].get_width()) == 30
    assert "B  2024-11  Senate review (month only)" in [t.get_text() for t in fig.axes[2].texts]


def test_instruments_plot_keeps_full_titles():
    from clvlib import figures

    ins = clvlib.load("instruments")
    fig = legal.plot_instruments(ins)
    # whole titles: beside their marks or, numbered, in the key (wrapped, never cut)
    drawn = " ".join(" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts)
    for title in ins["title"]:
        assert " ".join(title.split()) in drawn
    assert figures.check(fig) == []


def test_instruments_keep_signing_ratification_and_force_apart():
    ins = clvlib.load("instruments").set_index("instrument_id")
    trade = ins.loc["trade_agreement_2016"]
    assert trade["concluded"] == "2016-11" and trade["kh_assembly_approval"] == "2018-02-14"
    assert pd.isna(trade["entry_into_force"]) and pd.isna(trade["kh_senate_approval"])
    assert trade["kh_assembly_votes"] == "121 of 123"
    status = clvlib.load("vclt_status")
    assert set(status["state"]) == {"KHM", "LAO", "VNM"}
