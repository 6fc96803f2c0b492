"""Evidence quality: how much of each table rests on official, statistical, legal or news sources.

Every source in ``sources.csv`` has a ``kind`` from a controlled vocabulary
(declared as an enum in ``datapackage.json`` and checked by ``clvlib validate``).
A row is *strong* when at least one of the sources it cites is of a kind in
:data:`STRONG_KINDS`. A row rests *only on copies or blogs* when every source it
cites is of a kind in :data:`COPY_OR_BLOG_KINDS` (mirrors, proxies and machine
translations, reposting sites, blogs).

Examples
--------
>>> q = quality()
>>> {"table", "rows", "rows_strong", "share_strong", "rows_mirror_blog_only"} <= set(q.columns)
True
"""

from __future__ import annotations

import pandas as pd

from clvlib.values import split_list

STRONG_KINDS = ("official", "statistics", "legal_text", "news_agency", "newspaper", "broadcaster")
"""Source kinds that make a row strong evidence."""

COPY_OR_BLOG_KINDS = ("mirror", "aggregator", "blog")
"""Source kinds that are copies of someone else's text, or personal writing."""

CORE_TABLES = ("events", "trade", "investment", "instruments", "project_facts")
"""The tables the evidence targets are set for (at least 95 % strong, none copy-or-blog only)."""


def _kinds_and_copies(data_dir) -> tuple[dict[str, str], set[str]]:
    """Each source's kind, and the ids of the sources read through a copy (``copy_of`` set)."""
    from clvlib.data import load_sources

    sources = load_sources(data_dir=data_dir)
    ids = sources["source_id"].astype(str)
    named = sources["copy_of"].astype("string").fillna("").str.strip() != ""
    return dict(zip(ids, sources["kind"].astype(str), strict=True)), set(ids[named])


def row_support(table: str, *, data_dir=None) -> pd.DataFrame:
    """Per row of ``table``: its key, the kinds of the sources it cites and its evidence class.

    Parameters
    ----------
    table : str
        A table name other than ``sources``.
    data_dir : path, optional
        Another data folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` (the primary key, joined with ``|``), ``source_ids``
        (all ids the row cites, ``;``-separated), ``kinds`` (their kinds, sorted,
        ``;``-separated), ``strong`` (bool), ``mirror_blog_only`` (bool) and
        ``strong_original`` (bool: a strong source read in the original, not only
        through a copy such as a wire story carried by another outlet).

    Examples
    --------
    >>> s = row_support("investment")
    >>> list(s.columns)
    ['key', 'source_ids', 'kinds', 'strong', 'mirror_blog_only', 'strong_original']
    >>> bool(s["strong"].any())
    True
    """
    from clvlib.data import _catalog, _source_columns

    if table == "sources":
        raise ValueError("row_support() takes a table that cites sources, not 'sources' itself")
    cat = _catalog(data_dir)
    frame = cat.read(table)
    columns = _source_columns(cat, table)
    key_cols = cat.table(table).primary_key or list(frame.columns[:1])
    kinds, copies = _kinds_and_copies(data_dir)
    out = []
    for _, row in frame.iterrows():
        ids: list[str] = []
        for col in columns:
            for sid in split_list(row[col]):
                if sid not in ids:
                    ids.append(sid)
        row_kinds = sorted({kinds.get(s, "unknown") for s in ids})
        out.append({
            "key": "|".join(str(row[c]) for c in key_cols),
            "source_ids": ";".join(ids),
            "kinds": ";".join(row_kinds),
            "strong": any(k in STRONG_KINDS for k in row_kinds),
            "mirror_blog_only": bool(row_kinds) and all(k in COPY_OR_BLOG_KINDS for k in row_kinds),
            "strong_original": any(kinds.get(s) in STRONG_KINDS and s not in copies for s in ids),
        })
    return pd.DataFrame(out, columns=["key", "source_ids", "kinds", "strong", "mirror_blog_only",
                                      "strong_original"])


def weak_rows(table: str, *, data_dir=None) -> pd.DataFrame:
    """The rows of ``table`` that no official, statistics, legal-text or news source backs.

    Examples
    --------
    >>> w = weak_rows("events")
    >>> bool((~w["strong"]).all())
    True
    """
    support = row_support(table, data_dir=data_dir)
    return support[~support["strong"]].reset_index(drop=True)


def quality(*, data_dir=None) -> pd.DataFrame:
    """One row per table: rows, rows backed by an official/statistics/legal/news source, share.

    Columns: ``table``, ``rows``, ``rows_strong``, ``share_strong`` (0 to 1),
    ``rows_mirror_blog_only`` (rows whose every source is a mirror, reposting
    site or blog), ``rows_strong_original`` (strong without counting copies) and
    ``core`` (whether the table is one of :data:`CORE_TABLES`).
    The ``sources`` table itself is not listed.

    Examples
    --------
    >>> q = quality().set_index("table")
    >>> "events" in q.index and "sources" not in q.index
    True
    >>> bool((q["rows_strong"] <= q["rows"]).all())
    True
    """
    from clvlib.data import datasets

    rows = []
    for name in datasets(data_dir=data_dir)["name"]:
        if name == "sources":
            continue
        support = row_support(name, data_dir=data_dir)
        n = len(support)
        strong = int(support["strong"].sum())
        rows.append({
            "table": name,
            "rows": n,
            "rows_strong": strong,
            "share_strong": strong / n if n else float("nan"),
            "rows_mirror_blog_only": int(support["mirror_blog_only"].sum()),
            "rows_strong_original": int(support["strong_original"].sum()),
            "core": name in CORE_TABLES,
        })
    return pd.DataFrame(rows)


def core_summary(*, data_dir=None, table: pd.DataFrame | None = None) -> dict[str, float | int]:
    """The evidence targets in one place: the core tables taken together.

    Returns ``rows``, ``rows_strong``, ``share_strong``, ``rows_mirror_blog_only``,
    ``rows_strong_original`` and ``share_strong_original`` (strong counting only
    sources read in the original) over :data:`CORE_TABLES`. ``table`` is a
    :func:`quality` result already at hand (it is computed otherwise).

    Examples
    --------
    >>> s = core_summary()
    >>> s["rows_strong"] <= s["rows"] and 0 <= s["share_strong"] <= 1
    True
    """
    q = quality(data_dir=data_dir) if table is None else table
    core = q[q["core"]]
    rows, strong = int(core["rows"].sum()), int(core["rows_strong"].sum())
    original = int(core["rows_strong_original"].sum())
    return {"rows": rows, "rows_strong": strong, "share_strong": strong / rows if rows else float("nan"),
            "rows_mirror_blog_only": int(core["rows_mirror_blog_only"].sum()),
            "rows_strong_original": original,
            "share_strong_original": original / rows if rows else float("nan")}


def source_kinds(*, data_dir=None) -> pd.DataFrame:
    """How many sources of each kind there are, and how many of them show a date.

    Columns: ``kind``, ``sources``, ``dated`` (a ``published`` date is recorded),
    ``strong`` (the kind is in :data:`STRONG_KINDS`), most numerous kind first.

    Examples
    --------
    >>> k = source_kinds()
    >>> int(k["sources"].sum()) == len(__import__("clvlib").load_sources())
    True
    >>> bool((k["dated"] <= k["sources"]).all())
    True
    """
    from clvlib.data import load_sources

    sources = load_sources(data_dir=data_dir)
    kind = sources["kind"].astype(str)
    dated = sources["published"].notna() & (sources["published"].astype(str).str.strip() != "")
    out = pd.DataFrame({"kind": kind, "dated": dated}).groupby("kind", observed=True).agg(
        sources=("dated", "size"), dated=("dated", "sum")).reset_index()
    out["dated"] = out["dated"].astype(int)
    out["strong"] = out["kind"].isin(STRONG_KINDS)
    return out.sort_values(["sources", "kind"], ascending=[False, True]).reset_index(drop=True)
