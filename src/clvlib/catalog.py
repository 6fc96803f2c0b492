"""The data catalog: the descriptor, the checks, the typed tables.

``data/datapackage.json`` is a Frictionless Data Package descriptor. Besides
the standard field properties (``type``, ``constraints``) and the schema's
``primaryKey`` and ``foreignKeys``, a field may carry a ``clv`` object with the
project's own rules, which the standard cannot express:

``{"list": true}``
    The cell holds several values separated by ``;``.
``{"references": {"resource": "sources", "field": "source_id"}}``
    Every value (every item, for a list) must exist in that column of that
    table: a foreign key that also works on lists.
``{"iso": "country"}`` / ``{"iso": "subdivision"}``
    Every value must be an ISO 3166-1 alpha-3 / ISO 3166-2 code that
    :mod:`pycountry` knows.
``{"partialDate": true, "precisionField": "date_precision"}``
    A date written at the precision the sources give (``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``) that must exist on the calendar and, where a precision
    column is named, match it (``year``, ``month`` or ``day``).
``{"evidence": true}``
    A list of row references ``table:key`` (a composite key's parts joined by
    ``|``), each of which must name an existing row of that table.
``{"notBefore": "date"}``
    A partial date that must not end before the partial date in the named
    column begins (an end date before its start date is an error).
``{"category": true}``
    Loaded as a pandas categorical (codes with few distinct values).

This module and the small ones it is built from are the only ones that open files
in ``data/``: :mod:`clvlib.descriptor` (the declared tables), :mod:`clvlib.rawcsv`
(a file as text cells), :mod:`clvlib.values` (cell types, lists, partial dates),
:mod:`clvlib.manifest` (sha256 and row counts) and :mod:`clvlib.report` (the
outcome). It checks tables with fast pandas code (the same rules for
:func:`clvlib.load` and :func:`clvlib.validate`); :meth:`Catalog.validate` also
runs the ``frictionless`` validator over the whole package, imported only then.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clvlib import cache, manifest
from clvlib.descriptor import DESCRIPTOR, Table, descriptor_problems
from clvlib.errors import DataError, ManifestWarning, Problem, UnknownTableError
from clvlib.manifest import MANIFEST, MANIFEST_CODES, ManifestWriteError
from clvlib.rawcsv import count_records, read_raw, stat_key
from clvlib.report import Report, dedupe
from clvlib.values import (
    LIST_SEPARATOR,
    PRECISIONS,
    constraint_problems,
    convert,
    iso_known,
    partial_date_bounds,
    partial_date_problem,
    split_list,
)

__all__ = [
    "DATA_DIR_ENV", "DESCRIPTOR", "LIST_SEPARATOR", "MANIFEST", "MANIFEST_CODES", "PRECISIONS",
    "Catalog", "ManifestWriteError", "Report", "Table", "default_data_dir",
    "partial_date_bounds", "partial_date_problem", "split_list", "write_manifest",
]

_CHECK_MODULES = ("catalog", "descriptor", "rawcsv", "values")
"""The modules whose code decides what a checked table holds (part of the cache key)."""


DATA_DIR_ENV = "CLVLIB_DATA_DIR"
"""Environment variable that points clvlib at another data folder."""


def default_data_dir() -> Path:
    """The data folder: ``$CLVLIB_DATA_DIR`` if set, else the kit's own data.

    The kit's own data is the checkout's ``data/`` (editable installs, the source
    tree) or, in an installed wheel, the copy packaged inside ``clvlib``
    (:func:`clvlib.paths.data_dir`).

    Examples
    --------
    >>> default_data_dir().name
    'data'
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from clvlib.paths import data_dir

    return data_dir()


_CACHE: dict[tuple[Any, ...], pd.DataFrame] = {}
_RAW_CACHE: dict[tuple[Any, ...], tuple[pd.DataFrame | None, list[Problem], pd.DataFrame | None]] = {}
_DIGESTS: dict[tuple[Any, ...], tuple[str, dict[str, dict[str, Any]]]] = {}
_MANIFEST_WARNED: set[tuple[str, str, str]] = set()
_CHECKED_DESCRIPTORS: dict[str, list[Problem]] = {}


@dataclass
class Catalog:
    """The tables in one data folder, as its descriptor declares them.

    Parameters
    ----------
    data_dir : path-like, optional
        The folder holding ``datapackage.json`` and the CSV files; by default
        :func:`default_data_dir`.

    Examples
    --------
    >>> cat = Catalog()
    >>> "provinces" in cat.names
    True
    >>> cat.read("provinces")["province_code"].is_unique
    True
    """

    data_dir: Path = field(default_factory=default_data_dir)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        path = self.data_dir / DESCRIPTOR
        if not path.is_file():
            raise DataError(
                [Problem(DESCRIPTOR, None, None, None, "missing-descriptor",
                         f"no descriptor at {path}; set {DATA_DIR_ENV} to the data folder")]
            )
        try:
            text = path.read_text(encoding="utf-8")
            self.descriptor: dict[str, Any] = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataError(
                [Problem(DESCRIPTOR, None, None, None, "bad-descriptor", f"not valid JSON: {exc}")]
            ) from exc
        if text not in _CHECKED_DESCRIPTORS:
            _CHECKED_DESCRIPTORS[text] = descriptor_problems(self.descriptor)
        problems = _CHECKED_DESCRIPTORS[text]
        if problems:
            raise DataError(problems, header=f"the descriptor {path} has {len(problems)} problem(s)")
        self._tables = {
            r["name"]: Table(r["name"], self.data_dir / r["path"], r)
            for r in self.descriptor.get("resources", [])
        }

    # ---- what is declared

    @property
    def names(self) -> list[str]:
        """Table names in descriptor order."""
        return list(self._tables)

    def table(self, name: str) -> Table:
        """The declared table ``name``; :class:`UnknownTableError` if there is none."""
        try:
            return self._tables[name]
        except KeyError:
            raise UnknownTableError(
                f"no table named {name!r}; the tables are: {', '.join(self.names)}"
            ) from None

    def _signature(self) -> tuple[Any, ...]:
        files = [self.data_dir / DESCRIPTOR] + [t.path for t in self._tables.values()]
        return tuple(stat_key(p) if p.exists() else None for p in files)

    # ---- reading

    def read(self, name: str) -> pd.DataFrame:
        """The typed table ``name``, checked; raises :class:`DataError` if anything is wrong.

        The result is cached per data folder and file versions; every call
        returns a fresh copy, so callers may change it freely. Checked tables
        are also kept between processes in the clvlib cache folder
        (:mod:`clvlib.cache`): a stored table is used only when its key (a
        digest of this module, the pandas and pycountry versions, the descriptor
        and every CSV of the package) matches and it holds as many rows as the
        CSV file and the sha256 of that file; anything else is checked afresh.
        """
        key = (str(self.data_dir), name, self._signature())
        if key not in _CACHE:
            digest, files = self._digest(key[2])
            expect = files.get(self.table(name).file, {})
            frame = cache.read_frame("tables", name, digest, expect)
            if frame is None:
                frame, problems = self.check(name)
                if problems:
                    raise DataError(problems, header=f"table {name!r} ({self.table(name).file}) "
                                                     f"has {len(problems)} problem(s)")
                cache.write_frame("tables", name, digest, frame, expect)
            self._warn_manifest(name, expect)   # loaded, but not the file the manifest records
            frame.attrs["clvlib_table"] = name
            _CACHE[key] = frame
        return _CACHE[key].copy(deep=True)

    def _digest(self, signature: tuple[Any, ...]) -> tuple[str, dict[str, dict[str, Any]]]:
        """The key of everything a check depends on, and each CSV's sha256 and row count.

        The key covers this module's code, the pandas and pycountry versions,
        the descriptor and every CSV file of the package (references cross
        tables), so a stored table is never stale; only tables that passed every
        check are stored.
        """
        memo = (str(self.data_dir), signature)
        if memo not in _DIGESTS:
            from importlib.metadata import version

            digest = hashlib.sha256()
            for module in _CHECK_MODULES:
                digest.update((Path(__file__).parent / f"{module}.py").read_bytes())
            digest.update(f"pandas {pd.__version__} pycountry {version('pycountry')}".encode())
            files: dict[str, dict[str, Any]] = {}
            named = [(DESCRIPTOR, self.data_dir / DESCRIPTOR)]
            named += [(t.file, t.path) for t in self._tables.values()]
            for file, path in named:
                try:
                    data = path.read_bytes() if path.is_file() else b"<missing>"
                except OSError:
                    data = b"<unreadable>"
                digest.update(file.encode() + b"\0" + data + b"\0")
                if file != DESCRIPTOR:
                    files[file] = {"csv_sha256": hashlib.sha256(data).hexdigest(),
                                        "rows": count_records(data)}
            _DIGESTS[memo] = (digest.hexdigest()[:24], files)
        return _DIGESTS[memo]

    def check(self, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
        """Parse and check table ``name``; return the typed frame and every problem found.

        The frame is ``None`` when the file cannot be read at all.
        """
        table = self.table(name)
        raw, problems = self._read_raw(table)
        if raw is None:
            return None, problems
        frame, cell_problems = self._parse(table, raw)
        problems += cell_problems
        problems += self._check_keys(table, raw)
        problems += self._check_references(table, raw)
        problems += self._check_evidence(table, raw)
        return frame, problems

    def _read_raw(self, table: Table, *, keys: bool = False) -> tuple[pd.DataFrame | None, list[Problem]]:
        """The file as text cells (``None`` for empty), with header problems; cached per file version.

        With ``keys=True`` the frame also holds the rows left out of the checks for having
        too few or too many fields (padded or cut to the header), so that other tables'
        references to them are not reported as a second problem. The raw frame is shared
        between callers and must not be modified.
        """
        if table.path.is_file():
            key = (str(table.path), tuple(table.field_names), stat_key(table.path))
            if key not in _RAW_CACHE:
                _RAW_CACHE[key] = read_raw(table)
            raw, problems, everything = _RAW_CACHE[key]
            return (everything if keys else raw), list(problems)
        raw, problems, _ = read_raw(table)
        return raw, problems

    def _parse(self, table: Table, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
        out: dict[str, pd.Series] = {}
        problems: list[Problem] = []
        for fdesc in table.fields:
            name = fdesc["name"]
            if name not in raw.columns:
                continue
            col = raw[name]
            typed, bad, why = convert(col, fdesc)
            for idx in col.index[bad]:
                problems.append(Problem(table.file, int(idx), name, col[idx], "type-error",
                                        why.get(idx, f"not a valid {fdesc.get('type', 'string')}")))
            problems += constraint_problems(table.file, fdesc, col, typed, bad)
            problems += self._clv_problems(table, fdesc, col, raw)
            out[name] = typed
        frame = pd.DataFrame(out, index=raw.index).reset_index(drop=True)
        frame.attrs["clvlib_table"] = table.name
        return frame, problems

    def _clv_problems(self, table: Table, fdesc: dict, col: pd.Series,
                      raw: pd.DataFrame) -> list[Problem]:
        rules = fdesc.get("clv", {})
        name = fdesc["name"]
        problems: list[Problem] = []
        present = col[col.notna()]
        if rules.get("iso"):
            known = iso_known(rules["iso"])
            what = "ISO 3166-1 alpha-3" if rules["iso"] == "country" else "ISO 3166-2"
            for idx, cell in present.items():
                items = split_list(cell) if rules.get("list") else [cell]
                for item in items:
                    if not known(item):
                        problems.append(Problem(table.file, int(idx), name, cell,
                                                "unknown-iso-code",
                                                f"{item!r} is not an {what} code pycountry knows"))
        if rules.get("partialDate"):
            prec_field = rules.get("precisionField")
            for idx, cell in present.items():
                precision = None
                if prec_field and prec_field in raw.columns:
                    precision = raw.at[idx, prec_field]
                msg = partial_date_problem(cell, precision)
                if msg:
                    problems.append(Problem(table.file, int(idx), name, cell, "bad-date", msg))
                    continue
                other = rules.get("notBefore")
                start = raw.at[idx, other] if other and other in raw.columns else None
                if start is not None and partial_date_problem(start) is None \
                        and partial_date_bounds(cell)[1] < partial_date_bounds(start)[0]:
                    problems.append(Problem(table.file, int(idx), name, cell, "date-order",
                                            f"ends before {other} ({start}) begins"))
        return problems

    def _check_keys(self, table: Table, raw: pd.DataFrame) -> list[Problem]:
        pk = table.primary_key
        if not pk or any(k not in raw.columns for k in pk):
            return []
        dup = raw.duplicated(subset=pk, keep="first")
        problems = []
        for idx in raw.index[dup]:
            value = "|".join(str(raw.at[idx, k]) for k in pk)
            problems.append(Problem(table.file, int(idx), ",".join(pk), value, "duplicate-key",
                                    "primary key already used by an earlier row"))
        return problems

    def _key_values(self, resource: str, fields: list[str]) -> set[tuple] | None:
        """The values of ``fields`` in table ``resource``, read raw (no recursion into checks).

        ``None`` when that table cannot be read, lacks the fields or has no rows:
        its own problems are the root cause, and the references are not checked.
        """
        ref = self.table(resource)
        raw, problems = self._read_raw(ref, keys=True)
        if raw is None or raw.empty or any(f not in raw.columns for f in fields):
            return None
        return set(raw[fields].itertuples(index=False, name=None))

    def _unchecked(self, table: Table, column: str, resource: str) -> Problem:
        target = self.table(resource).file
        return Problem(table.file, None, column, target, "reference-unchecked",
                       f"references to {resource!r} cannot be checked: {target} has problems of "
                       "its own (run clvlib validate)")

    def _check_references(self, table: Table, raw: pd.DataFrame) -> list[Problem]:
        problems: list[Problem] = []
        for fk in table.schema.get("foreignKeys", []):
            fields = [fk["fields"]] if isinstance(fk["fields"], str) else list(fk["fields"])
            ref = fk["reference"]
            ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else list(ref["fields"])
            ref_name = ref.get("resource") or table.name
            if any(f not in raw.columns for f in fields):
                continue
            known = self._key_values(ref_name, ref_fields)
            if known is None:
                problems.append(self._unchecked(table, ",".join(fields), ref_name))
                continue
            for idx, row in raw[fields].iterrows():
                values = tuple(row)
                if all(v is None for v in values) or values in known:
                    continue
                problems.append(Problem(table.file, int(idx), ",".join(fields),
                                        "|".join(str(v) for v in values), "foreign-key",
                                        f"no row in {ref_name!r} with "
                                        f"{','.join(ref_fields)} = {'|'.join(map(str, values))}"))
        for fdesc in table.fields:
            ref = fdesc.get("clv", {}).get("references")
            name = fdesc["name"]
            if not ref or name not in raw.columns:
                continue
            values = self._key_values(ref["resource"], [ref["field"]])
            if values is None:
                problems.append(self._unchecked(table, name, ref["resource"]))
                continue
            known = {v[0] for v in values}
            for idx, cell in raw[name].items():
                if cell is None:
                    continue
                items = split_list(cell) if fdesc.get("clv", {}).get("list") else [cell]
                if not items:
                    problems.append(Problem(table.file, int(idx), name, cell, "missing-value",
                                            "no value in the list"))
                for item in items:
                    if item not in known:
                        problems.append(Problem(table.file, int(idx), name, cell,
                                                "unknown-reference",
                                                f"{item!r} is not a {ref['field']} in "
                                                f"{ref['resource']!r}"))
        return problems

    def _check_evidence(self, table: Table, raw: pd.DataFrame) -> list[Problem]:
        """``table:key`` references (clv.evidence) must name existing rows."""
        problems: list[Problem] = []
        keys: dict[str, set[str] | None] = {}
        unchecked: set[str] = set()
        for fdesc in table.fields:
            name = fdesc["name"]
            if not fdesc.get("clv", {}).get("evidence") or name not in raw.columns:
                continue
            for idx, cell in raw[name].items():
                for item in split_list(cell):
                    target, _, key = item.partition(":")
                    if target not in self._tables:
                        msg = f"{item!r}: no table named {target!r}"
                    else:
                        if target not in keys:
                            values = self._key_values(target, self._tables[target].primary_key)
                            keys[target] = (None if values is None
                                            else {"|".join(map(str, v)) for v in values})
                        known = keys[target]
                        if known is None:
                            if target not in unchecked:
                                unchecked.add(target)
                                problems.append(self._unchecked(table, name, target))
                            continue
                        if key in known:
                            continue
                        msg = f"{item!r}: no row with that key in {target!r}"
                    problems.append(Problem(table.file, int(idx), name, cell, "unknown-evidence", msg))
        return problems

    # ---- the manifest

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Each declared CSV's sha256 and row count as the files are now (what the manifest holds).

        Examples
        --------
        >>> entry = Catalog().manifest()["eras.csv"]
        >>> entry["rows"], len(entry["sha256"])
        (4, 64)
        """
        _, files = self._digest(self._signature())
        return {file: {"sha256": info["csv_sha256"], "rows": info["rows"]}
                for file, info in files.items()}

    def committed_manifest(self) -> dict[str, Any] | None:
        """The manifest file of the data folder, or ``None`` when there is none.

        Examples
        --------
        >>> Catalog().committed_manifest()["files"]["eras.csv"]["rows"]
        4
        """
        return manifest.read(self.data_dir)

    def write_manifest(self) -> Path:
        """Write ``manifest.json`` for the files as they are now (atomically); return its path.

        Run it (or ``clvlib validate --update-manifest``) after every deliberate data
        edit and in the data release step.

        Raises
        ------
        ManifestWriteError
            The manifest cannot be written (read-only or full data folder, no
            permission); the manifest already there is left as it was.

        Examples
        --------
        >>> import shutil, tempfile
        >>> copy = Path(tempfile.mkdtemp()) / "data"
        >>> _ = shutil.copytree(default_data_dir(), copy)
        >>> Catalog(copy).write_manifest() == copy / "manifest.json"
        True
        """
        return manifest.write(self.data_dir, self.manifest())

    def manifest_problems(self) -> list[Problem]:
        """Where the files differ from the committed manifest (truncated, swapped, edited, missing).

        Examples
        --------
        >>> Catalog().manifest_problems()
        []
        """
        try:
            committed = self.committed_manifest()
        except DataError as exc:
            return exc.problems
        return manifest.problems(committed, self.manifest())

    def _warn_manifest(self, name: str, now: dict[str, Any]) -> None:
        """Warn (once per file version) when a table's file differs from the manifest."""
        try:
            committed = self.committed_manifest()
        except DataError as exc:
            committed, broken = None, str(exc.problems[0])
        else:
            broken = None
        file = self.table(name).file
        memo = (str(self.data_dir), file, str(now.get("csv_sha256")))
        if memo in _MANIFEST_WARNED:
            return
        if broken:
            message = broken
        elif committed is None:
            return  # a data folder without a manifest: clvlib validate says so
        else:
            entry = committed.get("files", {}).get(file) if isinstance(committed, dict) else None
            current = {"sha256": now.get("csv_sha256"), "rows": now.get("rows")}
            if entry == current:
                return
            message = (f"{file} is not in {MANIFEST}" if not isinstance(entry, dict)
                       else f"{file}: " + manifest.difference(entry, current))
        _MANIFEST_WARNED.add(memo)
        warnings.warn(f"{message} (loading it anyway; clvlib validate reports this; after a "
                      "deliberate edit run clvlib validate --update-manifest)",
                      ManifestWarning, stacklevel=4)

    # ---- whole-package validation

    def validate(self, use_frictionless: bool = True) -> Report:
        """Check every table; return a :class:`Report` (``report.ok`` when all pass).

        Runs the project's checks on each table and, unless
        ``use_frictionless=False``, the frictionless validator over the whole
        package (descriptor, types, constraints, keys). A problem both find in
        the same place is listed once.
        """
        problems: list[Problem] = []
        rows: dict[str, int | None] = {}
        for name in self.names:
            frame, found = self.check(name)
            rows[name] = None if frame is None else len(frame)
            problems += found
        problems += self._undeclared_files()
        # a file with problems of its own differs from the manifest for that reason: once
        failing = {p.file for p in problems}
        problems += [p for p in self.manifest_problems() if p.file not in failing]
        # a reference that could not be checked is explained by its table's own problems
        reported = {p.file for p in problems if p.code != "reference-unchecked"}
        problems = [p for p in problems
                    if p.code != "reference-unchecked" or p.value not in reported]
        if use_frictionless:
            problems += dedupe(self._frictionless_problems(), problems)
        return Report(self.data_dir, rows, problems, frictionless=use_frictionless)

    def _undeclared_files(self) -> list[Problem]:
        """CSV files in the data folder that no resource declares (they would be ignored)."""
        declared = {t.path.resolve() for t in self._tables.values()}
        return [Problem(path.name, None, None, None, "undeclared-file",
                        "a CSV file in the data folder that the descriptor does not declare; "
                        "declare it in datapackage.json (with its schema) or remove it")
                for path in sorted(self.data_dir.glob("*.csv")) if path.resolve() not in declared]

    def _frictionless_problems(self) -> list[Problem]:
        import frictionless  # about 3 s to import: only here

        report = frictionless.validate(str(self.data_dir / DESCRIPTOR))
        by_name = {t.name: t.file for t in self._tables.values()}
        out = []
        for task in report.tasks:
            file = by_name.get(task.name, task.name or DESCRIPTOR)
            for err in task.errors:
                out.append(Problem(file, getattr(err, "row_number", None),
                                   getattr(err, "field_name", None),
                                   getattr(err, "cell", None), f"frictionless:{err.type}",
                                   err.message))
        for err in report.errors:
            out.append(Problem(DESCRIPTOR, None, None, None, f"frictionless:{err.type}",
                               err.message))
        return out


def write_manifest(data_dir: Path | str | None = None) -> Path:
    """Write ``manifest.json`` (each declared CSV's sha256 and row count) for a data folder.

    Examples
    --------
    >>> import shutil, tempfile
    >>> copy = Path(tempfile.mkdtemp()) / "data"
    >>> _ = shutil.copytree(default_data_dir(), copy)
    >>> write_manifest(copy).name, Catalog(copy).manifest_problems()
    ('manifest.json', [])
    """
    return (Catalog(Path(data_dir)) if data_dir is not None else Catalog()).write_manifest()
