"""The bulletin's colours, in one table for the figures and the stylesheets.

The figures (:mod:`.figures`, :mod:`.basin_map`, :mod:`.charts`) import the colours from here;
the page gets the same values as CSS custom properties (:func:`css_custom_properties`), written
before ``bulletin.css`` and ``print.css``, which use only ``var(--…)`` for them. The page carries
those sheets with each ``var(--…)`` of the palette replaced by its colour (:func:`resolve_properties`):
the same colours, without a custom property for WeasyPrint to substitute in every element.

Levels
------
One colour per level, the same for the swatch next to a level word, the threshold line of the
hydrograph, the map marker and the fill bar. Lines and markers are drawn on white, so every level
colour has at least 3:1 contrast against white (WCAG 2.1, 1.4.11 non-text contrast); a yellow
that light cannot be the bright yellow of a swatch, hence an ochre for watch. Contrast against
white, rounded down:

=========  =======  ========  ==============================================
level      colour   contrast  why
=========  =======  ========  ==============================================
normal     #3b7d4f  4.9:1     green: nothing to report
watch      #bd8702  3.1:1     ochre: the lightest, as yellow as 3:1 allows
warning    #b84a00  5.2:1     burnt orange: darker than watch, so the two
                              differ by lightness too (red-green deficiency)
alert      #8e1b7e  8.0:1     purple: apart from HydroSOS red (low)
no_data    #8c8c8c  3.3:1     neutral grey (also the hollow "no indicator")
=========  =======  ========  ==============================================

The colours are far apart from each other and from the HydroSOS colours: CIEDE2000 difference
at least 24 between two levels and at least 20 between a level and a HydroSOS category (warning
and low) in normal vision; about 12 at the least between two levels in simulated deuteranopia
and protanopia (Machado et al. 2009; watch and warning, normal and warning), where the marker
shape and dash style tell them apart as well.

HydroSOS categories
-------------------
The WMO HydroSOS colours, unchanged: #CD233F low, #FFA885 below normal, #E7E2BC normal,
#8ECEEE above normal, #2C7DCD high; "no data" takes the grey of the no-data level.
"""

from __future__ import annotations

import re

LEVEL_COLOURS = {
    "normal": "#3b7d4f",
    "watch": "#bd8702",
    "warning": "#b84a00",
    "alert": "#8e1b7e",
    "no_data": "#8c8c8c",
}
NO_INDICATOR_COLOUR = LEVEL_COLOURS["no_data"]  # outline of a station without an indicator
# light backgrounds of the level cell of a table row, in the hue of the level (text stays --ink)
LEVEL_TINTS = {"watch": "#fdf3c8", "warning": "#fbd9b0", "alert": "#ecc7e6", "no_data": "#eeeeee"}
# the segments of the outlook's probability bars: normal pale (the share that matters is the rest), the others full
LEVEL_BARS = {"normal": "#c4dccb", "watch": LEVEL_COLOURS["watch"], "warning": LEVEL_COLOURS["warning"],
              "alert": LEVEL_COLOURS["alert"], "no_data": LEVEL_COLOURS["no_data"]}
CATEGORY_COLOURS = {
    "low": "#CD233F",
    "below_normal": "#FFA885",
    "normal": "#E7E2BC",
    "above_normal": "#8ECEEE",
    "high": "#2C7DCD",
    "no_data": LEVEL_COLOURS["no_data"],
}
# the inks of text and rules, shared by the page and the figures
INKS = {"ink": "#1a1a1a", "muted": "#5f5f5f", "rule": "#d0d0d0"}


def _name(key: str) -> str:
    return key.replace("_", "-")


def custom_properties() -> dict[str, str]:
    """The palette as CSS custom properties.

    Returns
    -------
    dict
        Property name (with its leading ``--``) -> colour: ``--ink``, ``--muted``, ``--rule``,
        ``--level-<level>`` and ``--level-<level>-tint``, ``--category-<category>``; an
        underscore of a key becomes a hyphen (``--level-no-data``, ``--category-below-normal``).
    """
    props = {f"--{_name(k)}": v for k, v in INKS.items()}
    props.update({f"--level-{_name(k)}": v for k, v in LEVEL_COLOURS.items()})
    props.update({f"--level-{_name(k)}-tint": v for k, v in LEVEL_TINTS.items()})
    props.update({f"--level-{_name(k)}-bar": v for k, v in LEVEL_BARS.items()})
    props.update({f"--category-{_name(k)}": v for k, v in CATEGORY_COLOURS.items()})
    return props


def css_custom_properties() -> str:
    """The ``:root`` rule that defines the palette for the stylesheets.

    Returns
    -------
    str
        A CSS rule, one declaration a line, to be placed before the stylesheets that use it.
    """
    lines = [f"  {name}: {value};" for name, value in custom_properties().items()]
    return "/* The palette (bulletin/render/palette.py), shared with the figures. */\n:root {\n" + "\n".join(
        lines) + "\n}\n"


_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*\)")


def resolve_properties(css: str) -> str:
    """``css`` with every ``var(--…)`` of a palette property replaced by its colour; other text as it is.

    >>> resolve_properties("td { color: var(--level-alert); border: 1px solid var(--rule); x: var(--other) }")
    'td { color: #8e1b7e; border: 1px solid #d0d0d0; x: var(--other) }'
    """
    props = custom_properties()
    return _VAR.sub(lambda m: props.get(m.group(1), m.group(0)), css)


def relative_luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour (WCAG 2.1).

    Parameters
    ----------
    colour : str
        ``#rrggbb``.

    Returns
    -------
    float
        From 0 (black) to 1 (white).
    """
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """Contrast ratio of two colours (WCAG 2.1): 1 (none) to 21 (black on white).

    Parameters
    ----------
    colour, background : str
        ``#rrggbb``; the background is white unless given.

    Returns
    -------
    float
    """
    a, b = sorted((relative_luminance(colour), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
