"""Reading a data CSV file as text cells, with every problem of the file itself.

Rows are numbered as in the file and as frictionless numbers them (the header is
row 1). :meth:`clvlib.catalog.Catalog.check` parses the cells afterwards.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from clvlib.descriptor import Table
from clvlib.errors import Problem


def stat_key(path: Path) -> tuple[int, int]:
    """A file's modification time and size: what tells a changed file from a cached one.

    Examples
    --------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = f.write_text("a\\n1\\n")
    >>> stat_key(f)[1]
    4
    """
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def encoding_problem(file: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
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


def header_problems(table: Table, header: list[str]) -> list[Problem]:
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



def count_records(data: bytes) -> int | None:
    """Data rows of a CSV file as the csv module counts them (blank lines skipped); None if unreadable."""
    try:
        text = data.decode("utf-8")
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except (UnicodeDecodeError, csv.Error):
        return None
    return max(len(rows) - 1, 0)


def read_raw(table: Table) -> tuple[pd.DataFrame | None, list[Problem], pd.DataFrame | None]:
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
        return None, [encoding_problem(file, data, exc)], None
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
    problems = header_problems(table, header)
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
