"""A PDF's layout freed by reference counting rather than by the cycle collector (:func:`tear_down`).

WeasyPrint's layout of a bulletin page leaves about 225,000 objects behind, nearly all of them
in reference cycles: the layout context holds the style cascade (every computed style, each
with its parent), the target collector (with closures over the context) and the pages' boxes,
and each font subset by fontTools is a cycle of its tables and their ten thousand glyphs. The
cycle collector must walk all of them to free them (:func:`.collect.collected`): 177 to 249 ms for
the English sample's PDF (median 190 ms), up to a tenth of its render.

Within :func:`recorded_layouts`, the layout contexts WeasyPrint makes and the fonts the
subsetter is given are listed; :func:`tear_down` then empties them once the PDF is written, which
breaks those cycles: what only they held is freed at once by reference counting (18 ms), and the
collector has 71,040 objects left to walk (55 to 126 ms, median 90 ms). A process that ends right after
its PDF (a worker of :func:`.outputs.language_pages`) needs neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import weasyprint.document
from fontTools.ttLib import TTFont

from .replaced import replaced

_make_layout_context = weasyprint.document.LayoutContext
_recording: list | None = None
"""The list of the render in progress (renders are one at a time: :data:`.replaced.LOCK`)."""


def record(obj) -> None:
    """List ``obj`` (a layout context or a font) for :func:`tear_down`, within :func:`recorded_layouts`."""
    if _recording is not None:
        _recording.append(obj)


def _layout_context(*args, **kwargs):
    """WeasyPrint's ``LayoutContext``, recorded."""
    context = _make_layout_context(*args, **kwargs)
    record(context)
    return context


@contextmanager
def recorded_layouts(into: list | None) -> Iterator[None]:
    """Within this context, the layout contexts WeasyPrint makes (and the fonts :func:`record` is given) go to ``into``.

    ``into`` None: nothing is recorded.
    """
    global _recording
    if into is None:
        yield
        return
    with replaced((weasyprint.document, "LayoutContext", _layout_context)):
        _recording = into
        try:
            yield
        finally:
            _recording = None


def tear_down(objects: list) -> None:
    """Empty the recorded layout contexts and fonts, and the list; nothing of them may be used afterwards."""
    for obj in objects:
        if isinstance(obj, TTFont):
            obj.tables.clear()
            obj.close()
        else:
            for part in (getattr(obj, "style_for", None), getattr(obj, "target_collector", None)):
                if part is not None:
                    part.__dict__.clear()
            obj.__dict__.clear()
    objects.clear()
