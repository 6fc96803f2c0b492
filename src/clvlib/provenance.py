"""Which sources a notebook actually used: the rows it showed, drew or computed with.

This module is the meeting point of the figure helpers, the display of frames and
:func:`clvlib.sources_used`. It holds a process-wide record of source ids that were
*used* (shown, drawn, cited), as opposed to every source of every table loaded.

Examples
--------
>>> reset()
>>> mark_used(["a_source", "b_source"])
>>> sorted(used())
['a_source', 'b_source']
>>> reset(); used()
set()
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

_USED: set[str] = set()


def mark_used(ids: Iterable[str]) -> None:
    """Record source ids as used by the running notebook or script.

    Examples
    --------
    >>> reset(); mark_used(["x"]); "x" in used()
    True
    """
    _USED.update(str(i) for i in ids if i)


def used() -> set[str]:
    """The source ids recorded so far (a copy).

    Examples
    --------
    >>> reset(); used()
    set()
    """
    return set(_USED)


def reset() -> None:
    """Forget every recorded source id.

    Examples
    --------
    >>> mark_used(["y"]); reset(); used()
    set()
    """
    _USED.clear()


def source_ids(frame: pd.DataFrame) -> list[str]:
    """The source ids cited by the rows of a frame from :func:`clvlib.load`, sorted.

    Reads the frame's source-id columns (``source_ids`` and any column whose name
    ends in ``source_ids``), ``;``-separated lists.

    Examples
    --------
    >>> f = pd.DataFrame({"source_ids": ["a;b", "b", None]})
    >>> source_ids(f)
    ['a', 'b']
    """
    from clvlib.catalog import split_list

    ids: set[str] = set()
    for col in frame.columns:
        if str(col).endswith("source_ids"):
            for cell in frame[col]:
                if isinstance(cell, str):
                    ids.update(split_list(cell))
    return sorted(ids)
