"""Property: whatever happens to a CSV file, clvlib.load raises a clvlib error or returns what the file says.

Hypothesis mutates one table of a throw-away copy of the data at random (bytes changed,
inserted or deleted, the file truncated, cells replaced by awkward values, rows dropped,
duplicated or swapped). ``clvlib.load`` must then either raise a
:class:`clvlib.ClvlibError` or return a frame that an independent reading of the file
(the standard csv module and Python's own int/float parsing) agrees with, cell by cell;
never another exception from a dependency, never a silently wrong table. A successful load
of a changed file must also warn that it differs from the manifest, and the table read
back from the cache must be the same.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clvlib
from clvlib import cache, catalog
from clvlib.errors import ClvlibError, ManifestWarning

DATA = Path(__file__).resolve().parents[1] / "data"
TABLES = ["eras", "places", "membership", "province_figures", "provisions", "vclt_status",
          "crosswalk_2025", "trade"]
AWKWARD = ["", " ", "1e999", "-1e999", "NaN", "inf", "-0", "0x10", "1_000", "99999999999999999999",
           "-9223372036854775808", "9223372036854775808", "2024-02-30", "2024-02-29", "true",
           "False", "1.5", ".5", "5.", "1e5", '"', '""', ",", "a,b", "\n", "\r", "\x00", "\x1b",
           "é", "\ufeff", "ສະບາຍດີ", "KH-16;LA-AT", ";", "x" * 300, "0.30000000000000004",
           "123456789012345678901234567890.5", "1e-999", "+7", "007"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    target = tmp_path_factory.mktemp("fuzz") / "data"
    target.mkdir()
    for path in DATA.iterdir():
        if path.is_file():
            (target / path.name).write_bytes(path.read_bytes())
    return target


def _text_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@st.composite
def mutations(draw):
    """(table, function from the original bytes to the mutated bytes)."""
    table = draw(st.sampled_from(TABLES))
    kind = draw(st.sampled_from(["byte", "insert", "delete", "truncate", "cell", "rows"]))
    if kind in ("byte", "insert", "delete", "truncate"):
        where = draw(st.floats(0, 1))
        blob = draw(st.binary(min_size=1, max_size=4))
        span = draw(st.integers(1, 40))

        def change(data: bytes) -> bytes:
            at = min(int(where * len(data)), len(data) - 1)
            if kind == "byte":
                return data[:at] + blob[:1] + data[at + 1:]
            if kind == "insert":
                return data[:at] + blob + data[at:]
            if kind == "delete":
                return data[:at] + data[at + span:]
            return data[:at]
        return table, kind, change
    if kind == "cell":
        picks = draw(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1),
                                        st.one_of(st.sampled_from(AWKWARD), st.text(max_size=12))),
                              min_size=1, max_size=3))

        def change(data: bytes) -> bytes:
            rows = _text_rows(data)
            for r, c, value in picks:
                row = rows[min(int(r * len(rows)), len(rows) - 1)]
                row[min(int(c * len(row)), len(row) - 1)] = value
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows)
            return out.getvalue().encode("utf-8")
        return table, kind, change
    ops = draw(st.lists(st.tuples(st.sampled_from(["drop", "dup", "swap", "blank"]),
                                  st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=3))

    def change(data: bytes) -> bytes:
        lines = data.split(b"\n")
        for op, a, b in ops:
            i, j = (min(int(x * len(lines)), len(lines) - 1) for x in (a, b))
            if op == "drop":
                del lines[i]
            elif op == "dup":
                lines.insert(j, lines[i])
            elif op == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(i, b"")
            if not lines:
                lines = [b""]
        return b"\n".join(lines)
    return table, kind, change


def _agrees(frame: pd.DataFrame, table: catalog.Table, data: bytes) -> None:
    """The loaded frame says what the file says (an independent reading of the file)."""
    records = [r for r in _text_rows(data.removeprefix(b"\xef\xbb\xbf")) if r]
    header, body = records[0], records[1:]
    # load() adds one derived column, value_usd, to the money tables; every other column is the file's
    assert [c for c in frame.columns if c != "value_usd"] == table.field_names
    assert len(frame) == len(body)
    for fdesc in table.fields:
        name, kind = fdesc["name"], fdesc.get("type", "string")
        column = header.index(name)
        for i, record in enumerate(body):
            text, value = record[column], frame[name].iloc[i]
            if text == "":
                assert pd.isna(value), (name, i, value)
            elif kind in ("integer", "year"):
                assert pd.api.types.is_integer(value) and int(text) == value, (name, i, text, value)
            elif kind == "number":
                assert math.isfinite(value) and float(text) == value, (name, i, text, value)
            elif kind == "boolean":
                assert bool(value) is (text.lower() in ("true", "1")), (name, i, text, value)
            elif kind == "date":
                assert pd.Timestamp(text) == value, (name, i, text, value)
            else:
                assert str(value) == text, (name, i, text, value)


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutation=mutations())
def test_a_mutated_csv_loads_as_written_or_raises_a_clvlib_error(folder, tmp_path, monkeypatch,
                                                                 mutation):
    table_name, kind, change = mutation
    monkeypatch.setenv("CLVLIB_CACHE", str(tmp_path / "cache"))
    path = folder / f"{table_name}.csv"
    original = (DATA / path.name).read_bytes()
    mutated = change(original)
    path.write_bytes(mutated)
    try:
        for memo in (catalog._CACHE, catalog._RAW_CACHE, catalog._DIGESTS,
                     catalog._MANIFEST_WARNED, cache._WARNED):
            memo.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                frame = clvlib.load(table_name, data_dir=folder)
            except ClvlibError:
                return
        table = clvlib.Catalog(folder).table(table_name)
        _agrees(frame, table, mutated)
        if mutated != original:
            assert any(issubclass(w.category, ManifestWarning) for w in caught), kind
        catalog._CACHE.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ManifestWarning)
            pd.testing.assert_frame_equal(clvlib.load(table_name, data_dir=folder), frame)
    finally:
        path.write_bytes(original)
