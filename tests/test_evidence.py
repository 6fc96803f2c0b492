"""Evidence quality: source kinds, strong rows, rows resting only on copies or blogs."""

from __future__ import annotations

import pytest

import clvlib
from clvlib import evidence


def _set_kind(rows, source_id, kind):
    for row in rows:
        if row["source_id"] == source_id:
            row["kind"] = kind
            return
    raise AssertionError(source_id)


def test_the_vocabulary_in_the_descriptor_is_the_one_the_module_uses(data_copy):
    import json

    desc = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    sources = next(r for r in desc["resources"] if r["name"] == "sources")
    kind = next(f for f in sources["schema"]["fields"] if f["name"] == "kind")
    allowed = set(kind["constraints"]["enum"])
    assert set(evidence.STRONG_KINDS) <= allowed
    assert set(evidence.COPY_OR_BLOG_KINDS) <= allowed
    assert not set(evidence.STRONG_KINDS) & set(evidence.COPY_OR_BLOG_KINDS)


def test_every_source_kind_in_the_data_is_in_the_vocabulary():
    report = clvlib.validate(use_frictionless=False)
    assert not [p for p in report.problems if p.table == "sources" and p.column == "kind"]


def test_an_unknown_kind_is_refused_with_file_row_column_and_value(edit):
    data = edit("sources.csv", lambda header, rows: _set_kind(rows, "inv_vov_2017", "rumour"))
    report = clvlib.validate(data_dir=data, use_frictionless=False)
    bad = [p for p in report.problems if p.column == "kind"]
    assert len(bad) == 1 and bad[0].value == "rumour" and bad[0].file == "sources.csv"


def test_a_row_turns_weak_when_its_only_source_is_reclassified_as_a_blog(edit):
    # i001 cites only inv_vov_2017 (a broadcaster): strong; as a blog it is weak and copy-or-blog only.
    before = evidence.row_support("investment").set_index("key")
    assert before.loc["i001", "strong"] and not before.loc["i001", "mirror_blog_only"]
    data = edit("sources.csv", lambda header, rows: _set_kind(rows, "inv_vov_2017", "blog"))
    after = evidence.row_support("investment", data_dir=data).set_index("key")
    assert not after.loc["i001", "strong"] and after.loc["i001", "mirror_blog_only"]
    assert after.loc["i001", "kinds"] == "blog"
    assert "i001" in set(evidence.weak_rows("investment", data_dir=data)["key"])


def test_one_strong_source_among_weak_ones_makes_the_row_strong(edit):
    # kratie_offensive_1978 cites a newspaper and two copies (mirror): strong. With the newspaper
    # reclassified as a copy it rests on copies only; making one copy a newspaper makes it strong again.
    key, press, copy = ("kratie_offensive_1978", "h9_press_1978_12_12_cambodian_border",
                        "wp_cambodian_vietnamese_war_nina")
    before = evidence.row_support("events").set_index("key")
    assert before.loc[key, "strong"] and not before.loc[key, "mirror_blog_only"]
    assert before.loc[key, "kinds"] == "mirror;newspaper"
    data = edit("sources.csv", lambda header, rows: _set_kind(rows, press, "mirror"))
    copies = evidence.row_support("events", data_dir=data).set_index("key")
    assert not copies.loc[key, "strong"] and copies.loc[key, "mirror_blog_only"]
    assert copies.loc[key, "kinds"] == "mirror"
    data = edit("sources.csv", lambda header, rows: _set_kind(rows, copy, "newspaper"))
    after = evidence.row_support("events", data_dir=data).set_index("key")
    assert after.loc[key, "strong"] and not after.loc[key, "mirror_blog_only"]
    assert after.loc[key, "kinds"] == "mirror;newspaper"


def test_quality_counts_match_the_row_classification(edit):
    q = evidence.quality().set_index("table")
    support = evidence.row_support("trade")
    assert q.loc["trade", "rows"] == len(clvlib.load("trade")) == len(support)
    assert q.loc["trade", "rows_strong"] == support["strong"].sum()
    assert q.loc["trade", "share_strong"] == pytest.approx(support["strong"].mean())
    assert q.loc["trade", "rows_mirror_blog_only"] == support["mirror_blog_only"].sum()
    assert bool(q.loc["trade", "core"]) and not bool(q.loc["claims", "core"])
    # Demoting a source used by many trade rows lowers the count by exactly those rows.
    cited = support[support["source_ids"] == "tr_ppp_exports_2022"]
    assert len(cited) >= 1
    data = edit("sources.csv", lambda header, rows: _set_kind(rows, "tr_ppp_exports_2022", "mirror"))
    q2 = evidence.quality(data_dir=data).set_index("table")
    assert q2.loc["trade", "rows_strong"] == q.loc["trade", "rows_strong"] - len(cited)


def test_sources_is_not_a_table_with_support():
    with pytest.raises(ValueError, match="sources"):
        evidence.row_support("sources")



def test_every_weak_row_of_the_core_tables_says_so_in_its_notes():
    import csv

    from clvlib.catalog import default_data_dir

    keys = {"events": "event_id", "trade": "trade_id", "investment": "investment_id",
            "instruments": "instrument_id", "project_facts": "fact_id"}
    for table, key in keys.items():
        weak = set(evidence.weak_rows(table)["key"])
        with open(default_data_dir() / f"{table}.csv", encoding="utf-8") as fh:
            notes = {row[key]: row["notes"] for row in csv.DictReader(fh)}
        unmarked = sorted(k for k in weak if "Weak evidence" not in notes[k])
        assert not unmarked, f"{table}: weak rows without a 'Weak evidence' note: {unmarked}"


def _recount_core(data_dir):
    """Strong and copy-only rows of the core tables, counted straight from the CSV files."""
    import csv

    kinds = {r["source_id"]: r["kind"]
             for r in csv.DictReader(open(data_dir / "sources.csv", encoding="utf-8"))}
    rows = strong = copies = 0
    for table in evidence.CORE_TABLES:
        for r in csv.DictReader(open(data_dir / f"{table}.csv", encoding="utf-8")):
            cited = [kinds[s.strip()] for s in r["source_ids"].split(";") if s.strip()]
            rows += 1
            strong += any(k in evidence.STRONG_KINDS for k in cited)
            copies += all(k in evidence.COPY_OR_BLOG_KINDS for k in cited)
    return rows, strong, copies


def _recount_original(data_dir):
    """Core rows with a strong source read in the original (its copy_of empty), from the files."""
    import csv

    sources = {r["source_id"]: r for r in csv.DictReader(open(data_dir / "sources.csv", encoding="utf-8"))}
    n = 0
    for table in evidence.CORE_TABLES:
        for r in csv.DictReader(open(data_dir / f"{table}.csv", encoding="utf-8")):
            cited = [sources[s.strip()] for s in r["source_ids"].split(";") if s.strip()]
            n += any(c["kind"] in evidence.STRONG_KINDS and not c["copy_of"].strip() for c in cited)
    return n


def test_the_data_page_overview_states_the_core_counts_of_the_files():
    from clvlib.catalog import default_data_dir
    from clvlib.site.pages import data_page

    rows, strong, copies = _recount_core(default_data_dir())
    original = _recount_original(default_data_dir())
    page = data_page()
    assert page.index("## Evidence quality at a glance") < page.index("## ", page.index("at a glance") + 1)
    assert f"**{strong} of {rows} rows ({strong / rows:.1%})**" in page
    assert f"**{copies}** rest only on copies" in page
    assert original < strong and f"**{original} rows ({original / rows:.1%})** are strong" in page


def test_a_strong_source_read_through_a_copy_is_counted_apart(edit):
    # i001 cites only inv_vov_2017 (a broadcaster, read in the original): strong either way; once
    # its source is marked as a copy, the row is still strong but no longer strong in the original
    before = evidence.row_support("investment").set_index("key")
    assert before.loc["i001", "strong"] and before.loc["i001", "strong_original"]

    def mark(header, rows):
        next(r for r in rows if r["source_id"] == "inv_vov_2017")["copy_of"] = "a wire story"

    data = edit("sources.csv", mark)
    after = evidence.row_support("investment", data_dir=data).set_index("key")
    assert after.loc["i001", "strong"] and not after.loc["i001", "strong_original"]
    # the summary falls by exactly the core rows that lost their only original strong source
    lost = sum(int((evidence.row_support(t)["strong_original"]
                    & ~evidence.row_support(t, data_dir=data)["strong_original"]).sum())
               for t in evidence.CORE_TABLES)
    assert lost >= 1
    assert evidence.core_summary(data_dir=data)["rows_strong_original"] == \
        evidence.core_summary()["rows_strong_original"] - lost
    assert evidence.core_summary(data_dir=data)["rows_strong"] == evidence.core_summary()["rows_strong"]


def test_a_reclassified_source_changes_the_overview(edit):
    from clvlib.catalog import default_data_dir
    from clvlib.site.pages import evidence_overview

    _, strong_before, copies_before = _recount_core(default_data_dir())
    data = edit("sources.csv", lambda header, rows: _set_kind(rows, "inv_vov_2017", "blog"))
    rows, strong, copies = _recount_core(data)
    assert strong < strong_before and copies > copies_before  # i001 rests on it alone
    text = evidence_overview(data)
    assert f"**{strong} of {rows} rows" in text and f"**{copies}** rest only on copies" in text


def test_source_kinds_count_every_source_once_and_the_dated_ones():
    import csv

    from clvlib.catalog import default_data_dir

    raw = list(csv.DictReader(open(default_data_dir() / "sources.csv", encoding="utf-8")))
    k = evidence.source_kinds().set_index("kind")
    assert int(k["sources"].sum()) == len(raw)
    for kind in ("newspaper", "mirror"):
        assert k.loc[kind, "sources"] == sum(r["kind"] == kind for r in raw)
        assert k.loc[kind, "dated"] == sum(r["kind"] == kind and bool(r["published"].strip()) for r in raw)
