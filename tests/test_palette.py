"""One palette (bulletin/render/palette.py) for the figures and the stylesheets.

The stylesheets name the palette's colours only through custom properties that the renderer
writes before them; each level colour is visible on white as a line or a marker, and the level
swatches are far apart from each other and from the HydroSOS category colours.
"""

import itertools
import math
import re

import pytest

from bulletin.render import palette
from bulletin.resources import resource_path

SHEETS = ("bulletin.css", "print.css")
HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def _css(name: str) -> str:
    return resource_path("templates", name).read_text(encoding="utf-8")


def _long_hex(colour: str) -> str:
    colour = colour.lower()
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def _palette_colours() -> set[str]:
    return {_long_hex(v) for v in palette.custom_properties().values()}


@pytest.mark.parametrize("name", SHEETS)
def test_stylesheets_name_palette_colours_only_by_custom_property(name):
    css = re.sub(r"/\*.*?\*/", "", _css(name), flags=re.S)
    literal = sorted({_long_hex(h) for h in HEX.findall(css)} & _palette_colours())
    assert literal == [], f"{name} writes palette colours as hex: {literal}; use var(--…)"


def test_every_custom_property_the_stylesheets_use_is_defined():
    css = "\n".join(_css(name) for name in SHEETS)
    used = set(re.findall(r"var\(\s*(--[\w-]+)", css))
    defined = set(palette.custom_properties()) | set(re.findall(r"(--[\w-]+)\s*:", css))
    assert used and used <= defined, sorted(used - defined)
    # the old, unprefixed level names are gone: one name per colour
    assert not used & {"--normal", "--watch", "--warning", "--alert", "--no-data"}


def test_the_css_block_defines_every_property_once():
    block = palette.css_custom_properties()
    assert block.lstrip().startswith("/*") and ":root {" in block
    declared = re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6});", block)
    assert dict(declared) == palette.custom_properties()
    assert len(declared) == len(set(name for name, _ in declared))
    props = palette.custom_properties()
    assert props["--level-watch"] == palette.LEVEL_COLOURS["watch"]
    assert props["--level-no-data"] == palette.LEVEL_COLOURS["no_data"]
    assert props["--category-below-normal"] == palette.CATEGORY_COLOURS["below_normal"]


def test_hydrosos_colours_are_the_wmo_ones():
    assert {k: v.upper() for k, v in palette.CATEGORY_COLOURS.items() if k != "no_data"} == {
        "low": "#CD233F", "below_normal": "#FFA885", "normal": "#E7E2BC", "above_normal": "#8ECEEE",
        "high": "#2C7DCD"}


def test_contrast_ratio_is_the_wcag_one():
    assert palette.contrast_ratio("#000000") == pytest.approx(21.0)
    assert palette.contrast_ratio("#ffffff") == pytest.approx(1.0)
    assert palette.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("level", sorted(palette.LEVEL_COLOURS))
def test_level_lines_and_markers_stand_out_on_white(level):
    """WCAG 2.1, 1.4.11: graphical objects need 3:1 against what is next to them (white)."""
    assert palette.contrast_ratio(palette.LEVEL_COLOURS[level]) >= 3.0
    assert palette.contrast_ratio(palette.NO_INDICATOR_COLOUR) >= 3.0


def _lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour."""
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _distance(a: str, b: str) -> float:
    """CIE76 colour difference; 2.3 is just noticeable, more than 20 is another colour at a glance."""
    return math.dist(_lab(a), _lab(b))


def test_level_swatches_differ_from_each_other_and_from_the_categories():
    levels = palette.LEVEL_COLOURS
    for a, b in itertools.combinations(levels, 2):
        assert _distance(levels[a], levels[b]) > 25, (a, b)
    categories = {k: v for k, v in palette.CATEGORY_COLOURS.items() if k != "no_data"}
    for level, category in itertools.product(levels, categories):
        assert _distance(levels[level], categories[category]) > 25, (level, category)


def test_figures_take_their_level_colours_from_the_palette():
    from bulletin.render import charts, figures, symbols

    assert figures.LEVEL_COLOURS is palette.LEVEL_COLOURS
    assert charts.LEVEL_COLOURS is palette.LEVEL_COLOURS and charts.CATEGORY_COLOURS is palette.CATEGORY_COLOURS
    assert symbols.marker_style("watch")["markerfacecolor"] == palette.LEVEL_COLOURS["watch"]
    assert symbols.marker_style(None)["markeredgecolor"] == palette.NO_INDICATOR_COLOUR
