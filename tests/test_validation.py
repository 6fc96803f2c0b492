"""Each rule of the validator, fed a broken copy of the data.

Every case checks both paths: ``clvlib.validate`` reports the problem with file,
row, column and value, and ``clvlib.load`` raises ``DataError`` with the same
detail instead of returning data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import clvlib
from clvlib.catalog import partial_date_problem
from clvlib.cli import main


def _only(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"no {code} problem among: {[str(p) for p in problems]}"
    return found


def _check_both(data_dir: Path, table: str, code: str, file: str, row: int | None,
                column: str | None, value: str | None):
    report = clvlib.validate(data_dir=data_dir, use_frictionless=False)
    assert not report.ok
    hits = [p for p in _only(report.problems, code)
            if (p.file, p.row, p.column, p.value) == (file, row, column, value)]
    assert hits, f"expected {code} at {file} row {row} {column} {value!r}: {report}"
    with pytest.raises(clvlib.DataError) as excinfo:
        clvlib.load(table, data_dir=data_dir)
    assert any((p.code, p.file, p.row, p.column, p.value) == (code, file, row, column, value)
               for p in excinfo.value.problems)
    message = str(excinfo.value)
    assert file in message and (row is None or f"row {row}" in message)
    return report


def test_real_data_passes_with_frictionless():
    report = clvlib.validate()
    assert report.ok, str(report)
    assert report.frictionless
    descriptor = json.loads((Path(__file__).parents[1] / "data" / "datapackage.json").read_text(
        encoding="utf-8"))
    assert list(report.rows) == [r["name"] for r in descriptor["resources"]]
    assert len(report.rows) >= 16


def test_wrong_type_in_a_cell(edit):
    def change(header, rows):
        rows[2]["area_km2"] = "about 14000"

    data = edit("provinces.csv", change)
    _check_both(data, "provinces", "type-error", "provinces.csv", 4, "area_km2", "about 14000")


def test_wrong_date_type_in_a_cell(edit):
    def change(header, rows):
        rows[0]["accessed"] = "28/11/2026"

    data = edit("sources.csv", change)
    _check_both(data, "sources", "type-error", "sources.csv", 2, "accessed", "28/11/2026")


def test_missing_required_column(edit):
    def change(header, rows):
        for r in rows:
            del r["name_en"]
        return [h for h in header if h != "name_en"]

    data = edit("provinces.csv", change)
    _check_both(data, "provinces", "missing-column", "provinces.csv", 1, "name_en", None)


def test_unknown_column(edit):
    def change(header, rows):
        for r in rows:
            r["elevation_m"] = "1"
        return header + ["elevation_m"]

    data = edit("provinces.csv", change)
    _check_both(data, "provinces", "unknown-column", "provinces.csv", 1, "elevation_m", None)


def test_duplicate_primary_key(edit):
    def change(header, rows):
        rows.append(dict(rows[5]))

    data = edit("provinces.csv", change)
    n = len(clvlib.load("provinces"))  # the real table: the duplicate is appended after it
    code = clvlib.load("provinces")["province_code"].iloc[5]
    _check_both(data, "provinces", "duplicate-key", "provinces.csv", n + 2, "province_code", code)


def test_empty_source_ids(edit):
    def change(header, rows):
        rows[1]["source_ids"] = ""

    data = edit("province_names.csv", change)
    _check_both(data, "province_names", "missing-value", "province_names.csv", 3, "source_ids", None)


def test_only_separators_in_source_ids(edit):
    def change(header, rows):
        rows[1]["source_ids"] = " ; "

    data = edit("province_names.csv", change)
    _check_both(data, "province_names", "missing-value", "province_names.csv", 3, "source_ids", " ; ")


def test_source_id_not_in_sources(edit):
    changed = {}

    def change(header, rows):
        rows[0]["source_ids"] = changed["value"] = rows[0]["source_ids"] + ";no_such_source"

    data = edit("province_figures.csv", change)
    _check_both(data, "province_figures", "unknown-reference", "province_figures.csv", 2,
                "source_ids", changed["value"])


def test_date_that_does_not_exist(edit):
    def change(header, rows):
        rows[3]["published"] = "2023-02-29"

    data = edit("sources.csv", change)
    _check_both(data, "sources", "bad-date", "sources.csv", 5, "published", "2023-02-29")


def test_unknown_iso_country_code(edit):
    def change(header, rows):
        rows[4]["country"] = "LAX"

    data = edit("provinces.csv", change)
    _check_both(data, "provinces", "unknown-iso-code", "provinces.csv", 6, "country", "LAX")


def test_unknown_iso_subdivision_code(edit):
    def change(header, rows):
        rows[0]["province_code"] = "KH-99"

    data = edit("provinces.csv", change)
    _check_both(data, "provinces", "unknown-iso-code", "provinces.csv", 2, "province_code", "KH-99")


def test_foreign_key_to_a_missing_row(edit):
    def change(header, rows):
        rows[0]["province_code"] = "TH-10"  # a real ISO 3166-2 code (Bangkok), not in provinces

    data = edit("province_names.csv", change)
    _check_both(data, "province_names", "foreign-key", "province_names.csv", 2, "province_code",
                "TH-10")


def test_enum_constraint(edit):
    def change(header, rows):
        rows[0]["kind"] = "rumour"

    data = edit("sources.csv", change)
    _check_both(data, "sources", "constraint-enum", "sources.csv", 2, "kind", "rumour")


def test_every_problem_is_reported_not_just_the_first(edit):
    def change(header, rows):
        rows[0]["area_km2"] = "x"
        rows[1]["population"] = "1.5"
        rows[2]["country"] = "ZZZ"

    data = edit("provinces.csv", change)
    report = clvlib.validate(data_dir=data, use_frictionless=False)
    where = {(p.row, p.column) for p in report.problems}
    assert {(2, "area_km2"), (3, "population"), (4, "country")} <= where


def test_frictionless_pass_reports_standard_errors_without_duplicates(edit):
    def change(header, rows):
        rows[0]["population"] = "many"

    data = edit("provinces.csv", change)
    report = clvlib.validate(data_dir=data, use_frictionless=True)
    at_cell = [p for p in report.problems if p.file == "provinces.csv" and p.row == 2]
    assert [p.code for p in at_cell] == ["type-error"]


def test_frictionless_catches_a_broken_descriptor(data_copy):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][1]["schema"]["fields"][0]["type"] = "not-a-type"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    report = clvlib.validate(data_dir=data_copy, use_frictionless=True)
    assert not report.ok
    assert any(p.code.startswith("frictionless:") for p in report.problems)


def test_missing_file_is_a_named_problem(data_copy):
    (data_copy / "province_figures.csv").unlink()
    report = clvlib.validate(data_dir=data_copy, use_frictionless=False)
    assert [p.code for p in report.problems if p.file == "province_figures.csv"] == ["missing-file"]
    with pytest.raises(clvlib.DataError, match="province_figures.csv"):
        clvlib.load("province_figures", data_dir=data_copy)


def test_missing_descriptor_says_what_to_do(tmp_path):
    with pytest.raises(clvlib.DataError, match="CLVLIB_DATA_DIR"):
        clvlib.load("provinces", data_dir=tmp_path)


def test_cli_validate_exit_status_and_report(edit, capsys):
    assert main(["validate", "--no-frictionless"]) == 0
    assert "PASSED" in capsys.readouterr().out

    def change(header, rows):
        rows[2]["area_km2"] = "huge"

    data = edit("provinces.csv", change)
    assert main(["--data-dir", str(data), "validate", "--no-frictionless"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out
    assert "provinces.csv, row 4, column 'area_km2', value 'huge'" in out


# ---- partial dates with a precision column: a minimal package made for the test


def _tiny_package(folder: Path, rows: list[tuple[str, str]]) -> Path:
    folder.mkdir()
    (folder / "sources.csv").write_text(
        "source_id,title\ns1,A source\n", encoding="utf-8")
    body = "\n".join(f"e{i},{d},{p},s1" for i, (d, p) in enumerate(rows))
    (folder / "events.csv").write_text(
        f"event_id,date,date_precision,source_ids\n{body}\n", encoding="utf-8")
    descriptor = {
        "name": "tiny",
        "resources": [
            {"name": "sources", "path": "sources.csv", "schema": {
                "fields": [{"name": "source_id", "type": "string"},
                           {"name": "title", "type": "string"}],
                "primaryKey": ["source_id"]}},
            {"name": "events", "path": "events.csv", "schema": {
                "fields": [
                    {"name": "event_id", "type": "string"},
                    {"name": "date", "type": "string", "constraints": {"required": True},
                     "clv": {"partialDate": True, "precisionField": "date_precision"}},
                    {"name": "date_precision", "type": "string",
                     "constraints": {"enum": ["year", "month", "day"]}},
                    {"name": "source_ids", "type": "string", "constraints": {"required": True},
                     "clv": {"list": True,
                             "references": {"resource": "sources", "field": "source_id"}}},
                ],
                "primaryKey": ["event_id"]}},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def test_partial_dates_at_their_precision_pass(tmp_path):
    folder = _tiny_package(tmp_path / "ok", [("1999", "year"), ("2002-01", "month"),
                                             ("2024-09-20", "day")])
    events = clvlib.load("events", data_dir=folder)
    assert list(events["date"]) == ["1999", "2002-01", "2024-09-20"]


@pytest.mark.parametrize(("date", "precision", "row_message"), [
    ("1999", "day", "written at year precision but the row says 'day'"),
    ("2024-09-20", "month", "written at day precision but the row says 'month'"),
    ("2024-13", "month", "no such date on the calendar"),
    ("2024-02-30", "day", "no such date on the calendar"),
    ("20 Sept 2024", "day", "not a date written as YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_partial_date_problems(tmp_path, date, precision, row_message):
    folder = _tiny_package(tmp_path / "bad", [("1999", "year"), (date, precision)])
    with pytest.raises(clvlib.DataError) as excinfo:
        clvlib.load("events", data_dir=folder)
    (problem,) = excinfo.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "events.csv", 3, "date", date)
    assert problem.message == row_message


def test_partial_date_problem_accepts_leap_day():
    assert partial_date_problem("2024-02-29", "day") is None
    assert partial_date_problem("2023-02-29", "day") == "no such date on the calendar"


@pytest.mark.parametrize("column", ["notes", "name_en"])   # an optional and a required column
def test_a_missing_column_is_reported_once_with_frictionless(edit, column):
    def change(header, rows):
        for r in rows:
            del r[column]
        return [h for h in header if h != column]

    data = edit("provinces.csv", change)
    report = clvlib.validate(data_dir=data, use_frictionless=True)
    assert [(p.file, p.row, p.column, p.code) for p in report.problems] == [
        ("provinces.csv", 1, column, "missing-column")]


def test_end_date_before_start_is_refused(tmp_path):
    folder = _tiny_package(tmp_path / "order", [("1979-01", "month")])
    events = folder / "events.csv"
    events.write_text("event_id,date,date_precision,source_ids,end_date\n"
                      "e0,1979-01,month,s1,1989-09\n"
                      "e1,1979-01,month,s1,1979-01-15\n"
                      "e2,1979-01,month,s1,1978\n", encoding="utf-8")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][1]["schema"]["fields"].append(
        {"name": "end_date", "type": "string",
         "clv": {"partialDate": True, "notBefore": "date"}})
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(clvlib.DataError) as excinfo:
        clvlib.load("events", data_dir=folder)
    (problem,) = excinfo.value.problems  # 1979-01-15 lies inside 1979-01: allowed
    assert (problem.row, problem.column, problem.value, problem.code) == (
        4, "end_date", "1978", "date-order")


# ---- faults found by trying bad inputs on a copy of the kit (issue 14)


def _lines(data_dir: Path, file: str, change) -> Path:
    """Change the raw lines of a CSV file (no csv module: the file may become malformed)."""
    path = data_dir / file
    lines = path.read_text(encoding="utf-8").split("\n")
    change(lines)
    path.write_text("\n".join(lines), encoding="utf-8")
    return data_dir


def _problems_of(report, file):
    return [p for p in report.problems if p.file == file]


def test_a_table_cut_to_its_header_fails(edit):
    data = edit("eras.csv", lambda header, rows: rows.clear())
    report = _check_both(data, "eras", "empty-table", "eras.csv", None, None, None)
    assert "no data rows" in str(report)


def test_an_undeclared_csv_is_a_finding(data_copy):
    (data_copy / "old_events.csv").write_text("garbage\x00,\n\"unclosed\n", encoding="utf-8")
    report = clvlib.validate(data_dir=data_copy, use_frictionless=True)
    assert [(p.file, p.code) for p in report.problems] == [("old_events.csv", "undeclared-file")]
    assert main(["--data-dir", str(data_copy), "validate", "--no-frictionless"]) == 1


def test_a_row_with_a_missing_last_field_is_refused_once(data_copy):
    data = _lines(data_copy, "eras.csv", lambda ls: ls.__setitem__(2, ls[2].rsplit(",", 1)[0]))
    report = _check_both(data, "eras", "missing-cell", "eras.csv", 3, None, "occupation")
    assert [p.code for p in _problems_of(report, "eras.csv")] == ["missing-cell"]
    with_frictionless = clvlib.validate(data_dir=data, use_frictionless=True)
    assert [(p.row, p.code) for p in _problems_of(with_frictionless, "eras.csv")] == [
        (3, "missing-cell")]


def test_one_extra_field_in_the_first_data_row_is_a_named_problem(data_copy):
    data = _lines(data_copy, "eras.csv", lambda ls: ls.__setitem__(1, ls[1] + ",surplus"))
    report = clvlib.validate(data_dir=data, use_frictionless=True)
    assert [(p.row, p.code) for p in _problems_of(report, "eras.csv")] == [(2, "extra-cell")]
    with pytest.raises(clvlib.DataError, match="eras.csv, row 2.*extra field"):
        clvlib.load("eras", data_dir=data)


def test_infinity_in_a_number_field_is_refused(edit):
    data = edit("provinces.csv", lambda header, rows: rows[2].update(area_km2="1e999"))
    report = _check_both(data, "provinces", "type-error", "provinces.csv", 4, "area_km2", "1e999")
    assert "infinity" in str(report)


def test_an_integer_too_large_for_int64_is_refused(edit):
    huge = "99999999999999999999"
    data = edit("provinces.csv", lambda header, rows: rows[2].update(population=huge))
    report = _check_both(data, "provinces", "type-error", "provinces.csv", 4, "population", huge)
    assert "too large" in str(report)


def test_a_nul_byte_in_a_text_field_is_refused(edit):
    changed = {}

    def change(header, rows):
        rows[0]["title"] = changed["title"] = rows[0]["title"][:5] + "\x00" + rows[0]["title"][5:]

    data = edit("sources.csv", change)
    report = _check_both(data, "sources", "control-character", "sources.csv", 2, "title",
                         changed["title"])
    assert "U+0000" in str(report)


def test_an_empty_sources_file_says_it_is_empty_once(data_copy):
    (data_copy / "sources.csv").write_bytes(b"")
    report = clvlib.validate(data_dir=data_copy, use_frictionless=True)
    assert [(p.file, p.code) for p in report.problems] == [("sources.csv", "empty-file")]
    assert "the file is empty" in str(report)
    with pytest.raises(clvlib.DataError) as excinfo:  # a table citing it cannot be checked
        clvlib.load("eras", data_dir=data_copy)
    assert [(p.code, p.value) for p in excinfo.value.problems] == [
        ("reference-unchecked", "sources.csv")]


def test_a_latin1_byte_is_reported_with_its_line(data_copy):
    path = data_copy / "eras.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"The", "Thé".encode("latin-1"), 1)
    path.write_bytes(b"\n".join(lines))
    report = clvlib.validate(data_dir=data_copy, use_frictionless=True)
    (problem,) = report.problems
    assert (problem.file, problem.row, problem.code, problem.value) == ("eras.csv", 4, "encoding",
                                                                        "0xe9")
    assert "line 4" in problem.message
    with pytest.raises(clvlib.DataError, match="eras.csv, row 4.*line 4"):
        clvlib.load("eras", data_dir=data_copy)


@pytest.mark.parametrize(("where", "message"), [
    (lambda d: d["resources"][3].pop("path"), "has no 'path'"),
    (lambda d: d["resources"][3]["schema"]["fields"][1].pop("name"), "field 2 has no 'name'"),
])
def test_a_broken_descriptor_is_a_named_error_not_a_key_error(data_copy, where, message):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    where(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(clvlib.DataError, match=message) as excinfo:
        clvlib.load("provinces", data_dir=data_copy)
    assert [p.code for p in excinfo.value.problems] == ["bad-descriptor"]
    report = clvlib.validate(data_dir=data_copy)
    assert [p.code for p in report.problems] == ["bad-descriptor"]
    assert main(["--data-dir", str(data_copy), "validate", "--no-frictionless"]) == 1


def test_rows_are_numbered_alike_by_both_checkers_after_a_blank_line(data_copy):
    def change(lines):
        lines.insert(2, "")                                    # a blank row 3
        era_id, _title, rest = lines[4].split(",", 2)
        lines[4] = f"{era_id},,{rest}"                          # row 5: title emptied

    data = _lines(data_copy, "eras.csv", change)
    report = clvlib.validate(data_dir=data, use_frictionless=True)
    rows = sorted({(p.row, p.code) for p in _problems_of(report, "eras.csv")})
    assert rows == [(3, "blank-row"), (5, "missing-value")], str(report)
    ours = clvlib.validate(data_dir=data, use_frictionless=False)
    assert sorted({(p.row, p.code) for p in ours.problems}) == rows
    assert all(p.column == "title" for p in ours.problems if p.row == 5)


def test_event_provinces_must_be_in_the_provinces_table(edit):
    data = edit("events.csv", lambda header, rows: rows[0].update(provinces="TH-10"))
    _check_both(data, "events", "unknown-reference", "events.csv", 2, "provinces", "TH-10")


def test_a_blank_first_line_is_one_header_problem(data_copy):
    path = data_copy / "eras.csv"
    path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    report = clvlib.validate(data_dir=data_copy, use_frictionless=True)
    assert [(p.file, p.row, p.code) for p in report.problems] == [("eras.csv", 1, "blank-header")]


def test_an_unreadable_file_is_a_named_problem(data_copy, monkeypatch):
    target = data_copy / "eras.csv"
    real = Path.read_bytes

    def read_bytes(self):
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(clvlib.DataError, match="eras.csv: the file cannot be read: Permission denied"):
        clvlib.load("eras", data_dir=data_copy)
    report = clvlib.validate(data_dir=data_copy, use_frictionless=False)
    assert [(p.file, p.code) for p in report.problems] == [("eras.csv", "unreadable-file")]
