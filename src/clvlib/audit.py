"""Random samples of rows, for checking the data against its sources.

The project's audits draw rows at random and have each one checked against the pages
it cites. :func:`sample` draws such a sample reproducibly: the same seed, on the same
data, gives the same rows, so an audit reported with its seed can be drawn again.

Examples
--------
>>> s = sample(5, seed=1)
>>> list(s.columns), len(s)
(['table', 'key', 'source_ids'], 5)
"""

from __future__ import annotations

import random

import pandas as pd

from clvlib.errors import ClvlibError
from clvlib.evidence import CORE_TABLES

NOT_SAMPLED = ("sources", "glossary", "claims", "eras")
"""Tables left out of the samples: the bibliography itself, and the kit's own text
(definitions, the reference articles' claims, the named eras)."""


def population(*, core: bool = False, data_dir=None) -> list[tuple[str, str, str]]:
    """Every row that cites at least one source, as ``(table, key, source_ids)``.

    Tables come in the order of ``datapackage.json``, rows in file order; the key is the
    primary key joined with ``|``, ``source_ids`` every id the row cites, ``;``-separated
    (both as :func:`clvlib.evidence.row_support` gives them).

    Parameters
    ----------
    core : bool
        Only the core tables (:data:`clvlib.evidence.CORE_TABLES`).
    data_dir : path, optional
        Another data folder.

    Examples
    --------
    >>> rows = population(core=True)
    >>> {table for table, _, _ in rows} <= {"events", "trade", "investment", "instruments",
    ...                                     "project_facts"}
    True
    """
    from clvlib.data import _catalog
    from clvlib.evidence import row_support

    out: list[tuple[str, str, str]] = []
    for name in _catalog(data_dir).names:
        if name in NOT_SAMPLED or (core and name not in CORE_TABLES):
            continue
        support = row_support(name, data_dir=data_dir)
        out += [(name, key, ids) for key, ids in zip(support["key"], support["source_ids"], strict=True)
                if ids]
    return out


def sample(n: int = 40, *, seed: int, core: bool = False, data_dir=None) -> pd.DataFrame:
    """``n`` rows drawn at random (``random.Random(seed).sample``) from :func:`population`.

    Parameters
    ----------
    n : int
        How many rows.
    seed : int
        The seed; report it with the audit so that the sample can be drawn again.
    core : bool
        Only the core tables.
    data_dir : path, optional
        Another data folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``key`` and ``source_ids``, in the order drawn.

    Raises
    ------
    ClvlibError
        If ``n`` is not between 1 and the number of rows that can be drawn.

    Examples
    --------
    >>> sample(3, seed=7).equals(sample(3, seed=7))
    True
    """
    rows = population(core=core, data_dir=data_dir)
    if not 1 <= n <= len(rows):
        raise ClvlibError(f"a sample of {n} rows: give a number from 1 to {len(rows)}, "
                          f"the rows that cite a source{' in the core tables' if core else ''}")
    drawn = random.Random(seed).sample(rows, n)
    return pd.DataFrame(drawn, columns=["table", "key", "source_ids"])
