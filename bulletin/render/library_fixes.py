"""Three costs in WeasyPrint and the libraries under it, removed for the time of a render (:func:`library_fixes`).

**The HTML parser's patterns.** tinyhtml5 (2.1, WeasyPrint's HTML parser) reads text up to one
of a few characters with a regular expression it keeps in a module dict,
``tinyhtml5.inputstream.characters_until_regex``, keyed by the characters. Its line that fills
the dict assigns the compiled pattern to its local name first and then stores the pattern under
a key made of that name, so the key is the pattern, never the characters: every call misses,
builds the pattern's text again and looks it up in ``re``'s cache. That was half the time the
parser took on a bulletin page (166 ms of the English page, 79 ms without it). Within
:func:`library_fixes` the dict is one that makes the pattern of a missing key itself
(:class:`CharacterRuns`): the first call of each set of characters makes it, every other call
finds it. The pattern matches the same runs of text, so the document parsed is the same.

**The compression of the PDF's streams.** pydyf, which writes WeasyPrint's PDF, compresses every
stream (page contents, fonts, figures) at zlib's level 9, its slowest. Level 6, zlib's own
default, compressed the English page's streams in 28 ms instead of 79 (2.8 times faster) into
1.3 % more bytes. Within :func:`library_fixes` pydyf sees a ``zlib`` whose ``compressobj`` is
level 6 (:data:`STREAM_ZLIB`). The bytes of a PDF depend on the level, not on the machine.

**The SVG lengths.** WeasyPrint's SVG renderer reads every coordinate of a figure through
``weasyprint.svg.utils.size``, which imports ``LENGTHS_TO_PIXELS`` from another module of
WeasyPrint on every call, before it tries the plain number that nearly every coordinate is: 1.7
microseconds a call, 0.2 without the import, some 20,000 calls on the English page. Within
:func:`library_fixes` the SVG renderer's ``size`` is :func:`svg_size`, which returns a plain
number at once and leaves everything else (units, percentages, an empty value) to WeasyPrint's
own function.

The names are looked up by the libraries at call time and replaced under
:func:`.replaced.replaced`'s lock, so a library that no longer has them raises at once rather
than silently working otherwise (``tests/test_library_fixes.py``).
"""

from __future__ import annotations

import re
import types
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pydyf
import tinyhtml5.inputstream
import weasyprint.svg
from weasyprint.svg.utils import size as weasyprint_size

from .replaced import replaced

STREAM_LEVEL = 6
"""The zlib level of the PDF's streams: zlib's default (pydyf asks for 9)."""


class CharacterRuns(dict):
    """(characters, opposite) -> the pattern of a run of text up to one of them (``opposite``: a run of them).

    What ``tinyhtml5``'s ``HTMLUnicodeInputStream.chars_until`` looks up, made on first use.

    >>> runs = CharacterRuns()
    >>> runs[(("<", "&"), False)].match("ab&c").group()
    'ab'
    >>> runs[(frozenset(" ;"), True)].match(" ; x").group()
    ' ; '
    >>> len(runs)
    2
    """

    def __missing__(self, key):
        characters, opposite = key
        members = "".join(re.escape(c) for c in characters)
        pattern = re.compile(f"[{members}]+" if opposite else f"[^{members}]+")
        self[key] = pattern
        return pattern


PATTERNS = CharacterRuns()
"""The parser's patterns, kept from one render to the next (a handful of character sets)."""


def _compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
    """``zlib.compressobj`` at :data:`STREAM_LEVEL`, whatever level the caller asks for."""
    return zlib.compressobj(STREAM_LEVEL, *args, **kwargs)


STREAM_ZLIB = types.SimpleNamespace(compressobj=_compressobj, compress=zlib.compress)
"""The ``zlib`` pydyf sees within :func:`library_fixes`."""


def svg_size(string, font_size=None, percentage_reference=None):
    """WeasyPrint's SVG ``size`` of a length [px], the plain numbers read first.

    >>> svg_size("12.5"), svg_size("2em", 10), svg_size("50%", None, 30), svg_size(None), svg_size("1in")
    (12.5, 20.0, 15.0, 0, 96.0)
    """
    if string:
        try:
            return float(string)
        except ValueError:
            pass
    return weasyprint_size(string, font_size, percentage_reference)


@contextmanager
def library_fixes() -> Iterator[None]:
    """Within this context, tinyhtml5 keeps its patterns, pydyf compresses at :data:`STREAM_LEVEL` and SVG reads numbers first."""
    with replaced((tinyhtml5.inputstream, "characters_until_regex", PATTERNS), (pydyf, "zlib", STREAM_ZLIB),
                  (weasyprint.svg, "size", svg_size)):
        yield
