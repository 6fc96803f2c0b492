"""Economic indicators on the ``trade`` and ``investment`` tables, with honest refusals.

Figures are stored as their sources state them (``value`` and ``unit``), over a
period (``period_start`` to ``period_end``, partial dates), from one side's
statistics (``reporter``; a figure is *mirror* data when the reporter is the
partner). The helpers convert units, pick one report among several with a
documented preference, compute growth, shares, a concentration index and the
gap between two sides' statistics, and refuse inputs that would give a wrong
answer silently: mixed or unknown units, partial years mixed with full years,
overlapping periods, duplicate reports.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clvlib.errors import ClvlibError
from clvlib.units import UNITS, UnitError, usd_values  # noqa: F401 (re-exported here)
from clvlib.values import partial_date_bounds, split_list

BASIS_PREFERENCE = ("reporter", "mirror")
"""A country's own statistics first, then its partners' (mirror) figures."""

KIND_PREFERENCE = ("statistics", "official", "dataset", "news_agency", "newspaper", "broadcaster",
                   "academic", "legal_text", "archive", "encyclopedia", "ngo", "aggregator", "mirror",
                   "blog", "travel", "other")
"""Source kinds in the order :func:`pick_one` prefers them."""

KEY = ["country", "partner", "flow", "period_start", "period_end"]


class PeriodError(ClvlibError, ValueError):
    """Periods that cannot be compared or summed (partial years, overlaps)."""


class DuplicateReportError(ClvlibError, ValueError):
    """Several reports of the same flow where one was expected: pick one first."""


def to_usd(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``value_usd``: ``value`` converted from its stated ``unit`` to US dollars.

    Examples
    --------
    >>> t = pd.DataFrame({"value": [2.94, 450.0], "unit": ["USD billion", "USD million"]})
    >>> to_usd(t)["value_usd"].tolist()
    [2940000000.0, 450000000.0]
    """
    out = frame.copy()
    out["value_usd"] = usd_values(out["value"], out["unit"])
    return out


def period_months(start: str, end: str) -> int:
    """How many calendar months a period covers.

    Examples
    --------
    >>> period_months("2023", "2023"), period_months("2024-01", "2024-11")
    (12, 11)
    """
    first, last = partial_date_bounds(str(start))[0], partial_date_bounds(str(end))[1]
    return (last.year - first.year) * 12 + last.month - first.month + 1


def full_years(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the rows that cover exactly one calendar year; adds a ``year`` column.

    Examples
    --------
    >>> t = pd.DataFrame({"period_start": ["2023", "2024-01"], "period_end": ["2023", "2024-11"]})
    >>> full_years(t)["year"].tolist()
    [2023]
    """
    starts = frame["period_start"].astype(str)
    ends = frame["period_end"].astype(str)
    whole = [period_months(s, e) == 12 and partial_date_bounds(s)[0].month == 1
             for s, e in zip(starts, ends, strict=True)]
    out = frame[whole].copy()
    out["year"] = [partial_date_bounds(s)[0].year for s in out["period_start"].astype(str)]
    return out


def significant_digits(value: float) -> int:
    """How many significant digits a figure is written with (trailing zeros do not count).

    Examples
    --------
    >>> significant_digits(17), significant_digits(17.21537), significant_digits(0.659)
    (2, 7, 3)
    """
    text = repr(abs(float(value))).split("e")[0].replace(".", "").strip("0")
    return max(len(text), 1)


def pick_one(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """One report per flow and period, by a documented preference, with the spread.

    Preference: the country's own statistics over mirror figures
    (:data:`BASIS_PREFERENCE`), then a final figure over one marked ``preliminary``
    (given before the period had ended, or called preliminary by its source), then
    the source kind (:data:`KIND_PREFERENCE`, first source of the row), then the
    more exact figure (more significant digits: a rounded "17 billion" gives way to
    17.21537 billion), then the row's order in the table. Adds ``reports`` (how
    many reports there were) and ``low``/``high`` (their range in US dollars).

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["KHM"] * 2, "partner": ["VNM"] * 2, "flow": ["total"] * 2,
    ...     "period_start": ["2023"] * 2, "period_end": ["2023"] * 2, "reporter": ["VNM", "KHM"],
    ...     "value": [4.7, 4.5], "unit": ["USD billion"] * 2, "source_ids": ["a", "b"]})
    >>> one = pick_one(t)
    >>> one[["reporter", "reports", "low", "high"]].values.tolist()
    [['KHM', 2, 4500000000.0, 4700000000.0]]
    """
    data = to_usd(frame).reset_index(drop=True)
    data["_basis"] = [BASIS_PREFERENCE.index("reporter" if r == c else "mirror")
                      for r, c in zip(data["reporter"], data["country"], strict=True)]
    if sources is not None and "source_ids" in data:
        kinds = sources.set_index("source_id")["kind"].astype(str)
        rank = {kind: i for i, kind in enumerate(KIND_PREFERENCE)}
        data["_kind"] = [rank.get(kinds.get((split_list(s) or [""])[0], "other"), len(rank))
                         for s in data["source_ids"]]
    else:
        data["_kind"] = 0
    if "preliminary" in data:
        data["_prelim"] = data["preliminary"].fillna(False).astype(bool).astype(int)
    else:
        data["_prelim"] = 0
    data["_digits"] = [-significant_digits(v) for v in data["value"]]
    data["_row"] = range(len(data))
    grouped = data.groupby(KEY, sort=False, observed=True)["value_usd"]
    data["reports"] = grouped.transform("size")
    data["low"] = grouped.transform("min")
    data["high"] = grouped.transform("max")
    order = ["_basis", "_prelim", "_kind", "_digits", "_row"]
    best = data.sort_values(order).drop_duplicates(KEY, keep="first")
    return best.sort_values("_row").drop(columns=order).reset_index(drop=True)


_OTHER_FLOW = {"exports": "imports", "imports": "exports"}


def derive_flows(frame: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add the full-year flows that no row states but the same reporter's total implies.

    Where one reporter gives a full calendar year's two-way ``total`` with a partner
    and one of its flows but not the other, the other is the total minus the one
    (exports = total − imports, and the reverse). Each input is chosen by
    :func:`pick_one` first. A derived row is never added where any row of that
    flow exists, nor where the result would not be positive. Derived rows carry
    ``derived`` True, a ``trade_id`` naming their inputs (``"t041-t129"``), the
    value in US dollars (``value_usd``; ``unit`` "USD million"), both inputs'
    ``source_ids`` and a note; every other row gets ``derived`` False.

    Examples
    --------
    >>> t = pd.DataFrame({"trade_id": ["a1", "a2"], "country": ["KHM"] * 2,
    ...     "partner": ["USA"] * 2, "flow": ["total", "exports"], "period_start": ["2022"] * 2,
    ...     "period_end": ["2022"] * 2, "reporter": ["KHM"] * 2, "value": [9.281, 8.969],
    ...     "unit": ["USD billion"] * 2, "source_ids": ["s1", "s2"]})
    >>> d = derive_flows(t)
    >>> d.loc[d["derived"], ["trade_id", "flow", "value", "source_ids"]].values.tolist()
    [['a1-a2', 'imports', 312.0, 's1;s2']]
    """
    out = to_usd(frame).assign(derived=False)
    whole = full_years(out)
    if whole.empty:
        return out
    picked = full_years(pick_one(whole.drop(columns=["year"]), sources))
    stated = set(zip(whole["country"], whole["partner"], whole["flow"], whole["year"], strict=True))
    added = []
    for (country, partner, year), group in picked.groupby(["country", "partner", "year"],
                                                          observed=True, sort=False):
        by_flow = {row["flow"]: row for _, row in group.iterrows()}
        if "total" not in by_flow:
            continue
        for flow, other in _OTHER_FLOW.items():
            if (country, partner, flow, year) in stated or other not in by_flow:
                continue
            whole_row, part = by_flow["total"], by_flow[other]
            value = float(whole_row["value_usd"]) - float(part["value_usd"])
            if whole_row["reporter"] != part["reporter"] or value <= 0:
                continue
            ids = [str(r.get("trade_id", "?")) for r in (whole_row, part)]
            record = whole_row.drop(labels=["year", "reports", "low", "high"]).to_dict()
            record.update(trade_id="-".join(ids), flow=flow, value=round(value / 1e6, 6),
                          unit="USD million", value_usd=value, derived=True, preliminary=None,
                          source_ids=";".join(dict.fromkeys(
                              s for r in (whole_row, part) for s in split_list(r.get("source_ids")))),
                          notes=f"Derived: the two-way total ({ids[0]}) minus {other} ({ids[1]}).")
            added.append(record)
    if not added:
        return out
    return pd.concat([out, pd.DataFrame(added)], ignore_index=True)


def _check_one_per_key(frame: pd.DataFrame, key: list[str]) -> None:
    dup = frame.duplicated(subset=key, keep=False)
    if dup.any():
        first = frame.loc[dup, key].iloc[0].to_dict()
        raise DuplicateReportError(f"{int(dup.sum())} rows report the same flow (e.g. {first}); "
                                   "use pick_one() first, or look at the spread")


def growth(frame: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year growth (per cent) of one flow, on full calendar years only.

    Refuses partial-year rows (:class:`PeriodError`) and several reports of the
    same year (:class:`DuplicateReportError`). Years missing from the series give
    no growth figure rather than a growth over two years.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["KHM"] * 3, "partner": ["VNM"] * 3, "flow": ["total"] * 3,
    ...     "period_start": ["2021", "2022", "2024"], "period_end": ["2021", "2022", "2024"],
    ...     "reporter": ["VNM"] * 3, "value": [100.0, 110.0, 121.0], "unit": ["USD million"] * 3})
    >>> growth(t)[["year", "growth_pct"]].round(6).values.tolist()
    [[2021.0, nan], [2022.0, 10.0], [2024.0, nan]]
    """
    partial = [period_months(s, e) != 12 for s, e in zip(frame["period_start"], frame["period_end"],
                                                          strict=True)]
    if any(partial):
        raise PeriodError("growth() takes full calendar years only; partial-year rows: "
                          + ", ".join(f"{s}–{e}" for (s, e), p in zip(
                              zip(frame["period_start"], frame["period_end"], strict=True), partial,
                              strict=True) if p))
    if frame[["country", "partner", "flow"]].drop_duplicates().shape[0] > 1:
        raise ValueError("growth() takes one flow (one country, partner and flow) at a time")
    data = full_years(to_usd(frame))
    _check_one_per_key(data, ["year"])
    data = data.sort_values("year")
    previous = data["value_usd"].shift(1)
    consecutive = data["year"].diff() == 1
    data["growth_pct"] = ((data["value_usd"] / previous - 1) * 100).where(consecutive)
    return data.reset_index(drop=True)


def shares(frame: pd.DataFrame, total: float | None = None) -> pd.DataFrame:
    """Each partner's share of a country's flow in one period.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows for one country, one flow and one period, one row per partner.
    total : float, optional
        The country's total flow in US dollars (with all partners). Without it,
        shares are of the partners listed.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["KHM"] * 2, "partner": ["USA", "VNM"], "flow": ["exports"] * 2,
    ...     "period_start": ["2023"] * 2, "period_end": ["2023"] * 2, "reporter": ["KHM"] * 2,
    ...     "value": [3.0, 1.0], "unit": ["USD billion"] * 2})
    >>> shares(t)["share"].tolist()
    [0.75, 0.25]
    """
    key = ["country", "flow", "period_start", "period_end"]
    if frame[key].drop_duplicates().shape[0] != 1:
        raise PeriodError("shares() takes one country, flow and period at a time; "
                          f"got {frame[key].drop_duplicates().to_dict('records')}")
    _check_one_per_key(frame, ["partner"])
    data = to_usd(frame)
    denominator = total if total is not None else data["value_usd"].sum()
    if total is not None and data["value_usd"].sum() > total * 1.000001:
        raise ValueError("the partners add up to more than the total given")
    data["share"] = data["value_usd"] / denominator
    return data.sort_values("share", ascending=False).reset_index(drop=True)


def hhi(share: pd.Series) -> float:
    """Herfindahl–Hirschman index of concentration: the sum of squared shares (0 to 1).

    1 means a single partner; 1/n means n equal partners.

    Examples
    --------
    >>> hhi(pd.Series([0.5, 0.5]))
    0.5
    """
    values = pd.Series(share, dtype=float)
    if (values < 0).any() or values.sum() > 1.000001:
        raise ValueError("shares must be non-negative and add up to at most 1")
    return float((values**2).sum())


def _own_side(frame: pd.DataFrame, country: str, partner: str, flow: str,
              sources: pd.DataFrame | None, value_name: str, count_name: str) -> pd.DataFrame:
    """``country``'s own full-year reports of ``flow`` with ``partner``, one per year (:func:`pick_one`).

    Columns ``year``, ``value_name`` (US dollars) and ``count_name`` (how many reports there were).
    """
    part = frame[(frame["country"] == country) & (frame["partner"] == partner)
                 & (frame["flow"] == flow) & (frame["reporter"] == country)]
    part = full_years(pick_one(part, sources)) if len(part) else part.assign(year=[], value_usd=[],
                                                                              reports=[])
    return part[["year", "value_usd", "reports"]].rename(
        columns={"value_usd": value_name, "reports": count_name})


def mirror_gap(frame: pd.DataFrame, exporter: str, importer: str,
               sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare what the exporter reports selling with what the importer reports buying.

    For each full year with both figures: ``exports_reported`` (the exporter's
    statistics), ``imports_reported`` (the importer's), the ``gap_usd``
    (imports minus exports) and ``gap_pct`` (relative to the exports).
    Imports are usually valued CIF and exports FOB, so some gap is expected.
    Where a side has several reports of a year, one is taken by :func:`pick_one`
    (``sources`` lets it rank them by source kind); ``exports_n`` and ``imports_n``
    say how many there were.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["VNM", "KHM"], "partner": ["KHM", "VNM"],
    ...     "flow": ["exports", "imports"], "period_start": ["2023"] * 2, "period_end": ["2023"] * 2,
    ...     "reporter": ["VNM", "KHM"], "value": [3.0, 2.4], "unit": ["USD billion"] * 2})
    >>> mirror_gap(t, "VNM", "KHM")["gap_pct"].round(1).tolist()
    [-20.0]
    """
    out_side = _own_side(frame, exporter, importer, "exports", sources, "exports_reported", "exports_n")
    in_side = _own_side(frame, importer, exporter, "imports", sources, "imports_reported", "imports_n")
    merged = out_side.merge(in_side, on="year")
    merged["gap_usd"] = merged["imports_reported"] - merged["exports_reported"]
    merged["gap_pct"] = 100 * merged["gap_usd"] / merged["exports_reported"]
    return merged.sort_values("year").reset_index(drop=True)


def total(frame: pd.DataFrame) -> float:
    """Sum of values in US dollars, refusing overlapping periods or mixed period lengths.

    Examples
    --------
    >>> t = pd.DataFrame({"period_start": ["2022", "2023"], "period_end": ["2022", "2023"],
    ...     "value": [1.0, 2.0], "unit": ["USD billion"] * 2})
    >>> total(t)
    3000000000.0
    """
    lengths = {period_months(s, e) for s, e in zip(frame["period_start"], frame["period_end"],
                                                   strict=True)}
    if len(lengths) > 1:
        raise PeriodError(f"periods of different lengths ({sorted(lengths)} months) would be "
                          "summed as if they were alike")
    spans = sorted((partial_date_bounds(str(s))[0], partial_date_bounds(str(e))[1])
                   for s, e in zip(frame["period_start"], frame["period_end"], strict=True))
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        if s2 <= e1:
            raise PeriodError(f"overlapping periods: one ends {e1.date()}, the next starts {s2.date()}")
    return float(to_usd(frame)["value_usd"].sum())


def compare_sides(frame: pd.DataFrame, a: str, b: str, flow: str = "total",
                  sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each side's own figure for the same flow between two countries, year by year.

    For every full year: ``a`` as ``a`` reports its trade with ``b``, and ``b``
    as ``b`` reports its trade with ``a`` (one report each, chosen by
    :func:`pick_one`), their ratio and how many reports each side had.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["VNM", "KHM"], "partner": ["KHM", "VNM"], "flow": ["total"] * 2,
    ...     "period_start": ["2022"] * 2, "period_end": ["2022"] * 2, "reporter": ["VNM", "KHM"],
    ...     "value": [10.57, 6.136], "unit": ["USD billion"] * 2})
    >>> compare_sides(t, "VNM", "KHM")[["year", "ratio"]].round(2).values.tolist()
    [[2022.0, 1.72]]
    """
    sides = [_own_side(frame, country, partner, flow, sources, f"{country}_reports", f"{country}_n")
             for country, partner in ((a, b), (b, a))]
    merged = sides[0].merge(sides[1], on="year", how="outer").sort_values("year")
    merged["ratio"] = merged[f"{a}_reports"] / merged[f"{b}_reports"]
    return merged.reset_index(drop=True)


def plot_compare_sides(frame: pd.DataFrame, a: str, b: str, flow: str = "total",
                       sources: pd.DataFrame | None = None, *, title: str | None = None) -> Any:
    """Each side's own statistics for the trade between two countries, year by year, on one chart.

    One line per reporting country, in the country's colour; a year with no full-year
    report from a side is a gap in its line, never an interpolated point. The
    values drawn are the reports :func:`compare_sides` picks (by :func:`pick_one`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["VNM", "KHM"], "partner": ["KHM", "VNM"], "flow": ["total"] * 2,
    ...     "period_start": ["2022"] * 2, "period_end": ["2022"] * 2, "reporter": ["VNM", "KHM"],
    ...     "value": [10.57, 6.136], "unit": ["USD billion"] * 2, "source_ids": ["x", "y"]})
    >>> fig = plot_compare_sides(t, "VNM", "KHM")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ["Vietnam's statistics", "Cambodia's statistics"]
    """
    from clvlib import figures, provenance

    sides = compare_sides(frame, a, b, flow=flow, sources=sources)
    picked = []
    for country, partner in ((a, b), (b, a)):
        part = frame[(frame["country"] == country) & (frame["partner"] == partner)
                     & (frame["flow"] == flow) & (frame["reporter"] == country)]
        if len(part):
            picked.append(full_years(pick_one(part, sources)))
    rows = pd.concat(picked, ignore_index=True) if picked else frame.iloc[0:0]
    names = figures.COUNTRY_NAMES
    years = sides["year"].astype(int)
    head = title or (f"{names.get(a, a)}–{names.get(b, b)} trade ({flow}), US$ billion, "
                     "as each side reports it")
    with figures.style():
        fig, ax = figures.new_figure()
        for country in (a, b):
            values = sides[f"{country}_reports"] / 1e9
            ax.plot(years, values, marker="o", ms=8, lw=2.5, color=figures.COUNTRY_COLOURS.get(country),
                    label=f"{names.get(country, country)}'s statistics")
        ax.set_ylabel("US$ billion")
        ax.set_ylim(0, max(float((sides[[f"{a}_reports", f"{b}_reports"]] / 1e9).max().max()), 1) * 1.15)
        ax.set_xticks(list(years))
        ax.grid(axis="y", color="0.9")
        ax.legend(loc="upper left", frameon=False)
        ax.set_title(head, loc="left")
    missing = {c: [int(y) for y, v in zip(years, sides[f"{c}_reports"], strict=True) if pd.isna(v)]
               for c in (a, b)}
    gaps = "; ".join(f"no full-year {names.get(c, c)} figure for {', '.join(map(str, ys))}"
                     for c, ys in missing.items() if ys)
    alt = (f"Line chart of {flow} trade between {names.get(a, a)} and {names.get(b, b)}, "
           f"{years.min()}–{years.max()}, one line per side's statistics"
           + (f" ({gaps})" if gaps else "") + ".")
    cols = [c for c in ("trade_id", "country", "partner", "flow", "year", "reporter", "value", "unit",
                        "value_usd", "reports", "source_ids") if c in rows.columns]
    return figures.finish(fig, name=f"trade_sides_{a}_{b}_{flow}", title=head,
                          caption=head + "; gaps are years with no full-year report.", alt=alt,
                          sources=provenance.source_ids(rows), data=rows[cols])


MAIN_PARTNERS = ("USA", "CHN", "VNM", "JPN", "THA", "EUU")
"""Cambodia's main single partners in the trade table (ASEAN overlaps VNM and THA, so it is left out)."""


def concentration(frame: pd.DataFrame, *, country: str = "KHM", flow: str = "exports",
                  partners: tuple[str, ...] | list[str] = MAIN_PARTNERS,
                  sources: pd.DataFrame | None = None, derive: bool = True) -> pd.DataFrame:
    """Partner shares and a concentration index per year, from the country's own statistics.

    Only full calendar years and rows whose ``reporter`` is ``country`` are used (one
    statistics system; mirror figures are left out). Where several reports exist,
    :func:`pick_one` chooses one. Each partner's share is its flow divided by the
    country's flow with the world (``WLD``) that year; ``hhi_named`` is the
    Herfindahl–Hirschman index (:func:`hhi`) over the named partners' shares of that
    total: a lower bound of the full index, comparable from year to year only because
    the partner set is fixed. It is computed only when the total and *every* named
    partner are reported for the year (``complete``); other years keep their known
    shares and an empty index, so gaps stay visible.
    With ``derive`` (the default), a flow that no row states but the same statistics'
    two-way total and other flow imply is used (:func:`derive_flows`); ``derived``
    names the partners so computed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of the ``trade`` table (``clvlib.load("trade")``).
    country, flow : str
        Whose trade, and ``"exports"``, ``"imports"`` or ``"total"``.
    partners : sequence of str
        The fixed partner set.
    sources : pandas.DataFrame, optional
        The ``sources`` table, so that :func:`pick_one` can prefer source kinds.
    derive : bool
        Fill a missing flow from the total and the other flow (:func:`derive_flows`).

    Returns
    -------
    pandas.DataFrame
        One row per year with ``total_usd``, ``share_<partner>`` for each partner,
        ``partners_found``, ``complete``, ``hhi_named``, ``derived`` (the partners
        whose figure is derived, ``;``-separated) and ``source_ids``.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["KHM"] * 5, "partner": ["WLD", "USA", "CHN", "WLD", "USA"],
    ...     "flow": ["exports"] * 5, "period_start": ["2022"] * 3 + ["2023"] * 2,
    ...     "period_end": ["2022"] * 3 + ["2023"] * 2, "reporter": ["KHM"] * 5,
    ...     "value": [10, 5, 1, 12, 6], "unit": ["USD billion"] * 5, "source_ids": list("abcde")})
    >>> c = concentration(t, partners=["USA", "CHN"])
    >>> c[["year", "share_USA", "share_CHN", "complete", "hhi_named"]].values.tolist()
    [[2022, 0.5, 0.1, True, 0.26], [2023, 0.5, nan, False, nan]]
    """
    partners = list(partners)
    rows = frame[(frame["country"] == country) & (frame["reporter"] == country)
                 & frame["partner"].isin(partners + ["WLD"])]
    if derive and not rows.empty:
        rows = derive_flows(rows, sources)
    rows = rows[rows["flow"] == flow]
    if not rows.empty:
        rows = full_years(rows)
    if rows.empty:
        raise PeriodError(f"no full-year {flow} of {country} from its own statistics")
    rows = pick_one(rows.drop(columns=["year"]), sources)
    rows = full_years(rows)
    out = []
    for year, group in rows.groupby("year", sort=True):
        record: dict = {"year": int(year)}
        world = group[group["partner"] == "WLD"]
        named = group[group["partner"] != "WLD"]
        record["total_usd"] = float(world["value_usd"].iloc[0]) if len(world) else float("nan")
        share_of = {}
        if len(world) and len(named):
            share_of = dict(zip(*[shares(named.drop(columns=["value_usd"]),
                                         total=record["total_usd"])[c]
                                  for c in ("partner", "share")], strict=True))
        for p in partners:
            record[f"share_{p}"] = round(float(share_of[p]), 6) if p in share_of else float("nan")
        record["partners_found"] = int(named["partner"].nunique())
        record["complete"] = bool(len(world)) and record["partners_found"] == len(partners)
        record["hhi_named"] = (round(hhi(pd.Series([share_of[p] for p in partners])), 6)
                               if record["complete"] else float("nan"))
        ids = dict.fromkeys(sid for cell in group.get("source_ids", pd.Series(dtype=str))
                            for sid in split_list(cell))
        made = named[named["derived"].astype(bool)] if "derived" in named else named[:0]
        record["derived"] = ";".join(made["partner"].astype(str))
        record["source_ids"] = ";".join(ids)
        out.append(record)
    return pd.DataFrame(out)


def coverage(frame: pd.DataFrame, *, country: str = "KHM",
             flows: tuple[str, ...] | list[str] = ("exports", "imports"),
             partners: tuple[str, ...] | list[str] = MAIN_PARTNERS + ("ASEAN", "WLD"),
             years: range = range(2015, 2025), derive: bool = True,
             sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which partner-years the country's own full-year statistics cover, flow by flow.

    A year counts for a partner when the table holds a full calendar-year figure
    of that flow, reported by ``country`` itself (the rows :func:`concentration`
    uses), or, with ``derive``, when the same statistics' total and other flow
    imply it (:func:`derive_flows`; needs ``value`` and ``unit``). A year counts
    for the ``"all flows"`` rows only when every flow in ``flows`` is covered.

    Returns
    -------
    pandas.DataFrame
        Rows indexed by (``flow``, ``partner``); one boolean column per year,
        ``years_covered``, the number of those years covered, and ``years_derived``,
        how many of them rest on a derived figure.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["KHM"] * 3, "partner": ["USA", "USA", "USA"],
    ...     "flow": ["exports", "imports", "exports"], "period_start": ["2022", "2022", "2023-01"],
    ...     "period_end": ["2022", "2022", "2023-06"], "reporter": ["KHM"] * 3})
    >>> c = coverage(t, partners=["USA"], years=range(2022, 2024))
    >>> row = c.loc[("all flows", "USA")]
    >>> bool(row[2022]), bool(row[2023]), int(row["years_covered"])
    (True, False, 1)
    """
    own = frame[(frame["country"] == country) & (frame["reporter"] == country)
                & frame["partner"].isin(list(partners))]
    if derive and len(own) and {"value", "unit"} <= set(own.columns):
        own = derive_flows(own, sources)
    own = own[own["flow"].isin(list(flows))]
    own = full_years(own) if len(own) else own.assign(year=pd.Series(dtype="int64"))
    keys = list(zip(own["flow"], own["partner"], own["year"].astype(int), strict=True))
    have = set(keys)
    made = {k for k, d in zip(keys, own.get("derived", [False] * len(own)), strict=True) if d}
    table, derived = {}, {}
    for flow in [*flows, "all flows"]:
        for partner in partners:
            wanted = flows if flow == "all flows" else [flow]
            table[(flow, partner)] = {y: all((f, partner, y) in have for f in wanted) for y in years}
            derived[(flow, partner)] = sum(table[(flow, partner)][y]
                                           and any((f, partner, y) in made for f in wanted)
                                           for y in years)
    out = pd.DataFrame.from_dict(table, orient="index")
    out.index = pd.MultiIndex.from_tuples(out.index, names=["flow", "partner"])
    out["years_covered"] = out[list(years)].sum(axis=1).astype(int)
    out["years_derived"] = [int(derived[k]) for k in out.index]
    return out


_PARTNER_COLOURS = {"USA": "#56B4E9", "JPN": "#000000", "EUU": "#7F7F7F", "ASEAN": "#0072B2"}
"""Partners outside the kit's country colours (figures.COUNTRY_COLOURS); markers tell them apart too."""


def plot_concentration(table: pd.DataFrame, *, title: str | None = None,
                       country: str = "Cambodia", flow: str = "exports") -> Any:
    """Draw partner shares and the concentration index over time from :func:`concentration`.

    Two panels share the year axis: each partner's share of the country's flow
    (points joined only across consecutive known years, so gaps show), and the
    index over the named partners where the year is complete; an incomplete year
    is marked as such, never given a value. The credit line names the sources of
    the rows drawn (:func:`clvlib.figures.finish`, which also marks them used).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2021, 2022], "total_usd": [1e10, 2e10], "share_USA": [0.4, 0.5],
    ...     "partners_found": [1, 1], "complete": [True, True], "hhi_named": [0.16, 0.25],
    ...     "source_ids": ["pycountry_26_2_16", "pycountry_26_2_16"]})
    >>> fig = plot_concentration(t)
    >>> fig.axes[1].get_ylabel()
    'index (0–1)'
    """
    from clvlib import figures, provenance

    partners = [c[len("share_"):] for c in table.columns if c.startswith("share_")]
    names = {**figures.COUNTRY_NAMES, "USA": "United States", "JPN": "Japan", "EUU": "European Union",
             "ASEAN": "ASEAN"}
    head = title or f"{country}: {flow} by main partner, and concentration over the named partners"
    years = table["year"].astype(int)
    complete = table[table["complete"].astype(bool)]
    # one row per calendar year, so that a line never joins two years across a missing one
    span = list(range(int(years.min()), int(years.max()) + 1))
    full = table.set_index(years).reindex(span)
    known = full["complete"].astype("boolean").fillna(False).astype(bool)
    with figures.style():
        fig, (top, bottom) = figures.new_figure(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
        for p, marker in zip(partners, "osD^vP*X", strict=False):
            values = full[f"share_{p}"].astype(float) * 100
            if values.notna().any():
                colour = figures.COUNTRY_COLOURS.get(p) or _PARTNER_COLOURS.get(p, "#7F7F7F")
                top.plot(span, values, marker=marker, ms=8, lw=2, color=colour, label=names.get(p, p))
        top.set_ylabel(f"share of {flow} (%)")
        highest = max((float(table[f"share_{p}"].max()) * 100 for p in partners
                       if table[f"share_{p}"].notna().any()), default=10.0)
        top.set_ylim(0, highest * 1.4)   # headroom: the legend sits above the data, not on it
        top.legend(loc="upper left", ncols=3, frameon=False)
        top.set_title(head, loc="left")
        bottom.plot(span, full["hhi_named"].astype(float).where(known), "s-", ms=7,
                    color="black", label="index (complete years only)")
        gaps = [y for y, ok in zip(span, known, strict=True) if not ok]
        if gaps:
            bottom.plot(gaps, [0.0] * len(gaps), "x", ms=9, mew=2,
                        color="0.45", clip_on=False, label="year incomplete: no index computed")
        bottom.legend(loc="upper left", frameon=False)
        bottom.set_ylim(0, max(0.3, float(complete["hhi_named"].max()) * 1.2 if len(complete) else 0.3))
        bottom.set_ylabel("index (0–1)")
        # every calendar year gets a tick, so a year with no row at all shows as a gap
        bottom.set_xticks(span)
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
    shown = [names.get(p, p) for p in partners if table[f"share_{p}"].notna().any()]
    done = ", ".join(str(y) for y in complete["year"].astype(int)) or "none"
    alt = (f"Two-panel line chart, {years.min()}–{years.max()}: {country}'s {flow} share by partner "
           f"({', '.join(shown) or 'none reported'}) and the concentration index, computed only for "
           f"complete years ({done}).")
    return figures.finish(fig, name=f"concentration_{'_'.join(flow.split())}", title=head,
                          caption=head + "; the index is drawn only for years where every named partner "
                          "is reported.", alt=alt, sources=provenance.source_ids(table), data=table)
