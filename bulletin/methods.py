"""Pure indicator methods: numbers in, numbers or levels out. Registered by name.

An *indicator* (catalogue) names one of these *methods* and gives its parameters.
"""

from __future__ import annotations

import math
import operator as _op

LEVELS = ("normal", "watch", "warning", "alert")
NO_DATA = "no_data"
OPERATORS = {"<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge}

# method name -> short description (the annex shows it)
METHODS = {
    "threshold": "absolute value against thresholds",
    "percent_of_norm": "value as % of the norm against thresholds",
    "status_category": "HydroSOS status category mapped to a level",
    "difference": "difference of two variables against thresholds",
}


def level_rank(level: str) -> int:
    """Order of severity: no_data -1, normal 0, watch 1, warning 2, alert 3."""
    return -1 if level == NO_DATA else LEVELS.index(level)


def threshold_level(value: float, thresholds: dict[str, float], operator: str) -> str:
    """The most severe level whose threshold ``value`` crosses.

    Parameters
    ----------
    value : float
        The indicator value [unit of the thresholds]; NaN gives ``no_data``.
    thresholds : dict
        Level (watch, warning, alert) -> threshold value [same unit].
    operator : {'<', '<=', '>', '>='}
        How the value is compared with each threshold: ``value < threshold`` and so on.

    Returns
    -------
    str
        ``alert``, ``warning``, ``watch``, ``normal`` or ``no_data``.
    """
    if value is None or math.isnan(value):
        return NO_DATA
    compare = OPERATORS[operator]
    for level in reversed(LEVELS[1:]):
        if level in thresholds and compare(value, thresholds[level]):
            return level
    return "normal"


def percent_of_norm(value: float, norm: float) -> float:
    """``value`` as a percentage of ``norm`` [%]; NaN when either is missing or the norm is 0.

    The norm is the multi-year mean of the same dekad or month (regional convention).
    """
    if value is None or norm is None or math.isnan(value) or math.isnan(norm) or norm == 0:
        return float("nan")
    return 100.0 * value / norm


def category_level(category: str, mapping: dict[str, str]) -> str:
    """Level of a HydroSOS category through the indicator's mapping; ``no_data`` stays ``no_data``."""
    return NO_DATA if category == NO_DATA else mapping[category]


def difference(a: float, b: float) -> float:
    """``a - b``, NaN when either is missing (e.g. reservoir inflow minus release [m3/s])."""
    return a - b
