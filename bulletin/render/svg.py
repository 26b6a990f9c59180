"""Matplotlib figures as deterministic inline SVG: the plumbing shared by all the figures.

The same inputs give the same bytes: a fixed hash salt, no date or creator in the metadata, text
kept as text (the page's fonts draw it, and it stays searchable). Every id of a figure is
prefixed with the figure's id, so that several figures can live in one page.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import cbook  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg  # noqa: E402
from matplotlib.backends.backend_mixed import MixedModeRenderer  # noqa: E402
from matplotlib.backends.backend_svg import RendererSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont, get_font  # noqa: E402
from matplotlib.ft2font import Kerning, LoadFlags  # noqa: E402

from .slim import slim_svg  # noqa: E402

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


# ---- text metrics kept from one figure to the next -------------------------------------------

_METRICS: dict = {}
"""Width, height and descent of a text, by renderer kind, resolution, text, font and rc settings."""
_METRICS_MAX = 50_000
"""Entries of :data:`_METRICS` beyond which it starts again (the same texts come back in every figure)."""


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)  # a cycler
    return value


def rc_settings(*prefixes: str) -> tuple:
    """The current rc parameters as a hashable value, to key what was computed under them.

    Parameters
    ----------
    *prefixes : str
        Only the parameters whose names start with one of these (``"font."``); all without.

    Returns
    -------
    tuple
        ``(name, value)`` pairs, lists as tuples.
    """
    return tuple((k, _hashable(v)) for k, v in dict.items(matplotlib.rcParams) if not prefixes or k.startswith(prefixes))


def _text_settings() -> tuple:
    """The rc parameters a text's size may depend on (fonts, hinting, kerning).

    Read when a renderer is made: the figures are drawn and saved under one rc context.
    """
    return rc_settings("font.", "text.")


def _measured(renderer, kind, s: str, prop, ismath, measure) -> tuple[float, float, float]:
    """``measure(s, prop, ismath)``, remembered by everything it depends on.

    Matplotlib caches the metrics of a text per renderer, and each figure (and each save) has
    renderers of its own: the month names, legends and labels of every figure would be measured
    again. A renderer's metrics depend only on its kind and resolution, the text, the font
    properties and the rc settings of fonts and text, which are the key here. Mathtext and TeX
    are measured as matplotlib does, uncached (the figures use neither).
    """
    if ismath:
        return measure(s, prop, ismath)
    key = (kind, renderer._text_settings, s, prop, ismath)
    found = _METRICS.get(key)
    if found is None:
        found = measure(s, prop, ismath)
        if len(_METRICS) >= _METRICS_MAX:
            _METRICS.clear()
        # a copy of the (mutable) font properties: the key must not change with the text's
        _METRICS[(kind, renderer._text_settings, s, prop.copy(), ismath)] = found
    return found


class MeasuringRendererAgg(RendererAgg):
    """The Agg renderer, its text metrics shared by all the renderers of its resolution (:func:`_measured`).

    Used to lay out the figures (tight layout, labels that must not touch); the figures are
    drawn as SVG, never with it.
    """

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._text_settings = _text_settings()

    def get_text_width_height_descent(self, s, prop, ismath):
        """As :meth:`RendererAgg.get_text_width_height_descent`, measured once per text, font and dpi."""
        return _measured(self, ("agg", self.dpi), s, prop, ismath, super().get_text_width_height_descent)


class MeasuringRendererSVG(RendererSVG):
    """The SVG renderer, its text metrics shared by all the SVG renderers (:func:`_measured`)."""

    def __init__(self, width, height, svgwriter, basename=None, image_dpi=72, *, metadata=None):
        super().__init__(width, height, svgwriter, basename, image_dpi, metadata=metadata)
        self._text_settings = _text_settings()

    def get_text_width_height_descent(self, s, prop, ismath):
        """As :meth:`RendererSVG.get_text_width_height_descent`, measured once per text and font."""
        return _measured(self, "svg", s, prop, ismath, super().get_text_width_height_descent)


class MeasuringCanvas(FigureCanvasAgg):
    """The Agg canvas of a figure, with the renderers of this module: texts measured once for all figures.

    :meth:`get_renderer` and :meth:`print_svg` do what those of ``FigureCanvasAgg`` and
    ``FigureCanvasSVG`` do, with :class:`MeasuringRendererAgg` and :class:`MeasuringRendererSVG`;
    the bytes written are the same.
    """

    def get_renderer(self):
        """The Agg renderer of the canvas, new when the figure's size or dpi changed."""
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = MeasuringRendererAgg(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **kwargs):
        """Write the figure as SVG, as ``FigureCanvasSVG.print_svg`` does (``savefig`` calls it).

        Parameters
        ----------
        filename : str, path-like or file-like
            Where to write.
        bbox_inches_restore : tuple, optional
            As ``savefig`` passes it.
        metadata : dict, optional
            The metadata of the SVG document.
        **kwargs
            The other arguments of ``savefig`` (``dpi``, colours, orientation), which
            ``FigureCanvasSVG.print_svg`` does not take either.
        """
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            w, h = width * 72, height * 72
            renderer = MixedModeRenderer(
                self.figure, width, height, dpi,
                MeasuringRendererSVG(w, h, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()


def new_figure(**kwargs) -> Figure:
    """A figure on a :class:`MeasuringCanvas`, as :func:`matplotlib.pyplot.figure` makes it, but unknown to pyplot.

    Pyplot's figure manager (its numbering, its list of open figures) serves windows; a figure
    that is only saved does without it. Call under :data:`RC_PARAMS`, like ``pyplot.figure``.

    Parameters
    ----------
    **kwargs
        Arguments of :class:`matplotlib.figure.Figure` (``figsize``, ``dpi``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure = Figure(**kwargs)
    MeasuringCanvas(figure)
    return figure


@functools.lru_cache(maxsize=4096)
def advance_width(text: str, size: float, weight: str = "normal", style: str = "normal",
                  family: str = "DejaVu Sans") -> float:
    """Width of ``text`` set at ``size`` pt: its characters' advances and the font's kerning of each pair, unhinted.

    That is how the PDF sets a text of an SVG placed at one point (one run of glyphs, kerned:
    :mod:`.svgtext`), and how browsers set it, so a text placed at its left end with this width
    lands where ``text-anchor`` middle or end would put it (:func:`.slim.slim_svg`), without the
    group of its own WeasyPrint makes for an anchored text. The kerning is the font's ``kern``
    table, which for the DejaVu fonts holds the pairs and values of their ``GPOS`` kerning, the
    one HarfBuzz applies.

    Parameters
    ----------
    text : str
    size : float
        Font size [pt].
    weight, style, family : str
        As the SVG writes them: ``700``, ``italic``, ``DejaVu Sans``.

    Returns
    -------
    float
        Width [pt].
    """
    prop = FontProperties(family=family, size=size, style=style,
                          weight=int(weight) if weight.isdigit() else weight)
    font = get_font(findfont(prop))
    font.set_size(size, 72)
    advances = sum(font.load_char(ord(c), flags=LoadFlags.NO_HINTING).linearHoriAdvance for c in text) / 65536
    glyphs = [font.get_char_index(ord(c)) for c in text]
    kerning = sum(font.get_kerning(left, right, Kerning.UNSCALED) for left, right in itertools.pairwise(glyphs))
    return advances + kerning * size / font.units_per_EM


def figure_svg(figure, fig_id: str, attributes: dict | None = None) -> str:
    """Save a figure as light inline SVG (:func:`.slim.slim_svg`) and close it.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Drawn under :data:`RC_PARAMS`; saved under them too.
    fig_id : str
        Id of the figure: every id left in the SVG is prefixed with it, so that several figures
        can live in one page.
    attributes : dict, optional
        ``gid -> {attribute: value}``: attributes (``data-*``) to add to the group of the first
        artist drawn with that ``gid``.

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    buf = io.StringIO()
    with plt.rc_context(RC_PARAMS):
        figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    return slim_svg(buf.getvalue(), fig_id, attributes, text_width=advance_width)
