"""Page counters settled between WeasyPrint's passes (bulletin/render/pagination.py)."""

import contextlib
import io
from datetime import datetime

import pytest
import weasyprint.layout
import weasyprint.layout.page
from pypdf import PdfReader

import bulletin.render.pdf as pdf_module
from bulletin.render.pagination import make_all_pages_settled, settled_page_counters

from .conftest import SAMPLE_ISSUED
from .conftest import SAMPLE_PERIOD as PERIOD

# a contents on page 1 with each section's page, as the bulletin has: sections on pages 2 to 5
SECTIONS = 4
PAGE = ("<!DOCTYPE html><html lang=en><head><style>"
        "nav a::after { content: ' ' target-counter(attr(href), page); } section { break-before: page; }"
        "</style></head><body><nav>"
        + "".join(f"<p><a href='#s{k}'>Section {k}</a></p>" for k in range(1, SECTIONS + 1))
        + "</nav>" + "".join(f"<section id='s{k}'><h2>Section {k}</h2><p>Text.</p></section>"
                             for k in range(1, SECTIONS + 1)) + "</body></html>")


def _render(html: str, settled: bool, monkeypatch) -> tuple[bytes, list[int]]:
    """(the PDF, the index of every page WeasyPrint laid out, in order)."""
    made = []
    remake = weasyprint.layout.page.remake_page

    def counted(index, *args, **kwargs):
        made.append(index)
        return remake(index, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(weasyprint.layout.page, "remake_page", counted)
        if not settled:
            m.setattr(pdf_module, "settled_page_counters", contextlib.nullcontext)
        pdf = pdf_module.render_pdf(html, created=datetime.fromisoformat(SAMPLE_ISSUED))
    return pdf, made


def test_page_one_with_a_contents_is_laid_out_twice_not_three_times(monkeypatch):
    plain, made_plain = _render(PAGE, False, monkeypatch)
    settled, made_settled = _render(PAGE, True, monkeypatch)
    assert made_plain.count(0) == 3 and made_settled.count(0) == 2  # WeasyPrint 70's passes, and one fewer
    assert sorted(set(made_settled)) == list(range(SECTIONS + 1))
    assert settled == plain
    first = PdfReader(io.BytesIO(settled)).pages[0].extract_text()
    for k in range(1, SECTIONS + 1):
        assert f"Section {k} {k + 1}" in first  # each section's own page, not 0


def test_running_strings_and_bookmarks_with_page_counters_are_left_to_weasyprint(monkeypatch):
    """Only the contents are computed again at the end of a pass; a string-set or bookmark label is WeasyPrint's."""
    page = PAGE.replace("section { break-before: page; }",
                        "section { break-before: page; } h2 { string-set: where content() ' ' counter(page) ' / '"
                        " counter(pages); bookmark-label: content() ' ' counter(page); }"
                        " @page { @top-center { content: string(where); } }")
    plain, _ = _render(page, False, monkeypatch)
    settled, made = _render(page, True, monkeypatch)
    assert settled == plain and made.count(0) == 2
    reader = PdfReader(io.BytesIO(settled))
    assert f"Section {SECTIONS} {SECTIONS + 1} / {SECTIONS + 1}" in reader.pages[SECTIONS].extract_text()
    assert [o.title for o in reader.outline][:2] == ["Section 1 2", "Section 2 3"]


def test_the_sample_pages_are_the_same_bytes_with_one_layout_fewer(sample, monkeypatch):
    html = (sample[0] / f"syrdarya-{PERIOD}.en.html").read_text(encoding="utf-8")
    plain, made_plain = _render(html, False, monkeypatch)
    settled, made_settled = _render(html, True, monkeypatch)
    assert settled == plain
    assert len(made_settled) == len(made_plain) - 1


def test_the_replacement_is_undone_after_the_render():
    before = weasyprint.layout.make_all_pages
    assert before is not make_all_pages_settled
    with settled_page_counters():
        assert weasyprint.layout.make_all_pages is make_all_pages_settled
    assert weasyprint.layout.make_all_pages is before
    with pytest.raises(ZeroDivisionError), settled_page_counters():
        1 / 0  # noqa: B018
    assert weasyprint.layout.make_all_pages is before
