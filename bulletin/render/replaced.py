"""Module globals of WeasyPrint and fontTools replaced for the time of a render (:func:`replaced`).

The PDF relies on a few names that WeasyPrint (70) and fontTools look up at call time: the font
subsetter and its clock (:func:`.pdf.reproducible_font_subsetting`) and the SVG text function
(:func:`.svgtext.whole_run_svg_text`). They are process-wide, so every replacement is made under
one lock (:data:`LOCK`): two renders in two threads never see each other's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

LOCK = threading.RLock()
"""Held while any replacement is in place; taken again by the same thread (nested contexts)."""


def _get(namespace, name: str):
    return namespace[name] if isinstance(namespace, dict) else getattr(namespace, name)


def _set(namespace, name: str, value) -> None:
    if isinstance(namespace, dict):
        namespace[name] = value
    else:
        setattr(namespace, name, value)


@contextmanager
def replaced(*replacements: tuple) -> Iterator[None]:
    """Within this context each ``(namespace, name, value)`` gives ``value``; the old values after it.

    ``namespace`` is a module (or any object: its attribute ``name``) or a dict (its key ``name``).
    Every old value is read before anything is replaced, so a missing name raises (AttributeError
    or KeyError) with nothing changed, rather than letting the library silently work otherwise.
    The old values are put back on exit, even after an error.
    """
    with LOCK:
        saved = [(namespace, name, _get(namespace, name)) for namespace, name, _ in replacements]
        try:
            for namespace, name, value in replacements:
                _set(namespace, name, value)
            yield
        finally:
            for namespace, name, value in reversed(saved):
                _set(namespace, name, value)
