"""Matplotlib figures as deterministic inline SVG: the plumbing shared by all the figures.

The same inputs give the same bytes: a fixed hash salt, no date or creator in the metadata, text
kept as text (the page's fonts draw it, and it stays searchable). Every id of a figure is
prefixed with the figure's id, so that several figures can live in one page.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RC_PARAMS = {
    "svg.hashsalt": "syrdarya-bulletin",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # no background rectangles (figure and axes patches): the page shows through, with the
    # watermark of a sample bulletin; patches drawn on purpose (legend frames, tanks) keep their fill
    "savefig.transparent": True,
    # names come from the network and catalogue files: "$5-$10" is text, never mathtext to parse
    "text.parse_math": False,
}
"""Matplotlib rc parameters of every figure (use with :func:`matplotlib.pyplot.rc_context`)."""


def inline_svg(svg: str, fig_id: str) -> str:
    """An SVG document as an element to put inline in a page.

    Parameters
    ----------
    svg : str
        The document as matplotlib writes it.
    fig_id : str
        Id of the figure, put before every id of the document (and the references to them).

    Returns
    -------
    str
        The ``<svg>`` element, without the XML prolog, with ids unique to the figure.
    """
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{fig_id}-{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{fig_id}-{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{fig_id}-{m.group(1)}"', svg)
    return svg


def figure_svg(figure, fig_id: str, attributes: dict | None = None) -> str:
    """Save a figure as inline SVG and close it.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Drawn under :data:`RC_PARAMS`; saved under them too.
    fig_id : str
        Id of the figure (see :func:`inline_svg`).
    attributes : dict, optional
        ``gid -> {attribute: value}``: attributes (``data-*``) to add to the group of each
        artist drawn with that ``gid``; values are written as given (no escaping).

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    buf = io.StringIO()
    with plt.rc_context(RC_PARAMS):
        figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    svg = inline_svg(buf.getvalue(), fig_id)
    for gid, attrs in (attributes or {}).items():
        tag = f'<g id="{fig_id}-{gid}"'
        svg = svg.replace(tag, tag + "".join(f' {k}="{v}"' for k, v in attrs.items()), 1)
    return svg
