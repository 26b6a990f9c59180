"""The layout of a PDF emptied once it is written (bulletin/render/teardown.py)."""

import gc
from datetime import datetime

import weasyprint.document
from fontTools.ttLib import TTFont

from bulletin.render.pdf import make_pdf, render_pdf
from bulletin.render.teardown import recorded_layouts, tear_down

from .conftest import SAMPLE_ISSUED

CREATED = datetime.fromisoformat(SAMPLE_ISSUED)
PAGE = ("<!DOCTYPE html><html lang=ru><head><style>h1 { font-weight: bold; } em { font-style: italic; }</style>"
        "</head><body><h1>Токтогул</h1>" + "<p>Объём <em>9,3</em> км³, норма 12,1 км³.</p>" * 60 + "</body></html>")


def _left_for_the_collector(teardown: bool) -> int:
    """Objects the cycle collector frees after one PDF of PAGE, with or without the teardown."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        layouts: list = []
        make_pdf(PAGE, created=CREATED, layouts=layouts)
        if teardown:
            tear_down(layouts)
        del layouts
        return gc.collect(0)
    finally:
        if enabled:
            gc.enable()


def test_the_contexts_and_fonts_of_a_render_are_recorded_and_emptied():
    layouts: list = []
    make_pdf(PAGE, created=CREATED, layouts=layouts)
    contexts = [o for o in layouts if not isinstance(o, TTFont)]
    fonts = [o for o in layouts if isinstance(o, TTFont)]
    assert len(contexts) == 1 and len(fonts) >= 2  # one layout; the regular, bold and italic faces subset
    context = contexts[0]
    assert context.style_for is not None and fonts[0].tables
    style_for = context.style_for
    tear_down(layouts)
    assert layouts == [] and context.__dict__ == {} and style_for.__dict__ == {}
    assert all(not font.tables for font in fonts)


def test_most_of_the_layout_is_freed_without_the_cycle_collector():
    without, with_teardown = _left_for_the_collector(False), _left_for_the_collector(True)
    assert without > 5_000  # the test page leaves a real layout behind
    assert with_teardown < without / 2


def test_nothing_is_recorded_outside_a_render_nor_without_a_list():
    before = weasyprint.document.LayoutContext
    with recorded_layouts(None):
        assert weasyprint.document.LayoutContext is before
    layouts: list = []
    with recorded_layouts(layouts):
        assert weasyprint.document.LayoutContext is not before
    assert weasyprint.document.LayoutContext is before
    render_pdf(PAGE, created=CREATED)  # records into its own list, emptied
    assert layouts == []


def test_the_bytes_do_not_depend_on_the_teardown():
    assert render_pdf(PAGE, created=CREATED) == make_pdf(PAGE, created=CREATED)
