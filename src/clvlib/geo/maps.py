"""Static, slide-ready maps of the triangle (matplotlib + GeoPandas)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clvlib.catalog import partial_date_bounds
from clvlib.geo.boundary import TRIANGLE_COUNTRIES, boundaries
from clvlib.geo.membership import members

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


# ----------------------------------------------------------------------------- maps

COUNTRY_COLOURS = {"KHM": "#c0392b", "LAO": "#2471a3", "VNM": "#1e8449"}
COUNTRY_NAMES = {"KHM": "Cambodia", "LAO": "Laos", "VNM": "Vietnam"}
MAP_CRS = "EPSG:32648"
"""UTM zone 48N: metres, so that the scale bar is true across the region."""
WITHDRAWAL = "2024-09-20"


def _membership_view(on: str, version: str | None, data_dir: Path | str | None) -> gpd.GeoDataFrame:
    """Province polygons with a ``state`` column: member, uncertain, withdrawn or other."""
    from clvlib.data import load

    gdf = boundaries(1, data_dir=data_dir)
    table = load("membership", data_dir=data_dir)
    now = members(on, version, membership=table)
    status = dict(zip(now["province_code"], now["status"], strict=True))
    rows = table if version is None else table[table["version"] == version]
    day = partial_date_bounds(on)[1]
    left = {r.province_code for r in rows.itertuples()
            if pd.notna(r.left) and partial_date_bounds(r.left)[0] <= day}
    gdf = gdf.copy()
    gdf["state"] = [status.get(c, "withdrawn" if c in left else "other") for c in gdf["province_code"]]
    return gdf


@contextmanager
def _deferred_layout(fig: Any) -> Iterator[None]:
    """Plot into ``fig`` without laying it out after every layer.

    GeoPandas asks for a redraw of the whole figure after each ``.plot`` call
    (``plt.draw()``); with constrained layout each redraw cost ~0.3 s
    (profiled: 27 redraws made ``plot_membership`` take 9 s of a 10 s
    notebook). While the layers are drawn, the canvas reports an idle draw in
    progress (matplotlib then skips ``draw_idle``) and the layout engine is
    off; both are restored at the end, so the figure is laid out and drawn
    once, when it is shown or saved.
    """
    engine = fig.get_layout_engine()
    canvas = fig.canvas
    was_drawing = getattr(canvas, "_is_idle_drawing", None)
    fig.set_layout_engine("none")
    if was_drawing is not None:
        canvas._is_idle_drawing = True
    try:
        yield
    finally:
        if was_drawing is not None:
            canvas._is_idle_drawing = was_drawing
        fig.set_layout_engine(engine)


def _draw_members(ax: Any, gdf: gpd.GeoDataFrame, countries: gpd.GeoDataFrame,
                  neighbours: gpd.GeoDataFrame, legend: bool = True) -> None:
    from matplotlib.patches import Patch

    ax.set_axis_off()   # before drawing: no tick labels to measure on each redraw
    if len(neighbours):
        neighbours.plot(ax=ax, color="#eeeeee", edgecolor="#bbbbbb", linewidth=0.5)
    countries.plot(ax=ax, color="#f7f4ee", edgecolor="#555555", linewidth=0.8)
    gdf.boundary.plot(ax=ax, color="#cfc8bb", linewidth=0.3)
    handles = []
    for code, colour in COUNTRY_COLOURS.items():
        part = gdf[gdf["country"] == code]
        member = part[part["state"] == "member"]
        if len(member):
            member.plot(ax=ax, color=colour, alpha=0.75, edgecolor="white", linewidth=0.6)
            handles.append(Patch(facecolor=colour, alpha=0.75, label=f"{COUNTRY_NAMES[code]}: member"))
        unsure = part[part["state"] == "uncertain"]
        if len(unsure):
            unsure.plot(ax=ax, color=colour, alpha=0.3, edgecolor=colour, linewidth=0.8, linestyle="--")
            handles.append(Patch(facecolor=colour, alpha=0.3, edgecolor=colour, linestyle="--",
                                 label=f"{COUNTRY_NAMES[code]}: membership date uncertain"))
        gone = part[part["state"] == "withdrawn"]
        if len(gone):
            gone.plot(ax=ax, facecolor="none", edgecolor=colour, hatch="///", linewidth=0.8)
            handles.append(Patch(facecolor="none", edgecolor=colour, hatch="///",
                                 label=f"{COUNTRY_NAMES[code]}: withdrawn {WITHDRAWAL}"))
    if legend and handles:
        ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    ax.set_axis_off()
    ax.set_xlabel("")
    ax.set_ylabel("")


def project_geometries(*, data_dir: Path | str | None = None) -> gpd.GeoDataFrame:
    """The ``projects`` table as geometries: a line through its places and provinces.

    A place is its coordinates from ``places``; a province is a point inside its
    boundary (``representative_point``). One location gives a point, several a
    line in route order (or points, for ``kind == "road"`` whose route is unknown).

    Examples
    --------
    >>> g = project_geometries()
    >>> g.set_index("project_id").geometry.geom_type.to_dict()["funan_techo_canal"]
    'LineString'
    """
    import geopandas as gpd
    from shapely.geometry import LineString, MultiPoint, Point

    from clvlib.catalog import split_list
    from clvlib.data import load

    projects = load("projects", data_dir=data_dir)
    places = load("places", data_dir=data_dir).set_index("place_id")
    provinces = boundaries(1, data_dir=data_dir).set_index("province_code")
    shapes = []
    for row in projects.itertuples():
        points = []
        for item in split_list(row.location):
            if item in places.index:
                points.append(Point(float(places.loc[item, "lon"]), float(places.loc[item, "lat"])))
            elif item in provinces.index:
                points.append(provinces.loc[item, "geometry"].representative_point())
            else:
                raise KeyError(f"project {row.project_id}: location {item!r} is neither "
                               "a place nor a province")
        if len(points) == 1:
            shapes.append(points[0])
        elif row.kind == "road":
            shapes.append(MultiPoint(points))
        else:
            shapes.append(LineString(points))
    return gpd.GeoDataFrame(projects, geometry=shapes, crs="EPSG:4326")


def plot_region(on: str = "2024-09-19", version: str | None = None, *,
                data_dir: Path | str | None = None, projects: bool = False,
                figsize: tuple[float, float] = (13.33, 7.5)) -> Any:
    """A slide-ready map of the triangle on a date, within the three countries and their neighbours.

    Member provinces are filled in their country's colour; provinces whose
    joining date the sources leave open are shown pale with a dashed edge;
    with ``projects=True`` the projects of :func:`project_geometries` are drawn too;
    Cambodia's four are hatched as withdrawn on dates from 20 September 2024.
    National and provincial capitals (from the ``places`` table) are labelled;
    a scale bar, a locator inset and an attribution line are added.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; the locator inset is its ``child_axes[0]``.

    Examples
    --------
    >>> fig = plot_region("2010-01-01")
    >>> fig.axes[0].get_title(loc="left")
    'The CLV Development Triangle on 2010-01-01: 13 member provinces'
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from matplotlib_scalebar.scalebar import ScaleBar

    from clvlib.data import load

    gdf = _membership_view(on, version, data_dir).to_crs(MAP_CRS)
    outlines = boundaries(0, data_dir=data_dir).to_crs(MAP_CRS)
    countries = outlines[outlines["country"].isin(TRIANGLE_COUNTRIES)]
    neighbours = outlines[~outlines["country"].isin(TRIANGLE_COUNTRIES)]
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    with _deferred_layout(fig):   # every layer below would otherwise redraw the figure
        _draw_members(ax, gdf, countries, neighbours)
        # frame the triangle (every province that was ever a member) with room around it
        ever = gdf[gdf["province_code"].isin(load("membership", data_dir=data_dir)["province_code"])]
        xmin, ymin, xmax, ymax = ever.total_bounds
        if projects:
            works = project_geometries(data_dir=data_dir).to_crs(MAP_CRS)
            for work in works.itertuples():
                style = {"color": "#7d3c98", "linewidth": 3} if work.kind == "canal" else {
                    "color": "#7d3c98", "marker": "s", "markersize": 40}
                gpd_work = works[works["project_id"] == work.project_id]
                gpd_work.plot(ax=ax, zorder=4, **style)
                x, y = work.geometry.centroid.x, work.geometry.centroid.y
                ax.annotate(work.name, (x, y), xytext=(6, -10), textcoords="offset points", fontsize=8,
                            color="#7d3c98", fontweight="bold", gid="project-label")
            pxmin, pymin, pxmax, pymax = works.total_bounds
            xmin, ymin, xmax, ymax = min(xmin, pxmin), min(ymin, pymin), max(xmax, pxmax), max(ymax, pymax)
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        height = (ymax - ymin) * 1.6
        width = max((xmax - xmin) * 2.2, height * 1.45)
        xmin, xmax, ymin, ymax = cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2
        pad = 0.0
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        places = load("places", data_dir=data_dir)
        shown = set(gdf.loc[gdf["state"] != "other", "province_code"])
        places = places[(places["kind"] == "national capital") | places["province_code"].isin(shown)]
        import geopandas as gpd

        points = gpd.GeoDataFrame(places, geometry=gpd.points_from_xy(places["lon"], places["lat"]),
                                  crs="EPSG:4326").to_crs(MAP_CRS)
        inside = points.geometry.x.between(xmin, xmax) & points.geometry.y.between(ymin, ymax)
        for row in points[inside].itertuples():
            national = row.kind == "national capital"
            ax.plot(row.geometry.x, row.geometry.y, marker="*" if national else "o",
                    ms=9 if national else 3.5, color="black", zorder=5)
            ax.annotate(row.name_en, (row.geometry.x, row.geometry.y), xytext=(4, 3),
                        textcoords="offset points", fontsize=9 if national else 7.5,
                        fontweight="bold" if national else "normal", zorder=6, gid="capital-label")
        ax.add_artist(ScaleBar(1, "m", location="lower left", box_alpha=0.7, length_fraction=0.2))
        count = int((gdf["state"] == "member").sum())
        unsure = int((gdf["state"] == "uncertain").sum())
        title = f"The CLV Development Triangle on {on}: {count} member provinces"
        if unsure:
            title += f" (+{unsure} uncertain)"
        ax.set_title(title, loc="left", fontsize=14)
        inset = ax.inset_axes([0.0, 0.68, 0.26, 0.3])
        outlines.plot(ax=inset, color="#dddddd", edgecolor="#999999", linewidth=0.3)
        countries.plot(ax=inset, color="#bbbbbb", edgecolor="#666666", linewidth=0.3)
        inset.add_patch(Rectangle((xmin - pad, ymin - pad), xmax - xmin + 2 * pad, ymax - ymin + 2 * pad,
                                  fill=False, edgecolor="black", linewidth=1))
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_xlabel("")
        inset.set_ylabel("")
        inset.set_facecolor("white")
        notes = [n for n in gdf.attrs.get("notes", []) if "Tbong Khmum" in n]
        credit = ("Boundaries: " + gdf.attrs.get("attribution", "") + ". Membership: clvlib "
                  + (version or "default version") + "; capitals: clvlib places table.")
        if notes:
            credit += " Cambodia's province lines predate Tbong Khmum (2013)."
        fig.text(0.01, 0.005, credit, fontsize=6.5, color="#444444", gid="attribution")
    return fig


def plot_membership(dates: list[str] | tuple[str, ...], version: str | None = None, *,
                    data_dir: Path | str | None = None,
                    figsize: tuple[float, float] = (13.33, 5.5)) -> Any:
    """Small multiples: the triangle's members at several dates, side by side.

    Examples
    --------
    >>> fig = plot_membership(["2002-06-01", "2010-01-01"])
    >>> [a.get_title() for a in fig.axes]
    ['2002-06-01\\n7 members', '2010-01-01\\n13 members']
    """
    import matplotlib.pyplot as plt

    outlines = boundaries(0, TRIANGLE_COUNTRIES, data_dir=data_dir).to_crs(MAP_CRS)
    fig, axes = plt.subplots(1, len(dates), figsize=figsize, layout="constrained", squeeze=False)
    xmin, ymin, xmax, ymax = outlines.total_bounds
    for ax, on in zip(axes[0], dates, strict=True):
        gdf = _membership_view(on, version, data_dir).to_crs(MAP_CRS)
        with _deferred_layout(fig):
            _draw_members(ax, gdf, outlines, outlines.iloc[0:0], legend=False)
        ax.set_xlim(xmin + 0.3 * (xmax - xmin), xmax)  # the south and centre, where the triangle is
        ax.set_ylim(ymin, ymin + 0.55 * (ymax - ymin))
        n = int((gdf["state"] == "member").sum())
        extra = int((gdf["state"] == "uncertain").sum())
        ax.set_title(f"{on}\n{n} members" + (f" (+{extra} uncertain)" if extra else ""))
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, alpha=0.75, label=COUNTRY_NAMES[k]) for k, c in COUNTRY_COLOURS.items()]
    handles += [Patch(facecolor="#999999", alpha=0.3, edgecolor="#666666", linestyle="--",
                      label="joining date uncertain"),
                Patch(facecolor="none", edgecolor="#666666", hatch="///", label=f"withdrawn {WITHDRAWAL}")]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=9)
    return fig


