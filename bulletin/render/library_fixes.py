"""A cost of the HTML parser under WeasyPrint, removed for the time of a render (:func:`library_fixes`).

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

The name is looked up by the parser at call time and replaced under
:func:`.replaced.replaced`'s lock, so a parser that no longer has it raises at once rather than
silently working otherwise (``tests/test_library_fixes.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import tinyhtml5.inputstream

from .replaced import replaced


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


@contextmanager
def library_fixes() -> Iterator[None]:
    """Within this context, tinyhtml5 keeps its patterns (:data:`PATTERNS`)."""
    with replaced((tinyhtml5.inputstream, "characters_until_regex", PATTERNS)):
        yield
