"""SVG text set as one run of glyphs, not letter by letter (:func:`whole_run_svg_text`).

WeasyPrint (70) draws an SVG ``<text>`` one letter at a time: it shapes the whole string once
(for its width), then shapes and draws every letter on its own, each placed where the previous
one ended. That is what per-letter positions (``x``, ``y``, ``dx``, ``dy`` or ``rotate`` lists),
``letter-spacing`` and ``textLength`` need; a label at one point needs none of it. Shaping and
drawing every letter on its own was most of the time WeasyPrint spent on a figure's texts, and a
string cut into letters loses the font's kerning.

Within :func:`whole_run_svg_text`, a text node at one point (at most one ``x`` and one ``y``,
none of the attributes above, no baseline alignment) is drawn from the shaping of the whole
string that WeasyPrint's own code also starts with: the same font, size, weight, fill, stroke,
transform and text anchor, one run of glyphs with the font's kerning. Every other text node goes
to WeasyPrint's own function, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import inf

import weasyprint.svg as weasyprint_svg
from weasyprint.css.properties import INITIAL_VALUES
from weasyprint.draw.text import draw_emojis, draw_first_line
from weasyprint.matrix import Matrix
from weasyprint.svg.bounding_box import extend_bounding_box
from weasyprint.svg.text import Style, TextBox
from weasyprint.svg.utils import normalize, size
from weasyprint.text.line_break import split_first_line

from .replaced import LOCK, replaced

PER_LETTER = ("dx", "dy", "rotate", "letter-spacing", "textLength", "display-anchor", "dominant-baseline",
              "alignment-baseline")
"""Attributes whose text WeasyPrint must place letter by letter (or align by a baseline): left to it."""
TEXT_TAGS = ("a", "text", "textPath", "tspan")
"""The tags WeasyPrint's SVG renderer draws with its text function (``weasyprint.svg.TAGS``)."""
WEIGHTS = {"normal": 400, "bold": 700}


def at_one_point(node) -> bool:
    """Whether a text node has text, at most one ``x`` and one ``y``, and nothing placed letter by letter."""
    if not node.text or any(name in node.attrib for name in PER_LETTER):
        return False
    return all(len(normalize(node.attrib.get(name, "")).split()) <= 1 for name in ("x", "y"))


def text_style(svg, node, font_size: float) -> Style:
    """The style WeasyPrint gives an SVG text node: its font family, style, weight and size."""
    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [family.strip("\"'") for family in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    try:
        style["font_weight"] = WEIGHTS[weight] if weight in WEIGHTS else int(weight)
    except ValueError:
        style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    return style


def draw_text(svg, node, font_size: float, *, letter_by_letter) -> None:
    """Draw ``node`` as one run when it is at one point (:func:`at_one_point`), else with ``letter_by_letter``."""
    if not at_one_point(node):
        letter_by_letter(svg, node, font_size)
        return
    style = text_style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    x, y = svg.cursor_position
    if "x" in node.attrib:
        x = size(normalize(node.attrib["x"]).strip(), font_size, svg.inner_width)
        svg.cursor_d_position[0] = 0
    if "y" in node.attrib:
        y = size(normalize(node.attrib["y"]).strip(), font_size, svg.inner_height)
        svg.cursor_d_position[1] = 0
    left, bottom = x + svg.cursor_d_position[0], y + svg.cursor_d_position[1]
    svg.cursor_position = x + width, y
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box, ((left, bottom - baseline), (left + width, bottom - baseline + height)))
    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = TextBox(layout, style)
    box.baseline = baseline
    emojis = draw_first_line(svg.stream, box, "none", "none", Matrix(d=-1, e=left, f=bottom))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


@contextmanager
def whole_run_svg_text() -> Iterator[None]:
    """Within this context WeasyPrint draws SVG text at one point as one run (:func:`draw_text`).

    How, and what it relies on (hence WeasyPrint's version range in ``pyproject.toml``):
    WeasyPrint's SVG renderer looks up the function that draws a node in its module global
    ``TAGS`` (by tag) and recognises text nodes, for their ``text-anchor``, by comparing that
    function with its module global ``text``. Both are replaced here by one function that draws a
    text at one point itself and hands any other to the function they held; both are restored
    on exit, even after an error, and a missing name raises rather than silently drawing
    otherwise (:func:`.replaced.replaced`, under its lock).
    """
    with LOCK:  # the check and the replacement see the same globals
        original = weasyprint_svg.text
        if any(weasyprint_svg.TAGS[tag] is not original for tag in TEXT_TAGS):
            raise RuntimeError("WeasyPrint's SVG renderer no longer draws text with weasyprint.svg.text")

        def drawn(svg, node, font_size):
            draw_text(svg, node, font_size, letter_by_letter=original)

        with replaced((weasyprint_svg, "text", drawn), *((weasyprint_svg.TAGS, tag, drawn) for tag in TEXT_TAGS)):
            yield
