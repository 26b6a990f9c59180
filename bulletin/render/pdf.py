"""PDF: the same HTML, laid out on A4 by WeasyPrint with the print stylesheet.

The page is self-contained (inline CSS and SVG), so the URL fetcher refuses every URL: an
input that smuggles a link or an image into the page cannot make the renderer fetch anything.
"""

from __future__ import annotations

import logging

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from ..errors import RenderError


class RefusingFetcher(URLFetcher):
    """A URL fetcher that fetches nothing and remembers what was asked."""

    def __init__(self):
        super().__init__()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.refused.append(url)
        raise ValueError(f"external resources are not loaded: {url[:80]}")


def render_pdf(html: str, fetcher: RefusingFetcher | None = None) -> bytes:
    """PDF bytes of a self-contained bulletin page (``fetcher`` records refused URLs)."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = fetcher or RefusingFetcher()
    try:
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one clear message
        raise RenderError(f"the PDF could not be rendered ({type(exc).__name__}: {exc}).",
                          hint="check that Pango is installed (see the README).") from exc
