"""The printed page keeps every word inside its table cell and inside the page, in every language.

The print stylesheet lays the tables out at fixed column widths (``templates/print.css``): a
word wider than its column, or a line kept whole by ``white-space: nowrap``, is then drawn over
the next column instead of widening it. These tests lay the bulletin out with WeasyPrint, as the
PDF is made, and measure every piece of text in the layout against the content box of its cell
and of the page.
"""

from __future__ import annotations

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from bulletin.render.i18n import LANGUAGES
from bulletin.render.lifted import FigureFetcher, lift_figures
from bulletin.render.pdf import RefusingFetcher

from .conftest import SAMPLE_LANGS, generate

SLACK = 0.5
"""Points a text may pass an edge by: rounding of the layout, far less than a letter."""


def overflows(html: str) -> list[tuple[int, str, str, float]]:
    """(page, where, text, points beyond the edge) of every text laid out outside its cell or its page.

    ``where`` is the class of the table and of the cell, or ``page``.
    """
    page_html, figures = lift_figures(html)
    document = HTML(string=page_html, base_url=None, url_fetcher=FigureFetcher(figures, RefusingFetcher())).render()
    found = []

    def beyond(text: boxes.TextBox, box) -> float:
        left = box.content_box_x()
        return max(text.position_x + text.width - (left + box.width), left - text.position_x)

    def walk(box, number, page_box, table, cell):
        if isinstance(box, boxes.TableBox):
            table = box
        elif isinstance(box, boxes.TableCellBox):
            cell = box
        elif isinstance(box, boxes.TextBox):
            if beyond(box, page_box) > SLACK:
                found.append((number, "page", box.text, round(beyond(box, page_box), 1)))
            elif cell is not None and beyond(box, cell) > SLACK:
                where = f"{table.element.get('class')} {cell.element.get('class')}"
                found.append((number, where, box.text, round(beyond(box, cell), 1)))
        for child in getattr(box, "children", ()):
            walk(child, number, page_box, table, cell)

    for number, page in enumerate(document.pages, 1):
        root = page._page_box.children[0]  # the html element's box: the page's content area
        walk(root, number, root, None, None)
    return found


def test_the_check_finds_a_line_kept_whole_over_the_next_column():
    wide = "<td><span style='white-space: nowrap'>9.27 km³ (9.26–9.28) and more</span></td>"
    html = ("<html><body><table style='table-layout: fixed; width: 60mm'><tr>"
            f"{wide}<td>next</td></tr></table><p>a line that fits</p></body></html>")
    found = overflows(html)
    assert [(page, text) for page, _, text, _ in found] == [(1, "9.27 km³ (9.26–9.28) and more")]
    assert found[0][3] > 10


def test_the_check_finds_text_beyond_the_page():
    found = overflows("<html><body><p style='white-space: nowrap'>" + "overflowing " * 40 + "</p></body></html>")
    assert [(page, where) for page, where, _, _ in found] == [(1, "page")]


@pytest.fixture(scope="module")
def pages(sample, tmp_path_factory):
    """The sample bulletin's HTML in every language: those of the sample run, and the others made here."""
    others = [lang for lang in LANGUAGES if lang not in SAMPLE_LANGS]
    out = tmp_path_factory.mktemp("languages")
    generate(out, "--format", "html", "--lang", ",".join(others))
    found = {lang: sample[0] / f"syrdarya-2026-11-d2.{lang}.html" for lang in SAMPLE_LANGS}
    found.update({lang: out / f"syrdarya-2026-11-d2.{lang}.html" for lang in others})
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_of_the_printed_bulletin_stays_in_its_cell_and_page(pages, lang):
    assert overflows(pages[lang].read_text(encoding="utf-8")) == []
