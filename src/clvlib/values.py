"""Cell values of the data tables: lists, partial dates, ISO codes, declared types.

The parsing and checking of one column at a time, with no knowledge of files or
tables; :mod:`clvlib.catalog` applies these to every table of the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from clvlib.errors import Problem

LIST_SEPARATOR = ";"
PRECISIONS = {4: "year", 7: "month", 10: "day"}
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


def split_list(value: str | None) -> list[str]:
    """Split a ``;``-separated cell into its stripped, non-empty items.

    Examples
    --------
    >>> split_list("a; b;;c")
    ['a', 'b', 'c']
    >>> split_list(None)
    []
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [item.strip() for item in str(value).split(LIST_SEPARATOR) if item.strip()]


def partial_date_problem(text: str, precision: str | None = None) -> str | None:
    """Say what is wrong with a partial date, or return ``None`` when it is fine.

    Parameters
    ----------
    text : str
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    precision : str, optional
        ``"year"``, ``"month"`` or ``"day"``: the precision the row claims.

    Examples
    --------
    >>> partial_date_problem("2024-09-20", "day") is None
    True
    >>> partial_date_problem("2023-02-29")
    'no such date on the calendar'
    >>> partial_date_problem("1999", "day")
    "written at year precision but the row says 'day'"
    """
    if not _PARTIAL_DATE.fullmatch(text):
        return "not a date written as YYYY, YYYY-MM or YYYY-MM-DD"
    fmt = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}[len(text)]
    try:
        pd.to_datetime(text, format=fmt)
    except (ValueError, OverflowError):
        return "no such date on the calendar"
    written = PRECISIONS[len(text)]
    if precision is not None and precision != written:
        return f"written at {written} precision but the row says {precision!r}"
    return None


def partial_date_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day a valid partial date covers (check it with :func:`partial_date_problem`).

    Examples
    --------
    >>> [str(d.date()) for d in partial_date_bounds("2024-02")]
    ['2024-02-01', '2024-02-29']
    """
    if len(text) == 10:
        day = pd.Timestamp(text)
        return day, day
    period = pd.Period(text, freq="Y" if len(text) == 4 else "M")
    return period.start_time.normalize(), period.end_time.normalize()


def iso_known(kind: str) -> Callable[[str], bool]:
    import pycountry  # deferred: only tables with ISO columns pay for it

    if kind == "country":
        return lambda code: pycountry.countries.get(alpha_3=code) is not None
    if kind == "subdivision":
        return lambda code: pycountry.subdivisions.get(code=code) is not None
    raise ValueError(f"unknown ISO kind {kind!r} in the descriptor (use 'country' or 'subdivision')")



_INT64 = (-(2**63), 2**63 - 1)


def convert(col: pd.Series, fdesc: dict) -> tuple[pd.Series, pd.Series, dict[Any, str]]:
    """Convert raw strings to the declared type; return (typed, mask of bad cells, reasons)."""
    kind = fdesc.get("type", "string")
    present = col.notna()
    text = col.where(present, "").astype(str)
    why: dict[Any, str] = {}
    if kind in ("integer", "year"):
        ok = text.str.fullmatch(_INTEGER.pattern) & present
        values: list[int | None] = []
        for idx, cell, good in zip(col.index, text, ok, strict=True):
            number = int(cell) if good else None
            if number is not None and not _INT64[0] <= number <= _INT64[1]:
                why[idx] = "an integer too large for a 64-bit integer column"
                ok[idx] = False
                number = None
            values.append(number)
        bad = present & ~ok
        typed = pd.Series(pd.array(values, dtype="Int64"), index=col.index)
    elif kind == "number":
        ok = text.str.fullmatch(_NUMBER.pattern) & present
        typed = pd.to_numeric(text.where(ok, None), errors="coerce").astype("Float64")
        infinite = ok & typed.isin([float("inf"), float("-inf")]).fillna(False).astype(bool)
        for idx in col.index[infinite]:
            why[idx] = "a number too large to represent (it would load as infinity)"
        typed[infinite] = pd.NA
        bad = present & (~ok | infinite)
    elif kind == "boolean":
        ok = text.isin(_TRUE | _FALSE)
        bad = present & ~ok
        typed = pd.Series(pd.NA, index=col.index, dtype="boolean")
        typed[present & text.isin(_TRUE)] = True
        typed[present & text.isin(_FALSE)] = False
    elif kind == "date":
        typed = pd.to_datetime(text.where(present, None), format="%Y-%m-%d", errors="coerce")
        bad = present & typed.isna()
    else:
        bad = pd.Series(False, index=col.index)
        if fdesc.get("clv", {}).get("category"):
            typed = col.astype("category")
        else:
            typed = col.astype("string")
    return typed, bad, why


def constraint_problems(file: str, fdesc: dict, col: pd.Series, typed: pd.Series,
                         bad: pd.Series) -> list[Problem]:
    cons = fdesc.get("constraints", {})
    name = fdesc["name"]
    problems: list[Problem] = []

    def add(idx: Any, code: str, msg: str) -> None:
        problems.append(Problem(file, int(idx), name, col[idx], code, msg))

    if cons.get("required"):
        for idx in col.index[col.isna()]:
            add(idx, "missing-value", "a value is required")
    good = col.notna() & ~bad
    if "enum" in cons:
        allowed = {str(v) for v in cons["enum"]}
        for idx in col.index[good & ~col.astype(str).isin(allowed)]:
            add(idx, "constraint-enum", f"not one of {sorted(allowed)}")
    if "pattern" in cons:
        matches = col[good].astype(str).str.fullmatch(cons["pattern"])
        for idx in matches.index[~matches]:
            add(idx, "constraint-pattern", f"does not match the pattern {cons['pattern']!r}")
    for key, op in (("minimum", "lt"), ("maximum", "gt")):
        if key in cons and fdesc.get("type") in ("integer", "number", "year"):
            limit = cons[key]
            outside = getattr(typed[good], op)(limit)
            for idx in outside.index[outside.fillna(False).astype(bool)]:
                add(idx, f"constraint-{key}", f"{key} is {limit}")
    if cons.get("unique"):
        dup = col[col.notna()].duplicated(keep="first")
        for idx in dup.index[dup]:
            add(idx, "constraint-unique", "value already used by an earlier row")
    return problems
