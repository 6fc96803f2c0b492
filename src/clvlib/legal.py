"""Legal mechanics: how a party leaves an instrument, on two planes.

:func:`exit_route` builds the ordered steps by which a party leaves one of the
triangle's instruments: towards the other parties (the *international* plane)
and inside the leaving state (the *domestic* plane). The rules are rows of the
``provisions`` table: each says on which plane it acts, when it applies (a
condition on the instrument's facts), who acts, what they do, in what order and
with what notice. The code only matches conditions and adds up dates, so a rule
changes by editing data, with its source.

When a fact a rule needs is unknown (say, whether a treaty has a withdrawal
clause, or how another state approves treaties), the route says which fact is
missing instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from clvlib.errors import ClvlibError
from clvlib.values import partial_date_bounds, partial_date_problem, split_list

PLANES = ("international", "domestic")
UNKNOWN = "unknown"


class MissingFactError(ClvlibError):
    """A route needs facts the data does not hold (raised only with ``strict=True``)."""

    def __init__(self, instrument_id: str, missing: list[str]):
        self.instrument_id = instrument_id
        self.missing = missing
        super().__init__(f"{instrument_id}: cannot build the exit route without: " + "; ".join(missing))


@dataclass(repr=False)
class Route:
    """An exit route: the ordered steps, the facts used, and any missing facts.

    ``steps`` is a DataFrame with ``order``, ``plane``, ``actor``, ``act``,
    ``basis`` (provision ids), ``earliest_effective`` (a date, or ``NaT`` when it
    cannot be computed) and ``explanation``.
    """

    instrument_id: str
    party: str
    notice_date: pd.Timestamp | None
    facts: dict[str, Any]
    steps: pd.DataFrame
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when no fact was missing."""
        return not self.missing

    def __repr__(self) -> str:
        notice = f", notice {self.notice_date:%Y-%m-%d}" if self.notice_date is not None else ""
        lines = [f"Exit route of {self.party} from {self.instrument_id}{notice}",
                 self.steps[["order", "plane", "actor", "act", "basis", "earliest_effective"]]
                 .to_string(index=False)]
        if self.missing:
            lines.append("Missing facts: " + "; ".join(self.missing))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<p><b>Exit route</b> of <code>{self.party}</code> from <code>{self.instrument_id}</code>"
        if self.notice_date is not None:
            head += f", notice given {self.notice_date:%Y-%m-%d}"
        head += "</p>"
        tail = "" if self.complete else "<p><b>Missing facts:</b> " + "; ".join(self.missing) + "</p>"
        return head + self.steps.to_html(index=False) + tail


def _facts(row: pd.Series, party: str) -> dict[str, Any]:
    """The facts the rules test, from an instrument row, for one leaving party."""
    def clean(value: Any) -> Any:
        return UNKNOWN if value is None or (not isinstance(value, str) and pd.isna(value)) else value

    binding = clean(row.get("binding"))
    facts = {
        "binding": UNKNOWN if binding == "not described" else binding,
        "withdrawal_clause": clean(row.get("withdrawal_clause")),
        "notice_months": row.get("notice_months"),
        "clause_article": clean(row.get("clause_article")),
        "approval": clean(row.get("kh_approval")) if party == "KHM" else UNKNOWN,
    }
    return facts


def _matches(condition: str, facts: dict[str, Any]) -> bool | str:
    """True/False, or the name of the unknown fact the condition depends on."""
    for clause in split_list(condition):
        key, _, wanted = clause.partition("=")
        key, wanted = key.strip(), wanted.strip()
        value = facts.get(key, UNKNOWN)
        if value == UNKNOWN:
            return key
        if str(value) != wanted:
            return False
    return True


_FACT_WORDS = {
    "binding": ("whether the instrument is legally binding (a treaty) or a political commitment"
                " (sources do not describe it)"),
    "withdrawal_clause": "whether the instrument has its own withdrawal or termination clause",
    "approval": "how the leaving state approved the instrument at home (government only or the legislature)",
    "notice_months": "the notice period of the instrument's withdrawal clause",
}


def exit_route(instrument_id: str, party: str = "KHM", notice_date: str | None = None, *,
               overrides: dict[str, Any] | None = None, instruments: pd.DataFrame | None = None,
               provisions: pd.DataFrame | None = None, strict: bool = False) -> Route:
    """The steps by which ``party`` leaves an instrument, on the international and domestic planes.

    Parameters
    ----------
    instrument_id : str
        A row of the ``instruments`` table.
    party : str
        ISO 3166-1 alpha-3 code of the leaving party (must be a party to it).
    notice_date : str, optional
        ``YYYY-MM-DD`` on which notice is given; effective dates count from it.
    overrides : dict, optional
        Facts to change for a hypothetical, e.g. ``{"withdrawal_clause": "yes",
        "notice_months": 6}`` or ``{"approval": "government only"}``.
    instruments, provisions : pandas.DataFrame, optional
        The tables to use (default: :func:`clvlib.load`).
    strict : bool
        Raise :class:`MissingFactError` instead of returning an incomplete route.

    Returns
    -------
    Route

    Examples
    --------
    >>> route = exit_route("mou_preferential_policies_2008", notice_date="2024-09-20")
    >>> route.steps["plane"].tolist()[0]
    'international'
    """
    from clvlib.data import load

    instruments = instruments if instruments is not None else load("instruments")
    provisions = provisions if provisions is not None else load("provisions")
    hit = instruments[instruments["instrument_id"] == instrument_id]
    if hit.empty:
        raise KeyError(f"no instrument {instrument_id!r}; see load('instruments')")
    row = hit.iloc[0]
    parties = split_list(row["parties"])
    if party not in parties:
        raise ValueError(f"{party} is not a party to {instrument_id} (parties: {', '.join(parties)})")
    notice = None
    if notice_date is not None:
        problem = partial_date_problem(notice_date)
        if problem or len(notice_date) != 10:
            raise ValueError(f"notice_date {notice_date!r} must be a day, YYYY-MM-DD")
        notice = partial_date_bounds(notice_date)[0]
    facts = _facts(row, party)
    facts.update(overrides or {})
    steps: list[dict[str, Any]] = []
    missing: list[str] = []
    def need(fact: str) -> None:
        words = _FACT_WORDS.get(fact, fact)
        if words not in missing:
            missing.append(words)

    for plane in PLANES:
        rules = provisions[(provisions["plane"] == plane) & provisions["step_order"].notna()]
        previous: Any = pd.NaT
        for rule in rules.sort_values(["step_order", "provision_id"]).itertuples():
            verdict = _matches(rule.applies_when, facts)
            if verdict is False:
                continue
            if verdict is not True:
                need(verdict)
                previous = pd.NaT  # a step is missing: later dates cannot be chained from it
                continue
            effective: Any = pd.NaT
            basis = [rule.provision_id]
            if rule.timing == "immediate" and notice is not None:
                effective = notice
            elif rule.timing == "after_notice_period" and notice is not None:
                effective = notice + pd.DateOffset(months=int(rule.notice_months))
            elif rule.timing == "when_previous_takes_effect":
                effective = previous
            elif rule.timing == "after_clause_period":
                months = facts.get("notice_months")
                if months is None or pd.isna(months):
                    need("notice_months")
                elif notice is not None:
                    effective = notice + pd.DateOffset(months=int(months))
                if facts.get("clause_article") not in (None, UNKNOWN):
                    basis.append(f"{instrument_id} {facts['clause_article']}")
            steps.append({
                "plane": plane, "actor": rule.actor, "act": rule.act, "basis": "; ".join(basis),
                "earliest_effective": effective, "explanation": rule.explanation,
            })
            previous = effective
    if strict and missing:
        raise MissingFactError(instrument_id, missing)
    frame = pd.DataFrame(steps, columns=["plane", "actor", "act", "basis", "earliest_effective",
                                         "explanation"])
    frame.insert(0, "order", range(1, len(frame) + 1))
    frame["earliest_effective"] = pd.to_datetime(frame["earliest_effective"])
    return Route(instrument_id, party, notice, facts, frame, missing)


INSTRUMENT_KINDS = ("summit understanding", "declaration", "master plan", "MoU", "agreement", "law")
"""The lanes of :func:`plot_instruments`, top to bottom."""


def plot_instruments(instruments: pd.DataFrame, *, title: str | None = None) -> Any:
    """The triangle's instruments on a time line, one lane per kind, at the precision of their dates.

    Titles are never cut: when they do not all fit beside their marks, the
    instruments are numbered and a key below gives the full titles.

    Examples
    --------
    >>> from clvlib.data import load
    >>> fig = plot_instruments(load("instruments"))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()][:2]
    ['summit understanding', 'declaration']
    """
    from clvlib import timeline

    frame = instruments.assign(date=instruments["concluded"], end_date=None)
    order = INSTRUMENT_KINDS + tuple(sorted(set(frame["kind"].astype(str)) - set(INSTRUMENT_KINDS)))
    lo, hi = frame["date"].min()[:4], frame["date"].max()[:4]
    return timeline.plot_timeline(
        frame, title=title or f"The triangle's instruments, {lo}–{hi}, by date concluded",
        lane="kind", lanes=order, name="instruments_timeline", noun="instruments",
        caption=("Each instrument of the triangle at the date it was concluded; a bar spans the "
                 "month or year when the sources give no day."))


def _actual_frame(actual: dict[str, str] | pd.DataFrame | None) -> pd.DataFrame:
    if actual is None:
        return pd.DataFrame({"date": [], "title": []})
    if isinstance(actual, pd.DataFrame):
        return actual.reset_index(drop=True)
    return pd.DataFrame({"title": list(actual), "date": list(actual.values())})


def _route_sources(route: Route, provisions: pd.DataFrame | None, instruments: pd.DataFrame | None,
                   actual: pd.DataFrame) -> list[str]:
    from clvlib import provenance
    from clvlib.data import load

    provisions = provisions if provisions is not None else load("provisions")
    instruments = instruments if instruments is not None else load("instruments")
    basis = {b for cell in route.steps["basis"] for b in split_list(cell)}
    rows = provisions[provisions["provision_id"].isin(basis)]
    own = instruments[instruments["instrument_id"] == route.instrument_id]
    return sorted(set(provenance.source_ids(rows)) | set(provenance.source_ids(own))
                  | set(provenance.source_ids(actual)))


def plot_exit_route(route: Route, actual: dict[str, str] | pd.DataFrame | None = None, *,
                    title: str | None = None, figsize: tuple[float, float] = (13.33, 7.5),
                    provisions: pd.DataFrame | None = None,
                    instruments: pd.DataFrame | None = None) -> Any:
    """Draw an exit route: dated steps on a time axis, open steps apart, and what happened.

    Two lanes (international, domestic). A step whose date can be computed is a
    filled, numbered dot at that date. A step whose date no source gives (a
    vote, a missing notice period) is never put at a date: it is a hollow,
    numbered circle in a separate "date open" panel, in the order of the steps.
    ``actual`` (a dict of name to date, or rows with ``date``, ``title`` and
    ``source_ids``) marks what really happened as lettered dashed lines (a month
    or a year, as the sources give it, is a shaded span, not a day). A key
    below gives every step and event in full, and the facts the route lacks.

    Returns
    -------
    matplotlib.figure.Figure
        Axes 0 is the time axis, axes 1 the "date open" panel, axes 2 the key.
        Key entries have the gid ``"step"`` (one per step), ``"actual"`` (one per
        event) and ``"missing"``.

    Examples
    --------
    >>> route = exit_route("trade_agreement_2016", notice_date="2024-09-20",
    ...                    overrides={"withdrawal_clause": "no"})
    >>> fig = plot_exit_route(route, {"Assembly vote": "2024-11-08"})
    >>> [t.get_text() for t in fig.axes[2].texts if t.get_gid() == "actual"][1]
    'B  2024-11-08  Assembly vote'
    """
    import textwrap

    import matplotlib.dates as mdates

    from clvlib import figures

    events = _actual_frame(actual)
    steps = route.steps.reset_index(drop=True)
    lane = {"international": 1.0, "domestic": 0.0}
    colours = {"international": figures.COUNTRY_COLOURS["LAO"], "domestic": figures.COUNTRY_COLOURS["KHM"]}
    dated = steps.dropna(subset=["earliest_effective"])
    open_steps = steps[steps["earliest_effective"].isna()]
    days = [pd.Timestamp(d) for d in dated["earliest_effective"]]
    for text in events["date"].astype(str):   # a partial date is the span it covers, never a day
        days += list(partial_date_bounds(text))
    if route.notice_date is not None:
        days.append(route.notice_date)
    with figures.style():
        fig, axes = figures.new_mosaic([["time", "open"], ["key", "key"]], figsize=figsize,
                                       width_ratios=[3, 2], height_ratios=[3, 2])
        ax, gap, key_ax = axes["time"], axes["open"], axes["key"]
        key_ax.set_axis_off()
        key_ax.set_label("key")
        for a in (ax, gap):
            a.set_ylim(-0.6, 1.8)
            a.set_yticks([0, 1], ["domestic", "international"])
            a.grid(axis="x", color="0.92")
        gap.tick_params(axis="y", labelleft=False)
        if days:
            lo, hi = min(days), max(days)
            pad = max((hi - lo) * 0.12, pd.Timedelta(days=20))
            ax.set_xlim(lo - pad, hi + pad)
            locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        else:
            ax.set_xticks([])
            ax.text(0.5, 0.5, "no step has a date", transform=ax.transAxes, ha="center", gid="note")
        ax.set_title("Steps with a date", loc="left", fontsize=12)
        gap.set_title("Date open (no source gives it)", loc="left", fontsize=12)
        for row in dated.itertuples():
            ax.plot([row.earliest_effective], [lane[row.plane]], "o", ms=20, color=colours[row.plane],
                    zorder=3)
            ax.text(row.earliest_effective, lane[row.plane], str(row.order), ha="center", va="center",
                    color="white", fontsize=11, fontweight="bold", zorder=4, gid="step-number")
        for plane, y in lane.items():
            rows = open_steps[open_steps["plane"] == plane]
            for k, row in enumerate(rows.itertuples()):
                gap.plot([k + 1], [y], "o", ms=20, mfc="white", mec=colours[plane], mew=2, zorder=3)
                gap.text(k + 1, y, str(row.order), ha="center", va="center", fontsize=11,
                         color=colours[plane], fontweight="bold", zorder=4, gid="step-number")
        width = max(3, max((open_steps["plane"] == p).sum() for p in lane) if len(open_steps) else 3)
        gap.set_xlim(0.3, width + 0.7)
        gap.set_xticks([])
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        named: dict[str, list[str]] = {}
        if route.notice_date is not None:
            named[f"{route.notice_date:%Y-%m-%d}"] = ["notice given (the route counts from it)"]
        for row in events.itertuples():
            named.setdefault(str(row.date), []).append(str(row.title))
        # one letter per date as the sources give it: events on the same date share it
        marks = [(letters[k], when, "; ".join(names))
                 for k, (when, names) in enumerate(sorted(named.items(),
                                                          key=lambda p: partial_date_bounds(p[0])))]
        # a letter's circle is about a quarter of an inch wide: letters closer than that on the
        # time axis alternate between the top and the bottom edge, so none hides another
        lo_x, hi_x = ax.get_xlim()
        min_gap = (hi_x - lo_x) * 0.3 / (figsize[0] * 0.55)
        last_x = {1.62: None, -0.42: None}
        for letter, when, _ in marks:
            first, last = partial_date_bounds(when)
            if first == last:   # a day: a line
                ax.axvline(first, color="0.35", linestyle="--", linewidth=1, zorder=1)
            else:               # a month or a year: the span it covers, shaded
                ax.axvspan(first, last + pd.Timedelta(days=1), color="0.5", alpha=0.15, lw=0, zorder=1)
            mid = first + (last - first) / 2
            x = mdates.date2num(mid)
            free = [h for h, seen in last_x.items() if seen is None or x - seen >= min_gap]
            height = free[0] if free else min(last_x, key=lambda h: last_x[h])
            last_x[height] = x
            ax.text(mid, height, letter, ha="center", va="center", fontsize=11,
                    fontweight="bold",
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "0.35"}, gid="actual-mark")
        # the key: steps on the left, events and missing facts on the right
        chars = int(figsize[0] * 72 * 0.55 / (0.56 * 10))
        y = 1.0
        for row in steps.itertuples():
            when = "date open" if pd.isna(row.earliest_effective) else f"{row.earliest_effective:%Y-%m-%d}"
            text = textwrap.fill(f"{row.order}  {row.plane}, {when}: {row.actor}: {row.act}", chars,
                                 subsequent_indent="    ", break_on_hyphens=False)
            if pd.isna(row.earliest_effective):
                text = text.replace("date open", "(date open)", 1)
            key_ax.text(0.0, y, text, transform=key_ax.transAxes, va="top", fontsize=10, gid="step")
            y -= (text.count("\n") + 1) * 0.105 + 0.02
        y = 1.0
        right = int(figsize[0] * 72 * 0.4 / (0.56 * 10))
        for letter, when, name in marks:
            text = textwrap.fill(f"{letter}  {when}  {name}", right, subsequent_indent="    ",
                                 break_on_hyphens=False)
            key_ax.text(0.58, y, text, transform=key_ax.transAxes, va="top", fontsize=10, gid="actual")
            y -= (text.count("\n") + 1) * 0.105 + 0.02
        if route.missing:
            text = textwrap.fill("Not in the data, so the route cannot say: " + "; ".join(route.missing),
                                 right)
            key_ax.text(0.58, y - 0.03, text, transform=key_ax.transAxes, va="top", fontsize=10,
                        style="italic", gid="missing")
        head = title or f"How {route.party} leaves {route.instrument_id}"
        fig.suptitle(head, x=0.01, ha="left", fontsize=15)
    alt = (f"Exit route of {route.party} from {route.instrument_id}: {len(steps)} steps, "
           f"{len(dated)} with a computed date and {len(open_steps)} whose date is open; "
           + ("; ".join(f"{n} on {w}" for _, w, n in marks) if marks else "no recorded events")
           + ".")
    table = steps.assign(earliest_effective=steps["earliest_effective"].dt.strftime("%Y-%m-%d"))
    return figures.finish(fig, name=f"exit_route_{route.instrument_id}_{route.party}", title=head,
                          caption=head + ". Hollow circles: steps whose date no source gives.",
                          alt=alt, sources=_route_sources(route, provisions, instruments, events),
                          data=table)
