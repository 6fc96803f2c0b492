"""Timeline helpers: partial dates, selection, eras, "what was happening", and a slide-ready plot.

Dates in the kit keep the precision their sources give: ``1999``, ``2002-01`` or
``2024-09-20``. A partial date is treated honestly as the *span* it covers (``1999``
is all of 1999, not 1 January), so an event overlaps a window when any part of its
span does. Functions here are pure: they take DataFrames from :func:`clvlib.load`
and never read files. matplotlib is imported only by :func:`plot_timeline`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from clvlib.values import partial_date_bounds, partial_date_problem, split_list

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

CATEGORIES = ("conflict", "diplomacy", "institution", "economy", "law", "infrastructure",
              "domestic politics", "protest")
"""The event categories, in the order of the plot's lanes (top to bottom)."""

SLIDE_SIZE = (13.33, 7.5)
"""Figure size in inches of a 16:9 slide."""


class PartialDateError(ValueError):
    """A text that is not a valid partial date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""


def date_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day covered by a partial date.

    Examples
    --------
    >>> date_bounds("1999")
    (Timestamp('1999-01-01 00:00:00'), Timestamp('1999-12-31 00:00:00'))
    >>> date_bounds("2024-02")[1]
    Timestamp('2024-02-29 00:00:00')
    >>> date_bounds("2024-09-20")[0] == date_bounds("2024-09-20")[1]
    True
    """
    text = str(text).strip()
    problem = partial_date_problem(text)
    if problem:
        raise PartialDateError(f"{text!r}: {problem}")
    return partial_date_bounds(text)


def spans(events: pd.DataFrame, start: str = "date", end: str = "end_date") -> pd.DataFrame:
    """Add ``start`` and ``stop`` timestamps: the first and last day each event covers.

    ``stop`` is the end of ``end_date`` when there is one, else the end of ``date``.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": ["1999", "2024-09-20"], "end_date": ["2004-11", None]})
    >>> spans(ev)[["start", "stop"]].astype(str).values.tolist()
    [['1999-01-01', '2004-11-30'], ['2024-09-20', '2024-09-20']]
    """
    out = events.copy()
    bounds = [date_bounds(d) for d in out[start]]
    out["start"] = pd.to_datetime([b[0] for b in bounds])
    stops = []
    for (_, stop), end_text in zip(bounds, out[end] if end in out else [None] * len(out),
                                   strict=True):
        stops.append(stop if end_text is None or pd.isna(end_text) else date_bounds(end_text)[1])
    out["stop"] = pd.to_datetime(stops)
    return out


def _window(start: str | None, end: str | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    lo = date_bounds(start)[0] if start else pd.Timestamp.min
    hi = date_bounds(end)[1] if end else pd.Timestamp.max
    if lo > hi:
        raise ValueError(f"window starts ({start}) after it ends ({end})")
    return lo, hi


def _has(cell: Any, wanted: set[str]) -> bool:
    return bool(set(split_list(cell)) & wanted)


def select(events: pd.DataFrame, start: str | None = None, end: str | None = None, *,
           category: str | Iterable[str] | None = None,
           country: str | Iterable[str] | None = None,
           province: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Events that overlap a period and match category, country or province.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``events`` table (or a part of it).
    start, end : str, optional
        Partial dates bounding the window, inclusive of their whole span:
        ``start="1979", end="1989"`` is 1 January 1979 to 31 December 1989.
    category, country, province : str or list of str, optional
        Keep events in any of these categories, naming any of these ISO 3166-1
        alpha-3 countries, or tied to any of these ISO 3166-2 provinces.

    Returns
    -------
    pandas.DataFrame
        The matching rows in date order, with ``start`` and ``stop`` columns.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": ["1999", "2004-11", "2024-09-20"],
    ...     "category": ["institution", "institution", "diplomacy"],
    ...     "countries": ["KHM;LAO;VNM", "KHM;LAO;VNM", "KHM"]})
    >>> list(select(ev, "1999-10-20", "1999-10-20")["date"])  # "1999" touches that day
    ['1999']
    >>> list(select(ev, category="diplomacy")["date"])
    ['2024-09-20']
    """
    lo, hi = _window(start, end)
    out = spans(events)
    keep = (out["stop"] >= lo) & (out["start"] <= hi)
    for column, wanted in (("category", category), ("countries", country),
                           ("provinces", province)):
        if wanted is None:
            continue
        values = {wanted} if isinstance(wanted, str) else set(wanted)
        if column not in out:
            raise KeyError(f"the events have no {column!r} column")
        if column == "category":
            unknown = values - set(CATEGORIES)
            if unknown:
                raise ValueError(f"unknown categor(y/ies) {sorted(unknown)}; use {CATEGORIES}")
            keep &= out[column].astype(str).isin(values)
        else:
            keep &= out[column].map(lambda cell, v=values: _has(cell, v))
    return out[keep].sort_values(["start", "stop"], kind="stable")


def era(eras: pd.DataFrame, era_id: str) -> tuple[str, str]:
    """The (start, end) partial dates of a named era from the ``eras`` table.

    Examples
    --------
    >>> eras = pd.DataFrame({"era_id": ["occupation"], "start": ["1979-01"], "end": ["1989-09"]})
    >>> era(eras, "occupation")
    ('1979-01', '1989-09')
    """
    hit = eras[eras["era_id"] == era_id]
    if hit.empty:
        raise KeyError(f"no era {era_id!r}; the eras are: {', '.join(eras['era_id'])}")
    row = hit.iloc[0]
    return str(row["start"]), str(row["end"])


def in_era(events: pd.DataFrame, eras: pd.DataFrame, era_id: str, **filters: Any) -> pd.DataFrame:
    """Events overlapping a named era (see :func:`select` for ``filters``).

    Examples
    --------
    >>> eras = pd.DataFrame({"era_id": ["x"], "start": ["2000"], "end": ["2001"]})
    >>> ev = pd.DataFrame({"date": ["1999", "2001-05"], "category": ["law", "law"]})
    >>> list(in_era(ev, eras, "x")["date"])
    ['2001-05']
    """
    start, end = era(eras, era_id)
    return select(events, start, end, **filters)


def around(events: pd.DataFrame, date: str, years: float = 2) -> pd.DataFrame:
    """What was happening around a date: events within ``years`` of it, nearest first.

    Adds ``relation`` ("before", "during", "after": whether the event's span ends
    before the date's span, covers it, or starts after it) and ``days_away`` (0
    for "during").

    Examples
    --------
    >>> ev = pd.DataFrame({"date": ["1978-12-25", "1979-01-07", "1985", "1991-10-23"],
    ...     "title": ["invasion", "fall of Phnom Penh", "far", "Paris"]})
    >>> around(ev, "1979-01", years=1)[["title", "relation", "days_away"]].values.tolist()
    [['fall of Phnom Penh', 'during', 0], ['invasion', 'before', 7]]
    """
    lo, hi = date_bounds(date)
    reach = pd.Timedelta(days=round(365.25 * years))
    out = spans(events)
    out = out[(out["stop"] >= lo - reach) & (out["start"] <= hi + reach)].copy()
    before = out["stop"] < lo
    after = out["start"] > hi
    out["relation"] = "during"
    out.loc[before, "relation"] = "before"
    out.loc[after, "relation"] = "after"
    days = pd.Series(0, index=out.index)
    days[before] = (lo - out.loc[before, "stop"]).dt.days
    days[after] = (out.loc[after, "start"] - hi).dt.days
    out["days_away"] = days.astype(int)
    return out.sort_values(["days_away", "start"], kind="stable")


def conflicts(events: pd.DataFrame) -> pd.DataFrame:
    """The events whose date sources disagree: rows sharing a ``conflict_id``.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_id": ["a", "b", "c"], "date": ["1999", "1999-10-20", "2004"],
    ...     "conflict_id": ["founding", "founding", None]})
    >>> list(conflicts(ev)["event_id"])
    ['a', 'b']
    """
    grouped = events[events["conflict_id"].notna()]
    sizes = grouped.groupby("conflict_id")["conflict_id"].transform("size")
    return grouped[sizes > 1].sort_values(["conflict_id", "date"], kind="stable")


def one_per_event(events: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per event: the first-listed version of each group of rival datings.

    Use it for counts and overview plots, so that an event dated two ways is not
    counted twice; :func:`conflicts` shows what was dropped.

    Examples
    --------
    >>> ev = pd.DataFrame({"event_id": ["a", "b", "c"], "date": ["1979-01-08", "1979-01-10", "1980"],
    ...     "conflict_id": ["prk", "prk", None]})
    >>> list(one_per_event(ev)["event_id"])
    ['a', 'c']
    """
    rival = events["conflict_id"].notna()
    later = rival & events["conflict_id"].duplicated(keep="first")
    return events[~later]


# ---------------------------------------------------------------------------- plotting


def _place_labels(ax: Any, labels: list[Any], renderer: Any, obstacles: list[Any]) -> int:
    """Move event labels so that none overlaps another label or a drawn event.

    Greedy, left to right: each label tries positions stepped by its own height
    (up first, then down) and shifted right (or a little left) by quarters of its
    width; it takes
    the nearest position that stays inside the axes and clears every label
    already placed and every bar and dot in ``obstacles`` (display boxes). A
    thin leader line joins a moved label to its event.
    """
    import numpy as np
    from matplotlib.text import Text

    frame = ax.get_window_extent(renderer)
    inverse = ax.transData.inverted()
    # candidate steps (i label heights, j quarter widths), nearest first; ties by j then i
    # near the event only (up to 4 label heights, 1.25 widths left to 1.5 widths right):
    # a label that would need a long leader line makes the plot switch to a numbered key
    i_steps, j_steps = np.meshgrid(np.arange(-4, 5), np.arange(-5, 7), indexing="ij")
    i_steps, j_steps = i_steps.ravel(), j_steps.ravel()
    cost = (np.abs(i_steps) + 0.5 * np.abs(j_steps) + np.where(j_steps < 0, 0.5, 0.0)
            + np.where(i_steps < 0, 0.01, 0.0))
    order = np.lexsort((i_steps, j_steps, cost))
    i_steps, j_steps = i_steps[order], j_steps[order]
    # boxes as rows (x0, y0, x1, y1); overlap is inclusive, as in Bbox.overlaps
    placed = np.array([b.extents for b in obstacles], dtype=float).reshape(-1, 4)
    failed = 0
    for ann in sorted(labels, key=lambda a: a.xy[0]):
        box = Text.get_window_extent(ann, renderer)
        w, h = box.width * 1.04, box.height * 1.15
        dx, dy = 0.25 * w * j_steps, h * i_steps
        # a margin of a third of the text's height on each side, so that labels read apart
        # (and stay clear in the SVG and at other resolutions too)
        pad = box.height / 3
        x0, y0, x1, y1 = box.x0 + dx - pad, box.y0 + dy, box.x1 + dx + pad, box.y1 + dy
        ok = (x0 + pad >= frame.x0) & (x1 - pad <= frame.x1) & (y0 >= frame.y0) & (y1 <= frame.y1)
        if len(placed):
            hits = ((x0[:, None] <= placed[None, :, 2]) & (placed[None, :, 0] <= x1[:, None])
                    & (y0[:, None] <= placed[None, :, 3]) & (placed[None, :, 1] <= y1[:, None]))
            ok &= ~hits.any(axis=1)
        free = np.flatnonzero(ok)
        if len(free):
            k = free[0]
            x_disp, y_disp = ax.transData.transform(ann.xyann)
            ann.xyann = tuple(inverse.transform((x_disp + dx[k], y_disp + dy[k])))
            new = [x0[k], y0[k], x1[k], y1[k]]
        else:  # no free place: the caller switches to a numbered key
            new = list(box.extents)
            failed += 1
        placed = np.vstack([placed, new])
    return failed


def _slug(text: str) -> str:
    """A file name from a title: lower-case words joined by ``_``, cut at a word, at most 50 characters.

    Examples
    --------
    >>> _slug("2024–2025: campaign, withdrawal and after")
    '2024_2025_campaign_withdrawal_and_after'
    """
    import re

    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > 50:
            break
        out = f"{out}_{word}" if out else word
    return out[:50] or "figure"


def _place_eras(ax: Any, eras: pd.DataFrame, top: float, renderer: Any) -> float:
    """Shade each era and name it in rows above the lanes, so that no two names overlap.

    An era's name starts at its start (or the axes' left edge) and is moved left
    to end inside the axes; a name that would touch one already in a row goes
    to the next row. Returns the new top of the y axis.
    """
    import matplotlib.dates as mdates

    lo, hi = ax.get_xlim()
    texts = []
    for k, (_, row) in enumerate(eras.iterrows()):
        e_lo, e_hi = date_bounds(row["start"])[0], date_bounds(row["end"])[1]
        ax.axvspan(e_lo, e_hi, color="0.5", alpha=0.08 + 0.05 * (k % 2), lw=0, zorder=0)
        texts.append((mdates.date2num(e_lo), ax.text(max(mdates.date2num(e_lo), lo), top, str(row["title"]),
                                                     fontsize=10, color="0.25", va="bottom", ha="left",
                                                     gid="era-label", zorder=5)))
    px = ax.transData.transform([(lo, 0), (hi, 0)])
    per_px = (hi - lo) / max(px[1][0] - px[0][0], 1)
    rows: list[list[tuple[float, float]]] = []
    height = 0.0
    for x_start, text in sorted(texts, key=lambda p: p[0]):
        box = text.get_window_extent(renderer)
        width = box.width * per_px
        height = max(height, box.height)
        x0 = min(max(x_start, lo), hi - width * 1.02)
        x1 = x0 + width * 1.04
        free = [i for i, row in enumerate(rows) if all(x1 < a or x0 > b for a, b in row)]
        if not free:
            rows.append([])
        r = free[0] if free else len(rows) - 1
        rows[r].append((x0, x1))
        text.set_x(x0)
        text.set_gid("era-label")
        text._clv_row = r  # type: ignore[attr-defined]
    # one row of era names is ~0.45 lane (the lanes are ~1 unit apart)
    y_px = ax.transData.transform([(0, 0), (0, 1)])
    unit_px = max(y_px[1][1] - y_px[0][1], 1)
    row_h = max(0.4, 1.3 * height / unit_px)
    for _, text in texts:
        text.set_y(top + 0.05 + text._clv_row * row_h)  # type: ignore[attr-defined]
    return top + 0.1 + len(rows) * row_h


def _key_text(entries: list[str], ncols: int, width_chars: int) -> list[str]:
    """Split numbered key entries into ``ncols`` wrapped columns of about equal height."""
    import textwrap

    wrapped = [textwrap.fill(e, width_chars, subsequent_indent="     ", break_long_words=False,
                             break_on_hyphens=False)
               for e in entries]
    total = sum(w.count("\n") + 1 for w in wrapped)
    columns: list[list[str]] = [[]]
    used = 0
    for w in wrapped:
        lines = w.count("\n") + 1
        if used + lines > -(-total // ncols) and columns[-1] and len(columns) < ncols:
            columns.append([])
            used = 0
        columns[-1].append(w)
        used += lines
    return ["\n".join(c) for c in columns]


def _draw_timeline(data: pd.DataFrame, eras: pd.DataFrame | None, *, title: str | None,
                   label: str | None, start: str | None, end: str | None,
                   figsize: tuple[float, float], keyed: bool, lane: str = "category",
                   order: tuple[str, ...] = CATEGORIES) -> tuple[Figure, int]:
    """Draw once; returns the figure and how many labels found no free place."""
    import matplotlib.dates as mdates
    from matplotlib.transforms import Bbox

    from clvlib import figures

    lanes = [c for c in order if c in set(data[lane].astype(str))]
    lane_y = {c: len(lanes) - 1 - i for i, c in enumerate(lanes)}
    data = data.sort_values(["start", "stop"], kind="stable").reset_index(drop=True)
    entries: list[str] = []
    if keyed and label is not None:
        entries = [f"{k + 1:>2}  {row['date']}  {row[label]}" for k, row in data.iterrows()]
        nkey = len(entries)
        ncols = 3 if nkey > 8 else 2
        columns = _key_text(entries, ncols, int(figsize[0] * 72 / ncols / (0.56 * 9.5)) - 4)
        lines = max(c.count("\n") + 1 for c in columns)
        key_h = (lines * 1.25 * 9.5 + 6) / 72
        fig, (ax, key_ax) = figures.new_figure(2, 1, figsize=figsize, height_ratios=[
            max(figsize[1] - key_h - 1.4, 2.0), key_h])
        key_ax.set_axis_off()
        for c, text in enumerate(columns):
            key_ax.text(c / ncols, 1.0, text, transform=key_ax.transAxes, va="top", ha="left",
                        fontsize=9.5, gid="event-key", linespacing=1.25)
        key_ax.set_label("key")
    else:
        fig, ax = figures.new_figure(figsize=figsize)
    lo = date_bounds(start)[0] if start else data["start"].min()
    hi = date_bounds(end)[1] if end else data["stop"].max()
    pad = (hi - lo) * 0.03 + pd.Timedelta(days=30)
    ax.set_xlim(lo - pad, hi + pad)
    top = len(lanes) - 0.4
    ax.set_ylim(-0.6, top + 0.6)
    ax.set_yticks(list(lane_y.values()), [c for c in lane_y])
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=5, maxticks=14))
    ax.grid(axis="x", color="0.9", zorder=0)
    if title:
        ax.set_title(title, loc="left")
    fig.draw_without_rendering()  # lay out once (constrained) so that sizes in pixels are known
    renderer = fig.canvas.get_renderer()
    # spans shorter than 0.03 in are drawn 0.03 in wide so that they stay visible at this scale
    x_px = ax.transData.transform([(0, 0), (1, 0)])
    min_days = 0.03 * fig.dpi / max(x_px[1][0] - x_px[0][0], 1e-9)
    if eras is not None and not eras.empty:
        new_top = _place_eras(ax, eras, top, renderer)
        ax.set_ylim(-0.6, new_top)
    labels = []
    for k, row in data.iterrows():
        y = lane_y[str(row[lane])]
        colour = figures.PALETTE[order.index(str(row[lane])) % len(figures.PALETTE)]
        if row["start"] == row["stop"]:
            ax.plot([row["start"]], [y], marker="o", ms=6, color=colour, zorder=3, ls="none")
        else:
            days = (row["stop"] - row["start"]).days + 1
            ax.barh(y, max(days, min_days), left=row["start"], height=0.22, color=colour,
                    alpha=0.8, zorder=3)
        if label is None:
            continue
        anchor = (mdates.date2num(row["start"]), y)
        text = str(k + 1) if keyed else str(row[label])
        labels.append(ax.annotate(
            text, xy=anchor, xytext=(anchor[0], y + 0.12), textcoords="data",
            fontsize=9.5, ha="left", va="bottom", zorder=4, gid="event-label",
            bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.85},
            arrowprops={"arrowstyle": "-", "color": "0.55", "lw": 0.6, "shrinkA": 0,
                        "shrinkB": 2}))
        # labels end up inside the axes (_place_labels), so the layout need not measure them
        labels[-1].set_in_layout(False)
    if not labels:
        return fig, 0
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    obstacles = [patch.get_window_extent(renderer)
                 for container in ax.containers for patch in container.patches]
    obstacles += [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "era-label"]
    for point in ax.lines:
        x_disp, y_disp = ax.transData.transform(point.get_xydata()[0])
        obstacles.append(Bbox.from_extents(x_disp - 4, y_disp - 4, x_disp + 4, y_disp + 4))
    return fig, _place_labels(ax, labels, renderer, obstacles)


def plot_timeline(events: pd.DataFrame, eras: pd.DataFrame | None = None, *,
                  title: str | None = None, label: str | None = "title", start: str | None = None,
                  end: str | None = None, figsize: tuple[float, float] = SLIDE_SIZE,
                  name: str | None = None, caption: str | None = None, lane: str = "category",
                  lanes: Iterable[str] | None = None, noun: str = "events") -> Figure:
    """Draw events in lanes by category, partial dates as spans of their precision.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of the ``events`` table (``date``, ``end_date``, ``category`` and the
        ``label`` column).
    eras : pandas.DataFrame, optional
        Rows of the ``eras`` table, drawn as shaded bands behind the events, their
        names in as many rows above the lanes as needed so that none overlaps.
    title : str, optional
        Figure title.
    label : str or None
        Column used for the labels. When the labels cannot all be placed without
        overlap, every event gets a number instead and a numbered key below the
        axes gives the full labels (nothing is truncated). ``None`` draws no
        labels (an overview of many events).
    start, end : str, optional
        Partial dates limiting the x axis (default: the events' extent).
    figsize : tuple
        Inches; the default fits a 16:9 slide.
    name, caption : str, optional
        File name and caption for :func:`clvlib.figures.finish` (default: from the title).
    lane, lanes : str, iterable of str, optional
        The column that picks an event's lane and the lanes' order, top to bottom
        (default: ``category`` in the order of :data:`CATEGORIES`). Every value of
        the column must be in ``lanes``.
    noun : str
        What the rows are, for the alt text (``"events"``, ``"instruments"``).

    Returns
    -------
    matplotlib.figure.Figure
        Finished by :func:`clvlib.figures.finish`. The first axes has the lanes;
        each event is a bar (a span: a year, a month, or a start-to-end range; a
        span shorter than 0.03 in is drawn 0.03 in wide) or a dot (a single day). The
        labels are the axes' texts whose gid is ``"event-label"``; era names have
        the gid ``"era-label"``; with a numbered key, a second axes holds texts
        with the gid ``"event-key"``.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": ["1999", "2009", "2024-09-20"], "end_date": [None] * 3,
    ...     "category": ["institution", "institution", "diplomacy"],
    ...     "title": ["first summit", "enlarged to 13", "Cambodia leaves"]})
    >>> fig = plot_timeline(ev)
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "event-label")
    ['Cambodia leaves', 'enlarged to 13', 'first summit']
    """
    from clvlib import figures, provenance

    data = spans(events)
    if data.empty:
        raise ValueError("no events to plot")
    order = tuple(lanes) if lanes is not None else CATEGORIES
    unknown = sorted(set(data[lane].astype(str)) - set(order))
    if unknown:
        raise ValueError(f"column {lane!r} has values with no lane: {', '.join(unknown)}")
    common = {"title": title, "label": label, "start": start, "end": end, "figsize": figsize,
              "lane": lane, "order": order}
    with figures.style():
        fig, failed = _draw_timeline(data, eras, keyed=False, **common)
        if failed:
            import matplotlib.pyplot as plt

            plt.close(fig)
            fig, failed = _draw_timeline(data, eras, keyed=True, **common)
    lo, hi = str(data["start"].min().date()), str(data["stop"].max().date())
    cats = ", ".join(c for c in order if c in set(data[lane].astype(str)))
    era_names = "" if eras is None or eras.empty else (
        " Shaded eras: " + "; ".join(f"{r['title']} ({r['start']} to {r['end']})"
                                     for _, r in eras.iterrows()) + ".")
    alt = (f"Timeline of {len(data)} {noun} from {lo} to {hi}, one lane per {lane} ({cats}); "
           f"partial dates are bars spanning their year or month, single days are dots.{era_names}")
    ids = provenance.source_ids(events) + ([] if eras is None else provenance.source_ids(eras))
    cols = [c for c in ("event_id", "instrument_id", "date", "end_date", lane, label, "source_ids")
            if c and c in events.columns]
    return figures.finish(fig, name=name or _slug(title or "timeline"), title=title or "Timeline",
                          caption=caption or (title or "Timeline") + ".", alt=alt, sources=ids,
                          data=events[list(dict.fromkeys(cols))])


def plot_counts(events: pd.DataFrame, *, by: str | None = None, title: str | None = None,
                ylabel: str = "events", figsize: tuple[float, float] = SLIDE_SIZE,
                name: str | None = None) -> Figure:
    """Bar chart of events per year (the year each event starts), stacked by a column.

    Years with no event are shown as gaps, so the chart reads as a time axis.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of the ``events`` table.
    by : str, optional
        A column to stack by (e.g. ``"category"``).
    title, ylabel : str
        Labels.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one bar container per stack level; finished by
        :func:`clvlib.figures.finish`.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": ["1999-10-20", "2002-01", "2002"]})
    >>> fig = plot_counts(ev)
    >>> [int(b.get_height()) for b in fig.axes[0].containers[0] if b.get_height()]
    [1, 2]
    """
    from matplotlib.ticker import MaxNLocator

    from clvlib import figures, provenance

    data = spans(events)
    if data.empty:
        raise ValueError("no events to count")
    data["year"] = data["start"].dt.year
    years = range(int(data["year"].min()), int(data["year"].max()) + 1)
    if by is None:
        table = data.groupby("year").size().reindex(years, fill_value=0).to_frame(ylabel)
    else:
        table = (data.groupby(["year", by], observed=True).size().unstack(fill_value=0)
                 .reindex(years, fill_value=0))
    with figures.style():
        fig, ax = figures.new_figure(figsize=figsize)
        bottom = pd.Series(0, index=table.index)
        for column in table.columns:
            ax.bar(table.index, table[column], bottom=bottom, label=str(column), width=0.8)
            bottom = bottom + table[column]
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if by is not None:
            ax.legend(frameon=False)
        if title:
            ax.set_title(title, loc="left")
    busiest = table.sum(axis=1)
    peaks = ", ".join(map(str, busiest[busiest == busiest.max()].index))
    alt = (f"Bar chart of {ylabel} per year, {years.start}–{years.stop - 1}: {int(busiest.sum())} in all, "
           f"at most {int(busiest.max())} in a year ({peaks}).")
    return figures.finish(fig, name=name or _slug(title or "counts"), title=title or "Events per year",
                          caption=(title or "Events per year") + ".", alt=alt,
                          sources=provenance.source_ids(events), data=table.reset_index())


def label_overlaps(fig: Figure) -> int:
    """How many pairs of event labels overlap on a figure from :func:`plot_timeline`.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": ["2000", "2000"], "category": ["law", "law"],
    ...     "end_date": [None, None], "title": ["one", "two"]})
    >>> label_overlaps(plot_timeline(ev))
    0
    """
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(t, renderer) for t in fig.axes[0].texts
             if t.get_gid() == "event-label"]
    return int(sum(boxes[i].overlaps(boxes[j]) for i in range(len(boxes))
                   for j in range(i + 1, len(boxes))))
