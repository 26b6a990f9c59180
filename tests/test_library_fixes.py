"""The fixes to tinyhtml5's pattern cache and pydyf's compression level (bulletin/render/library_fixes.py)."""

import math
import random
import re
import zlib
from xml.etree import ElementTree

import pydyf
import tinyhtml5
import tinyhtml5.inputstream

from bulletin.render.library_fixes import PATTERNS, STREAM_LEVEL, library_fixes
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


def test_the_pdf_streams_are_compressed_at_the_chosen_level_and_read_back_the_same():
    random.seed(3)
    words = ["BT", "/F1", "12", "Tf", "(Toktogul)", "Tj", "ET", "0.5", "re", "f", "q", "Q", "cm"]
    raw = " ".join(random.choice(words) for _ in range(5000)).encode("ascii")
    level = {n: zlib.compressobj(n) for n in (STREAM_LEVEL, 9)}
    expected = {n: c.compress(raw) + c.flush() for n, c in level.items()}
    assert expected[STREAM_LEVEL] != expected[9]  # the test can tell the two levels apart
    with library_fixes():
        fixed = pydyf.Stream([raw], compress=True).data
    plain = pydyf.Stream([raw], compress=True).data
    assert expected[STREAM_LEVEL] in fixed and expected[9] in plain  # pydyf's own level outside the context
    body = fixed.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(body) == raw


LENGTHS = ["12", "-3.5e2", "1e-3", " 7 ", ".5", "50%", "2em", "1.5rem", "3ex", "1in", "2mm", "12pt", "4px", "",
           None, "abc", "1 2", "1,2", "nan", 0, 3.25]


def test_the_svg_lengths_are_weasyprints_own():
    """The quick path for plain numbers gives what WeasyPrint's size gives, for numbers and for everything else."""
    import weasyprint.svg
    from weasyprint.svg.utils import size

    from bulletin.render.library_fixes import svg_size

    for length in LENGTHS:
        ours, theirs = svg_size(length, 10, 200), size(length, 10, 200)
        assert ours == theirs or (math.isnan(ours) and math.isnan(theirs)), length
    assert weasyprint.svg.size is size
    with library_fixes():
        assert weasyprint.svg.size is svg_size
    assert weasyprint.svg.size is size
