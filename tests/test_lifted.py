"""Figures handed to WeasyPrint as images served from memory, drawn at the same places.

The PDF renderer lifts each whole SVG document out of the page (``bulletin.render.lifted``);
nothing else is fetched, and every glyph and point of a figure lands where WeasyPrint put it
when the figure was inline."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import matplotlib
import pytest
from pypdf import PdfReader

from bulletin.render.lifted import FigureFetcher, lift_figures
from bulletin.render.pdf import PDF_VARIANT, RefusingFetcher, render_pdf, reproducible_font_subsetting
from bulletin.render.svg import RC_PARAMS, figure_svg, new_figure
from bulletin.render.svgtext import whole_run_svg_text

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
NS = 'xmlns="http://www.w3.org/2000/svg"'
ISSUED = datetime(2026, 11, 21, 6, 0, tzinfo=timezone(timedelta(hours=5)))


def _figure() -> str:
    """A small figure of the bulletin's kind: lines, a band, ticks and labels in two sizes, a legend."""
    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(7.0, 2.0))
        ax = f.subplots()
        x = range(24)
        ax.fill_between(x, [i - 1 for i in x], [i + 2 for i in x], color="#c6dbef", linewidth=0)
        ax.plot(x, [i * 0.5 for i in x], color="#2171b5", label="norm")
        ax.plot(x, [20 - i for i in x], marker="o", markersize=2.2, color="#000000", label="this year")
        ax.set_xticks(range(0, 24, 3))
        ax.set_xticklabels(["Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "нояб.", "Uchkurgan"])
        ax.set_ylabel("m³/s")
        ax.text(2, 15, "Nadezhdinsky", fontsize=6.6, fontweight="bold")
        ax.text(12, 15, "Toktogul 29%", fontsize=6.6)
        ax.legend(fontsize=6.5)
        return figure_svg(f, "fig-t")


def _page(*bodies: str) -> str:
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
            '<style>figure svg { width: 100%; height: auto } body { font-family: "DejaVu Sans" }</style></head>'
            f'<body>{"".join(bodies)}</body></html>')


# ---- lifting -------------------------------------------------------------------------------------

def test_a_figure_becomes_an_image_of_itself_in_its_own_svg_element():
    figure = _figure()
    page, figures = lift_figures(_page(f'<figure><div class="svg">{figure}</div></figure><p>after</p>'))
    start = re.match(r"<svg[^>]*>", figure).group(0)
    view_box = re.search(r'viewBox="([^"]+)"', start).group(1).split()
    assert f"{start}<image " in page and figure not in page and "<p>after</p>" in page
    image = re.search(r"<image ([^>]*)/></svg>", page).group(1)
    assert dict(re.findall(r'(\w+)="([^"]*)"', image)) == {
        "x": view_box[0], "y": view_box[1], "width": view_box[2], "height": view_box[3], "href": "bulletin-figure:0"}
    # the document served is the figure, its size said in the units of its view box (drawn at scale 1)
    served = ElementTree.fromstring(figures["bulletin-figure:0"])
    inline = ElementTree.fromstring(figure)
    assert (served.get("width"), served.get("height")) == (view_box[2], view_box[3])
    assert inline.get("width").endswith("pt")
    assert [e.tag for e in served.iter()] == [e.tag for e in inline.iter()]
    assert lift_figures(_page(figure)) == lift_figures(_page(figure))


@pytest.mark.parametrize("svg", [
    '<svg width="22" height="14"><line x1="0" y1="7" x2="22" y2="7" stroke="#000"/></svg>',  # no namespace
    f'<svg {NS} width="20pt" height="10pt" viewBox="0 0 20 10"><svg {NS} viewBox="0 0 1 1"/></svg>',  # nested
    f'<svg {NS} width="20pt" height="10pt" viewBox="0 0 20 10"><text>a&nbsp;b</text></svg>',  # not XML
    f'<svg {NS} width="20pt" height="10pt"><path d="M0 0L1 1"/></svg>',  # no view box
    f'<svg {NS} width="20pt" height="20pt" viewBox="0 0 20 10"><path d="M0 0L1 1"/></svg>',  # other proportions
    f'<svg {NS} width="20pt" height="10px" viewBox="0 0 20 10"><path d="M0 0L1 1"/></svg>',  # two units
])
def test_an_svg_that_is_not_a_whole_figure_stays_inline(svg):
    html = _page(svg)
    assert lift_figures(html) == (html, {})


def test_the_renderer_serves_the_figures_of_the_page_and_fetches_nothing_else():
    fetcher = RefusingFetcher()
    html = _page(f"<figure>{_figure()}</figure>", '<img src="file:///etc/passwd"><img src="bulletin-figure:7">')
    out = render_pdf(html, fetcher=fetcher, created=ISSUED)
    assert sorted(fetcher.refused) == ["bulletin-figure:7", "file:///etc/passwd"]
    text = PdfReader(io.BytesIO(out)).pages[0].extract_text()
    assert "Nadezhdinsky" in text and "Uchkurgan" in text  # the figure is drawn, its texts are text
    assert out == render_pdf(html, created=ISSUED)


def test_the_figure_fetcher_hands_every_other_url_to_the_refusing_one():
    refusing = RefusingFetcher()
    fetcher = FigureFetcher({"bulletin-figure:0": b"<svg/>"}, refusing)
    assert fetcher.fetch("bulletin-figure:0").read() == b"<svg/>"
    for url in ("bulletin-figure:1", "http://127.0.0.1:9/x.svg", "data:image/svg+xml,<svg/>"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert refusing.refused == ["bulletin-figure:1", "http://127.0.0.1:9/x.svg", "data:image/svg+xml,<svg/>"]


# ---- drawn at the same places --------------------------------------------------------------------

def _inline_pdf(html: str) -> bytes:
    """The page laid out by WeasyPrint with its figures inline, as the renderer did before lifting them."""
    from weasyprint import HTML

    options = {"pdf_variant": PDF_VARIANT, "pdf_identifier": True}
    with reproducible_font_subsetting(ISSUED), whole_run_svg_text():
        return HTML(string=html, base_url=None, url_fetcher=RefusingFetcher()).render(**options).write_pdf(**options)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_every_word_of_a_lifted_figure_lands_where_it_did_inline(tmp_path):
    html = _page(f"<figure>{_figure()}</figure>", "<p>Text after the figure</p>")
    boxes = []
    for name, data in (("inline", _inline_pdf(html)), ("lifted", render_pdf(html, created=ISSUED))):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        out = subprocess.run(["pdftotext", "-bbox", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True,
                             text=True, check=True).stdout
        boxes.append(re.findall(r'<word xMin="([^"]+)" yMin="([^"]+)" xMax="([^"]+)" yMax="([^"]+)">([^<]*)<', out))
    inline, lifted = boxes
    assert {w[4] for w in inline} >= {"Nadezhdinsky", "Uchkurgan", "нояб.", "Oct", "norm", "year"}
    assert sorted(lifted) == sorted(inline)  # every word, to the last digit pdftotext writes


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_a_lifted_figure_looks_the_same(tmp_path):
    html = _page(f"<figure>{_figure()}</figure>")
    images = []
    for name, data in (("inline", _inline_pdf(html)), ("lifted", render_pdf(html, created=ISSUED))):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True)
        images.append(next(tmp_path.glob(f"{name}*.png")).read_bytes())
    assert images[0] == images[1]
