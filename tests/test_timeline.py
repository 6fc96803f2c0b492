"""Timeline helpers on small hand-checked inputs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from clvlib import timeline  # noqa: E402
from clvlib.timeline import (  # noqa: E402
    PartialDateError,
    around,
    conflicts,
    date_bounds,
    in_era,
    label_overlaps,
    plot_timeline,
    select,
)


def _ev(rows):
    cols = ["event_id", "date", "end_date", "category", "countries", "provinces", "title"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


EVENTS = _ev([
    ("a", "1999", None, "institution", "KHM;LAO;VNM", None, "founding idea"),
    ("b", "1978-12-25", None, "conflict", "VNM;KHM", None, "invasion"),
    ("c", "1979-01", "1989-09", "conflict", "VNM;KHM", None, "occupation"),
    ("d", "2024-09-20", None, "diplomacy", "KHM", "KH-16;KH-19", "withdrawal"),
    ("e", "2009", None, "institution", "KHM;LAO;VNM", "KH-10;LA-CH;VN-58", "enlargement"),
])


@pytest.mark.parametrize(("text", "first", "last"), [
    ("1999", "1999-01-01", "1999-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2023-02", "2023-02-01", "2023-02-28"),
    ("2024-09-20", "2024-09-20", "2024-09-20"),
])
def test_date_bounds(text, first, last):
    assert date_bounds(text) == (pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize("bad", ["1999-13", "2023-02-29", "Sept 2024", "99"])
def test_date_bounds_refuses_bad_dates(bad):
    with pytest.raises(PartialDateError, match=bad):
        date_bounds(bad)


def test_a_year_overlaps_any_window_touching_that_year():
    assert list(select(EVENTS, "1999-12-31", "2000")["event_id"]) == ["a"]
    assert list(select(EVENTS, "1998", "1998-12-31")["event_id"]) == []
    assert "a" not in set(select(EVENTS, "2000", "2003")["event_id"])


def test_a_span_overlaps_windows_inside_it():
    assert list(select(EVENTS, "1985", "1985")["event_id"]) == ["c"]
    assert set(select(EVENTS, "1989-09-30", "1989-10")["event_id"]) == {"c"}
    assert list(select(EVENTS, "1989-10", "1990")["event_id"]) == []


def test_selection_is_in_date_order_and_open_ended():
    assert list(select(EVENTS, start="2000")["event_id"]) == ["e", "d"]
    assert list(select(EVENTS, end="1979")["event_id"]) == ["b", "c"]


def test_filters_by_category_country_and_province():
    assert list(select(EVENTS, category="conflict")["event_id"]) == ["b", "c"]
    assert list(select(EVENTS, category=["diplomacy", "institution"])["event_id"]) == ["a", "e", "d"]
    assert list(select(EVENTS, country="LAO")["event_id"]) == ["a", "e"]
    assert list(select(EVENTS, province="KH-16")["event_id"]) == ["d"]
    assert list(select(EVENTS, province=["LA-CH", "KH-19"])["event_id"]) == ["e", "d"]


def test_unknown_category_and_reversed_window_are_refused():
    with pytest.raises(ValueError, match="categor"):
        select(EVENTS, category="war")
    with pytest.raises(ValueError, match="after it ends"):
        select(EVENTS, "2000", "1999")


def test_eras_come_from_data():
    eras = pd.DataFrame({"era_id": ["occupation"], "title": ["Occupation"],
                         "start": ["1979-01"], "end": ["1989-09"]})
    assert list(in_era(EVENTS, eras, "occupation")["event_id"]) == ["c"]
    with pytest.raises(KeyError, match="occupation"):
        in_era(EVENTS, eras, "colonial")


def test_around_orders_by_distance_and_says_the_relation():
    got = around(EVENTS, "1979-01-07", years=1)
    assert list(got["event_id"]) == ["c", "b"]
    assert list(got["relation"]) == ["during", "before"]
    assert list(got["days_away"]) == [0, 13]
    later = around(EVENTS, "2024", years=0.5)
    assert list(later["event_id"]) == ["d"] and later["relation"].iloc[0] == "during"


def test_conflicts_groups_rival_datings():
    ev = EVENTS.assign(conflict_id=[None, "invasion", None, None, None])
    extra = ev.iloc[[1]].assign(event_id="b2", date="1978-12-22")
    both = pd.concat([ev, extra], ignore_index=True)
    assert list(conflicts(both)["event_id"]) == ["b2", "b"]
    assert conflicts(ev).empty


def test_plot_draws_lanes_spans_points_and_labels():
    eras = pd.DataFrame({"era_id": ["o"], "title": ["Occupation"], "start": ["1979-01"],
                         "end": ["1989-09"]})
    fig = plot_timeline(EVENTS, eras, title="Test")
    ax = fig.axes[0]
    assert tuple(fig.get_size_inches()) == pytest.approx(timeline.SLIDE_SIZE)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["conflict", "diplomacy", "institution"]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "event-label"]
    assert sorted(labels) == sorted(EVENTS["title"])
    assert [t.get_text() for t in ax.texts if t.get_gid() == "era-label"] == ["Occupation"]
    # three partial-date events are bars, two single days are points
    bars = [patch for container in ax.containers for patch in container.patches]
    assert len(bars) == 3
    points = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(points) == 2
    widths = sorted(round(b.get_width()) for b in bars)
    assert widths == [365, 365, 3926]  # 1999, 2009, and 1979-01-01..1989-09-30 inclusive
    starts = {round(b.get_x()) for b in bars}
    assert round(mdates.date2num(pd.Timestamp("1979-01-01"))) in starts
    assert ax.get_title(loc="left") == "Test"


def test_forty_labels_do_not_overlap():
    rows = []
    for i in range(40):
        year = [1975, 1979, 1999, 2004, 2009, 2016, 2024, 2024, 2024, 2025][i % 10]
        date = f"{year}-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}" if i % 3 else str(year)
        category = timeline.CATEGORIES[i % len(timeline.CATEGORIES)]
        rows.append((f"e{i}", date, None, category, "KHM", None, f"event number {i} label"))
    fig = plot_timeline(_ev(rows))
    assert len([t for t in fig.axes[0].texts if t.get_gid() == "event-label"]) == 40
    assert label_overlaps(fig) == 0


def test_empty_selection_cannot_be_plotted():
    with pytest.raises(ValueError, match="no events"):
        plot_timeline(EVENTS.iloc[0:0])


def test_one_per_event_keeps_the_first_version():
    ev = EVENTS.assign(conflict_id=[None, "x", None, None, "y"])
    extra = pd.DataFrame([dict(ev.iloc[1]) | {"event_id": "b2", "date": "1978-12-22"},
                          dict(ev.iloc[4]) | {"event_id": "e2", "date": "2010"}])
    both = pd.concat([ev, extra], ignore_index=True)
    assert list(timeline.one_per_event(both)["event_id"]) == ["a", "b", "c", "d", "e"]
    assert len(timeline.one_per_event(ev)) == len(ev)


def test_plot_without_labels_draws_every_event():
    fig = plot_timeline(EVENTS, label=None)
    ax = fig.axes[0]
    assert [t for t in ax.texts if t.get_gid() == "event-label"] == []
    bars = [patch for container in ax.containers for patch in container.patches]
    assert len(bars) + len([ln for ln in ax.lines if ln.get_marker() == "o"]) == len(EVENTS)


def test_plot_counts_bars_are_the_yearly_counts():
    ev = _ev([
        ("a", "2004-07", None, "institution", "KHM", None, "x"),
        ("b", "2004-11", None, "institution", "KHM", None, "x"),
        ("c", "2006-12-04", "2006-12-05", "diplomacy", "KHM", None, "x"),
    ])
    fig = timeline.plot_counts(ev, by="category", title="Per year")
    ax = fig.axes[0]
    heights = {}
    for container in ax.containers:
        for bar in container:
            year = round(bar.get_x() + bar.get_width() / 2)
            heights[year] = heights.get(year, 0) + bar.get_height()
    assert heights == {2004: 2, 2005: 0, 2006: 1}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["diplomacy", "institution"]
    with pytest.raises(ValueError, match="no events"):
        timeline.plot_counts(ev.iloc[0:0])


def test_notebook_01_model_answer_states_the_gap_the_data_gives():
    # the model answer quotes the largest gap between rival datings; a re-dated event must not
    # leave it stale (it once said 259 days after the constitution was dated to the day)
    import json
    import re
    from pathlib import Path

    import clvlib

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "01_history.ipynb")
                    .read_text(encoding="utf-8"))
    answer = next("".join(c["source"]) for c in nb["cells"]
                  if "Model answer" in "".join(c["source"]) and "days between" in "".join(c["source"]))
    stated = int(re.search(r"(\d+) days between", answer).group(1))
    rivals = timeline.spans(timeline.conflicts(clvlib.load("events")))
    gaps = rivals.groupby("conflict_id")["start"].agg(lambda s: (s.max() - s.min()).days)
    assert stated == int(gaps.max())
