"""Static, slide-ready maps of the triangle (matplotlib + GeoPandas)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clvlib import figures
from clvlib.geo.boundary import TRIANGLE_COUNTRIES, boundaries
from clvlib.geo.membership import members
from clvlib.values import partial_date_bounds

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


# ----------------------------------------------------------------------------- maps

COUNTRY_COLOURS = {k: figures.COUNTRY_COLOURS[k] for k in TRIANGLE_COUNTRIES}
"""The kit's colour of each of the three countries (:data:`clvlib.figures.COUNTRY_COLOURS`)."""
COUNTRY_NAMES = {k: figures.COUNTRY_NAMES[k] for k in TRIANGLE_COUNTRIES}
MAP_CRS = "EPSG:32648"
"""UTM zone 48N: metres, so that the scale bar is true across the region."""
WITHDRAWAL = "2024-09-20"
SEA = "#e6f0f7"


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
                  neighbours: gpd.GeoDataFrame) -> list[Any]:
    """Draw neighbours, countries and provinces by state; returns the legend handles."""
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
    ax.set_axis_off()
    ax.set_xlabel("")
    ax.set_ylabel("")
    _rasterize(ax)
    return handles


def _rasterize(ax: Any) -> None:
    """Polygons as an image in the SVG (text stays vector): a map's SVG shrinks from ~2 MB."""
    for layer in ax.collections:
        layer.set_rasterized(True)


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

    from clvlib.data import load
    from clvlib.values import split_list

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


def _version_rows(table: pd.DataFrame, version: str | None, codes: set[str]) -> pd.DataFrame:
    """The membership rows drawn: the chosen (or default) version, the provinces shown."""
    if version is None:
        version = str(table.loc[table["default_version"].astype(bool), "version"].iloc[0])
    return table[(table["version"] == version) & table["province_code"].isin(codes)]


def _attribution(*frames: Any) -> str:
    """The boundary registry's attribution of the files behind the frames drawn."""
    parts = [p.strip() for f in frames for p in f.attrs.get("attribution", "").split(";") if p.strip()]
    return "; ".join(dict.fromkeys(parts))


def _missing_capitals(gdf: gpd.GeoDataFrame, places: pd.DataFrame, data_dir: Path | str | None) -> list[str]:
    """Provinces drawn as members or withdrawn whose capital has no coordinates in ``places``."""
    from clvlib.data import load

    provinces = load("provinces", data_dir=data_dir).set_index("province_code")
    shown = gdf.loc[gdf["state"] != "other", "province_code"]
    have = set(places.loc[places["kind"] == "provincial capital", "province_code"])
    return [f"{provinces.loc[c, 'name_en']} ({c})" for c in sorted(shown) if c not in have
            and c in provinces.index and not places.loc[places["kind"] == "national capital",
                                                         "province_code"].eq(c).any()]


def _label_anchor(geom: Any, province_points: list[Any]) -> Any:
    """A point of the geometry to label: a line's middle, or a multipoint's first point."""
    if geom.geom_type == "LineString":
        return geom.interpolate(0.5, normalized=True)
    if geom.geom_type == "MultiPoint":
        return geom.geoms[0]
    return geom


def plot_region(on: str = "2024-09-19", version: str | None = None, *,
                data_dir: Path | str | None = None, projects: bool = False,
                figsize: tuple[float, float] = (13.33, 7.5)) -> Any:
    """A slide-ready map of the triangle on a date, within the three countries and their neighbours.

    Member provinces are filled in their country's colour; provinces whose
    joining date the sources leave open are shown pale with a dashed edge;
    with ``projects=True`` the projects of :func:`project_geometries` are drawn too;
    Cambodia's four are hatched as withdrawn on dates from 20 September 2024.
    National and provincial capitals (from the ``places`` table) are marked and
    labelled, the labels placed so that none overlaps another or a marker; a
    province whose capital has no coordinates in ``places`` is named in a note
    instead of being given an invented marker. A scale bar sits in the map; the
    locator map, the legend and the notes sit in a column beside it, so they
    cover nothing. The credit line is drawn by :func:`clvlib.figures.finish`.

    Returns
    -------
    matplotlib.figure.Figure
        Axes 0 is the map, axes 1 the locator, axes 2 the legend and notes.

    Examples
    --------
    >>> fig = plot_region("2010-01-01")
    >>> fig.axes[0].get_title(loc="left")
    'The CLV Development Triangle on 2010-01-01: 13 member provinces'
    """
    import textwrap

    import geopandas as gpd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import Bbox
    from matplotlib_scalebar.scalebar import ScaleBar

    from clvlib import provenance
    from clvlib.data import load

    gdf = _membership_view(on, version, data_dir).to_crs(MAP_CRS)
    outlines = boundaries(0, data_dir=data_dir).to_crs(MAP_CRS)
    countries = outlines[outlines["country"].isin(TRIANGLE_COUNTRIES)]
    neighbours = outlines[~outlines["country"].isin(TRIANGLE_COUNTRIES)]
    membership = load("membership", data_dir=data_dir)
    places = load("places", data_dir=data_dir)
    with figures.style():
        fig, axes = figures.new_mosaic([["map", "locator"], ["map", "key"]], figsize=figsize,
                                       width_ratios=[3.6, 1], height_ratios=[1, 1.5])
        ax, inset, key = axes["map"], axes["locator"], axes["key"]
        with _deferred_layout(fig):   # every layer below would otherwise redraw the figure
            handles = _draw_members(ax, gdf, countries, neighbours)
            # frame the triangle (every province that was ever a member) with room around it
            ever = gdf[gdf["province_code"].isin(membership["province_code"])]
            xmin, ymin, xmax, ymax = ever.total_bounds
            works = None
            if projects:
                works = project_geometries(data_dir=data_dir).to_crs(MAP_CRS)
                for work in works.itertuples():
                    one = works[works["project_id"] == work.project_id]
                    if work.kind == "canal":
                        one.plot(ax=ax, zorder=4, color="#000000", linewidth=3)
                        handles.append(Line2D([], [], color="#000000", linewidth=3,
                                              label=f"{work.name} (schematic line)"))
                    else:
                        one.plot(ax=ax, zorder=4, color="#000000", marker="s", markersize=60)
                        handles.append(Line2D([], [], color="#000000", marker="s", ls="none", ms=8,
                                              label=textwrap.fill(f"{work.name}: provinces it runs "
                                                                  "through", 34)))
                pxmin, pymin, pxmax, pymax = works.total_bounds
                xmin, ymin = min(xmin, pxmin), min(ymin, pymin)
                xmax, ymax = max(xmax, pxmax), max(ymax, pymax)
            cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
            height = (ymax - ymin) * 1.35
            width = max((xmax - xmin) * 1.6, height * 1.55)
            xmin, xmax, ymin, ymax = cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2
            ax.set_xlim(xmin, xmax)
            ax.set_ylim(ymin, ymax)
            # the sea behind the land, and a frame: the map's edge is visible on a white slide
            ax.set_axis_on()
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_facecolor(SEA)
            ax.set_xlabel("")
            ax.set_ylabel("")
            for spine in ax.spines.values():
                spine.set_visible(True)
            shown = set(gdf.loc[gdf["state"] != "other", "province_code"])
            marked = places[(places["kind"] == "national capital") | places["province_code"].isin(shown)]
            points = gpd.GeoDataFrame(marked, geometry=gpd.points_from_xy(marked["lon"], marked["lat"]),
                                      crs="EPSG:4326").to_crs(MAP_CRS)
            inside = points.geometry.x.between(xmin, xmax) & points.geometry.y.between(ymin, ymax)
            points = points[inside]
            labels = []
            anchors = []
            for row in points.itertuples():
                national = row.kind == "national capital"
                ax.plot(row.geometry.x, row.geometry.y, marker="*" if national else "o",
                        ms=13 if national else 6, color="black", mec="white", mew=0.8, zorder=5)
                anchors.append((row.geometry.x, row.geometry.y, 7 if national else 4))
                labels.append(ax.annotate(
                    row.name_en, (row.geometry.x, row.geometry.y), xytext=(5, 3), textcoords="offset points",
                    fontsize=11 if national else 9.5, fontweight="bold" if national else "normal",
                    zorder=6, gid="capital-label",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7}))
            if works is not None:
                for work in works.itertuples():
                    at = _label_anchor(work.geometry, [])
                    labels.append(ax.annotate(
                        work.name.split(" (")[0], (at.x, at.y), xytext=(6, -12), textcoords="offset points",
                        fontsize=10, fontweight="bold", zorder=6, gid="project-label",
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}))
            bar = ScaleBar(1, "m", location="lower left", box_alpha=0.8, length_fraction=0.2,
                           font_properties={"size": 10})
            ax.add_artist(bar)
            count = int((gdf["state"] == "member").sum())
            unsure = int((gdf["state"] == "uncertain").sum())
            title = f"The CLV Development Triangle on {on}: {count} member provinces"
            if unsure:
                title += f" (+{unsure} uncertain)"
            ax.set_title(title, loc="left")
            # locator: the three countries and neighbours, with the map's frame
            outlines.plot(ax=inset, color="#e6e6e6", edgecolor="#999999", linewidth=0.3)
            countries.plot(ax=inset, color="#bdbdbd", edgecolor="#666666", linewidth=0.3)
            inset.add_patch(Rectangle((xmin, ymin), xmax - xmin, ymax - ymin, fill=False,
                                      edgecolor="black", linewidth=1.2))
            cxmin, cymin, cxmax, cymax = countries.total_bounds
            cxmin, cymin = min(cxmin, xmin), min(cymin, ymin)
            cxmax, cymax = max(cxmax, xmax), max(cymax, ymax)
            inset.set_xlim(cxmin - 0.1 * (cxmax - cxmin), cxmax + 0.1 * (cxmax - cxmin))
            inset.set_ylim(cymin - 0.05 * (cymax - cymin), cymax + 0.05 * (cymax - cymin))
            _rasterize(inset)
            inset.set_facecolor(SEA)
            for spine in inset.spines.values():
                spine.set_visible(True)
            inset.set_xticks([])
            inset.set_yticks([])
            inset.set_xlabel("")
            inset.set_ylabel("")
            inset.set_title("Where the map is", loc="left", fontsize=11)
            key.set_axis_off()
            key.legend(handles=handles, loc="upper left", frameon=False, borderaxespad=0,
                       fontsize=10)
            notes = []
            lacking = _missing_capitals(gdf, places, data_dir)
            if lacking:
                notes.append("No capital marked for " + ", ".join(lacking)
                             + ": the places table has no coordinates for it.")
            if any("Tbong Khmum" in n for n in gdf.attrs.get("notes", [])):
                notes.append("Cambodia's province lines predate Tbong Khmum (2013).")
            if projects:
                notes.append("Project lines are schematic (see the projects table).")
            if notes:
                key.text(0, 0, "\n".join(textwrap.fill(n, 38) for n in notes), transform=key.transAxes,
                         va="bottom", ha="left", fontsize=9.5, color="#333333", gid="map-note")
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        obstacles = []
        for x, y, r in anchors:
            dx, dy = ax.transData.transform((x, y))
            size = r * fig.dpi / 72
            obstacles.append(Bbox.from_extents(dx - size, dy - size, dx + size, dy + size))
        try:
            obstacles.append(bar.get_window_extent(renderer))
        except Exception:  # pragma: no cover - older matplotlib-scalebar
            pass
        figures.place_labels(ax, labels, renderer, obstacles)
    ids = set(provenance.source_ids(_version_rows(membership, version, shown)))
    ids |= set(provenance.source_ids(points))
    if works is not None:
        ids |= set(provenance.source_ids(works))
    caption = (f"Provinces of the triangle on {on}, membership version "
               f"{version or 'default'}; capitals from the places table.")
    if lacking:
        caption += " " + notes[0]
    alt = (f"Map of southern Laos, north-eastern Cambodia and Vietnam's Central Highlands with the "
           f"{count} member provinces of the triangle on {on} filled in their country's colour"
           + (f" and {unsure} uncertain ones pale" if unsure else "")
           + ("; Cambodia's provinces hatched as withdrawn" if (gdf["state"] == "withdrawn").any() else "")
           + "; capitals marked"
           + ("; the Funan Techo canal and the border ring road drawn" if projects else "")
           + ".")
    data = pd.DataFrame(gdf.drop(columns="geometry"))[["province_code", "name_en", "country", "state"]]
    return figures.finish(fig, name=f"region_map_{on}" + ("_projects" if projects else ""), title=title,
                          caption=caption, alt=alt, sources=sorted(ids), data=data,
                          attribution=_attribution(gdf, outlines))


def plot_membership(dates: list[str] | tuple[str, ...], version: str | None = None, *,
                    data_dir: Path | str | None = None,
                    figsize: tuple[float, float] = (13.33, 7.5)) -> Any:
    """Small multiples: the triangle's members at several dates, up to three maps a row.

    Every map shows the same frame (the provinces that were ever members, with
    room around them); the legend takes the first free cell of the grid.

    Examples
    --------
    >>> fig = plot_membership(["2002-06-01", "2010-01-01"])
    >>> [a.get_title() for a in fig.axes][:2]
    ['2002-06-01\\n7 members', '2010-01-01\\n13 members']
    """
    import math

    from matplotlib.patches import Patch

    from clvlib import provenance
    from clvlib.data import load

    outlines = boundaries(0, TRIANGLE_COUNTRIES, data_dir=data_dir).to_crs(MAP_CRS)
    table = load("membership", data_dir=data_dir)
    rows = []
    # up to three maps a row; the legend takes the first free cell (or a row of its own)
    ncols = min(3, len(dates))
    nrows = math.ceil(len(dates) / ncols)
    names = [f"d{i}" for i in range(len(dates))]
    cells = names + ["legend"] * (nrows * ncols - len(names))
    layout = [cells[r * ncols:(r + 1) * ncols] for r in range(nrows)]
    if "legend" not in cells:
        layout.append(["legend"] * ncols)
    with figures.style():
        fig, grid = figures.new_mosaic(layout, figsize=figsize,
                                       height_ratios=[1] * nrows + ([0.15] if len(layout) > nrows else []))
        frame = None
        for ax, on in zip([grid[n] for n in names], dates, strict=True):
            gdf = _membership_view(on, version, data_dir).to_crs(MAP_CRS)
            if frame is None:   # every province that was ever a member, with room around it
                ever = gdf[gdf["province_code"].isin(table["province_code"])]
                x0, y0, x1, y1 = ever.total_bounds
                cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) * 0.7
                frame = (cx - 1.25 * half, cx + 1.25 * half, cy - half, cy + half)
            with _deferred_layout(fig):
                _draw_members(ax, gdf, outlines, outlines.iloc[0:0])
            ax.set_xlim(frame[0], frame[1])
            ax.set_ylim(frame[2], frame[3])
            n = int((gdf["state"] == "member").sum())
            extra = int((gdf["state"] == "uncertain").sum())
            ax.set_title(f"{on}\n{n} members" + (f" (+{extra} uncertain)" if extra else ""),
                         loc="center", fontsize=12)
            rows.append(pd.DataFrame(gdf.drop(columns="geometry"))[["province_code", "state"]]
                        .assign(date=on))
        handles = [Patch(facecolor=c, alpha=0.75, label=COUNTRY_NAMES[k]) for k, c in COUNTRY_COLOURS.items()]
        handles += [Patch(facecolor="#999999", alpha=0.3, edgecolor="#666666", linestyle="--",
                          label="joining date uncertain"),
                    Patch(facecolor="none", edgecolor="#666666", hatch="///",
                          label=f"withdrawn {WITHDRAWAL}")]
        grid["legend"].set_axis_off()
        grid["legend"].legend(handles=handles, loc="center", frameon=False,
                              ncols=len(handles) if len(layout) > nrows else 1)
        title = f"The triangle's member provinces on {len(dates)} dates, {dates[0][:4]}–{dates[-1][:4]}"
        fig.suptitle(title, x=0.01, ha="left")
    data = pd.concat(rows, ignore_index=True)
    data = data[data["state"] != "other"]
    ids = provenance.source_ids(_version_rows(table, version, set(data["province_code"])))
    alt = ("Small maps of the triangle's area on " + ", ".join(dates) + ": "
           + "; ".join(f"{d}: {int((data[data['date'] == d]['state'] == 'member').sum())} members"
                       for d in dates) + ".")
    return figures.finish(fig, name="membership_" + "_".join(d[:4] for d in dates), title=title,
                          caption=title + f" (membership version {version or 'default'}).", alt=alt,
                          sources=ids, data=data, attribution=_attribution(outlines))


def plot_province_figures(provinces: pd.DataFrame, on: str = "2024-09-19", version: str | None = None,
                          *, data_dir: Path | str | None = None,
                          figsize: tuple[float, float] = (13.33, 7.5)) -> Any:
    """Area and population of the member provinces on a date: one panel per measure, each on its own scale.

    Bars are in the country's colour, provinces in the same order in both
    panels (largest area first); each bar is labelled with its value, and the
    population panel gives the census year of each figure (they differ).

    Examples
    --------
    >>> from clvlib.data import load
    >>> fig = plot_province_figures(load("provinces"), "2010-01-01")
    >>> [a.get_title(loc="left") for a in fig.axes]
    ['Area (km²)', 'Population (latest census found)']
    """
    from matplotlib.patches import Patch

    from clvlib import provenance

    codes = set(members(on, version, data_dir=data_dir)["province_code"])
    rows = provinces[provinces["province_code"].isin(codes)].copy()
    rows = rows.sort_values("area_km2", ascending=True, na_position="first")
    names = rows["name_en"].astype(str).tolist()
    colours = [COUNTRY_COLOURS.get(c, "#777777") for c in rows["country"]]
    with figures.style():
        fig, (area, people) = figures.new_figure(1, 2, figsize=figsize, sharey=True)
        for ax, column, heading, fmt in ((area, "area_km2", "Area (km²)", "{:,.0f}"),
                                         (people, "population", "Population (latest census found)",
                                          "{:,.0f}")):
            values = rows[column].astype(float)
            ax.barh(names, values.fillna(0), color=colours)
            ax.set_title(heading, loc="left", fontsize=13)
            ax.set_xlim(0, values.max() * 1.32)
            ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
            ax.grid(axis="x", color="0.9")
            ax.set_axisbelow(True)
            for y, (value, year) in enumerate(zip(values, rows["population_year"], strict=True)):
                if pd.isna(value):
                    text = "no figure"
                else:
                    text = fmt.format(value) + (f" ({int(year)})" if column == "population"
                                                and pd.notna(year) else "")
                ax.text(0 if pd.isna(value) else value, y, " " + text, va="center", ha="left",
                        fontsize=9.5, gid="value-label")
        area.tick_params(axis="y", labelsize=10)
        handles = [Patch(facecolor=c, label=COUNTRY_NAMES[k]) for k, c in COUNTRY_COLOURS.items()
                   if k in set(rows["country"])]
        people.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.95)
        title = f"Area and population of the {len(rows)} member provinces on {on}"
        fig.suptitle(title, x=0.01, ha="left")
    cols = ["province_code", "country", "name_en", "area_km2", "area_source_ids", "population",
            "population_year", "population_source_ids"]
    data = rows[[c for c in cols if c in rows.columns]]
    alt = (f"Two bar charts, each on its own scale, of the {len(rows)} member provinces on {on}: "
           f"area from {rows['area_km2'].min():,.0f} to {rows['area_km2'].max():,.0f} km² and population "
           f"from {rows['population'].min():,.0f} to {rows['population'].max():,.0f}.")
    ids = provenance.source_ids(data[[c for c in ("area_source_ids", "population_source_ids")
                                      if c in data.columns]])
    return figures.finish(fig, name=f"province_figures_{on}", title=title,
                          caption=title + "; each measure on its own scale; census years differ.",
                          alt=alt, sources=ids, data=data)
