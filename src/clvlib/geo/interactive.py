"""The interactive (plotly) map: works offline, from file:// and in JupyterLab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from clvlib.geo.maps import COUNTRY_COLOURS, _membership_view


def interactive_map(on: str = "2024-09-19", version: str | None = None, *,
                    data_dir: Path | str | None = None, tolerance: float = 0.01) -> Any:
    """An interactive map (plotly) with a pop-up per province; works with no internet.

    Provinces are drawn as filled shapes on plain axes (no tile server, no
    downloaded base map): members in their country's colour, others grey. The
    pop-up gives the English and national names, the sourced area and
    population, and the membership dates in the chosen version.

    Returns
    -------
    plotly.graph_objects.Figure
        Save it with :func:`save_interactive` (the script is embedded) or show
        it with :func:`interactive_html` in a notebook.

    Examples
    --------
    >>> fig = interactive_map("2010-01-01")
    >>> sum(t.name.endswith("member") for t in fig.data)
    13
    """
    import plotly.graph_objects as go

    from clvlib.data import load

    gdf = _membership_view(on, version, data_dir)
    provinces = load("provinces", data_dir=data_dir).set_index("province_code")
    table = load("membership", data_dir=data_dir)
    if version is None:
        version = str(table.loc[table["default_version"].astype(bool), "version"].iloc[0])
    spans = {r.province_code: r for r in table[table["version"] == version].itertuples()}
    fig = go.Figure()
    for row in gdf.itertuples():
        geom = row.geometry.simplify(tolerance)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for poly in getattr(geom, "geoms", [geom]):
            x, y = poly.exterior.coords.xy
            xs += list(x) + [None]
            ys += list(y) + [None]
        info = provinces.loc[row.province_code]
        lines = [f"<b>{row.name_en}</b> ({row.province_code})"]
        if pd.notna(info["name_local"]):
            lines.append(str(info["name_local"]))
        if pd.notna(info["area_km2"]):
            lines.append(f"area {info['area_km2']:,.0f} km²")
        if pd.notna(info["population"]):
            lines.append(f"population {info['population']:,} ({info['population_year']} census)")
        span = spans.get(row.province_code)
        if span is not None:
            joined = span.joined if pd.isna(span.joined_by) else f"{span.joined}–{span.joined_by}"
            lines.append(f"in the triangle from {joined}"
                         + (f" until {span.left}" if pd.notna(span.left) else ""))
        colour = COUNTRY_COLOURS.get(row.country, "#999999")
        member = row.state in ("member", "uncertain")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, fill="toself", mode="lines", line={"width": 0.6, "color": "white"},
            fillcolor=colour if member else "#d9d4c7", opacity=0.85 if member else 0.6,
            hoverinfo="text", hovertext="<br>".join(lines), showlegend=False,
            name=f"{row.province_code} {'member' if member else row.state}"))
    fig.update_layout(
        title=f"The CLV Development Triangle on {on} (hover for details)",
        plot_bgcolor="white", margin={"l": 10, "r": 10, "t": 50, "b": 30}, height=700,
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1.04},
        annotations=[{"text": "Boundaries: " + gdf.attrs.get("attribution", ""), "showarrow": False,
                      "xref": "paper", "yref": "paper", "x": 0, "y": -0.04, "font": {"size": 9}}])
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
