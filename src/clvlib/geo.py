"""Geography: boundary files (hashed registry, offline mirror), membership over time, maps.

Boundary files are not part of the repository. :func:`fetch` gets each one from
its pinned upstream URL with :mod:`pooch` (the sha256 is checked) into a user
cache folder, or reads it from a local mirror folder named by the environment
variable ``CLVLIB_MIRROR`` (same relative paths; for classrooms without internet
and for tests). :func:`boundaries` returns the provinces or countries as a
GeoDataFrame with the project's ISO codes and English names, after fixing the
files' known quirks, and caches the joined result as GeoParquet.

geopandas, matplotlib and plotly are imported only inside the functions that
need them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clvlib.catalog import partial_date_bounds, partial_date_problem
from clvlib.errors import ClvlibError, UnknownProvinceError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

MIRROR_ENV = "CLVLIB_MIRROR"
"""Environment variable naming a local folder that holds the boundary files."""

CACHE_ENV = "CLVLIB_CACHE"
"""Environment variable overriding the cache folder (default: the user cache)."""

TRIANGLE_COUNTRIES = ("KHM", "LAO", "VNM")
NEIGHBOURS = ("THA", "CHN", "MMR")
EQUAL_AREA = "EPSG:6933"
"""World cylindrical equal-area projection used for areas."""


class BoundaryUnavailableError(ClvlibError):
    """A boundary file is neither in the cache, nor in the mirror, nor downloadable."""

    def __init__(self, missing: list[str], folder: Path, reason: str):
        self.missing = missing
        self.folder = folder
        self.reason = reason
        files = "\n".join(f"  - {rel}  ({registry()['files'][rel]['url']})" for rel in missing)
        super().__init__(
            f"cannot get {len(missing)} boundary file(s) ({reason}):\n{files}\n"
            f"Without internet, copy these files (same relative paths) into a folder and set "
            f"{MIRROR_ENV} to it, or put them under the cache folder {folder}."
        )


class BoundaryHashError(ClvlibError):
    """A boundary file's sha256 differs from the registry's: the file is refused."""


class UnmatchedProvinceError(ClvlibError):
    """Features of a boundary file whose name and code match no known province."""

    def __init__(self, rows: list[dict[str, Any]]):
        self.rows = rows
        lines = "\n".join(
            f"  - {r['file']}, feature {r['feature']}: name {r['name']!r}, code {r['code']!r} ({r['why']})"
            for r in rows
        )
        super().__init__(
            f"{len(rows)} feature(s) could not be matched to a province; none was dropped:\n{lines}\n"
            "Add the spelling to data/province_names.csv (with its source) or fix the code."
        )


# ----------------------------------------------------------------------------- registry


@cache
def registry() -> dict[str, Any]:
    """The registry of remote boundary files (URL, sha256, licence, attribution, quirks).

    Examples
    --------
    >>> entry = registry()["files"]["admin1_superset_country_map_0.20.3/laos.geojson"]
    >>> entry["country"], len(entry["sha256"])
    ('LAO', 64)
    """
    text = resources.files("clvlib").joinpath("boundaries.json").read_text(encoding="utf-8")
    return json.loads(text)


def cache_dir() -> Path:
    """The folder downloaded and derived files are kept in.

    Examples
    --------
    >>> cache_dir().name in {"clvlib", os.environ.get(CACHE_ENV, "clvlib").rstrip("/").split("/")[-1]}
    True
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("clvlib"))


def sha256(path: Path) -> str:
    """The sha256 hex digest of a file.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkstemp()[1]); _ = p.write_bytes(b"abc")
    >>> sha256(p)[:12]
    'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(level: int, countries: tuple[str, ...]) -> list[str]:
    if level not in (0, 1):
        raise ValueError(f"level must be 0 (countries) or 1 (provinces), not {level!r}")
    available = {e["country"] for e in registry()["files"].values() if e["level"] == level}
    unknown = sorted(set(countries) - available)
    if unknown:
        raise ValueError(f"no level-{level} boundary file for {unknown}; available: {sorted(available)}")
    return [rel for rel, e in registry()["files"].items()
            if e["level"] == level and e["country"] in countries]


def fetch(relpath: str) -> Path:
    """The local path of a registered boundary file, verified against its sha256.

    Order: the mirror folder (``$CLVLIB_MIRROR``) if it holds the file; else the
    cache, downloading from the pinned URL if needed. A file whose hash differs is
    refused with :class:`BoundaryHashError` (a bad download is not kept in the
    cache); when nothing works, :class:`BoundaryUnavailableError` says what to do.

    Examples
    --------
    >>> fetch("admin0_naturalearth_10m_ashkyd/KHM.geojson").name  # doctest: +ELLIPSIS
    'KHM.geojson'
    """
    entry = registry()["files"].get(relpath)
    if entry is None:
        raise KeyError(f"{relpath!r} is not in the boundary registry")
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        candidate = Path(mirror).expanduser() / relpath
        if candidate.is_file():
            got = sha256(candidate)
            if got != entry["sha256"]:
                raise BoundaryHashError(
                    f"{candidate}: sha256 {got} differs from the registry's {entry['sha256']}; "
                    f"the file is refused. Replace it with the file from {entry['url']}."
                )
            return candidate
    import pooch
    import requests

    target = cache_dir() / relpath
    try:
        path = pooch.retrieve(entry["url"], known_hash=f"sha256:{entry['sha256']}",
                              fname=target.name, path=target.parent, progressbar=False,
                              downloader=pooch.HTTPDownloader(timeout=30, progressbar=False))
    except ValueError as exc:  # pooch: hash mismatch; the download is discarded
        if target.exists() and sha256(target) != entry["sha256"]:
            target.unlink()
        raise BoundaryHashError(
            f"{relpath}: the download from {entry['url']} does not match the registry's sha256 "
            f"{entry['sha256']}; it was refused and not kept in the cache. ({exc})"
        ) from exc
    except (requests.exceptions.RequestException, OSError) as exc:
        where = f"no mirror set ({MIRROR_ENV})" if not mirror else f"not in the mirror {mirror}"
        raise BoundaryUnavailableError([relpath], cache_dir(),
                                       f"download failed: {type(exc).__name__}; {where}") from exc
    return Path(path)


def fetch_all(relpaths: list[str]) -> list[Path]:
    """:func:`fetch` each file; one :class:`BoundaryUnavailableError` lists every missing file."""
    paths, missing, reason = [], [], ""
    for rel in relpaths:
        try:
            paths.append(fetch(rel))
        except BoundaryUnavailableError as exc:
            missing.append(rel)
            reason = exc.reason
    if missing:
        raise BoundaryUnavailableError(missing, cache_dir(), reason)
    return paths


# ----------------------------------------------------------------------------- boundaries


def _apply_fixes(frame: gpd.GeoDataFrame, relpath: str) -> list[str]:
    """Apply the registry's documented fixes to one file's features; return what was done."""
    done = []
    for fix in registry().get("fixes", []):
        if fix["file"] != relpath:
            continue
        mask = pd.Series(True, index=frame.index)
        for column, value in fix["where"].items():
            mask &= frame[column] == value
        if mask.sum() != 1:
            raise UnmatchedProvinceError([{
                "file": relpath, "feature": "-", "name": fix["where"].get("NAME_1", ""),
                "code": fix["where"].get("ISO", ""),
                "why": f"the documented fix expects one such feature, found {int(mask.sum())}"}])
        for column, value in fix["set"].items():
            frame.loc[mask, column] = value
        done.append(f"{relpath}: {fix['why']}")
    return done


def _match_names(frame: gpd.GeoDataFrame, relpath: str, names: pd.DataFrame,
                 known_codes: set[str]) -> list[dict[str, Any]]:
    from clvlib.names import resolve

    unmatched = []
    for idx, row in frame.iterrows():
        code, name = row["ISO"], row["NAME_1"]
        why = None
        if code not in known_codes:
            why = "code not in the provinces table"
        else:
            try:
                if resolve(name, names) != code:
                    why = f"the name belongs to {resolve(name, names)}"
            except (UnknownProvinceError, KeyError):
                why = "spelling not in province_names"
        if why:
            unmatched.append({"file": relpath, "feature": int(idx), "name": name, "code": code,
                              "why": why})
    return unmatched


def _cache_key(level: int, countries: tuple[str, ...], data_dir: Path) -> str:
    parts = [str(level), ",".join(countries)]
    parts += [registry()["files"][rel]["sha256"] for rel in _files(level, countries)]
    parts.append(json.dumps(registry().get("fixes", []), sort_keys=True))
    for name in ("provinces.csv", "province_names.csv"):
        p = data_dir / name
        parts.append(sha256(p) if p.exists() else "-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _attrs(level: int, countries: tuple[str, ...]) -> dict[str, Any]:
    files = _files(level, countries)
    entries = [registry()["files"][rel] for rel in files]
    notes = [n["note"] for n in registry().get("notes", []) if n["file"] in files]
    fixes = [f["why"] for f in registry().get("fixes", []) if f["file"] in files]
    return {
        "attribution": "; ".join(dict.fromkeys(e["attribution"] for e in entries)),
        "licences": sorted({e["licence"] for e in entries}),
        "files": {rel: registry()["files"][rel]["url"] for rel in files},
        "notes": notes,
        "fixes": fixes,
    }


def boundaries(level: int = 1, countries: tuple[str, ...] | list[str] | None = None, *,
               data_dir: Path | str | None = None, use_cache: bool = True) -> gpd.GeoDataFrame:
    """Provinces (``level=1``) or countries (``level=0``) as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    level : {1, 0}
        1: provinces of Cambodia, Laos and Vietnam (before Vietnam's 2025 merger);
        0: country outlines (also Thailand, China and Myanmar).
    countries : sequence of ISO 3166-1 alpha-3 codes, optional
        Which countries (default: the three for level 1, all six for level 0).
    data_dir : path-like, optional
        Another data folder for the names tables.
    use_cache : bool
        Read and write the GeoParquet cache of the joined result.

    Returns
    -------
    geopandas.GeoDataFrame
        Level 1: ``province_code``, ``country``, ``name_en`` and ``name_local``
        (from the project's ``provinces`` table), ``name_in_file``, ``geometry``.
        Level 0: ``country``, ``name_en``, ``geometry``. ``.attrs`` holds the
        attribution, licences, source URLs, the fixes applied and notes on what
        the files lack.

    Raises
    ------
    BoundaryUnavailableError, BoundaryHashError, UnmatchedProvinceError

    Examples
    --------
    >>> gdf = boundaries(1, ["LAO"])
    >>> gdf.loc[gdf["province_code"] == "LA-AT", "name_en"].item()
    'Attapeu'
    """
    import geopandas as gpd

    from clvlib.data import load

    default = TRIANGLE_COUNTRIES if level == 1 else TRIANGLE_COUNTRIES + NEIGHBOURS
    countries = tuple(sorted(countries or default))
    files = _files(level, countries)
    from clvlib.catalog import default_data_dir

    folder = Path(data_dir).resolve() if data_dir else default_data_dir()
    paths = fetch_all(files)
    attrs = _attrs(level, countries)
    cached = cache_dir() / "derived" / f"boundaries_{_cache_key(level, countries, folder)}.parquet"
    if use_cache and cached.is_file():
        out = gpd.read_parquet(cached)
        out.attrs.update(attrs)
        return out
    frames = []
    if level == 0:
        for rel, path in zip(files, paths, strict=True):
            raw = gpd.read_file(path)
            frames.append(gpd.GeoDataFrame(
                {"country": [registry()["files"][rel]["country"]], "name_en": [raw["name_en"].iloc[0]]},
                geometry=raw.geometry.values, crs=raw.crs))
        out = pd.concat(frames, ignore_index=True)
    else:
        provinces = load("provinces", data_dir=data_dir)
        names = load("province_names", data_dir=data_dir)
        known = set(provinces["province_code"])
        unmatched: list[dict[str, Any]] = []
        for rel, path in zip(files, paths, strict=True):
            raw = gpd.read_file(path)
            _apply_fixes(raw, rel)
            unmatched += _match_names(raw, rel, names, known)
            frames.append(raw)
        if unmatched:
            raise UnmatchedProvinceError(unmatched)
        raw = pd.concat(frames, ignore_index=True)
        joined = raw.merge(provinces[["province_code", "country", "name_en", "name_local"]],
                           left_on="ISO", right_on="province_code", how="left", validate="m:1")
        out = gpd.GeoDataFrame(
            joined[["province_code", "country", "name_en", "name_local"]].assign(
                name_in_file=joined["NAME_1"]),
            geometry=joined.geometry.values, crs=raw.crs)
        out["country"] = out["country"].astype(str)
    out = out.to_crs("EPSG:4326")
    if use_cache:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        out.to_parquet(tmp)
        tmp.replace(cached)
    out.attrs.update(attrs)
    return out


def area_comparison(gdf: gpd.GeoDataFrame, provinces: pd.DataFrame) -> pd.DataFrame:
    """Areas computed from the geometry (equal-area projection) against the tables' figures.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        From :func:`boundaries` (level 1).
    provinces : pandas.DataFrame
        The ``provinces`` table (its ``area_km2`` is the preferred sourced figure).

    Returns
    -------
    pandas.DataFrame
        ``province_code``, ``name_en``, ``area_km2`` (sourced), ``area_geometry_km2``,
        ``difference_km2`` and ``difference_pct`` (geometry minus sourced, relative to
        sourced), only for provinces with a sourced area.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"province_code": ["X-1"], "name_en": ["Box"]},
    ...     geometry=[box(105, 0, 106, 1)], crs="EPSG:4326")
    >>> p = pd.DataFrame({"province_code": ["X-1"], "area_km2": [12000.0]})
    >>> round(area_comparison(g, p)["area_geometry_km2"].item(), -2)
    12300.0
    """
    measured = gdf[["province_code", "name_en"]].copy()
    measured["area_geometry_km2"] = gdf.to_crs(EQUAL_AREA).area.to_numpy() / 1e6
    measured = measured.groupby(["province_code", "name_en"], as_index=False).sum()
    table = provinces[["province_code", "area_km2"]].dropna()
    out = table.merge(measured, on="province_code", how="inner")
    out["area_km2"] = out["area_km2"].astype(float)
    out["difference_km2"] = out["area_geometry_km2"] - out["area_km2"]
    out["difference_pct"] = 100 * out["difference_km2"] / out["area_km2"]
    return out[["province_code", "name_en", "area_km2", "area_geometry_km2", "difference_km2",
                "difference_pct"]]


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
