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

from clvlib.catalog import partial_date_bounds, partial_date_problem, split_list
from clvlib.errors import ClvlibError

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


def plot_exit_route(route: Route, actual: dict[str, str] | None = None, *,
                    title: str | None = None, figsize: tuple[float, float] = (13.33, 5.5)) -> Any:
    """Draw an exit route as a process over time, on two lanes (international, domestic).

    Steps with a computable date are filled dots at that date; steps whose date
    cannot be computed (a vote, a missing notice period) are hollow and placed in
    order after the last dated step, labelled "date open". ``actual`` marks what
    really happened as dashed vertical lines, e.g. ``{"letters sent": "2024-09-20"}``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> route = exit_route("trade_agreement_2016", notice_date="2024-09-20",
    ...                    overrides={"withdrawal_clause": "no"})
    >>> fig = plot_exit_route(route, {"Assembly vote": "2024-11-08"})
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "actual")
    ['Assembly vote']
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    steps = route.steps
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    lane = {"international": 1.0, "domestic": 0.0}
    dated = steps["earliest_effective"].dropna()
    actual_days = [pd.Timestamp(d) for d in (actual or {}).values()]
    anchor = route.notice_date or (dated.min() if len(dated) else None)
    known = list(dated) + actual_days + ([anchor] if anchor is not None else [])
    start = min(known) if known else pd.Timestamp("2024-01-01")
    end = max(known) if known else start
    span = max((end - start).days, 60)
    step_gap = pd.Timedelta(days=span / 8)
    colours = {"international": "#2471a3", "domestic": "#c0392b"}
    for plane, y in lane.items():
        rows = steps[steps["plane"] == plane]
        cursor = start
        for i, row in enumerate(rows.itertuples()):
            when = row.earliest_effective
            open_date = pd.isna(when)
            x = cursor + step_gap if open_date else when
            cursor = x
            ax.plot([x], [y], "o", ms=11, mfc="white" if open_date else colours[plane],
                    mec=colours[plane], mew=2, zorder=3)
            label = f"{row.order}. {row.actor}\n{row.act}"
            label += "\n(date open)" if open_date else f"\n{when:%Y-%m-%d}"
            ax.annotate(label, (x, y), xytext=(0, 14 if i % 2 == 0 else -14), textcoords="offset points",
                        ha="center", va="bottom" if i % 2 == 0 else "top", fontsize=7.5, wrap=True,
                        gid="step")
    for name, day in (actual or {}).items():
        when = pd.Timestamp(day)
        ax.axvline(when, color="0.35", linestyle="--", linewidth=1)
        ax.text(when, 1.45, name, rotation=0, ha="left", va="top", fontsize=8, color="0.25", gid="actual")
    ax.set_yticks([0, 1], ["domestic", "international"])
    ax.set_ylim(-0.7, 1.55)
    ax.set_xlim(start - step_gap, max(end, start + step_gap * 6) + step_gap * 2)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    head = title or f"How {route.party} leaves {route.instrument_id}"
    if route.missing:
        head += "  (missing: " + "; ".join(route.missing) + ")"
    ax.set_title(head, loc="left", fontsize=11, wrap=True)
    return fig
