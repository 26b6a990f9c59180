"""The fix to tinyhtml5's pattern cache (bulletin/render/library_fixes.py)."""

import re
from xml.etree import ElementTree

import tinyhtml5
import tinyhtml5.inputstream

from bulletin.render.library_fixes import PATTERNS, library_fixes
from bulletin.render.replaced import replaced

from .conftest import SAMPLE_PERIOD as PERIOD

# unquoted, single- and double-quoted attributes, entities, a comment, CDATA-like text, a NUL: every
# state of the tokenizer that reads a run of characters
PAGE = ("<!DOCTYPE html><html lang=ru><head><title>T &amp; Q</title><style>p{color:red}</style></head>"
        "<body><p class=a data-x='1 & 2' id=\"b\">Нарын &lt; 400 m³/s<!-- note --> end\x00</p>"
        "<svg><text x=1>a</text></svg><table><tr><td>1<td>2</table></body></html>")


def _tree(html: str) -> bytes:
    return ElementTree.tostring(tinyhtml5.parse(html))


def test_tinyhtml5_still_stores_its_patterns_under_the_wrong_key():
    """The reason for the fix: without it every call misses the cache. Remove the fix when this fails."""
    plain: dict = {}
    with replaced((tinyhtml5.inputstream, "characters_until_regex", plain)):
        _tree(PAGE)
    assert plain and all(isinstance(key[0], re.Pattern) for key in plain)


def test_the_parser_reads_the_same_document_with_its_patterns_kept(sample):
    pages = [PAGE, (sample[0] / f"syrdarya-{PERIOD}.en.html").read_text(encoding="utf-8")]
    without = [_tree(page) for page in pages]
    PATTERNS.clear()
    with library_fixes():
        kept = [_tree(page) for page in pages]
    assert kept == without
    # each set of characters once, under the characters (a handful, not one per call)
    assert 0 < len(PATTERNS) <= 12
    assert all(not isinstance(characters, re.Pattern) and isinstance(opposite, bool)
               for characters, opposite in PATTERNS)

