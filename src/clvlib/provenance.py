"""Which sources a frame's rows come from, and which sources a notebook actually used.

Two things live here.

**Row provenance.** :func:`clvlib.load` returns a :class:`SourcedFrame`: a
``pandas.DataFrame`` that remembers, for each row, the source ids of the table rows
it came from. pandas calls ``__finalize__`` after every operation, and the frame
uses it to carry that record along: row selections (masks, ``query``, ``head``,
``loc``), column subsets (``trade[mask][["value", "unit"]]``), sorting and
``reset_index``, ``pd.concat`` (rows in order), ``merge`` (the rows of every input)
and group-by aggregates (each group's rows when the group keys are columns of the
grouped frame; otherwise every row of the grouped frame). Columns taken out of a
frame (a :class:`SourcedSeries`) carry it too. Where the record cannot follow (rows
added by hand, an operation that rebuilds the index from values, a frame rebuilt
from scratch), it is marked lost and :func:`row_sources` raises
:class:`ProvenanceLostError`, which says how to keep it.

**Sources used.** A process-wide record of source ids that were *used* (shown,
drawn, cited), as opposed to every source of every table loaded. Figure helpers
call :func:`mark_used`; showing a :class:`SourcedFrame` (its HTML or text
representation) and :func:`clvlib.cite` mark its rows' sources;
:func:`clvlib.sources_used` lists them.

Examples
--------
>>> reset()
>>> mark_used(["a_source", "b_source"])
>>> sorted(used())
['a_source', 'b_source']
>>> reset(); used()
set()
>>> f = track(pd.DataFrame({"x": [1, 2, 3]}), [("a",), ("b",), ("a", "c")])
>>> sorted(row_sources(f[f["x"] > 1][["x"]]))
['a', 'b', 'c']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from clvlib.errors import ClvlibError
from clvlib.values import split_list

_USED: set[str] = set()
_LOST = "lost"
_HOW = ("keep a column with the sources (e.g. 'source_ids') in the frame, aggregate it with "
        "clvlib.provenance.join_ids (groupby(...).agg(..., source_ids=('source_ids', "
        "clvlib.provenance.join_ids))), or cite the frame you started from, e.g. clvlib.cite(trade[mask])")


class ProvenanceLostError(ClvlibError, ValueError):
    """The kit cannot tell which table rows a frame came from, so it will not guess a citation."""


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


def source_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a frame that hold source ids (``source_ids``, ``date_source_ids``, ``source_ids_x``…).

    Examples
    --------
    >>> source_columns(pd.DataFrame(columns=["value", "source_ids", "source_ids_y"]))
    ['source_ids', 'source_ids_y']
    """
    return [c for c in frame.columns if "source_ids" in str(c)]


def source_ids(frame: pd.DataFrame) -> list[str]:
    """The source ids cited by the rows of a frame, sorted (empty when the frame cannot tell).

    Uses the rows' recorded provenance (a frame from :func:`clvlib.load` and anything
    derived from it), else the frame's source-id columns (``;``-separated lists). Unlike
    :func:`row_sources` it never raises: figure helpers use it to credit what they drew.

    Examples
    --------
    >>> f = pd.DataFrame({"source_ids": ["a;b", "b", None]})
    >>> source_ids(f)
    ['a', 'b']
    """
    try:
        return sorted(row_sources(frame))
    except ProvenanceLostError:
        return []


def join_ids(values: Iterable[object]) -> str:
    """Aggregate ``;``-separated source-id cells into one (for ``groupby(...).agg``).

    Examples
    --------
    >>> join_ids(["b;a", "a", None])
    'a;b'
    """
    ids: set[str] = set()
    for cell in values:
        ids.update(split_list(cell))
    return ";".join(sorted(ids))


# --------------------------------------------------------------------------- row provenance


def _rows(obj: Any) -> np.ndarray | str | None:
    """The per-row record of ``obj`` (an object array of frozensets), ``_LOST`` or ``None`` (untracked)."""
    rows = getattr(obj, "_clvlib_rows", None)
    if rows is None or isinstance(rows, str):
        return rows
    if len(rows) != len(obj):  # rows added or dropped in place, behind pandas' back
        return _LOST
    return rows


def _union(rows: np.ndarray) -> frozenset:
    out: set[str] = set()
    for ids in rows:
        out |= ids
    return frozenset(out)


def _filled(n: int, ids: frozenset) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = ids
    return out


def _by_label(self: Any, other: Any, rows: np.ndarray) -> np.ndarray | str:
    """Rows of ``self`` looked up by index label among the rows of ``other``."""
    if self.index.equals(other.index):
        return rows
    if other.index.is_unique:
        pos = other.index.get_indexer(self.index)
        if (pos < 0).any():
            return _LOST
        return rows[pos]
    groups: dict[Any, set[str]] = {}
    for label, ids in zip(other.index, rows, strict=True):
        groups.setdefault(label, set()).update(ids)
    if any(label not in groups for label in self.index):
        return _LOST
    out = np.empty(len(self), dtype=object)
    for i, label in enumerate(self.index):
        out[i] = frozenset(groups[label])
    return out


def _by_group(self: Any, other: Any, rows: np.ndarray) -> np.ndarray:
    """Rows of an aggregate: each group's own rows when the grouping is known, else all rows.

    ``other`` is the grouped frame (or column); the ``GroupBy`` that made the aggregate
    was kept on it by :meth:`SourcedFrame.groupby`, with each row's group code.
    """
    grouped = getattr(other, "_clvlib_groups", None)
    try:
        if grouped is not None and grouped.obj.index.equals(other.index):
            codes = np.asarray(grouped._grouper.ids)
            keys = grouped._grouper.result_index
            pos = keys.get_indexer(self.index) if keys.is_unique else np.array([-1])
            if len(codes) == len(other) and (pos >= 0).all():
                groups: list[set[str]] = [set() for _ in range(len(keys))]
                for code, ids in zip(codes, rows, strict=True):
                    if code >= 0:
                        groups[code] |= ids
                out = np.empty(len(self), dtype=object)
                for i, p in enumerate(pos):
                    out[i] = frozenset(groups[p])
                return out
    except (AttributeError, TypeError, ValueError):  # another pandas: cite every row grouped
        pass
    return _filled(len(self), _union(rows))


def _derive(self: Any, other: Any, method: str | None) -> np.ndarray | str | None:
    inputs = getattr(other, "input_objs", None)
    if inputs is not None:  # concat and merge
        parts = [_rows(o) for o in inputs]
        if any(isinstance(p, str) for p in parts):
            return _LOST
        known = [p for p in parts if p is not None]
        if not known:
            return None
        if (method == "concat" and len(known) == len(parts)
                and sum(len(p) for p in known) == len(self)):
            return np.concatenate(known) if known else np.empty(0, dtype=object)
        return _filled(len(self), _union(np.concatenate(known)))
    if not isinstance(other, (pd.DataFrame, pd.Series)):
        return None
    rows = _rows(other)
    if rows is None or isinstance(rows, str):
        return rows
    if method in ("groupby", "pivot_table"):
        return _by_group(self, other, rows)
    return _by_label(self, other, rows)


def _finalize(self: Any, other: Any, method: str | None) -> None:
    try:
        rows = _derive(self, other, method)
    except Exception:  # never break a pandas operation: the record is only lost
        rows = _LOST
    object.__setattr__(self, "_clvlib_rows", rows)


def _mark_shown(obj: Any) -> None:
    rows = _rows(obj)
    if rows is not None and not isinstance(rows, str):
        mark_used(_union(rows))


def _from_columns(frame: Any, columns: list[Any]) -> None:
    """Give a frame built from tracked columns (same rows) the union of their records."""
    records = []
    for col in columns:
        rows = _rows(col) if isinstance(col, pd.Series) else None
        if isinstance(rows, str):
            object.__setattr__(frame, "_clvlib_rows", _LOST)
            return
        if rows is not None:
            if not col.index.equals(frame.index):
                object.__setattr__(frame, "_clvlib_rows", _LOST)
                return
            records.append(rows)
    if records:
        out = np.empty(len(frame), dtype=object)
        for i in range(len(frame)):
            out[i] = frozenset().union(*(r[i] for r in records))
        object.__setattr__(frame, "_clvlib_rows", out)


class _Sourced:
    """What :class:`SourcedSeries` and :class:`SourcedFrame` share: provenance through pandas'
    ``__finalize__``, remembered group-bys, and marking rows used when shown."""

    def __finalize__(self, other, method=None, **kwargs):
        super().__finalize__(other, method=method, **kwargs)
        _finalize(self, other, method)
        return self

    def groupby(self, *args, **kwargs):
        """``groupby`` of pandas, remembered so that aggregates cite each group's rows."""
        grouped = super().groupby(*args, **kwargs)
        object.__setattr__(self, "_clvlib_groups", grouped)
        return grouped

    def __repr__(self) -> str:
        _mark_shown(self)
        return super().__repr__()


class SourcedSeries(_Sourced, pd.Series):
    """A column of a :class:`SourcedFrame` (or an aggregate of one): a Series that knows its rows' sources."""

    _metadata = [*pd.Series._metadata, "_clvlib_rows", "_clvlib_groups"]  # keep pandas' own (the name)
    _clvlib_rows = None
    _clvlib_groups = None

    # pandas builds results from block managers; build ours directly (no round trip through __init__)
    def _constructor_from_mgr(self, mgr, axes):
        ser = SourcedSeries._from_mgr(mgr, axes=axes)
        object.__setattr__(ser, "_name", None)
        return ser

    def _constructor_expanddim_from_mgr(self, mgr, axes):
        return SourcedFrame._from_mgr(mgr, axes=mgr.axes)

    @property
    def _constructor(self):
        return SourcedSeries

    @property
    def _constructor_expanddim(self):
        return SourcedFrame



class SourcedFrame(_Sourced, pd.DataFrame):
    """A DataFrame that knows which sources each of its rows comes from (see the module notes).

    Showing it (in Jupyter, or ``print``) marks its rows' sources as used.

    Examples
    --------
    >>> f = track(pd.DataFrame({"g": ["a", "a", "b"], "v": [1, 2, 3]}), [("s1",), ("s2",), ("s3",)])
    >>> agg = f.groupby("g")["v"].sum()
    >>> sorted(row_sources(agg))
    ['s1', 's2', 's3']
    >>> sorted(row_sources(f.groupby("g").sum().loc[["b"]]))  # each group keeps its own rows
    ['s3']
    """

    _metadata = [*pd.DataFrame._metadata, "_clvlib_rows", "_clvlib_groups"]
    _clvlib_rows = None
    _clvlib_groups = None

    def _constructor_from_mgr(self, mgr, axes):
        return SourcedFrame._from_mgr(mgr, axes=axes)

    def _constructor_sliced_from_mgr(self, mgr, axes):
        ser = SourcedSeries._from_mgr(mgr, axes)
        object.__setattr__(ser, "_name", None)
        return ser

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if isinstance(data, dict) and data:  # built from columns (as pandas does for named aggregates)
            _from_columns(self, list(data.values()))

    @property
    def _constructor(self):
        return SourcedFrame

    @property
    def _constructor_sliced(self):
        return SourcedSeries


    def _repr_html_(self) -> str | None:
        _mark_shown(self)
        return super()._repr_html_()


def track(frame: pd.DataFrame, rows: Sequence[Iterable[str]]) -> SourcedFrame:
    """A :class:`SourcedFrame` of ``frame`` whose row ``i`` comes from the sources ``rows[i]``.

    Examples
    --------
    >>> f = track(pd.DataFrame({"x": [1]}), [["a", "b"]])
    >>> type(f).__name__, sorted(row_sources(f))
    ('SourcedFrame', ['a', 'b'])
    """
    if len(rows) != len(frame):
        raise ValueError(f"{len(rows)} provenance records for {len(frame)} rows")
    out = SourcedFrame(frame)
    out.attrs.update(frame.attrs)
    if isinstance(rows, np.ndarray) and rows.dtype == object:  # a ready record (frozensets)
        record = rows.copy()
    else:
        record = np.empty(len(frame), dtype=object)
        for i, ids in enumerate(rows):
            record[i] = frozenset(ids)
    object.__setattr__(out, "_clvlib_rows", record)
    return out


def row_sources(frame: pd.DataFrame | pd.Series) -> set[str]:
    """Every source id behind the rows of ``frame``; refuses when that cannot be known.

    The union of the frame's recorded provenance (if it has one) and of its source-id
    columns (if any). Raises :class:`ProvenanceLostError` (saying how to keep the record)
    when neither is there.

    Examples
    --------
    >>> sorted(row_sources(pd.DataFrame({"source_ids": ["a;b", None]})))
    ['a', 'b']
    >>> row_sources(pd.DataFrame({"value": [1.0]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clvlib.provenance.ProvenanceLostError: this frame has no record of the table rows ...
    """
    rows = _rows(frame)
    tracked = rows is not None and not isinstance(rows, str)
    ids: set[str] = set(_union(rows)) if tracked else set()
    columns = source_columns(frame) if isinstance(frame, pd.DataFrame) else []
    for col in columns:  # a merged-in frame of one's own may bring its sources in a column
        for cell in frame[col]:
            ids.update(split_list(cell))
    if isinstance(frame, pd.Series) and "source_ids" in str(frame.name):
        return ids | set(split_list(join_ids(frame)))
    if tracked or columns:
        return ids
    if rows == _LOST:
        raise ProvenanceLostError(
            "the kit cannot tell which table rows this frame came from (an operation rebuilt its "
            f"rows, or rows were added by hand); {_HOW}")
    raise ProvenanceLostError(
        f"this frame has no record of the table rows it came from and no source-id column; {_HOW}")
