"""Citations: turn rows of ``sources.csv`` into APA-like text or BibTeX.

Pure functions on a sources DataFrame (as :func:`clvlib.load` returns it); they
never read files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

STYLES = ("apa", "bibtex")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


class Bibliography(str):
    """A formatted bibliography: a ``str`` that also renders as a list in Jupyter.

    ``ids`` holds the source ids in the order shown; ``style`` the style used.

    Examples
    --------
    >>> b = Bibliography("A.\\nB.", ids=["a", "b"], style="apa")
    >>> b.ids
    ['a', 'b']
    >>> print(b)
    A.
    B.
    """

    ids: list[str]
    style: str

    def __new__(cls, text: str, ids: list[str], style: str) -> Bibliography:
        obj = super().__new__(cls, text)
        obj.ids = list(ids)
        obj.style = style
        return obj

    def _repr_markdown_(self) -> str:
        if not self.ids:
            return "*No sources.*"
        if self.style == "bibtex":
            return "```bibtex\n" + str(self) + "\n```"
        return "\n".join(f"- {line}" for line in str(self).split("\n"))


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _date_words(published: str) -> str:
    """``2024-09-20`` → ``2024, September 20``; ``2024-09`` → ``2024, September``."""
    parts = published.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{parts[0]}, {month}" + (f" {int(parts[2])}" if len(parts) == 3 else "")


def format_apa(row: pd.Series) -> str:
    """One source as an APA-style reference (author or publisher, date, title, publisher, URL).

    Examples
    --------
    >>> row = pd.Series({"author": "", "publisher": "Lao Statistics Bureau",
    ...     "published": "2015-12", "title": "Census 2015", "url": "https://example.org",
    ...     "accessed": pd.Timestamp("2026-11-28")})
    >>> format_apa(row)
    'Lao Statistics Bureau. (2015, December). *Census 2015*. https://example.org (accessed 2026-11-28)'
    """
    author = _text(row.get("author"))
    publisher = _text(row.get("publisher"))
    published = _text(row.get("published"))
    date = f"({_date_words(published)})" if published else "(n.d.)"
    lead = author or publisher
    parts = [f"{lead}. {date}." if lead else f"{date}.", f"*{_text(row.get('title'))}*."]
    if publisher and publisher != lead:
        parts.append(f"{publisher}.")
    url = _text(row.get("url"))
    if url:
        parts.append(url)
    accessed = row.get("accessed")
    if accessed is not None and not pd.isna(accessed):
        parts.append(f"(accessed {pd.Timestamp(accessed):%Y-%m-%d})")
    return " ".join(parts)


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%#_$])", r"\\\1", text)


def format_bibtex(row: pd.Series) -> str:
    """One source as a BibTeX ``@misc`` entry keyed by its source id.

    Examples
    --------
    >>> row = pd.Series({"source_id": "lsb_2015", "author": "", "publisher": "LSB",
    ...     "published": "2015", "title": "Census 2015", "url": "https://example.org",
    ...     "accessed": pd.Timestamp("2026-11-28")})
    >>> print(format_bibtex(row))
    @misc{lsb_2015,
      title = {{Census 2015}},
      publisher = {LSB},
      year = {2015},
      url = {https://example.org},
      urldate = {2026-11-28},
    }
    """
    fields: list[tuple[str, str]] = []
    title = _text(row.get("title"))
    fields.append(("title", "{" + _bib_escape(title) + "}"))
    author = _text(row.get("author"))
    if author:
        fields.append(("author", "{" + _bib_escape(author) + "}"))
    publisher = _text(row.get("publisher"))
    if publisher:
        fields.append(("publisher", _bib_escape(publisher)))
    published = _text(row.get("published"))
    if published:
        fields.append(("year", published[:4]))
        if len(published) >= 7:
            fields.append(("month", _MONTHS[int(published[5:7]) - 1][:3].lower()))
    url = _text(row.get("url"))
    if url:
        fields.append(("url", url))
    accessed = row.get("accessed")
    if accessed is not None and not pd.isna(accessed):
        fields.append(("urldate", f"{pd.Timestamp(accessed):%Y-%m-%d}"))
    body = "\n".join(f"  {k} = {{{v}}}," for k, v in fields)
    return f"@misc{{{row['source_id']},\n{body}\n}}"


def bibliography(sources: pd.DataFrame, ids: Iterable[str], style: str = "apa") -> Bibliography:
    """Format the sources ``ids`` (unknown ids raise ``KeyError``) in ``style``.

    APA entries are sorted alphabetically, BibTeX entries by key.

    Examples
    --------
    >>> src = pd.DataFrame({"source_id": ["b", "a"], "title": ["Two", "One"],
    ...     "publisher": ["P", "Q"]})
    >>> bibliography(src, ["a", "b"]).ids  # APA: in order of the formatted text (P before Q)
    ['b', 'a']
    >>> bibliography(src, ["a", "b"], style="bibtex").ids
    ['a', 'b']
    """
    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}; use one of {STYLES}")
    table = sources.set_index("source_id", drop=False)
    wanted = sorted(set(ids))
    missing = [i for i in wanted if i not in table.index]
    if missing:
        raise KeyError(f"source id(s) not in sources.csv: {', '.join(missing)}")
    if style == "apa":
        entries = sorted(((format_apa(table.loc[i]), i) for i in wanted), key=lambda e: e[0].lower())
        return Bibliography("\n".join(e[0] for e in entries), [e[1] for e in entries], style)
    return Bibliography("\n\n".join(format_bibtex(table.loc[i]) for i in wanted), wanted, style)
