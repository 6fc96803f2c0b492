"""Slide-ready figures: one style, a credit line from the data, display, saving and a check.

Every figure helper of the kit (``timeline.plot_timeline``, ``geo.plot_region``, …)
draws under :func:`style` and ends with :func:`finish`, which

- draws a credit line naming the sources of the rows drawn (publisher, short
  title, date: read from the ``sources`` table, never typed);
- attaches ``fig.clvlib_info`` (name, title, caption, alt, credit, sources, csv);
- records the sources as used (:func:`clvlib.provenance.mark_used`);
- inside a Jupyter kernel, displays the figure as one ``display_data`` output
  (PNG at 200 dpi, SVG, the title as text) carrying that info in its metadata
  (``metadata["clvlib"]``; ``metadata["image/png"]`` gives a display size of 72
  px per inch), and closes the pyplot figure.

:func:`check` lists what makes a figure unfit for a slide (overlapping or cut
text, text under 9 pt, missing glyphs, data invisible at its scale, an empty
panel); :func:`save` writes PNG (200 dpi), SVG and the CSV of the data drawn.

Examples
--------
>>> import pandas as pd
>>> with style():
...     fig, ax = new_figure()
...     _ = ax.bar(["a", "b"], [1, 2])
>>> fig = finish(fig, name="demo", title="Two bars", caption="Two bars.", alt="Two bars.",
...              sources=[], data=pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}))
>>> fig.clvlib_info["name"], check(fig)
('demo', [])
"""

from __future__ import annotations

import base64
import io
import textwrap
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from clvlib.errors import ClvlibError

STYLE = Path(__file__).with_name("clvlib.mplstyle")
"""The kit's matplotlib style sheet (package data)."""

SLIDE = (13.33, 7.5)
"""Inches of a 16:9 slide: every figure is made for it."""

MIN_FONT_PT = 9.0
"""Smallest text allowed, in points, at slide size."""

DPI = 200
"""Resolution of saved and displayed PNGs."""

CREDIT_PT = 9.0
CREDIT_LINES = 3
"""The credit line's size and its most lines: :func:`new_figure` keeps room for them."""

# Okabe & Ito (2008), colour-blind safe; one colour per country in every figure.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#7F7F7F", "#000000")
"""The kit's qualitative colours: Okabe-Ito with grey for its yellow (too pale on white slides)."""
COUNTRY_COLOURS = {"KHM": "#D55E00", "LAO": "#0072B2", "VNM": "#009E73", "THA": "#E69F00",
                   "CHN": "#CC79A7", "MMR": "#56B4E9"}
"""Colour of each country (ISO 3166-1 alpha-3) in every figure of the kit."""
COUNTRY_NAMES = {"KHM": "Cambodia", "LAO": "Laos", "VNM": "Vietnam", "THA": "Thailand",
                 "CHN": "China", "MMR": "Myanmar"}


class FigureCheckError(ClvlibError, AssertionError):
    """A figure fails the slide standard; the message lists every problem found."""

    def __init__(self, name: str, problems: list[str]):
        self.name = name
        self.problems = problems
        super().__init__(f"figure {name!r} fails the figure check:\n- " + "\n- ".join(problems))


@contextmanager
def style() -> Iterator[None]:
    """Draw under the kit's style sheet (fonts, sizes, colours, slide size).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with style():
    ...     mpl.rcParams["savefig.dpi"]
    200.0
    """
    import matplotlib.pyplot as plt

    _refresh_fonts()
    with plt.style.context(STYLE):
        yield


@cache
def _refresh_fonts() -> None:
    """Let matplotlib see the style's fonts when they were installed after it cached its font list.

    matplotlib lists the system's fonts once and keeps the list in its cache folder, so fonts
    installed later (``make fonts``) stay invisible and every Khmer or Lao glyph is missing.
    When one of the style's families is unknown, the system fonts not yet listed are added
    (once per process).
    """
    from matplotlib import font_manager, rc_params_from_file

    manager = font_manager.fontManager
    families = rc_params_from_file(STYLE, use_default_template=False)["font.family"]
    if set(families) <= {f.name for f in manager.ttflist}:
        return
    listed = {f.fname for f in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in listed:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable file is skipped
                continue
    stale = getattr(manager, "_findfont_cached", None)  # lookups that failed before the refresh
    if stale is not None and hasattr(stale, "cache_clear"):
        stale.cache_clear()
    _style_charset.cache_clear()


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = SLIDE,
               **kwargs: Any) -> tuple[Any, Any]:
    """``plt.subplots`` with constrained layout at slide size (call inside :func:`style`).

    Examples
    --------
    >>> with style():
    ...     fig, ax = new_figure()
    >>> [float(round(v, 2)) for v in fig.get_size_inches()]
    [13.33, 7.5]
    """
    import matplotlib.pyplot as plt

    kwargs.setdefault("layout", "constrained")
    kwargs.setdefault("dpi", DPI)   # lay out and place labels at the resolution the PNG is saved at
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, **kwargs)
    _reserve_credit(fig)
    return fig, axes


def new_mosaic(mosaic: Any, *, figsize: tuple[float, float] = SLIDE, **kwargs: Any) -> tuple[Any, dict]:
    """``plt.subplot_mosaic`` with constrained layout at slide size (call inside :func:`style`).

    Examples
    --------
    >>> with style():
    ...     fig, axes = new_mosaic([["map", "key"]])
    >>> sorted(axes)
    ['key', 'map']
    """
    import matplotlib.pyplot as plt

    kwargs.setdefault("layout", "constrained")
    kwargs.setdefault("dpi", DPI)
    fig, axes = plt.subplot_mosaic(mosaic, figsize=figsize, **kwargs)
    _reserve_credit(fig)
    return fig, axes


def _credit_band(fig: Any) -> float:
    """Fraction of the figure's height kept for the credit line at the bottom."""
    return (CREDIT_LINES * 1.6 + 0.6) * CREDIT_PT / 72 / fig.get_size_inches()[1]


def _reserve_credit(fig: Any) -> None:
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    frac = _credit_band(fig)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, frac, 1, 1 - frac))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, frac + 0.06))
    fig._clv_credit_reserved = True


# ----------------------------------------------------------------------------- labels


def place_labels(ax: Any, labels: list[Any], renderer: Any, obstacles: list[Any] | None = None,
                 gap_pt: float = 4.0) -> list[Any]:
    """Move point labels (annotations in offset points) so that none overlaps another or an obstacle.

    Each label tries eight positions around its point (right above first), then
    the same at twice and three times the distance, and takes the first that
    stays inside the axes and clears the labels already placed and every box
    in ``obstacles`` (display boxes: markers, scale bar…). Returns the labels
    that found no free place (left where they were).

    Examples
    --------
    >>> with style():
    ...     fig, ax = new_figure()
    ...     a = ax.annotate("one", (0.5, 0.5), xytext=(4, 4), textcoords="offset points")
    ...     b = ax.annotate("two", (0.5, 0.5), xytext=(4, 4), textcoords="offset points")
    ...     fig.draw_without_rendering()
    >>> place_labels(ax, [a, b], fig.canvas.get_renderer())
    []
    >>> check(fig)
    []
    """
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    frame = ax.get_window_extent(renderer)
    placed = list(obstacles or [])
    failed = []
    px_per_pt = ax.figure.dpi / 72
    for ann in labels:
        ann.set_ha("left")
        ann.set_va("bottom")
        box = Text.get_window_extent(ann, renderer)
        w, h = box.width, box.height
        x, y = ax.transData.transform(ann.xy)
        d = gap_pt * px_per_pt
        choice = None
        for k in (1, 2, 3):
            dk = d * k
            for ox, oy in ((dk, dk * 0.6), (dk, -h / 2), (dk, -dk * 0.6 - h), (-dk - w, dk * 0.6),
                           (-dk - w, -h / 2), (-dk - w, -dk * 0.6 - h), (-w / 2, dk), (-w / 2, -dk - h)):
                cand = Bbox.from_bounds(x + ox, y + oy, w, h)
                inside = (cand.x0 >= frame.x0 and cand.x1 <= frame.x1 and cand.y0 >= frame.y0
                          and cand.y1 <= frame.y1)
                if inside and not any(cand.overlaps(o) for o in placed):
                    choice = (ox, oy, cand)
                    break
            if choice:
                break
        if choice is None:
            failed.append(ann)
            placed.append(box)
            continue
        ann.set_position((choice[0] / px_per_pt, choice[1] / px_per_pt))
        placed.append(choice[2])
    return failed


# ----------------------------------------------------------------------------- credit


@cache
def _style_charset() -> frozenset[int] | None:
    """The code points the style's fonts can draw (``None`` when none of them is installed)."""
    from matplotlib import font_manager, ft2font, rc_params_from_file

    _refresh_fonts()
    codes: set[int] = set()
    for family in rc_params_from_file(STYLE, use_default_template=False)["font.family"]:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=family),
                                         fallback_to_default=False)
        except ValueError:
            continue
        codes |= set(ft2font.FT2Font(path).get_charmap())
    return frozenset(codes) or None


def drawable(text: str) -> bool:
    """Whether the style's fonts have a glyph for every character of ``text``.

    Examples
    --------
    >>> drawable("Kampong Cham, កំពង់ចាម")
    True
    >>> drawable("柬老越")
    False
    """
    codes = _style_charset()
    return codes is None or all(ord(ch) in codes for ch in text if not ch.isspace())


def _language_name(code: Any) -> str:
    import pycountry

    found = pycountry.languages.get(alpha_2=str(code)) if isinstance(code, str) and code else None
    return found.name if found else "another script"


def credit_line(ids: Iterable[str], *, data_dir: Path | str | None = None, limit: int = 6) -> str:
    """A short credit naming sources from the ``sources`` table (publisher, title, year).

    Up to ``limit`` sources are named; the rest are counted (their ids are in the
    figure's ``sources`` list). Unknown ids are named as they are.

    Examples
    --------
    >>> credit_line(["pycountry_26_2_16"])
    'Source: Python Package Index, "pycountry 26.2.16" (2026). Compiled by clvlib.'
    >>> credit_line([])
    'Source: clvlib.'
    """
    from clvlib.data import load

    ids = sorted(dict.fromkeys(str(i) for i in ids if i))
    if not ids:
        return "Source: clvlib."
    table = load("sources", data_dir=data_dir).set_index("source_id")
    named = []
    for sid in ids[:limit] if len(ids) > limit else ids:
        if sid not in table.index:
            named.append(sid)
            continue
        row = table.loc[sid]
        short = str(row["title"]).split(":")[0].strip()
        if len(short) > 48:
            short = textwrap.shorten(short, 48, placeholder="…")
        if not drawable(short):  # e.g. a Japanese title: name its language rather than draw boxes
            short = f"title in {_language_name(row.get('language'))}"
        who = row["publisher"] if pd.notna(row["publisher"]) else row["author"]
        year = str(row["published"])[:4] if pd.notna(row["published"]) else "n.d."
        if pd.notna(who) and not drawable(str(who)):
            who = None
        quoted = short if short.startswith("title in ") else f'"{short}"'
        named.append(f"{who}, {quoted} ({year})" if pd.notna(who) else f"{quoted} ({year})")
    head = "Source: " if len(ids) == 1 else "Sources: "
    text = head + "; ".join(named)
    if not named:
        text = f"Sources: {len(ids)} sources (listed with the figure)"
    elif len(ids) > limit:
        text += f"; and {len(ids) - limit} more (listed with the figure)"
    return text + ". Compiled by clvlib."


def _wrap(text: str, fig: Any, fontsize: float) -> str:
    """Wrap ``text`` to the figure's width (average glyph ~0.55 em)."""
    width_pt = fig.get_size_inches()[0] * 72 * 0.96
    chars = max(20, int(width_pt / (0.55 * fontsize)))
    return "\n".join(textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False))


def _draw_credit(fig: Any, ids: list[str], data_dir: Path | str | None,
                 attribution: str | None = None) -> str:
    """Draw the credit line at the bottom left, in the band kept for it; returns its text.

    As many sources are named as fit on :data:`CREDIT_LINES` lines; the others are counted.
    """
    limit = 8
    while True:
        credit = credit_line(ids, data_dir=data_dir, limit=limit)
        if attribution:
            credit = (credit.removesuffix(" Compiled by clvlib.")
                      + f" {attribution.rstrip('.')}. Compiled by clvlib.")
        wrapped = _wrap(credit, fig, CREDIT_PT)
        if wrapped.count("\n") < CREDIT_LINES or limit == 0:
            break
        limit -= 1
    if not getattr(fig, "_clv_credit_reserved", False):
        _reserve_credit(fig)
    fig.text(0.006, 0.25 * CREDIT_PT / 72 / fig.get_size_inches()[1], wrapped, fontsize=CREDIT_PT,
             color="#333333", ha="left", va="bottom", gid="credit", in_layout=False, linespacing=1.2)
    return credit


# ----------------------------------------------------------------------------- finish


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with jupyterlab
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _png_svg(fig: Any) -> tuple[bytes, str]:
    """The figure as PNG (200 dpi) and SVG, laid out once (the SVG reuses the PNG's layout)."""
    png, svg = io.BytesIO(), io.StringIO()
    fig.savefig(png, format="png", dpi=DPI)
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    try:
        fig.savefig(svg, format="svg")
    finally:
        fig.set_layout_engine(engine)
    return png.getvalue(), svg.getvalue()


def finish(fig: Any, *, name: str, title: str, caption: str, alt: str,
           sources: Iterable[str], data: pd.DataFrame | None = None,
           data_dir: Path | str | None = None, attribution: str | None = None) -> Any:
    """Credit, describe and (in a kernel) display a figure; every figure helper ends here.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        A file-name-safe identifier (``"region_map"``).
    title, caption, alt : str
        What the figure shows (the title), a sentence for a caption, and the
        alternative text for a reader who cannot see it.
    sources : iterable of str
        Source ids of the rows drawn; they are named on the credit line and marked used.
    data : pandas.DataFrame, optional
        The rows drawn, kept as CSV with the figure.
    attribution : str, optional
        Credit required by files that are not rows of the ``sources`` table (the
        boundary registry's attribution of map outlines), added to the credit line.

    Returns
    -------
    matplotlib.figure.Figure
        The same figure with ``fig.clvlib_info`` set.

    Examples
    --------
    >>> with style():
    ...     fig, ax = new_figure()
    >>> fig = finish(fig, name="x", title="T", caption="C", alt="A", sources=["pycountry_26_2_16"])
    >>> fig.clvlib_info["credit"].startswith("Source: Python Package Index")
    True
    """
    from clvlib import provenance

    ids = sorted(dict.fromkeys(str(i) for i in sources if i))
    with style():
        credit = _draw_credit(fig, ids, data_dir, attribution)
    csv = data.to_csv(index=False) if data is not None else ""
    fig.clvlib_info = {"name": name, "title": title, "caption": caption, "alt": alt,
                       "credit": credit, "sources": ids, "csv": csv}
    provenance.mark_used(ids)
    if _in_kernel():
        import matplotlib.pyplot as plt
        from IPython.display import display

        with style():
            png, svg = _png_svg(fig)
        # shown at 72 px per inch (a 16:9 slide is 960 px wide), sharp on high-density screens
        width, height = (round(v * 72) for v in fig.get_size_inches())
        display({"image/png": base64.b64encode(png).decode("ascii"), "image/svg+xml": svg,
                 "text/plain": title}, raw=True,
                metadata={"clvlib": dict(fig.clvlib_info),
                          "image/png": {"width": width, "height": height}})
        plt.close(fig)
    return fig


def save(fig: Any, folder: Path | str) -> list[Path]:
    """Write a finished figure as ``<name>.png`` (200 dpi), ``<name>.svg`` and ``<name>.csv``.

    Examples
    --------
    >>> import tempfile
    >>> with style():
    ...     fig, ax = new_figure()
    >>> fig = finish(fig, name="empty", title="T", caption="C", alt="A", sources=[])
    >>> [p.name for p in save(fig, tempfile.mkdtemp())]
    ['empty.png', 'empty.svg']
    """
    info = getattr(fig, "clvlib_info", None)
    if info is None:
        raise FigureCheckError("?", ["the figure was not finished (figures.finish): no name, credit or alt"])
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with style():
        png, svg = _png_svg(fig)
    out = [folder / f"{info['name']}.png", folder / f"{info['name']}.svg"]
    out[0].write_bytes(png)
    out[1].write_text(svg, encoding="utf-8")
    if info["csv"]:
        out.append(folder / f"{info['name']}.csv")
        out[2].write_text(info["csv"], encoding="utf-8")
    return out


# ----------------------------------------------------------------------------- check


def _drawn_texts(fig: Any) -> tuple[list[Any], list[str], Any]:
    """Draw the figure once, recording every text drawn and every warning raised."""
    from matplotlib.text import Text

    drawn: dict[int, Any] = {}
    original = Text.draw

    def recording(self: Any, renderer: Any) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            drawn[id(self)] = self

    Text.draw = recording  # type: ignore[method-assign]
    try:
        # under the kit's style, as when the figure is saved or displayed (ticks made now get its fonts)
        with warnings.catch_warnings(record=True) as caught, style():
            warnings.simplefilter("always")
            fig.canvas.draw()
    finally:
        Text.draw = original  # type: ignore[method-assign]
    return list(drawn.values()), [str(w.message) for w in caught], fig.canvas.get_renderer()


def _label(text: Any) -> str:
    s = text.get_text().replace("\n", " ")
    return repr(s if len(s) <= 40 else s[:37] + "...")


def _clip_extent(text: Any) -> Any:
    """The display box a text is clipped to (its clip box, or its clip path's extent), if any."""
    if text.get_clip_box() is not None:
        return text.get_clip_box()
    path = text.get_clip_path()
    if path is None:
        return None
    return path.get_fully_transformed_path().get_extents()


def _room(t: Any, glyphs: Any, renderer: Any) -> Any:
    """The room a text takes: its outlined box (a lettered circle) when it has one, else its glyphs.

    A plain background box does not count: a label's background may touch its neighbour's.
    """
    patch = t.get_bbox_patch()
    outlined = (patch is not None and patch.get_visible() and t.get_text().strip()
                and patch.get_linewidth() > 0 and patch.get_edgecolor()[3] > 0)
    return patch.get_window_extent(renderer) if outlined else glyphs


def _overlap(a: Any, b: Any, tol: float = 1.0) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tol) and (min(a.y1, b.y1) - max(a.y0, b.y0) > tol)


def _data_problems(ax: Any, renderer: Any) -> list[str]:
    """Bars thinner than a pixel or squashed by the scale; a panel with nothing visible."""
    import numpy as np
    from matplotlib.container import BarContainer

    out = []
    name = ax.get_title(loc="left") or ax.get_title() or ax.get_label() or "an axes"
    frame = ax.get_window_extent(renderer)
    visible = 0
    for container in ax.containers:
        if not isinstance(container, BarContainer):
            continue
        horizontal = container.orientation == "horizontal"
        sizes = []
        for patch in container.patches:
            value = patch.get_width() if horizontal else patch.get_height()
            if not value or pd.isna(value):
                continue
            box = patch.get_window_extent(renderer)
            size = box.width if horizontal else box.height
            sizes.append(size)
            if size < 0.01 * ax.figure.dpi:   # a hundredth of an inch: a pixel on a 100-dpi screen
                out.append(f"panel {name!r}: a bar of {value:g} is {size / ax.figure.dpi:.4f} in long: "
                           "invisible at this scale")
        # the scale rule is for measures drawn from zero (not for spans on a time axis)
        from_zero = any((p.get_x() if horizontal else p.get_y()) == 0 for p in container.patches)
        if sizes:
            visible += 1
        if sizes and from_zero:
            span = frame.width if horizontal else frame.height
            if max(sizes) < 0.05 * span:
                out.append(f"panel {name!r}: its longest bar uses {100 * max(sizes) / span:.1f}% "
                           "of the axis: the measure needs its own scale")
    visible += sum(1 for t in ax.texts if t.get_visible() and t.get_text().strip())
    visible += int(ax.get_legend() is not None)
    for artist in [*ax.lines, *ax.collections, *ax.images, *ax.patches]:
        if not artist.get_visible():
            continue
        try:
            if hasattr(artist, "get_datalim"):   # collections: their extent in data, shown in pixels
                box = artist.get_datalim(ax.transData)
                if np.isfinite(box.get_points()).all():
                    box = box.transformed(ax.transData)
            else:
                box = artist.get_window_extent(renderer)
        except Exception:  # pragma: no cover - an artist that cannot say where it is
            visible += 1
            continue
        if not np.isfinite(box.get_points()).all():
            continue
        if box.width <= 0 and box.height <= 0:
            continue
        if _overlap(box.expanded(1.0, 1.0), frame, tol=0.0) or box.width == 0 or box.height == 0:
            visible += 1
    if visible == 0 and not ax.child_axes:
        out.append(f"panel {name!r} has nothing visible in it")
    return out


def check(fig: Any, *, min_pt: float = MIN_FONT_PT) -> list[str]:
    """What keeps a figure off a slide: an empty list when it is fit.

    Draws the figure once with the Agg renderer and reads the extent of every
    text drawn. Reported: two texts overlapping (an outlined box such as a lettered circle
    counts as part of its text); a text cut by the figure's edge
    or by the axes that clip it; a text covered by an inset axes or a legend it
    is not part of; a data marker hidden under its axes' legend; text smaller
    than ``min_pt`` points once the figure is
    scaled to fill a 13.33 × 7.5 in slide; a glyph missing from the fonts; a bar
    under one pixel or a panel whose bars use under 5% of its axis; a panel with
    nothing visible.

    Examples
    --------
    >>> with style():
    ...     fig, ax = new_figure()
    ...     _ = ax.text(0.5, 0.5, "small", fontsize=6)
    >>> check(fig)[0]
    "text 'small' is 6.0 pt (smallest allowed 9 pt at slide size)"
    """
    texts, messages, renderer = _drawn_texts(fig)
    problems = [f"missing glyph: {m}" for m in messages if "missing from font" in m]
    width, height = fig.get_size_inches()
    scale = min(SLIDE[0] / width, SLIDE[1] / height)
    page = fig.bbox
    from matplotlib.text import Text

    # the text itself, not an annotation's arrow
    boxes = {id(t): Text.get_window_extent(t, renderer) for t in texts}
    rooms = {id(t): _room(t, boxes[id(t)], renderer) for t in texts}
    for t in texts:
        box = boxes[id(t)]
        size = t.get_fontsize() * scale
        if size < min_pt - 1e-6:
            problems.append(f"text {_label(t)} is {size:.1f} pt (smallest allowed {min_pt:g} pt "
                            "at slide size)")
        if box.x0 < page.x0 - 0.5 or box.y0 < page.y0 - 0.5 or box.x1 > page.x1 + 0.5 \
                or box.y1 > page.y1 + 0.5:
            problems.append(f"text {_label(t)} is cut by the figure's edge")
        elif t.get_clip_on() and (clip := _clip_extent(t)) is not None:
            if box.x0 < clip.x0 - 0.5 or box.x1 > clip.x1 + 0.5 or box.y0 < clip.y0 - 0.5 \
                    or box.y1 > clip.y1 + 0.5:
                problems.append(f"text {_label(t)} is cut by its axes")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if _overlap(rooms[id(a)], rooms[id(b)]):
                problems.append(f"texts {_label(a)} and {_label(b)} overlap")
    # covered by an inset axes or a legend box the text is not part of
    covers = []
    for ax in fig.axes:
        for inset in ax.child_axes:
            covers.append(("inset axes", inset.get_window_extent(renderer), set(map(id, inset.texts))
                           | {id(t) for t in texts if t.axes is inset}))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            own = {id(x) for x in legend.get_texts()} | {id(legend.get_title())}
            covers.append(("legend", legend.get_window_extent(renderer), own))
    for legend in fig.legends:
        own = {id(x) for x in legend.get_texts()} | {id(legend.get_title())}
        covers.append(("legend", legend.get_window_extent(renderer), own))
    for kind, box, own in covers:
        for t in texts:
            if id(t) not in own and _overlap(boxes[id(t)], box):
                problems.append(f"text {_label(t)} is covered by a {kind}")
    for ax in fig.axes:
        if ax.get_visible() and ax not in {c for a in fig.axes for c in a.child_axes}:
            problems.extend(_data_problems(ax, renderer))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            problems.extend(_points_under(legend.get_window_extent(renderer), ax))
    return list(dict.fromkeys(problems))


def _points_under(box: Any, ax: Any) -> list[str]:
    """Data markers of ``ax`` that its legend box hides."""
    import numpy as np

    found = []
    for line in ax.get_lines():
        if not line.get_visible() or line.get_marker() in (None, "None", "", " "):
            continue
        xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
        xy = xy[np.isfinite(xy).all(axis=1)]
        if not len(xy):
            continue
        shown = ax.transData.transform(xy)
        inside = ((shown[:, 0] >= box.x0) & (shown[:, 0] <= box.x1)
                  & (shown[:, 1] >= box.y0) & (shown[:, 1] <= box.y1))
        if inside.any():
            x, y = xy[inside][0]
            found.append(f"the legend covers a data point of {line.get_label()!r} (at {x:g}, {y:g})")
    return found


def assert_fit(fig: Any) -> Any:
    """Raise :class:`FigureCheckError` listing every problem :func:`check` finds.

    Examples
    --------
    >>> with style():
    ...     fig, ax = new_figure()
    ...     _ = ax.plot([0, 1], [0, 1])
    >>> assert_fit(fig) is fig
    True
    """
    problems = check(fig)
    if problems:
        raise FigureCheckError(getattr(fig, "clvlib_info", {}).get("name", "?"), problems)
    return fig
