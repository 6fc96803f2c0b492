"""Audit samples: reproducible, drawn only from rows that cite a source, clear about bad sizes."""

from __future__ import annotations

import csv

import pytest

import clvlib
from clvlib import audit
from clvlib.cli import main
from clvlib.evidence import CORE_TABLES
from conftest import DATA


def _rows_with_sources() -> int:
    """Count by hand: rows of the sampled tables with at least one id in a *source_ids column."""
    total = 0
    for name in clvlib.datasets()["name"]:
        if name in audit.NOT_SAMPLED:
            continue
        with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if any((v or "").strip() for k, v in row.items() if k.endswith("source_ids")):
                    total += 1
    return total


def test_the_same_seed_draws_the_same_rows_and_another_seed_others():
    a = audit.sample(40, seed=20261212)
    assert a.equals(audit.sample(40, seed=20261212))
    assert not a.equals(audit.sample(40, seed=20261213))
    assert len(a) == 40 and not a.duplicated(["table", "key"]).any()


def test_the_population_is_every_row_that_cites_a_source_outside_the_kits_own_text():
    rows = audit.population()
    assert len(rows) == _rows_with_sources()
    tables = {t for t, _, _ in rows}
    assert not tables & set(audit.NOT_SAMPLED)
    assert {"events", "trade", "province_names", "membership"} <= tables
    assert all(ids for _, _, ids in rows)
    # keys are the primary keys, so a row can be found again
    events = clvlib.load("events")
    keys = {k for t, k, _ in rows if t == "events"}
    assert keys == set(events["event_id"])


def test_core_draws_only_from_the_core_tables():
    drawn = audit.sample(60, seed=3, core=True)
    assert set(drawn["table"]) <= set(CORE_TABLES)
    assert len(audit.population(core=True)) == int(
        clvlib.evidence.core_summary()["rows"])


def test_a_row_without_its_sources_is_refused_not_drawn_or_skipped(edit):
    # every sampled table requires source_ids: a row without them is broken data, and the
    # sample names it (file, row, column) rather than quietly leaving it out
    def change(header, rows):
        rows[0]["source_ids"] = ""

    data = edit("events.csv", change)
    with pytest.raises(clvlib.DataError) as excinfo:
        audit.population(data_dir=data)
    (problem,) = excinfo.value.problems
    assert (problem.file, problem.row, problem.column) == ("events.csv", 2, "source_ids")


@pytest.mark.parametrize("n", [0, 100_000])
def test_a_sample_size_out_of_range_is_refused_with_the_range(n):
    with pytest.raises(clvlib.ClvlibError, match=rf"{n} rows: give a number from 1 to \d+"):
        audit.sample(n, seed=1)


def test_cli_sample_prints_the_rows_and_refuses_a_bad_size(capsys):
    assert main(["sample", "--seed", "5", "--n", "4"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split() == ["table", "key", "source_ids"] and len(lines) == 5
    drawn = audit.sample(4, seed=5)
    for line, table, key in zip(lines[1:], drawn["table"], drawn["key"], strict=True):
        assert line.split()[0] == table and key in line
    assert main(["sample", "--seed", "5", "--n", "0"]) == 1
    assert "give a number from 1 to" in capsys.readouterr().err
