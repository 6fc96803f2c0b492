"""The reference articles' claims, checked against the kit's data.

:func:`evidence` gathers a claim with the rows that bear on it and their
sources; :func:`summary` counts verdicts by article and topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from clvlib.values import split_list

VERDICTS = ("supported", "partly supported", "contradicted", "not checkable with this data",
            "opinion/interpretation")


@dataclass(repr=False)
class Evidence:
    """A claim, the rows that bear on it (one frame per table) and their bibliography."""

    claim: pd.Series
    rows: dict[str, pd.DataFrame]
    sources: Any

    def __repr__(self) -> str:
        lines = [f"{self.claim['claim_id']} [{self.claim['verdict']}] {self.claim['claim']}",
                 f"  reason: {self.claim['reason']}"]
        for table, frame in self.rows.items():
            lines.append(f"  {table}: {len(frame)} row(s)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        head = f"<b>{escape(self.claim['claim_id'])}</b> · <i>{escape(str(self.claim['verdict']))}</i>"
        parts = [f"<p>{head}<br>"
                 f"{escape(self.claim['claim'])}</p><p>{escape(self.claim['reason'])}</p>"]
        for table, frame in self.rows.items():
            parts.append(f"<p><code>{escape(table)}</code></p>" + frame.to_html(index=False))
        return "\n".join(parts)


def _parse(ref: str) -> tuple[str, str]:
    table, _, key = ref.partition(":")
    return table, key


def evidence(claim_id: str, *, claims: pd.DataFrame | None = None) -> Evidence:
    """A claim with its evidence rows, grouped by table, and the sources of those rows.

    Examples
    --------
    >>> ev = evidence("c27")
    >>> ev.claim["verdict"], sorted(ev.rows)
    ('contradicted', ['events', 'instruments'])
    """
    from clvlib.catalog import Catalog
    from clvlib.data import cite, load

    claims = claims if claims is not None else load("claims")
    hit = claims[claims["claim_id"] == claim_id]
    if hit.empty:
        raise KeyError(f"no claim {claim_id!r}; the claims are {', '.join(claims['claim_id'])}")
    row = hit.iloc[0]
    wanted: dict[str, list[str]] = {}
    for ref in split_list(row["evidence"]):
        table, key = _parse(ref)
        wanted.setdefault(table, []).append(key)
    catalog = Catalog()
    rows: dict[str, pd.DataFrame] = {}
    ids: set[str] = set(split_list(row["source_ids"]))
    for table, keys in wanted.items():
        frame = load(table)
        pk = catalog.table(table).primary_key
        joined = frame[pk].astype(str).agg("|".join, axis=1)
        picked = frame[joined.isin(keys)]
        picked.attrs["clvlib_table"] = table
        rows[table] = picked
        ids |= set(cite(picked).ids)
    from clvlib.citation import bibliography

    return Evidence(row, rows, bibliography(load("sources"), ids))


ARTICLE_PREFIX = "ref_"
"""Source ids of the reference articles the claims come from (``ref_...`` in ``sources.csv``)."""


def article(claims: pd.DataFrame) -> pd.Series:
    """The reference article of each claim: the ``ref_`` source among its ``source_ids``.

    A claim may also cite the article's original or another page that reports it (for
    example ``h7_asiatimes_smart_hedging;ref_opinion_smart_hedging``); it still belongs to
    one article. A claim citing no ``ref_`` source keeps its first source id.

    Examples
    --------
    >>> t = pd.DataFrame({"source_ids": ["h7_x;ref_a", "ref_a", "ref_b", "other"]})
    >>> article(t).tolist()
    ['ref_a', 'ref_a', 'ref_b', 'other']
    """
    def one(cell: Any) -> str:
        ids = split_list(cell)
        refs = [i for i in ids if i.startswith(ARTICLE_PREFIX)]
        return (refs or ids or [""])[0]

    return claims["source_ids"].map(one).astype(str).rename("article")


def summary(*, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Verdicts counted by article and topic (a row per article and topic, a column per verdict).

    The article is the claim's reference article (:func:`article`), so a claim that also
    cites the article's original is counted with the others from that article.

    Examples
    --------
    >>> s = summary()
    >>> int(s.loc[("ref_news_assembly_vote", "law"), "contradicted"])
    1
    """
    from clvlib.data import load

    claims = claims if claims is not None else load("claims")
    table = pd.crosstab([article(claims), claims["topic"].astype(str)],
                        claims["verdict"].astype(str))
    for verdict in VERDICTS:
        if verdict not in table.columns:
            table[verdict] = 0
    table = table[list(VERDICTS)]
    table.index.names = ["article", "topic"]
    table.columns.name = None
    return table
