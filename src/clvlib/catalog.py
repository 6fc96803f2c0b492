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

This module is the only one that opens files in ``data/``. It checks tables
with fast pandas code (the same rules for :func:`clvlib.load` and
:func:`clvlib.validate`); :meth:`Catalog.validate` also runs the
``frictionless`` validator over the whole package, imported only then.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clvlib.errors import DataError, Problem, UnknownTableError

DATA_DIR_ENV = "CLVLIB_DATA_DIR"
"""Environment variable that points clvlib at another data folder."""

DESCRIPTOR = "datapackage.json"
LIST_SEPARATOR = ";"
PRECISIONS = {4: "year", 7: "month", 10: "day"}
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


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


# --------------------------------------------------------------------------- helpers


def split_list(value: str | None) -> list[str]:
    """Split a ``;``-separated cell into its stripped, non-empty items.

    Examples
    --------
    >>> split_list("a; b;;c")
    ['a', 'b', 'c']
    >>> split_list(None)
    []
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [item.strip() for item in str(value).split(LIST_SEPARATOR) if item.strip()]


def partial_date_problem(text: str, precision: str | None = None) -> str | None:
    """Say what is wrong with a partial date, or return ``None`` when it is fine.

    Parameters
    ----------
    text : str
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    precision : str, optional
        ``"year"``, ``"month"`` or ``"day"``: the precision the row claims.

    Examples
    --------
    >>> partial_date_problem("2024-09-20", "day") is None
    True
    >>> partial_date_problem("2023-02-29")
    'no such date on the calendar'
    >>> partial_date_problem("1999", "day")
    "written at year precision but the row says 'day'"
    """
    if not _PARTIAL_DATE.fullmatch(text):
        return "not a date written as YYYY, YYYY-MM or YYYY-MM-DD"
    fmt = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}[len(text)]
    try:
        pd.to_datetime(text, format=fmt)
    except (ValueError, OverflowError):
        return "no such date on the calendar"
    written = PRECISIONS[len(text)]
    if precision is not None and precision != written:
        return f"written at {written} precision but the row says {precision!r}"
    return None


def partial_date_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day a valid partial date covers (check it with :func:`partial_date_problem`).

    Examples
    --------
    >>> [str(d.date()) for d in partial_date_bounds("2024-02")]
    ['2024-02-01', '2024-02-29']
    """
    if len(text) == 10:
        day = pd.Timestamp(text)
        return day, day
    period = pd.Period(text, freq="Y" if len(text) == 4 else "M")
    return period.start_time.normalize(), period.end_time.normalize()


def _iso_known(kind: str) -> Callable[[str], bool]:
    import pycountry  # deferred: only tables with ISO columns pay for it

    if kind == "country":
        return lambda code: pycountry.countries.get(alpha_3=code) is not None
    if kind == "subdivision":
        return lambda code: pycountry.subdivisions.get(code=code) is not None
    raise ValueError(f"unknown ISO kind {kind!r} in the descriptor (use 'country' or 'subdivision')")


# --------------------------------------------------------------------------- descriptor


@dataclass
class Table:
    """A table as the descriptor declares it (no data).

    Examples
    --------
    >>> t = Catalog().table("provinces")
    >>> t.primary_key
    ['province_code']
    """

    name: str
    path: Path
    resource: dict[str, Any]

    @property
    def schema(self) -> dict[str, Any]:
        return self.resource.get("schema", {})

    @property
    def fields(self) -> list[dict[str, Any]]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def title(self) -> str:
        return self.resource.get("title", self.name)

    @property
    def description(self) -> str:
        return self.resource.get("description", "")

    @property
    def file(self) -> str:
        return self.resource["path"]


def _stat_key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


_CACHE: dict[tuple[Any, ...], pd.DataFrame] = {}
_RAW_CACHE: dict[tuple[Any, ...], tuple[pd.DataFrame | None, list[Problem]]] = {}
_DIGESTS: dict[tuple[Any, ...], str] = {}


def _load_stored(path: Path) -> pd.DataFrame | None:
    """A checked table stored by an earlier process, or ``None`` (missing or unreadable)."""
    try:
        with path.open("rb") as fh:
            frame = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: drop it, check the CSV again
        path.unlink(missing_ok=True)
        return None
    return frame if isinstance(frame, pd.DataFrame) else None


def _store(path: Path, frame: pd.DataFrame) -> None:
    """Keep a checked table for later processes; written whole or not at all (best effort)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as fh:
            pickle.dump(frame, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError:
        pass  # a read-only or full cache folder only costs speed


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
            self.descriptor: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataError(
                [Problem(DESCRIPTOR, None, None, None, "bad-descriptor", f"not valid JSON: {exc}")]
            ) from exc
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
        return tuple(_stat_key(p) if p.exists() else None for p in files)

    # ---- reading

    def read(self, name: str) -> pd.DataFrame:
        """The typed table ``name``, checked; raises :class:`DataError` if anything is wrong.

        The result is cached per data folder and file versions; every call
        returns a fresh copy, so callers may change it freely.
        """
        key = (str(self.data_dir), name, self._signature())
        if key not in _CACHE:
            stored = self._stored_path(name, key[2])
            frame = _load_stored(stored)
            if frame is None:
                frame, problems = self.check(name)
                if problems:
                    raise DataError(problems, header=f"table {name!r} ({self.table(name).file}) "
                                                     f"has {len(problems)} problem(s)")
                _store(stored, frame)
            _CACHE[key] = frame
        return _CACHE[key].copy(deep=True)

    def _stored_path(self, name: str, signature: tuple[Any, ...]) -> Path:
        """Where the checked table is kept between processes (in the clvlib cache folder).

        The file name holds a digest of everything the check depends on: this
        module's code, the pandas and pycountry versions, the descriptor and
        every CSV file of the package (references cross tables). Any change
        gives a new name, so a stored table is never stale; only tables that
        passed every check are stored.
        """
        memo = (str(self.data_dir), signature)
        if memo not in _DIGESTS:
            from importlib.metadata import version

            digest = hashlib.sha256(Path(__file__).read_bytes())
            digest.update(f"pandas {pd.__version__} pycountry {version('pycountry')}".encode())
            for path in [self.data_dir / DESCRIPTOR] + [t.path for t in self._tables.values()]:
                digest.update(path.name.encode() + b"\0")
                digest.update(path.read_bytes() if path.is_file() else b"<missing>")
            _DIGESTS[memo] = digest.hexdigest()[:24]
        from clvlib.geo import cache_dir

        return cache_dir() / "tables" / f"{name}-{_DIGESTS[memo]}.pickle"

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

    def _read_raw(self, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
        """The file as text cells (``None`` for empty), with header problems; cached per file version.

        The raw frame is shared between callers and must not be modified.
        """
        if table.path.is_file():
            key = (str(table.path), tuple(table.field_names), _stat_key(table.path))
            if key not in _RAW_CACHE:
                _RAW_CACHE[key] = self._read_raw_uncached(table)
            raw, problems = _RAW_CACHE[key]
            return raw, list(problems)
        return self._read_raw_uncached(table)

    def _read_raw_uncached(self, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
        if not table.path.is_file():
            return None, [Problem(table.file, None, None, None, "missing-file",
                                  f"the descriptor declares {table.file} but there is no such file")]
        try:
            raw = pd.read_csv(table.path, dtype=object, keep_default_na=False, na_values=[""],
                              encoding="utf-8")
        except UnicodeDecodeError as exc:
            return None, [Problem(table.file, None, None, None, "encoding", f"not UTF-8: {exc}")]
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            return None, [Problem(table.file, None, None, None, "malformed-csv", str(exc))]
        raw = raw.astype(object).where(raw.notna(), None)
        problems = []
        declared = table.field_names
        for col in raw.columns:
            if col not in declared:
                problems.append(Problem(table.file, 1, str(col), None, "unknown-column",
                                        f"column not declared in the descriptor for {table.name!r}"))
        for col in declared:
            if col not in raw.columns:
                problems.append(Problem(table.file, 1, col, None, "missing-column",
                                        "declared column missing from the file"))
        return raw, problems

    def _parse(self, table: Table, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
        out: dict[str, pd.Series] = {}
        problems: list[Problem] = []
        for fdesc in table.fields:
            name = fdesc["name"]
            if name not in raw.columns:
                continue
            col = raw[name]
            typed, bad = _convert(col, fdesc)
            for idx in col.index[bad]:
                problems.append(Problem(table.file, int(idx) + 2, name, col[idx], "type-error",
                                        f"not a valid {fdesc.get('type', 'string')}"))
            problems += _constraint_problems(table, fdesc, col, typed, bad)
            problems += self._clv_problems(table, fdesc, col, raw)
            out[name] = typed
        frame = pd.DataFrame(out, index=raw.index)
        frame.attrs["clvlib_table"] = table.name
        return frame, problems

    def _clv_problems(self, table: Table, fdesc: dict, col: pd.Series,
                      raw: pd.DataFrame) -> list[Problem]:
        rules = fdesc.get("clv", {})
        name = fdesc["name"]
        problems: list[Problem] = []
        present = col[col.notna()]
        if rules.get("iso"):
            known = _iso_known(rules["iso"])
            what = "ISO 3166-1 alpha-3" if rules["iso"] == "country" else "ISO 3166-2"
            for idx, cell in present.items():
                items = split_list(cell) if rules.get("list") else [cell]
                for item in items:
                    if not known(item):
                        problems.append(Problem(table.file, int(idx) + 2, name, cell,
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
                    problems.append(Problem(table.file, int(idx) + 2, name, cell, "bad-date", msg))
                    continue
                other = rules.get("notBefore")
                start = raw.at[idx, other] if other and other in raw.columns else None
                if start is not None and partial_date_problem(start) is None \
                        and partial_date_bounds(cell)[1] < partial_date_bounds(start)[0]:
                    problems.append(Problem(table.file, int(idx) + 2, name, cell, "date-order",
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
            problems.append(Problem(table.file, int(idx) + 2, ",".join(pk), value, "duplicate-key",
                                    "primary key already used by an earlier row"))
        return problems

    def _key_values(self, resource: str, fields: list[str]) -> set[tuple]:
        """The values of ``fields`` in table ``resource``, read raw (no recursion into checks)."""
        ref = self.table(resource)
        raw, problems = self._read_raw(ref)
        if raw is None or any(f not in raw.columns for f in fields):
            return set()
        return set(raw[fields].itertuples(index=False, name=None))

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
            for idx, row in raw[fields].iterrows():
                values = tuple(row)
                if all(v is None for v in values) or values in known:
                    continue
                problems.append(Problem(table.file, int(idx) + 2, ",".join(fields),
                                        "|".join(str(v) for v in values), "foreign-key",
                                        f"no row in {ref_name!r} with "
                                        f"{','.join(ref_fields)} = {'|'.join(map(str, values))}"))
        for fdesc in table.fields:
            ref = fdesc.get("clv", {}).get("references")
            name = fdesc["name"]
            if not ref or name not in raw.columns:
                continue
            known = {v[0] for v in self._key_values(ref["resource"], [ref["field"]])}
            for idx, cell in raw[name].items():
                if cell is None:
                    continue
                items = split_list(cell) if fdesc.get("clv", {}).get("list") else [cell]
                if not items:
                    problems.append(Problem(table.file, int(idx) + 2, name, cell, "missing-value",
                                            "no value in the list"))
                for item in items:
                    if item not in known:
                        problems.append(Problem(table.file, int(idx) + 2, name, cell,
                                                "unknown-reference",
                                                f"{item!r} is not a {ref['field']} in "
                                                f"{ref['resource']!r}"))
        return problems

    def _check_evidence(self, table: Table, raw: pd.DataFrame) -> list[Problem]:
        """``table:key`` references (clv.evidence) must name existing rows."""
        problems: list[Problem] = []
        keys: dict[str, set[str]] = {}
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
                            pk = self._tables[target].primary_key
                            keys[target] = {"|".join(map(str, v)) for v in self._key_values(target, pk)}
                        if key in keys[target]:
                            continue
                        msg = f"{item!r}: no row with that key in {target!r}"
                    problems.append(Problem(table.file, int(idx) + 2, name, cell, "unknown-evidence", msg))
        return problems

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
        if use_frictionless:
            problems += _dedupe(self._frictionless_problems(), problems)
        return Report(self.data_dir, rows, problems, frictionless=use_frictionless)

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


def _dedupe(extra: list[Problem], have: list[Problem]) -> list[Problem]:
    """The problems of ``extra`` (frictionless) that ``have`` (project rules) did not already report.

    A cell problem is the same when file and row match; a header problem when file and
    column match; a problem with neither (e.g. the descriptor) is kept unless the project
    rules already flagged that file.
    """
    rows = {(p.file, p.row) for p in have if p.row is not None}
    columns = {(p.file, p.column) for p in have if p.column is not None}
    files = {p.file for p in have}
    kept = []
    for p in extra:
        if p.row is not None:
            seen = (p.file, p.row) in rows
        elif p.column is not None:
            seen = (p.file, p.column) in columns
        else:
            seen = p.file in files
        if not seen:
            kept.append(p)
    return kept


# --------------------------------------------------------------------------- conversion


def _convert(col: pd.Series, fdesc: dict) -> tuple[pd.Series, pd.Series]:
    """Convert raw strings to the declared type; return (typed, mask of bad cells)."""
    kind = fdesc.get("type", "string")
    present = col.notna()
    text = col.where(present, "").astype(str)
    if kind in ("integer", "year"):
        ok = text.str.fullmatch(_INTEGER.pattern)
        bad = present & ~ok
        typed = pd.to_numeric(text.where(ok & present, None), errors="coerce").astype("Int64")
    elif kind == "number":
        ok = text.str.fullmatch(_NUMBER.pattern)
        bad = present & ~ok
        typed = pd.to_numeric(text.where(ok & present, None), errors="coerce").astype("Float64")
    elif kind == "boolean":
        ok = text.isin(_TRUE | _FALSE)
        bad = present & ~ok
        typed = pd.Series(pd.NA, index=col.index, dtype="boolean")
        typed[present & text.isin(_TRUE)] = True
        typed[present & text.isin(_FALSE)] = False
    elif kind == "date":
        typed = pd.to_datetime(text.where(present, None), format="%Y-%m-%d", errors="coerce")
        bad = present & typed.isna()
    else:
        bad = pd.Series(False, index=col.index)
        if fdesc.get("clv", {}).get("category"):
            typed = col.astype("category")
        else:
            typed = col.astype("string")
    return typed, bad


def _constraint_problems(table: Table, fdesc: dict, col: pd.Series, typed: pd.Series,
                         bad: pd.Series) -> list[Problem]:
    cons = fdesc.get("constraints", {})
    name = fdesc["name"]
    problems: list[Problem] = []

    def add(idx: Any, code: str, msg: str) -> None:
        problems.append(Problem(table.file, int(idx) + 2, name, col[idx], code, msg))

    if cons.get("required"):
        for idx in col.index[col.isna()]:
            add(idx, "missing-value", "a value is required")
    good = col.notna() & ~bad
    if "enum" in cons:
        allowed = {str(v) for v in cons["enum"]}
        for idx in col.index[good & ~col.astype(str).isin(allowed)]:
            add(idx, "constraint-enum", f"not one of {sorted(allowed)}")
    if "pattern" in cons:
        matches = col[good].astype(str).str.fullmatch(cons["pattern"])
        for idx in matches.index[~matches]:
            add(idx, "constraint-pattern", f"does not match the pattern {cons['pattern']!r}")
    for key, op in (("minimum", "lt"), ("maximum", "gt")):
        if key in cons and fdesc.get("type") in ("integer", "number", "year"):
            limit = cons[key]
            outside = getattr(typed[good], op)(limit)
            for idx in outside.index[outside.fillna(False).astype(bool)]:
                add(idx, f"constraint-{key}", f"{key} is {limit}")
    if cons.get("unique"):
        dup = col[col.notna()].duplicated(keep="first")
        for idx in dup.index[dup]:
            add(idx, "constraint-unique", "value already used by an earlier row")
    return problems


# --------------------------------------------------------------------------- report


@dataclass
class Report:
    """The outcome of :meth:`Catalog.validate`.

    Examples
    --------
    >>> report = Catalog().validate(use_frictionless=False)
    >>> report.ok
    True
    """

    data_dir: Path
    rows: dict[str, int | None]
    problems: list[Problem]
    frictionless: bool = True

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def __str__(self) -> str:
        lines = [f"clvlib validate: {self.data_dir}"]
        counts: dict[str, int] = {}
        for p in self.problems:
            counts[p.file] = counts.get(p.file, 0) + 1
        for name, n in self.rows.items():
            count = sum(v for k, v in counts.items() if Path(k).stem == name)
            status = "ok" if count == 0 else f"{count} problem(s)"
            shown = "unreadable" if n is None else f"{n} rows"
            lines.append(f"  {name:<20} {shown:<12} {status}")
        checks = "project rules + frictionless" if self.frictionless else "project rules"
        if self.problems:
            lines.append(f"FAILED ({checks}): {len(self.problems)} problem(s)")
            lines += [f"  - {p}" for p in self.problems]
        else:
            lines.append(f"PASSED ({checks}): {len(self.rows)} tables, no problems")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"
