"""Every figure the notebooks draw passes the figure check; the check itself catches each fault.

The cases below call the same helpers with the same arguments as the notebooks'
figure cells; ``test_every_notebook_figure_has_a_case`` reads the notebooks and
fails when a figure call has no case here, so a new figure cannot skip the check.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import clvlib  # noqa: E402
from clvlib import econ, figures, geo, legal, provenance, timeline  # noqa: E402
from conftest import ROOT  # noqa: E402

MIRROR = Path(os.environ["CLVLIB_MIRROR"]) if os.environ.get("CLVLIB_MIRROR") else None

needs_mirror = pytest.mark.skipif(MIRROR is None or not MIRROR.is_dir(),
                                  reason="no boundary mirror beside the checkout (../shared/data/boundaries)")
NOTEBOOKS = ROOT / "notebooks"


# ----------------------------------------------------------------------------- the notebooks' figures


def _events():
    return clvlib.load_events(), clvlib.load_eras()


def history_all():
    events, eras = _events()
    title = "Vietnam, Cambodia and the triangle, 1967–2025: every event in the table"
    return timeline.plot_timeline(events, eras, label=None, title=title)


def history_cold_war():
    events, eras = _events()
    cold_war = timeline.one_per_event(timeline.select(events, "1967", "1991"))
    return timeline.plot_timeline(cold_war, eras[eras["era_id"].isin(["democratic_kampuchea", "occupation"])],
                                  title="Vietnam and Cambodia, 1967–1991")


def history_triangle():
    events, eras = _events()
    triangle = timeline.one_per_event(timeline.select(events, "1995", "2023"))
    return timeline.plot_timeline(triangle, eras[eras["era_id"] == "triangle"],
                                  title="ASEAN accession and the development triangle, 1995–2023")


def history_summits():
    events, _ = _events()
    summits = events[events["series"] == "clv_summit"]
    return timeline.plot_counts(
        summits, title="Summits of the three prime ministers on the triangle, by year", ylabel="summits")


def history_recent():
    events, eras = _events()
    recent = timeline.select(events, "2024", "2025")
    return timeline.plot_timeline(recent, eras[eras["era_id"] == "withdrawal_crisis"],
                                  title="2024–2025: campaign, withdrawal and after")


def legal_instruments():
    return legal.plot_instruments(clvlib.load("instruments"))


def legal_exit_route():
    events = clvlib.load("events")
    trade = legal.exit_route("trade_agreement_2016", notice_date="2024-09-20")
    actual = events.set_index("event_id").loc[
        ["notification_letters_2024", "na_vote_2024", "senate_approval_2024",
         "senate_amendments_2024", "kram_cancellation_2024"], ["date", "title"]]
    return legal.plot_exit_route(trade, events[events["event_id"].isin(actual.index)],
                                 title="Leaving the trade agreement: model steps and what happened")


def econ_sides():
    return econ.plot_compare_sides(clvlib.load("trade"), "VNM", "KHM", sources=clvlib.load("sources"))


def econ_concentration_exports():
    trade, sources = clvlib.load("trade"), clvlib.load("sources")
    return econ.plot_concentration(econ.concentration(trade, flow="exports", sources=sources))


def econ_concentration_total():
    trade, sources = clvlib.load("trade"), clvlib.load("sources")
    return econ.plot_concentration(econ.concentration(trade, flow="total", sources=sources),
                                   flow="total trade",
                                   title="Cambodia's own statistics: total trade by main partner")


def econ_region_projects():
    return geo.plot_region("2024-09-19", projects=True)


def geo_region():
    return geo.plot_region("2024-09-19")


def geo_membership():
    return geo.plot_membership(["2002-06-01", "2005-06-01", "2007-06-01", "2010-01-01", "2024-09-20"])


def geo_province_figures():
    return geo.plot_province_figures(clvlib.load("provinces"), "2024-09-19")


# (notebook, helper called in it, case, needs the boundary mirror)
CASES = [
    ("01_history", "plot_timeline", history_all, False),
    ("01_history", "plot_timeline", history_cold_war, False),
    ("01_history", "plot_timeline", history_triangle, False),
    ("01_history", "plot_counts", history_summits, False),
    ("01_history", "plot_timeline", history_recent, False),
    ("02_legal_mechanics", "plot_instruments", legal_instruments, False),
    ("02_legal_mechanics", "plot_exit_route", legal_exit_route, False),
    ("03_economic_ties", "plot_compare_sides", econ_sides, False),
    ("03_economic_ties", "plot_region", econ_region_projects, True),
    ("03_economic_ties", "plot_concentration", econ_concentration_exports, False),
    ("03_economic_ties", "plot_concentration", econ_concentration_total, False),
    ("04_geography", "plot_region", geo_region, True),
    ("04_geography", "plot_membership", geo_membership, True),
    ("04_geography", "plot_province_figures", geo_province_figures, True),
]
FIGURE_CALL = re.compile(r"\b(plot_\w+)\(")


def test_every_notebook_figure_has_a_case():
    """Each figure call in a notebook (outside solutions) is drawn and checked below."""
    called: Counter = Counter()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and "solution" not in cell.metadata.get("tags", []):
                called.update((path.stem, name) for name in FIGURE_CALL.findall(cell.source))
        # no pandas or pyplot figures by hand: figures come from helpers that finish them
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not re.search(r"\.plot(\.\w+)?\(|plt\.", cell.source), (path.name, cell.id)
    assert called == Counter((nb, helper) for nb, helper, _, _ in CASES)


@functools.cache
def _drawn(case) -> tuple:
    """Draw a case once per test session: the figure and the sources marked used while drawing it."""
    provenance.reset()
    fig = case()
    return fig, provenance.used()


@pytest.mark.parametrize("case", [pytest.param(c, id=c[2].__name__, marks=[needs_mirror] if c[3] else [])
                                  for c in CASES])
def test_notebook_figure_is_slide_ready(case, tmp_path):
    from PIL import Image

    fig, used = _drawn(case[2])
    assert figures.check(fig) == []   # overlap, cut text, < 9 pt, missing glyphs, invisible data
    png, svg, *csv = figures.save(fig, tmp_path)
    with Image.open(png) as image:
        assert round(image.info["dpi"][0]) == 200 and image.size == (2666, 1500)
    assert "<svg" in svg.read_text(encoding="utf-8")[:2000] and csv
    info = fig.clvlib_info
    assert tuple(fig.get_size_inches()) == pytest.approx(figures.SLIDE)
    for key in ("name", "title", "caption", "alt", "credit", "sources", "csv"):
        assert info[key], key
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", info["name"])
    credit = [t.get_text() for t in fig.texts if t.get_gid() == "credit"]
    assert credit and credit[0].replace("\n", " ").startswith("Source")
    assert set(info["sources"]) <= used
    known = set(clvlib.load("sources")["source_id"])
    assert set(info["sources"]) <= known


def test_figure_names_are_unique():
    have_mirror = bool(MIRROR and MIRROR.is_dir())
    names = [_drawn(case)[0].clvlib_info["name"] for _, _, case, mirror in CASES
             if have_mirror or not mirror]
    assert len(names) == len(set(names))


# ----------------------------------------------------------------------------- the check itself


@pytest.fixture(autouse=True)
def _kit_style():
    """The bad figures below are drawn under the kit's style, as the helpers draw."""
    with figures.style():
        yield
    plt.close("all")   # a closed figure still draws on its own canvas (the cached cases do)


def _fig(**kwargs):
    return figures.new_figure(**kwargs)


def test_check_passes_a_clean_figure():
    fig, ax = _fig()
    ax.plot([0, 1], [0, 1])
    ax.set_title("A clean figure")
    assert figures.check(fig) == []


def test_check_finds_overlapping_texts():
    fig, ax = _fig()
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "first label here")
    ax.text(0.52, 0.5, "second label here")
    problems = figures.check(fig)
    assert problems == ["texts 'first label here' and 'second label here' overlap"]


def test_check_finds_boxed_texts_whose_boxes_overlap():
    # two lettered circles a little apart: the letters themselves do not touch, the circles do
    # (the exit-route figure once drew D under E, one day apart)
    def lettered(gap):
        fig, ax = _fig()
        ax.plot([0, 1], [0, 1])
        for x, letter in ((0.5, "D"), (0.5 + gap, "E")):
            ax.text(x, 0.5, letter, ha="center", va="center", fontsize=11,
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "0.35"})
        return fig

    assert figures.check(lettered(0.02)) == ["texts 'D' and 'E' overlap"]
    assert figures.check(lettered(0.2)) == []


def test_check_finds_text_cut_by_the_edge():
    fig, ax = _fig()
    ax.plot([0, 1], [0, 1])
    fig.text(0.97, 0.5, "this runs off the page")
    assert figures.check(fig) == ["text 'this runs off the page' is cut by the figure's edge"]


def test_check_finds_text_cut_by_its_axes():
    fig, (ax, right) = _fig(ncols=2)
    ax.plot([0, 1], [0, 1])
    right.plot([0, 1], [0, 1])
    ax.text(0.97, 0.5, "clipped", clip_on=True)
    assert figures.check(fig) == ["text 'clipped' is cut by its axes"]


def test_check_finds_tiny_text_at_slide_size():
    fig, ax = _fig()
    ax.plot([0, 1], [0, 1])
    ax.text(0.2, 0.5, "eight point", fontsize=8)
    ax.text(0.2, 0.7, "nine point", fontsize=9)
    assert figures.check(fig) == ["text 'eight point' is 8.0 pt (smallest allowed 9 pt at slide size)"]
    # a small figure is scaled up to fill the slide: 5 pt on a half-size figure counts as 10 pt
    small, ax2 = _fig(figsize=(6.665, 3.75))
    ax2.plot([0, 1], [0, 1])
    ax2.text(0.2, 0.5, "small", fontsize=5)
    assert figures.check(small) == []


def test_check_finds_an_empty_panel():
    fig, (full, empty) = _fig(ncols=2)
    full.plot([0, 1], [0, 1])
    empty.set_title("nothing here")
    assert figures.check(fig) == ["panel 'nothing here' has nothing visible in it"]


def test_check_finds_data_squashed_by_a_shared_scale():
    # the 04_geography fault: areas (~10,000) on the population axis (~1.9 million)
    fig, (area, people) = _fig(ncols=2, sharex=True)
    area.barh(["a", "b"], [9_000, 15_000])
    area.set_title("Area")
    people.barh(["a", "b"], [1_900_000, 200_000])
    problems = figures.check(fig)
    assert problems and all("'Area'" in p for p in problems)
    assert any("needs its own scale" in p for p in problems)


def test_check_finds_a_bar_under_a_pixel():
    fig, ax = _fig()
    ax.barh(["a", "b"], [1, 200_000])
    ax.set_title("Mixed")
    assert any("invisible at this scale" in p for p in figures.check(fig))


def test_check_finds_a_missing_glyph():
    fig, ax = _fig()
    ax.plot([0, 1], [0, 1])
    ax.text(0.1, 0.5, "ស្ទឹងត្រែង", fontfamily="DejaVu Sans")   # DejaVu has no Khmer
    problems = figures.check(fig)
    assert problems and all(p.startswith("missing glyph") for p in problems)


def test_the_kit_style_renders_khmer_lao_and_vietnamese():
    fig, ax = _fig()
    ax.plot([0, 1], [0, 1])
    ax.text(0.1, 0.2, "ស្ទឹងត្រែង · រតនគិរី")
    ax.text(0.1, 0.5, "ອັດຕະປື · ເຊກອງ")
    ax.text(0.1, 0.8, "Đắk Lắk · Kon Tum · Bình Phước")
    assert figures.check(fig) == []


def test_check_finds_text_covered_by_an_inset_or_legend():
    fig, ax = _fig()
    ax.plot([0, 1], [0, 1], label="a line")
    ax.text(0.02, 0.9, "Vientiane", transform=ax.transAxes)
    inset = ax.inset_axes([0.0, 0.75, 0.25, 0.25])
    inset.plot([0, 1], [1, 0])
    inset.set_xticks([])
    inset.set_yticks([])
    problems = figures.check(fig)
    assert problems == ["text 'Vientiane' is covered by a inset axes"]
    fig2, ax2 = _fig()
    ax2.plot([0, 1], [0, 1], label="a line")
    ax2.legend(loc="upper left")
    ax2.text(0.02, 0.97, "under the legend", transform=ax2.transAxes, va="top")
    assert "text 'under the legend' is covered by a legend" in figures.check(fig2)


def test_assert_fit_raises_a_named_error():
    fig, ax = _fig()
    ax.set_title("empty")
    with pytest.raises(figures.FigureCheckError, match="has nothing visible"):
        figures.assert_fit(fig)
    assert issubclass(figures.FigureCheckError, clvlib.errors.ClvlibError)


# ----------------------------------------------------------------------------- finish, save, display


def test_credit_line_comes_from_the_sources_table():
    events = clvlib.load_events()
    rows = events[events["event_id"] == "na_vote_2024"]
    fig = timeline.plot_timeline(rows, title="One event")
    sources = clvlib.load("sources").set_index("source_id")
    ids = provenance.source_ids(rows)
    assert fig.clvlib_info["sources"] == ids
    for sid in ids:
        assert str(sources.loc[sid, "publisher"]) in fig.clvlib_info["credit"]
    assert pd.read_csv(__import__("io").StringIO(fig.clvlib_info["csv"]))["event_id"].tolist() == [
        "na_vote_2024"]
    plt.close(fig)


def test_save_writes_png_at_200_dpi_svg_and_csv(tmp_path):
    from PIL import Image

    events = clvlib.load_events()
    summits = events[events["series"] == "clv_summit"]
    fig = timeline.plot_counts(summits, title="Summits")
    paths = figures.save(fig, tmp_path)
    assert [p.name for p in paths] == ["summits.png", "summits.svg", "summits.csv"]
    with Image.open(paths[0]) as png:
        assert png.size == (round(13.33 * 200), 1500)
        assert round(png.info["dpi"][0]) == 200
    svg = paths[1].read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    lines = paths[2].read_text(encoding="utf-8").splitlines()
    assert lines[0] == "year,events" and sum(int(r.split(",")[1]) for r in lines[1:]) == len(summits)
    plt.close(fig)


def test_save_refuses_an_unfinished_figure(tmp_path):
    fig, ax = _fig()
    with pytest.raises(figures.FigureCheckError, match="not finished"):
        figures.save(fig, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_in_a_kernel_finish_displays_one_output_with_the_info():
    """Contract 4: one display_data with PNG, SVG and text, metadata clvlib; no second image."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import clvlib\nfrom clvlib import timeline\n"
        "ev = clvlib.load_events()\n"
        "timeline.plot_counts(ev[ev['series'] == 'clv_summit'], title='Summits');")]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data"]
    out = outputs[0]
    assert set(out.data) == {"image/png", "image/svg+xml", "text/plain"}
    assert out.data["text/plain"] == "Summits"
    assert out.metadata["image/png"] == {"width": 960, "height": 540}   # 72 px per inch
    info = out.metadata["clvlib"]
    assert set(info) == {"name", "title", "caption", "alt", "credit", "sources", "csv"}
    assert info["name"] == "summits" and info["sources"] and "year" in info["csv"]
    import base64
    import io

    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(out.data["image/png"]))) as png:
        assert png.size == (round(13.33 * 200), 1500)


def test_a_title_the_fonts_cannot_draw_is_credited_by_its_language(data_copy, edit):
    # a Japanese-language title: the credit names the language instead of drawing empty boxes
    def japanese(header, rows):
        for row in rows:
            if row["source_id"] == "pycountry_26_2_16":
                row["title"], row["language"] = "カンボジアの貿易", "ja"
    data = edit("sources.csv", japanese)
    text = figures.credit_line(["pycountry_26_2_16"], data_dir=data)
    assert "title in Japanese" in text and "カ" not in text
    with figures.style():
        fig = plt.figure(figsize=figures.SLIDE)
        fig.text(0.01, 0.5, text, fontsize=9)
        assert not [p for p in figures.check(fig) if p.startswith("missing glyph")]
    plt.close(fig)


def test_check_finds_a_data_point_under_the_legend():
    fig, ax = _fig()
    ax.plot([0, 10], [0, 10], "o-", label="rising")
    ax.plot([0.3], [9.6], "s", label="hidden")   # top left, where the legend goes
    ax.legend(loc="upper left")
    problems = figures.check(fig)
    assert any("legend covers a data point of 'hidden'" in p for p in problems), problems
    ax.get_legend().remove()
    ax.legend(loc="lower right")
    assert not [p for p in figures.check(fig) if "legend covers" in p]


def test_fonts_installed_after_matplotlib_listed_them_are_found(monkeypatch):
    # matplotlib keeps its font list in a cache; fonts installed later (make fonts) are not in it.
    # A list without the Noto fonts stands in for that stale cache.
    from matplotlib import font_manager

    manager = font_manager.fontManager
    stale = [f for f in manager.ttflist if not f.name.startswith("Noto Sans")]
    assert len(stale) < len(manager.ttflist), "the test needs the Noto fonts installed"
    monkeypatch.setattr(manager, "ttflist", stale)
    manager._findfont_cached.cache_clear()
    figures._refresh_fonts.cache_clear()
    figures._style_charset.cache_clear()
    assert figures.drawable("ស្ទឹងត្រែង") and figures.drawable("ອັດຕະປື")
    assert any(f.name == "Noto Sans Khmer" for f in manager.ttflist)
