"""Evidence quality: how much of each table rests on official, statistical or news sources.

Placeholder contract (to be replaced by the data pass): :func:`quality` returns one
row per table.

Examples
--------
>>> q = quality()
>>> {"table", "rows", "rows_strong", "share_strong"} <= set(q.columns)
True
"""

from __future__ import annotations

import pandas as pd


def quality(*, data_dir=None) -> pd.DataFrame:
    """One row per table: rows, rows backed by an official/statistics/news source, share.

    Examples
    --------
    >>> "events" in set(quality()["table"])
    True
    """
    from clvlib.data import _catalog, datasets

    cat = _catalog(data_dir)
    rows = []
    for name in datasets(data_dir=data_dir)["name"]:
        n = len(cat.read(name))
        rows.append({"table": name, "rows": n, "rows_strong": pd.NA, "share_strong": pd.NA})
    return pd.DataFrame(rows)
