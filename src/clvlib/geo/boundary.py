"""Boundary files: the hashed registry, download or offline mirror, and the joined GeoDataFrame.

Boundary files are not part of the repository. :func:`fetch` gets each one from
its pinned upstream URL with :mod:`pooch` (the sha256 is checked) into a user
cache folder, or reads it from a local mirror folder named by the environment
variable ``CLVLIB_MIRROR`` (same relative paths; for classrooms without internet
and for tests). :func:`boundaries` returns the provinces or countries as a
GeoDataFrame with the project's ISO codes and English names, after fixing the
files' known quirks, and caches the joined result as GeoParquet.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clvlib import cache as user_cache
from clvlib.cache import CACHE_ENV, cache_dir  # noqa: F401 - CACHE_ENV re-exported by clvlib.geo
from clvlib.errors import ClvlibError, UnknownProvinceError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

MIRROR_ENV = "CLVLIB_MIRROR"
"""Environment variable naming a local folder that holds the boundary files."""

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
    import requests

    try:
        path = user_cache.download(entry["url"], entry["sha256"], relpath, timeout=30)
    except ValueError as exc:  # hash mismatch; the download is discarded
        raise BoundaryHashError(
            f"{relpath}: the download from {entry['url']} does not match the registry's sha256 "
            f"{entry['sha256']}; it was refused and not kept in the cache. ({exc})"
        ) from exc
    except (requests.exceptions.RequestException, OSError) as exc:
        where = f"no mirror set ({MIRROR_ENV})" if not mirror else f"not in the mirror {mirror}"
        raise BoundaryUnavailableError([relpath], cache_dir(),
                                       f"download failed: {type(exc).__name__}; {where}") from exc
    return path


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
    """Key of the derived boundaries: every input, and the code and libraries that join them.

    The boundary files (sha256), the registry's fixes, the names tables (as the descriptor
    locates them), this module's source and the geopandas, shapely and pyogrio versions: a
    change to any of them gives a new key, so a stored frame is never stale.
    """
    from importlib.metadata import version

    from clvlib.catalog import Catalog

    parts = [str(level), ",".join(countries)]
    parts += [registry()["files"][rel]["sha256"] for rel in _files(level, countries)]
    parts.append(json.dumps(registry().get("fixes", []), sort_keys=True))
    catalog = Catalog(data_dir)
    for name in ("provinces", "province_names"):
        p = catalog.table(name).path
        parts.append(sha256(p) if p.exists() else "-")
    parts.append(sha256(Path(__file__)))
    parts += [f"{lib}={version(lib)}" for lib in ("geopandas", "shapely", "pyogrio")]
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

    default = TRIANGLE_COUNTRIES if level == 1 else TRIANGLE_COUNTRIES + NEIGHBOURS
    countries = tuple(sorted(countries or default))
    files = _files(level, countries)
    from clvlib.catalog import Catalog, default_data_dir

    folder = Path(data_dir).resolve() if data_dir else default_data_dir()
    paths = fetch_all(files)
    attrs = _attrs(level, countries)
    key = _cache_key(level, countries, folder)
    if use_cache:
        stored = user_cache.read_frame("derived", f"boundaries-{level}", key)
        if stored is not None:
            stored.attrs.update(attrs)
            return stored
    frames = []
    if level == 0:
        for rel, path in zip(files, paths, strict=True):
            raw = gpd.read_file(path)
            frames.append(gpd.GeoDataFrame(
                {"country": [registry()["files"][rel]["country"]], "name_en": [raw["name_en"].iloc[0]]},
                geometry=raw.geometry.values, crs=raw.crs))
        out = pd.concat(frames, ignore_index=True)
    else:
        # read through the catalog, not clvlib.load: whether the joined table came from the
        # cache must not change what counts as loaded (and so cited)
        catalog = Catalog(folder)
        provinces = catalog.read("provinces")
        names = catalog.read("province_names")
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
        user_cache.write_frame("derived", f"boundaries-{level}", key, out)
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


