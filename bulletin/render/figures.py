"""Hydrographs as inline SVG (vector in the HTML and in the PDF), drawn with matplotlib.

Output is deterministic (:mod:`.svg`): a fixed hash salt, no date in the metadata, text kept as
text. Threshold lines take the level colours of :mod:`.palette`, and a dash style per level.
"""

from __future__ import annotations

from html import escape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .collect import collected  # noqa: E402
from .i18n import Localizer  # noqa: E402
from .palette import LEVEL_COLOURS  # noqa: E402
from .svg import RC_PARAMS, figure_svg, new_figure  # noqa: E402

LEVEL_STYLES = {"watch": (0, (6, 2)), "warning": (0, (3, 1.5)), "alert": "solid"}


def _series(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


HYDROGRAPH_STYLES = {
    "current": {"color": "#000000", "linewidth": 1.8},
    "last_year": {"color": "#737373", "linewidth": 1.0, "linestyle": (0, (4, 2))},
    "norm": {"color": "#2171b5", "linewidth": 1.2},
    "band": {"color": "#c6dbef"},
}
"""How each line of a hydrograph is drawn (the thresholds take :data:`LEVEL_STYLES`)."""


@collected
def hydrograph_svg(fig, loc: Localizer) -> str:
    """Dekad series of the hydrological year against norm, P10-P90, thresholds and last year.

    The lines keep the styles of :data:`HYDROGRAPH_STYLES` and :data:`LEVEL_STYLES`; the page
    gives one legend for all the hydrographs (:func:`line_legend`), so that each figure has the
    page's width for its data and stays light to lay out.

    Parameters
    ----------
    fig : bulletin.document.model.Figure
    loc : Localizer
        Language of the month names and numbers.

    Returns
    -------
    str
        The inline ``<svg>`` element, its ids prefixed with ``fig.id``.
    """
    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(7.0, 2.6))
        ax = f.subplots()
        x = np.arange(len(fig.x_periods))
        p10, p90 = _series(fig.p10), _series(fig.p90)
        ax.fill_between(x, p10, p90, color=HYDROGRAPH_STYLES["band"]["color"], linewidth=0)
        ax.plot(x, _series(fig.norm), **HYDROGRAPH_STYLES["norm"])
        ax.plot(x, _series(fig.last_year), **HYDROGRAPH_STYLES["last_year"])
        for level, values in fig.thresholds:
            ax.plot(x, _series(values), color=LEVEL_COLOURS[level], linewidth=1.0, linestyle=LEVEL_STYLES[level])
        ax.plot(x, _series(fig.current), marker="o", markersize=2.2, **HYDROGRAPH_STYLES["current"])
        ax.axvline(fig.period_index, color="#000000", linewidth=0.6, linestyle=":")
        dekad_axes(ax, fig.x_periods, fig.unit, loc)
        # the margins of the fan charts (same axes, same units), scaled to this height
        f.subplots_adjust(left=0.09, right=0.99, bottom=0.105, top=0.975)
        return figure_svg(f, fig.id)


def dekad_axes(ax, periods, unit: str, loc: Localizer) -> None:
    """The axes of a figure over dekads: a tick at each month's first dekad, named; the values in ``unit``."""
    month_starts = [i for i, p in enumerate(periods) if p.dekad_number == 1]
    ax.set_xticks(month_starts)
    ax.set_xticklabels([loc.month(periods[i].start.month, "abbreviated", "stand-alone") for i in month_starts])
    ax.set_xlim(-0.5, len(periods) - 0.5)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: loc.number(v, _decimals(ax))))
    ax.set_ylabel(loc.unit(unit))
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)


def _decimals(ax) -> int:
    lo, hi = ax.get_ylim()
    span = abs(hi - lo)
    return 0 if span >= 10 else 1 if span >= 1 else 2


@collected
def fan_svg(fig, loc: Localizer) -> str:
    """The outlook of a series: observed dekads, then the median and P10-P90 of the traces, norm and thresholds.

    The lines keep the styles of :data:`FAN_STYLES` and :data:`LEVEL_STYLES`; the page gives one
    legend for all the fan charts (:func:`line_legend`), so that each figure stays light to lay out.

    Parameters
    ----------
    fig : bulletin.document.model.FanFigure
    loc : Localizer
        Language of the month names and numbers.

    Returns
    -------
    str
        The inline ``<svg>`` element, its ids prefixed with ``fig.id``.
    """
    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(7.0, 2.1))
        ax = f.subplots()
        x = np.arange(len(fig.x_periods))
        at = fig.issue_index
        observed = _series(fig.observed)
        # the spread starts at the last observed value, so that the fan opens from it
        p10, median, p90 = (_series(s) for s in (fig.p10, fig.median, fig.p90))
        for s in (p10, median, p90):
            s[at] = observed[at]
        ax.fill_between(x, p10, p90, color=FAN_STYLES["band"]["color"], linewidth=0)
        ax.plot(x, _series(fig.norm), **FAN_STYLES["norm"])
        for level, values in fig.thresholds:
            ax.plot(x, _series(values), color=LEVEL_COLOURS[level], linewidth=1.0, linestyle=LEVEL_STYLES[level])
        ax.plot(x, median, **FAN_STYLES["median"])
        ax.plot(x, observed, **FAN_STYLES["observed"])
        ax.axvline(at, color="#000000", linewidth=0.6, linestyle=":")
        dekad_axes(ax, fig.x_periods, fig.unit, loc)
        f.subplots_adjust(left=0.09, right=0.99, bottom=0.13, top=0.97)
        return figure_svg(f, fig.id)


FAN_STYLES = {
    "observed": {"color": "#000000", "linewidth": 1.8},
    "median": {"color": "#000000", "linewidth": 1.4, "linestyle": (0, (4, 1.5))},
    "band": {"color": "#d9d9d9"},
    "norm": {"color": "#2171b5", "linewidth": 1.0},
}
"""How each line of a fan chart is drawn (the thresholds take :data:`LEVEL_STYLES`)."""


def line_legend(labels: dict, styles: dict) -> str:
    """One legend of a kind of line chart as HTML: a small inline SVG sample of each line, then its label.

    ``labels``: translated words by key, in the legend's order (escaped here: they come from the
    message catalogues); ``styles``: how each key is drawn (:data:`HYDROGRAPH_STYLES`,
    :data:`FAN_STYLES`), the levels watch, warning and alert as :data:`LEVEL_STYLES`; the key
    ``band`` is a filled rectangle.
    """
    items = []
    for k, label in labels.items():
        if k == "band":
            mark = f'<rect x="0" y="3" width="22" height="8" fill="{styles["band"]["color"]}"/>'
        else:
            style = styles.get(k) or {"color": LEVEL_COLOURS[k], "linewidth": 1.0, "linestyle": LEVEL_STYLES[k]}
            dash = style.get("linestyle", "solid")
            dasharray = "" if dash == "solid" else ' stroke-dasharray="' + " ".join(
                f"{v * style['linewidth']:g}" for v in dash[1]) + '"'
            mark = (f'<line x1="0" y1="7" x2="22" y2="7" stroke="{style["color"]}" '
                    f'stroke-width="{style["linewidth"]:g}"{dasharray}/>')
        items.append(f'<span class="line-key" data-key="{k}"><svg width="22" height="14" aria-hidden="true">{mark}'
                     f'</svg> {escape(label)}</span>')
    return "".join(items)
