"""How the overview figures show a level and a HydroSOS category, and what they share.

A level is always shown twice: by colour (:data:`.palette.LEVEL_COLOURS`) and by marker shape
(circle normal, triangle watch, diamond warning, star alert, cross no data, small hollow circle
for a station without an indicator); a HydroSOS category by colour and by a symbol in its cell.
"""

from __future__ import annotations

from .palette import CATEGORY_COLOURS, INKS, LEVEL_COLOURS, NO_INDICATOR_COLOUR

NO_LEVEL = "none"  # key of a station without a finding
LEVEL_ORDER = ("alert", "warning", "watch", "normal", "no_data", NO_LEVEL)
LEVEL_MARKERS = {"normal": "o", "watch": "^", "warning": "D", "alert": "*", "no_data": "X", NO_LEVEL: "o"}
LEVEL_MARKER_SIZES = {"normal": 6.0, "watch": 7.5, "warning": 6.0, "alert": 10.5, "no_data": 6.5, NO_LEVEL: 4.5}
CATEGORY_SYMBOLS = {"low": "−−", "below_normal": "−", "normal": "·", "above_normal": "+", "high": "++",
                    "no_data": "?"}
CATEGORY_INK = {"low": "#ffffff", "high": "#ffffff", "no_data": "#ffffff"}  # symbol colour on dark cells
CATEGORY_ORDER = tuple(CATEGORY_COLOURS)  # low, below normal, normal, above normal, high, no data
WATER_COLOUR = "#4f8fc6"  # reservoir water without a level
INK = INKS["ink"]
MUTED = INKS["muted"]
RULE = INKS["rule"]
WIDTH_IN = 7.0  # figure width [inch]; the page scales it to the text width


def level_key(level: str | None) -> str:
    """The key of a level in the tables of this module.

    Parameters
    ----------
    level : str or None
        A level, or None for a station without a finding.

    Returns
    -------
    str
        ``level``, or :data:`NO_LEVEL` for None.
    """
    return NO_LEVEL if level is None else level


def marker_style(level: str | None, size_scale: float = 1.0) -> dict:
    """Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the marker of a level.

    Parameters
    ----------
    level : str or None
        A level, or None for a station without a finding (a small hollow circle).
    size_scale : float
        Factor on the marker size of the level.

    Returns
    -------
    dict
        Marker, size, colours and edge width; no line.
    """
    key = level_key(level)
    colour = NO_INDICATOR_COLOUR if key == NO_LEVEL else LEVEL_COLOURS[key]
    style = {"marker": LEVEL_MARKERS[key], "markersize": LEVEL_MARKER_SIZES[key] * size_scale, "linestyle": "none"}
    if key == NO_LEVEL:
        style.update(markerfacecolor="#ffffff", markeredgecolor=colour, markeredgewidth=1.0)
    else:
        style.update(markerfacecolor=colour, markeredgecolor="#ffffff" if key != "no_data" else colour,
                     markeredgewidth=0.6)
    return style
