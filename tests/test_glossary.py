"""The glossary table validates, cites every equivalent, and the page uses only its terms."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import clvlib
from clvlib import guide

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def terms():
    return clvlib.load("glossary")


@pytest.fixture(scope="module")
def page():
    return guide.glossary_markdown()


def _notebook_text(stem: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return "\n".join(cell.source for cell in nb.cells).lower()


def test_glossary_table_validates_with_the_package():
    report = clvlib.validate()
    assert report.ok, str(report)
    assert report.rows["glossary"] >= 15


def test_the_terms_the_issue_names_are_defined(terms):
    for term in ("signing", "ratification", "entry into force", "memorandum of understanding (MoU)",
                 "notification", "withdrawal", "denunciation", "mirror statistics", "registered capital"):
        assert term in set(terms["term"]), term


def test_every_equivalent_cites_a_source_and_no_source_stands_alone(terms):
    for code in ("km", "lo", "vi"):
        filled = terms[code].notna()
        cited = terms[f"{code}_source_ids"].notna()
        assert (filled == cited).all(), terms.loc[filled != cited, "term_id"].tolist()
    assert terms["vi"].notna().sum() >= 8 and terms["km"].notna().sum() >= 4


def test_every_listed_notebook_uses_the_term(terms):
    for row in terms.itertuples():
        forms = [row.term] + (row.also_written.split(";") if isinstance(row.also_written, str) else [])
        for stem in (row.notebooks.split(";") if isinstance(row.notebooks, str) else []):
            text = _notebook_text(stem)
            assert any(form.lower() in text for form in forms), (row.term_id, stem)


def test_every_term_used_in_the_page_is_in_the_table(terms, page):
    ids = set(terms["term_id"])
    sections = set(re.findall(r"^\(term-([a-z0-9_]+)\)=$", page, flags=re.M))
    refs = set(re.findall(r"<term-([a-z0-9_]+)>`", page))
    assert sections == ids
    assert refs <= ids and refs
    # every cited source has its entry at the end of the page, and every entry is cited
    cited = set(re.findall(r"<glossary-source-([a-z0-9_]+)>`", page))
    listed = set(re.findall(r"^\(glossary-source-([a-z0-9_]+)\)=$", page, flags=re.M))
    assert cited == listed == set(clvlib.cite(terms).ids)


def test_page_shows_each_equivalent_with_its_own_source(terms, page):
    row = terms.set_index("term_id").loc["ratification"]
    section = page.split("(term-ratification)=")[1].split("(term-")[0]
    assert f"- **Lao:** {row['lo']} (source: {{ref}}`{row['lo_source_ids']} " in section
    gap = page.split("(term-mirror_statistics)=")[1].split("(term-")[0]
    assert gap.count("no source read gives one") == 3


def test_a_see_also_to_a_missing_term_is_refused(edit):
    def change(header, rows):
        rows[0]["see_also"] = "no_such_term"
    data = edit("glossary.csv", change)
    report = clvlib.validate(data_dir=data, use_frictionless=False)
    assert any(p.code == "unknown-reference" and p.column == "see_also" and p.row == 2
               for p in report.problems), str(report)
    with pytest.raises(clvlib.DataError, match="glossary.csv"):
        clvlib.load("glossary", data_dir=data)


def test_an_equivalent_without_its_source_is_a_named_error(edit):
    def change(header, rows):
        [row] = [r for r in rows if r["term_id"] == "mirror_statistics"]
        row["km"] = "x"
    data = edit("glossary.csv", change)
    with pytest.raises(guide.GlossaryError,
                       match=r"glossary.csv, row \d+, column 'km', term 'mirror_statistics'"):
        guide.glossary_markdown(data_dir=data)
