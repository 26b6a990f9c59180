"""The figures of a page handed to WeasyPrint as images served from memory (:func:`lift_figures`).

An inline SVG is part of the HTML document: WeasyPrint's HTML parser (pure Python) reads every
one of its nodes, the page's style sheets are matched against each of them, and every node is
kept in the trees that the layout's garbage collection then walks. None of that draws anything:
WeasyPrint draws an inline SVG as an image of its own, from its own attributes. For the PDF, each
figure is therefore lifted out of the page: its ``<svg>`` element stays where it was, with all
its attributes (the page's CSS sizes and places it exactly as before), around a single
``<image>`` that fills its view box with the whole SVG document. The document is served from
memory by :class:`FigureFetcher` under a private URL; no other URL is fetched. The figure is drawn
by WeasyPrint's SVG renderer as before, its texts set in the page's fonts: the served document
says its width and height in the units of its view box, so that the image is drawn at scale 1
and every point lands on the very number it had inline.

Only whole SVG documents are lifted: an ``<svg>`` that declares the SVG namespace, holds no
other ``<svg>``, parses as XML and whose width and height have the proportions of its view box
(the figures of :func:`.slim.slim_svg`). Anything else stays inline, as given.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from weasyprint.urls import URLFetcher, URLFetcherResponse

SVG_NS = "http://www.w3.org/2000/svg"
SCHEME = "bulletin-figure"
"""Scheme of the URLs of the lifted figures: private to one rendering, never fetched elsewhere."""
_START = re.compile(r"<svg\b([^>]*)>")
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(pt|px)?\s*")
_SIZE = re.compile(r'(?<=\s)(width|height)="[^"]*"')


class FigureFetcher(URLFetcher):
    """Serves the lifted figures from memory; hands every other URL to ``refusing``, which refuses it.

    Parameters
    ----------
    figures : dict
        ``url -> SVG document (bytes)``, as :func:`lift_figures` gives them.
    refusing : URLFetcher
        The fetcher of every other URL (:class:`.pdf.RefusingFetcher`, which fetches nothing).
    """

    def __init__(self, figures: dict[str, bytes], refusing: URLFetcher):
        super().__init__()
        self.figures = figures
        self.refusing = refusing

    def fetch(self, url, headers=None):
        """The SVG document of a lifted figure; any other URL is refused by ``refusing``."""
        data = self.figures.get(url)
        if data is None:
            return self.refusing.fetch(url, headers)
        return URLFetcherResponse(url, data, {"Content-Type": "image/svg+xml"})


def _view_box(attrs: dict) -> tuple[str, ...] | None:
    """The view box's four numbers as written, when width and height have its proportions; else None."""
    numbers = attrs.get("viewBox", "").replace(",", " ").split()
    width, height = (_LENGTH.fullmatch(attrs.get(k, "")) for k in ("width", "height"))
    if len(numbers) != 4 or width is None or height is None:
        return None
    try:
        w, h = float(numbers[2]), float(numbers[3])
        float(numbers[0]), float(numbers[1])
    except ValueError:
        return None
    outer_w, outer_h = float(width.group(1)), float(height.group(1))
    if min(w, h, outer_w, outer_h) <= 0 or width.group(2) != height.group(2) \
            or abs(outer_w * h - outer_h * w) > 1e-9 * outer_w * h:
        return None
    return tuple(numbers)


def lift_figures(html: str) -> tuple[str, dict[str, bytes]]:
    """The page with each whole inline SVG document replaced by an image of it, and the documents by URL.

    Parameters
    ----------
    html : str
        A page (:func:`.html.render_html`).

    Returns
    -------
    tuple
        ``(page, figures)``: the page, each lifted ``<svg ...>`` keeping its attributes around
        ``<image x y width height href="bulletin-figure:N"/>`` (its view box); ``figures`` maps
        each such URL to the document's bytes (UTF-8), for :class:`FigureFetcher`. The same page
        gives the same result.
    """
    out: list[str] = []
    figures: dict[str, bytes] = {}
    at = 0
    for start in _START.finditer(html):
        if start.start() < at or f'xmlns="{SVG_NS}"' not in start.group(1):
            continue
        end = html.find("</svg>", start.end())
        if end < 0 or "<svg" in html[start.end():end]:
            continue
        end += len("</svg>")
        document = html[start.start():end]
        try:
            root = ElementTree.fromstring(document)
        except ElementTree.ParseError:
            continue
        box = _view_box(root.attrib) if root.tag == f"{{{SVG_NS}}}svg" else None
        if box is None:
            continue
        url = f"{SCHEME}:{len(figures)}"
        x, y, w, h = box
        # the image's own size is its view box's, in its units: the image is drawn at scale 1 (exactly as inline)
        sizes = {"width": w, "height": h}
        head = _SIZE.sub(lambda m, sizes=sizes: f'{m.group(1)}="{sizes[m.group(1)]}"', start.group(0))
        document = head + document[len(start.group(0)):]
        figures[url] = document.encode("utf-8")
        out += [html[at:start.start()], f'<svg{start.group(1)}><image x="{x}" y="{y}" width="{w}" height="{h}" ',
                f'href="{url}"/></svg>']
        at = end
    out.append(html[at:])
    return "".join(out), figures
