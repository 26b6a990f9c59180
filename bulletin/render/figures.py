"""Hydrographs as inline SVG (vector in the HTML and in the PDF), drawn with matplotlib.

Output is deterministic (:mod:`.svg`): a fixed hash salt, no date in the metadata, text kept as
text. Threshold lines take the level colours of :mod:`.palette`, and a dash style per level.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .i18n import Localizer  # noqa: E402
from .palette import LEVEL_COLOURS  # noqa: E402
from .svg import RC_PARAMS, figure_svg  # noqa: E402

LEVEL_STYLES = {"watch": (0, (6, 2)), "warning": (0, (3, 1.5)), "alert": "solid"}


def _series(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def hydrograph_svg(fig, loc: Localizer, labels: dict) -> str:
    """Dekad series of the hydrological year against norm, P10-P90, thresholds and last year.

    Parameters
    ----------
    fig : bulletin.document.model.Figure
    loc : Localizer
        Language of the month names and numbers.
    labels : dict
        Translated legend labels: current, last_year, norm, band, period, and one per level.

    Returns
    -------
    str
        The inline ``<svg>`` element, its ids prefixed with ``fig.id``.
    """
    with plt.rc_context(RC_PARAMS):
        f, ax = plt.subplots(figsize=(7.0, 2.6))
        x = np.arange(len(fig.x_periods))
        p10, p90 = _series(fig.p10), _series(fig.p90)
        ax.fill_between(x, p10, p90, color="#c6dbef", linewidth=0, label=labels["band"])
        ax.plot(x, _series(fig.norm), color="#2171b5", linewidth=1.2, label=labels["norm"])
        ax.plot(x, _series(fig.last_year), color="#737373", linewidth=1.0, linestyle=(0, (4, 2)),
                label=labels["last_year"])
        for level, values in fig.thresholds:
            ax.plot(x, _series(values), color=LEVEL_COLOURS[level], linewidth=1.0,
                    linestyle=LEVEL_STYLES[level], label=labels[level])
        ax.plot(x, _series(fig.current), color="#000000", linewidth=1.8, marker="o", markersize=2.2,
                label=labels["current"])
        ax.axvline(fig.period_index, color="#000000", linewidth=0.6, linestyle=":")
        month_starts = [i for i, p in enumerate(fig.x_periods) if p.dekad_number == 1]
        ax.set_xticks(month_starts)
        ax.set_xticklabels([loc.month(fig.x_periods[i].start.month, "abbreviated", "stand-alone")
                            for i in month_starts])
        ax.set_xlim(-0.5, len(x) - 0.5)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: loc.number(v, _decimals(ax))))
        ax.set_ylabel(loc.unit(fig.unit))
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7)
        f.tight_layout()
        return figure_svg(f, fig.id)


def _decimals(ax) -> int:
    lo, hi = ax.get_ylim()
    span = abs(hi - lo)
    return 0 if span >= 10 else 1 if span >= 1 else 2


OUTLOOK_BAND = "#d9d9d9"
OUTLOOK_MEDIAN = "#000000"


def fan_svg(fig, loc: Localizer, labels: dict) -> str:
    """The outlook of a series: observed dekads, then the median and P10-P90 of the traces, norm and thresholds.

    Parameters
    ----------
    fig : bulletin.document.model.FanFigure
    loc : Localizer
    labels : dict
        Translated legend labels: observed, median, band, norm, and one per level.

    Returns
    -------
    str
        The inline ``<svg>`` element, its ids prefixed with ``fig.id``.
    """
    with plt.rc_context(RC_PARAMS):
        f, ax = plt.subplots(figsize=(7.0, 2.3))
        x = np.arange(len(fig.x_periods))
        at = fig.issue_index
        observed = _series(fig.observed)
        # the spread starts at the last observed value, so that the fan opens from it
        p10, median, p90 = (_series(s) for s in (fig.p10, fig.median, fig.p90))
        for s in (p10, median, p90):
            s[at] = observed[at]
        ax.fill_between(x, p10, p90, color=OUTLOOK_BAND, linewidth=0, label=labels["band"])
        ax.plot(x, _series(fig.norm), color="#2171b5", linewidth=1.0, label=labels["norm"])
        for level, values in fig.thresholds:
            ax.plot(x, _series(values), color=LEVEL_COLOURS[level], linewidth=1.0,
                    linestyle=LEVEL_STYLES[level], label=labels[level])
        ax.plot(x, median, color=OUTLOOK_MEDIAN, linewidth=1.6, linestyle=(0, (4, 1.5)), label=labels["median"])
        ax.plot(x, observed, color="#000000", linewidth=1.8, marker="o", markersize=2.2, label=labels["observed"])
        ax.axvline(at, color="#000000", linewidth=0.6, linestyle=":")
        month_starts = [i for i, p in enumerate(fig.x_periods) if p.dekad_number == 1]
        ax.set_xticks(month_starts)
        ax.set_xticklabels([loc.month(fig.x_periods[i].start.month, "abbreviated", "stand-alone")
                            for i in month_starts])
        ax.set_xlim(-0.5, len(x) - 0.5)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: loc.number(v, _decimals(ax))))
        ax.set_ylabel(loc.unit(fig.unit))
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7)
        f.tight_layout()
        return figure_svg(f, fig.id)
