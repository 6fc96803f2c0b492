"""The interactive (plotly) map: works offline, from file:// and in JupyterLab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from clvlib.geo.maps import COUNTRY_COLOURS, _membership_view

STATUS_WORDS = {"member": "member", "uncertain": "member (joining date uncertain)",
                "withdrawn": "withdrawn", "other": "not in the triangle"}


def _sources_short(ids: list[str], table: pd.DataFrame) -> str:
    """``publisher (year)`` for each source id, in lines of about 70 characters.

    An entry is never broken across lines (a line holds whole entries; an entry longer
    than a line stands alone on its line).
    """
    out = []
    for sid in ids:
        if sid in table.index:
            row = table.loc[sid]
            who = row["publisher"] if pd.notna(row["publisher"]) else row["author"]
            year = str(row["published"])[:4] if pd.notna(row["published"]) else "n.d."
            out.append(f"{who} ({year})")
        else:
            out.append(sid)
    lines: list[str] = []
    for entry in dict.fromkeys(out):
        if lines and len(lines[-1]) + 2 + len(entry) <= 70:
            lines[-1] += "; " + entry
        else:
            lines.append(entry)
    return ";<br>".join(lines)


def interactive_map(on: str = "2024-09-19", version: str | None = None, *,
                    data_dir: Path | str | None = None, tolerance: float = 0.01) -> Any:
    """An interactive map (plotly) with a pop-up per province; works with no internet.

    Provinces are drawn as filled shapes on plain axes (no tile server, no
    downloaded base map): members in their country's colour, others grey.
    Hovering anywhere over a province shows its English and national names, its
    country, its status on the date, its membership dates in the chosen
    version, the sourced area and population, and the sources of these rows.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per province; its ``meta`` holds ``code``, ``state`` and a
        point inside it (``x``, ``y``). Save it with :func:`save_interactive`
        (the script is embedded) or show it with :func:`interactive_html`.

    Examples
    --------
    >>> fig = interactive_map("2010-01-01")
    >>> sum(t.meta["state"] == "member" for t in fig.data)
    13
    >>> ratanakiri = next(t for t in fig.data if t.meta["code"] == "KH-16")
    >>> "Cambodia" in ratanakiri.name and "រតនគិរី" in ratanakiri.name
    True
    """
    import plotly.graph_objects as go

    from clvlib import figures, provenance
    from clvlib.data import load

    gdf = _membership_view(on, version, data_dir)
    provinces = load("provinces", data_dir=data_dir).set_index("province_code")
    sources = load("sources", data_dir=data_dir).set_index("source_id")
    table = load("membership", data_dir=data_dir)
    if version is None:
        version = str(table.loc[table["default_version"].astype(bool), "version"].iloc[0])
    rows = table[table["version"] == version]
    spans = {r.province_code: r for r in rows.itertuples()}
    fig = go.Figure()
    used: set[str] = set()
    for row in gdf.itertuples():
        geom = row.geometry.simplify(tolerance)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for poly in getattr(geom, "geoms", [geom]):
            x, y = poly.exterior.coords.xy
            xs += list(x) + [None]
            ys += list(y) + [None]
        info = provinces.loc[row.province_code]
        country = figures.COUNTRY_NAMES.get(row.country, row.country)
        head = f"<b>{row.name_en}</b>"
        if pd.notna(info["name_local"]):
            head += f" · {info['name_local']}"
        lines = [head, f"{country}, {row.province_code}",
                 f"on {on}: {STATUS_WORDS.get(row.state, row.state)}"]
        span = spans.get(row.province_code)
        ids = list(provenance.source_ids(provinces.loc[[row.province_code]]))
        if span is not None:
            joined = span.joined if pd.isna(span.joined_by) else f"between {span.joined} and {span.joined_by}"
            lines.append(f"in the triangle from {joined}"
                         + (f" until {span.left}" if pd.notna(span.left) else ""))
            ids += [i for i in provenance.source_ids(rows[rows["province_code"] == row.province_code])
                    if i not in ids]
        if pd.notna(info["area_km2"]):
            lines.append(f"area {info['area_km2']:,.0f} km²")
        if pd.notna(info["population"]):
            lines.append(f"population {info['population']:,} ({info['population_year']} census)")
        lines.append("sources: " + _sources_short(ids, sources))
        used.update(ids)
        colour = COUNTRY_COLOURS.get(row.country, "#999999")
        member = row.state in ("member", "uncertain")
        inside = row.geometry.representative_point()
        fig.add_trace(go.Scatter(
            x=xs, y=ys, fill="toself", mode="lines", line={"width": 0.6, "color": "white"},
            fillcolor=colour if member else "#d9d4c7", opacity=0.85 if member else 0.6,
            # plotly shows a filled area's trace name on hover (not its hovertext): the name is the pop-up
            hoveron="fills", hoverinfo="name", name="<br>".join(lines), showlegend=False,
            hoverlabel={"namelength": -1, "align": "left", "bgcolor": "white",
                        "font": {"family": "Noto Sans, Noto Sans Khmer, Noto Sans Lao, sans-serif",
                                 "size": 13, "color": "black"}},
            meta={"code": row.province_code, "state": row.state, "x": inside.x, "y": inside.y}))
    provenance.mark_used(sorted(used))
    # open on the triangle (every province that was ever a member), with room around it
    ever = gdf[gdf["province_code"].isin(table["province_code"])]
    xmin, ymin, xmax, ymax = ever.total_bounds
    cx, cy, half = (xmin + xmax) / 2, (ymin + ymax) / 2, max(xmax - xmin, ymax - ymin) * 0.9
    fig.update_layout(
        title=f"The CLV Development Triangle on {on} (hover over a province for details)",
        plot_bgcolor="#e6f0f7", margin={"l": 10, "r": 10, "t": 50, "b": 40}, height=720,
        hovermode="closest",
        font={"family": "Noto Sans, Noto Sans Khmer, Noto Sans Lao, sans-serif"},
        xaxis={"visible": False, "range": [cx - 1.6 * half, cx + 1.6 * half]},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1.04, "range": [cy - half, cy + half]},
        annotations=[{"text": "Boundaries: " + gdf.attrs.get("attribution", ""), "showarrow": False,
                      "xref": "paper", "yref": "paper", "x": 0, "y": -0.04, "xanchor": "left",
                      "font": {"size": 11}}])
    return fig


def save_interactive(fig: Any, path: Path | str) -> Path:
    """Write an interactive map as one self-contained HTML file (plotly.js embedded).

    Examples
    --------
    >>> import tempfile
    >>> out = save_interactive(interactive_map("2010-01-01"), Path(tempfile.mkdtemp()) / "map.html")
    >>> "<script src=" in out.read_text(encoding="utf-8")
    False
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(path, include_plotlyjs=True, full_html=True, include_mathjax=False,
                   config={"displaylogo": False})
    return path


def interactive_html(fig: Any) -> Any:
    """Show an interactive map in a notebook with plotly.js embedded (no CDN needed).

    Examples
    --------
    >>> html = interactive_html(interactive_map("2010-01-01"))
    >>> "cdn.plot.ly/plotly" in html.data
    False
    """
    from IPython.display import HTML

    return HTML(fig.to_html(include_plotlyjs=True, full_html=False, include_mathjax=False,
                            config={"displaylogo": False}))
