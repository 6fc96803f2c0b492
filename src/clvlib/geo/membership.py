"""Membership of the triangle over time, and carrying province data across Vietnam's 2025 merger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from clvlib.errors import ClvlibError
from clvlib.values import partial_date_bounds, partial_date_problem

# ----------------------------------------------------------------------------- membership


def _check_date(on: str) -> None:
    problem = partial_date_problem(on)
    if problem:
        raise ValueError(f"{on!r}: {problem}")


def members(on: str, version: str | None = None, *, membership: pd.DataFrame | None = None,
            data_dir: Path | str | None = None) -> pd.DataFrame:
    """The provinces in the triangle on a date, according to one version of the record.

    Parameters
    ----------
    on : str
        A date (``YYYY-MM-DD``; a year or month is read as its last day).
    version : str, optional
        Which account of membership (see ``load("membership")["version"]``);
        default: the table's default version.
    membership : pandas.DataFrame, optional
        The table to use (default: ``load("membership")``).

    Returns
    -------
    pandas.DataFrame
        The membership rows in force: ``province_code``, ``joined``, ``left``,
        ``status`` ("member", or "uncertain" while the sources leave the joining
        date open), sorted by code.

    Examples
    --------
    >>> len(members("2010-01-01"))
    13
    >>> len(members("2024-09-21"))
    9
    """
    from clvlib.data import load

    _check_date(on)
    day = partial_date_bounds(on)[1]
    table = membership if membership is not None else load("membership", data_dir=data_dir)
    versions = list(dict.fromkeys(table["version"]))
    if version is None:
        defaults = table.loc[table["default_version"].astype(bool), "version"]
        version = str(defaults.iloc[0]) if len(defaults) else versions[0]
    if version not in versions:
        raise KeyError(f"no membership version {version!r}; the versions are: {', '.join(versions)}")
    rows = table[table["version"] == version].copy()

    def start(text: Any) -> pd.Timestamp:
        return pd.NaT if pd.isna(text) else partial_date_bounds(str(text))[0]

    def end(text: Any) -> pd.Timestamp:
        return pd.NaT if pd.isna(text) else partial_date_bounds(str(text))[1]

    joined = rows["joined"].map(start)
    # a member for certain from the end of joined_by (when the sources only bound the date)
    certain = [end(by) if pd.notna(by) else j for by, j in zip(rows["joined_by"], joined, strict=True)]
    left = rows["left"].map(start)
    active = (joined <= day) & (left.isna() | (day < left))
    out = rows[active.to_numpy()].copy()
    out["status"] = ["member" if c <= day else "uncertain"
                     for c, a in zip(certain, active, strict=True) if a]
    return out.sort_values("province_code").reset_index(drop=True)


# ----------------------------------------------------------------------------- the 2025 merger


class CrosswalkError(ClvlibError):
    """Codes with no row in the 2025 crosswalk, or measures that cannot be summed."""


def reaggregate(table: pd.DataFrame, values: list[str], *, code: str = "province_code",
                crosswalk: pd.DataFrame | None = None,
                data_dir: Path | str | None = None) -> pd.DataFrame:
    """Sum a province-level table into Vietnam's merged provinces of 1 July 2025.

    Only additive measures (counts, areas) may be summed; pass their columns in
    ``values``. Every code must be in the crosswalk, else :class:`CrosswalkError`
    lists the missing ones (nothing is silently dropped).

    Returns
    -------
    pandas.DataFrame
        One row per merged province: ``new_province``, ``old_codes`` (';'-joined),
        ``complete`` (all of the merged province's former parts were in the input)
        and the summed ``values``.

    Examples
    --------
    >>> cw = pd.DataFrame({"old_code": ["VN-28", "VN-29"], "new_province": ["Quảng Ngãi"] * 2})
    >>> t = pd.DataFrame({"province_code": ["VN-28", "VN-29"], "area_km2": [9677.3, 5155.25]})
    >>> reaggregate(t, ["area_km2"], crosswalk=cw)[["new_province", "area_km2", "complete"]].values.tolist()
    [['Quảng Ngãi', 14832.55, True]]
    """
    from clvlib.data import load

    cw = crosswalk if crosswalk is not None else load("crosswalk_2025", data_dir=data_dir)
    missing = sorted(set(table[code]) - set(cw["old_code"]))
    if missing:
        raise CrosswalkError(f"no crosswalk row for {missing}; add them to data/crosswalk_2025.csv "
                             "with a source, or filter them out first")
    for column in values:
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise CrosswalkError(f"column {column!r} is not numeric and cannot be summed")
    merged = table.merge(cw[["old_code", "new_province"]], left_on=code, right_on="old_code")
    grouped = merged.groupby("new_province", sort=True)
    out = grouped[values].sum(min_count=1).reset_index()
    out.insert(1, "old_codes", grouped[code].agg(lambda s: ";".join(sorted(s))).to_numpy())
    parts = {n: set(g) for n, g in cw.groupby("new_province", observed=True)["old_code"]}
    present = {n: set(g) for n, g in grouped[code]}
    out.insert(2, "complete", [present[n] >= parts[n] for n in out["new_province"]])
    return out


