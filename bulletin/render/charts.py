"""Reservoir fill bars and the HydroSOS category strip as inline SVG.

Drawn from the values of :class:`bulletin.overview.FillBars` and
:class:`bulletin.overview.CategoryStrip` alone, with the words given by the caller (``labels``,
already translated). Deterministic like the hydrographs (:mod:`.svg`). Levels and categories are
shown by colour and by symbol as :mod:`.symbols` says.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import PathPatch, Rectangle  # noqa: E402
from matplotlib.path import Path  # noqa: E402
from matplotlib.transforms import Affine2D  # noqa: E402

from ..text import DECIMALS  # noqa: E402
from .collect import collected  # noqa: E402
from .i18n import Localizer  # noqa: E402
from .palette import CATEGORY_COLOURS, LEVEL_COLOURS  # noqa: E402
from .svg import RC_PARAMS, figure_svg, new_figure  # noqa: E402
from .symbols import (  # noqa: E402
    CATEGORY_INK,
    CATEGORY_ORDER,
    CATEGORY_SYMBOLS,
    INK,
    MUTED,
    WATER_COLOUR,
    WIDTH_IN,
    level_key,
    marker_style,
)

# ---- reservoir fill ------------------------------------------------------------------------

LABEL_GAP = 3.0
"""Least gap between two labels of the fill bars [display pixels of the figure]."""


class _Quantity(NamedTuple):
    """A value to format with :meth:`Localizer.quantity`."""

    value: float
    unit: str
    decimals: int


def _short_number(loc: Localizer, v: float, most: int = 2) -> str:
    """A volume with the decimals it needs, at most ``most``: 9, 10.4, 1.48 (km³); 9000 (million m³, ``most`` 0)."""
    for d in range(most + 1):
        if abs(v - round(v, d)) < 1e-6:
            return loc.number(v, d)
    return loc.number(v, most)


def _clear_labels(left, right, ax, renderer) -> None:
    """Move the names left and the values right, each all alike, where a long volume would touch them (million m³).

    ``left``: (name, dead volume) pairs; ``right``: (total volume, value or level) pairs.
    """
    def extent(t):
        return t.get_window_extent(renderer)

    width = ax.get_window_extent(renderer).width
    overlap = max((extent(n).x1 + LABEL_GAP - extent(e).x0 for n, e in left), default=0.0)
    if overlap > 0:
        for n, _ in left:
            n.set_x(n.get_position()[0] - overlap / width)
    overlap = max((extent(e).x1 + LABEL_GAP - extent(t).x0 for e, t in right), default=0.0)
    if overlap > 0:
        for _, t in right:
            t.set_x(t.get_position()[0] + overlap / width)


@collected
def fill_bars_svg(fb, loc: Localizer, labels: dict, fig_id: str = "fig-reservoir-fill") -> str:
    """One bar per reservoir from its dead volume (left end) to its total volume (right end).

    Parameters
    ----------
    fb : bulletin.document.overview.FillBars
    loc : Localizer
        Language of the numbers, units and names.
    labels : dict
        Translated words: ``norm``, ``last_year``, ``watch``, ``warning``, ``alert`` (thresholds),
        ``level`` per level key of ``symbols.LEVEL_ORDER`` (the bar's level, under its value),
        ``no_data``.
    fig_id : str
        Id of the figure in the page.

    Returns
    -------
    str
        The inline ``<svg>`` element, its ids prefixed with ``fig_id``.
    """
    bars = fb.bars
    n = len(bars)
    decimals = DECIMALS.get(fb.unit, 2)  # of the volumes: 2 in km³, whole million m³
    row_in = 0.38
    legend_in = 0.26
    height = n * row_in + legend_in + 0.06
    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(WIDTH_IN, height))
        left, right = 0.17, 0.70
        ax = f.add_axes((left, (legend_in + 0.02) / height, right - left, n * row_in / height))
        ax.set_xlim(0, 1)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_axis_off()
        renderer = f.canvas.get_renderer()
        half = 0.16
        ends, right = [], []  # (name, dead volume) left of each bar; (total volume, value or level) right of it
        for i, b in enumerate(bars):
            span = (b.capacity - b.floor) or 1.0

            def fx(v, b=b, span=span):
                return (v - b.floor) / span

            key = level_key(b.level)
            colour = WATER_COLOUR if b.level in (None, "normal") else LEVEL_COLOURS[key]
            ax.add_patch(Rectangle((0, i - half), 1, 2 * half, facecolor="#ffffff", edgecolor="none", zorder=1))
            if b.volume is not None:
                ax.add_patch(Rectangle((0, i - half), min(max(fx(b.volume), 0.0), 1.0), 2 * half, facecolor=colour,
                                       edgecolor="none", zorder=2, gid=f"bar-{b.station}"))
            else:
                ax.add_patch(Rectangle((0, i - half), 1, 2 * half, facecolor="none", edgecolor="#9e9e9e",
                                       hatch="/////", linewidth=0, zorder=2, gid=f"bar-{b.station}"))
            ax.add_patch(Rectangle((0, i - half), 1, 2 * half, facecolor="none", edgecolor=INK, linewidth=0.8,
                                   zorder=4))
            # thresholds: a dashed line through the bar, the level's marker and value below it
            placed = []
            for level, v in b.thresholds:
                x = fx(v)
                if not 0 <= x <= 1:
                    continue
                ax.plot([x, x], [i - half, i + half + 0.08], color=INK, linewidth=0.6, linestyle=(0, (2, 1)),
                        zorder=5)
                ax.plot([x], [i + half + 0.12], zorder=6, **marker_style(level, 0.75))
                t = ax.text(x, i + half + 0.21, _short_number(loc, v, decimals), ha="center", va="top", fontsize=5.8,
                            color=MUTED, zorder=6)
                box = t.get_window_extent(renderer).padded(LABEL_GAP / 2)
                if any(box.overlaps(p) for p in placed):
                    t.remove()
                else:
                    placed.append(box)
            # norm: a heavy line across the bar; last year: a hollow triangle above it
            if b.norm is not None and 0 <= fx(b.norm) <= 1.05:
                ax.plot([fx(b.norm)] * 2, [i - half - 0.07, i + half + 0.02], color=INK, linewidth=1.8, zorder=7,
                        solid_capstyle="butt")
            if b.last_year is not None and 0 <= fx(b.last_year) <= 1.05:
                ax.plot([fx(b.last_year)], [i - half - 0.12], marker="v", markersize=5, markerfacecolor="#ffffff",
                        markeredgecolor=INK, markeredgewidth=0.8, linestyle="none", zorder=7)
            # the ends of the bar: dead (or zero) and total volume
            floor = ax.text(-0.012, i, _short_number(loc, b.floor, decimals), ha="right", va="center", fontsize=5.8,
                            color=MUTED)
            capacity = ax.text(1.012, i, _short_number(loc, b.capacity, decimals), ha="left", va="center",
                               fontsize=5.8, color=MUTED)
            # the name on the left, the value and its level on the right
            name = ax.text(-0.07, i, loc.value(b.name), ha="right", va="center", fontsize=7.5, fontweight="bold",
                           color=INK)
            ends.append((name, floor))
            if b.volume is None:
                value = labels["no_data"]
            else:
                value = loc.quantity(_Quantity(b.volume, fb.unit, decimals))
                if b.fill is not None:
                    value = f"{value} · {loc.quantity(_Quantity(b.fill, '%', 0))}"
            right.append((capacity, ax.text(1.09, i - 0.07, value, ha="left", va="center", fontsize=7.2,
                                            fontweight="bold", color=INK)))
            right.append((capacity, ax.text(1.09, i + 0.23, labels["level"][key], ha="left", va="center", fontsize=6.3,
                                            color=MUTED)))
        _clear_labels(ends, right, ax, renderer)
        handles = [Line2D([], [], color=INK, linewidth=1.8),
                   Line2D([], [], marker="v", markersize=5, markerfacecolor="#ffffff", markeredgecolor=INK,
                          linestyle="none")]
        handles += [Line2D([], [], **marker_style(lev, 0.75)) for lev in ("watch", "warning", "alert")]
        names = [labels["norm"], labels["last_year"], labels["watch"], labels["warning"], labels["alert"]]
        f.legend(handles, names, loc="lower center", ncol=5, fontsize=6.5, frameon=False, borderaxespad=0.2,
                 handlelength=1.6, columnspacing=1.4)
        return figure_svg(f, fig_id, {f"bar-{b.station}": {"data-level": level_key(b.level)} for b in bars})


# ---- HydroSOS strip ------------------------------------------------------------------------

MARK_LENGTH_PT = 4.2
"""Length of a bar (and of each arm of a cross) of a category mark [pt]."""
MARK_WIDTH_PT = 1.0
"""Thickness of a bar of a category mark [pt]."""
MARK_GAP_PT = 1.3
"""Gap between the two bars or crosses of a double mark (low, high) [pt]."""
DOT_RADIUS_PT = 0.8
"""Radius of the dot of the normal category [pt]."""
_UNIT_CELL = Path([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)], closed=True)
_MARK_SHAPES = {"−": "bar", "+": "cross", "·": "dot"}
"""The shape drawn for each character of a category's symbol (:data:`.symbols.CATEGORY_SYMBOLS`): −− is two
bars side by side, ++ two crosses; a symbol with any other character (no data, ?) stays a letter."""


def category_mark(category: str, points_per_unit: tuple[float, float]) -> Path | None:
    """The mark of a HydroSOS category as a path centred on (0, 0), in the units of the strip's cells.

    The category's symbol drawn character by character (:data:`_MARK_SHAPES`): a bar for a minus, a
    cross for a plus, a dot for normal, twice for low and high; the shapes are sized in points and
    scaled down to fit a narrow cell.

    Parameters
    ----------
    category : str
        A key of :data:`.symbols.CATEGORY_SYMBOLS`.
    points_per_unit : tuple of float
        Width and height of a cell [pt].

    Returns
    -------
    matplotlib.path.Path or None
        The mark (one closed sub-path per shape), or None for a category shown by its letter.

    Examples
    --------
    >>> bar = category_mark("below_normal", (10.0, 10.0))
    >>> bar.vertices.min(axis=0).round(3).tolist(), bar.vertices.max(axis=0).round(3).tolist()
    ([-0.21, -0.05], [0.21, 0.05])
    >>> len(category_mark("high", (20.0, 10.0)).to_polygons()), category_mark("no_data", (20.0, 10.0))
    (2, None)
    """
    symbol = CATEGORY_SYMBOLS[category]
    if len(set(symbol)) != 1 or symbol[0] not in _MARK_SHAPES:
        return None
    shape, count = _MARK_SHAPES[symbol[0]], len(symbol)
    h, t = MARK_LENGTH_PT / 2, MARK_WIDTH_PT / 2
    if shape == "dot":
        one = Path.circle((0, 0), DOT_RADIUS_PT)
        h = DOT_RADIUS_PT
    elif shape == "bar":
        one = Path([(-h, -t), (h, -t), (h, t), (-h, t), (-h, -t)], closed=True)
    else:
        one = Path([(-h, -t), (-t, -t), (-t, -h), (t, -h), (t, -t), (h, -t), (h, t), (t, t), (t, h), (-t, h),
                    (-t, t), (-h, t), (-h, -t)], closed=True)
    step = 2 * h + MARK_GAP_PT  # from the centre of one shape to the next
    offsets = [(k - (count - 1) / 2) * step for k in range(count)]
    mark = Path.make_compound_path(*(one.transformed(Affine2D().translate(dx, 0)) for dx in offsets))
    width, height = points_per_unit
    fit = min(1.0, 0.8 * width / (2 * (h + abs(offsets[-1]))), 0.8 * height / (2 * h))
    return mark.transformed(Affine2D().scale(fit / width, fit / height))


@collected
def category_strip_svg(cs, loc: Localizer, labels: dict, fig_id: str = "fig-category-strip") -> str:
    """Series (rows) by period (columns), each cell coloured and marked by its HydroSOS category.

    Each cell has the colour of its category and the category's mark (:func:`category_mark`); the
    bulletin period (last column) is framed.

    Parameters
    ----------
    cs : bulletin.document.overview.CategoryStrip
    loc : Localizer
        Language of the numbers, units and names.
    labels : dict
        Translated category words, one per key of ``symbols.CATEGORY_ORDER``.
    fig_id : str
        Id of the figure in the page.

    Returns
    -------
    str
        The inline ``<svg>`` element, its ids prefixed with ``fig_id``.
    """
    rows, periods = cs.rows, cs.periods
    n, m = len(rows), len(periods)
    row_in, head_in, legend_in = 0.175, 0.36, 0.3
    height = n * row_in + head_in + legend_in
    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(WIDTH_IN, height))
        left, right = 0.30, 0.985
        ax = f.add_axes((left, legend_in / height, right - left, n * row_in / height))
        ax.set_xlim(0, m)
        ax.set_ylim(n, 0)
        ax.set_axis_off()
        attributes = {}
        for i, r in enumerate(rows):
            ax.text(-0.12, i + 0.5, loc.value(r.label), ha="right", va="center", fontsize=6.6, color=INK)
        # one path of cells and one of marks per category (a cell is a sub-path): the same drawing as a
        # path and a text per cell, in a few dozen SVG nodes instead of several hundred. Added as artists
        # and not clipped: the limits are fixed and every cell lies inside them.
        points_per_unit = ((right - left) * WIDTH_IN * 72 / m, row_in * 72)
        for cat in CATEGORY_ORDER:
            cells = [(j, i) for i, r in enumerate(rows) for j, c in enumerate(r.categories) if c == cat]
            if not cells:
                continue
            ax.add_artist(PathPatch(Path.make_compound_path(*(_UNIT_CELL.transformed(Affine2D().translate(j, i))
                                                               for j, i in cells)),
                                    facecolor=CATEGORY_COLOURS[cat], edgecolor="#ffffff", linewidth=0.8,
                                    clip_on=False, gid=f"cells-{cat}"))
            attributes[f"cells-{cat}"] = {"data-category": cat}
            ink = CATEGORY_INK.get(cat, INK)
            mark = category_mark(cat, points_per_unit)
            if mark is None:  # no data: its symbol as a letter
                for j, i in cells:
                    ax.text(j + 0.5, i + 0.52, CATEGORY_SYMBOLS[cat], ha="center", va="center", fontsize=7,
                            fontweight="bold", color=ink)
                continue
            ax.add_artist(PathPatch(Path.make_compound_path(*(mark.transformed(Affine2D().translate(j + 0.5, i + 0.5))
                                                               for j, i in cells)),
                                    facecolor=ink, edgecolor="none", clip_on=False, gid=f"marks-{cat}"))
            attributes[f"marks-{cat}"] = {"data-category": cat}
        ax.add_patch(Rectangle((m - 1, 0), 1, n, facecolor="none", edgecolor=INK, linewidth=1.3, zorder=5,
                               clip_on=False))
        # column heads: month over its columns, then the dekad number (or the year of a month)
        top = -0.25
        for j, p in enumerate(periods):
            sub = str(p.dekad_number) if p.kind == "dekad" else (str(p.start.year) if j == 0 or p.start.month == 1
                                                                 else "")
            ax.text(j + 0.5, top, sub, ha="center", va="bottom", fontsize=6.3, color=MUTED,
                    fontweight="bold" if j == m - 1 else "normal")
        groups: list[list[int]] = []
        for j, p in enumerate(periods):
            if p.kind == "dekad" and groups and periods[groups[-1][0]].start.month == p.start.month:
                groups[-1].append(j)
            else:
                groups.append([j])
        for g in groups:
            p = periods[g[0]]
            ax.text((g[0] + g[-1] + 1) / 2, top - 1.25, loc.month(p.start.month, "abbreviated", "stand-alone"),
                    ha="center", va="bottom", fontsize=6.6, color=INK)
            if g[0] > 0:
                ax.plot([g[0], g[0]], [top - 1.3, 0], color="#bdbdbd", linewidth=0.5, clip_on=False)
        handles = [Rectangle((0, 0), 1, 1, facecolor=CATEGORY_COLOURS[c], edgecolor="none") for c in CATEGORY_ORDER]
        names = [f"{CATEGORY_SYMBOLS[c]}  {labels[c]}" for c in CATEGORY_ORDER]
        f.legend(handles, names, loc="lower center", ncol=6, fontsize=6.5, frameon=False, borderaxespad=0.2,
                 handlelength=1.2, handleheight=1.0, columnspacing=1.2)
        return figure_svg(f, fig_id, attributes)
