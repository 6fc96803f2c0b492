"""Loading, describing and citing the tables: the public data API.

Every function takes an optional ``data_dir`` (default: the repository's
``data/`` folder, or ``$CLVLIB_DATA_DIR``) so that researchers can point the
kit at their own extended copy of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from clvlib import citation, names, provenance
from clvlib.catalog import Catalog, Report, split_list
from clvlib.errors import DataError
from clvlib.provenance import ProvenanceLostError
from clvlib.units import usd_values

PathLike = str | Path | None
MONEY_TABLES = ("trade", "investment")
"""Tables whose ``value`` is a money figure in a stated ``unit``: they get a ``value_usd`` column."""

__all__ = ["ProvenanceLostError", "cite", "data_version", "datasets", "describe", "load",
           "sources_used", "validate"]


def _catalog(data_dir: PathLike) -> Catalog:
    return Catalog() if data_dir is None else Catalog(Path(data_dir))


def load(name: str, *, data_dir: PathLike = None) -> pd.DataFrame:
    """Load table ``name`` with the dtypes its descriptor declares.

    Dates of type ``date`` are parsed to ``datetime64``; integers are nullable
    ``Int64``; numbers ``Float64``; code columns marked ``category`` are
    categoricals and other text is ``string``. Partial dates (``1999``,
    ``2002-01``) stay text at the precision the source gives. The table is
    checked first: if anything is wrong, :class:`clvlib.DataError` is raised
    naming file, row, column and value, and nothing is returned.

    Results are cached (in memory, and checked tables on disk under the clvlib
    cache folder, keyed by the content of the data package); each call
    returns an independent copy.

    Parameters
    ----------
    name : str
        A table name, as listed by :func:`datasets`.
    data_dir : path-like, optional
        Another data folder.

    Returns
    -------
    clvlib.provenance.SourcedFrame
        A ``pandas.DataFrame`` that remembers the sources of each row through
        selections, column subsets, merges, concatenations and group-by aggregates
        (used by :func:`cite`); ``.attrs["clvlib_table"]`` is ``name`` and
        ``.attrs["clvlib_data_version"]`` the data version. ``trade`` and
        ``investment`` also have ``value_usd`` (after ``unit``): the value in US
        dollars, missing where the unit is not money (counts of projects).

    Examples
    --------
    >>> provinces = load("provinces")
    >>> provinces.loc[provinces["province_code"] == "KH-16", "name_en"].item()
    'Ratanakiri'
    >>> trade = load("trade")
    >>> trade.columns[list(trade.columns).index("unit") + 1]
    'value_usd'
    """
    cat = _catalog(data_dir)
    frame = cat.read(name)
    usd, rows = _derived(cat, name, frame)
    if usd is not None:
        frame.insert(list(frame.columns).index("unit") + 1, "value_usd",
                     pd.array(usd, dtype="Float64"))
    frame.attrs["clvlib_table"] = name
    frame.attrs["clvlib_data_version"] = str(cat.descriptor.get("version", "unversioned"))
    return provenance.track(frame, rows)


_DERIVED: dict[tuple, tuple[np.ndarray | None, np.ndarray]] = {}


def _derived(cat: Catalog, name: str, frame: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray]:
    """The dollar values and each row's source ids of a table, computed once per file version."""
    path = cat.table(name).path
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, len(frame))
    if key not in _DERIVED:
        usd = None
        if name in MONEY_TABLES and {"value", "unit"} <= set(frame.columns):
            usd = usd_values(frame["value"], frame["unit"], strict=False).to_numpy()
        if name == "sources":
            ids = [[sid] for sid in frame["source_id"].astype(str)]
        else:
            columns = [c for c in _source_columns(cat, name) if c in frame.columns]
            ids = [[]] * len(frame)
            if columns:
                cells = zip(*(frame[c].tolist() for c in columns), strict=True)
                ids = [[i for cell in row for i in split_list(cell)] for row in cells]
        record = np.empty(len(frame), dtype=object)
        for i, row_ids in enumerate(ids):
            record[i] = frozenset(row_ids)
        _DERIVED[key] = (usd, record)
    return _DERIVED[key]


def data_version(*, data_dir: PathLike = None) -> str:
    """The version of the data release (``version`` in ``datapackage.json``; see ``data/CHANGELOG.md``).

    Examples
    --------
    >>> data_version().count(".") >= 1
    True
    """
    return str(_catalog(data_dir).descriptor.get("version", "unversioned"))


def load_sources(*, data_dir: PathLike = None) -> pd.DataFrame:
    """The bibliography: one row per source (``source_id``, kind, title, …, url, accessed).

    Examples
    --------
    >>> load_sources()["source_id"].is_unique
    True
    """
    return load("sources", data_dir=data_dir)


def load_provinces(*, data_dir: PathLike = None) -> pd.DataFrame:
    """Provinces of the three countries (pre-2025 ISO 3166-2 codes), with the preferred figures.

    ``area_km2`` and ``population`` (recorded for the triangle's provinces) are the
    figures the kit prefers (see the table's description, :func:`describe`); every
    other figure reported by a source is in :func:`load_province_figures`. Which
    provinces were in the triangle, and when: :func:`clvlib.geo.members`.

    Examples
    --------
    >>> load_provinces().groupby("country", observed=True).size().to_dict()
    {'KHM': 25, 'LAO': 18, 'VNM': 63}
    """
    return load("provinces", data_dir=data_dir)


def load_province_figures(*, data_dir: PathLike = None) -> pd.DataFrame:
    """Every area and population figure the sources give, preferred or not.

    Examples
    --------
    >>> figs = load_province_figures()
    >>> set(figs["measure"]) <= {"area_km2", "population"}
    True
    """
    return load("province_figures", data_dir=data_dir)


def load_province_names(*, data_dir: PathLike = None) -> pd.DataFrame:
    """Every spelling of a province name a user may meet, mapped to its ISO code.

    Examples
    --------
    >>> pn = load_province_names()
    >>> "Attapu" in set(pn.loc[pn["province_code"] == "LA-AT", "name"])
    True
    """
    return load("province_names", data_dir=data_dir)


def load_events(*, data_dir: PathLike = None) -> pd.DataFrame:
    """The events timeline: dates at their sources' precision, categories, countries, sources.

    Rival datings of one event are separate rows sharing a ``conflict_id``; see
    :func:`clvlib.timeline.conflicts`.

    Examples
    --------
    >>> ev = load_events()
    >>> ev.loc[ev["event_id"] == "withdrawal_announced_2024", "date"].item()
    '2024-09-20'
    """
    return load("events", data_dir=data_dir)


def load_eras(*, data_dir: PathLike = None) -> pd.DataFrame:
    """Named eras (start and end as partial dates) used to frame the timeline.

    Examples
    --------
    >>> "occupation" in set(load_eras()["era_id"])
    True
    """
    return load("eras", data_dir=data_dir)


def province_code(name: str, *, data_dir: PathLike = None) -> str:
    """The ISO 3166-2 code of a province from any known spelling.

    Matching ignores case, accents, spacing and punctuation. An unknown name
    raises :class:`clvlib.UnknownProvinceError` listing close matches.

    Examples
    --------
    >>> province_code("Rotanak Kiri")
    'KH-16'
    >>> province_code("dak lak")
    'VN-33'
    """
    return names.resolve(name, load_province_names(data_dir=data_dir))


def _source_columns(cat: Catalog, table: str) -> list[str]:
    """The columns of ``table`` whose values are ids in ``sources``."""
    return [
        f["name"] for f in cat.table(table).fields
        if f.get("clv", {}).get("references", {}).get("resource") == "sources"
    ]


def _cited_ids(frame: pd.DataFrame, columns: list[str]) -> set[str]:
    ids: set[str] = set()
    for col in columns:
        if col in frame.columns:
            for cell in frame[col]:
                ids.update(split_list(cell))
    return ids


def _data_entry(cat: Catalog, table: str | None) -> dict:
    """The CSL-JSON item of the data release (the table named in the title)."""
    from clvlib.kit import kit_item

    return kit_item(data_version=str(cat.descriptor.get("version", "")), table=table)


def cite(table_or_frame: str | pd.DataFrame | pd.Series, style: str = "apa", *,
         data_dir: PathLike = None) -> citation.Bibliography:
    """The bibliography for a table, or for exactly the rows of a frame derived from :func:`load`.

    Parameters
    ----------
    table_or_frame : str, pandas.DataFrame or pandas.Series
        A table name, or a frame (or column, or aggregate) derived from
        :func:`load`: only the sources of the rows it holds are listed. Row
        selections, column subsets, merges, concatenations and group-by
        aggregates keep that record; a frame with a source-id column is cited from
        it. When the kit cannot know the rows, :class:`ProvenanceLostError` says how
        to keep them; it never returns an empty list in their place.
    style : str
        ``"apa"`` (APA 7), ``"chicago-author-date"``, ``"chicago-notes"``
        (notes-bibliography), ``"mla"``, ``"harvard"``, or an export:
        ``"bibtex"``, ``"ris"``, ``"csl-json"``.

    Returns
    -------
    Bibliography
        A ``str`` (print it) that renders as HTML in Jupyter; ``.ids`` holds the
        source ids. The data release (with its version) is listed after the sources.
        The cited sources are marked used (:func:`sources_used`).

    Examples
    --------
    >>> p = load("provinces")
    >>> laos = p[p["country"] == "LAO"][["province_code", "population"]]
    >>> set(cite(laos).ids) <= set(cite("provinces").ids)
    True
    >>> print(cite(load("sources").head(1), style="chicago-notes"))  # doctest: +ELLIPSIS
    Python Package Index. “Pycountry 26.2.16: ...”. Python Package Index, February 16, 2026. https://...
    The clvlib developers. “Clvlib Data: The Sources Table”. Version ...
    """
    cat = _catalog(data_dir)
    if isinstance(table_or_frame, str):
        table: str | None = table_or_frame
        ids = provenance.row_sources(load(table_or_frame, data_dir=data_dir))
    elif isinstance(table_or_frame, (pd.DataFrame, pd.Series)):
        table = table_or_frame.attrs.get("clvlib_table")
        ids = provenance.row_sources(table_or_frame)
    else:
        raise TypeError(f"cite() takes a table name or a DataFrame, not {type(table_or_frame)!r}")
    provenance.mark_used(ids)
    return citation.bibliography(cat.read("sources"), ids, style, extra=[_data_entry(cat, table)])


def sources_used(style: str = "apa", *, also: tuple[str, ...] | list[str] = (),
                 data_dir: PathLike = None) -> citation.Bibliography:
    """The bibliography of the sources this process actually used, for notebook footers.

    Used means shown (a frame from :func:`load`, or derived from one, displayed in
    Jupyter or printed), drawn (figure helpers mark the rows they draw), cited
    (:func:`cite`), plus ``also``; not every source of every table loaded. The
    data release (with its version) is listed after them. It reads no table but
    ``sources``, so it does not depend on any cache.

    Parameters
    ----------
    style : str
        As for :func:`cite`.
    also : sequence of str
        Source ids cited in the notebook's text (not through a table) to add.

    Examples
    --------
    >>> provenance.reset()
    >>> _ = load("provinces")  # loading alone uses nothing
    >>> sources_used(also=["pycountry_26_2_16"]).ids
    ['pycountry_26_2_16']
    """
    cat = _catalog(data_dir)
    ids = provenance.used() | set(also)
    return citation.bibliography(cat.read("sources"), ids, style, extra=[_data_entry(cat, None)])


def datasets(*, data_dir: PathLike = None) -> pd.DataFrame:
    """One row per table: name, title, rows, fields, licence, number of distinct sources cited.

    Examples
    --------
    >>> d = datasets()
    >>> list(d.columns)
    ['name', 'title', 'rows', 'fields', 'licence', 'sources']
    """
    cat = _catalog(data_dir)
    default_licence = _licence_name(cat.descriptor.get("licenses", []))
    rows = []
    for name in cat.names:
        table = cat.table(name)
        frame = cat.read(name)
        cited = (len(frame) if name == "sources"
                 else len(_cited_ids(frame, _source_columns(cat, name))))
        rows.append({
            "name": name,
            "title": table.title,
            "rows": len(frame),
            "fields": len(table.fields),
            "licence": _licence_name(table.resource.get("licenses", [])) or default_licence,
            "sources": cited,
        })
    out = pd.DataFrame(rows)
    return out.astype({"rows": "Int64", "fields": "Int64", "sources": "Int64"})


def _licence_name(licences: list[dict]) -> str:
    return "; ".join(lic.get("name") or lic.get("title", "") for lic in licences)


@dataclass(repr=False)
class TableInfo:
    """What :func:`describe` returns: a table's description, schema and a summary of its sources.

    It prints as text and renders as HTML in a notebook. The sources are summarised
    (how many, of which kinds, where to see them); ``sources`` holds the full
    bibliography for whoever wants it (``print(info.sources)``).
    """

    name: str
    title: str
    description: str
    licence: str
    rows: int
    schema: pd.DataFrame
    sources: citation.Bibliography
    source_kinds: dict[str, int]
    data_version: str = ""

    def __repr__(self) -> str:
        return str(self)

    @property
    def sources_summary(self) -> str:
        """One line: how many sources, of which kinds, and how to list them."""
        n = len(self.sources.ids)
        kinds = ", ".join(f"{count} {kind}" for kind, count in self.source_kinds.items())
        return (f"{n} source{'s' if n != 1 else ''} ({kinds}); list them with "
                f"clvlib.cite({self.name!r}) or `clvlib cite {self.name}`")

    def __str__(self) -> str:
        version = f"; data version {self.data_version}" if self.data_version else ""
        lines = [f"{self.title} ({self.name}): {self.rows} rows; licence {self.licence}{version}",
                 "", self.description, "", self.schema.to_string(index=False), "",
                 "Sources: " + self.sources_summary]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        version = f" &middot; data version {escape(self.data_version)}" if self.data_version else ""
        return "\n".join([
            f"<h3>{escape(self.title)} (<code>{escape(self.name)}</code>)</h3>",
            f"<p>{self.rows} rows &middot; licence: {escape(self.licence)}{version}</p>",
            f"<p>{escape(self.description)}</p>",
            self.schema.to_html(index=False),
            f"<p><strong>Sources</strong>: {escape(self.sources_summary)}</p>",
            "<details><summary>Show the sources</summary>", self.sources._repr_html_(), "</details>",
        ])


def _constraint_text(fdesc: dict) -> str:
    cons = dict(fdesc.get("constraints", {}))
    cons.pop("required", None)
    bits = [f"{k}={v}" for k, v in cons.items()]
    rules = fdesc.get("clv", {})
    if rules.get("iso"):
        bits.append(f"ISO {'3166-1 alpha-3' if rules['iso'] == 'country' else '3166-2'}")
    if rules.get("list"):
        bits.append("';'-separated list")
    if rules.get("references"):
        bits.append(f"→ {rules['references']['resource']}.{rules['references']['field']}")
    if rules.get("partialDate"):
        bits.append("partial date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return "; ".join(bits)


def describe(name: str, *, data_dir: PathLike = None) -> TableInfo:
    """A table's description, schema (fields, types, constraints) and sources.

    Examples
    --------
    >>> info = describe("provinces")
    >>> "province_code" in set(info.schema["field"])
    True
    >>> info.sources_summary.endswith("list them with clvlib.cite('provinces') or `clvlib cite provinces`")
    True
    """
    cat = _catalog(data_dir)
    table = cat.table(name)
    frame = cat.read(name)
    schema = pd.DataFrame([
        {
            "field": f["name"],
            "type": f.get("type", "string"),
            "required": bool(f.get("constraints", {}).get("required", False)),
            "rules": _constraint_text(f),
            "description": f.get("description", ""),
        }
        for f in table.fields
    ])
    if name in MONEY_TABLES and "unit" in set(schema["field"]):
        at = int(schema.index[schema["field"] == "unit"][0]) + 1
        derived = pd.DataFrame([{"field": "value_usd", "type": "number", "required": False,
                                 "rules": "added by clvlib.load (not in the CSV file)",
                                 "description": "value in US dollars, from value and unit "
                                                "(empty when the unit is not money)"}])
        schema = pd.concat([schema.iloc[:at], derived, schema.iloc[at:]], ignore_index=True)
    licence = (_licence_name(table.resource.get("licenses", []))
               or _licence_name(cat.descriptor.get("licenses", [])))
    sources = cat.read("sources")
    ids = provenance.row_sources(load(name, data_dir=data_dir))
    kinds = (sources[sources["source_id"].isin(ids)]["kind"].astype(str).value_counts()
             .sort_index().sort_values(ascending=False, kind="stable"))
    return TableInfo(name, table.title, table.description, licence, len(frame), schema,
                     citation.bibliography(sources, ids), {str(k): int(v) for k, v in kinds.items()},
                     data_version(data_dir=data_dir))


def validate(*, data_dir: PathLike = None, use_frictionless: bool = True) -> Report:
    """Check every table against the descriptor and the project's rules.

    Returns a :class:`~clvlib.catalog.Report`: ``report.ok`` is True only when
    everything passes; ``print(report)`` shows each problem with file, row,
    column and value.

    Examples
    --------
    >>> validate(use_frictionless=False).ok
    True
    """
    try:
        cat = _catalog(data_dir)
    except DataError as exc:
        return Report(Path(data_dir or "."), {}, exc.problems, use_frictionless)
    return cat.validate(use_frictionless=use_frictionless)
