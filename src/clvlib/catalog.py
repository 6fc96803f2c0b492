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

import csv
import hashlib
import io
import json
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clvlib import cache
from clvlib.errors import ClvlibError, DataError, ManifestWarning, Problem, UnknownTableError

DATA_DIR_ENV = "CLVLIB_DATA_DIR"
"""Environment variable that points clvlib at another data folder."""

DESCRIPTOR = "datapackage.json"
MANIFEST = "manifest.json"
"""Each declared CSV's sha256 and row count, committed with the data (see :func:`write_manifest`)."""
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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INT64 = (-(2**63), 2**63 - 1)


def _encoding_problem(file: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """Where a byte that is not UTF-8 sits: its row, line and character."""
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    column = exc.start - (before.rfind(b"\n") + 1) + 1
    text = before.decode("utf-8", errors="replace")
    complete = list(csv.reader(io.StringIO(text, newline="")))
    row = len(complete) + (1 if not text or text.endswith("\n") else 0)
    byte = data[exc.start]
    return Problem(file, row, None, f"0x{byte:02x}", "encoding",
                   f"byte 0x{byte:02x} at line {line}, character {column} is not UTF-8 "
                   "(save the file as UTF-8)")


def _header_problems(table: Table, header: list[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for col in header:
        if not col:
            problems.append(Problem(table.file, 1, None, None, "blank-column",
                                    "a column of the header has no name"))
        elif col in seen:
            problems.append(Problem(table.file, 1, col, None, "duplicate-column",
                                    "the header names this column twice"))
        seen.add(col)
    declared = table.field_names
    for col in header:
        if col and col not in declared:
            problems.append(Problem(table.file, 1, col, None, "unknown-column",
                                    f"column not declared in the descriptor for {table.name!r}"))
    for col in declared:
        if col not in header:
            problems.append(Problem(table.file, 1, col, None, "missing-column",
                                    "declared column missing from the file"))
    return problems


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
_RAW_CACHE: dict[tuple[Any, ...], tuple[pd.DataFrame | None, list[Problem], pd.DataFrame | None]] = {}
_DIGESTS: dict[tuple[Any, ...], tuple[str, dict[str, dict[str, Any]]]] = {}
_MANIFEST_WARNED: set[tuple[str, str, str]] = set()
_CHECKED_DESCRIPTORS: dict[str, list[Problem]] = {}
_MANIFESTS: dict[tuple[str, tuple[int, int]], Any] = {}


def _count_records(data: bytes) -> int | None:
    """Data rows of a CSV file as the csv module counts them (blank lines skipped); None if unreadable."""
    try:
        text = data.decode("utf-8")
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except (UnicodeDecodeError, csv.Error):
        return None
    return max(len(rows) - 1, 0)


def _descriptor_problems(descriptor: Any) -> list[Problem]:
    """What makes a descriptor unusable: resources without a name or path, fields without a name, …"""

    def bad(message: str) -> Problem:
        return Problem(DESCRIPTOR, None, None, None, "bad-descriptor", message)

    if not isinstance(descriptor, dict):
        return [bad("the descriptor is not a JSON object")]
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list):
        return [bad("'resources' is not a list")]
    problems: list[Problem] = []
    names: set[str] = set()
    for i, res in enumerate(resources, start=1):
        if not isinstance(res, dict):
            problems.append(bad(f"resource {i} is not a JSON object"))
            continue
        label = f"resource {i} ({res.get('name', 'no name')!r})"
        name, path = res.get("name"), res.get("path")
        if not isinstance(name, str) or not name:
            problems.append(bad(f"resource {i} has no 'name'"))
        elif name in names:
            problems.append(bad(f"{label}: the name is used by an earlier resource"))
        else:
            names.add(name)
        if not isinstance(path, str) or not path:
            problems.append(bad(f"{label} has no 'path' (the CSV file it describes)"))
        elif Path(path).is_absolute() or ".." in Path(path).parts or "://" in path:
            problems.append(bad(f"{label}: 'path' {path!r} must be a file inside the data folder"))
        schema = res.get("schema", {})
        fields = schema.get("fields", []) if isinstance(schema, dict) else None
        if not isinstance(fields, list):
            problems.append(bad(f"{label}: 'schema.fields' is not a list"))
            continue
        for j, fdesc in enumerate(fields, start=1):
            if not isinstance(fdesc, dict) or not isinstance(fdesc.get("name"), str) \
                    or not fdesc["name"]:
                problems.append(bad(f"{label}: field {j} has no 'name'"))
    for res in resources:
        if not isinstance(res, dict) or not isinstance(res.get("schema"), dict):
            continue
        label = f"resource {res.get('name', '?')!r}"
        for fk in res["schema"].get("foreignKeys", []) or []:
            target = (fk.get("reference") or {}).get("resource") if isinstance(fk, dict) else None
            if target and target not in names:
                problems.append(bad(f"{label}: a foreign key refers to {target!r}, no such resource"))
        for fdesc in res["schema"].get("fields", []) or []:
            ref = fdesc.get("clv", {}).get("references") if isinstance(fdesc, dict) else None
            if ref and ref.get("resource") not in names:
                problems.append(bad(f"{label}: field {fdesc.get('name')!r} refers to "
                                    f"{ref.get('resource')!r}, no such resource"))
    return problems


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
            _CHECKED_DESCRIPTORS[text] = _descriptor_problems(self.descriptor)
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
        return tuple(_stat_key(p) if p.exists() else None for p in files)

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

            digest = hashlib.sha256(Path(__file__).read_bytes())
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
                                        "rows": _count_records(data)}
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
            key = (str(table.path), tuple(table.field_names), _stat_key(table.path))
            if key not in _RAW_CACHE:
                _RAW_CACHE[key] = self._read_raw_uncached(table)
            raw, problems, everything = _RAW_CACHE[key]
            return (everything if keys else raw), list(problems)
        raw, problems, _ = self._read_raw_uncached(table)
        return raw, problems

    def _read_raw_uncached(self, table: Table
                           ) -> tuple[pd.DataFrame | None, list[Problem], pd.DataFrame | None]:
        """Read the file with the csv module: text cells indexed by their row number in the file.

        Rows are numbered as in the file and as frictionless numbers them: the
        header is row 1 and a blank line counts as a row. A row with too few or
        too many fields, or a blank row, is reported once and left out of the
        cell checks (its cells cannot be placed in columns).
        """
        file = table.file
        if not table.path.is_file():
            return None, [Problem(file, None, None, None, "missing-file",
                                  f"the descriptor declares {file} but there is no such file")], None
        try:
            data = table.path.read_bytes()
        except OSError as exc:
            return None, [Problem(file, None, None, None, "unreadable-file",
                                  f"the file cannot be read: {exc.strerror or exc}")], None
        if not data.strip():
            return None, [Problem(file, None, None, None, "empty-file",
                                  "the file is empty: it has no header row and no data")], None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, [_encoding_problem(file, data, exc)], None
        text = text.removeprefix("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            records = list(reader)
        except csv.Error as exc:
            return None, [Problem(file, reader.line_num, None, None, "bad-csv",
                                  f"cannot read the CSV at line {reader.line_num}: {exc}")], None
        header = records[0]
        if not header or all(not h.strip() for h in header):
            return None, [Problem(file, 1, None, None, "blank-header",
                                  "the first line, which must be the header row, is blank")], None
        problems = _header_problems(table, header)
        if any(p.code in ("duplicate-column", "blank-column") for p in problems):
            return None, problems, None
        rows, numbers, malformed, malformed_numbers = [], [], [], []
        width = len(header)
        for number, record in enumerate(records[1:], start=2):
            if not record or all(cell == "" for cell in record):
                problems.append(Problem(file, number, None, None, "blank-row",
                                        "the row is blank (remove the empty line)"))
            elif len(record) != width:
                which = "missing" if len(record) < width else "extra"
                problems.append(Problem(
                    file, number, None, record[0], f"{which}-cell",
                    f"the row has {len(record)} field(s) but the header has {width}: "
                    f"{'a field is missing' if which == 'missing' else 'there is an extra field'} "
                    "(check the commas and quotes of this row)"))
            else:
                rows.append(record)
                numbers.append(number)
            if record and len(record) != width:
                malformed.append((record + [""] * width)[:width])
                malformed_numbers.append(number)
        raw = pd.DataFrame(rows, columns=header, index=pd.Index(numbers, dtype="int64"), dtype=object)
        raw = raw.where(raw != "", None)
        everything = raw
        if malformed:
            extra = pd.DataFrame(malformed, columns=header, dtype=object,
                                 index=pd.Index(malformed_numbers, dtype="int64"))
            everything = pd.concat([raw, extra.where(extra != "", None)]).sort_index()
        if _CONTROL.search(text):
            for col in raw.columns:
                cells = raw[col].dropna()
                for idx in cells.index[cells.str.contains(_CONTROL)]:
                    char = _CONTROL.search(cells[idx]).group()
                    problems.append(Problem(file, int(idx), str(col), cells[idx], "control-character",
                                            f"the cell holds the control character {char!r} "
                                            f"(U+{ord(char):04X}); remove it"))
        if raw.empty and not table.resource.get("clv", {}).get("allowEmpty", False) \
                and not any(p.code.endswith("-cell") or p.code == "blank-row" for p in problems):
            problems.append(Problem(file, None, None, None, "empty-table",
                                    "the file has a header row but no data rows"))
        return raw, problems, everything

    def _parse(self, table: Table, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
        out: dict[str, pd.Series] = {}
        problems: list[Problem] = []
        for fdesc in table.fields:
            name = fdesc["name"]
            if name not in raw.columns:
                continue
            col = raw[name]
            typed, bad, why = _convert(col, fdesc)
            for idx in col.index[bad]:
                problems.append(Problem(table.file, int(idx), name, col[idx], "type-error",
                                        why.get(idx, f"not a valid {fdesc.get('type', 'string')}")))
            problems += _constraint_problems(table, fdesc, col, typed, bad)
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
            known = _iso_known(rules["iso"])
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
        path = self.data_dir / MANIFEST
        try:
            memo = (str(path), _stat_key(path))
            if memo not in _MANIFESTS:
                _MANIFESTS[memo] = json.loads(path.read_text(encoding="utf-8"))
            return _MANIFESTS[memo]
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            raise DataError([Problem(MANIFEST, None, None, None, "bad-manifest",
                                     f"cannot read the manifest: {exc}")]) from exc

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
        text = json.dumps({"description": "sha256 and row count of each CSV file the descriptor "
                                          "declares; regenerate with clvlib validate "
                                          "--update-manifest after editing the data",
                           "files": self.manifest()}, indent=2, sort_keys=True) + "\n"
        path = self.data_dir / MANIFEST
        try:
            cache.write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            raise ManifestWriteError(f"cannot write {path}: {exc.strerror or exc}; "
                                     "is the data folder writable?") from exc
        return path

    def manifest_problems(self) -> list[Problem]:
        """Where the files differ from the committed manifest (truncated, swapped, edited, missing).

        Examples
        --------
        >>> Catalog().manifest_problems()
        []
        """
        how = "if the change is deliberate, run clvlib validate --update-manifest"
        try:
            committed = self.committed_manifest()
        except DataError as exc:
            return exc.problems
        if committed is None:
            return [Problem(MANIFEST, None, None, None, "manifest-missing",
                            f"no {MANIFEST} in the data folder, so truncated or swapped files "
                            "cannot be detected; create it with clvlib validate --update-manifest")]
        recorded = committed.get("files", {}) if isinstance(committed, dict) else {}
        problems = []
        for file, now in self.manifest().items():
            entry = recorded.get(file)
            if not isinstance(entry, dict):
                problems.append(Problem(file, None, None, None, "manifest-mismatch",
                                        f"the file is not in {MANIFEST}; {how}"))
            elif entry != now:
                problems.append(Problem(file, None, None, None, "manifest-mismatch",
                                        _manifest_difference(entry, now) + f"; {how}"))
        for file in sorted(set(recorded) - set(self.manifest())):
            problems.append(Problem(MANIFEST, None, None, file, "manifest-mismatch",
                                    f"the manifest lists {file}, which the descriptor does not "
                                    f"declare; {how}"))
        return problems

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
                       else f"{file}: " + _manifest_difference(entry, current))
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
            problems += _dedupe(self._frictionless_problems(), problems)
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


def _manifest_difference(recorded: dict[str, Any], now: dict[str, Any]) -> str:
    parts = []
    if recorded.get("rows") != now.get("rows"):
        parts.append(f"{now.get('rows')} rows where the manifest records {recorded.get('rows')}")
    if recorded.get("sha256") != now.get("sha256"):
        parts.append(f"sha256 {str(now.get('sha256'))[:12]}… where the manifest records "
                     f"{str(recorded.get('sha256'))[:12]}…")
    return "the file differs from the manifest: " + " and ".join(parts)


MANIFEST_CODES = frozenset({"manifest-missing", "manifest-mismatch", "bad-manifest"})
"""Problem codes that only say the manifest is missing, stale or unreadable (not the data)."""


class ManifestWriteError(ClvlibError, OSError):
    """``manifest.json`` cannot be written to the data folder (read-only, full, no permission).

    Examples
    --------
    >>> issubclass(ManifestWriteError, ClvlibError)
    True
    """


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


def _dedupe(extra: list[Problem], have: list[Problem]) -> list[Problem]:
    """The problems of ``extra`` (frictionless) that ``have`` (project rules) did not already report.

    A cell problem is the same when file and row match; a header problem when file and
    column match; a problem with neither (e.g. the descriptor) is kept unless the project
    rules already flagged that file. One root cause is reported once: when the project
    rules found a problem with a whole file or its header (missing, empty, not UTF-8, a
    column missing or unknown), frictionless's row-by-row findings for that file (it
    matches columns by position) are dropped, and so are its foreign-key findings
    anywhere (the project rules check every reference, by name).
    """
    rows = {(p.file, p.row) for p in have if p.row is not None}
    columns = {(p.file, p.column) for p in have if p.column is not None}
    files = {p.file for p in have}
    broken = {p.file for p in have if p.row is None or p.row == 1 or p.code == "encoding"}
    kept = []
    for p in extra:
        if p.file in broken or (broken and p.code == "frictionless:foreign-key"):
            continue
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


def _convert(col: pd.Series, fdesc: dict) -> tuple[pd.Series, pd.Series, dict[Any, str]]:
    """Convert raw strings to the declared type; return (typed, mask of bad cells, reasons)."""
    kind = fdesc.get("type", "string")
    present = col.notna()
    text = col.where(present, "").astype(str)
    why: dict[Any, str] = {}
    if kind in ("integer", "year"):
        ok = text.str.fullmatch(_INTEGER.pattern) & present
        values: list[int | None] = []
        for idx, cell, good in zip(col.index, text, ok, strict=True):
            number = int(cell) if good else None
            if number is not None and not _INT64[0] <= number <= _INT64[1]:
                why[idx] = "an integer too large for a 64-bit integer column"
                ok[idx] = False
                number = None
            values.append(number)
        bad = present & ~ok
        typed = pd.Series(pd.array(values, dtype="Int64"), index=col.index)
    elif kind == "number":
        ok = text.str.fullmatch(_NUMBER.pattern) & present
        typed = pd.to_numeric(text.where(ok, None), errors="coerce").astype("Float64")
        infinite = ok & typed.isin([float("inf"), float("-inf")]).fillna(False).astype(bool)
        for idx in col.index[infinite]:
            why[idx] = "a number too large to represent (it would load as infinity)"
        typed[infinite] = pd.NA
        bad = present & (~ok | infinite)
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
    return typed, bad, why


def _constraint_problems(table: Table, fdesc: dict, col: pd.Series, typed: pd.Series,
                         bad: pd.Series) -> list[Problem]:
    cons = fdesc.get("constraints", {})
    name = fdesc["name"]
    problems: list[Problem] = []

    def add(idx: Any, code: str, msg: str) -> None:
        problems.append(Problem(table.file, int(idx), name, col[idx], code, msg))

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
