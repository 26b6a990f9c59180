"""SVG text at one point drawn as one run of glyphs (``bulletin.render.svgtext``), against WeasyPrint's own drawing.

WeasyPrint's letter-by-letter drawing is the independent implementation: where no pair of
letters is kerned (digits in DejaVu Sans), every glyph must land where it put it; where a pair
is kerned, the run is narrower by the font's kerning of the pair, which ``advance_width``
(the figures' own measure) must give too.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import weasyprint.draw.text
import weasyprint.svg
from weasyprint import HTML

import bulletin.render.svgtext as svgtext
from bulletin.render.svg import advance_width
from bulletin.render.svgtext import at_one_point, whole_run_svg_text

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


def _page(texts: str) -> str:
    return ('<html><body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="120pt" '
            f'viewBox="0 0 400 120" font-family="\'DejaVu Sans\'">{texts}</svg></body></html>')


def _pdf(html: str, whole_run: bool) -> bytes:
    document = HTML(string=html, base_url=None)
    if not whole_run:
        return document.write_pdf()
    with whole_run_svg_text():
        return document.write_pdf()


def _drawn_runs(monkeypatch, html: str, whole_run: bool) -> list[str]:
    """The texts WeasyPrint hands to its line drawing, one per run of glyphs, as the page is drawn."""
    runs = []

    def recording(module):
        original = module.draw_first_line

        def draw_first_line(stream, textbox, *args):
            runs.append(textbox.text)
            return original(stream, textbox, *args)
        monkeypatch.setattr(module, "draw_first_line", draw_first_line)

    recording(weasyprint.draw.text)  # where WeasyPrint's SVG text function imports it from, at each call
    recording(svgtext)
    _pdf(html, whole_run)
    return runs


def _words(tmp_path, pdf: bytes) -> list[tuple]:
    """(xMin, yMin, xMax, yMax, word) of every word of the PDF, as pdftotext finds them [pt]."""
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [(*map(float, m[:4]), m[4])
            for m in re.findall(r'<word xMin="([^"]+)" yMin="([^"]+)" xMax="([^"]+)" yMax="([^"]+)">([^<]*)<', out)]


def test_a_text_at_one_point_is_drawn_as_one_run_where_weasyprint_draws_each_letter(monkeypatch):
    html = _page('<text x="10" y="30" font-size="8px">Toktogul 29%</text>')
    assert _drawn_runs(monkeypatch, html, whole_run=False) == list("Toktogul 29%")
    assert _drawn_runs(monkeypatch, html, whole_run=True) == ["Toktogul 29%"]


@pytest.mark.parametrize("attrs", [
    'x="10 20 30 40" y="30"', 'x="10" y="30" dx="0 2 2 2"', 'x="10" y="30" dy="1 1 1 1"',
    'x="10" y="30" rotate="10"', 'x="10" y="30" letter-spacing="2"', 'x="10" y="30" textLength="60"',
    'x="10" y="30" dominant-baseline="middle"'])
def test_a_text_placed_or_aligned_letter_by_letter_is_left_to_weasyprint(monkeypatch, attrs):
    html = _page(f'<text {attrs} font-size="8px">1400</text>')
    assert _drawn_runs(monkeypatch, html, whole_run=True) == list("1400")


def test_which_texts_are_at_one_point():
    from xml.etree.ElementTree import Element

    def node(text, **attrib):
        element = Element("text", attrib)
        element.text = text
        return element

    assert at_one_point(node("a", x="1", y="2"))
    assert at_one_point(node("a"))  # at the point where the previous text ended
    assert at_one_point(node("a", x=" 1 ", y="2", transform="rotate(-90 1 2)"))
    assert not at_one_point(node("", x="1"))
    assert not at_one_point(node(None, x="1"))
    assert not at_one_point(node("ab", x="1,2"))  # SVG separates lengths by commas or spaces
    assert not at_one_point(node("ab", x="1", y="2 3"))
    assert not at_one_point(node("a", x="1", **{"letter-spacing": "1"}))


@needs_pdftotext
@pytest.mark.parametrize("attrs", [
    'x="200" y="30" font-size="8px"',
    'x="200" y="30" font-size="9.5px" font-weight="700" text-anchor="middle"',
    'x="200" y="30" font-size="6.6px" text-anchor="end" fill="#5f5f5f"',
    'x="40" y="100" font-size="8px" transform="rotate(-90 40 100)"'])
def test_where_no_pair_is_kerned_every_word_lands_where_weasyprint_put_it(tmp_path, attrs):
    html = _page(f'<text {attrs}>2026 1 400,5 −12%</text>')
    letters = _words(tmp_path, _pdf(html, whole_run=False))
    run = _words(tmp_path, _pdf(html, whole_run=True))
    assert [w[4] for w in run] == ["2026", "1", "400,5", "−12%"]
    assert [w[4] for w in letters] == [w[4] for w in run]
    for drawn, expected in zip(run, letters, strict=True):  # each letter drawn on its own is rounded on its own
        assert drawn[:4] == pytest.approx(expected[:4], abs=0.02)


@needs_pdftotext
@pytest.mark.parametrize(("text", "weight"), [("AVATAR", "normal"), ("Toktogul", "normal"), ("KAZAKHSTAN", "700")])
def test_a_kerned_word_is_as_wide_as_the_figures_measure_it(tmp_path, text, weight):
    html = _page(f'<text x="10" y="30" font-size="10px" font-weight="{weight}">{text}</text>')
    (letters,) = _words(tmp_path, _pdf(html, whole_run=False))
    (run,) = _words(tmp_path, _pdf(html, whole_run=True))
    assert run[0] == pytest.approx(letters[0], abs=0.01)  # same start
    assert run[2] - run[0] < letters[2] - letters[0] - 0.3  # kerned: narrower than letter by letter
    # the PDF writes each kerning in thousandths of the font size, rounded: 0.005 pt at 10 pt, each pair
    assert run[2] - run[0] == pytest.approx(advance_width(text, 10.0, weight), abs=0.01 * len(text))


def test_weasyprint_gets_its_own_text_drawing_back_after_the_context_even_after_an_error():
    original = weasyprint.svg.text
    with whole_run_svg_text():
        assert weasyprint.svg.text is not original
        assert all(weasyprint.svg.TAGS[tag] is weasyprint.svg.text for tag in ("a", "text", "textPath", "tspan"))
    assert weasyprint.svg.text is original
    with pytest.raises(ZeroDivisionError), whole_run_svg_text():
        1 / 0  # noqa: B018
    assert weasyprint.svg.text is original
    assert all(weasyprint.svg.TAGS[tag] is original for tag in ("a", "text", "textPath", "tspan"))


def test_a_changed_weasyprint_is_refused_rather_than_drawn_otherwise(monkeypatch):
    monkeypatch.setitem(weasyprint.svg.TAGS, "tspan", lambda svg, node, font_size: None)
    with pytest.raises(RuntimeError, match="no longer draws text"), whole_run_svg_text():
        pass


def test_a_replacement_of_a_missing_name_changes_nothing_and_every_old_value_comes_back():
    import types

    from bulletin.render.replaced import replaced

    module, table = types.SimpleNamespace(a=1), {"b": 2}
    with pytest.raises(AttributeError), replaced((module, "a", 10), (table, "b", 20), (module, "missing", 0)):
        pass
    assert (module.a, table) == (1, {"b": 2})
    with pytest.raises(ZeroDivisionError), replaced((module, "a", 10), (table, "b", 20)):
        assert (module.a, table["b"]) == (10, 20)
        1 / 0  # noqa: B018
    assert (module.a, table) == (1, {"b": 2})
