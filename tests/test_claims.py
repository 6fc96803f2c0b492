"""clvlib.claims and the claims table."""

from __future__ import annotations

import pytest

import clvlib
from clvlib import claims


def test_at_least_twenty_claims_from_the_three_articles():
    table = clvlib.load("claims")
    assert len(table) >= 20
    articles = {"ref_opinion_smart_hedging", "ref_news_assembly_vote", "ref_forum_comment_clashes"}
    cited = [set(cell.split(";")) for cell in table["source_ids"]]
    # every claim cites the reference article it comes from (first read through its copy) ...
    assert all(len(ids & articles) == 1 for ids in cited)
    assert set().union(*cited) & articles == articles
    # ... and an original page only where the copy has one: the Asia Times opinion piece
    assert set().union(*cited) - articles <= {"h7_asiatimes_smart_hedging"}


def test_every_checkable_claim_has_evidence_and_a_reason():
    table = clvlib.load("claims")
    checkable = table[table["verdict"] != "not checkable with this data"]
    assert checkable["evidence"].notna().all()
    assert table["reason"].str.len().min() > 20


def test_evidence_gathers_the_named_rows_and_their_sources():
    ev = claims.evidence("c27")
    assert ev.claim["verdict"] == "contradicted"
    assert list(ev.rows["instruments"]["instrument_id"]) == ["trade_agreement_2016"]
    assert set(ev.rows["events"]["event_id"]) == {"trade_agreement_signed_2016"}
    assert "bp_asia_2018_02_17" in ev.sources.ids      # a source of the evidence rows
    assert "ref_news_assembly_vote" in ev.sources.ids  # the article itself
    assert "contradicted" in repr(ev) and "<table" in ev._repr_html_()


def test_composite_keys_resolve():
    ev = claims.evidence("c23")
    assert set(ev.rows["membership"]["province_code"]) == {"KH-10", "KH-11", "KH-16", "KH-19"}


def test_unknown_claim():
    with pytest.raises(KeyError, match="c99"):
        claims.evidence("c99")


def test_summary_counts_every_claim_once():
    s = claims.summary()
    assert int(s.to_numpy().sum()) == len(clvlib.load("claims"))
    assert list(s.columns) == list(claims.VERDICTS)


def test_summary_has_one_group_per_reference_article():
    # five claims also cite the Asia Times original of ref_opinion_smart_hedging: they were a
    # group of their own ("h7_asiatimes_smart_hedging;ref_opinion_smart_hedging") in the table
    table = clvlib.load("claims")
    s = claims.summary()
    articles = set(s.index.get_level_values("article"))
    refs = {i for cell in table["source_ids"] for i in cell.split(";") if i.startswith("ref_")}
    assert articles == refs
    by_article = s.sum(axis=1).groupby(level="article").sum()
    opinion = table["source_ids"].str.contains("ref_opinion_smart_hedging")
    assert int(by_article["ref_opinion_smart_hedging"]) == int(opinion.sum())
    assert s.index.is_unique


def test_a_reference_to_a_missing_row_is_refused(edit):
    def change(header, rows):
        rows[0]["evidence"] = "events:no_such_event;trade:t001"

    data = edit("claims.csv", change)
    with pytest.raises(clvlib.DataError) as excinfo:
        clvlib.load("claims", data_dir=data)
    (problem,) = excinfo.value.problems
    assert (problem.code, problem.row, problem.column) == ("unknown-evidence", 2, "evidence")
    assert "no_such_event" in problem.message


def test_a_reference_to_a_missing_table_is_refused(edit):
    def change(header, rows):
        rows[0]["evidence"] = "rumours:c01"

    data = edit("claims.csv", change)
    with pytest.raises(clvlib.DataError, match="no table named 'rumours'"):
        clvlib.load("claims", data_dir=data)
