"""Units of the money figures in ``trade`` and ``investment``: one conversion to US dollars.

:func:`usd_values` is the single place where a stated unit becomes dollars; both
:func:`clvlib.econ.to_usd` and the loaders' ``value_usd`` column use it.

Examples
--------
>>> usd_values(pd.Series([2.94, 450.0]), pd.Series(["USD billion", "USD million"])).tolist()
[2940000000.0, 450000000.0]
"""

from __future__ import annotations

import pandas as pd

from clvlib.errors import ClvlibError

UNITS = {"USD": 1.0, "USD thousand": 1e3, "USD million": 1e6, "USD billion": 1e9}
"""Multipliers from each stated unit to US dollars."""


class UnitError(ClvlibError, ValueError):
    """Values in different or unknown units would be combined."""


def usd_values(value: pd.Series, unit: pd.Series, *, strict: bool = True) -> pd.Series:
    """``value`` in US dollars, from its stated ``unit``.

    Parameters
    ----------
    value, unit : pandas.Series
        Figures as the sources state them and their units.
    strict : bool
        Raise :class:`UnitError` on a unit that is not a dollar amount (default);
        with ``False`` such rows (counts of projects, …) get a missing value.

    Examples
    --------
    >>> usd_values(pd.Series([3.0, 182.0]), pd.Series(["USD billion", "projects"]), strict=False).tolist()
    [3000000000.0, nan]
    """
    units = unit.astype(str)
    unknown = sorted(set(units) - set(UNITS))
    if unknown and strict:
        raise UnitError(f"unknown unit(s) {unknown}; known: {sorted(UNITS)}")
    factor = units.map(UNITS).astype(float)
    return pd.Series(value.astype(float).to_numpy() * factor.to_numpy(), index=value.index, name="value_usd")
