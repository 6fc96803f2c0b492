"""Geography: boundary files (hashed registry, offline mirror), membership over time, maps.

The package has four modules, each readable in one sitting:

- :mod:`clvlib.geo.boundary`: the registry of boundary files, download or offline
  mirror with sha256 checks, and :func:`boundaries` (the joined GeoDataFrame);
- :mod:`clvlib.geo.membership`: :func:`members` on a date, and :func:`reaggregate`
  across Vietnam's 2025 merger;
- :mod:`clvlib.geo.maps`: static, slide-ready figures (:func:`plot_region`,
  :func:`plot_membership`, :func:`plot_province_figures`) and :func:`project_geometries`;
- :mod:`clvlib.geo.interactive`: the offline plotly map.

geopandas, matplotlib and plotly are imported only inside the functions that
need them.

Examples
--------
>>> from clvlib import geo
>>> len(geo.members("2024-09-19"))
13
"""

from clvlib.geo.boundary import (
    CACHE_ENV,
    EQUAL_AREA,
    MIRROR_ENV,
    NEIGHBOURS,
    TRIANGLE_COUNTRIES,
    BoundaryHashError,
    BoundaryUnavailableError,
    UnmatchedProvinceError,
    area_comparison,
    boundaries,
    cache_dir,
    fetch,
    fetch_all,
    registry,
    sha256,
)
from clvlib.geo.interactive import interactive_html, interactive_map, save_interactive
from clvlib.geo.maps import (
    COUNTRY_COLOURS,
    COUNTRY_NAMES,
    MAP_CRS,
    WITHDRAWAL,
    plot_membership,
    plot_province_figures,
    plot_region,
    project_geometries,
)
from clvlib.geo.membership import CrosswalkError, members, reaggregate

__all__ = [
    "CACHE_ENV", "COUNTRY_COLOURS", "COUNTRY_NAMES", "EQUAL_AREA", "MAP_CRS", "MIRROR_ENV",
    "NEIGHBOURS", "TRIANGLE_COUNTRIES", "WITHDRAWAL", "BoundaryHashError",
    "BoundaryUnavailableError", "CrosswalkError", "UnmatchedProvinceError", "area_comparison",
    "boundaries", "cache_dir", "fetch", "fetch_all", "interactive_html", "interactive_map",
    "members", "plot_membership", "plot_province_figures", "plot_region", "project_geometries", "reaggregate",
    "registry", "save_interactive", "sha256",
]
