"""clvlib: a cited research and teaching kit on the Cambodia-Laos-Vietnam Development Triangle.

The public API::

    clvlib.datasets()                 # the tables, one row each
    clvlib.load("provinces")          # a typed, checked DataFrame (a fresh copy each call)
    clvlib.describe("provinces")      # schema, description and sources
    clvlib.cite("provinces")          # bibliography: style="apa", "chicago-author-date",
                                      # "chicago-notes", "mla", "harvard"; "bibtex", "ris", "csl-json"
    clvlib.cite(trade[mask][["value", "unit"]])  # exactly the rows used (or ProvenanceLostError)
    clvlib.cite_kit()                 # the kit itself: code and data versions
    clvlib.sources_used()             # what this notebook showed, drew or cited
    clvlib.validate()                 # check every table; report.ok
    clvlib.province_code("Attapu")    # any spelling -> ISO 3166-2 code
    from clvlib import timeline       # partial-date selection, eras, plot_timeline

Heavy libraries (frictionless, geopandas, matplotlib) load only when a function
that needs them is called.
"""

from clvlib.catalog import Catalog, Report
from clvlib.data import (
    cite,
    data_version,
    datasets,
    describe,
    load,
    load_eras,
    load_events,
    load_province_figures,
    load_province_names,
    load_provinces,
    load_sources,
    province_code,
    sources_used,
    validate,
)
from clvlib.errors import (
    AmbiguousProvinceError,
    ClvlibError,
    DataError,
    Problem,
    UnknownProvinceError,
    UnknownTableError,
)
from clvlib.kit import cite_kit
from clvlib.provenance import ProvenanceLostError

__version__ = "0.1.0"

__all__ = [
    "AmbiguousProvinceError",
    "Catalog",
    "ClvlibError",
    "DataError",
    "Problem",
    "Report",
    "ProvenanceLostError",
    "UnknownProvinceError",
    "UnknownTableError",
    "__version__",
    "cite",
    "cite_kit",
    "data_version",
    "datasets",
    "describe",
    "load",
    "load_eras",
    "load_events",
    "load_province_figures",
    "load_province_names",
    "load_provinces",
    "load_sources",
    "province_code",
    "sources_used",
    "validate",
]
